package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRedact checks the redactor's invariants on arbitrary text: no panic,
// spans in bounds, on rune boundaries, sorted and disjoint, valid UTF-8
// out, and a known name and phone number planted anywhere in the text are
// always covered.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"", "hi", "my sister Grace moved to Bath on the 5th of june",
		"call 0113 496 0000 or +44 7700 900123 or 943 476 5919",
		"\xff\xfe zoë’s O'Brien \u2019s", "a@b.c http://x www. 1.2.3.4 ::1 LS6 2AB QQ 12 34 56 C",
		"12/03/2023 2023-03-12 3rd-5th march mon 4th", strings.Repeat("dave ", 50),
	} {
		f.Add(s, "Rebecca", uint16(3))
	}
	r, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, name string, at uint16) {
		// The planted name: ASCII letters of the input, at least three,
		// and not a name particle ("van") that is never matched alone.
		var nb strings.Builder
		for i := 0; i < len(name) && nb.Len() < 20; i++ {
			if c := name[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				nb.WriteByte(c)
			}
		}
		planted := nb.String()
		if len(planted) < 3 || nameParticles[strings.ToLower(planted)] {
			planted = "Rebecca"
		}
		const phone = "07700 900123"
		k := fixBoundary(text, int(at)%(len(text)+1))
		full := text[:k] + " " + planted + " " + phone + " " + text[k:]
		subj := NewSubject(Known{GivenName: planted, Phone: phone})

		spans := r.Find(full, subj)
		for i, s := range spans {
			if s.Start < 0 || s.End > len(full) || s.Start >= s.End {
				t.Fatalf("span %d out of bounds: %+v (len %d)", i, s, len(full))
			}
			if !validBoundary(full, s.Start) || !validBoundary(full, s.End) {
				t.Fatalf("span %d not on rune boundaries: %+v", i, s)
			}
			if i > 0 && spans[i-1].End > s.Start {
				t.Fatalf("spans %d and %d overlap or are unsorted", i-1, i)
			}
		}
		at0 := k + 1
		for _, w := range []struct{ s, e int }{{at0, at0 + len(planted)}, {at0 + len(planted) + 1, at0 + len(planted) + 1 + len(phone)}} {
			for p := w.s; p < w.e; p++ {
				if full[p] == ' ' {
					continue
				}
				in := false
				for _, s := range spans {
					if s.Start <= p && p < s.End {
						in = true
						break
					}
				}
				if !in {
					t.Fatalf("planted identifier %q not covered at byte %d", full[w.s:w.e], p)
				}
			}
		}
		for _, pol := range []Policy{{}, {Default: Numbered}, {Default: Surrogate, SurrogateKey: []byte("k")}} {
			out := r.Apply(full, spans, pol, NewConsistency("s"))
			if !utf8.ValidString(out) {
				t.Fatalf("Apply(%s) output is not valid UTF-8", pol.Default)
			}
			if strings.Contains(strings.ToLower(out), strings.ToLower(" "+planted+" ")) {
				t.Fatalf("Apply(%s) output still holds the planted name", pol.Default)
			}
		}
	})
}
