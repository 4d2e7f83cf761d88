package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func trainCmd(ctx context.Context, args []string, in *strings.Reader, out, errb *bytes.Buffer) int {
	return cmdTrain(ctx, args, in, out, errb)
}

// writeCorpus writes a small labelled corpus in the shared JSON Lines shape
// (with ORG spans, which must train as outside).
func writeCorpus(t *testing.T, dir, name string, n int) string {
	t.Helper()
	names := []string{"Jen", "Dave", "Aisha", "Tom", "Priya", "Sam"}
	places := []string{"Leeds", "Bristol", "Whitby", "Glasgow", "Slough", "Cornwall"}
	var b strings.Builder
	for i := range n {
		p, l := names[i%len(names)], places[(i/2)%len(places)]
		text := "my friend " + p + " from Tesco lives in " + l + " now"
		a, c, o := strings.Index(text, p), strings.Index(text, l), strings.Index(text, "Tesco")
		fmt.Fprintf(&b, `{"id":"%d","text":%q,"spans":[{"start":%d,"end":%d,"label":"PERSON"},{"start":%d,"end":%d,"label":"LOCATION"},{"start":%d,"end":%d,"label":"ORG"}]}`+"\n",
			i, text, a, a+len(p), c, c+len(l), o, o+5)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCmdTrainCorpora trains from corpora named by --corpus flags (no
// synthetic data) twice and requires byte-identical model files that tag
// what they were taught.
func TestCmdTrainCorpora(t *testing.T) {
	dir := t.TempDir()
	a := writeCorpus(t, dir, "a.jsonl", 50)
	b := writeCorpus(t, dir, "b.jsonl", 50)
	var models [][]byte
	for i := range 2 {
		out := filepath.Join(dir, fmt.Sprintf("m%d.bin", i))
		code, stdout, stderr := runCmd(t, trainCmd, []string{"--corpus", "one=" + a, "--corpus", b, "--synth-patients", "0",
			"--epochs", "3", "--bits", "16", "--lower-share", "0.5", "--out", out}, "")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"one: 50 examples, 50 PERSON, 50 LOCATION spans from a.jsonl", "b: 50 examples"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("summary lacks %q:\n%s", want, stdout)
			}
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, data)
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Error("two runs on the same corpora wrote different models")
	}
}

func TestCmdTrainUsage(t *testing.T) {
	dir := t.TempDir()
	a := writeCorpus(t, dir, "a.jsonl", 5)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"empty source", []string{"--corpus", "=" + a}, exitUsage, "want SOURCE=PATH"},
		{"empty path", []string{"--corpus", "x="}, exitUsage, "want SOURCE=PATH"},
		{"lower share above 1", []string{"--corpus", a, "--lower-share", "1.5"}, exitUsage, "unexpected arguments"},
		{"held-out seed", []string{"--corpus", a, "--synth-seed", "5"}, exitUsage, "--synth-seed must be"},
		{"missing corpus", []string{"--corpus", filepath.Join(dir, "nope.jsonl"), "--synth-patients", "0"}, exitRun, "open training data"},
		{"nothing to train on", []string{"--synth-patients", "0"}, exitUsage, "no training examples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "--out", filepath.Join(dir, "m.bin"))
			code, _, stderr := runCmd(t, trainCmd, args, "")
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
}
