package redact

import (
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact/ner"
)

// capsNER is a model that takes every capitalised word for a person, as
// an over-eager tagger does on clinical and chat text.
type capsNER struct{}

func (capsNER) Entities(text string, dst []ner.Entity) []ner.Entity {
	sc := getScan(text)
	defer putScan(sc)
	for i, tk := range sc.toks {
		if tk.f&tCap != 0 && sc.alpha(i) {
			dst = append(dst, ner.Entity{Start: tk.s, End: tk.e, Label: ner.Person, Score: 0.6})
		}
	}
	return dst
}

func TestSafelist(t *testing.T) {
	r := mustNew(t, Config{NER: capsNER{}})
	cases := []struct {
		text      string
		want, not []string
	}{
		{text: "NOK aware, no SI, GAD dx, CAMHS and ESA", not: []string{"NOK", "SI", "GAD", "CAMHS", "ESA"}},
		{text: "Started Escitalopram and Bisoprolol, stopped Gabapentin", not: []string{"Escitalopram", "Bisoprolol", "Gabapentin"}},
		{text: "Watches Netflix, uses Zoom and Spotify", not: []string{"Netflix", "Zoom", "Spotify"}},
		{text: "Speaks Romanian and Tigrinya, some English", not: []string{"Romanian", "Tigrinya", "English"}},
		{text: "Mam rang, Appa is visiting", not: []string{"Mam", "Appa"}},
		{text: "Seen in March, worse since Friday", not: []string{"March", "Friday"}},
		{text: "Comes in Tuesdays and Fridays, tried Chantix", not: []string{"Tuesdays", "Fridays", "Chantix"}},
		// Scores of scales named after people; a verb form no list knows;
		// a surname with the same ending before "said" stays.
		{text: "was Ambulated with RW, Braden 16, Morse 45; Leive said", want: []string{"Leive"}, not: []string{"Ambulated", "RW", "Braden", "16", "Morse", "45"}},
		// Faiths, peoples, decades and holidays.
		{text: "Judaism and Islam, Slavic and Inuit, the Seventies, Halloween", not: []string{"Judaism", "Islam", "Slavic", "Inuit", "Seventies", "Halloween"}},
		{text: "Jeez, no. Gosh, Woah. Okay, Gottcha", not: []string{"Jeez", "Gosh", "Woah", "Gottcha"}},
		// Clinical vocabulary by its parts; a place built alike stays.
		{text: "was Hypotensive, then Normotensive and Apyrexial; lives in Perivale", want: []string{"Perivale"}, not: []string{"Hypotensive", "Normotensive", "Apyrexial"}},
		{text: "Hx of Crohn's, and Parkinson disease, Bristol stool chart type 6", not: []string{"Crohn", "Parkinson", "Bristol"}},
		{text: "Dad has Parkinson's and it is hard. Living with Huntington's. She has Graves' disease", not: []string{"Parkinson", "Huntington", "Graves"}},
		{text: "we watched DVDs with the GPs and MPs", not: []string{"DVDs", "GPs", "MPs"}},
		{text: "Lawyer says he is innocent, spokesman says. My solicitor rang", not: []string{"Lawyer", "spokesman", "solicitor"}},
		{text: "I do Tai Chi, have Type II diabetes, Stage IV. Thanks, doc.", not: []string{"Tai", "Chi", "Type", "II", "Stage", "IV", "doc"}},
		{text: "Pain in left arm, RIF tender, GA planned", not: []string{"RIF", "GA"}},
		{text: "Worried about Gonorrhea and Stomatitis, had a Colonoscopy; Mh-hmm, Fibromyalgia", not: []string{"Gonorrhea", "Stomatitis", "Colonoscopy", "Mh", "Fibromyalgia"}},
		{text: "Neuro: A&Ox3, PERRLA. Resp: on 2L NC, CTA bilat. Dispo: rehab. Updated by MD. Foley, UO ok, PCA on, q4h obs", not: []string{"Neuro", "Ox3", "Resp", "NC", "CTA", "Dispo", "MD", "UO", "PCA"}},
		// An era after a year or a century; British Columbia stays a place.
		{text: "in 511 BC, then the 8th century BC and 1066 AD", not: []string{"BC", "century BC", "AD"}},
		{text: "she moved to BC last year", want: []string{"BC"}},
		// Names stay: mixed-case forms of acronyms, frequent first names
		// that are also on the list, months without a time cue.
		{text: "Nat and Esa came with Christian", want: []string{"Nat", "Esa", "Christian"}},
		{text: "June said she would call", want: []string{"June"}},
		{text: "Okonjo Sertraline", want: []string{"Okonjo"}},
		{text: "Parkinson said the bus was late, it was Wilson's car", want: []string{"Parkinson", "Wilson"}},
		{text: "Dad has Parkinson's car and we went to Wilson's", want: []string{"Parkinson", "Wilson"}},
	}
	for _, c := range cases {
		spans := r.Find(c.text, nil)
		for _, w := range c.want {
			if !covered(c.text, spans, w) {
				t.Errorf("%q: %q not covered; spans %s", c.text, w, describe(c.text, spans))
			}
		}
		for _, n := range c.not {
			if touched(c.text, spans, n) {
				t.Errorf("%q: %q should not be redacted; spans %s", c.text, n, describe(c.text, spans))
			}
		}
	}
}

// A known identifier is redacted even when its word is on the safelist.
func TestSafelistKeepsKnown(t *testing.T) {
	r := mustNew(t, Config{NER: capsNER{}})
	subj := NewSubject(Known{GivenName: "Zoom"})
	text := "Zoom came in today"
	if spans := r.Find(text, subj); !covered(text, spans, "Zoom") {
		t.Errorf("known name on the safelist not redacted: %s", describe(text, spans))
	}
}

// phraseNER tags the given phrases wherever they occur, as a tagger that
// joins a shorthand word to the words around it does.
type phraseNER []string

func (p phraseNER) Entities(text string, dst []ner.Entity) []ner.Entity {
	for _, ph := range p {
		if k := strings.Index(text, ph); k >= 0 {
			dst = append(dst, ner.Entity{Start: k, End: k + len(ph), Label: ner.Location, Score: 0.6})
		}
	}
	return dst
}

// A span of shorthand with readings and lower-case everyday words beside
// it is dropped whole; a capitalised word or an unknown one keeps it. So
// is a name span that is only the cue of an identifier after it.
func TestSafelistSpans(t *testing.T) {
	cases := []struct {
		text   string
		phrase string
		keep   bool
	}{
		{"opens eyes, MAE weakly today", "MAE weakly", false},
		{"HR 90s, BP stable on levophed", "BP stable", false},
		{"on 2L NC overnight", "2L NC", false},
		{"sailed the Irish Sea twice", "Irish Sea", true},
		{"met Papa Censor there", "Papa Censor", true},
		{"crossed the irish sea", "irish sea", true},
		{"my papa censor said", "papa censor", true},
		{"BP Okonjo came", "BP Okonjo", true},
		{"MAE 12345 noted", "MAE 12345", true},
		// The cue of an identifier is no name; a name before a cue is.
		{"my car reg is AB12 CDE", "reg", false},
		{"reg no: K7 XYZ", "reg", false},
		{"Reg, passport no C01X00T47", "Reg", true},
		{"Reg is here", "Reg", true},
		// A lower-case kind of place after "the" or a possessive is a
		// description; a pub, a region's plural and a capital stay.
		{"I'm in the bath", "bath", false},
		{"near the park now", "park", false},
		{"at my gym", "gym", false},
		{"quiz night at the crown", "crown", true},
		{"went up to the lakes", "lakes", true},
		{"I live in bath", "bath", true},
		{"we met in The Park", "Park", true},
		{"Thank you, ma'am, I feel better", "ma'am", false},
		{"down to the rugby club", "rugby", false},
		{"spent in the rugby club.", "rugby club", false},
		{"lives on coronation walk", "coronation walk", true},
		{"walking in the lake district", "lake district", true},
		{"Gait steady with walker.", "walker", false},
		{"walker said hi", "walker", true},
		{"Mr Walker came in", "Walker", true},
		{"Edema 1+ bilat LE.", "bilat LE", false},
		{"Dsg to L groin CDI, no hematoma.", "L groin CDI", false},
		{"Pt OOB to chair with Hoyer lift", "Hoyer", false},
		{"Mr Hoyer came", "Hoyer", true},
		{"Cardiology following, plan for TEE", "Cardiology", false},
		{"Access: L PIV 20g, R IJ TLC", "L PIV 20g", false},
		{"Afib with RVR, on Levaquin", "Levaquin", false},
		{"Pt lives alone in 2 bed flat, 3rd floor", "2 bed flat", false},
		{"lives at 2 Acacia flat", "2 Acacia flat", true},
		{"we moved to rugby in may", "rugby", true},
		{"you don't have to go cold turkey", "turkey", false},
		{"flights to Turkey", "Turkey", true},
		{"the northern general was busy", "northern general", true},
		// Illnesses named after places, faiths, the Olympics.
		{"nurse given blood from Ebola survivor", "Ebola", false},
		{"shot inside a Sunni mosque", "Sunni", false},
		{"to receive Olympic bronze", "Olympic", false},
		// A part of a short "&" abbreviation is no name.
		{"I went to A&E last night", "E", false},
		{"shopping at M&S", "M", false},
		{"a Q&A after", "Q", false},
		{"Jo & Ann came", "Ann", true},
		{"Tom&Jerry", "Jerry", true},
		// The tagger's lower-case words that no list knows; an everyday
		// word with a capital stays, even opening a sentence.
		{"add a connective, traceable nervous system", "traceable", false},
		{"Potatoes for tea.", "Potatoes", true},
		// Somebody's surname or some hamlet abroad does not make an
		// everyday word in lower case a name; a UK list does.
		{"we talked about courage before", "courage", false},
		{"it is called nicotinic stomatitis", "nicotinic stomatitis", false},
		{"moved to deal last year", "deal", true},
		// A hospital department is no place; a named one is.
		{"mum is on the stroke ward again", "stroke ward", false},
		{"my gp at the kirkgate surgery", "kirkgate surgery", true},
		{"Cath lab called at 0900", "Cath", false},
		{"my Sri Lankan neighbour", "Sri Lankan", false},
		{"Basque and Catalan food", "Catalan", false},
		// A people's or faith's kind of place, an institution with no
		// article, a fellowship's acronym: descriptions, not names.
		{"meetings at the Quaker house", "Quaker house", false},
		{"Discussed brother-in-law Danish's visit", "Danish", true},
		{"my friend from church brings soup", "church", false},
		{"she is in hospital again", "hospital", false},
		{"she moved away for uni", "uni", false},
		{`and say, "Hey, can I have some of your chips?"`, "Hey", false},
		{"Ramadan starts next week", "Ramadan", false},
		{"I'm a Capricorn so maybe that's why", "Capricorn", false},
		{"My Nan makes the best Yorkshire puddings", "Yorkshire", false},
		{"we moved to Yorkshire in June", "Yorkshire", true},
		{"lives with her fella, he left his missus", "fella", false},
		{"he left his missus", "missus", false},
		{"going to AA meetings", "AA", false},
		{"SU seen at home; SU reports low mood", "SU", false},
		{"I go to the foodbank on a Tuesday", "foodbank", false},
		{"moved to Hospital Road", "Hospital Road", true},
		// A transcript's annotations of what was not said.
		{"[Pause] okay, go on", "Pause", false},
		{"(Laughter) Thank you all", "Laughter", false},
		{"Cath called at 0900", "Cath", true},
		// A lab's or vital sign's name and its value among others; one
		// pair alone, or a name before a number, stays.
		{"CV: ST 100-110s, no ectopy. BP 100-120/50-60s", "ST 100-110s", false},
		{"Na 131, K 5.2, BUN 45, Cr 2.1", "BUN 45", false},
		{"BUN/Cr 32/1.4, Na 131", "Cr 32/1", false},
		{"ST 100-110s overnight", "ST 100-110s", true},
		{"Paul 45, Na 131, K 5.2", "Paul 45", true},
		// Slashed shorthand, a number with its unit, the tube feeds and
		// acronyms of notes.
		{"Hx: CAD s/p CABG x3, HTN", "CAD s", false},
		{"N/V overnight, c/o pain", "N", false},
		{"flushed with 20cc NS", "20cc", false},
		{"thanks @ 3825pat", "3825pat", true},
		{"TF Nepro @ 20cc/hr", "TF Nepro", false},
		{"sacral decub stage II", "decub", false},
		{"Meds: ASA 81, plavix 75", "ASA", false},
		{"Asa and Lis came to visit", "Asa", true},
		{"GP to titrate Ramipril and check U&Es", "titrate Ramipril", false},
		{"Angio showed 80% LAD stenosis", "Angio", false},
		{"ECG: SR, normal axis, QTc 420ms. Vit D low", "QTc", false},
		{"Triage: ESI 2, placed in bay 3", "ESI 2", false},
		{"Cognition: MoCA 22/30 today", "MoCA 22/30", false},
		{"UB dressing SBA, LB dressing mod A", "UB", false},
		{"+McBurney's point tenderness", "McBurney", false},
		{"H. pylori bx pending", "H", false},
		{"IVF LR @ 100/hr, renal US", "100/hr", false},
		{"IVF LR @ 100/hr, renal US", "US", false},
		{"moved to the US in 2019", "US", true},
		{"given duonebs and azithro", "azithro", false},
		{"the Jobcentre keeps sanctioning me", "Jobcentre", false},
		{"Endereço: Rua Augusta, 1500", "Endereço", false},
		{"the Five Ways to Wellbeing", "Wellbeing", false},
	}
	for _, c := range cases {
		r := mustNew(t, Config{NER: phraseNER{c.phrase}})
		spans := r.Find(c.text, nil)
		if got := touched(c.text, spans, c.phrase); got != c.keep {
			t.Errorf("%q: span %q kept=%v, want %v; spans %s", c.text, c.phrase, got, c.keep, describe(c.text, spans))
		}
	}
}

// A chain the ORG list names on its own is no person or place where a
// profile leaves organisations in; one that a name or place list also
// holds stays redacted, and so does any name where ORG is redacted.
func TestShopNames(t *testing.T) {
	r := mustNew(t, Config{NER: phraseNER{"Primark", "GlaxoSmithKline", "Marks", "Costa"}})
	for _, c := range []struct {
		text, word string
		keep       bool
	}{
		{"went to Primark after work", "Primark", false},
		{"shares in GlaxoSmithKline fell", "GlaxoSmithKline", false},
		{"bought it at Marks and Spencer", "Marks", true},
		{"then got a Costa", "Costa", true},
	} {
		spans := r.Find(c.text, nil)
		if got := touched(c.text, spans, c.word); got != c.keep {
			t.Errorf("%q: %q kept=%v, want %v; spans %s", c.text, c.word, got, c.keep, describe(c.text, spans))
		}
	}
	withOrg := mustNew(t, Config{NER: phraseNER{"Primark"}, Labels: []Label{Person, Location, Org}})
	if spans := withOrg.Find("went to Primark after work", nil); !touched("went to Primark after work", spans, "Primark") {
		t.Errorf("ORG redacted: Primark not covered; spans %s", describe("went to Primark after work", spans))
	}
}

// Lab values are no address around a place the tagger proposed: "Cl"
// and "Cr" are Colombian street words, and chloride and creatinine.
func TestLabRun(t *testing.T) {
	r := mustNew(t, Config{NER: phraseNER{"BUN 45", "Cr 32/1"}})
	for _, text := range []string{
		"Labs: Na 131, K 5.2, Cl 98, CO2 22, BUN 45, Cr 2.1, Glu 210",
		"GU: UO 30-50cc/hr, amber. BUN/Cr 32/1.4. Lasix held.",
	} {
		if spans := r.Find(text, nil); len(spans) > 0 {
			t.Errorf("%q: spans %s, want none", text, describe(text, spans))
		}
	}
}

// A span the tagger makes of a false start or a compound of everyday
// words goes; a hyphenated name stays.
func TestDisfluent(t *testing.T) {
	r := mustNew(t, Config{NER: fakePersonNER{"I-I'm", "you-you've", "W-why", "a-it", "full-time", "Chris-Christian", "Grace-May", "Mary-Mary", "my-when"}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "Yeah, but my-when I made my decision", not: []string{"my-when"}},
		{text: "well I-I'm worried, you-you've had it. W-why, it's like a-it's, she works full-time", not: []string{"I-I'm", "you-you've", "W-why", "a-it", "full-time"}},
		{text: "how much does Chris-Christian know, and Grace-May, yeah Mary-Mary", want: []string{"Chris-Christian", "Grace-May", "Mary-Mary"}},
	})
}

// A word the tagger takes for a name is an everyday word where it has no
// letter or follows a subject pronoun as a verb; a pub named in lower
// case stays a place.
func TestEverydayUse(t *testing.T) {
	r := mustNew(t, Config{NER: mixedNER{place: phraseNER{"5", "crown", "settle"}, person: fakePersonNER{"mark", "Mark"}}})
	runCases(t, whole{r}, nil, []caseT{
		{text: "meet @ 5, i mark my mood daily", not: []string{"5", "mark"}},
		{text: "I saw Mark at the crown", want: []string{"Mark", "crown"}},
		{text: "starting to settle in", not: []string{"settle"}},
		{text: "we moved to settle in May", want: []string{"settle"}},
	})
}
