package redact

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRedact checks the redactor's invariants on arbitrary text (with
// character references, %-escapes and format characters among the seeds):
// no panic, spans in bounds of the original text and on its rune
// boundaries, sorted and disjoint, valid UTF-8 out, and a known name and
// phone number planted anywhere in the text, plainly and mangled (a
// zero-width space and a reference inside the name, a no-break space and a
// slash inside the phone), are always covered.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"", "hi", "my sister Grace moved to Bath on the 5th of june",
		"call 0113 496 0000 or +44 7700 900123 or 943 476 5919",
		"\xff\xfe zoë’s O'Brien \u2019s", "a@b.c http://x www. 1.2.3.4 ::1 LS6 2AB QQ 12 34 56 C",
		"12/03/2023 2023-03-12 3rd-5th march mon 4th", strings.Repeat("dave ", 50),
		"D&#97;wn D%61wn%20R%6Fwe Da\u200bwn Da\u0301wn Da\x00wn &amp; &#x1F600; &#0; %E2%80%8B %ZZ %",
		"999\u00a0357\u20096087 \uff19\uff19\uff19 07700/900/123 LS6\u00a02AB \ufb01 \u2028 a\u00adb",
		"dawn.rowe&#64;example.com x (at) y dot com DawnRowe79 xx_dawn_99 &#55296; &#xD800 &#99999999;",
		"iban GB82 WEST 1234 5698 7654 3 DE89370400440532013000 ssn 078-05-1120 00:1B:44:11:3A:B7 001b.4411",
		"username: bob password:\n pw= PIN is 12 login é user id",
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
		// Capitalised: a short known name in small letters may be the
		// word it also is ("half a mo").
		planted = strings.ToUpper(planted[:1]) + planted[1:]
		const phone = "07700 900123"
		// The same name hidden by a zero-width space and a character
		// reference, and the phone with a no-break space and a slash.
		mangled := planted[:1] + "\u200b" + "&#" + strconv.Itoa(int(planted[1])) + ";" + planted[2:]
		const mphone = "07700\u00a0900/123"
		k := fixBoundary(text, int(at)%(len(text)+1))
		full := text[:k] + " " + planted + " " + phone + " " + mangled + " " + mphone + " " + text[k:]
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
		at1 := at0 + len(planted) + 1
		at2 := at1 + len(phone) + 1
		at3 := at2 + len(mangled) + 1
		for _, w := range []struct{ s, e int }{{at0, at0 + len(planted)}, {at1, at1 + len(phone)}, {at2, at2 + len(mangled)}, {at3, at3 + len(mphone)}} {
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
