package redact

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/redact/ner"
)

func TestMerge(t *testing.T) {
	text := "Becky Smith lives in Leeds LS6 2AB"
	for _, c := range []struct {
		name string
		in   []Span
		want []Span
	}{
		{"empty", nil, []Span{}},
		{"sorted and kept", []Span{{Start: 21, End: 26, Label: Location}, {Start: 0, End: 5, Label: Person}},
			[]Span{{Start: 0, End: 5, Label: Person}, {Start: 21, End: 26, Label: Location}}},
		{"adjacent same label merge over a space", []Span{{Start: 0, End: 5, Label: Person, Source: srcKnown, Score: 1}, {Start: 6, End: 11, Label: Person, Source: srcGazetteer, Score: 0.5}},
			[]Span{{Start: 0, End: 11, Label: Person, Source: srcKnown, Score: 1}}},
		{"adjacent different labels stay apart", []Span{{Start: 21, End: 26, Label: Location}, {Start: 27, End: 34, Label: Postcode}},
			[]Span{{Start: 21, End: 26, Label: Location}, {Start: 27, End: 34, Label: Postcode}}},
		{"overlap: higher score wins the label", []Span{{Start: 21, End: 26, Label: Person, Source: srcGazetteer, Score: 0.5}, {Start: 21, End: 30, Label: Location, Source: srcContext, Score: 0.7}},
			[]Span{{Start: 21, End: 30, Label: Location, Source: srcContext, Score: 0.7}}},
		{"overlap: equal score, source rank breaks the tie", []Span{{Start: 0, End: 5, Label: Location, Source: srcNER, Score: 0.7}, {Start: 0, End: 5, Label: Person, Source: srcContext, Score: 0.7}},
			[]Span{{Start: 0, End: 5, Label: Person, Source: srcContext, Score: 0.7}}},
		{"longer span wins a score tie", []Span{{Start: 0, End: 5, Label: Date, Source: srcPattern, Score: 1}, {Start: 2, End: 8, Label: Person, Source: srcKnown, Score: 1}},
			[]Span{{Start: 0, End: 8, Label: Person, Source: srcKnown, Score: 1}}},
		{"clamped and empty dropped", []Span{{Start: -3, End: 2, Label: Person}, {Start: 30, End: 99, Label: Postcode}, {Start: 5, End: 5, Label: ID}},
			[]Span{{Start: 0, End: 2, Label: Person}, {Start: 30, End: 34, Label: Postcode}}},
		{"refs of one entity combine", []Span{{Start: 0, End: 5, Label: Person, Source: srcKnown, Score: 1, Ref: "self.given"}, {Start: 6, End: 11, Label: Person, Source: srcKnown, Score: 1, Ref: "self.family"}},
			[]Span{{Start: 0, End: 11, Label: Person, Source: srcKnown, Score: 1, Ref: "self"}}},
	} {
		got := Merge(text, slices.Clone(c.in))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: Merge = %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestMergeRuneBoundaries(t *testing.T) {
	text := "zoë\xffé"
	got := Merge(text, []Span{{Start: 3, End: 4, Label: Person}, {Start: 6, End: 6, Label: ID}})
	for _, s := range got {
		if !validBoundary(text, s.Start) || !validBoundary(text, s.End) {
			t.Errorf("span %+v not on rune boundaries", s)
		}
	}
	if len(got) != 1 || got[0].Start != 2 || got[0].End != 4 {
		t.Errorf("Merge = %+v, want [2,4)", got)
	}
}

// validBoundary reports whether decoding from the start reaches i.
func validBoundary(s string, i int) bool {
	p := 0
	for p < i {
		_, n := utf8.DecodeRuneInString(s[p:])
		p += n
	}
	return p == i
}

func TestRedactorFindLabelsAndInvariants(t *testing.T) {
	text := "Becky Smith, 07700 900123, moved to Leeds on 3rd March 2023 (nhs 943 476 5919)."
	subj := NewSubject(Known{GivenName: "Rebecca", PreferredName: "Becky", FamilyName: "Smith"})
	all := mustNew(t, Config{})
	spans := all.Find(text, subj)
	for _, w := range []string{"Becky Smith", "07700 900123", "Leeds", "3rd March 2023", "943 476 5919"} {
		if !covered(text, spans, w) {
			t.Errorf("%q not covered: %s", w, describe(text, spans))
		}
	}
	for i, s := range spans {
		if s.Start >= s.End || (i > 0 && spans[i-1].End > s.Start) {
			t.Errorf("spans not sorted and disjoint: %s", describe(text, spans))
		}
	}
	only := mustNew(t, Config{Labels: []Label{Phone, NHSNumber}})
	for _, s := range only.Find(text, subj) {
		if s.Label != Phone && s.Label != NHSNumber {
			t.Errorf("label %s returned, not configured", s.Label)
		}
	}
	if _, err := New(Config{Labels: []Label{"SHOE_SIZE"}}); err == nil {
		t.Error("unknown label accepted")
	}
	if got := all.Find("", subj); len(got) != 0 {
		t.Errorf("empty text gave %v", got)
	}
}

func TestInitials(t *testing.T) {
	r := mustNew(t, Config{})
	subj := NewSubject(Known{GivenName: "Rebecca", FamilyName: "Smith"})
	for _, c := range []struct{ text, want string }{
		{"signed R. Smith", "R. Smith"}, {"from R Smith today", "R Smith"},
	} {
		if sp := r.Find(c.text, subj); !covered(c.text, sp, c.want) {
			t.Errorf("%q: %q not covered: %s", c.text, c.want, describe(c.text, sp))
		}
	}
	text := "I Smith and A Smith"
	sp := r.Find(text, subj)
	if touched(text, sp, "I ") {
		t.Errorf("pronoun I taken as an initial: %s", describe(text, sp))
	}
}

// A place carries over the list it opens; everyday words and names in
// the next slot do not.
func TestPlaceLists(t *testing.T) {
	r := mustNew(t, Config{NER: phraseNER{"calgary", "Bolton"}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "went to calgary then everton and back", want: []string{"calgary", "everton"}},
		{text: "we drove calgary, wakefield & st helens", want: []string{"wakefield", "st helens"}},
		{text: "we were in calgary, reading is fun there", want: []string{"calgary"}, not: []string{"reading"}},
		{text: "from Bolton and Dave came too", want: []string{"Bolton"}, not: []string{"and"}},
	})
}

// A North American state or province code after a place is part of it;
// codes that are words in capitals, or letters after a clinician's name,
// are not taken after a name or without the comma.
func TestStateAfterPlace(t *testing.T) {
	places := mustNew(t, Config{NER: phraseNER{"Austin", "Wichita", "Tulsa", "Leeds"}})
	people := mustNew(t, Config{NER: fakePersonNER{"Jane Doe", "Sarah", "Austin"}})
	runCases(t, whole{places}, nil, []caseT{
		{text: "live from Austin, TX tonight", want: []string{"Austin, TX"}, not: []string{"tonight"}},
		{text: "moving to Wichita KS in May", want: []string{"Wichita KS"}},
		{text: "Tulsa, OK was hot", want: []string{"Tulsa, OK"}},
		{text: "Leeds OK then", want: []string{"Leeds"}, not: []string{"OK"}},
		{text: "Austin, TXT me", want: []string{"Austin"}, not: []string{"TXT"}},
	})
	runCases(t, whole{people}, nil, []caseT{
		{text: "from Austin, TX", want: []string{"Austin, TX"}},
		{text: "seen by Jane Doe, MD today", want: []string{"Jane Doe"}, not: []string{"MD"}},
		{text: "I met Sarah, OK?", want: []string{"Sarah"}, not: []string{"OK"}},
		{text: "Sarah NY", want: []string{"Sarah"}, not: []string{"NY"}},
	})
}

// A place found by any recognizer takes the numbers, units, postcode and
// code of the address written around it; a date, a year, an ordinal, a
// count and another label's identifier stay outside it. The cases follow
// each country's address layout (Universal Postal Union formats), not
// any corpus.
func TestAddressAround(t *testing.T) {
	places := mustNew(t, Config{NER: phraseNER{"Maribor", "Sopron", "Nepomuk", "Brumano", "Leeds", "Stockholm", "Iceland", "Corrientes", "Texas", "Babey", "Paris"}})
	people := mustNew(t, Config{NER: fakePersonNER{"Kremencová", "Carla Courts", "Elvira", "Cardona", "Güemes N", "Joséphine Reynaud", "John", "Grace Ville", "Tiszakécske", "Ashford", "Sarah", "Tom"}})
	streets := mustNew(t, Config{NER: phraseNER{"118 Lancaster"}})
	cases := []struct {
		r         *Redactor
		text      string
		want, not []string
		label     Label // of the span covering want[0], when set
	}{
		{r: places, text: "pošlji na Maribor, 2000 hvala", want: []string{"Maribor, 2000"}, not: []string{"hvala"}},
		{r: places, text: "lakik: 9400 Sopron", want: []string{"9400 Sopron"}},
		{r: places, text: "Machuldova 3, 388 61 Nepomuk", want: []string{"388 61 Nepomuk"}},
		{r: places, text: "Via Roma 1, 24030 Brumano (BG)", want: []string{"Via Roma 1, 24030 Brumano (BG)"}},
		{r: places, text: "Av. Corrientes N° 1234, Piso 3", want: []string{"Corrientes N° 1234, Piso 3"}},
		{r: places, text: "in 2019 Leeds won", want: []string{"Leeds"}, not: []string{"2019"}},
		{r: places, text: "Leeds 8th May was wet", want: []string{"Leeds"}, not: []string{"was wet"}},
		{r: places, text: "left Leeds 3 weeks ago", want: []string{"Leeds"}, not: []string{"3 weeks"}},
		{r: places, text: "Live in Stockholm 2012 !", want: []string{"Stockholm"}, not: []string{"2012"}},
		{r: places, text: "Iceland, 24 April 1952", want: []string{"Iceland"}, label: Location},
		{r: places, text: "Texas 713-555-0100", want: []string{"Texas"}, label: Location},
		{r: places, text: "Leeds, OMG it rained", want: []string{"Leeds"}, not: []string{"OMG"}},
		{r: places, text: "part of the People's Republic of China and the Democratic People ’s Republic of Korea", want: []string{"People's Republic of China", "Democratic People ’s Republic of Korea"}, not: []string{"the"}},
		{r: places, text: "live around Leeds , OH area now", want: []string{"Leeds", "OH"}, not: []string{"area"}},
		{r: people, text: "bývam na Kremencová 327.", want: []string{"Kremencová 327"}, label: Location},
		{r: people, text: "ship to 8616 Carla Courts", want: []string{"8616 Carla Courts"}},
		{r: people, text: "Diag. Güemes N° 74, Rosario", want: []string{"Güemes N° 74"}, label: Location},
		{r: people, text: "Elvira Sales Cardona called", want: []string{"Elvira Sales Cardona"}, not: []string{"called"}},
		{r: places, text: "vivo en Las Hortensias 7257 Dpto. 38, Castro", want: []string{"Las Hortensias 7257 Dpto. 38"}},
		{r: places, text: "I read Chapter 5 Part 2 today", not: []string{"Chapter", "Part"}},
		{r: places, text: "2, rue Tessier, 53218 Benoit", want: []string{"2, rue Tessier, 53218"}},
		{r: places, text: "Soproni utca 242., 9400 Sopron", want: []string{"Soproni utca 242., 9400 Sopron"}},
		{r: people, text: "Adresse : 504, avenue Joséphine Reynaud", want: []string{"504, avenue Joséphine Reynaud"}, label: Location},
		{r: places, text: "chez nous, rue de Babey", want: []string{"rue de Babey"}, not: []string{"nous"}},
		{r: places, text: "snow in southern Iceland and north-east Texas, then central Leeds", want: []string{"southern Iceland", "north-east Texas", "central Leeds"}, label: Location},
		{r: places, text: "drove north to Leeds, the south of Iceland", want: []string{"Leeds", "Iceland"}, not: []string{"north", "south"}},
		{r: places, text: "from Great Texas to Lower Paris, the new Iceland", want: []string{"Great Texas", "Lower Paris", "Iceland"}, not: []string{"new"}},
		{r: places, text: "in Leeds city, the Texas coast, Iceland Foods", want: []string{"Leeds city", "Texas coast"}, not: []string{"Foods"}},
		{r: people, text: "I heard via John today", want: []string{"John"}, not: []string{"via"}, label: Person},
		{r: places, text: "the city of Paris is nice", want: []string{"Paris"}, not: []string{"city of"}},
		// A town's prefix the tagger found alone takes the name after it.
		{r: mustNew(t, Config{NER: phraseNER{"Cape"}}), text: "Pt from Cape Cod, summers away", want: []string{"Cape Cod"}, not: []string{"summers"}},
		// A postcode after a name the tagger took for a person's makes it
		// a town: the Philippines ("4-digit"), Ireland (Eircode), Hungary
		// ("H-" and four digits), India (six digits), Mexico (ZIP+4 style).
		{r: people, text: "we grew up in Grace Ville, 4330.", want: []string{"Grace Ville, 4330"}, label: Location},
		{r: people, text: "posted to Grace Ville, D02 X285.", want: []string{"Grace Ville, D02 X285"}, label: Location},
		{r: people, text: "lakik: Tiszakécske, H-6060", want: []string{"Tiszakécske, H-6060"}, label: Location},
		{r: people, text: "send it to 4 Mill Lane, Ashford 233001 please", want: []string{"4 Mill Lane, Ashford 233001"}, not: []string{"please"}},
		{r: people, text: "in Grace Ville, 54188-1555", want: []string{"Grace Ville, 54188-1555"}},
		{r: people, text: "Sarah, 2020 was hard", want: []string{"Sarah"}, not: []string{"2020"}, label: Person},
		{r: people, text: "Tom, 4000 people came", want: []string{"Tom"}, not: []string{"4000"}, label: Person},
		{r: people, text: "at Grace Ville, 17, 64032, now", want: []string{"Grace Ville, 17, 64032"}, not: []string{"now"}, label: Location},
		{r: people, text: "Sarah, 34, 1987 was her year", want: []string{"Sarah"}, not: []string{"34", "1987"}, label: Person},
		// The house number on the line before a town and its postcode.
		{r: people, text: "Address: 96 Church Road, Ashford, 2301", want: []string{"96 Church Road, Ashford, 2301"}},
		// A house number before a street named after a person, found a
		// word at a time; the street's type after a numbered street.
		{r: people, text: "Her new place is 40/541 Trần Hưng Đạo, near the station", want: []string{"40/541 Trần Hưng Đạo"}, not: []string{"near"}},
		{r: streets, text: "Contact me at 118 Lancaster Mall, Greenbury", want: []string{"118 Lancaster Mall, Greenbury"}},
	}
	for _, c := range cases {
		sp := c.r.Find(c.text, nil)
		for _, w := range c.want {
			if !covered(c.text, sp, w) {
				t.Errorf("%q: %q not covered: %s", c.text, w, describe(c.text, sp))
			}
		}
		for _, w := range c.not {
			if touched(c.text, sp, w) {
				t.Errorf("%q: %q redacted: %s", c.text, w, describe(c.text, sp))
			}
		}
		if c.label != "" && len(c.want) > 0 {
			k := strings.Index(c.text, c.want[0])
			for _, s := range sp {
				if s.Start <= k && k < s.End && s.Label != c.label {
					t.Errorf("%q: %q labelled %s, want %s", c.text, c.want[0], s.Label, c.label)
				}
			}
		}
	}
}

// fakePersonNER tags the first occurrence of each phrase as a PERSON.
type fakePersonNER []string

func (p fakePersonNER) Entities(text string, dst []ner.Entity) []ner.Entity {
	for _, ph := range p {
		if k := strings.Index(text, ph); k >= 0 {
			dst = append(dst, ner.Entity{Start: k, End: k + len(ph), Label: ner.Person, Score: 0.6})
		}
	}
	return dst
}

// A dotted abbreviation is redacted whole when any of its letters is,
// written tight or tokenised.
func TestDottedWhole(t *testing.T) {
	r := mustNew(t, Config{NER: phraseNER{"E", "L"}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "snow in P.E.I. today", want: []string{"P.E.I"}, not: []string{"snow", "today"}},
		{text: "snow in P . E . I . today", want: []string{"P . E . I"}},
		{text: "visiting L.A. soon", want: []string{"L.A"}},
		{text: "an A.B.C. book", not: []string{"A.B.C"}},
	})
	// The tagger's letter of an abbreviation that names nothing goes.
	runCases(t, whole{mustNew(t, Config{NER: phraseNER{"B"}})}, nil, []caseT{
		{text: "N.B. it is easy", not: []string{"N.B"}},
	})
}

// The parts of a name written before the part the tagger found: dotted
// initials, a surname particle, a capitalised word no list knows.
func TestNameBefore(t *testing.T) {
	r := mustNew(t, Config{NER: fakePersonNER{"Glenn", "Koerner", "Laden", "Maliki", "Gogh", "Lee", "Smith", "Keefe", "Steffen W", "Sarah J", "Lucas Cranach", "Mary", "Jane", "Posavec", "Đurić"}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "paintings by Lucas Cranach the Elder on show, and the great hall", want: []string{"Cranach the Elder"}, not: []string{"great hall"}},
		{text: "signed R. E. Glenn today", want: []string{"R. E. Glenn"}},
		{text: "flights to N. Ireland", want: []string{"N. Ireland"}},
		{text: "a scene by W.H.S. Koerner called", want: []string{"W.H.S. Koerner"}, not: []string{"by"}},
		{text: "look to bin Laden for cues", want: []string{"bin Laden"}, not: []string{"to"}},
		{text: "PM al-Maliki said", want: []string{"al-Maliki"}, not: []string{"PM"}},
		{text: "by Vincent van Gogh", want: []string{"van Gogh"}},
		{text: "mail from Sungjoo Lee today", want: []string{"Sungjoo Lee"}},
		// At a line's start: before an initial, or before a surname
		// alone; and the surname after a middle initial.
		{text: "Vjera T. Posavec\n??? Teufik Đurić", want: []string{"Vjera T. Posavec", "Teufik Đurić"}},
		{text: "follow up with Sarah J. Rennie soon", want: []string{"Sarah J. Rennie"}, not: []string{"soon"}},
		// Names a found name vouches for: "and", an inverted name, a
		// surname before "administration"; not a firm's "&".
		{text: "Chuck and Lee were kind, and Smith, Grace.", want: []string{"Chuck", "Grace"}},
		// A record's field, surname first, even an everyday word.
		{text: "Patient: Doe, Mary (NHS 943 476 5919)\nName: Baker, Jane\nDOB: 1/2/1990", want: []string{"Doe", "Baker"}, not: []string{"DOB", "Patient", "Name"}},
		{text: "it was sore, Mary said", not: []string{"sore"}},
		{text: "under the Bush administration, Lee said", want: []string{"Bush"}},
		{text: "a job at Marks & Smith, and May and Lee", not: []string{"Marks", "May"}},
		// A first name that is an everyday word, mid-sentence only.
		{text: "Defence Secretary Chuck Smith spoke. Will Smith come?", want: []string{"Chuck Smith"}, not: []string{"Will"}},
		{text: "Hiya Lee. Heyyy Smith", want: []string{"Lee", "Smith"}, not: []string{"Hiya", "Heyyy"}},
		{text: "Yesterday Smith rang, and A Smith, I Smith", want: []string{"Smith"}, not: []string{"Yesterday", "A ", "I "}},
		{text: "OK. Smith rang", want: []string{"Smith"}, not: []string{"OK"}},
		{text: "a job for O'Keefe, or O’Keefe", want: []string{"O'Keefe", "O’Keefe"}, not: []string{"for", "or"}},
		{text: "Sergi ; De la Smith , Lee", want: []string{"De la Smith"}},
		// A nickname in quotes between two parts of the name.
		{text: `Lee "Hurricane" Smith said, and Glenn ' Skull Cracker ' Koerner`, want: []string{`Lee "Hurricane" Smith`, `Glenn ' Skull Cracker ' Koerner`}, not: []string{"said", "and"}},
		{text: "I told Lee 'Stop' and left", want: []string{"Lee"}, not: []string{"Stop"}},
		// After a middle initial, the surname.
		{text: "signed Steffen W. Graae today", want: []string{"Steffen W. Graae"}, not: []string{"today"}},
		{text: "it was Sarah J. Then we left", want: []string{"Sarah J"}, not: []string{"Then"}},
		// After: a regnal number or generation.
		{text: "under Smith II, Lee XIV and Glenn Jr. then", want: []string{"Smith II", "Lee XIV", "Glenn Jr"}, not: []string{"then"}},
		{text: "Smith I think, Lee I. Glenn I (ruled 830), Smith I'm sure", want: []string{"Smith", "Lee I", "Glenn I"}, not: []string{"I think", "I'm"}},
		{text: "then Koerner I of Moravia", want: []string{"Koerner I"}},

		{text: "replaced Glenn I with his nephew; king Koerner I accepted", want: []string{"Glenn I", "Koerner I"}},
	})
	// Initials in lower case: dotted before a name, between two names,
	// after a first name; not an abbreviation's or a "versus".
	low := mustNew(t, Config{NER: fakePersonNER{"glenn", "smith", "lee", "mary j", "graae", "sarah", "Smith", "Lee", "keefe"}})
	runCases(t, whole{low}, nil, []caseT{
		{text: "a replacement for o'keefe soon", want: []string{"o'keefe"}, not: []string{"for"}},
		{text: "signed glenn a. smith, r. e. lee and mary j. graae; e.g. sarah; Smith v Lee", want: []string{"glenn a. smith", "r. e. lee", "mary j. graae"}, not: []string{"e.g", " v "}},
		// A regnal number in lower case; "iv" before a word is the route.
		{text: "then glenn iii led, and lee iv and smith ii", want: []string{"glenn iii", "lee iv", "smith ii"}},
		{text: "gave sarah iv fluids", want: []string{"sarah"}, not: []string{"iv"}},
		{text: "a portrait by glenn the elder, and the elder lee", want: []string{"glenn the elder"}, not: []string{"and"}},
	})
	// The tagger's "Sarah I" of "told Sarah I would": the pronoun goes
	// back to the text.
	runCases(t, whole{mustNew(t, Config{NER: fakePersonNER{"Sarah I", "Dave I"}})}, nil, []caseT{
		{text: "I told Sarah I would come. Thanks Dave I will", want: []string{"Sarah", "Dave"}, not: []string{"I would", "I will"}},
	})
}

// "X of Y" names: a polity's head before "of" and a place, a person and
// "of" before a place.
func TestNamesOf(t *testing.T) {
	r := mustNew(t, Config{NER: mixedNER{place: phraseNER{"Cameroon", "France", "Aragon", "Leeds", "Valparaíso", "Cuneo"}, person: fakePersonNER{"Catherine", "Sarah"}}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "the Federal Republic of Cameroon was", want: []string{"Federal Republic of Cameroon"}, not: []string{"the", "was"}},
		{text: "The Kingdom of France fell", want: []string{"Kingdom of France"}},
		{text: "Catherine of Aragon wed", want: []string{"Catherine of Aragon"}, not: []string{"wed"}},
		{text: "the Principality of Sarah", want: []string{"Principality of Sarah"}},
		{text: "a friend of Sarah, thinking of Leeds, the state of France", want: []string{"Sarah", "Leeds", "France"}, not: []string{"friend", "thinking", "state"}},
		// Romance languages' "de", "di" after a head.
		{text: "in Región de Valparaíso and Provincia di Cuneo", want: []string{"Región de Valparaíso", "Provincia di Cuneo"}, not: []string{"in", "and"}},
		{text: "Sarah de Leeds", want: []string{"Sarah", "Leeds"}, not: []string{"de"}},
	})
}

// A word the unseen rules take for a person is a street when a house
// number follows it and a street's "on" comes before or a town's "in"
// after; a street word before a name with a house number is the street's.
func TestStreetAsPerson(t *testing.T) {
	r := mustNew(t, Config{})
	runCases(t, whole{r}, nil, []caseT{
		{text: "he grew up on Tveitlyngen 3 in Jennydal", want: []string{"Tveitlyngen 3", "Jennydal"}, not: []string{"grew up on", "in"}, label: Location},
		// A one-word street after a house number an address cue opens.
		{text: "his address: 55 Edeby. The restaurant is at 274 Aqqusinersuaq", want: []string{"55 Edeby", "274 Aqqusinersuaq"}, label: Location},
		// A postcode before a preposition ends the address in a sentence.
		{text: "at Dobrovského 1521, Kostelec nad Cernými Lesy, 281 63 for this card", want: []string{"Dobrovského 1521, Kostelec nad Cernými Lesy, 281 63"}, not: []string{"for"}},
		{text: "meet you at Hamarstígur 11, Siglufjörður, 580 after the concert", want: []string{"Hamarstígur 11, Siglufjörður, 580"}, not: []string{"after"}},
		// A name alone on a letter's or a CV's first line; not English
		// headings, weekdays or months.
		{text: "Yuuto Oosawa\n\nSegmental paver\n\nPersonal Info:", want: []string{"Yuuto Oosawa"}, label: Person, not: []string{"Segmental", "Personal"}},
		{text: "Personal Info\nKind Regards\nMonday Tuesday\nJanuary February", not: []string{"Personal", "Kind", "Monday", "January"}},
		// Particles between a name and the rest of it, and a French "L'".
		{text: "Lukasz van der Elst listed it, said L'Heureux", want: []string{"Lukasz van der Elst", "L'Heureux"}, label: Person},
		// A name after a title though the safelist holds it ("AKI" is
		// acute kidney injury); not a role after "Lord", nor "MS Teams".
		{text: "join accounts with ms. Aki, or Mrs Aki", want: []string{"Aki"}, label: Person},
		{text: "the Lord Mayor of Brisbane, then on MS Teams", not: []string{"Mayor", "Teams"}},
		// A town in capitals after a place cue, and a qualifier in
		// brackets after a place.
		{text: "we returned to CHAUMONT by helicopter, I WAS IN HOSPITAL", want: []string{"CHAUMONT"}, label: Location, not: []string{"WAS"}},
		{text: "She moved here from Cyprus (Greek) last year, in Leeds (which I love)", want: []string{"Cyprus (Greek)"}, label: Location, not: []string{"which"}},
		// A town's line between two lines of an address.
		{text: "27 Via Verbano\n Apt. 918\n Valangin\n\n Slovenia 1524", want: []string{"27 Via Verbano", "Apt. 918", "Valangin", "Slovenia 1524"}, label: Location},
		{text: "99 Avenida Lago\n Apt. 296\n BUNDALAGUAH\n Australia 3889", want: []string{"BUNDALAGUAH"}, label: Location},
		{text: "??? Nusi Siposs\n??? Helius Inc.\n??? 11 Hamarstígur\n??? Unit 223\n??? 2484 Ansina\n??? Estonia 90500", want: []string{"11 Hamarstígur", "2484 Ansina"}, label: Location},
		{text: "??? Nusi Siposs\n??? The Cato Corporation", want: []string{"Nusi Siposs"}, label: Person},
		// A grouped postcode ends the address whatever follows; a Czech
		// town's "u" joins its parts.
		{text: "Please return to ul. Szczytnowska 136, Olsztyn, 10-630 in case of an issue", want: []string{"10-630"}, label: Location, not: []string{"in case"}},
		{text: "based in Lipník u Hrotovic now, see u Monday", want: []string{"Lipník u Hrotovic"}, label: Location, not: []string{"Monday"}},
		{text: "his address: 23 R Irene Lisboa", want: []string{"23 R Irene Lisboa"}, label: Location},
		// An address block's first line; Hungary's "u." for utca.
		{text: "27 Kolodvorska\n Apt. 918\n Valangin\n Slovenia 1524", want: []string{"27 Kolodvorska"}, label: Location},
		{text: "51 R Família Marques\n Apt. 481\n Montijo", want: []string{"51 R Família Marques"}, label: Location},
		{text: "??? Zrinko Popović\n??? 90 ul. Posejdona\n??? Flat 430\n??? Poland 65-119", want: []string{"90 ul. Posejdona"}, label: Location},
		{text: "She moved here from Cyprus (Greek)", want: []string{"Cyprus (Greek)"}, label: Location},
		{text: "a taxi to Király u. 79., Gyopárosfürdô. See u 2morrow", want: []string{"Király u. 79., Gyopárosfürdô"}, label: Location, not: []string{"See", "2morrow"}},
		{text: "she lived at Klenovac 346 in Zagreb", want: []string{"Klenovac 346", "Zagreb"}, label: Location},
		{text: "write to plac Matejki 039", want: []string{"plac Matejki 039"}, label: Location},
		// Decoys: a count after the number, a medicine, a weekday.
		{text: "I was on Sertraline 50 in March", not: []string{"Sertraline", "50", "March"}},
		{text: "he scored on Saturday 2 in a row", not: []string{"Saturday", "2"}},
		{text: "met Kowalski 3 times", want: []string{"Kowalski"}, not: []string{"3 times"}, label: Person},
	})
}

// Address lines before a postcode or an address join it, comma by comma
// (segmentsBefore), with the units written before a number (unitsBefore).
func TestAddressLines(t *testing.T) {
	r := mustNew(t, Config{NER: phraseNER{"Nejdek", "North Gemma", "Rotherham", "Leeds", "Sheffield", "Saginaw", "Michigan", "Camargo", "Campo", "Waidhofen", "Oak Avenue", "Cooperfort", "Rey", "Élisabeth Dijoux"}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "I moved to Studio 1, Katy Squares, North Gemma, CV21 6BG last month", want: []string{"Studio 1, Katy Squares, North Gemma"}, not: []string{"moved to", "last month"}, label: Location},
		{text: "Ship to: Jane Doe, Rudoltická 1, 588 42 Nejdek", want: []string{"Rudoltická 1, 588 42 Nejdek"}, not: []string{"Ship to", "Doe,"}},
		{text: "send it to 18, Ganesh Chowk, Kakinada-533001", want: []string{"18, Ganesh Chowk"}, not: []string{"send it to"}},
		{text: "Bl. 14  Sc. 86 Ap. 256, Bulevardul Pop Nr. 972, Branesti 985909", want: []string{"Bl. 14  Sc. 86 Ap. 256, Bulevardul Pop Nr. 972"}},
		{text: "Please send the forms to 3347 Unit E Moonstone Street, Gregorio", want: []string{"3347 Unit E Moonstone Street"}, not: []string{"the forms to"}},
		// Decoys: a thousands separator, a year, an age, a sentence.
		{text: "About 1, 400 Rotherham children were hurt", not: []string{"About 1,"}},
		{text: "In 2019, Leeds had the highest rate", not: []string{"2019"}},
		{text: "I was 18, Sheffield was my first flat", not: []string{"18"}},
		{text: "Ship to: Jordan Marshall, 60/8 Sheila Circuit, Port Douglastown, TAS, 7637", want: []string{"60/8 Sheila Circuit, Port Douglastown, TAS, 7637"}, not: []string{"Ship to"}, label: Location},
		{text: "from Camargo do Campo and Waidhofen an der Ybbs", want: []string{"Camargo do Campo", "Waidhofen an der Ybbs"}},
		{text: "Leeds on Saturday, then Primark on Oak Avenue", want: []string{"Leeds"}, not: []string{"on Saturday", "Primark on"}},
		// Address lines one under another, down to a postcode; a sentence
		// before it stays.
		{text: "Please send to\nStudio 54f\nRichardson Groves\nCooperfort\nDD8 4GQ", want: []string{"Studio 54f\nRichardson Groves\nCooperfort"}, not: []string{"Please send to"}},
		{text: "see you at\nLS6 2AB", not: []string{"see you at"}},
		// A postcode inside an address the grammar took leaves the address
		// one LOCATION.
		{text: "I moved to Studio 1, Katy Squares, North Gemma, CV21 6BG last month", want: []string{"Studio 1, Katy Squares, North Gemma, CV21 6BG"}, label: Location},
		{text: "Please send the forms to avenue Rey 72, 4615 Fonjallaz", want: []string{"avenue Rey 72, 4615 Fonjallaz"}, not: []string{"the forms to"}},
		{text: "Deliver to 46, avenue Élisabeth Dijoux, Jacquotnec 20367", want: []string{"46, avenue Élisabeth Dijoux, Jacquotnec 20367"}},
		{text: "we drove to Port Bryan and Lake Joseph", want: []string{"Port Bryan", "Lake Joseph"}, label: Location},
		{text: "New Tory defence plans", not: []string{"New"}},
		{text: "HAS MOVED TO 4783 Bay Rd Saginaw, Michigan 48604", want: []string{"4783 Bay Rd Saginaw, Michigan 48604"}, not: []string{"HAS MOVED TO"}},
	})
}

// A possessive with no noun after it is part of the name: it names a
// place ("at Wendy's."); before a noun or as "is"/"has" it stays.
func TestPossessivePlaces(t *testing.T) {
	r := mustNew(t, Config{NER: mixedNER{place: phraseNER{"Del Frisco"}, person: fakePersonNER{"Wendy", "Dave", "Sarah"}}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "we ate at Wendy's.", want: []string{"Wendy's"}},
		{text: "lunch at Wendy's and then home", want: []string{"Wendy's"}},
		{text: "try Del Frisco 's .", want: []string{"Del Frisco 's"}},
		{text: "try Del Frisco s .", want: []string{"Del Frisco s"}},
		{text: "at Dave's yesterday", want: []string{"Dave's"}},
		{text: "Dave's mum is kind", want: []string{"Dave"}, not: []string{"s mum"}},
		{text: "Sarah's been great", want: []string{"Sarah"}, not: []string{"s been"}},
		{text: "Dave's a star", want: []string{"Dave"}, not: []string{"s a"}},
		// Before another name it is the possessive; before another word
		// with a capital, a business's name.
		{text: "Wendy 's Sarah scored", want: []string{"Wendy", "Sarah"}, not: []string{"'s"}},
		{text: "at former Dave 's Location", want: []string{"Dave 's"}},
	})
}

// The words written as part of a place around it: a compass word, a
// prefix, a head noun after it.
func TestPlaceAround(t *testing.T) {
	r := mustNew(t, Config{NER: mixedNER{place: phraseNER{"Greece", "England", "Galway", "Donetsk", "Moravia", "Austria", "noida", "Gaza", "leeds"}}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "in southern Greece and north-east England", want: []string{"southern Greece", "north-east England"}, label: Location},
		{text: "Galway city and the Donetsk region, the Gaza strip", want: []string{"Galway city", "Donetsk region", "Gaza strip"}, not: []string{"the"}},
		{text: "Great Moravia and Lower Austria", want: []string{"Great Moravia", "Lower Austria"}},
		{text: "moved to greater noida, my new leeds flat", want: []string{"greater noida", "leeds"}, not: []string{"new", "flat"}},
	})
}

// whole runs a Redactor where runCases wants a Recognizer.
type whole struct{ r *Redactor }

func (w whole) Name() string { return "redactor" }

func (w whole) Find(dst []Span, text string, subj *Subject) []Span {
	return append(dst, w.r.Find(text, subj)...)
}

// mixedNER finds places and people by phrase.
type mixedNER struct {
	place  phraseNER
	person fakePersonNER
}

func (m mixedNER) Entities(text string, dst []ner.Entity) []ner.Entity {
	return m.person.Entities(text, m.place.Entities(text, dst))
}

// A double-barrelled name is covered whole when one part was found.
func TestHyphenatedNames(t *testing.T) {
	r := mustNew(t, Config{NER: phraseNER{"Nakamura", "Smith", "Inzamam"}})
	for _, c := range []struct{ text, want, not string }{
		{"Ms. Nakamura-Lindqvist called", "Nakamura-Lindqvist", "called"},
		{"then Inzamam-ul-Haq hit 87", "Inzamam-ul-Haq", "hit"},
		{"then Oyelaran-Smith came", "Oyelaran-Smith", "came"},
		{"Nakamura-san and a Smith-like man", "Nakamura", "like"},
	} {
		sp := r.Find(c.text, nil)
		if !covered(c.text, sp, c.want) || touched(c.text, sp, c.not) {
			t.Errorf("%q: want %q covered and %q untouched: %s", c.text, c.want, c.not, describe(c.text, sp))
		}
	}
}

// fakeNER returns fixed entities, some misaligned or out of range.
type fakeNER struct{ ents []ner.Entity }

func (f fakeNER) Entities(text string, dst []ner.Entity) []ner.Entity { return append(dst, f.ents...) }

func TestNERAdapter(t *testing.T) {
	text := "we met zoë in bristol"
	f := fakeNER{ents: []ner.Entity{
		{Start: 7, End: 10, Label: ner.Person, Score: 0.9},    // ends inside ë: widened
		{Start: 15, End: 99, Label: ner.Location, Score: 0.8}, // past the end: clamped
		{Start: 0, End: 2, Label: "ORG", Score: 0.9},          // not ours: dropped
	}}
	rec := NewNERRecognizer(f)
	got := rec.Find(nil, text, nil)
	if len(got) != 2 {
		t.Fatalf("got %+v", got)
	}
	if text[got[0].Start:got[0].End] != "zoë" || got[0].Label != Person || got[0].Source != srcNER {
		t.Errorf("person span %+v", got[0])
	}
	if got[1].End != len(text) || got[1].Label != Location {
		t.Errorf("location span %+v", got[1])
	}
	r := mustNew(t, Config{NER: f})
	if sp := r.Find(text, nil); !covered(text, sp, "zoë") {
		t.Errorf("redactor with NER missed: %s", describe(text, sp))
	}
}

func TestRedactorConcurrent(t *testing.T) {
	r := mustNew(t, Config{})
	subj := NewSubject(Known{GivenName: "Rebecca", FamilyName: "Smith"})
	text := strings.Repeat("rebecca smith moved to leeds on 3rd march, call 07700 900123. ", 20)
	want := r.Find(text, subj)
	done := make(chan []Span)
	for range 4 {
		go func() { done <- r.Find(text, subj) }()
	}
	for range 4 {
		if got := <-done; !slices.Equal(got, want) {
			t.Fatal("concurrent Find differs")
		}
	}
}

// A tagger's name that runs over a line break is cut at it: each line's
// part is a span of its own, so a name on one line and a street on the
// next keep their own labels.
func TestNERSpansStopAtLineBreaks(t *testing.T) {
	text := "Ship to:\nMaria Garcia\nCalle Mayor 5"
	r := mustNew(t, Config{NER: fakePersonNER{"Maria Garcia\nCalle"}})
	spans := r.Find(text, nil)
	if l := labelAt(text, spans, "Maria Garcia"); l != Person {
		t.Errorf("name across a line break: label %q, want PERSON; spans %s", l, describe(text, spans))
	}
	for _, s := range spans {
		if strings.Contains(text[s.Start:s.End], "\n") {
			t.Errorf("span over a line break: %q", text[s.Start:s.End])
		}
	}
}

// A record written on one line: the next field's label is not part of a
// name, a date is no house number and "NHS No:" opens no address.
func TestRecordLine(t *testing.T) {
	r := mustNew(t, Config{NER: fakePersonNER{"DAVID  DOB", "Tel", "Paul Ward"}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "Patient Name: HOLLINS, DAVID  DOB: 12/03/1984  NHS No: 943 476 5919", want: []string{"DAVID", "12/03/1984", "943 476 5919"}, not: []string{"DOB", "NHS", "No"}},
		{text: "DOB: 12/03/1984\nNHS No: 943 476 5919", not: []string{"NHS", "No"}},
		{text: "Ref No: 5521 for Tel: 0113 496 0000", not: []string{"Ref", "Tel"}},
		{text: "Vladi Pimenov ext. 37625", not: []string{"ext"}},
		{text: "Mother (same address) Tel 0113 496 0000", not: []string{"Tel"}},
		{text: "Seen on 12/06/24 via Zoom, then 12.06.24 via MS Teams", want: []string{"12/06/24", "12.06.24"}, not: []string{"via", "Zoom", "Teams"}},
		{text: "she lives at 2-11-3 Meguro now", want: []string{"2-11-3 Meguro"}},
		// A date where the address grammar reads numbers after a unit or
		// a number sign (once a panic: a date group is still a group).
		{text: "Calle Güemes N° 12/03/1984, Apt. 12/06/24 Flat 1-12-24", want: []string{"12/03/1984", "12/06/24"}},
		// "Tel:" before words may be a speaker called Tel; a name ending
		// in a word that is also a field stays whole.
		{text: "Tel: hello there", want: []string{"Tel"}},
		{text: "Paul Ward: hello", want: []string{"Paul Ward"}},
	})
	// A kin word, title or role before a name stays in the text.
	roles := mustNew(t, Config{NER: fakePersonNER{"Wife Maureen", "SW Janet", "Nurse Paula", "keyworker zainab", "cpn lorraine"}})
	runCases(t, whole{roles}, nil, []caseT{
		{text: "Social: Wife Maureen visited; met SW Janet and Nurse Paula", want: []string{"Maureen", "Janet", "Paula"}, not: []string{"Wife", "SW", "Nurse"}},
		{text: "my keyworker zainab rang, then my cpn lorraine", want: []string{"zainab", "lorraine"}, not: []string{"keyworker", "cpn"}},
	})
	// A name the tagger runs into an e-mail or web address ends before it:
	// each keeps its label.
	addr := mustNew(t, Config{NER: fakePersonNER{"Sarah Jones sarah", "Tom Hill www"}})
	for _, c := range []struct{ text, name, other string }{
		{"Contact Sarah Jones sarah.jones@nhs.net today", "Sarah Jones", "sarah.jones@nhs.net"},
		{"see Tom Hill www.tomhill.co.uk for more", "Tom Hill", "www.tomhill.co.uk"},
	} {
		spans := addr.Find(c.text, nil)
		if l := labelAt(c.text, spans, c.name); l != Person || !covered(c.text, spans, c.name) {
			t.Errorf("%q: %q labelled %q; spans %s", c.text, c.name, l, describe(c.text, spans))
		}
		if l := labelAt(c.text, spans, c.other); l == Person || !covered(c.text, spans, c.other) {
			t.Errorf("%q: %q labelled %q; spans %s", c.text, c.other, l, describe(c.text, spans))
		}
	}
	// Laughter, a chat word or a stretched word opens no name.
	chat := mustNew(t, Config{NER: phraseNER{"lmaooo ksi", "omg jess", "hahaha sarah"}})
	runCases(t, whole{chat}, nil, []caseT{
		{text: "lmaooo ksi won, omg jess look, hahaha sarah stop", want: []string{"ksi", "jess", "sarah"}, not: []string{"lmaooo", "omg", "hahaha"}},
	})
	// A preposition closes no name or place: the tagger's, or the address
	// grammar's street word before an English word.
	trail := mustNew(t, Config{NER: phraseNER{"6 West", "Leeds via"}})
	runCases(t, whole{trail}, nil, []caseT{
		{text: "Pt transferred to 6 West via bed", want: []string{"6 West"}, not: []string{"via"}},
		{text: "drove to Leeds via the M62", want: []string{"Leeds"}, not: []string{"via"}},
	})
	// The tagger's lower-case everyday word before a capitalised name;
	// particles, place prefixes and heads stay with it.
	lead := mustNew(t, Config{NER: phraseNER{"harm Gary", "van Gogh", "county Louth", "greater Manchester"}})
	runCases(t, whole{lead}, nil, []caseT{
		{text: "voices telling him to harm Gary (neighbour)", want: []string{"Gary"}, not: []string{"harm"}},
		{text: "a van Gogh print from county Louth, now in greater Manchester", want: []string{"van Gogh", "county Louth", "greater Manchester"}},
	})
}
