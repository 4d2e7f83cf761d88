package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, f func(context.Context, []string, *strings.Reader, *bytes.Buffer, *bytes.Buffer) int, args []string, in string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := f(context.Background(), args, strings.NewReader(in), &out, &errb)
	return code, out.String(), errb.String()
}

func redactCmd(ctx context.Context, args []string, in *strings.Reader, out, errb *bytes.Buffer) int {
	return cmdRedact(ctx, args, in, out, errb)
}

func evalCmd(ctx context.Context, args []string, in *strings.Reader, out, errb *bytes.Buffer) int {
	return cmdEval(ctx, args, in, out, errb)
}

type outLine struct {
	ID    json.RawMessage `json:"id"`
	Text  *string         `json:"text"`
	Spans []struct {
		Start  int    `json:"start"`
		End    int    `json:"end"`
		Label  string `json:"label"`
		Source string `json:"source"`
	} `json:"spans"`
	Error string `json:"error"`
}

func parseOut(t *testing.T, s string) []outLine {
	t.Helper()
	var out []outLine
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if l == "" {
			continue
		}
		var o outLine
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("output line is not JSON: %v", err)
		}
		out = append(out, o)
	}
	return out
}

func TestCmdRedactOrderAndSpans(t *testing.T) {
	var in strings.Builder
	const n = 300
	for i := range n {
		fmt.Fprintf(&in, `{"id":"t%d","text":"becky rang 07700 900123 from leeds, line %d","known":{"given_name":"Rebecca","family_name":"Smith"}}`+"\n", i, i)
	}
	code, out, errs := runCmd(t, redactCmd, []string{"--workers", "3", "--no-ner"}, in.String())
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := parseOut(t, out)
	if len(lines) != n {
		t.Fatalf("%d lines out, want %d", len(lines), n)
	}
	for i, o := range lines {
		if string(o.ID) != fmt.Sprintf(`"t%d"`, i) {
			t.Fatalf("line %d has id %s: order lost", i, o.ID)
		}
		want := fmt.Sprintf("[PERSON] rang [PHONE] from [LOCATION], line %d", i)
		if o.Text == nil || *o.Text != want {
			t.Fatalf("line %d text %v, want %q", i, o.Text, want)
		}
		input := fmt.Sprintf("becky rang 07700 900123 from leeds, line %d", i)
		if len(o.Spans) != 3 || input[o.Spans[0].Start:o.Spans[0].End] != "becky" || o.Spans[0].Source != "known" || o.Spans[1].Label != "PHONE" {
			t.Fatalf("line %d spans %+v", i, o.Spans)
		}
	}
}

func TestCmdRedactBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"ok1","text":"hello dave"}`,
		`{"id":"bad1","text":12}`,
		`not json at all: secret name Zebedee`,
		``,
		`{"id":7,"text":"numeric id"}`,
		`{"id":"bad2"}`,
		`{"id":"bad3","text":"x","known":{"given_name":5}}`,
	}, "\n")
	code, out, errs := runCmd(t, redactCmd, []string{"--no-ner", "--operator", "numbered"}, in)
	if code != exitRun {
		t.Errorf("exit %d, want %d", code, exitRun)
	}
	if !strings.Contains(errs, "4 line(s) failed") {
		t.Errorf("stderr %q", errs)
	}
	if strings.Contains(out+errs, "Zebedee") || strings.Contains(out+errs, "secret") {
		t.Error("error output quotes the input text")
	}
	lines := parseOut(t, out)
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6 (empty lines are skipped)", len(lines))
	}
	if *lines[0].Text != "hello [PERSON_1]" || lines[0].Error != "" {
		t.Errorf("line 1: %+v", lines[0])
	}
	for i, want := range map[int]string{1: "line 2: field text", 2: "line 3: invalid JSON", 4: "line 6: missing field text", 5: "line 7: field known"} {
		if !strings.HasPrefix(lines[i].Error, want) {
			t.Errorf("output %d error %q, want prefix %q", i, lines[i].Error, want)
		}
	}
	if string(lines[1].ID) != `"bad1"` || string(lines[3].ID) != "7" {
		t.Errorf("ids %s %s", lines[1].ID, lines[3].ID)
	}
}

func TestCmdRedactUsage(t *testing.T) {
	for _, args := range [][]string{{"--operator", "shred"}, {"--labels", "SHOE"}, {"--workers", "0"}, {"extra"}, {"--nope"}} {
		if code, _, _ := runCmd(t, redactCmd, args, ""); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	code, out, _ := runCmd(t, redactCmd, []string{"--no-ner", "--labels", "PHONE", "--operator", "surrogate"}, `{"id":"a","text":"dave on 07700 900123"}`)
	lines := parseOut(t, out)
	if code != exitOK || len(lines) != 1 || !strings.HasPrefix(*lines[0].Text, "dave on 07700 900") || strings.Contains(*lines[0].Text, "900123") {
		t.Errorf("labels/surrogate: %d %s", code, out)
	}
}

func TestCmdRedactWithNER(t *testing.T) {
	code, out, errs := runCmd(t, redactCmd, nil, `{"id":"a","text":"i met dave in leeds"}`)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if l := parseOut(t, out); len(l) != 1 || !strings.Contains(*l[0].Text, "[PERSON]") {
		t.Errorf("output %s", out)
	}
}

func TestCmdEval(t *testing.T) {
	dir := t.TempDir()
	gold := filepath.Join(dir, "gold.jsonl")
	lines := `{"id":"a","text":"becky went to Leeds","known":{"given_name":"Rebecca"},"spans":[{"start":0,"end":5,"label":"PERSON","source":"gold"},{"start":14,"end":19,"label":"LOCATION"}]}
{"id":"b","text":"emma and blor","spans":[{"start":0,"end":4,"label":"PERSON","char_start":0,"text":"emma"},{"start":9,"end":13,"label":"PERSON"}]}
`
	if err := os.WriteFile(gold, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, evalCmd, []string{"--gold", gold, "--no-ner", "--json", "--misses", "5"}, "")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Docs   int `json:"docs"`
		Labels []struct {
			Label    string  `json:"label"`
			Entities int     `json:"gold_entities"`
			Recall   float64 `json:"entity_leak_recall"`
		} `json:"labels"`
		Misses []struct{ ID, Text string } `json:"misses"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Docs != 2 || len(rep.Labels) != 2 || rep.Labels[0].Label != "PERSON" || rep.Labels[0].Entities != 3 {
		t.Errorf("report %+v", rep)
	}
	if len(rep.Misses) != 1 || rep.Misses[0].Text != "blor" {
		t.Errorf("misses %+v", rep.Misses)
	}
	code, out, _ = runCmd(t, evalCmd, []string{"--gold", gold, "--no-ner", "--labels", "LOCATION"}, "")
	if code != exitOK || !strings.Contains(out, "LOCATION") || strings.Contains(out, "PERSON") {
		t.Errorf("table with --labels: %d\n%s", code, out)
	}
	if code, _, _ := runCmd(t, evalCmd, nil, ""); code != exitUsage {
		t.Errorf("no --gold: exit %d", code)
	}
	if code, _, _ := runCmd(t, evalCmd, []string{"--gold", filepath.Join(dir, "missing.jsonl")}, ""); code != exitUsage {
		t.Errorf("missing file: exit %d", code)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"id\":\"a\",\"text\":\"secret Zebedee\"}\n{oops\n"), 0o600)
	code, _, errs = runCmd(t, evalCmd, []string{"--gold", bad, "--no-ner"}, "")
	if code != exitRun || !strings.Contains(errs, "line 2") || strings.Contains(errs, "Zebedee") {
		t.Errorf("bad gold: exit %d, %q", code, errs)
	}
}

// Through the command: a surrogate is never a word of the record's known
// names, though the text does not mention them. The record's given name is
// the fake its text gets when nothing is known, so the check can fail.
func TestCmdRedactSurrogateAvoidsKnownNames(t *testing.T) {
	args := []string{"--no-ner", "--labels", "PERSON", "--operator", "surrogate"}
	text := "I saw Dave on Monday"
	var misses int
	for _, name := range []string{"Dave", "Rebecca", "Olu"} {
		in := strings.ReplaceAll(text, "Dave", name)
		rec := func(known string) string {
			return `{"id":"a","text":"` + in + `","known":{"contacts":[{"name":"` + name + `","relationship":"friend"}]` + known + `}}`
		}
		code, out, errs := runCmd(t, redactCmd, args, rec(""))
		lines := parseOut(t, out)
		if code != exitOK || len(lines) != 1 {
			t.Fatalf("exit %d: %s %s", code, out, errs)
		}
		fake := strings.Fields(strings.TrimPrefix(*lines[0].Text, "I saw "))[0]
		if fake == "[PERSON]" || strings.EqualFold(fake, name) {
			misses++
			continue
		}
		code, out, _ = runCmd(t, redactCmd, args, rec(`,"given_name":"`+fake+`","family_name":"Okonkwo"`))
		lines = parseOut(t, out)
		if code != exitOK || len(lines) != 1 {
			t.Fatalf("exit %d: %s", code, out)
		}
		if got := strings.ToLower(*lines[0].Text); strings.Contains(got, strings.ToLower(fake)) || strings.Contains(got, "okonkwo") || strings.Contains(got, strings.ToLower(name)) {
			t.Errorf("the record's known name is printed as a fake: %q", *lines[0].Text)
		}
	}
	if misses == 3 {
		t.Fatal("no fake to test with")
	}
}

// A line with nothing to redact still has "spans": [] (docs/ARCHITECTURE.md, The command-line contract), so a
// reader can tell it from a failed line, which has "error" and no spans.
func TestCmdRedactEmptySpans(t *testing.T) {
	in := `{"id":"a","text":"i felt a bit better this week"}` + "\n" + `{"id":"b"}` + "\n"
	_, out, _ := runCmd(t, redactCmd, []string{"--no-ner"}, in)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), out)
	}
	if want := `{"id":"a","text":"i felt a bit better this week","spans":[]}`; lines[0] != want {
		t.Errorf("line 1 = %s, want %s", lines[0], want)
	}
	if strings.Contains(lines[1], `"spans"`) || !strings.Contains(lines[1], `"error"`) {
		t.Errorf("failed line = %s, want an error and no spans", lines[1])
	}
}

// Lines travel to the workers in batches: order, line numbers of errors,
// skipped blank lines and over-long lines must survive batch boundaries.
func TestCmdRedactBatchBoundaries(t *testing.T) {
	var in strings.Builder
	type want struct {
		id  string
		err string
	}
	var wants []want
	lineNo := 0
	for i := range 700 {
		lineNo++
		switch {
		case i%97 == 5:
			fmt.Fprintf(&in, `{"id":"e%d","text":3}`+"\n", i)
			wants = append(wants, want{fmt.Sprintf(`"e%d"`, i), fmt.Sprintf("line %d: ", lineNo)})
		case i%7 == 3:
			in.WriteString("\n")
		default:
			fmt.Fprintf(&in, `{"id":"t%d","text":"call dave on 07700 900%03d"}`+"\n", i, i%1000)
			wants = append(wants, want{fmt.Sprintf(`"t%d"`, i), ""})
		}
	}
	for _, workers := range []string{"1", "3"} {
		code, out, _ := runCmd(t, redactCmd, []string{"--workers", workers, "--no-ner"}, in.String())
		if code != exitRun {
			t.Errorf("workers %s: exit %d, want %d (some lines fail)", workers, code, exitRun)
		}
		lines := parseOut(t, out)
		if len(lines) != len(wants) {
			t.Fatalf("workers %s: %d lines, want %d", workers, len(lines), len(wants))
		}
		for i, w := range wants {
			o := lines[i]
			if string(o.ID) != w.id || !strings.HasPrefix(o.Error, w.err) || (w.err == "") != (o.Error == "") {
				t.Fatalf("workers %s: output %d = id %s error %q, want id %s error prefix %q", workers, i, o.ID, o.Error, w.id, w.err)
			}
			if w.err == "" && (o.Text == nil || !strings.HasSuffix(*o.Text, "[PHONE]")) {
				t.Fatalf("workers %s: output %d text %v", workers, i, o.Text)
			}
		}
	}
}
