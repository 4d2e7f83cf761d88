package redact

import (
	"testing"
)

// TestConsistencyRoundTrip: a Consistency set aside and restored after
// every text numbers, dates and fakes exactly as one kept throughout.
func TestConsistencyRoundTrip(t *testing.T) {
	r := mustNew(t, Config{})
	subj := NewSubject(Known{GivenName: "Rebecca", FamilyName: "Smith", Contacts: []Contact{{Name: "Dave Jones"}}})
	texts := []string{
		"becky said dave was late on 3 March 2024",
		"Rebecca Smith and David met Priya in Leeds",
		"smith's mum and priya, then Leeds again, call 07700 900123",
	}
	for _, pol := range []Policy{
		{Default: Numbered},
		{Default: Surrogate, SurrogateKey: []byte("k")},
		{Default: Numbered, ByLabel: map[Label]Operator{Person: Surrogate, Date: Surrogate}, SurrogateKey: []byte("k")},
	} {
		kept := NewConsistency("p1")
		restored := NewConsistency("p1")
		if restored.Changed() {
			t.Fatal("new consistency has changed")
		}
		for i, tx := range texts {
			spans := r.Find(tx, subj)
			want := r.Apply(tx, spans, pol, kept)
			got := r.Apply(tx, spans, pol, restored)
			if got != want {
				t.Fatalf("%v text %d: restored %q, kept %q", pol.Default, i, got, want)
			}
			if !restored.Changed() {
				t.Errorf("%v text %d: new identifiers recorded, but not changed", pol.Default, i)
			}
			var err error
			if restored, err = ParseConsistency("p1", restored.AppendBinary(nil)); err != nil {
				t.Fatal(err)
			}
			if restored.Changed() {
				t.Errorf("%v text %d: changed on parsing", pol.Default, i)
			}
			// The same text again records nothing new: the pipeline then
			// need not store the state again.
			if again := r.Apply(tx, spans, pol, restored); again != want || restored.Changed() {
				t.Errorf("%v text %d again: changed %v, same output %v", pol.Default, i, restored.Changed(), again == want)
			}
		}
		if len(restored.AppendBinary(nil)) <= len(NewConsistency("p1").AppendBinary(nil)) {
			t.Errorf("%v: state lost", pol.Default)
		}
	}
	empty := NewConsistency("x").AppendBinary(nil)
	badLabel := append(append([]byte{}, empty[:len(empty)-1]...), 1, 1, 'w', 3, 'U', 'R', 'L') // a carried word that is no name or place
	for _, bad := range [][]byte{{0xff}, {5, 1, 2}, append(NewConsistency("x").AppendBinary(nil), 7), badLabel} {
		if _, err := ParseConsistency("x", bad); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

// TestConsistencyCarry: a rare word redacted in one of a patient's texts
// is redacted in the later ones, whether the Consistency was kept or set
// aside and restored between texts; a common word is not carried.
func TestConsistencyCarry(t *testing.T) {
	r := mustNew(t, Config{})
	texts := []string{
		"Wrzosek said the shift was fine, and Rose said yes.",
		"later i spoke to wrzosek about it",
		"a rose in the garden, the wrzosek rota",
		"nothing here",
	}
	if covered(texts[1], r.Find(texts[1], nil), "wrzosek") {
		t.Skip("recognizers alone now find the lower-case mention; pick a harder word")
	}
	kept := NewConsistency("p1")
	restored := NewConsistency("p1")
	for i, tx := range texts {
		spans, rare := r.FindCarry(tx, nil, nil)
		want := kept.Carry(tx, spans, rare)
		got := restored.Carry(tx, spans, rare)
		if describe(tx, got) != describe(tx, want) {
			t.Fatalf("text %d: restored %s, kept %s", i, describe(tx, got), describe(tx, want))
		}
		if i > 0 && i < 3 && !covered(tx, got, "wrzosek") {
			t.Errorf("text %d: learned word not carried: %s", i, describe(tx, got))
		}
		if i == 0 && !restored.Changed() {
			t.Errorf("text 0: a word learned, but not changed")
		}
		var err error
		if restored, err = ParseConsistency("p1", restored.AppendBinary(nil)); err != nil {
			t.Fatal(err)
		}
		if again := restored.Carry(tx, spans, rare); restored.Changed() || describe(tx, again) != describe(tx, want) {
			t.Errorf("text %d again: changed %v", i, restored.Changed())
		}
	}
	spans, rare := r.FindCarry(texts[2], nil, nil)
	if touched(texts[2], kept.Carry(texts[2], spans, rare), "rose") {
		t.Errorf("common word carried")
	}
	spans, rare = r.FindCarry(texts[3], nil, nil)
	if got := kept.Carry(texts[3], spans, rare); len(got) != 0 {
		t.Errorf("spans in a text without the word: %s", describe(texts[3], got))
	}
}
