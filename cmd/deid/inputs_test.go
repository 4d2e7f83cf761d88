package main

// End-to-end tests of how deid reads a snapshot written the way real
// systems write exports (issue 14): every opt-out entry is read or the run
// stops; privacy-critical fields are never "unknown"; every copy of an
// opted-out patient is excluded; every file in a record-type folder is read
// or refused; pass-through values are validated; and the partner's report
// carries no counts of opted-out records. Each runs the real binary on a
// copy of fixtures/snapshot reshaped by the test.

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

const fixtureSnapshot = "../../fixtures/snapshot"

// inputSnapshot copies the committed fixture snapshot's structured
// record types (and the free-text types named in text: redacting them is
// most of a run's time) into a fresh folder.
func inputSnapshot(t *testing.T, text ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "in")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range append([]string{"patients", "opt_outs", "sessions", "questionnaires"}, text...) {
		b, err := os.ReadFile(filepath.Join(fixtureSnapshot, n+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n+".jsonl"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var freeText = []string{"transcripts", "messages", "notes"}

// jsonRecords reads a JSON Lines file as generic records.
func jsonRecords(t *testing.T, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	eachJSON(t, path, func(b []byte) {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	})
	return out
}

func writeRecords(t *testing.T, path string, recs []map[string]any) {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	writeBytes(t, path, b.Bytes())
}

func writeBytes(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// csvOf writes records as CSV with the given header; values that are not
// strings are JSON-encoded, as deid's CSV input expects.
func csvOf(t *testing.T, header []string, recs []map[string]any, cell func(col string, v any) string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	for _, r := range recs {
		row := make([]string, len(header))
		for i, h := range header {
			v, ok := r[strings.TrimSpace(strings.ToLower(strings.ReplaceAll(h, "\ufeff", "")))]
			if !ok || v == nil {
				continue
			}
			if cell != nil {
				row[i] = cell(h, v)
				continue
			}
			switch s := v.(type) {
			case string:
				row[i] = s
			default:
				j, _ := json.Marshal(s)
				row[i] = string(j)
			}
		}
		_ = w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

func gzipped(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func zstded(t *testing.T, b []byte) []byte {
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	return w.EncodeAll(b, nil)
}

// parquetOf writes rows of one Go struct type as a Parquet file.
func parquetOf[T any](t *testing.T, rows []T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := parquet.Write(&b, rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// internalReport reads the full report a run left in its internal folder.
type internalReport struct {
	Records map[string]struct {
		In          int            `json:"in"`
		Written     int            `json:"written"`
		Excluded    map[string]int `json:"excluded"`
		Quarantined int            `json:"quarantined"`
	} `json:"records"`
	OptOuts struct {
		ListEntries      int `json:"list_entries"`
		PatientsExcluded int `json:"patients_excluded"`
	} `json:"opt_outs"`
	MissingInputs []string `json:"missing_inputs"`
	Notes         []string `json:"notes"`
}

func readInternalReport(t *testing.T, out string) internalReport {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, hID+".internal", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r internalReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// extractWith runs deid extract (university profile unless profile is
// given) over in, into a fresh folder.
func extractWith(t *testing.T, in, profile string) (hRun, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	args := extractArgs(in, out)
	if profile != "" {
		args[2] = profile
	}
	return deid(t, hKeys(), args...), out
}

// refused checks that a run stopped with exit 1, printed every wanted
// fragment, and left no extract.
func refused(t *testing.T, r hRun, out string, want ...string) {
	t.Helper()
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (refused)\nstderr: %s", r.code, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	noManifest(t, out)
}

// optedOutNHS returns the fixture's opt-out NHS numbers and the number of
// patients a plain run excludes by the National Data Opt-out.
func baselineOptOuts(t *testing.T) ([]string, int) {
	t.Helper()
	in := inputSnapshot(t)
	r, out := extractWith(t, in, "")
	if r.code != 0 {
		t.Fatalf("baseline: exit %d\n%s", r.code, r.stderr)
	}
	n := readInternalReport(t, out).Records["patients"].Excluded["national_data_opt_out"]
	if n == 0 {
		t.Fatal("the fixture has no patient on the opt-out list: the test cannot tell")
	}
	var list []string
	for _, o := range jsonRecords(t, filepath.Join(in, "opt_outs.jsonl")) {
		list = append(list, o["nhs_number"].(string))
	}
	return list, n
}

// spaced writes an NHS number 3-3-4 with sep between the groups.
func spaced(n, sep string) string { return n[:3] + sep + n[3:6] + sep + n[6:] }

func fullWidth(n string) string {
	var b strings.Builder
	for _, r := range n {
		b.WriteRune(r - '0' + '０')
	}
	return b.String()
}

// TestOptOutShapes writes the opt-out list in the shapes real exports use:
// each shape that keeps the number is read and excludes exactly the
// patients a plain list does; each that loses it stops the run.
func TestOptOutShapes(t *testing.T) {
	list, want := baselineOptOuts(t)
	type row struct {
		NHS string `parquet:"nhs_number"`
	}
	type rowInt struct {
		NHS int64 `parquet:"nhs_number"`
	}
	type rowDouble struct {
		NHS float64 `parquet:"nhs_number"`
	}
	type rowBytes struct {
		NHS []byte `parquet:"nhs_number"`
	}
	type rowFixed struct {
		NHS [10]byte `parquet:"nhs_number"`
	}
	jsonl := func(f func(n string) any) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			var recs []map[string]any
			for _, n := range list {
				recs = append(recs, map[string]any{"nhs_number": f(n), "source": "NDOP"})
			}
			writeRecords(t, filepath.Join(dir, "opt_outs.jsonl"), recs)
		}
	}
	num := func(n string) any { return json.Number(strings.TrimLeft(n, "0")) }
	csvList := func(name string, cell func(n string) string, wrap func([]byte) []byte) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			b := []byte("nhs_number,source\r\n")
			for _, n := range list {
				b = append(b, cell(n)+",NDOP\r\n"...)
			}
			writeBytes(t, filepath.Join(dir, name), wrap(b))
		}
	}
	same := func(b []byte) []byte { return b }
	bom := func(b []byte) []byte { return append([]byte("\ufeff"), b...) }
	pq := func(b func() []byte) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { writeBytes(t, filepath.Join(dir, "opt_outs.parquet"), b()) }
	}
	tests := []struct {
		name  string
		write func(t *testing.T, dir string)
		stop  []string // fragments of the error; nil: the list must be read
	}{
		{"json number", jsonl(num), nil},
		{"no-break spaces", jsonl(func(n string) any { return spaced(n, "\u00a0") }), nil},
		{"thin spaces", jsonl(func(n string) any { return spaced(n, "\u2009") }), nil},
		{"full-width digits", jsonl(func(n string) any { return fullWidth(n) }), nil},
		{"zero-width space", jsonl(func(n string) any { return n[:5] + "\u200b" + n[5:] }), nil},
		{"dots", jsonl(func(n string) any { return spaced(n, ".") }), nil},
		{"slashes", jsonl(func(n string) any { return spaced(n, "/") }), nil},
		{"NHS prefix", jsonl(func(n string) any { return "NHS " + spaced(n, " ") }), nil},
		{"exact exponent", jsonl(func(n string) any { return json.Number(n[:1] + "." + n[1:] + "E+09") }), nil},
		{"jsonl byte-order mark", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(fixtureSnapshot, "opt_outs.jsonl"))
			writeBytes(t, filepath.Join(dir, "opt_outs.jsonl"), bom(b))
		}, nil},
		{"csv", csvList("opt_outs.csv", func(n string) string { return n }, same), nil},
		{"csv byte-order mark", csvList("opt_outs.csv", func(n string) string { return n }, bom), nil},
		{"csv quoted header after byte-order mark", func(t *testing.T, dir string) {
			b := []byte("\ufeff\"nhs_number\",\"source\"\n")
			for _, n := range list {
				b = append(b, "\""+n+"\",NDOP\n"...)
			}
			writeBytes(t, filepath.Join(dir, "opt_outs.csv"), b)
		}, nil},
		{"csv gzip", csvList("opt_outs.csv.gz", func(n string) string { return n }, func(b []byte) []byte { return gzipped(t, b) }), nil},
		{"jsonl zstd", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(fixtureSnapshot, "opt_outs.jsonl"))
			writeBytes(t, filepath.Join(dir, "opt_outs.jsonl.zst"), zstded(t, b))
		}, nil},
		{"parquet string", pq(func() []byte {
			var rows []row
			for _, n := range list {
				rows = append(rows, row{n})
			}
			return parquetOf(t, rows)
		}), nil},
		{"parquet int64", pq(func() []byte {
			var rows []rowInt
			for _, n := range list {
				v, _ := json.Number(n).Int64()
				rows = append(rows, rowInt{v})
			}
			return parquetOf(t, rows)
		}), nil},
		{"parquet double", pq(func() []byte {
			var rows []rowDouble
			for _, n := range list {
				v, _ := json.Number(n).Float64()
				rows = append(rows, rowDouble{v})
			}
			return parquetOf(t, rows)
		}), nil},
		{"parquet byte array", pq(func() []byte {
			var rows []rowBytes
			for _, n := range list {
				rows = append(rows, rowBytes{[]byte(n)})
			}
			return parquetOf(t, rows)
		}), nil},
		{"parquet fixed byte array", pq(func() []byte {
			var rows []rowFixed
			for _, n := range list {
				var f [10]byte
				copy(f[:], n)
				rows = append(rows, rowFixed{f})
			}
			return parquetOf(t, rows)
		}), nil},
		// Shapes that lose or hide the number stop the run.
		{"spreadsheet rounded", csvList("opt_outs.csv", func(n string) string { return n[:1] + "." + n[1:7] + "E+09" }, same),
			[]string{"opt_outs.csv line 2 field nhs_number: not a valid NHS number", "the run stops"}},
		{"field NHS_Number", func(t *testing.T, dir string) {
			var recs []map[string]any
			for _, n := range list {
				recs = append(recs, map[string]any{"NHS_Number": n})
			}
			writeRecords(t, filepath.Join(dir, "opt_outs.jsonl"), recs)
		}, []string{`opt_outs.jsonl line 1: field "NHS_Number" is named like "nhs_number"`}},
		{"csv header with a trailing space", csvList("opt_outs.csv", func(n string) string { return n }, func(b []byte) []byte {
			return bytes.Replace(b, []byte("nhs_number,"), []byte("nhs_number ,"), 1)
		}), []string{`opt_outs.csv line 1: field "nhs_number " is named like "nhs_number"`}},
		{"not a number", jsonl(func(n string) any { return "unknown" }), []string{"opt_outs.jsonl line 1 field nhs_number: not a valid NHS number"}},
		{"null", jsonl(func(n string) any { return nil }), []string{"opt_outs.jsonl line 1 field nhs_number: missing"}},
		{"broken json", func(t *testing.T, dir string) {
			writeBytes(t, filepath.Join(dir, "opt_outs.jsonl"), []byte(`{"nhs_number":"`+list[0]+"\n"))
		}, []string{"opt_outs.jsonl line 1: malformed JSON"}},
		{"utf-16", func(t *testing.T, dir string) {
			writeBytes(t, filepath.Join(dir, "opt_outs.jsonl"), []byte("\xff\xfe{\x00}\x00"))
		}, []string{"UTF-16 or UTF-32 text"}},
		{"empty list", func(t *testing.T, dir string) { writeBytes(t, filepath.Join(dir, "opt_outs.jsonl"), nil) },
			[]string{"the opt_outs list has no entry", "opt_outs.allow_empty_list"}},
		{"no list", func(t *testing.T, dir string) {}, []string{"no opt_outs file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := inputSnapshot(t)
			if err := os.Remove(filepath.Join(in, "opt_outs.jsonl")); err != nil {
				t.Fatal(err)
			}
			tc.write(t, in)
			r, out := extractWith(t, in, "")
			if tc.stop != nil {
				refused(t, r, out, tc.stop...)
				for _, n := range list {
					if strings.Contains(r.stderr, n) || strings.Contains(r.stderr, n[:1]+"."+n[1:7]) {
						t.Error("the error quotes an NHS number")
					}
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			rep := readInternalReport(t, out)
			if got := rep.Records["patients"].Excluded["national_data_opt_out"]; got != want {
				t.Errorf("%d patients excluded by the National Data Opt-out, want %d", got, want)
			}
			if rep.OptOuts.ListEntries != len(list) {
				t.Errorf("%d list entries read, want %d", rep.OptOuts.ListEntries, len(list))
			}
		})
	}
}

// patientsOf returns the fixture's patients and, of those on the opt-out
// list, the first.
func patientsOf(t *testing.T, in string) (recs []map[string]any, onList int) {
	t.Helper()
	recs = jsonRecords(t, filepath.Join(in, "patients.jsonl"))
	list := map[string]bool{}
	for _, o := range jsonRecords(t, filepath.Join(in, "opt_outs.jsonl")) {
		list[o["nhs_number"].(string)] = true
	}
	onList = -1
	for i, p := range recs {
		if list[p["nhs_number"].(string)] && p["research_opt_out"] == false {
			onList = i
			break
		}
	}
	if onList < 0 {
		t.Fatal("no fixture patient on the opt-out list")
	}
	return recs, onList
}

// firstIncluded is the index of the first patient neither list nor flag
// excludes.
func firstIncluded(t *testing.T, in string, recs []map[string]any) int {
	t.Helper()
	list := map[string]bool{}
	for _, o := range jsonRecords(t, filepath.Join(in, "opt_outs.jsonl")) {
		list[o["nhs_number"].(string)] = true
	}
	for i, p := range recs {
		if !list[p["nhs_number"].(string)] && p["research_opt_out"] == false {
			return i
		}
	}
	t.Fatal("no included patient in the fixture")
	return -1
}

// TestPatientNHSNumberShapes: the patient side is normalised the same way,
// so a patient whose NHS number is written oddly is still matched against
// the list (and never released).
func TestPatientNHSNumberShapes(t *testing.T) {
	_, want := baselineOptOuts(t)
	for name, f := range map[string]func(string) any{
		"no-break spaces": func(n string) any { return spaced(n, "\u00a0") },
		"json number":     func(n string) any { return json.Number(n) },
		"full-width":      func(n string) any { return fullWidth(n) },
		"NHS No prefix":   func(n string) any { return "NHS No: " + spaced(n, "-") },
	} {
		t.Run(name, func(t *testing.T) {
			in := inputSnapshot(t)
			recs := jsonRecords(t, filepath.Join(in, "patients.jsonl"))
			for _, p := range recs {
				p["nhs_number"] = f(p["nhs_number"].(string))
			}
			writeRecords(t, filepath.Join(in, "patients.jsonl"), recs)
			r, out := extractWith(t, in, "")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			if got := readInternalReport(t, out).Records["patients"].Excluded["national_data_opt_out"]; got != want {
				t.Errorf("%d excluded by the National Data Opt-out, want %d", got, want)
			}
		})
	}
}

// TestCriticalFieldNames: a field named like nhs_number, research_opt_out
// or patient_id but not exactly stops the run, naming the field, in every
// format; it is never counted as an unknown field.
func TestCriticalFieldNames(t *testing.T) {
	rename := func(from, to string) func(t *testing.T, in string) {
		return func(t *testing.T, in string) {
			recs := jsonRecords(t, filepath.Join(in, "patients.jsonl"))
			for _, p := range recs {
				p[to] = p[from]
				delete(p, from)
			}
			writeRecords(t, filepath.Join(in, "patients.jsonl"), recs)
		}
	}
	csvHeader := func(from, to string) func(t *testing.T, in string) {
		return func(t *testing.T, in string) {
			recs := jsonRecords(t, filepath.Join(in, "patients.jsonl"))
			var header []string
			for k := range recs[0] {
				header = append(header, k)
			}
			header = append(header, "contacts", "address_lines", "preferred_name", "discharge_date", "email", "phone")
			header = uniqueSorted(header)
			b := csvOf(t, header, recs, nil)
			b = bytes.Replace(b, []byte(from), []byte(to), 1)
			os.Remove(filepath.Join(in, "patients.jsonl"))
			writeBytes(t, filepath.Join(in, "patients.csv"), b)
		}
	}
	type pq struct {
		ID  string `parquet:"Patient_ID"`
		NHS string `parquet:"nhs_number"`
	}
	tests := []struct {
		name   string
		write  func(t *testing.T, in string)
		stderr string
	}{
		{"json Research_Opt_Out", rename("research_opt_out", "Research_Opt_Out"), `patients.jsonl line 1: field "Research_Opt_Out" is named like "research_opt_out"`},
		{"json researchOptOut", rename("research_opt_out", "researchOptOut"), `field "researchOptOut" is named like "research_opt_out"`},
		{"json NHS Number", rename("nhs_number", "NHS Number"), `field "NHS Number" is named like "nhs_number"`},
		{"json full-width", rename("patient_id", "ｐａｔｉｅｎｔ＿ｉｄ"), `is named like "patient_id"`},
		{"csv trailing space", csvHeader("research_opt_out", "research_opt_out "), `patients.csv line 1: field "research_opt_out " is named like "research_opt_out"`},
		{"csv Research-Opt-Out", csvHeader("research_opt_out", "Research-Opt-Out"), `field "Research-Opt-Out" is named like "research_opt_out"`},
		{"csv no-break space", csvHeader("research_opt_out", "research_opt_out\u00a0"), `is named like "research_opt_out"`},
		{"parquet Patient_ID", func(t *testing.T, in string) {
			os.Remove(filepath.Join(in, "patients.jsonl"))
			writeBytes(t, filepath.Join(in, "patients.parquet"), parquetOf(t, []pq{{"P1", "9990344809"}}))
		}, `patients.parquet: field "Patient_ID" is named like "patient_id"`},
		{"sessions Patient Id", func(t *testing.T, in string) {
			recs := jsonRecords(t, filepath.Join(in, "sessions.jsonl"))
			recs[3]["Patient Id"] = recs[3]["patient_id"]
			delete(recs[3], "patient_id")
			writeRecords(t, filepath.Join(in, "sessions.jsonl"), recs)
		}, `sessions.jsonl line 4: field "Patient Id" is named like "patient_id"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := inputSnapshot(t)
			tc.write(t, in)
			r, out := extractWith(t, in, "")
			refused(t, r, out, tc.stderr)
		})
	}
}

func uniqueSorted(s []string) []string {
	m := map[string]bool{}
	var out []string
	for _, v := range s {
		if !m[v] {
			m[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// TestResearchOptOutUnknown: a research opt-out that is missing, null, an
// empty cell or unreadable excludes the patient (counted internally);
// the accepted spellings are read.
func TestResearchOptOutUnknown(t *testing.T) {
	for _, tc := range []struct {
		name    string
		value   any // nil with del: the key is removed
		del     bool
		csv     bool
		exclude bool
	}{
		{name: "missing", del: true, exclude: true},
		{name: "null", value: nil, exclude: true},
		{name: "empty string", value: "", exclude: true},
		{name: "maybe", value: "maybe", exclude: true},
		{name: "2", value: json.Number("2"), exclude: true},
		{name: "csv empty cell", value: nil, csv: true, exclude: true},
		{name: "string false", value: "false"},
		{name: "No", value: "No"},
		{name: "N", value: "N"},
		{name: "0", value: json.Number("0")},
		{name: "csv FALSE", value: "FALSE", csv: true},
		{name: "csv yes", value: "yes", csv: true, exclude: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := inputSnapshot(t)
			recs := jsonRecords(t, filepath.Join(in, "patients.jsonl"))
			i := firstIncluded(t, in, recs)
			if tc.del {
				delete(recs[i], "research_opt_out")
			} else {
				recs[i]["research_opt_out"] = tc.value
			}
			if tc.csv {
				header := []string{"patient_id", "nhs_number", "given_name", "family_name", "date_of_birth", "gender", "referral_date", "postcode", "research_opt_out"}
				for j := range recs {
					if j != i {
						recs[j]["research_opt_out"] = "false"
					}
				}
				os.Remove(filepath.Join(in, "patients.jsonl"))
				writeBytes(t, filepath.Join(in, "patients.csv"), csvOf(t, header, recs, nil))
			} else {
				writeRecords(t, filepath.Join(in, "patients.jsonl"), recs)
			}
			r, out := extractWith(t, in, "")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			rep := readInternalReport(t, out)
			got := rep.Records["patients"].Excluded["research_opt_out_unknown"] + rep.Records["patients"].Excluded["research_opt_out"]
			base := 0
			for j, p := range recs {
				if j != i && (p["research_opt_out"] == true || p["research_opt_out"] == "true") {
					base++
				}
			}
			if tc.exclude && got != base+1 || !tc.exclude && got != base {
				t.Errorf("research exclusions %d (base %d), exclude=%v: %+v", got, base, tc.exclude, rep.Records["patients"].Excluded)
			}
			if rep.Records["patients"].Quarantined != 0 {
				t.Errorf("%d quarantined: an unreadable opt-out must exclude, not quarantine", rep.Records["patients"].Quarantined)
			}
		})
	}
}

// TestDuplicatePatientOptOut: any copy of a patient (same patient_id), or
// any registration with the same NHS number, that opts out excludes every
// copy, whichever comes first.
func TestDuplicatePatientOptOut(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(recs []map[string]any, i int) []map[string]any
		field string
	}{
		{"second copy opts out", func(recs []map[string]any, i int) []map[string]any {
			c := clone(recs[i])
			c["research_opt_out"] = true
			return append(recs, c)
		}, ""},
		{"first copy opts out", func(recs []map[string]any, i int) []map[string]any {
			c := clone(recs[i])
			recs[i]["research_opt_out"] = true
			return append(recs, c)
		}, ""},
		{"second copy has no flag", func(recs []map[string]any, i int) []map[string]any {
			c := clone(recs[i])
			delete(c, "research_opt_out")
			return append(recs, c)
		}, ""},
		{"new registration opts out", func(recs []map[string]any, i int) []map[string]any {
			c := clone(recs[i])
			c["patient_id"] = "NEW-REG-1"
			c["research_opt_out"] = true
			return append(recs, c)
		}, ""},
		{"old registration opts out", func(recs []map[string]any, i int) []map[string]any {
			c := clone(recs[i])
			c["patient_id"] = "NEW-REG-1"
			recs[i]["research_opt_out"] = true
			return append(recs, c)
		}, ""},
		{"chain: copy under another NHS number, that number re-registered with the opt-out", func(recs []map[string]any, i int) []map[string]any {
			dup := clone(recs[i])
			dup["nhs_number"] = "9434765919"
			other := clone(recs[i])
			other["patient_id"] = "NEW-REG-2"
			other["nhs_number"] = "943 476 5919"
			other["research_opt_out"] = "yes"
			return append([]map[string]any{other}, append(recs, dup)...)
		}, ""},
		{"new registration written differently", func(recs []map[string]any, i int) []map[string]any {
			c := clone(recs[i])
			c["patient_id"] = "NEW-REG-1"
			c["nhs_number"] = spaced(c["nhs_number"].(string), "\u00a0")
			c["research_opt_out"] = "Y"
			return append([]map[string]any{c}, recs...)
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := inputSnapshot(t)
			recs := jsonRecords(t, filepath.Join(in, "patients.jsonl"))
			i := firstIncluded(t, in, recs)
			id := recs[i]["patient_id"].(string)
			writeRecords(t, filepath.Join(in, "patients.jsonl"), tc.edit(recs, i))
			r, out := extractWith(t, in, "")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			rep := readInternalReport(t, out)
			// The patient's sessions are all excluded as an opted-out
			// parent's: none written.
			sessions := 0
			for _, s := range jsonRecords(t, filepath.Join(in, "sessions.jsonl")) {
				if s["patient_id"] == id {
					sessions++
				}
			}
			if sessions == 0 {
				t.Fatal("the chosen patient has no sessions: the test cannot tell")
			}
			base := baselineSessionsExcluded(t)
			if got := rep.Records["sessions"].Excluded["patient_opted_out"]; got != base+sessions {
				t.Errorf("sessions excluded %d, want %d (+%d of the patient)", got, base+sessions, sessions)
			}
			if q := rep.Records["patients"].Quarantined; q != 0 {
				t.Errorf("%d patient records quarantined: an opted-out copy must exclude, not be set aside", q)
			}
		})
	}
}

var baseSessions struct {
	once bool
	n    int
}

func baselineSessionsExcluded(t *testing.T) int {
	t.Helper()
	if !baseSessions.once {
		r, out := extractWith(t, inputSnapshot(t), "")
		if r.code != 0 {
			t.Fatalf("baseline: exit %d\n%s", r.code, r.stderr)
		}
		baseSessions.n = readInternalReport(t, out).Records["sessions"].Excluded["patient_opted_out"]
		baseSessions.once = true
	}
	return baseSessions.n
}

func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// TestInputFiles: every file that could be meant as a record type is read
// (compressed parts included) or refused with its path; a missing patients
// file stops the run; another missing type is reported.
func TestInputFiles(t *testing.T) {
	mv := func(from, to string) func(t *testing.T, in string) {
		return func(t *testing.T, in string) {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(in, to)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(in, from), filepath.Join(in, to)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// splitParts moves a record type into a folder of two parts, the
	// second written by wrap under the name second.
	splitParts := func(kind, second string, wrap func(t *testing.T, b []byte) []byte) func(t *testing.T, in string) {
		return func(t *testing.T, in string) {
			b, _ := os.ReadFile(filepath.Join(in, kind+".jsonl"))
			lines := bytes.SplitAfter(b, []byte("\n"))
			half := len(lines) / 2
			os.Remove(filepath.Join(in, kind+".jsonl"))
			writeBytes(t, filepath.Join(in, kind, "part-0.jsonl"), bytes.Join(lines[:half], nil))
			writeBytes(t, filepath.Join(in, kind, second), wrap(t, bytes.Join(lines[half:], nil)))
		}
	}
	plain := func(t *testing.T, b []byte) []byte { return b }
	link := func(target, name string) func(t *testing.T, in string) {
		return func(t *testing.T, in string) {
			if err := os.Symlink(filepath.Join(in, target), filepath.Join(in, name)); err != nil {
				t.Skip("symlinks not supported:", err)
			}
		}
	}
	tests := []struct {
		name   string
		write  func(t *testing.T, in string)
		stderr string // "": the run succeeds and reads every record
	}{
		{"gzip part", splitParts("transcripts", "part-1.jsonl.gz", gzipped), ""},
		{"zstd part", splitParts("opt_outs", "part-1.jsonl.zst", zstded), ""},
		{"gzip file", func(t *testing.T, in string) {
			b, _ := os.ReadFile(filepath.Join(in, "patients.jsonl"))
			os.Remove(filepath.Join(in, "patients.jsonl"))
			writeBytes(t, filepath.Join(in, "patients.jsonl.gz"), gzipped(t, b))
		}, ""},
		{"upper-case part extension", splitParts("transcripts", "part-1.Jsonl", plain), "transcripts/part-1.Jsonl: extension in another case"},
		{"upper-case compression", splitParts("transcripts", "part-1.jsonl.GZ", gzipped), "transcripts/part-1.jsonl.GZ: extension in another case"},
		{"upper-case file extension", mv("patients.jsonl", "patients.JSONL"), "patients.JSONL: extension in another case"},
		{"upper-case file name", mv("notes.jsonl", "Notes.jsonl"), "Notes.jsonl: file name in another case"},
		{"unknown part", splitParts("messages", "part-1.txt", plain), "messages/part-1.txt: not a JSON Lines, CSV or Parquet file"},
		{"hidden part", splitParts("messages", ".DS_Store", plain), "messages/.DS_Store: a hidden file in a record-type folder"},
		{"compressed parquet", func(t *testing.T, in string) {
			writeBytes(t, filepath.Join(in, "sessions.parquet.gz"), gzipped(t, []byte("PAR1")))
		}, "sessions.parquet.gz: a compressed Parquet file cannot be read"},
		{"two files", func(t *testing.T, in string) {
			b, _ := os.ReadFile(filepath.Join(in, "notes.jsonl"))
			writeBytes(t, filepath.Join(in, "notes.ndjson"), b)
		}, "more than one file for this record type"},
		{"symlinked file", func(t *testing.T, in string) {
			mv("patients.jsonl", "elsewhere.data")(t, in)
			link("elsewhere.data", "patients.jsonl")(t, in)
		}, "patients.jsonl: a symbolic link"},
		{"symlinked part", func(t *testing.T, in string) {
			splitParts("opt_outs", "part-1.jsonl", plain)(t, in)
			mv("opt_outs/part-1.jsonl", "other.data")(t, in)
			link("other.data", "opt_outs/part-1.jsonl")(t, in)
		}, "opt_outs/part-1.jsonl: a symbolic link"},
		{"symlinked folder", func(t *testing.T, in string) {
			splitParts("transcripts", "part-1.jsonl", plain)(t, in)
			mv("transcripts", "elsewhere")(t, in)
			link("elsewhere", "transcripts")(t, in)
		}, "transcripts: a symbolic link"},
		{"sub-folder", func(t *testing.T, in string) {
			splitParts("notes", "part-1.jsonl", plain)(t, in)
			if err := os.Mkdir(filepath.Join(in, "notes", "more"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, "notes/more: not a regular file"},
		{"no patients", func(t *testing.T, in string) { os.Remove(filepath.Join(in, "patients.jsonl")) }, "no patients file"},
		{"empty patients folder", func(t *testing.T, in string) {
			os.Remove(filepath.Join(in, "patients.jsonl"))
			os.Mkdir(filepath.Join(in, "patients"), 0o755)
		}, "no patients file"},
	}
	base := baselineCounts(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := inputSnapshot(t, freeText...)
			tc.write(t, in)
			r, out := extractWith(t, in, "")
			if tc.stderr != "" {
				refused(t, r, out, tc.stderr)
				return
			}
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			rep := readInternalReport(t, out)
			for kind, n := range base {
				if rep.Records[kind].In != n {
					t.Errorf("%s: %d records read, want %d", kind, rep.Records[kind].In, n)
				}
			}
		})
	}
	t.Run("missing messages reported", func(t *testing.T) {
		in := inputSnapshot(t, "transcripts")
		r, out := extractWith(t, in, "")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "note: No messages file in the snapshot") {
			t.Errorf("summary does not report the missing file:\n%s", r.stdout)
		}
		b, err := os.ReadFile(filepath.Join(out, hID, "report.json"))
		if err != nil || !bytes.Contains(b, []byte(`"missing_inputs": [`)) || !bytes.Contains(b, []byte(`"messages"`)) {
			t.Errorf("report.json does not list the missing file: %v\n%s", err, b)
		}
	})
}

func baselineCounts(t *testing.T) map[string]int {
	t.Helper()
	r, out := extractWith(t, inputSnapshot(t, freeText...), "")
	if r.code != 0 {
		t.Fatalf("baseline: exit %d\n%s", r.code, r.stderr)
	}
	m := map[string]int{}
	for k, c := range readInternalReport(t, out).Records {
		m[k] = c.In
	}
	return m
}

// TestPassThroughValidated: provider and diagnosis values that are not
// an ODS code or an ICD-10 code never reach an extract (the
// service-evaluation profile passes both through).
func TestPassThroughValidated(t *testing.T) {
	const svc = "../../fixtures/profiles/service-evaluation.yaml"
	in := inputSnapshot(t)
	recs := jsonRecords(t, filepath.Join(in, "patients.jsonl"))
	i := firstIncluded(t, in, recs)
	j := i + 1
	for ; j < len(recs); j++ {
		if recs[j]["research_opt_out"] == false {
			break
		}
	}
	recs[i]["provider"] = "Dawn Rowe 9993576087"
	recs[j]["diagnosis"] = "F32 Dawn Rowe"
	writeRecords(t, filepath.Join(in, "patients.jsonl"), recs)
	r, out := extractWith(t, in, svc)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	q, _ := os.ReadFile(filepath.Join(out, hID+".internal", "quarantine.jsonl"))
	for _, f := range []string{`"field":"provider","reason":"not an ODS provider code`, `"field":"diagnosis","reason":"not an ICD-10 code`} {
		if !bytes.Contains(q, []byte(f)) {
			t.Errorf("quarantine lacks %s:\n%s", f, q)
		}
	}
	// Nothing of either value is in any column of any dataset.
	seen := 0
	err := filepath.WalkDir(filepath.Join(out, hID), func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		rows, err := parquetRows(p)
		if err != nil {
			return err
		}
		for _, row := range rows {
			for col, v := range row {
				s, _ := v.(string)
				if strings.Contains(s, "Dawn") || strings.Contains(s, "Rowe") || strings.Contains(s, "9993576087") {
					t.Errorf("%s column %s carries the value", p, col)
				}
				if col == "provider" && s != "" {
					seen++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Error("no provider value read at all: the test cannot tell")
	}
}

// parquetRows reads every row of a plain Parquet file as column → value.
func parquetRows(path string) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, err
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	var rows []map[string]any
	for {
		m := map[string]any{}
		if err := r.Read(&m); err == io.EOF {
			return rows, nil
		} else if err != nil {
			return nil, err
		}
		rows = append(rows, m)
	}
}

// TestPartnerReportHasNoOptOutCounts: report.json says which opt-outs
// were applied but carries no count from which the records of an
// opted-out patient could be told; the internal report keeps them.
func TestPartnerReportHasNoOptOutCounts(t *testing.T) {
	r, out := extractWith(t, inputSnapshot(t), "")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, hID, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"in"`, `"excluded"`, `"patients_excluded"`, `"list_entries"`, "national_data_opt_out\":", "patient_opted_out", "research_opt_out\":"} {
		if bytes.Contains(b, []byte(k)) {
			t.Errorf("partner report.json carries %s", k)
		}
	}
	if !bytes.Contains(b, []byte(`"national_data_opt_out_applied": true`)) {
		t.Error("partner report.json does not say the National Data Opt-out was applied")
	}
	rep := readInternalReport(t, out)
	if rep.Records["sessions"].Excluded["patient_opted_out"] == 0 || rep.OptOuts.PatientsExcluded == 0 {
		t.Errorf("internal report lost the opt-out counts: %+v", rep)
	}
}

// TestAllowEmptyOptOutList: a profile that says the list may be empty
// runs on an empty list (and still refuses a missing one).
func TestAllowEmptyOptOutList(t *testing.T) {
	b, err := os.ReadFile(hProfile)
	if err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(t.TempDir(), "university.yaml")
	writeBytes(t, prof, bytes.Replace(b, []byte("  research_opt_out: true\n"), []byte("  research_opt_out: true\n  allow_empty_list: true\n"), 1))
	in := inputSnapshot(t)
	writeBytes(t, filepath.Join(in, "opt_outs.jsonl"), nil)
	if r, _ := extractWith(t, in, prof); r.code != 0 {
		t.Fatalf("empty list allowed by the profile: exit %d\n%s", r.code, r.stderr)
	}
	os.Remove(filepath.Join(in, "opt_outs.jsonl"))
	r, out := extractWith(t, in, prof)
	refused(t, r, out, "no opt_outs file")
}
