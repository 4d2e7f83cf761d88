package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func collect(t *testing.T, files ...string) []Record {
	t.Helper()
	var out []Record
	if err := Read(context.Background(), files, func(r Record) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadJSONLMalformed(t *testing.T) {
	dir := t.TempDir()
	long := `{"text":"` + strings.Repeat("x", MaxLineBytes) + `"}`
	lines := []string{
		`{"session_id":"S1","turn":1}`,
		`{"session_id":"S1","turn":`, // broken JSON
		"{\"text\":\"caf\xe9\"}",     // invalid UTF-8
		`[1,2,3]`,                    // not an object
		``,                           // blank: not a record
		long,                         // over-long line
		`null`,                       // not an object
		`{"session_id":"S2","turn":2}`,
	}
	p := filepath.Join(dir, "transcripts.jsonl")
	writeFile(t, p, strings.Join(lines, "\n")) // no trailing newline on purpose
	recs := collect(t, p)
	want := []struct {
		line int
		err  error
	}{{1, nil}, {2, reasonBadJSON}, {3, reasonBadUTF8}, {4, reasonNotObject}, {6, reasonLineTooLong}, {7, reasonNotObject}, {8, nil}}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		if recs[i].Line != w.line || recs[i].Err != w.err {
			t.Errorf("record %d: line %d err %v; want line %d err %v", i, recs[i].Line, recs[i].Err, w.line, w.err)
		}
	}
	if last := recs[len(recs)-1]; string(fieldJSON(last.Fields, "session_id")) != `"S2"` {
		t.Errorf("last record (no trailing newline) = %+v", last)
	}
}

func TestReadCSV(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "patients.csv")
	writeFile(t, p, "patient_id,address_lines,research_opt_out\n"+
		"P1,\"[\"\"1 High St\"\"]\",true\n"+
		"P2,only two\n"+ // wrong cell count
		"P3,\"[]\",false\n"+
		"P4,\"unterminated\n")
	recs := collect(t, p)
	if len(recs) != 4 {
		t.Fatalf("got %d records", len(recs))
	}
	if recs[0].Err != nil || fieldCell(recs[0].Fields, "address_lines") != `["1 High St"]` || recs[0].Line != 2 {
		t.Errorf("record 1: %+v", recs[0])
	}
	if recs[1].Err == nil || recs[1].Line != 3 {
		t.Errorf("record 2 should fail on its cell count: %+v", recs[1])
	}
	if recs[3].Err != reasonBadCSV {
		t.Errorf("record 4: %+v", recs[3])
	}
	d := &Decoder{raw: recs[0].Fields, clock: DateRange{Max: time.Now()}}
	if got := d.strings("address_lines"); len(got) != 1 || got[0] != "1 High St" || !d.boolean("research_opt_out") || d.err != nil {
		t.Errorf("CSV decode: %v %v", got, d.err)
	}
}

func TestDecodeFieldErrors(t *testing.T) {
	valid := `{"session_id":"S1","patient_id":"P1","therapist_id":"T1","started_at":"2024-03-07T10:00:00Z","modality":"text","session_number":1}`
	tests := []struct {
		name, line, field, reason string
	}{
		{"ok", valid, "", ""},
		{"missing field", strings.Replace(valid, `"patient_id":"P1",`, "", 1), "patient_id", "missing"},
		{"null is missing", strings.Replace(valid, `"P1"`, "null", 1), "patient_id", "missing"},
		{"wrong type", strings.Replace(valid, `"session_number":1`, `"session_number":"one"`, 1), "session_number", "want an integer"},
		{"string not number", strings.Replace(valid, `"therapist_id":"T1"`, `"therapist_id":7`, 1), "therapist_id", "want a string"},
		{"bad enum", strings.Replace(valid, `"text"`, `"carrier pigeon"`, 1), "modality", "unknown value (allowed: text, video, phone)"},
		{"bad timestamp", strings.Replace(valid, "2024-03-07T10:00:00Z", "7 March 2024", 1), "started_at", "want an RFC 3339 timestamp"},
		{"future", strings.Replace(valid, "2024-03-07", "2999-03-07", 1), "started_at", "in the future"},
		{"before 1900", strings.Replace(valid, "2024-03-07", "1899-12-31", 1), "started_at", "before 1900"},
		{"session number zero", strings.Replace(valid, `"session_number":1`, `"session_number":0`, 1), "session_number", "must be at least 1"},
	}
	clock := DateRange{Min: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), Max: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields, err := splitJSON([]byte(tt.line), nil)
			if err != nil {
				t.Fatal(err)
			}
			d := &Decoder{raw: fields, clock: clock}
			DecodeSession(d)
			if tt.field == "" {
				if d.err != nil {
					t.Fatalf("unexpected error %v", d.err)
				}
				return
			}
			if d.err == nil || d.err.Field != tt.field || d.err.Reason != tt.reason {
				t.Fatalf("err = %v, want field %s reason %q", d.err, tt.field, tt.reason)
			}
			if strings.Contains(d.err.Error(), "carrier") || strings.Contains(d.err.Error(), "March") {
				t.Fatalf("error leaks the value: %v", d.err)
			}
		})
	}
}

func TestUnknownFieldsCounted(t *testing.T) {
	fields, _ := splitJSON([]byte(`{"message_id":"M1","patient_id":"P1","sender":"patient","sent_at":"2024-01-01T00:00:00Z","text":"hi","mood":"ok","x":1}`), nil)
	d := &Decoder{raw: fields, clock: DateRange{Max: time.Now()}}
	DecodeMessage(d)
	if d.err != nil || d.Unknown() != 2 {
		t.Fatalf("err %v unknown %d", d.err, d.Unknown())
	}
}

func TestSourceFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "notes", "part-0002.jsonl"), "")
	writeFile(t, filepath.Join(dir, "notes", "part-0001.jsonl"), "")
	files, err := Files(dir, "notes")
	if err != nil || len(files) != 2 || !strings.HasSuffix(files[0], "part-0001.jsonl") {
		t.Fatalf("files %v err %v", files, err)
	}
	writeFile(t, filepath.Join(dir, "notes.csv"), "")
	if _, err := Files(dir, "notes"); err == nil {
		t.Fatal("mixed formats accepted")
	}
	if files, err := Files(dir, "messages"); err != nil || len(files) != 0 {
		t.Fatalf("absent record type: %v %v", files, err)
	}
}

// Every entry that could be meant as a record type is read or refused,
// never skipped.
func TestSourceFilesReadOrRefuse(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string // relative paths created (a trailing / makes a folder)
		links [][2]string
		want  []string // files read, relative; nil with err
		err   string
	}{
		{"plain", []string{"notes.jsonl", "notesy.jsonl", "other.csv"}, nil, []string{"notes.jsonl"}, ""},
		{"compressed", []string{"notes.csv.gz"}, nil, []string{"notes.csv.gz"}, ""},
		{"parts", []string{"notes/b.jsonl.zst", "notes/a.jsonl", "notes/c.ndjson.gz"}, nil, []string{"notes/a.jsonl", "notes/b.jsonl.zst", "notes/c.ndjson.gz"}, ""},
		{"none", []string{"other.jsonl"}, nil, nil, ""},
		{"empty folder", []string{"notes/"}, nil, nil, ""},
		{"upper-case extension", []string{"notes.JSONL"}, nil, nil, "notes.JSONL: extension in another case"},
		{"upper-case name", []string{"NOTES.jsonl"}, nil, nil, "NOTES.jsonl: file name in another case"},
		{"upper-case folder", []string{"Notes/a.jsonl"}, nil, nil, "Notes: folder name in another case"},
		{"part upper-case", []string{"notes/a.Csv"}, nil, nil, "a.Csv: extension in another case"},
		{"part compression upper-case", []string{"notes/a.csv.GZ"}, nil, nil, "a.csv.GZ: extension in another case"},
		{"unknown extension", []string{"notes.txt"}, nil, nil, "notes.txt: not a JSON Lines, CSV or Parquet file"},
		{"double extension", []string{"notes.jsonl.bak"}, nil, nil, "notes.jsonl.bak: not a JSON Lines"},
		{"no extension", []string{"notes"}, nil, nil, "no extension"},
		{"compressed parquet", []string{"notes/a.parquet.zst"}, nil, nil, "a compressed Parquet file cannot be read"},
		{"hidden", []string{"notes/a.jsonl", "notes/.DS_Store"}, nil, nil, ".DS_Store: a hidden file"},
		{"part without extension", []string{"notes/part-0"}, nil, nil, "part-0: not a JSON Lines"},
		{"sub-folder", []string{"notes/a.jsonl", "notes/old/"}, nil, nil, "old: not a regular file"},
		{"two files", []string{"notes.jsonl", "notes.csv"}, nil, nil, "more than one file"},
		{"same format twice", []string{"notes.jsonl", "notes.jsonl.gz"}, nil, nil, "more than one file"},
		{"file and folder", []string{"notes.jsonl", "notes/a.jsonl"}, nil, nil, "both a file and a folder"},
		{"mixed formats in folder", []string{"notes/a.jsonl", "notes/b.csv"}, nil, nil, "more than one format"},
		{"folder named like a file", []string{"notes.jsonl/"}, nil, nil, "a folder named like a notes file"},
		{"symlinked file", []string{"x.jsonl"}, [][2]string{{"x.jsonl", "notes.jsonl"}}, nil, "notes.jsonl: a symbolic link"},
		{"symlinked folder", []string{"x/a.jsonl"}, [][2]string{{"x", "notes"}}, nil, "notes: a symbolic link"},
		{"symlinked part", []string{"x.jsonl", "notes/a.jsonl"}, [][2]string{{"x.jsonl", "notes/b.jsonl"}}, nil, "b.jsonl: a symbolic link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				if strings.HasSuffix(f, "/") {
					if err := os.MkdirAll(filepath.Join(dir, f), 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				writeFile(t, filepath.Join(dir, f), "")
			}
			for _, l := range tc.links {
				if err := os.Symlink(filepath.Join(dir, l[0]), filepath.Join(dir, l[1])); err != nil {
					t.Skip("no symlinks:", err)
				}
			}
			got, err := Files(dir, "notes")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var rel []string
			for _, g := range got {
				r, _ := filepath.Rel(dir, g)
				rel = append(rel, filepath.ToSlash(r))
			}
			if strings.Join(rel, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("files %v, want %v", rel, tc.want)
			}
		})
	}
}

// Compressed files and byte-order marks are read to the same records;
// a UTF-16 file is refused; a near-miss CSV header stops the read.
func TestReadEncodings(t *testing.T) {
	const body = "{\"nhs_number\":\"9434765919\"}\n{\"nhs_number\":\"9434765919\"}\n"
	const csvBody = "nhs_number,source\n9434765919,NDOP\n9434765919,NDOP\n"
	var gz, zs bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("\ufeff" + body))
	w.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write([]byte(csvBody))
	zw.Close()
	for _, tc := range []struct {
		name, file, content, err string
	}{
		{"jsonl bom", "a.jsonl", "\ufeff" + body, ""},
		{"jsonl bom on every part", "a.jsonl", "\ufeff" + strings.Replace(body, "\n{", "\n\ufeff{", 1), ""},
		{"csv bom", "a.csv", "\ufeff" + csvBody, ""},
		{"csv bom quoted header", "a.csv", "\ufeff\"nhs_number\",\"source\"\n9434765919,NDOP\n9434765919,NDOP\n", ""},
		{"gzip", "a.jsonl.gz", gz.String(), ""},
		{"zstd", "a.csv.zst", zs.String(), ""},
		{"utf-16le", "a.jsonl", "\xff\xfe{\x00}\x00", "UTF-16 or UTF-32"},
		{"utf-16be", "a.csv", "\xfe\xff\x00{", "UTF-16 or UTF-32"},
		{"broken gzip", "a.jsonl.gz", "not gzip", "unreadable gzip file"},
		{"near-miss csv header", "a.csv", "NHS Number,source\n9434765919,NDOP\n", `field "NHS Number" is named like "nhs_number"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tc.file)
			writeFile(t, p, tc.content)
			var recs []Record
			err := Read(context.Background(), []string{p}, func(r Record) error { recs = append(recs, r); return nil })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || len(recs) != 2 {
				t.Fatalf("err %v, %d records", err, len(recs))
			}
			for _, r := range recs {
				d := &Decoder{raw: r.Fields}
				if got, _, ok := d.NHSNumber("nhs_number"); r.Err != nil || !ok || got != "9434765919" {
					t.Errorf("record %d: %v %q", r.Line, r.Err, got)
				}
			}
		})
	}
}

func fieldJSON(fs Fields, name string) []byte { v, _ := fs.get(name); return v.json }
func fieldCell(fs Fields, name string) string { v, _ := fs.get(name); return v.cell }

// Lines copied into a shared block stay independent of the reader's buffer
// and of each other, however they are sized.
func TestLineSlab(t *testing.T) {
	var s lineSlab
	src := make([]byte, slabBlock)
	var got [][]byte
	var want []string
	for _, n := range []int{0, 1, 100, slabMaxLine, slabMaxLine + 1, 7, slabBlock/2 - 3, 50} {
		for i := range src[:n] {
			src[i] = byte('a' + (len(got)+i)%26)
		}
		line := s.copy(src[:n])
		got, want = append(got, line), append(want, string(src[:n]))
		for i := range src[:n] {
			src[i] = '!' // the reader reuses its buffer
		}
	}
	for i := range got {
		_ = append(got[i], "overflow"...) // must not reach the next line
	}
	for i := range got {
		if string(got[i]) != want[i] {
			t.Errorf("line %d (%d bytes) changed", i, len(want[i]))
		}
	}
}

// Parquet columns of every physical type that can hold an NHS number
// decode to the same ten digits: integers get their leading zero back,
// byte arrays read as text (not base64).
func TestParquetNHSNumberTypes(t *testing.T) {
	type row struct {
		I32   int32    `parquet:"i32"`
		I64   int64    `parquet:"i64"`
		F64   float64  `parquet:"f64"`
		Bytes []byte   `parquet:"bytes"`
		Fixed [10]byte `parquet:"fixed"`
		Str   string   `parquet:"str"`
	}
	const n = "0123456789" // valid check digit; fits an INT32 without its zero
	var fixed [10]byte
	copy(fixed[:], n)
	var b bytes.Buffer
	if err := parquet.Write(&b, []row{{I32: 123456789, I64: 123456789, F64: 123456789, Bytes: []byte(n), Fixed: fixed, Str: n}}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "opt_outs.parquet")
	writeFile(t, p, b.String())
	recs := collect(t, p)
	if len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("records %+v", recs)
	}
	for _, col := range []string{"i32", "i64", "f64", "bytes", "fixed", "str"} {
		d := &Decoder{raw: recs[0].Fields}
		if got, _, ok := d.NHSNumber(col); !ok || got != n {
			t.Errorf("%s: %q %v (%v)", col, got, ok, d.err)
		}
	}
	bad := []struct {
		B []byte `parquet:"nhs_number"`
	}{{[]byte{0xff, 0xfe, 0x00}}}
	b.Reset()
	if err := parquet.Write(&b, bad); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, b.String())
	if recs := collect(t, p); len(recs) != 1 || recs[0].Err != reasonBadUTF8 || recs[0].Field != "nhs_number" {
		t.Errorf("binary column: %+v", recs)
	}
}
