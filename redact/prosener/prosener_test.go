package prosener

import (
	"os"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact/ner"
)

func TestEntities(t *testing.T) {
	m := Default()
	tests := []struct {
		text string
		want []string // label:text, in order
	}{
		// prose v2.0.0 itself labels the first name GPE: the wrapper
		// reports what the library says.
		{"Barack Obama visited Paris with Michelle Obama last week .", []string{"LOCATION:Barack Obama", "LOCATION:Paris", "PERSON:Michelle Obama"}},
		// Curly quotes are rewritten by prose before tokenizing; offsets
		// must still point into the original text.
		{"\u201cHello\u201d said John Smith in London yesterday .", []string{"PERSON:John Smith", "LOCATION:London"}},
		{"", nil},
		{"   ", nil},
	}
	for _, tt := range tests {
		es := m.Entities(tt.text, nil)
		var got []string
		for _, e := range es {
			if e.Start < 0 || e.End > len(tt.text) || e.Start >= e.End {
				t.Fatalf("%q: span [%d,%d) out of bounds", tt.text, e.Start, e.End)
			}
			got = append(got, e.Label+":"+tt.text[e.Start:e.End])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%q: got %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestSanitize(t *testing.T) {
	in := "a\u2019b&rsquo;c\u201cd"
	clean, orig := sanitize(in)
	if clean != "a'b'c\"d" {
		t.Fatalf("clean = %q", clean)
	}
	if len(orig) != len(clean)+1 || orig[len(clean)] != len(in) {
		t.Fatalf("offset map length")
	}
	for i := range clean {
		if clean[i] != '\'' && clean[i] != '"' && in[orig[i]] != clean[i] {
			t.Errorf("clean[%d]=%q maps to in[%d]=%q", i, clean[i], orig[i], in[orig[i]])
		}
	}
}

func TestNoPanicOnOddInput(t *testing.T) {
	m := Default()
	for _, s := range []string{"\xff\xfe", "(ಠ_ಠ)", "$", "''", "Mr. X's \u2019s", strings.Repeat("A ", 500)} {
		for _, e := range m.Entities(s, nil) {
			if e.Start < 0 || e.End > len(s) || e.Start >= e.End {
				t.Fatalf("span out of bounds")
			}
		}
	}
}

// BenchmarkEntities measures prose on the same committed dialogue sample as
// package ner's benchmark.
func BenchmarkEntities(b *testing.B) {
	raw, err := os.ReadFile("../ner/testdata/dialogue.txt")
	if err != nil {
		b.Fatal(err)
	}
	var turns []string
	for _, l := range strings.Split(string(raw), "\n") {
		if l != "" {
			turns = append(turns, l)
		}
	}
	m := Default()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	var dst []ner.Entity
	for b.Loop() {
		for _, t := range turns {
			dst = m.Entities(t, dst[:0])
		}
	}
}
