package redact

import (
	"strings"
	"testing"
)

func TestFindRecordPropagates(t *testing.T) {
	r := mustNew(t, Config{})
	texts := []string{
		"Wrzosek said the shift was fine.",
		"later i spoke to wrzosek about it, and Rose said yes",
		"a rose in the garden, and the wrzosek rota",
		"nothing here",
	}
	got := r.FindRecord(texts, nil)
	if !covered(texts[0], got[0], "Wrzosek") {
		t.Fatalf("first mention not found: %s", describe(texts[0], got[0]))
	}
	// Without propagation the lower-case mention is missed: the test
	// checks the rule, not the recognizers.
	if covered(texts[1], r.Find(texts[1], nil), "wrzosek") {
		t.Skip("recognizers alone now find the lower-case mention; pick a harder word")
	}
	for i := 1; i <= 2; i++ {
		if !covered(texts[i], got[i], "wrzosek") {
			t.Errorf("text %d: learned word not carried: %s", i, describe(texts[i], got[i]))
		}
	}
	// A common word that was a name once is not carried.
	if touched(texts[2], got[2], "rose") {
		t.Errorf("common word carried: %s", describe(texts[2], got[2]))
	}
	if len(got[3]) != 0 {
		t.Errorf("spans in a text without the word: %s", describe(texts[3], got[3]))
	}
}

func TestPropagationSkipsSafeAndCommon(t *testing.T) {
	p := NewPropagation()
	text := "Netflix and Leeds and Grace"
	p.Learn(text, []Span{{Start: 0, End: 7, Label: Person}, {Start: 12, End: 17, Label: Location}, {Start: 22, End: 27, Label: Person}})
	if p.Len() != 1 {
		t.Fatalf("learned %d words, want 1 (leeds only)", p.Len())
	}
	other := "netflix in leeds with grace"
	spans := p.Apply(other, nil)
	if !covered(other, spans, "leeds") || touched(other, spans, "netflix") || touched(other, spans, "grace") {
		t.Errorf("apply: %s", describe(other, spans))
	}
}

// Find carries a text's rare words within it: the extract redacts each
// text on its own and gets this too.
func TestFindPropagatesWithin(t *testing.T) {
	r := mustNew(t, Config{})
	text := "Wrzosek said the shift was fine. later i spoke to wrzosek about it; a rose, and Rose said yes"
	if got := r.Find("later i spoke to wrzosek about it", nil); covered("later i spoke to wrzosek about it", got, "wrzosek") {
		t.Skip("recognizers alone now find the lower-case mention; pick a harder word")
	}
	got := r.Find(text, nil)
	if !covered(text, got, "Wrzosek") || !covered(text, got, "wrzosek") {
		t.Errorf("not carried within the text: %s", describe(text, got))
	}
	if touched(text, got, "a rose") {
		t.Errorf("common word carried: %s", describe(text, got))
	}
}

// A capitalised part of a full name that is also an everyday word is
// carried within the text to another capitalised mid-sentence mention,
// never to the word in lower case or at a sentence start.
func TestFindPropagatesNameParts(t *testing.T) {
	r := mustNew(t, Config{NER: fakePersonNER{"Anne Black"}})
	text := "The report by Professor Anne Black was out. According to it, Black found no fraud. Black cats, a black dog."
	got := r.Find(text, nil)
	if k := strings.Index(text, "Black found"); !covered(text[k:k+5], shift(got, k), "Black") {
		t.Errorf("second mention not carried: %s", describe(text, got))
	}
	if touched(text, got, "Black cats") || touched(text, got, "black dog") {
		t.Errorf("carried to a sentence start or a lower-case word: %s", describe(text, got))
	}
}

// shift returns spans moved k bytes left, for checking one occurrence of
// a word with covered.
func shift(spans []Span, k int) []Span {
	out := make([]Span, len(spans))
	for i, s := range spans {
		out[i] = Span{Start: s.Start - k, End: s.End - k, Label: s.Label}
	}
	return out
}
