package pipeline_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/source"
)

const (
	snapshot   = "../fixtures/snapshot"
	university = "../fixtures/profiles/university.yaml"
	keyA       = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	keyB       = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
	// outKey is the partner's AES-256 key for the encrypted handover.
	outKey = "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k="
)

// testNow fixes the reference clock so that runs on different days are
// byte-identical.
var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func runExtract(t *testing.T, profile, in, key string, workers int, mods ...func(*pipeline.Options)) *pipeline.Result {
	t.Helper()
	t.Setenv("DEID_KEY", key)
	t.Setenv("DEID_OUTPUT_KEY", outKey)
	p, err := pipeline.LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	opt := pipeline.Options{Profile: p, In: in, Out: out, MaxBad: -1, Workers: workers, Now: testNow, Version: "test"}
	for _, m := range mods {
		m(&opt)
	}
	res, err := pipeline.Extract(context.Background(), opt)
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	return res
}

// readParquet reads every row of a Parquet file as column → value,
// decrypting it first when it is encrypted (with the partner's key, as a
// partner would).
func readParquet(t *testing.T, path string) ([]string, []map[string]any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if enc, _ := handover.IsEncryptedParquet(f, st.Size()); enc {
		key, err := handover.ParseKey("", []byte(outKey))
		if err != nil {
			t.Fatal(err)
		}
		plain := filepath.Join(t.TempDir(), "plain.parquet")
		if err := handover.DecryptParquetFile(context.Background(), path, plain, key); err != nil {
			t.Fatalf("%s: decrypt: %v", path, err)
		}
		return readParquet(t, plain)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var cols []string
	for _, fld := range pf.Schema().Fields() {
		cols = append(cols, fld.Name())
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	var rows []map[string]any
	for {
		m := map[string]any{}
		if err := r.Read(&m); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows = append(rows, m)
	}
	return cols, rows
}

type loadedSource struct {
	patients []source.Patient
	optOut   map[string]bool // NHS numbers
	sessions []source.Session
	gold     []redact.Document
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out
}

func loadSource(t *testing.T) loadedSource {
	s := loadedSource{optOut: map[string]bool{}}
	s.patients = readJSONL[source.Patient](t, filepath.Join(snapshot, "patients.jsonl"))
	for _, o := range readJSONL[source.OptOut](t, filepath.Join(snapshot, "opt_outs.jsonl")) {
		s.optOut[o.NHSNumber] = true
	}
	s.sessions = readJSONL[source.Session](t, filepath.Join(snapshot, "sessions.jsonl"))
	s.gold = readJSONL[redact.Document](t, filepath.Join(snapshot, "gold.jsonl"))
	return s
}

func TestExtractEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	src := loadSource(t)
	res := runExtract(t, university, snapshot, keyA, 2)
	prof, _ := pipeline.LoadProfile(university)
	ps := pipeline.NewPseudonymiser(mustHex(keyA))

	// Opted-out patients: their research ids and their sessions' ids.
	excluded := map[string]bool{}
	nOpted := 0
	for _, p := range src.patients {
		if src.optOut[p.NHSNumber] || p.ResearchOptOut {
			excluded[ps.ID("patient", p.PatientID)] = true
			nOpted++
		}
	}
	for _, s := range src.sessions {
		for _, p := range src.patients {
			if p.PatientID == s.PatientID && excluded[ps.ID("patient", p.PatientID)] {
				excluded[ps.ID("session", s.SessionID)] = true
			}
		}
	}
	if nOpted == 0 {
		t.Fatal("fixture has no opted-out patients: the test would prove nothing")
	}

	// Every output row, by dataset.
	data := map[string][]map[string]any{}
	for _, f := range res.Manifest.Files {
		if f.Dataset == "" {
			continue
		}
		cols, rows := readParquet(t, filepath.Join(res.Dir, f.Path))
		data[f.Dataset] = rows
		if int64(len(rows)) != f.Rows {
			t.Errorf("%s: %d rows, manifest says %d", f.Path, len(rows), f.Rows)
		}
		want := prof.Datasets[f.Dataset].Columns
		if strings.Join(cols, ",") != strings.Join(want, ",") {
			t.Errorf("%s: columns %v, profile asks for %v", f.Dataset, cols, want)
		}
		for _, row := range rows {
			for c, v := range row {
				if s, ok := v.(string); ok && excluded[s] {
					t.Fatalf("%s column %s: id of an opted-out patient or session", f.Dataset, c)
				}
			}
		}
	}
	for ds := range prof.Datasets {
		if _, ok := data[ds]; !ok {
			t.Errorf("dataset %s requested but not written", ds)
		}
	}
	if len(data["transcripts"]) == 0 || len(data["patients"]) == 0 || len(data["questionnaires"]) == 0 {
		t.Fatalf("empty datasets: %d transcripts, %d patients", len(data["transcripts"]), len(data["patients"]))
	}
	if got, want := len(data["patients"]), len(src.patients)-nOpted; got != want {
		t.Errorf("patients rows = %d, want %d (all but the opted-out)", got, want)
	}

	// No gold identifier survives in the text of its own record.
	texts := outputTexts(t, data, ps)
	checkNoGoldLeaks(t, src.gold, texts)

	// Report counts add up.
	for kind, c := range res.Report.Records {
		if !c.Balanced() {
			t.Errorf("%s counts do not add up: %+v", kind, c)
		}
	}
	if res.Report.OptOuts.PatientsExcluded != nOpted {
		t.Errorf("report excluded %d patients, want %d", res.Report.OptOuts.PatientsExcluded, nOpted)
	}

	// Same input, profile and key: byte-identical, whatever the worker count.
	again := runExtract(t, university, snapshot, keyA, 1)
	if d := diffDirs(t, res.Dir, again.Dir); d != "" {
		t.Errorf("two runs differ: %s", d)
	}
	// Another key: different research ids for the same patients.
	other := runExtract(t, university, snapshot, keyB, 2)
	_, rowsB := readParquet(t, filepath.Join(other.Dir, "patients", "part-00000.parquet"))
	idsA := map[string]bool{}
	for _, r := range data["patients"] {
		idsA[r["research_id"].(string)] = true
	}
	for _, r := range rowsB {
		if idsA[r["research_id"].(string)] {
			t.Fatal("a research id is shared across keys")
		}
	}
	if len(rowsB) != len(data["patients"]) {
		t.Errorf("other key: %d patients, want %d", len(rowsB), len(data["patients"]))
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// outputTexts maps gold document ids to the redacted text written for them.
func outputTexts(t *testing.T, data map[string][]map[string]any, ps pipeline.Pseudonymiser) map[string]string {
	t.Helper()
	src := loadSource(t)
	sessByPseudo := map[string]string{}
	for _, s := range src.sessions {
		sessByPseudo[ps.ID("session", s.SessionID)] = s.SessionID
	}
	out := map[string]string{}
	for _, r := range data["transcripts"] {
		out[fmt.Sprintf("transcripts/%s/%d", sessByPseudo[r["session_id"].(string)], r["turn"])] = r["text"].(string)
	}
	for _, r := range data["notes"] {
		out["notes/"+sessByPseudo[r["session_id"].(string)]] += r["text"].(string)
	}
	msgs := readJSONL[source.Message](t, filepath.Join(snapshot, "messages.jsonl"))
	byPseudo := map[string]string{}
	for _, m := range msgs {
		byPseudo[ps.ID("message", m.MessageID)] = m.MessageID
	}
	for _, r := range data["messages"] {
		out["messages/"+byPseudo[r["message_id"].(string)]] = r["text"].(string)
	}
	return out
}

// wordOutsideGold reports whether surface also occurs in d's text outside
// every gold span, as an everyday word: an organisation named Next or
// Boots.
func wordOutsideGold(d redact.Document, surface string) bool {
	re := regexp.MustCompile(`(?i)(^|[^\pL\pN])` + regexp.QuoteMeta(surface) + `($|[^\pL\pN])`)
	for _, m := range re.FindAllStringIndex(d.Text, -1) {
		in := false
		for _, g := range d.Spans {
			in = in || (g.Start < m[1] && m[0] < g.End)
		}
		if !in {
			return true
		}
	}
	return false
}

func checkNoGoldLeaks(t *testing.T, gold []redact.Document, texts map[string]string) {
	t.Helper()
	checked, leaks := 0, map[redact.Label]int{}
	total := map[redact.Label]int{}
	for _, d := range gold {
		out, ok := texts[d.ID]
		if !ok {
			continue // an opted-out patient's record: not written at all
		}
		for _, s := range d.Spans {
			surface := d.Text[s.Start:s.End]
			if s.Label == redact.Org && wordOutsideGold(d, surface) {
				continue // "Next" the shop and "Next session" in one text: a surface check cannot tell them apart
			}
			total[s.Label]++
			checked++
			re := regexp.MustCompile(`(?i)(^|[^\pL\pN])` + regexp.QuoteMeta(surface) + `($|[^\pL\pN])`)
			if re.MatchString(out) {
				leaks[s.Label]++
				// Synthetic data: showing the surface helps whoever fixes it.
				t.Logf("leak %s %s %q in %q", d.ID, s.Label, surface, out)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no gold spans checked")
	}
	var labels []string
	for l := range total {
		labels = append(labels, string(l))
	}
	sort.Strings(labels)
	for _, l := range labels {
		t.Logf("%-11s gold %5d leaked %d", l, total[redact.Label(l)], leaks[redact.Label(l)])
		if leaks[redact.Label(l)] > 0 {
			t.Errorf("%s: %d gold identifiers survive in the output text", l, leaks[redact.Label(l)])
		}
	}
}

func diffDirs(t *testing.T, a, b string) string {
	t.Helper()
	var diffs []string
	_ = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			diffs = append(diffs, rel)
		}
		return nil
	})
	return strings.Join(diffs, ", ")
}

func TestServiceEvaluationProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	src := loadSource(t)
	res := runExtract(t, "../fixtures/profiles/service-evaluation.yaml", snapshot, keyA, 2)
	r := res.Report
	if r.OptOuts.NationalDataOptOutApplied || !r.OptOuts.ResearchOptOutApplied {
		t.Errorf("opt-outs applied: %+v", r.OptOuts)
	}
	if len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "National Data Opt-out was not applied") {
		t.Errorf("report does not say the National Data Opt-out was skipped: %v", r.Notes)
	}
	research := 0
	for _, p := range src.patients {
		if p.ResearchOptOut {
			research++
		}
	}
	if got := r.Records["patients"].Written; got != len(src.patients)-research {
		t.Errorf("patients written %d, want %d (only research opt-outs excluded)", got, len(src.patients)-research)
	}
	for _, f := range res.Manifest.Files {
		if f.Dataset == "transcripts" || f.Dataset == "messages" || f.Dataset == "notes" {
			t.Errorf("verbatim dataset %s written by a profile that excludes it", f.Dataset)
		}
	}
	if r.Records["transcripts"].Excluded[pipeline.ExcludedNotRequested] == 0 {
		t.Errorf("transcripts not accounted as not requested: %+v", r.Records["transcripts"])
	}
}

// TestDisclosureControlHolds checks the written patients table: every
// combination of quasi-identifiers is shared by at least k patients, or
// the row's quasi-identifiers are all suppressed.
func TestDisclosureControlHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	res := runExtract(t, university, snapshot, keyA, 2)
	prof, _ := pipeline.LoadProfile(university)
	_, rows := readParquet(t, filepath.Join(res.Dir, "patients", "part-00000.parquet"))
	classes := map[string]int{}
	key := func(r map[string]any) (string, bool) {
		var parts []string
		all := true
		for _, q := range prof.Disclosure.QuasiIdentifiers {
			v, _ := r[q].(string)
			all = all && v == ""
			parts = append(parts, v)
		}
		return strings.Join(parts, "|"), all
	}
	for _, r := range rows {
		if k, suppressed := key(r); !suppressed {
			classes[k]++
		}
	}
	for k, n := range classes {
		if n < prof.Disclosure.K {
			t.Errorf("class of %d < k=%d (%d columns)", n, prof.Disclosure.K, strings.Count(k, "|")+1)
		}
	}
	if len(classes) == 0 {
		t.Fatal("every row suppressed: the fixture cannot show disclosure control working")
	}
	t.Logf("%d patients, %d classes, report %+v", len(rows), len(classes), res.Report.Disclosure)
}

// TestDictionaryDocumentsEveryColumn: every column of every written file
// appears in the extract's DATA_DICTIONARY.md.
func TestDictionaryDocumentsEveryColumn(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	res := runExtract(t, university, snapshot, keyA, 2)
	dict, err := os.ReadFile(filepath.Join(res.Dir, "DATA_DICTIONARY.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Manifest.Files {
		if f.Dataset == "" {
			continue
		}
		cols, _ := readParquet(t, filepath.Join(res.Dir, f.Path))
		section := string(dict)[strings.Index(string(dict), "## "+f.Dataset+" "):]
		if next := strings.Index(section[3:], "\n## "); next >= 0 {
			section = section[:next+3]
		}
		for _, c := range cols {
			if !strings.Contains(section, "| `"+c+"` |") {
				t.Errorf("%s.%s written but not in the dictionary", f.Dataset, c)
			}
		}
	}
}

// TestStateCacheSizeDoesNotChangeOutput runs the extract keeping one
// patient's state in memory at a time, so every patient's identifiers and
// numbering are set aside and restored over and over: the extract and its
// audit must be byte-identical to a run that keeps them all.
func TestStateCacheSizeDoesNotChangeOutput(t *testing.T) {
	full := runExtract(t, university, snapshot, keyA, 2)
	tiny := runExtract(t, university, snapshot, keyA, 2, func(o *pipeline.Options) { pipeline.WithStateCache(o, 1, 1) })
	if d := diffDirs(t, full.Dir, tiny.Dir); d != "" {
		t.Errorf("outputs differ with a state cache of 1: %s", d)
	}
	a, _ := os.ReadFile(filepath.Join(full.InternalDir, "audit.jsonl.zst"))
	b, _ := os.ReadFile(filepath.Join(tiny.InternalDir, "audit.jsonl.zst"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("audit differs with a state cache of 1 (%d vs %d bytes)", len(a), len(b))
	}
}

// TestAuditAccountsForEveryRedaction reads the compressed audit as an
// auditor would (zstd, then one JSON object per line) and checks that it
// holds every span the report counts, each located by file and line.
func TestAuditAccountsForEveryRedaction(t *testing.T) {
	res := runExtract(t, university, snapshot, keyA, 2)
	f, err := os.Open(filepath.Join(res.InternalDir, "audit.jsonl.zst"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	byLabel := map[string]int{}
	lines := 0
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		var l struct {
			Dataset    string `json:"dataset"`
			File       string `json:"file"`
			Line       int    `json:"line"`
			ResearchID string `json:"research_id"`
			Spans      []struct {
				Start, End int
				Label      string
				Source     string
			} `json:"spans"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("audit line %d: %v", lines+1, err)
		}
		lines++
		if l.Dataset == "" || l.File == "" || l.Line < 1 || l.ResearchID == "" || len(l.Spans) == 0 {
			t.Errorf("audit line %d is incomplete: %+v", lines, l)
		}
		for _, s := range l.Spans {
			if s.End <= s.Start || s.Source == "" {
				t.Errorf("audit line %d: span %+v", lines, s)
			}
			byLabel[s.Label]++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines == 0 || !maps.Equal(byLabel, res.Report.Redactions) {
		t.Errorf("audit (%d lines) counts %v, report counts %v", lines, byLabel, res.Report.Redactions)
	}
}
