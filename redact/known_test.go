package redact

import "testing"

var testKnown = Known{
	GivenName: "Rebecca", FamilyName: "Smith-Jones", PreferredName: "Becky",
	Contacts:     []Contact{{Name: "David O'Brien", Relationship: "partner"}, {Name: "Grace Hill", Relationship: "friend"}},
	AddressLines: []string{"Flat 2", "12 Acacia Avenue", "Headingley", "Leeds"},
	Postcode:     "ls6 2ab", Phone: "+44 7700 900123", Email: "Becky.SJ@example.com", NHSNumber: "485 777 3456",
	GPPractice: "Oakwood Medical Centre", GPName: "Dr Priya Patel", TherapistName: "Sam Green", TherapistNames: []string{"Joanne Taylor"},
}

func TestKnownRecognizer(t *testing.T) {
	subj := NewSubject(testKnown)
	runCases(t, NewKnownRecognizer(), subj, []caseT{
		{text: "hi im rebecca", want: []string{"rebecca"}, label: Person},
		{text: "becky's mum called, BECCA and becs and bex too", want: []string{"becky", "BECCA", "becs", "bex"}, not: []string{"mum"}},
		{text: "Rebcca Smith-Jones here", want: []string{"Rebcca", "Smith-Jones"}},             // one-edit typo, hyphenated family name
		{text: "Rebeca came", want: []string{"Rebeca"}},                                        // deletion
		{text: "the smiths and the joness", want: []string{"smiths"}},                          // plural/possessive without apostrophe
		{text: "i'm in a hurry", not: []string{"hurry"}},                                       // English word one edit from nothing known
		{text: "dave and davey and david said", want: []string{"dave", "davey", "david"}},      // contact's nicknames
		{text: "obrien or o'brien or O’Brien", want: []string{"obrien", "o'brien", "O’Brien"}}, // apostrophes
		{text: "grace said hi", want: []string{"grace"}},                                       // a known name that is a word: fail closed
		{text: "i live at 12 acacia avenue, headingley", want: []string{"12 acacia avenue", "headingley"}, label: Location},
		{text: "acacia ave is nice", want: []string{"acacia ave"}},
		{text: "leeds is grey", want: []string{"leeds"}},
		{text: "postcode LS6 2AB or ls62ab or Ls6  2aB, district ls6", want: []string{"LS6 2AB", "ls62ab", "Ls6  2aB", "ls6"}, label: Postcode},
		{text: "ring 07700900123 or 07700 900 123 or +44 (0)7700-900-123 or 0044 7700 900123", want: []string{"07700900123", "07700 900 123", "+44 (0)7700-900-123", "0044 7700 900123"}, label: Phone},
		{text: "nhs 4857773456 and 485-777-3456 and 4 8 5 7 7 7 3 4 5 6", want: []string{"4857773456", "485-777-3456", "4 8 5 7 7 7 3 4 5 6"}, label: NHSNumber},
		{text: "mail becky.sj@EXAMPLE.com now", want: []string{"becky.sj@EXAMPLE.com"}, label: Email},
		{text: "saw Dr Patel at oakwood about priya", want: []string{"Patel", "oakwood", "priya"}, not: []string{"Dr"}},
		{text: "Oakwood Medical Centre rang", want: []string{"Oakwood Medical Centre"}, label: Location},
		{text: "sam and jo and joanne and taylor", want: []string{"sam", "jo", "joanne", "taylor"}},
		{text: "i don't know", not: []string{"don"}},
	})
}

func TestKnownNicknameDirection(t *testing.T) {
	// From a formal name every short form is the patient (fail closed)...
	w := NewSubject(Known{GivenName: "William"})
	runCases(t, NewKnownRecognizer(), w, []caseT{{text: "will and bill and liam", want: []string{"will", "bill", "liam"}}})
	// ...but from a short form, sibling short forms that are everyday
	// words are not: Liam's "will" is the verb.
	l := NewSubject(Known{GivenName: "Liam"})
	runCases(t, NewKnownRecognizer(), l, []caseT{{text: "liam said william will come", want: []string{"liam", "william"}, not: []string{"will come"}}})
}

func TestKnownNilAndEmpty(t *testing.T) {
	r := NewKnownRecognizer()
	if got := r.Find(nil, "rebecca smith", nil); len(got) != 0 {
		t.Errorf("nil subject found %v", got)
	}
	if got := r.Find(nil, "rebecca smith", NewSubject(Known{})); len(got) != 0 {
		t.Errorf("empty subject found %v", got)
	}
}

func TestWithinOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"rebecca", "rebecca", true}, {"rebeca", "rebecca", true}, {"rebbecca", "rebecca", true},
		{"rebecac", "rebecca", true}, {"rebexca", "rebecca", true}, {"rbeecca", "rebecca", true},
		{"rebbeca", "rebecca", false}, {"hurry", "harry", true}, {"becky", "rebecca", false}, {"", "a", true},
	} {
		if got := withinOneEdit([]byte(c.a), c.b); got != c.want {
			t.Errorf("withinOneEdit(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
