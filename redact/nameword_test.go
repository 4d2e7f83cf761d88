package redact

import "testing"

func TestNameUsedAsWord(t *testing.T) {
	subj := NewSubject(Known{GivenName: "Mo", FamilyName: "Lamb", Contacts: []Contact{{Name: "Ada Day"}}})
	tests := []struct {
		text, w string
		want    bool
	}{
		{"twice a day", "day", true},
		{"half a mo and a typical day", "mo", true},
		{"went out with Day", "day", false},
		{"twice a day, then day said no", "day", false},
		{"mo lamb rang", "mo", false},
		{"half a mo said", "mo", false},
		{"no such word here", "day", false},
		{"a dawn walk", "dawn", false}, // longer names are never left as words
	}
	for _, tt := range tests {
		if got := NameUsedAsWord(tt.text, tt.w, subj); got != tt.want {
			t.Errorf("NameUsedAsWord(%q, %q) = %v, want %v", tt.text, tt.w, got, tt.want)
		}
	}
	if NameUsedAsWord("twice a day", "day", nil) {
		t.Error("no subject: want false")
	}
}
