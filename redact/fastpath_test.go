package redact

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact/textnorm"
)

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

// TestNormalKnownMatchesString holds normalKnown's one shared Folder to
// textnorm.String field by field, with folded and plain values in turn so
// that state left by one field would show in the next.
func TestNormalKnownMatchesString(t *testing.T) {
	vals := []string{"D&amp;#97;wn", "Smith", "Ｊｏｈｎ", "", "Ren\u00c3\u00a9e", "D%2561wn", "O\u200bBrien", "ﬁona", "plain text"}
	for i := range vals {
		r := func(k int) string { return vals[(i+k)%len(vals)] }
		k := Known{GivenName: r(0), FamilyName: r(1), PreferredName: r(2), Postcode: r(3), Phone: r(4), Email: r(5),
			NHSNumber: r(6), GPPractice: r(7), GPName: r(8), TherapistName: r(1),
			Contacts: []Contact{{Name: r(2)}, {Name: r(3)}}, AddressLines: []string{r(4), r(5)}, TherapistNames: []string{r(6)}}
		got := normalKnown(k)
		s := textnorm.String
		want := Known{GivenName: s(k.GivenName), FamilyName: s(k.FamilyName), PreferredName: s(k.PreferredName), Postcode: s(k.Postcode),
			Phone: s(k.Phone), Email: s(k.Email), NHSNumber: s(k.NHSNumber), GPPractice: s(k.GPPractice), GPName: s(k.GPName),
			TherapistName: s(k.TherapistName), Contacts: []Contact{{Name: s(r(2))}, {Name: s(r(3))}},
			AddressLines: []string{s(r(4)), s(r(5))}, TherapistNames: []string{s(r(6))}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("rotation %d: normalKnown = %+v, want %+v", i, got, want)
		}
	}
}

// TestLexCacheSameEntries checks that the scan's lexicon cache answers
// exactly as the lexicon map, for words in it and not, long words, and
// after the many collisions and evictions of more words than slots.
func TestLexCacheSameEntries(t *testing.T) {
	tb := getTables()
	words := make([]string, 0, 3<<lexCacheBits)
	for w := range tb.lex {
		if len(words) == cap(words)-4 {
			break
		}
		words = append(words, w)
	}
	slices.Sort(words)
	words = append(words, "zzqxnotaword", strings.Repeat("a", maxLexCached), strings.Repeat("b", maxLexCached+1), "leeds")
	var c lexCache
	for round := range 3 {
		for _, w := range words {
			if got, want := c.get(tb, []byte(w)), tb.lex[w]; got != want {
				t.Fatalf("round %d, %q: cache gives %+v, lexicon %+v", round, w, got, want)
			}
		}
	}
}

// TestLexCacheSameFacts checks that the word facts the lexicon cache
// remembers (world-list bits, name typos, place phrases) are those
// computed afresh, for words that fill, hit and evict slots, with the
// scan reused across texts as the pool reuses it.
func TestLexCacheSameFacts(t *testing.T) {
	tb := getTables()
	var firsts []string
	for w := range tb.placeN2 {
		firsts = append(firsts, w)
	}
	slices.Sort(firsts)
	var texts []string
	for i, w := range firsts {
		if i%7 != 0 {
			continue
		}
		for next := range tb.placeN2[w] {
			texts = append(texts, w+" "+next, w+" zzqx")
			break
		}
	}
	texts = append(texts, "jonathon lives", "samanthaa said", "calgary then", "paris texas", "smith", "leeds road")
	sc := &scan{}
	for round := range 2 {
		for _, text := range texts {
			sc.reset(text)
			sc.lexicon(tb)
			w := string(sc.lw(0))
			if got, want := tb.world(sc, 0), tb.worldBits([]byte(w)); got != want {
				t.Fatalf("round %d, %q: world bits %b, want %b", round, text, got, want)
			}
			if got, want := tb.nameTypoAt(sc, 0), tb.nameTypo([]byte(w), nil); got != want {
				t.Fatalf("round %d, %q: name typo %v, want %v", round, text, got, want)
			}
			var want []placePhrase
			if sc.has(0, bPhrase) && sc.joined(0) {
				want = tb.placeN2[w][string(sc.lw(1))]
			}
			if got := tb.phrasesAt(sc, 0); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %q: phrases %v, want %v", round, text, got, want)
			}
		}
	}
}

// TestSubjectFilter checks the Bloom filter in front of a Subject's
// phrase map: every key passes it (a key filtered out would be a name
// missed), and it keeps out nearly every other word.
func TestSubjectFilter(t *testing.T) {
	for _, k := range []Known{
		{GivenName: "Rebecca", FamilyName: "Smith-Jones", PreferredName: "Becky", AddressLines: []string{"12 Acacia Avenue", "Headingley", "Leeds"},
			Postcode: "LS6 2AB", Email: "becky.smith@example.com", GPPractice: "Oakwood Surgery", GPName: "Dr Priya Patel",
			Contacts: []Contact{{Name: "Dave O'Neill"}, {Name: "Zoë Ó Briain"}}, TherapistName: "Sam Green", TherapistNames: []string{"Ngozi Okonkwo-Adeyemi"}},
		{GivenName: "Nguyễn Thị", FamilyName: "Hồng", AddressLines: []string{"Flat 3", "Via Franscini 71"}, Postcode: "GIR 0AA"},
		{GivenName: "Jo"},
	} {
		s := NewSubject(k)
		if len(s.phrases) == 0 {
			t.Fatalf("%s: no phrases", k.GivenName)
		}
		for key := range s.phrases {
			if !s.mayStart([]byte(key)) {
				t.Errorf("%s: phrase key %q filtered out", k.GivenName, key)
			}
		}
	}
	s := NewSubject(Known{GivenName: "Rebecca", FamilyName: "Smith", AddressLines: []string{"12 Acacia Avenue", "Headingley", "Leeds"}})
	pass := 0
	words := strings.Fields(strings.ToLower(benchDialogue + readDialogue(t)))
	for _, w := range words {
		if _, ok := s.phrases[w]; !ok && s.mayStart([]byte(w)) {
			pass++
		}
	}
	if pass*50 > len(words) {
		t.Errorf("%d of %d other words pass the filter", pass, len(words))
	}
}

func readDialogue(t *testing.T) string {
	b, err := os.ReadFile("ner/testdata/dialogue.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
