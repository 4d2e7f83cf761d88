package source

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
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
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

// Record is one input record before decoding. Err is set when the record
// could not even be split into fields (broken JSON, over-long line); Field
// then names what failed where known.
type Record struct {
	File   string // the path read
	Line   int    // 1-based line (JSON Lines, CSV) or row (Parquet)
	Fields Fields // nil until split, and when Err is set
	Bytes  int    // size on disk, for throughput
	Err    error  // a fixed reason: never any of the record's text
	Field  string
	raw    []byte // a JSON line not yet split (lazy reading); see Split
}

// Split parses a JSON line whose parsing the reader left to the caller
// (ReadLazy), so that the costly part of reading runs in parallel workers.
// It splits into buf's storage when buf has room; a record already split,
// or one that failed, is left as it is.
func (r *Record) Split(buf Fields) {
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

// Files finds the files of one record type in a snapshot directory:
// one file <dir>/<name>.jsonl|.ndjson|.json|.csv|.parquet, or the files of
// a folder <dir>/<name>/, in lexical order; JSON Lines and CSV files may be
// compressed (.gz, .zst after the format's extension). A record type with
// no file yields no files, which the caller reports.
//
// Every file that could be meant as this record type is read or refused,
// never skipped: in the snapshot directory, any entry whose name is the
// record type's in any case, with or without an extension; in the record
// type's folder, every entry. A symbolic link, a folder where a file should
// be, an extension in another case, a hidden file and an unknown or
// compressed-Parquet extension are errors naming the path.
func Files(dir, name string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", dir, err)
	}
	var out []string
	folder := false
	for _, e := range ents {
		lower := strings.ToLower(e.Name())
		if lower != name && !strings.HasPrefix(lower, name+".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if e.Type()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("source %s: %w", p, errReason("a symbolic link: deid reads only regular files and folders of the snapshot itself (copy the file in)"))
		}
		if e.Name() == name && e.IsDir() {
			folder = true
			continue
		}
		if strings.HasPrefix(e.Name(), name+".") && e.Type().IsRegular() {
			if _, _, reason := parseInputName(strings.TrimPrefix(e.Name(), name)); reason != "" {
				return nil, fmt.Errorf("source %s: %w", p, errReason(reason))
			}
			out = append(out, p)
			continue
		}
		switch {
		case lower == name && e.IsDir():
			return nil, fmt.Errorf("source %s: %w", p, errReason("folder name in another case: the "+name+" folder must be named "+name))
		case e.IsDir():
			return nil, fmt.Errorf("source %s: %w", p, errReason("a folder named like a "+name+" file: put the files in the "+name+" folder"))
		case !e.Type().IsRegular():
			return nil, fmt.Errorf("source %s: %w", p, errReason("not a regular file"))
		case lower == name:
			return nil, fmt.Errorf("source %s: %w", p, errReason("no extension: name it "+name+".jsonl, .csv or .parquet"))
		default:
			return nil, fmt.Errorf("source %s: %w", p, errReason("file name in another case: the "+name+" file must be named "+name+" with a lower-case extension"))
		}
	}
	if len(out) > 1 {
		// Several files side by side would double-count records.
		return nil, fmt.Errorf("source %s: %w", filepath.Join(dir, name), errReason("more than one file for this record type (put parts in the "+name+" folder)"))
	}
	if folder {
		if len(out) > 0 {
			return nil, fmt.Errorf("source %s: %w", filepath.Join(dir, name), errReason("both a file and a folder for this record type"))
		}
		sub := filepath.Join(dir, name)
		ents, err := os.ReadDir(sub)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", sub, err)
		}
		for _, e := range ents {
			p := filepath.Join(sub, e.Name())
			switch {
			case e.Type()&fs.ModeSymlink != 0:
				return nil, fmt.Errorf("source %s: %w", p, errReason("a symbolic link: deid reads only regular files of the snapshot itself (copy the file in)"))
			case strings.HasPrefix(e.Name(), "."):
				return nil, fmt.Errorf("source %s: %w", p, errReason("a hidden file in a record-type folder: every file there is read or refused, so remove it"))
			case !e.Type().IsRegular():
				return nil, fmt.Errorf("source %s: %w", p, errReason("not a regular file: a record-type folder holds only its part files"))
			}
			// Parts may be named anything; their extension says the format.
			if _, _, reason := parseInputName(partExt(e.Name())); reason != "" {
				return nil, fmt.Errorf("source %s: %w", p, errReason(reason))
			}
			out = append(out, p)
		}
		sort.Strings(out)
		formats := map[string]bool{}
		for _, p := range out {
			formats[FormatOf(p)] = true
		}
		if len(formats) > 1 {
			return nil, fmt.Errorf("source %s: %w", sub, errReason("more than one format in this record-type folder"))
		}
	}
	return out, nil
}

// partExt returns the extensions of a file name: its last extension, and
// the one before when the last is a compression's.
func partExt(name string) string {
	ext := filepath.Ext(name)
	if c := strings.ToLower(ext); c == ".gz" || c == ".zst" {
		ext = filepath.Ext(strings.TrimSuffix(name, ext)) + ext
	}
	return ext
}

// inputFormats are the formats a record type is read from, by extension.
// Only the lower-case spelling is read: a name in another case is refused
// rather than guessed at, so that what is read is what the README lists.
var inputFormats = map[string]string{".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}

// parseInputName reads a file's extensions (".jsonl", ".csv.gz"): the
// format and compression they name, or why the file cannot be read.
func parseInputName(ext string) (format, compression, reason string) {
	e := filepath.Ext(ext)
	if lc := strings.ToLower(e); lc == ".gz" || lc == ".zst" {
		if e != lc {
			return "", "", "extension in another case: use lower case (" + lc + ")"
		}
		compression, ext = e, strings.TrimSuffix(ext, e)
		e = filepath.Ext(ext)
	}
	if e != ext {
		return "", "", "not a JSON Lines, CSV or Parquet file (extensions read: .jsonl .ndjson .json .csv .parquet, optionally with .gz or .zst)"
	}
	format = inputFormats[e]
	switch {
	case format == "" && inputFormats[strings.ToLower(e)] != "":
		return "", "", "extension in another case: use lower case (" + strings.ToLower(e) + ")"
	case format == "":
		return "", "", "not a JSON Lines, CSV or Parquet file (extensions read: .jsonl .ndjson .json .csv .parquet, optionally with .gz or .zst)"
	case format == "parquet" && compression != "":
		return "", "", "a compressed Parquet file cannot be read: Parquet compresses its own pages, so leave the file uncompressed"
	}
	return format, compression, ""
}

// FormatOf is the format a file's name gives ("jsonl", "csv", "parquet"),
// or "" when it names none.
func FormatOf(path string) string {
	f, _, _ := parseInputName(partExt(filepath.Base(path)))
	return f
}

// Read streams every raw record of the files to fn, in file order.
// fn's error stops the read and is returned as is.
func Read(ctx context.Context, files []string, fn func(Record) error) error {
	return readFiles(ctx, files, false, fn)
}

// ReadLazy is Read leaving JSON lines unsplit: the caller calls
// Record.Split, typically in a worker goroutine.
func ReadLazy(ctx context.Context, files []string, fn func(Record) error) error {
	return readFiles(ctx, files, true, fn)
}

func readFiles(ctx context.Context, files []string, lazy bool, fn func(Record) error) error {
	for _, f := range files {
		var err error
		switch FormatOf(f) {
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

// openInput opens a JSON Lines or CSV file for reading: decompressed when
// its name says so, past a UTF-8 byte-order mark, and refused when it
// starts with a UTF-16 or UTF-32 one (its lines would not be UTF-8).
func openInput(path string) (*bufio.Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("source %s: %w", path, err)
	}
	var r io.Reader = f
	var closer io.Closer = f
	_, comp, _ := parseInputName(partExt(filepath.Base(path)))
	switch comp {
	case ".gz":
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("source %s: %w", path, errReason("unreadable gzip file"))
		}
		r = zr
	case ".zst":
		// The window bound keeps a hostile frame from claiming gigabytes;
		// zstd --long=27, the largest common setting, fits.
		zr, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<27))
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("source %s: %w", path, errReason("unreadable zstd file"))
		}
		r, closer = zr, closeBoth{zr.IOReadCloser(), f}
	}
	br := bufio.NewReaderSize(r, 1<<20)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		_, _ = br.Discard(len(utf8BOM))
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}), bytes.HasPrefix(head, []byte{0, 0, 0xFE}):
		closer.Close()
		return nil, nil, fmt.Errorf("source %s: %w", path, errReason("UTF-16 or UTF-32 text: save the file as UTF-8"))
	}
	return br, closer, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

type closeBoth [2]io.Closer

func (c closeBoth) Close() error {
	err := c[0].Close()
	if e := c[1].Close(); err == nil {
		err = e
	}
	return err
}

func readJSONL(ctx context.Context, path string, lazy bool, fn func(Record) error) error {
	br, f, err := openInput(path)
	if err != nil {
		return err
	}
	defer f.Close()
	line := 0
	var buf Fields // reused: fn does not keep a record's fields
	var lines lineSlab
	for {
		if line%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b, tooLong, n, err := ReadLine(br, MaxLineBytes)
		if err == io.EOF && n == 0 {
			return nil
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("source %s line %d: %w", path, line+1, err)
		}
		line++
		rec := Record{File: path, Line: line, Bytes: n}
		// Files joined end to end each bring their byte-order mark.
		b = bytes.TrimPrefix(b, utf8BOM)
		switch {
		case tooLong:
			rec.Err = reasonLineTooLong
		case len(bytes.TrimSpace(b)) == 0:
			continue // blank lines are not records
		default:
			// b is only valid until the next read, and fields alias it.
			rec.raw = lines.copy(b)
			if !lazy {
				rec.Split(buf)
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
// rather than one per line, which the reader and the collector both paid
// for (docs/performance.md).
//
// A block lives while any record, or any view of one of its lines, does.
// Views are not kept past a record's admission (Decoder.View), and
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

func readCSV(ctx context.Context, path string, fn func(Record) error) error {
	br, f, err := openInput(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(br)
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
		if want, ok := nearMissCritical(h); ok {
			return fmt.Errorf("source %s line 1: %w", path, nearMissError(h, want))
		}
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
		r := Record{File: path, Line: line, Bytes: int(off - prevOffset)}
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
			r.Fields = make(Fields, 0, len(cells))
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
func readParquet(ctx context.Context, path string, fn func(Record) error) (err error) {
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
	for _, col := range pf.Schema().Fields() {
		if want, ok := nearMissCritical(col.Name()); ok {
			return fmt.Errorf("source %s: %w", path, nearMissError(col.Name(), want))
		}
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
		rec := Record{File: path, Line: row}
		if err != nil {
			// A row that cannot be decoded means the rest of the file is
			// unreliable: the file is abandoned with its row named.
			return fmt.Errorf("source %s row %d: %w", path, row, reasonBadParquet)
		}
		rec.Fields = make(Fields, 0, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if m[k] == nil {
				continue
			}
			v, ok := parquetText(m[k])
			if !ok {
				rec.Err, rec.Field, rec.Fields = reasonBadUTF8, k, nil
				break
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

// parquetText turns a binary value (BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY
// without a string annotation) into the text it holds, so that an
// identifier written as bytes reads as the same identifier (JSON would
// make base64 of it); false when a text or binary value is not UTF-8.
func parquetText(v any) (any, bool) {
	var b []byte
	switch t := v.(type) {
	case string:
		// JSON would replace invalid bytes with U+FFFD without a word.
		return v, utf8.ValidString(t)
	case []byte:
		b = t
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Array || rv.Type().Elem().Kind() != reflect.Uint8 {
			return v, true
		}
		b = make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
	}
	if !utf8.Valid(b) {
		return nil, false
	}
	return string(b), true
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
