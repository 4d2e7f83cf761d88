package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ASCII is itself", "Dawn Rowe 07700", "Dawn Rowe 07700"},
		{"no-break space", "999\u00a0357\u00a06087", "999 357 6087"},
		{"thin and narrow spaces", "07700\u2009900\u202f123", "07700 900 123"},
		{"ideographic space", "a\u3000b", "a b"},
		{"full-width digits", "９９９３５７６０８７", "9993576087"},
		{"full-width letters", "ＤＡＷＮ", "DAWN"},
		{"zero-width space", "Da\u200bwn", "Dawn"},
		{"zero-width joiner and BOM", "\ufeffD\u200da\u2060wn", "Dawn"},
		{"soft hyphen", "Daw\u00adn", "Dawn"},
		{"NUL and C0 controls", "Da\x00w\x07n", "Dawn"},
		{"C1 control", "Da\u0085wn", "Dawn"},
		{"tab, newline, CR kept", "a\tb\nc\r", "a\tb\nc\r"},
		{"combining accent composes", "Zoe\u0308", "Zoë"},
		{"decimal reference", "D&#97;wn", "Dawn"},
		{"hex reference", "D&#x61;wn", "Dawn"},
		{"reference without semicolon", "D&#97wn", "D\nwn"[:0] + "D" + string(rune(97)) + "wn"},
		{"named reference", "R&eacute;mi &amp; Jo", "Rémi & Jo"},
		{"nbsp reference", "LS6&nbsp;2AB", "LS6 2AB"},
		{"unknown named reference kept", "&bogus; &", "&bogus; &"},
		{"percent escapes", "D%61wn%20R%6Fwe", "Dawn Rowe"},
		{"percent UTF-8", "Zo%C3%AB", "Zoë"},
		{"percent zero-width", "Da%E2%80%8Bwn", "Dawn"},
		{"percent not UTF-8 stays", "100%ff", "100%ff"},
		{"lone percent", "50% off", "50% off"},
		{"ligature", "ﬁona", "fiona"},
		{"invalid UTF-8 kept", "a\xffb", "a\xffb"},
	}
	var f Folder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.Fold(tt.in)
			if got.Text != tt.want {
				t.Fatalf("Fold(%q) = %q, want %q", tt.in, got.Text, tt.want)
			}
			if String(tt.in) != tt.want {
				t.Fatalf("String(%q) = %q, want %q", tt.in, String(tt.in), tt.want)
			}
		})
	}
}

// TestOrig checks that a span found in the view covers the original bytes
// of the identifier, including dropped characters inside it.
func TestOrig(t *testing.T) {
	tests := []struct {
		in, find, want string
	}{
		{"call Da\u200bwn now", "Dawn", "Da\u200bwn"},
		{"nhs 999\u00a0357\u00a06087.", "999 357 6087", "999\u00a0357\u00a06087"},
		{"it is D&#97;wn R&#x6f;we ok", "Dawn Rowe", "D&#97;wn R&#x6f;we"},
		{"see D%61wn%20R%6Fwe", "Dawn Rowe", "D%61wn%20R%6Fwe"},
		{"no ９９９３５７６０８７ x", "9993576087", "９９９３５７６０８７"},
		{"Zoe\u0308 said", "Zoë", "Zoe\u0308"},
		{"x \ufeffLS6\u00a02AB", "LS6 2AB", "LS6\u00a02AB"},
	}
	var f Folder
	for _, tt := range tests {
		v := f.Fold(tt.in)
		i := strings.Index(v.Text, tt.find)
		if i < 0 {
			t.Fatalf("%q: view %q lacks %q", tt.in, v.Text, tt.find)
		}
		s, e := v.Orig(i, i+len(tt.find))
		if got := tt.in[s:e]; got != tt.want {
			t.Errorf("%q: span maps to %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"999 357 6087", "9993576087"},
		{"999-357-6087", "9993576087"},
		{"999.357.6087", "9993576087"},
		{"999/357/6087", "9993576087"},
		{"９９９\u00a0３５７\u2009６０８７", "9993576087"},
		{"999\u200b3576087", "9993576087"},
		{"999\u2013357\u20146087", "9993576087"},
		{"NHS 999 357 6087", "NHS9993576087"},
	}
	for _, tt := range tests {
		if got := Compact(tt.in); got != tt.want {
			t.Errorf("Compact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzFold holds the invariants: the view is valid UTF-8 where the input
// is, every view span maps inside the input, mapping is monotone, and a
// plain input is its own view.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Dawn", "D&#97;wn", "D%61wn%20R%6Fwe", "９９９\u00a0３", "Zoe\u0308", "&#x110000;", "%E2%80", "&#0;", "a\u200b\u200bb", "\xff%C3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fo Folder
		v := fo.Fold(s)
		if utf8.ValidString(s) && !utf8.ValidString(v.Text) {
			t.Fatalf("view of valid input is invalid UTF-8: %q", v.Text)
		}
		if v.Identity() && v.Text != s {
			t.Fatal("identity view differs from input")
		}
		prev := 0
		for i := 0; i < len(v.Text); i++ {
			a, b := v.Orig(i, i+1)
			if a < 0 || b > len(s) || a >= b {
				t.Fatalf("byte %d maps to [%d,%d) of %d", i, a, b, len(s))
			}
			if a < prev {
				t.Fatalf("byte %d maps backwards: %d < %d", i, a, prev)
			}
			prev = a
		}
		if String(v.Text) != v.Text && utf8.ValidString(s) {
			// Folding is idempotent on valid text, except where a decoded
			// reference spells another reference ("&amp;#97;").
			if !strings.ContainsAny(s, "&%") {
				t.Fatalf("not idempotent: %q -> %q -> %q", s, v.Text, String(v.Text))
			}
		}
	})
}

func BenchmarkFoldPlain(b *testing.B) {
	s := strings.Repeat("I met Dawn at the cafe on Tuesday and we talked. ", 20)
	var f Folder
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		f.Fold(s)
	}
}

func BenchmarkFoldUnicode(b *testing.B) {
	s := strings.Repeat("I met Dawn at the café on Tuesday – we talked… ", 20)
	var f Folder
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		f.Fold(s)
	}
}

func BenchmarkFoldUnicodeNormal(b *testing.B) {
	s := strings.Repeat("I met Zoë at the café on Tuesday – we talked 😊 ", 20)
	var f Folder
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		f.Fold(s)
	}
}
