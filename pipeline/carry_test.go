package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExtractCarriesRareWords: a rare word redacted in one of a patient's
// texts is redacted in that patient's later texts, where alone it would
// not be (record-level propagation, redact.Consistency.Carry).
func TestExtractCarriesRareWords(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	in := copyDir(t, snapshot)
	f, err := os.OpenFile(filepath.Join(in, "messages.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// P0000001 is in the snapshot's output (not opted out).
	add := `{"message_id":"MCARRY01","patient_id":"P0000001","sender":"patient","sent_at":"2021-06-01T10:00:00Z","text":"Wrzosek said the shift was fine."}` + "\n" +
		`{"message_id":"MCARRY02","patient_id":"P0000001","sender":"patient","sent_at":"2021-06-02T10:00:00Z","text":"the wrzosek rota is out"}` + "\n"
	if _, err := f.WriteString(add); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := runExtract(t, university, in, keyA, 2)
	seen := 0
	for _, mf := range res.Manifest.Files {
		if mf.Dataset != "messages" {
			continue
		}
		_, rows := readParquet(t, filepath.Join(res.Dir, mf.Path))
		for _, r := range rows {
			text, _ := r["text"].(string)
			if strings.Contains(text, "rota is out") || strings.Contains(text, "the shift was fine") {
				seen++
			}
			if strings.Contains(strings.ToLower(text), "wrzosek") {
				t.Errorf("carried word leaked: %q", text)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("the two added messages: %d found in the output", seen)
	}
}
