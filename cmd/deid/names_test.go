package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestRedactUnseenNames runs `deid redact` (the real binary) on names,
// places and addresses from outside the gazetteers, and on clinical
// shorthand that must stay: issue 15.
func TestRedactUnseenNames(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"1","text":"Wrzosek said the shift was fine. later i spoke to wrzosek again"}`,
		`{"id":"2","text":"send it to Via Garibaldi 14, 20121 Milano please"}`,
		`{"id":"3","text":"Started Sertraline, NOK aware, no SI, watches Netflix"}`,
		`{"id":"4","text":"stuck on the M62 at Junction 25, then onto Ward 9"}`,
	}, "\n") + "\n"
	for _, args := range [][]string{{"redact", "--no-ner"}, {"redact"}} {
		cmd := exec.Command(deidBinary(t), args...)
		cmd.Env = hEnv()
		cmd.Stdin = strings.NewReader(in)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("deid %v: %v\n%s", args, err, errb.String())
		}
		var texts []string
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var o struct{ Text string }
			if err := json.Unmarshal([]byte(line), &o); err != nil {
				t.Fatalf("output line: %v", err)
			}
			texts = append(texts, o.Text)
		}
		all := strings.Join(texts, "\n")
		for _, leak := range []string{"Wrzosek", "wrzosek", "Garibaldi", "20121", "Milano", "M62", "Junction 25", "Ward 9"} {
			if strings.Contains(all, leak) {
				t.Errorf("deid %v: %q left in the output:\n%s", args, leak, all)
			}
		}
		for _, keep := range []string{"Sertraline", "NOK", "SI", "Netflix", "shift", "fine"} {
			if !strings.Contains(all, keep) {
				t.Errorf("deid %v: %q redacted:\n%s", args, keep, all)
			}
		}
	}
}
