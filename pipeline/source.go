package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
)

// Sources read one record type of a snapshot as a stream of raw records:
// field name → undecoded value. Decoding and validation happen in decode.go
// so that JSON Lines, CSV and Parquet share one set of rules and one set of
// quarantine reasons.

// MaxLineBytes bounds one input line (or CSV record). A longer line is
// quarantined, not buffered: memory stays bounded whatever the input holds.
const MaxLineBytes = 1 << 20

// rawValue is one field's undecoded value: JSON text (JSON Lines, Parquet
// converted to JSON) or a CSV cell.
type rawValue struct {
	json  json.RawMessage
	cell  string
	isCSV bool
}

// rawRecord is one input record before decoding. Err is set when the record
// could not even be split into fields (broken JSON, over-long line); Field
// then names what failed where known.
type rawRecord struct {
	File   string
	Line   int // 1-based line (JSON Lines, CSV) or row (Parquet)
	Fields fields
	Bytes  int // size on disk, for throughput
	Err    error
	Field  string
	raw    []byte // a JSON line not yet split (lazy reading); see split
}

// split parses a JSON line whose parsing the reader left to the caller, so
// that the costly part of reading runs in parallel workers.
// split splits a JSON Lines record, into buf's storage when it has room.
func (r *rawRecord) split(buf fields) {
	if r.raw != nil && r.Fields == nil && r.Err == nil {
		r.Fields, r.Err = splitJSON(r.raw, buf)
	}
	r.raw = nil
}

// errReason is a quarantine reason with no input value in it.
type errReason string

func (e errReason) Error() string { return string(e) }

const (
	reasonBadJSON     errReason = "malformed JSON"
	reasonNotObject   errReason = "record is not a JSON object"
	reasonBadUTF8     errReason = "invalid UTF-8"
	reasonLineTooLong errReason = "line exceeds the maximum record size"
	reasonBadCSV      errReason = "malformed CSV record"
	reasonBadParquet  errReason = "unreadable Parquet row"
	reasonDupField    errReason = "duplicate field name"
)

// sourceFiles finds the files of one record type in a snapshot directory:
// <dir>/<name>.jsonl|.csv|.parquet, or the files of a folder <dir>/<name>/,
// in lexical order. A record type with no file yields no files (an empty
// snapshot part), which the caller reports.
func sourceFiles(dir, name string) ([]string, error) {
	var out []string
	for _, ext := range []string{".jsonl", ".ndjson", ".json", ".csv", ".parquet"} {
		p := filepath.Join(dir, name+ext)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	sub := filepath.Join(dir, name)
	if st, err := os.Stat(sub); err == nil && st.IsDir() {
		ents, err := os.ReadDir(sub)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", sub, err)
		}
		for _, e := range ents {
			if e.Type().IsRegular() && formatOf(e.Name()) != "" {
				out = append(out, filepath.Join(sub, e.Name()))
			}
		}
	}
	sort.Strings(out)
	if len(out) > 1 {
		// Several formats side by side would double-count records.
		formats := map[string]bool{}
		for _, p := range out {
			formats[filepath.Dir(p)+"|"+formatOf(p)] = true
		}
		if len(formats) > 1 {
			return nil, fmt.Errorf("source %s: more than one file or format for this record type", filepath.Join(dir, name))
		}
	}
	return out, nil
}

func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	case ".csv":
		return "csv"
	case ".parquet":
		return "parquet"
	}
	return ""
}

// readSource streams every raw record of the files to fn, in file order.
// fn's error stops the read and is returned as is.
func readSource(ctx context.Context, files []string, fn func(rawRecord) error) error {
	return readFiles(ctx, files, false, fn)
}

// readSourceLazy is readSource leaving JSON lines unsplit: the caller calls
// rawRecord.split, typically in a worker goroutine.
func readSourceLazy(ctx context.Context, files []string, fn func(rawRecord) error) error {
	return readFiles(ctx, files, true, fn)
}

func readFiles(ctx context.Context, files []string, lazy bool, fn func(rawRecord) error) error {
	for _, f := range files {
		var err error
		switch formatOf(f) {
		case "jsonl":
			err = readJSONL(ctx, f, lazy, fn)
		case "csv":
			err = readCSV(ctx, f, fn)
		case "parquet":
			err = readParquet(ctx, f, fn)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func readJSONL(ctx context.Context, path string, lazy bool, fn func(rawRecord) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("source %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	line := 0
	var buf fields // reused: fn does not keep a record's fields
	var lines lineSlab
	for {
		if line%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, tooLong, n, err := readLine(br, MaxLineBytes)
		if err == io.EOF && n == 0 {
			return nil
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("source %s line %d: %w", path, line+1, err)
		}
		line++
		rec := rawRecord{File: path, Line: line, Bytes: n}
		switch {
		case tooLong:
			rec.Err = reasonLineTooLong
		case len(bytes.TrimSpace(b)) == 0:
			continue // blank lines are not records
		default:
			// b is only valid until the next read, and fields alias it.
			rec.raw = lines.copy(b)
			if !lazy {
				rec.split(buf)
				if rec.Fields != nil {
					buf = rec.Fields
				}
			}
		}
		if ferr := fn(rec); ferr != nil {
			return ferr
		}
		if err == io.EOF {
			return nil
		}
	}
}

// lineSlab copies lines into shared blocks: one allocation per block
// rather than one per line (allocating each line took 0.6 of the reader's
// 4.0 s on the 1 GB snapshot, and added to every collection's work).
//
// A block lives while any record, or any view of one of its lines, does.
// Views are not kept past a record's admission (decoder.view), and
// parquet-go copies the values it is given, so a block is freed a few
// batches after its last line was read. A line longer than an eighth of a
// block gets an allocation of its own, so that no block is left mostly
// unused.
type lineSlab struct{ block []byte }

const (
	slabBlock   = 64 << 10
	slabMaxLine = slabBlock / 8
)

func (s *lineSlab) copy(b []byte) []byte {
	if len(b) > slabMaxLine {
		return append([]byte(nil), b...)
	}
	if cap(s.block)-len(s.block) < len(b) {
		s.block = make([]byte, 0, slabBlock)
	}
	n := len(s.block)
	s.block = append(s.block, b...)
	return s.block[n:len(s.block):len(s.block)] // capped: an append to a line cannot reach the next
}

// readLine returns the next line without its newline. A line longer than
// max is consumed and discarded (tooLong) so memory stays bounded. n is the
// line's size on disk.
func readLine(br *bufio.Reader, max int) (line []byte, tooLong bool, n int, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		n += len(chunk)
		if !tooLong {
			if len(buf)+len(chunk) > max {
				tooLong, buf = true, nil
			} else if err == bufio.ErrBufferFull || buf != nil {
				buf = append(buf, chunk...)
			} else {
				buf = chunk
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		buf = bytes.TrimRight(buf, "\r\n")
		if err == io.EOF && n > 0 {
			return buf, tooLong, n, io.EOF
		}
		return buf, tooLong, n, err
	}
}

func readCSV(ctx context.Context, path string, fn func(rawRecord) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("source %s: %w", path, err)
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil
		}
		return fmt.Errorf("source %s line 1: unreadable CSV header: %w", path, errReason("malformed CSV header"))
	}
	header = append([]string(nil), header...)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	seen := map[string]bool{}
	for _, h := range header {
		if seen[h] {
			// Which column a field would be read from is ambiguous: fail
			// closed. (The name is input, so it is not quoted.)
			return fmt.Errorf("source %s line 1: %w", path, errReason("duplicate column name in CSV header"))
		}
		seen[h] = true
	}
	var prevOffset int64
	for rec := 0; ; rec++ {
		if rec%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		cells, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line := 0
		if err == nil && len(cells) > 0 {
			// FieldPos is only defined for a record that was read.
			line, _ = cr.FieldPos(0)
		}
		off := cr.InputOffset()
		r := rawRecord{File: path, Line: line, Bytes: int(off - prevOffset)}
		prevOffset = off
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			r.Line = pe.StartLine
			r.Err = reasonBadCSV
		case err != nil:
			return fmt.Errorf("source %s: %w", path, err)
		case r.Bytes > MaxLineBytes:
			r.Err = reasonLineTooLong
		case len(cells) != len(header):
			r.Err = errReason(fmt.Sprintf("CSV record has %d cells, header has %d", len(cells), len(header)))
		default:
			r.Fields = make(fields, 0, len(cells))
			for i, c := range cells {
				if !utf8.ValidString(c) {
					// The header is input too: name the column by position.
					r.Err, r.Field, r.Fields = reasonBadUTF8, fmt.Sprintf("column %d", i+1), nil
					break
				}
				if c == "" {
					continue // an empty cell is a missing value
				}
				r.Fields = append(r.Fields, field{name: header[i], val: rawValue{cell: c, isCSV: true}})
			}
		}
		if ferr := fn(r); ferr != nil {
			return ferr
		}
	}
}

// readParquet streams a Parquet file's rows. parquet-go trusts a file's
// metadata and can panic on a corrupt one; such a panic is turned into an
// "unreadable Parquet" error for this file (never a crash, and never the
// panic's text, which could quote the file's bytes).
func readParquet(ctx context.Context, path string, fn func(rawRecord) error) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("source %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("source %s: %w", path, err)
	}
	if !plausibleParquet(f, st.Size()) {
		return fmt.Errorf("source %s: %w", path, errReason("unreadable Parquet file"))
	}
	row := 0
	inFn := false
	defer func() {
		if p := recover(); p != nil {
			if inFn {
				panic(p) // our own bug, not the file's
			}
			err = fmt.Errorf("source %s row %d: %w", path, row, reasonBadParquet)
		}
	}()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("source %s: %w", path, errReason("unreadable Parquet file"))
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	for row = 1; ; row++ {
		if row%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		m := map[string]any{}
		err := r.Read(&m)
		if err == io.EOF {
			return nil
		}
		rec := rawRecord{File: path, Line: row}
		if err != nil {
			// A row that cannot be decoded means the rest of the file is
			// unreliable: the file is abandoned with its row named.
			return fmt.Errorf("source %s row %d: %w", path, row, reasonBadParquet)
		}
		rec.Fields = make(fields, 0, len(m))
		for _, k := range sortedKeys(m) {
			v := m[k]
			if v == nil {
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				rec.Err, rec.Field = reasonBadParquet, k
				break
			}
			rec.Fields = append(rec.Fields, field{name: k, val: rawValue{json: b}})
			rec.Bytes += len(b)
		}
		inFn = true
		ferr := fn(rec)
		inFn = false
		if ferr != nil {
			return ferr
		}
	}
}

// plausibleParquet checks the magic bytes and that the footer length fits
// in the file before parquet-go allocates what the footer claims.
func plausibleParquet(r io.ReaderAt, size int64) bool {
	if size < 12 {
		return false
	}
	var head [4]byte
	var tail [8]byte
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return false
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return false
	}
	footer := int64(binary.LittleEndian.Uint32(tail[:4]))
	return string(head[:]) == "PAR1" && string(tail[4:]) == "PAR1" && footer > 0 && footer <= size-12
}
