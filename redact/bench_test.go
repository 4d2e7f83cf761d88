package redact

import (
	"strings"
	"testing"
)

// benchDialogue is conversational therapy text with a realistic density of
// identifiers: mostly ordinary words, some names, places, dates, numbers.
const benchDialogue = `i've been feeling really low this week, honestly. my sister becky came round on tuesday and we went to the park but i couldn't enjoy it.
That sounds hard. What did you notice about your thoughts while you were out with Becky?
mostly that everyone was looking at me. then dave texted to say he can't make the 3rd march appointment at Oakwood Surgery.
OK. Let's look at that thought record from last session. You scored 14 on the PHQ-9, which is a little lower than before.
yeah i did it most days. i moved to leeds in 2019 and i still don't know anyone except my friend xanthe from work.
It might help to plan one small activity for the weekend, maybe a walk round Roundhay Park or a coffee with your mum?
i will try. grace period on the rent ends friday so money is on my mind. you can call me on 07700 900123 if that's easier.
Thanks. I'll send the worksheet to becky.smith@example.com and we'll review it at 10am next Thursday.
`

func benchRedactor(b *testing.B) (*Redactor, *Subject, string) {
	r, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	subj := NewSubject(Known{GivenName: "Rebecca", FamilyName: "Smith", PreferredName: "Becky", Phone: "07700 900123",
		NHSNumber: "485 777 3456", Postcode: "LS6 2AB", AddressLines: []string{"12 Acacia Avenue", "Headingley", "Leeds"},
		Email: "becky.smith@example.com", GPPractice: "Oakwood Surgery", GPName: "Dr Priya Patel",
		Contacts: []Contact{{Name: "Dave Jones", Relationship: "partner"}}, TherapistName: "Sam Green"})
	return r, subj, strings.Repeat(benchDialogue, 4)
}

// BenchmarkFind measures the full recognizer set without NER (known
// identifiers, patterns, gazetteers and context) on dialogue text.
func BenchmarkFind(b *testing.B) {
	r, subj, text := benchRedactor(b)
	r.Find(text, subj) // tables built outside the timing
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Find(text, subj)
	}
}

// BenchmarkFindTurns is the same text one dialogue turn at a time, the way
// transcripts arrive.
func BenchmarkFindTurns(b *testing.B) {
	r, subj, text := benchRedactor(b)
	turns := strings.Split(strings.TrimSpace(text), "\n")
	r.Find(text, subj)
	b.SetBytes(int64(len(text) - len(turns)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, t := range turns {
			r.Find(t, subj)
		}
	}
}

// BenchmarkApplyNumbered measures replacement with consistent numbering.
func BenchmarkApplyNumbered(b *testing.B) {
	r, subj, text := benchRedactor(b)
	spans := r.Find(text, subj)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		r.Apply(text, spans, Policy{Default: Numbered}, NewConsistency("p"))
	}
}

func BenchmarkNewSubject(b *testing.B) {
	k := Known{GivenName: "Rebecca", FamilyName: "Smith", PreferredName: "Becky", Phone: "07700 900123",
		AddressLines: []string{"12 Acacia Avenue", "Headingley", "Leeds"}, Contacts: []Contact{{Name: "Dave Jones"}}}
	NewSubject(k)
	b.ReportAllocs()
	for b.Loop() {
		NewSubject(k)
	}
}
