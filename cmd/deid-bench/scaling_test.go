package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without the shared AnnoMI file the scaling step falls back to the
// committed fixtures, so `make bench` runs on a fresh clone.
func TestScalingTextsFallback(t *testing.T) {
	texts, source, err := scalingTexts(filepath.Join(t.TempDir(), "missing.jsonl"), filepath.Join("..", "..", "fixtures", "redact"))
	if err != nil || source != "fixtures" || len(texts) < 20 {
		t.Fatalf("fallback: %d texts from %q, err %v", len(texts), source, err)
	}
	path := filepath.Join(t.TempDir(), "turns.jsonl")
	if err := os.WriteFile(path, []byte(`{"text":"hello there"}`+"\n"+`{"text":"second turn"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	texts, source, err = scalingTexts(path, "nowhere")
	if err != nil || source != "turns.jsonl" || len(texts) != 2 {
		t.Fatalf("turns file: %v from %q, err %v", texts, source, err)
	}
	out := filepath.Join(t.TempDir(), "in.jsonl")
	mb, err := writeTurns(out, texts, 5)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if n := strings.Count(string(b), "\n"); n != 5 || mb <= 0 || !strings.Contains(string(b), `{"id":"4","text":"hello there"}`) {
		t.Errorf("wrote %d lines (%g MB): %s", n, mb, b)
	}
}
