package pipeline

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact"
)

func TestPackKnownRoundTrip(t *testing.T) {
	for _, k := range []redact.Known{
		{},
		{GivenName: "Ida", FamilyName: "Poole", PreferredName: "Id", Postcode: "WF9 0PJ", Phone: "07700 900136",
			Email: "ida@example.org", NHSNumber: "999 802 6407", GPPractice: "Rose Crescent Health Centre", GPName: "Dr Doherty",
			AddressLines: []string{"13 Rose Crescent", "", "Pontefract"},
			Contacts:     []redact.Contact{{Name: "Maria Poole", Relationship: "mother"}, {Name: "Sam"}}},
		{FamilyName: strings.Repeat("é", 300), AddressLines: []string{strings.Repeat("x", 1000)}},
	} {
		if got := unpackKnown(packKnown(k)); !reflect.DeepEqual(got, k) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, k)
		}
	}
}

func TestSeenTurn(t *testing.T) {
	x := &extractor{moreTurns: map[*sessionState][]uint64{}}
	s := &sessionState{}
	for _, tc := range []struct {
		turn int
		seen bool
	}{{0, false}, {1, false}, {1, true}, {63, false}, {64, false}, {127, false}, {127, true}, {128, false}, {5000, false}, {5000, true}, {64, true}, {1<<20 + 1, false}, {1<<20 + 1, false}} {
		if got := x.seenTurn(s, tc.turn); got != tc.seen {
			t.Errorf("turn %d: seen %v, want %v", tc.turn, got, tc.seen)
		}
	}
}
