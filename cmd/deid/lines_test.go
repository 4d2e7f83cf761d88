package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestCmdRedactLongLines: deid redact reads its input with the extract's
// line reader (source.ReadLine). A line over maxLine becomes an error line
// in its place, wherever it falls (mid-input, last and unterminated), and
// never shifts the numbering or the order of the lines around it; CRLF
// endings and blank lines read as in the extract.
func TestCmdRedactLongLines(t *testing.T) {
	long := `{"id":"big","text":"` + strings.Repeat("Zebedee ", maxLine/8) + `"}`
	for _, tc := range []struct {
		name string
		in   string
		want []string // per output line: its id, or the error's prefix
	}{
		{"long line mid-input", `{"id":"a","text":"hi"}` + "\n" + long + "\n\n" + `{"id":"b","text":"yo"}` + "\n",
			[]string{"a", "line 2: longer than", "b"}},
		{"long last line without newline", `{"id":"a","text":"hi"}` + "\r\n" + long,
			[]string{"a", "line 2: longer than"}},
		{"long first line, CRLF", long + "\r\n" + `{"id":"b","text":"yo"}` + "\r\n",
			[]string{"line 1: longer than", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, redactCmd, []string{"--no-ner"}, tc.in)
			if code != exitRun {
				t.Errorf("exit %d, want %d", code, exitRun)
			}
			if strings.Contains(out+errs, "Zebedee") {
				t.Error("output quotes the long line")
			}
			lines := parseOut(t, out)
			if len(lines) != len(tc.want) {
				t.Fatalf("%d output lines, want %d", len(lines), len(tc.want))
			}
			for i, w := range tc.want {
				got := lines[i].Error
				if got == "" {
					got = strings.Trim(string(lines[i].ID), `"`)
				}
				if !strings.HasPrefix(got, w) {
					t.Errorf("output %d = %q, want %q", i+1, got, w)
				}
			}
			if want := fmt.Sprintf("%d line(s) failed", strings.Count(strings.Join(tc.want, "|"), "longer than")); !strings.Contains(errs, want) {
				t.Errorf("stderr %q, want %q", errs, want)
			}
		})
	}
}
