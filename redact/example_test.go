package redact_test

import (
	"fmt"

	"github.com/nhs-talking-therapies/deid/redact"
)

// A Redactor finds identifiers with every recognizer (here without NER),
// and Apply replaces them: a Subject carries the patient's own identifiers
// from the structured record, a Consistency keeps each placeholder's number
// across that patient's texts.
func Example() {
	r, err := redact.New(redact.Config{})
	if err != nil {
		panic(err)
	}
	subj := redact.NewSubject(redact.Known{GivenName: "Dawn", FamilyName: "Whitmore", Postcode: "CB4 1DF"})
	cons := redact.NewConsistency("patient-1")
	for _, text := range []string{
		"dawn said she moved to CB4 1DF last spring",
		"Dawn's sister rang on 07700 900123",
	} {
		spans := r.Find(text, subj)
		fmt.Println(r.Apply(text, spans, redact.Policy{Default: redact.Numbered}, cons))
	}
	// Output:
	// [PERSON_1] said she moved to [POSTCODE_1] last spring
	// [PERSON_1]'s sister rang on [PHONE_1]
}

// Find returns merged spans: byte offsets into the text, sorted, with the
// label and the recognizer that found each.
func ExampleRedactor_Find() {
	r, err := redact.New(redact.Config{Labels: []redact.Label{redact.Email, redact.NHSNumber}})
	if err != nil {
		panic(err)
	}
	text := "email me at jo@example.org, NHS no 943 476 5919"
	for _, s := range r.Find(text, nil) {
		fmt.Printf("%d-%d %s %q (%s)\n", s.Start, s.End, s.Label, text[s.Start:s.End], s.Source)
	}
	// Output:
	// 12-26 EMAIL "jo@example.org" (pattern)
	// 35-47 NHS_NUMBER "943 476 5919" (pattern)
}

// New refuses a label it does not know, so a misspelt profile cannot
// silently redact less.
func ExampleNew() {
	_, err := redact.New(redact.Config{Labels: []redact.Label{"PERSONS"}})
	fmt.Println(err)
	// Output:
	// redact: unknown label "PERSONS"
}

// Apply replaces spans by the policy's operator for their label (the
// default: a typed placeholder); with no Consistency, numbering and
// surrogates hold within the one text.
func ExampleApply() {
	text := "call Sam on 01632 960001 or Sam's work"
	spans := []redact.Span{
		{Start: 5, End: 8, Label: redact.Person},
		{Start: 12, End: 24, Label: redact.Phone},
		{Start: 28, End: 31, Label: redact.Person},
	}
	fmt.Println(redact.Apply(text, spans, redact.Policy{}, nil))
	fmt.Println(redact.Apply(text, spans, redact.Policy{Default: redact.Numbered}, nil))
	// Output:
	// call [PERSON] on [PHONE] or [PERSON]'s work
	// call [PERSON_1] on [PHONE_1] or [PERSON_1]'s work
}
