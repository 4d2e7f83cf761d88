package redact

import (
	"slices"
	"strings"
	"testing"
)

func TestOrgRecognizer(t *testing.T) {
	runCases(t, NewOrgRecognizer(), nil, []caseT{
		// Listed names, any case, with possessives, apostrophes and "&".
		{text: "i work at tesco in hull", want: []string{"tesco"}, not: []string{"work", "hull"}, label: Org},
		{text: "my manager at sainsburys is awful", want: []string{"sainsburys"}, not: []string{"manager"}},
		{text: "shifts at the amazon warehouse again", want: []string{"amazon"}, not: []string{"the ", "warehouse"}},
		{text: "my boss at barclays shouted", want: []string{"barclays"}},
		{text: "sainsbury's, Sainsbury\u2019s Local and tesco's car park", want: []string{"sainsbury's", "Sainsbury\u2019s Local", "tesco"}, not: []string{"'s car", "car park"}},
		{text: "mcdonalds or McDonald's or nandos", want: []string{"mcdonalds", "McDonald's", "nandos"}},
		{text: "tescos was heaving", want: []string{"tescos"}},
		{text: "Marks & Spencer, m&s, marks and spencer, M and S", want: []string{"Marks & Spencer", "m&s", "marks and spencer", "M and S"}},
		{text: "royal mail, jd sports, premier inn and b&q", want: []string{"royal mail", "jd sports", "premier inn", "b&q"}},
		{text: "got a job at the co-op", want: []string{"co-op"}, not: []string{"the "}},
		// Names that are everyday words, places or first names need evidence.
		{text: "I went to Next on my own", want: []string{"Next"}},
		{text: "i went to next on my own", want: []string{"next"}},
		{text: "Panic attack in Boots, Peterborough.", want: []string{"Boots"}},
		{text: "i rang nationwide about the overdraft", want: []string{"nationwide"}},
		{text: "the Nationwide office was shut", want: []string{"Nationwide"}},
		{text: "got a job at iceland", want: []string{"iceland"}},
		{text: "I've got an interview with Boots", want: []string{"Boots"}},
		{text: "worked for google for years", want: []string{"google"}},
		{text: "before i go to domino's", want: []string{"domino's"}},
		// Unlisted organisations after an employment cue or before a site word.
		{text: "I work at Hargreaves Logistics Ltd in Leeds", want: []string{"Hargreaves Logistics Ltd"}, not: []string{"in Leeds"}},
		{text: "got a job with Greenway Foods last year", want: []string{"Greenway Foods"}, not: []string{"last"}},
		{text: "i work for brightwave now", want: []string{"brightwave"}},
		{text: "I was employed by Fenwicks for years", want: []string{"Fenwicks"}, not: []string{"years"}},
		{text: "a company called Quantexa hired me", want: []string{"Quantexa"}},
		{text: "i got laid off from Thorntons", want: []string{"Thorntons"}},
		{text: "my employer, Pladis, said no", want: []string{"Pladis"}},
		{text: "I work for DWP", want: []string{"DWP"}},
		{text: "the Hargreaves depot is closing", want: []string{"Hargreaves"}, not: []string{"depot"}},
		{text: "everyone at Brightwave head office knows", want: []string{"Brightwave"}, not: []string{"head office"}},
		// Legal and public-body suffixes.
		{text: "she works for Hargreaves & Sons Ltd", want: []string{"Hargreaves & Sons Ltd"}},
		{text: "i work for hull city council and kirklees council", want: []string{"hull city council", "kirklees council"}, not: []string{"work for"}},
		{text: "she works for Leeds Teaching Hospitals NHS Trust now", want: []string{"Leeds Teaching Hospitals NHS Trust"}, not: []string{"now"}},
		{text: "West Yorkshire Police came round", want: []string{"West Yorkshire Police"}, not: []string{"came"}},
		{text: "a letter from Betsi Cadwaladr University Health Board", want: []string{"Betsi Cadwaladr University Health Board"}},

		// Decoys: generic bodies, time, home, everyday words.
		{text: "i work at home on fridays", not: []string{"home", "fridays"}},
		{text: "i work from home", not: []string{"home"}},
		{text: "I have to work at the weekend", not: []string{"weekend"}},
		{text: "i have to Work at the Weekend", not: []string{"Weekend"}},
		{text: "my shift at 9 was cancelled", not: []string{"9"}},
		{text: "i was at the bank", not: []string{"bank"}},
		{text: "the council said no", not: []string{"council"}},
		{text: "got a job with the council", not: []string{"council"}},
		{text: "got a job with the nhs and then the NHS trust rang", not: []string{"nhs", "NHS"}},
		{text: "called the police and the local police came", not: []string{"police"}},
		{text: "the county council and the city council", not: []string{"county council", "city council"}},
		{text: "next week is better, see you at next session", not: []string{"next"}},
		{text: "or is it something you-- Next time you might do?", not: []string{"Next"}},
		{text: "I put my boots on and walked in boots", not: []string{"boots"}},
		{text: "i could cut out the pies at works.", not: []string{"works"}},
		{text: "I googled it and watched netflix on Google", not: []string{"googled", "netflix", "Google"}},
		{text: "I work for Dave", not: []string{"Dave"}},
		{text: "I got a job at Leeds", not: []string{"Leeds"}},
		{text: "work at St James's Hospital", not: []string{"St James's Hospital"}},
		{text: "that was a turning point, go ahead, just eat something", not: []string{"turning point", "go ahead", "just eat"}},
		{text: "a direct line to him, and the first direct debit", not: []string{"direct line", "first direct"}},
		{text: "a new look and the white stuff, our pets at home", not: []string{"new look", "white stuff", "pets at home"}},
		{text: "We went to Costa Rica", not: []string{"Costa"}},
		{text: "Dr Costa and my friend Zara", not: []string{"Costa", "Zara"}},
		{text: "the sky was clear and the range was wide", not: []string{"sky", "range"}},
		{text: "went up the post office", not: []string{"post office"}},
	})
}

// TestOrgInRedactor checks ORG against the other recognizers: the merge
// settles overlaps by score, and without ORG in the labels the recognizer
// does not run.
func TestOrgInRedactor(t *testing.T) {
	withOrg := mustNew(t, Config{Labels: Labels})
	for _, c := range []struct {
		text, sub string
		want      Label
	}{
		{"they cut my hours at Iceland in Braintree", "Iceland", Org},
		{"we flew to Iceland last year", "Iceland", Location},
		{"I rang Halifax about my mortgage", "Halifax", Org},
		{"she moved to Halifax in May", "Halifax", Location},
		{"i used to work at Sainsbury's", "Sainsbury's", Org},
		{"my sister Zara works at Zara", "Zara", Person},
		{"she works for Leeds Teaching Hospitals NHS Trust", "Leeds Teaching Hospitals NHS Trust", Org},
	} {
		spans := withOrg.Find(c.text, nil)
		if !covered(c.text, spans, c.sub) {
			t.Errorf("%q: %q not covered: %s", c.text, c.sub, describe(c.text, spans))
			continue
		}
		if got := labelAt(c.text, spans, c.sub); got != c.want {
			t.Errorf("%q: %q is %s, want %s: %s", c.text, c.sub, got, c.want, describe(c.text, spans))
		}
	}

	def := mustNew(t, Config{})
	text := "i work at tesco and my boss at Hargreaves Ltd"
	for _, s := range def.Find(text, nil) {
		if s.Label == Org {
			t.Errorf("default labels gave ORG: %s", describe(text, []Span{s}))
		}
	}
	names := func(r *Redactor) []string {
		var out []string
		for _, rec := range r.Recognizers() {
			out = append(out, rec.Name())
		}
		return out
	}
	if slices.Contains(names(def), srcOrg) {
		t.Errorf("org recognizer runs without ORG in the labels: %v", names(def))
	}
	if !slices.Contains(names(withOrg), srcOrg) {
		t.Errorf("org recognizer missing with ORG in the labels: %v", names(withOrg))
	}
	// Only ORG: the other labels' spans are dropped before merging.
	only := mustNew(t, Config{Labels: []Label{Org}})
	text = "dave moved to leeds and tesco was shut"
	spans := only.Find(text, nil)
	if len(spans) != 1 || text[spans[0].Start:spans[0].End] != "tesco" || spans[0].Label != Org || spans[0].Source != srcOrg || spans[0].Score != scOrgList {
		t.Errorf("ORG only: %s", describe(text, spans))
	}
}

// TestOrgEdgeInputs runs the recognizer on fragments that end or start
// inside a name's shape: no panic, spans in range and on token edges.
func TestOrgEdgeInputs(t *testing.T) {
	rec := NewOrgRecognizer()
	for _, text := range []string{"", "&", "m&", "&s", "m&s", "b&q&", "tesco'", "sainsbury'", "sainsbury's", "’s",
		"Ltd", "council", "NHS Trust", "work at", "work at the", "shifts at École", "jobs at ééé Ltd",
		"marks and", "marks &", "the co-", "Hull City", "head office", "the X head"} {
		for _, s := range rec.Find(nil, text, nil) {
			if s.Start < 0 || s.End > len(text) || s.Start >= s.End || s.Label != Org {
				t.Errorf("%q: bad span %+v", text, s)
			}
		}
	}
}

// TestOrgList checks the embedded list: it parses, has no repeats, is of
// the intended size and leaves out the bodies that identify nobody.
func TestOrgList(t *testing.T) {
	if !strings.Contains(orgNamesText, "hand-written list") || !strings.Contains(orgNamesText, "no third-party licence") {
		t.Error("org list header must say it is hand-written and carries no third-party licence")
	}
	seen := map[string]bool{}
	n := 0
	for i, line := range strings.Split(orgNamesText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		n++
		name := strings.TrimLeft(line, "~^*=")
		toks := orgCanon(name)
		if len(toks) == 0 {
			t.Errorf("line %d: no tokens", i+1)
			continue
		}
		key := strings.Join(toks, " ")
		if seen[key] {
			t.Errorf("line %d: %q repeats an earlier name", i+1, name)
		}
		seen[key] = true
	}
	if n < 300 || n > 700 {
		t.Errorf("list has %d names, want a few hundred", n)
	}
	for _, w := range []string{"nhs", "gp", "dwp", "hmrc", "jobcentre", "universal credit", "council", "police",
		"citizens advice", "samaritans", "mind", "shelter", "childline", "bank"} {
		if seen[w] {
			t.Errorf("%q is listed: it identifies nobody", w)
		}
	}
	// Every listed first token passes the prefilter in each form the
	// matcher probes.
	o := getOrgTables()
	for w := range o.first {
		for _, f := range []string{w, w + "s"} {
			if !o.mayStart([]byte(f)) {
				t.Errorf("prefilter rejects %q", f)
			}
		}
	}
}

// BenchmarkFindOrg is BenchmarkFind with ORG among the labels: the whole
// recognizer set including the organisation recognizer.
func BenchmarkFindOrg(b *testing.B) {
	_, subj, text := benchRedactor(b)
	r, err := New(Config{Labels: Labels})
	if err != nil {
		b.Fatal(err)
	}
	r.Find(text, subj)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Find(text, subj)
	}
}
