package redact

import "testing"

// TestShortLexiconMatchesMap holds the array of short words to the
// lexicon map it copies: every lexicon key of one to three letters a-z
// reads the same entry from both, and every other short word reads zero.
func TestShortLexiconMatchesMap(t *testing.T) {
	tb := getTables()
	seen := 0
	for w, e := range tb.lex {
		if x := shortIndex([]byte(w)); x >= 0 {
			seen++
			if tb.short[x] != e {
				t.Errorf("short[%q] = %+v, lex has %+v", w, tb.short[x], e)
			}
		}
	}
	nonzero := 0
	for _, e := range tb.short {
		if e != (lexEntry{}) {
			nonzero++
		}
	}
	if seen == 0 || nonzero > seen {
		t.Errorf("short words: %d in lex, %d non-zero in the array", seen, nonzero)
	}
	for _, tc := range []struct {
		w    string
		want int
	}{{"", -1}, {"a", 27*0 + 1}, {"z", 26}, {"aa", 28}, {"the", 20*729 + 8*27 + 5}, {"four", -1}, {"A", -1}, {"é", -1}, {"a1", -1}} {
		if got := shortIndex([]byte(tc.w)); got != tc.want {
			t.Errorf("shortIndex(%q) = %d, want %d", tc.w, got, tc.want)
		}
	}
}
