package ner

import (
	"slices"
	"strings"
	"testing"
)

// referenceEmissions is the uncached computation: every token's features
// (scratch.features) looked up and summed one by one.
func referenceEmissions(m *Model, s *scratch, caseMode uint8) []float32 {
	n := len(s.info)
	out := make([]float32, n*nTags)
	for i := 0; i < n; i++ {
		e := out[i*nTags : i*nTags+nTags]
		if !taggable(s.info[i].kind) {
			e[0], e[1], e[2], e[3], e[4] = 0, negInf, negInf, negInf, negInf
			continue
		}
		var a [nTags]int32
		m.addWeights(&a, s.features(i, caseMode, nil))
		sc := m.scale
		e[0], e[1], e[2], e[3], e[4] = float32(float32(a[0])*sc)-m.oBias, float32(a[1])*sc, float32(a[2])*sc, float32(a[3])*sc, float32(a[4])*sc
	}
	return out
}

// TestWordCacheSameScores checks that tagging through the word and pair
// caches gives exactly the scores of the uncached sum, on a cold cache, a
// warm one, after evictions (a tiny slot table shared by many words), with
// the caches off and with tokens whose flags a multi-word lexicon entry
// changed.
func TestWordCacheSameScores(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := append(dialogueTurns(t),
		"",
		"new york new york NEW YORK New York",
		"I moved from St Helens to Milton Keynes then Stoke-on-Trent.",
		"DAVE SAID HE WOULD RING ME FROM LEEDS",
		"mary-jane and-and i-i went to baden-baden with @dawn_rowe #leeds",
		"Ms. Conceição Nguyễn Thị Hồng saw Dr Yefremova at 10am, 14/05.",
		"a "+strings.Repeat("x", maxCachedWord+1)+" "+strings.Repeat("y", maxCachedWord)+" word",
		"\u201cSo,\u201d said Becky. So said becky. SO SAID BECKY.",
	)
	for _, bits := range []uint{0, 2, wordCacheBits, 99} {
		s := &scratch{}
		// A table smaller than the model's makes slots collide and
		// evict one another within a text; 99 turns the caches off.
		if bits != 99 {
			s.words = newWordCache(bits)
			s.pairs = newPairCache(bits)
		}
		for round := range 2 {
			for _, text := range texts {
				cm := s.prepare(text, m.lex)
				if len(s.info) == 0 {
					continue
				}
				want := referenceEmissions(m, s, cm)
				m.emissions(s, cm)
				if !slices.Equal(s.emit, want) {
					t.Fatalf("table of %d slots, round %d, text %q: cached emissions differ", 1<<bits, round, text)
				}
			}
		}
	}
}

// TestPhraseCacheSameFlags checks that multi-token lexicon matching
// through the phrase cache marks exactly the tokens and flags the table
// alone marks, with slots colliding (one and four slots) and reused
// across texts.
func TestPhraseCacheSameFlags(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := append(dialogueTurns(t),
		"new york new york NEW YORK New York new zealand new forest new",
		"I moved from St Helens to Milton Keynes then Stoke on Trent, then west yorkshire.",
		"north east lincolnshire and the north east and north of the border",
	)
	plain := &scratch{}
	for _, bits := range []uint{0, 2, phraseCacheBits} {
		s := &scratch{phrases: newPhraseCache(bits)}
		for round := range 2 {
			for _, text := range texts {
				plain.prepare(text, m.lex)
				s.prepare(text, m.lex)
				for i := range plain.info {
					if s.info[i].flags != plain.info[i].flags {
						t.Fatalf("%d slots, round %d, %q token %d: flags %b, want %b", 1<<bits, round, text, i, s.info[i].flags, plain.info[i].flags)
					}
				}
			}
		}
	}
}
