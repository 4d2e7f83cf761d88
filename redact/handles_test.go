package redact

import "testing"

// Social-media handles name a person: @-mentions in every spacing chat and
// tokenised corpora use, and underscore user names without the "@"; "@"
// meaning "at" and e-mail addresses are not mentions.
func TestPatternHandles(t *testing.T) {
	runCases(t, NewPatternRecognizer(), nil, []caseT{
		{text: "thanks @KimKardashian!", want: []string{"KimKardashian"}, label: Person, not: []string{"@", "!"}},
		{text: "via @meg_librarian & @judge.sarah.", want: []string{"meg_librarian", "judge.sarah"}, label: Person},
		{text: "RT @ G_Higuain : gol", want: []string{"G_Higuain"}, label: Person},
		{text: "cc @ BlackKimK and @ judgesarah", want: []string{"BlackKimK", "judgesarah"}, label: Person},
		{text: "my insta is jess_xo_99 and _mrs_b", want: []string{"jess_xo_99", "_mrs_b"}, label: Person},
		{text: "@_I_Alanoud_ hi", want: []string{"_I_Alanoud_"}, label: Person},
		{text: "meet @ home @ 5pm, @5pm or @3rd, me@home, jo@ex.com", not: []string{"home", "5pm", "3rd", "me"}},
		{text: "sign here ____ or [NAME]___ please", not: []string{"____", "NAME"}},
		{text: "see @ the gym @ 10", not: []string{"the", "gym", "10"}},
	})
}
