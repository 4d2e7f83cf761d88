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
	for _, bad := range [][]byte{{0xff}, {5, 1, 2}, append(NewConsistency("x").AppendBinary(nil), 7)} {
		if _, err := ParseConsistency("x", bad); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}
