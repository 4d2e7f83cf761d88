package redact

import (
	"fmt"
	"strings"
	"testing"
)

// covered reports whether every letter and digit of sub (its first
// occurrence in text) lies inside some span.
func covered(text string, spans []Span, sub string) bool {
	k := strings.Index(text, sub)
	if k < 0 {
		panic(fmt.Sprintf("test bug: %q not in text", sub))
	}
	for i := k; i < k+len(sub); i++ {
		c := text[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			continue
		}
		in := false
		for _, s := range spans {
			if s.Start <= i && i < s.End {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return true
}

// touched reports whether any byte of sub (first occurrence) is in a span.
func touched(text string, spans []Span, sub string) bool {
	k := strings.Index(text, sub)
	if k < 0 {
		panic(fmt.Sprintf("test bug: %q not in text", sub))
	}
	for _, s := range spans {
		if s.Start < k+len(sub) && k < s.End {
			return true
		}
	}
	return false
}

// labelAt returns the label of the span covering the first byte of sub.
func labelAt(text string, spans []Span, sub string) Label {
	k := strings.Index(text, sub)
	for _, s := range spans {
		if s.Start <= k && k < s.End {
			return s.Label
		}
	}
	return ""
}

func describe(text string, spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		fmt.Fprintf(&b, "[%q %s %s] ", text[s.Start:s.End], s.Label, s.Source)
	}
	return b.String()
}

func mustNew(t testing.TB, cfg Config) *Redactor {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// caseT is one recognizer test: every string in want must be fully
// covered, every string in not must be untouched, and label (when set)
// is the label at want[0].
type caseT struct {
	text  string
	want  []string
	not   []string
	label Label
}

func runCases(t *testing.T, rec Recognizer, subj *Subject, cases []caseT) {
	t.Helper()
	for _, c := range cases {
		spans := Merge(c.text, rec.Find(nil, c.text, subj))
		for _, w := range c.want {
			if !covered(c.text, spans, w) {
				t.Errorf("%s: %q: %q not covered; spans %s", rec.Name(), c.text, w, describe(c.text, spans))
			}
		}
		for _, n := range c.not {
			if touched(c.text, spans, n) {
				t.Errorf("%s: %q: %q should not be redacted; spans %s", rec.Name(), c.text, n, describe(c.text, spans))
			}
		}
		if c.label != "" && len(c.want) > 0 {
			if got := labelAt(c.text, spans, c.want[0]); got != c.label {
				t.Errorf("%s: %q: %q labelled %s, want %s", rec.Name(), c.text, c.want[0], got, c.label)
			}
		}
	}
}
