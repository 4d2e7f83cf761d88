package source

// Fuzz targets for every source reader and the record decoders. Hostile
// input must never crash a run, lose a record or leak a value: every
// property below is one of those three promises, checked on inputs the
// fuzzer mutates from the malformed fixture snapshot.
//
// `make fuzz` runs each target briefly; plain `go test` runs the seeds.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// fzMarker is planted in hostile input; no error, quarantine field or
// reason may ever contain it.
const fzMarker = "Zq7xMarkerQ"

// fzReasons is the closed set of reasons a reader may attach to a record it
// could not split. A reason outside it could be carrying input.
var fzReasons = map[error]bool{
	reasonBadJSON: true, reasonNotObject: true, reasonBadUTF8: true,
	reasonLineTooLong: true, reasonBadCSV: true, reasonBadParquet: true,
	reasonDupField: true,
}

// fzSeedLines returns every line of the malformed fixture snapshot's JSON
// Lines files (the fuzzers' starting points) plus a few hand-picked edge
// cases the fixture does not hold.
func fzSeedLines(f *testing.F) [][]byte {
	f.Helper()
	files, _ := filepath.Glob("../fixtures/malformed/*.jsonl")
	var out [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				out = append(out, l)
			}
		}
	}
	for _, s := range []string{
		`{"session_id":"` + fzMarker + `","turn":1e400,"speaker":"` + fzMarker + `","sent_at":"` + fzMarker + `"}`,
		`{"patient_id":"P1","nhs_number":"` + fzMarker + `","date_of_birth":"` + fzMarker + `","contacts":"` + fzMarker + `"}`,
		`{"items":[1,"` + fzMarker + `",null],"instrument":"PHQ9","completed_at":"2024-13-45T99:99:99Z"}`,
		`{"a":1,"a":2}`, `{}`, `null`, `"` + fzMarker + `"`, `[{"x":1}]`, `{"text":"\ud800"}`,
		"{\"text\":\"caf\xe9\"}", `{"session_number":-9223372036854775809,"research_opt_out":"yes"}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// fzWrite writes data to a fresh file in dir; the fuzz body runs many
// times per process, so it cleans up after itself.
func fzWrite(t *testing.T, dir, ext string, data []byte) string {
	t.Helper()
	f, err := os.CreateTemp(dir, "in-*"+ext)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(f.Name()) })
	return f.Name()
}

// fzPlant inserts the marker at a position chosen by the fuzzer.
func fzPlant(data []byte, at uint16) []byte {
	i := 0
	if len(data) > 0 {
		i = int(at) % (len(data) + 1)
	}
	out := make([]byte, 0, len(data)+len(fzMarker))
	out = append(out, data[:i]...)
	out = append(out, fzMarker...)
	return append(out, data[i:]...)
}

// fzCheckRecord holds for a record from any reader: it was split or it
// failed with a reason from the closed set, and nothing it says about
// itself carries the marker.
func fzCheckRecord(t *testing.T, r Record) {
	t.Helper()
	if (r.Err == nil) == (r.Fields == nil) {
		t.Fatalf("line %d: want exactly one of fields and error, got fields=%v err=%v", r.Line, r.Fields != nil, r.Err)
	}
	if r.Err != nil {
		if _, fixed := fzReasons[r.Err]; !fixed && !strings.HasPrefix(r.Err.Error(), "CSV record has ") {
			t.Fatalf("line %d: reason %q is not one of the fixed reasons", r.Line, r.Err)
		}
		if strings.Contains(r.Err.Error(), fzMarker) {
			t.Fatalf("line %d: reason carries input", r.Line)
		}
	}
	if strings.Contains(r.Field, fzMarker) {
		t.Fatalf("line %d: field name carries input", r.Line)
	}
	if r.Bytes < 0 {
		t.Fatalf("line %d: negative size", r.Line)
	}
}

func FuzzReadJSONL(f *testing.F) {
	for _, l := range fzSeedLines(f) {
		f.Add(l, uint16(len(l)/2))
	}
	f.Add([]byte("\n\n  \r\n{\"a\":1}\r\n\t\n{\"b\":"), uint16(3))
	f.Add([]byte("{}\n{}"), uint16(0))
	f.Add([]byte("\ufeff\n{}"), uint16(6))
	f.Add([]byte("\ufeff{}\n{}"), uint16(8))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, at uint16) {
		data = fzPlant(data, at)
		path := fzWrite(t, dir, ".jsonl", data)
		var recs []Record
		if err := readJSONL(context.Background(), path, false, func(r Record) error {
			recs = append(recs, r)
			return nil
		}); err != nil {
			t.Fatalf("reading a regular file failed: %v", err)
		}
		// Every non-blank line is exactly one record, at its own line
		// number, and its size is the line's. The reader drops a
		// byte-order mark before it reads lines, so it is not counted.
		lines := bytes.Split(bytes.TrimPrefix(data, utf8BOM), []byte("\n"))
		var want []int
		for i, l := range lines {
			if len(bytes.TrimSpace(l)) > 0 {
				want = append(want, i)
			}
		}
		if len(recs) != len(want) {
			t.Fatalf("%d records from %d non-blank lines", len(recs), len(want))
		}
		for k, r := range recs {
			i := want[k]
			fzCheckRecord(t, r)
			if r.Line != i+1 {
				t.Fatalf("record %d: line %d, want %d", k, r.Line, i+1)
			}
			size := len(lines[i])
			if i < len(lines)-1 {
				size++ // its newline
			}
			if r.Bytes != size {
				t.Fatalf("line %d: %d bytes counted, line has %d", r.Line, r.Bytes, size)
			}
			body := bytes.TrimRight(lines[i], "\r")
			if r.Err == nil && !json.Valid(body) {
				t.Fatalf("line %d: accepted a line that is not valid JSON", r.Line)
			}
			if r.Err == reasonBadJSON && json.Valid(body) {
				t.Fatalf("line %d: valid JSON called malformed", r.Line)
			}
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	b, err := os.ReadFile("../fixtures/malformed/messages.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, uint16(len(b)-5))
	f.Add([]byte("a,b\n1,2\n\n3\n\"x\ny\",z\n\"broken\n"), uint16(9))
	f.Add([]byte("\ufeffmessage_id,text\nM1,\"a \"\"quoted\"\" word\"\r\nM2,caf\xe9\n"), uint16(40))
	f.Add([]byte("message_id,text\n"), uint16(0))
	f.Add([]byte(""), uint16(0))
	f.Add([]byte("x\n\"a\"b\n\"c\nd\n"), uint16(2))
	// A file without a header row: its first record's values become the
	// column names, and a bad cell below must not be reported by one.
	f.Add([]byte("Rebecca,Thornbury\ncaf\xe9,x\n"), uint16(0))
	// A byte-order mark alone on the first line: the header is the next line.
	f.Add([]byte("\ufeff\nx"), uint16(5))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, at uint16) {
		// The marker may land in the header too: header cells become the
		// field names quarantine entries report by, so a header row that
		// is really a record must not get through.
		data = fzPlant(data, at)
		path := fzWrite(t, dir, ".csv", data)
		var recs []Record
		err := readCSV(context.Background(), path, func(r Record) error {
			recs = append(recs, r)
			return nil
		})
		if err != nil {
			if strings.Contains(err.Error(), fzMarker) {
				t.Fatal("reader error carries input")
			}
			if len(recs) > 0 {
				t.Fatalf("a reader error after %d records: %v", len(recs), err)
			}
			return // an unreadable header: the file is refused as a whole
		}
		total, prevLine := 0, 0
		for _, r := range recs {
			fzCheckRecord(t, r)
			if r.Line <= prevLine {
				t.Fatalf("line %d after line %d", r.Line, prevLine)
			}
			prevLine = r.Line
			total += r.Bytes
			for _, f := range r.Fields {
				if f.val.cell == "" || !f.val.isCSV {
					t.Fatalf("line %d field %q: empty or non-CSV value kept", r.Line, f.name)
				}
			}
		}
		if total > len(data) {
			t.Fatalf("%d bytes counted in a %d-byte file", total, len(data))
		}
		// Without quotes or carriage returns every non-empty line after the
		// header is one record, so nothing can go missing silently.
		if !bytes.ContainsAny(data, "\"\r") {
			// The reader drops a byte-order mark before the CSV parser sees
			// the text, so a line holding only the mark is an empty line.
			n := -1 // the header
			for _, l := range bytes.Split(bytes.TrimPrefix(data, utf8BOM), []byte("\n")) {
				if len(l) > 0 {
					n++
				}
			}
			if n < 0 {
				n = 0
			}
			if len(recs) != n {
				t.Fatalf("%d records from %d non-empty lines after the header", len(recs), n)
			}
		}
	})
}

// fzDecoders runs every record type's decoder over the same fields.
var fzDecoders = []struct {
	kind   string
	fields reflect.Type // the record struct whose JSON names are the only valid field names
	decode func(*Decoder)
}{
	{"patients", reflect.TypeOf(Patient{}), func(d *Decoder) { DecodePatient(d) }},
	{"opt_outs", reflect.TypeOf(OptOut{}), func(d *Decoder) { DecodeOptOut(d) }},
	{"sessions", reflect.TypeOf(Session{}), func(d *Decoder) { DecodeSession(d) }},
	{"transcripts", reflect.TypeOf(Transcript{}), func(d *Decoder) { DecodeTranscript(d) }},
	{"messages", reflect.TypeOf(Message{}), func(d *Decoder) { DecodeMessage(d) }},
	{"notes", reflect.TypeOf(Note{}), func(d *Decoder) { DecodeNote(d) }},
	{"questionnaires", reflect.TypeOf(Questionnaire{}), func(d *Decoder) { DecodeQuestionnaire(d) }},
}

func fzFieldNames(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[name] = true
	}
	return out
}

// fzVariants returns the record as read, every string value prefixed with
// the marker, and every value replaced by the marker: the failure paths
// of each decoder all see a value they must not repeat.
func fzVariants(raw Fields, asCSV bool) []Fields {
	var plain, prefixed, replaced Fields
	for _, f := range raw {
		k, v := f.name, f.val
		text := string(v.json)
		var s string
		isString := json.Unmarshal(v.json, &s) == nil
		if asCSV {
			// A CSV cell holds a string's characters, anything else as its
			// JSON text (arrays and objects are JSON-encoded cells).
			cell := text
			if isString {
				cell = s
			}
			plain = append(plain, field{k, rawValue{cell: cell, isCSV: true}})
			prefixed = append(prefixed, field{k, rawValue{cell: fzMarker + cell, isCSV: true}})
			replaced = append(replaced, field{k, rawValue{cell: fzMarker, isCSV: true}})
			continue
		}
		plain = append(plain, f)
		if isString {
			b, _ := json.Marshal(fzMarker + s)
			prefixed = append(prefixed, field{k, rawValue{json: b}})
		} else {
			prefixed = append(prefixed, f)
		}
		b, _ := json.Marshal(fzMarker)
		replaced = append(replaced, field{k, rawValue{json: b}})
	}
	return []Fields{plain, prefixed, replaced}
}

func FuzzDecodeRecords(f *testing.F) {
	for _, l := range fzSeedLines(f) {
		f.Add(l, false)
		f.Add(l, true)
	}
	clock := DateRange{Min: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), Max: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, line []byte, asCSV bool) {
		raw, err := splitJSON(line, nil)
		if err != nil {
			if _, fixed := fzReasons[err]; !fixed {
				t.Fatalf("split: reason %q is not one of the fixed reasons", err)
			}
			return
		}
		for vi, fields := range fzVariants(raw, asCSV) {
			for _, dec := range fzDecoders {
				d := &Decoder{raw: fields, clock: clock}
				dec.decode(d)
				if u := d.Unknown(); u < 0 || u > len(fields) {
					t.Fatalf("%s variant %d: %d unknown fields of %d", dec.kind, vi, u, len(fields))
				}
				if d.err == nil {
					continue
				}
				if _, nearMiss := nearMissCritical(d.err.Field); nearMiss && d.err.Fatal {
					// A header named like a privacy-critical field is named
					// in the error; only letters of that field's name (and
					// separators) can make it so.
				} else if !fzFieldNames(dec.fields)[d.err.Field] {
					t.Fatalf("%s variant %d: error names %q, not a field of the record type", dec.kind, vi, d.err.Field)
				}
				if d.err.Reason == "" || strings.Contains(d.err.Error(), fzMarker) {
					t.Fatalf("%s variant %d: error %q is empty or carries input", dec.kind, vi, d.err.Error())
				}
			}
		}
	})
}

// fzParquetSeed writes a small Parquet file of transcript turns, the shape
// a source snapshot in Parquet has.
func fzParquetSeed(tb testing.TB, rows int) []byte {
	tb.Helper()
	type turn struct {
		SessionID string  `parquet:"session_id"`
		Turn      int64   `parquet:"turn"`
		Speaker   string  `parquet:"speaker"`
		SentAt    string  `parquet:"sent_at"`
		Text      *string `parquet:"text,optional"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[turn](&buf)
	for i := 0; i < rows; i++ {
		text := fzMarker + " said hello"
		tr := turn{SessionID: "S1", Turn: int64(i + 1), Speaker: "patient", SentAt: "2024-01-17T10:00:00Z", Text: &text}
		if i%3 == 2 {
			tr.Text = nil
		}
		if _, err := w.Write([]turn{tr}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// fzCorruptParquet returns small corruptions of a valid file that once
// crashed or exhausted the reader: single bytes that make parquet-go panic
// (a nil unsafe.Slice, a negative slice bound, a negative value count) and
// a footer claiming 4 GB, which parquet-go allocates before checking it
// against the file's size.
//
// Under -race the nil-slice case is left out: -race turns on checkptr,
// which makes parquet-go's unsafe.Slice of a nil pointer a fatal error
// that no recover can catch (the reader's recover is what the case
// tests). `make test`, built without -race, runs it.
func fzCorruptParquet(valid []byte) map[string][]byte {
	out := map[string][]byte{}
	for _, c := range []struct {
		name     string
		at       int
		val      byte
		checkptr bool // fatal under checkptr (-race)
	}{{"nil-slice", 18, 0x00, true}, {"negative-bound", 20, 0x1c, false}, {"negative-count", 75, 0x1c, false}} {
		if c.at < len(valid) && !(c.checkptr && raceEnabled) {
			b := bytes.Clone(valid)
			b[c.at] = c.val
			out[c.name] = b
		}
	}
	b := bytes.Clone(valid)
	binary.LittleEndian.PutUint32(b[len(b)-8:], 0xfffffff0)
	out["footer-4GB"] = b
	return out
}

func FuzzReadParquet(f *testing.F) {
	one := fzParquetSeed(f, 1)
	f.Add(one)
	f.Add(fzParquetSeed(f, 5))
	for _, b := range fzCorruptParquet(one) {
		f.Add(b)
	}
	f.Add([]byte("PAR1PAR1"))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := fzWrite(t, dir, ".parquet", data)
		n := 0
		err := readParquet(context.Background(), path, func(r Record) error {
			n++
			if r.Line != n {
				t.Fatalf("row %d reported as %d", n, r.Line)
			}
			fzCheckRecord(t, r)
			return nil
		})
		if err != nil && strings.Contains(err.Error(), fzMarker) {
			t.Fatal("reader error carries input")
		}
	})
}

// TestReadParquetCorrupt: a corrupt Parquet file fails the read with a
// fixed reason; it neither crashes the process nor allocates what its
// bytes claim.
func TestReadParquetCorrupt(t *testing.T) {
	valid := fzParquetSeed(t, 1)
	dir := t.TempDir()
	for name, b := range fzCorruptParquet(valid) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".parquet")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var recs []Record
			err := func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("reader panicked on a corrupt file: %v", p)
					}
				}()
				return readParquet(context.Background(), path, func(r Record) error { recs = append(recs, r); return nil })
			}()
			runtime.ReadMemStats(&after)
			if got := after.TotalAlloc - before.TotalAlloc; got > 256<<20 {
				t.Errorf("reading a %d-byte file allocated %d MB", len(b), got>>20)
			}
			for _, r := range recs {
				fzCheckRecord(t, r)
			}
			if err == nil && len(recs) != 1 {
				t.Errorf("no error, %d rows from a one-row file", len(recs))
			}
			if err != nil && strings.Contains(err.Error(), fzMarker) {
				t.Error("reader error carries input")
			}
		})
	}
}

// TestCSVReaderWriterRoundTrip pins the seed property the CSV fuzzer
// relies on: a file written by encoding/csv reads back record for record.
func TestCSVReaderWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{{"message_id", "text"}, {"M1", "line one\nline two"}, {"M2", `a "quoted" word`}, {"M3", "x"}}
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "messages.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []Record
	if err := readCSV(context.Background(), path, func(r Record) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d records, want 3", len(got))
	}
	for i, r := range got {
		if r.Err != nil || fieldCell(r.Fields, "text") != rows[i+1][1] {
			t.Errorf("record %d: err %v, text round trip failed", i, r.Err)
		}
	}
	if want := []int{2, 4, 5}; got[0].Line != want[0] || got[1].Line != want[1] || got[2].Line != want[2] {
		t.Errorf("lines %d %d %d, want %v", got[0].Line, got[1].Line, got[2].Line, want)
	}
}
