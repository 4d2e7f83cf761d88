package ner

import (
	"testing"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	type tk struct {
		text string
		kind uint8
	}
	tests := []struct {
		name string
		in   string
		want []tk
	}{
		{"empty", "", nil},
		{"spaces", " \t\n ", nil},
		{"words", "my sister jen", []tk{{"my", kindWord}, {"sister", kindWord}, {"jen", kindWord}}},
		{"possessive split", "dave's mum", []tk{{"dave", kindWord}, {"'s", kindClitic}, {"mum", kindWord}}},
		{"curly possessive", "Dave\u2019s", []tk{{"Dave", kindWord}, {"\u2019s", kindClitic}}},
		{"possessive at end", "it was jen's.", []tk{{"it", kindWord}, {"was", kindWord}, {"jen", kindWord}, {"'s", kindClitic}, {".", kindPunct}}},
		{"contraction kept", "don't i'm", []tk{{"don't", kindWord}, {"i'm", kindWord}}},
		{"irish name", "O'Brien", []tk{{"O'Brien", kindWord}}},
		{"plural possessive", "the Joneses' house", []tk{{"the", kindWord}, {"Joneses", kindWord}, {"'", kindPunct}, {"house", kindWord}}},
		{"spaced clitic (WNUT)", "Wendy ' s", []tk{{"Wendy", kindWord}, {"'", kindPunct}, {"s", kindWord}}},
		{"hyphenated place", "Stoke-on-Trent.", []tk{{"Stoke-on-Trent", kindWord}, {".", kindPunct}}},
		{"dash between words", "leeds - bradford", []tk{{"leeds", kindWord}, {"-", kindPunct}, {"bradford", kindWord}}},
		{"numbers", "10:30 on 12/03, £1,000 3.5", []tk{{"10:30", kindNum}, {"on", kindWord}, {"12/03", kindNum}, {",", kindPunct}, {"£", kindSym}, {"1,000", kindNum}, {"3.5", kindNum}}},
		{"alnum", "4Dbling 2nd", []tk{{"4Dbling", kindWord}, {"2nd", kindWord}}},
		{"url", "see https://nhs.uk/x?y=1 now", []tk{{"see", kindWord}, {"https://nhs.uk/x?y=1", kindURL}, {"now", kindWord}}},
		{"www", "WWW.example.com", []tk{{"WWW.example.com", kindURL}}},
		{"mention hashtag", "@jen_22 #Leeds # x", []tk{{"@jen_22", kindMention}, {"#Leeds", kindHashtag}, {"#", kindPunct}, {"x", kindWord}}},
		{"unicode letters", "Zoë Siân Łódź", []tk{{"Zoë", kindWord}, {"Siân", kindWord}, {"Łódź", kindWord}}},
		{"combining mark", "Zoe\u0308 x", []tk{{"Zoe\u0308", kindWord}, {"x", kindWord}}},
		{"emoji", "ok😕👍🏽!", []tk{{"ok", kindWord}, {"😕", kindSym}, {"👍", kindSym}, {"🏽", kindSym}, {"!", kindPunct}}},
		{"invalid utf8", "a\xffb\xc3", []tk{{"a", kindWord}, {"\xff", kindSym}, {"b", kindWord}, {"\xc3", kindSym}}},
		{"nbsp", "a\u00a0b", []tk{{"a", kindWord}, {"b", kindWord}}},
		{"cjk", "東京 ok", []tk{{"東京", kindWord}, {"ok", kindWord}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokenize(tt.in, nil)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d tokens %v, want %d", len(got), texts(tt.in, got), len(tt.want))
			}
			for i, g := range got {
				if s := tt.in[g.start:g.end]; s != tt.want[i].text || g.kind != tt.want[i].kind {
					t.Errorf("token %d = %q kind %d, want %q kind %d", i, s, g.kind, tt.want[i].text, tt.want[i].kind)
				}
			}
		})
	}
}

func texts(s string, toks []token) []string {
	var out []string
	for _, t := range toks {
		out = append(out, s[t.start:t.end])
	}
	return out
}

func TestTokenizeSentStart(t *testing.T) {
	in := "Hi. I saw Jen\nThen Leeds! ok"
	want := map[string]bool{"Hi": true, ".": false, "I": true, "saw": false, "Jen": false, "Then": true, "Leeds": false, "!": false, "ok": true}
	for _, tk := range tokenize(in, nil) {
		if w := want[in[tk.start:tk.end]]; tk.sentStart != w {
			t.Errorf("%q: sentStart = %v, want %v", in[tk.start:tk.end], tk.sentStart, w)
		}
	}
}

// checkTokens asserts the tokenizer's invariants: ordered, non-empty,
// non-overlapping tokens on rune boundaries, never covering whitespace
// at their edges.
func checkTokens(t *testing.T, s string, toks []token) {
	t.Helper()
	prev := int32(0)
	for _, tk := range toks {
		if tk.start < prev || tk.end <= tk.start || int(tk.end) > len(s) {
			t.Fatalf("bad token [%d,%d) after %d in %d bytes", tk.start, tk.end, prev, len(s))
		}
		if !boundary(s, int(tk.start)) || !boundary(s, int(tk.end)) {
			t.Fatalf("token [%d,%d) not on rune boundaries", tk.start, tk.end)
		}
		prev = tk.end
	}
}

// boundary reports whether i is a rune boundary of s: the start of a
// valid rune, a stray byte, or the end.
func boundary(s string, i int) bool {
	if i == 0 || i == len(s) {
		return true
	}
	if utf8.RuneStart(s[i]) {
		return true
	}
	// Inside a multi-byte sequence only if that sequence is valid.
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if utf8.RuneStart(s[j]) {
			r, n := utf8.DecodeRuneInString(s[j:])
			return (r == utf8.RuneError && n == 1) || j+n <= i
		}
	}
	return true
}

func TestTokenizeInvariants(t *testing.T) {
	for _, s := range []string{"", "a", "'s", "'", "x-", "-x", "a'", "a's's", "@", "#", "http://", "\xff\xfe", "é\xcc", "12.", "1-a", "a--b", "\u2019s", "‐"} {
		checkTokens(t, s, tokenize(s, nil))
	}
}
