package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/source"
)

// copyDir copies a committed fixture snapshot so a test can add to it.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

func malformedSnapshot(t *testing.T) string {
	dir := copyDir(t, "../fixtures/malformed")
	f, err := os.OpenFile(filepath.Join(dir, "transcripts.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	long := `{"session_id":"S1","turn":9,"speaker":"patient","sent_at":"2024-01-17T10:11:00Z","text":"` + strings.Repeat("a", source.MaxLineBytes) + "\"}\n"
	last := `{"session_id":"S1","turn":10,"speaker":"patient","sent_at":"2024-01-17T10:12:00Z","text":"still here after the long line"}` + "\n"
	if _, err := f.WriteString(long + last); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return dir
}

func readQuarantine(t *testing.T, dir string) []pipeline.Quarantine {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "quarantine.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []pipeline.Quarantine
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var q pipeline.Quarantine
		if err := json.Unmarshal([]byte(l), &q); err != nil {
			t.Fatal(err)
		}
		out = append(out, q)
	}
	return out
}

func TestMalformedInputIsQuarantined(t *testing.T) {
	dir := malformedSnapshot(t)
	res := runExtract(t, university, dir, keyA, 2)
	got := readQuarantine(t, res.InternalDir)
	want := []pipeline.Quarantine{
		{RecordType: "patients", File: "patients.jsonl", Line: 4, Field: "nhs_number", Reason: "not a valid NHS number (10 digits with a valid check digit)"},
		{RecordType: "patients", File: "patients.jsonl", Line: 5, Field: "date_of_birth", Reason: "before 1900"},
		{RecordType: "patients", File: "patients.jsonl", Line: 6, Field: "gender", Reason: "unknown value (allowed: female, male, other, unknown)"},
		{RecordType: "patients", File: "patients.jsonl", Line: 7, Field: "referral_date", Reason: "in the future"},
		{RecordType: "patients", File: "patients.jsonl", Line: 8, Field: "patient_id", Reason: "duplicate patient_id"},
		{RecordType: "patients", File: "patients.jsonl", Line: 9, Field: "contacts", Reason: "want an array of {name, relationship} objects"},
		{RecordType: "patients", File: "patients.jsonl", Line: 10, Reason: "malformed JSON"},
		{RecordType: "sessions", File: "sessions.jsonl", Line: 3, Field: "patient_id", Reason: "orphan: no valid patient with this patient_id"},
		{RecordType: "sessions", File: "sessions.jsonl", Line: 4, Field: "session_id", Reason: "duplicate session_id"},
		{RecordType: "sessions", File: "sessions.jsonl", Line: 5, Field: "modality", Reason: "unknown value (allowed: text, video, phone)"},
		{RecordType: "sessions", File: "sessions.jsonl", Line: 6, Field: "ended_at", Reason: "before started_at"},
		{RecordType: "transcripts", File: "transcripts.jsonl", Line: 3, Field: "turn", Reason: "duplicate turn in session"},
		{RecordType: "transcripts", File: "transcripts.jsonl", Line: 5, Field: "session_id", Reason: "orphan: no valid session with this session_id"},
		{RecordType: "transcripts", File: "transcripts.jsonl", Line: 6, Reason: "malformed JSON"},
		{RecordType: "transcripts", File: "transcripts.jsonl", Line: 7, Field: "turn", Reason: "want an integer"},
		{RecordType: "transcripts", File: "transcripts.jsonl", Line: 8, Field: "speaker", Reason: "unknown value (allowed: patient, therapist)"},
		{RecordType: "transcripts", File: "transcripts.jsonl", Line: 9, Field: "sent_at", Reason: "missing"},
		{RecordType: "transcripts", File: "transcripts.jsonl", Line: 11, Reason: "invalid UTF-8"},
		{RecordType: "transcripts", File: "transcripts.jsonl", Line: 12, Reason: "line exceeds the maximum record size"},
		{RecordType: "messages", File: "messages.csv", Line: 3, Reason: "CSV record has 4 cells, header has 5"},
		{RecordType: "messages", File: "messages.csv", Line: 4, Field: "message_id", Reason: "duplicate message_id"},
		{RecordType: "messages", File: "messages.csv", Line: 6, Field: "sender", Reason: "unknown value (allowed: patient, therapist, service)"},
		{RecordType: "notes", File: "notes.jsonl", Line: 2, Field: "written_at", Reason: "want an RFC 3339 timestamp"},
		{RecordType: "questionnaires", File: "questionnaires.jsonl", Line: 5, Field: "items", Reason: "wrong_item_count"},
		{RecordType: "questionnaires", File: "questionnaires.jsonl", Line: 6, Field: "items[8]", Reason: "item_out_of_range"},
		{RecordType: "questionnaires", File: "questionnaires.jsonl", Line: 7, Field: "instrument", Reason: "unknown_instrument"},
	}
	if len(got) != len(want) {
		for _, q := range got {
			t.Logf("got %+v", q)
		}
		t.Fatalf("%d quarantined, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("quarantine %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	// The rest of the run completed and the counts add up.
	r := res.Report
	for kind, c := range r.Records {
		if !c.Balanced() {
			t.Errorf("%s: counts do not add up: %+v", kind, c)
		}
	}
	checks := []struct {
		kind          string
		written, quar int
	}{
		{"patients", 1, 7}, {"sessions", 2, 4}, {"transcripts", 4, 8}, {"messages", 1, 3}, {"notes", 1, 1}, {"questionnaires", 4, 3},
	}
	for _, c := range checks {
		if got := r.Records[c.kind]; got.Written != c.written || got.Quarantined != c.quar {
			t.Errorf("%s: written %d quarantined %d, want %d and %d", c.kind, got.Written, got.Quarantined, c.written, c.quar)
		}
	}
	if r.Records["patients"].UnknownFields != 1 {
		t.Errorf("unknown fields = %d, want 1", r.Records["patients"].UnknownFields)
	}
	if r.Records["patients"].Excluded[pipeline.ExcludedNationalOptOut] != 1 || r.Records["patients"].Excluded[pipeline.ExcludedResearchOptOut] != 1 {
		t.Errorf("opt-out exclusions: %+v", r.Records["patients"].Excluded)
	}
	// Nothing quarantined or logged carries a value from the input.
	b, _ := os.ReadFile(filepath.Join(res.InternalDir, "quarantine.jsonl"))
	for _, secret := range []string{"1234567890", "dragon", "hologram", "carrier", "ghost", "four", "2999", "1880", "Thornbury", "Becky"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("quarantine file carries an input value")
		}
	}
}

func TestMaxBadFailsTheRun(t *testing.T) {
	dir := malformedSnapshot(t)
	t.Setenv("DEID_KEY", keyA)
	t.Setenv("DEID_OUTPUT_KEY", outKey)
	p, err := pipeline.LoadProfile(university)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	_, err = pipeline.Extract(context.Background(), pipeline.Options{Profile: p, In: dir, Out: out, MaxBad: 3, Now: testNow})
	if !errors.Is(err, pipeline.ErrTooManyBad) {
		t.Fatalf("err = %v, want ErrTooManyBad", err)
	}
	// Nothing that looks like a finished extract is left behind.
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if _, err := os.Stat(filepath.Join(out, e.Name(), "manifest.json")); err == nil {
			t.Fatalf("a failed run left a manifest in %s", e.Name())
		}
		if strings.HasSuffix(e.Name(), ".partial") {
			t.Fatalf("a failed run left its staging folder %s", e.Name())
		}
	}
}

func TestMissingKeyRefusesToStart(t *testing.T) {
	t.Setenv("DEID_KEY", "")
	p, _ := pipeline.LoadProfile(university)
	out := t.TempDir()
	_, err := pipeline.Extract(context.Background(), pipeline.Options{Profile: p, In: "../fixtures/malformed", Out: out})
	if err == nil || !strings.Contains(err.Error(), "DEID_KEY") {
		t.Fatalf("err = %v", err)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Fatal("output written without a key")
	}
}
