package evaluate

import (
	"math"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact"
)

func sp(s, e int, l redact.Label) redact.Span { return redact.Span{Start: s, End: e, Label: l} }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScore(t *testing.T) {
	// "Becky Smith went to Leeds on 3rd March"
	//  0     6     12   17 20    26 29  33
	doc := redact.Document{ID: "d1", Text: "Becky Smith went to Leeds on 3rd March",
		Spans: []redact.Span{sp(0, 11, redact.Person), sp(20, 25, redact.Location), sp(29, 38, redact.Date)}}
	pred := map[string][]redact.Span{
		"d1": {sp(0, 5, redact.Person), sp(6, 11, redact.Location), sp(20, 25, redact.Location), sp(17, 19, redact.Location), sp(29, 33, redact.Date)},
	}
	rep := Score([]redact.Document{doc}, func(d redact.Document) []redact.Span { return pred[d.ID] })

	person, _ := rep.Get(redact.Person)
	// Every letter of "Becky Smith" is covered (by two spans of two labels): caught.
	if person.Entities != 1 || person.EntitiesCaught != 1 || !near(person.LeakRecall, 1) {
		t.Errorf("person %+v", person)
	}
	date, _ := rep.Get(redact.Date)
	// "3rd March" is half covered: a leak; its tokens: "3rd" caught, "March" not.
	if date.EntitiesCaught != 0 || date.GoldTokens != 2 || date.GoldTokensCaught != 1 || !near(date.TokenRecall, 0.5) {
		t.Errorf("date %+v", date)
	}
	loc, _ := rep.Get(redact.Location)
	// Predicted LOCATION tokens: "Smith" (overlaps gold PERSON: not a false
	// positive), "Leeds", "to" (false positive).
	if loc.PredTokens != 3 || loc.PredTokensFP != 1 || !near(loc.TokenPrecision, 2.0/3) {
		t.Errorf("location %+v", loc)
	}
	if rep.Total.Entities != 3 || rep.Total.EntitiesCaught != 2 || rep.MissesTotal != 1 || len(rep.Misses) != 1 {
		t.Errorf("total %+v misses %+v", rep.Total, rep.Misses)
	}
	if m := rep.Misses[0]; m.ID != "d1" || m.Label != "DATE" || m.Text != "3rd March" {
		t.Errorf("miss %+v", m)
	}
	// 8 word tokens; 5 touched by predictions (Becky, Smith, to, Leeds, 3rd).
	if rep.Tokens != 8 || rep.TokensRedacted != 5 {
		t.Errorf("tokens %d redacted %d", rep.Tokens, rep.TokensRedacted)
	}
	if rep.Labels[0].Label != "PERSON" || rep.Labels[1].Label != "LOCATION" {
		t.Errorf("label order %v", rep.Labels)
	}
}

func TestScoreLabelFilterAndMisses(t *testing.T) {
	docs := []redact.Document{
		{ID: "a", Text: "emma loves Rick and Morty", Spans: []redact.Span{sp(0, 4, redact.Person), sp(11, 25, "OTHER_CREATIVE_WORK")}},
		{ID: "b", Text: "kaite in Gardena", Spans: []redact.Span{sp(0, 5, redact.Person), sp(9, 16, redact.Location)}},
	}
	find := func(d redact.Document) []redact.Span {
		if d.ID == "a" {
			return []redact.Span{sp(0, 4, redact.Person), sp(11, 15, redact.Person)}
		}
		return nil
	}
	s := NewScorer(Options{Labels: []redact.Label{redact.Person, redact.Location}, MaxMisses: 1})
	for _, d := range docs {
		s.Add(d, find(d))
	}
	rep := s.Report()
	for _, ls := range rep.Labels {
		if strings.HasPrefix(ls.Label, "OTHER") {
			t.Errorf("filtered label reported: %+v", ls)
		}
	}
	person, _ := rep.Get(redact.Person)
	// "Rick" is a false positive once OTHER_* gold is filtered out.
	if person.Entities != 2 || person.EntitiesCaught != 1 || person.PredTokens != 2 || person.PredTokensFP != 1 {
		t.Errorf("person %+v", person)
	}
	// "Rick" falls on the gold OTHER_CREATIVE_WORK: left out of precision
	// against other entities, which is then 1 of 1.
	if person.PredTokensOther != 1 || !near(person.PrecisionExclOther, 1) || !near(person.TokenPrecision, 0.5) {
		t.Errorf("precision excluding other entities %+v", person)
	}
	if rep.MissesTotal != 2 || len(rep.Misses) != 1 {
		t.Errorf("misses %d kept %d", rep.MissesTotal, len(rep.Misses))
	}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil || !strings.Contains(b.String(), "PERSON") || !strings.Contains(b.String(), "miss\ta\t") && !strings.Contains(b.String(), "miss\tb\t") {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestScoreEmptyAndOutOfRange(t *testing.T) {
	rep := Score([]redact.Document{{ID: "x", Text: "héllo", Spans: []redact.Span{sp(-2, 99, redact.Person)}}},
		func(redact.Document) []redact.Span { return []redact.Span{sp(3, 100, redact.Person)} })
	p, _ := rep.Get(redact.Person)
	if p.Entities != 1 || p.EntitiesCaught != 0 {
		t.Errorf("clamped scoring %+v", p)
	}
	empty := Score(nil, nil)
	if empty.Docs != 0 || empty.Total.LeakRecall != 1 || empty.RedactedShare != 0 {
		t.Errorf("empty report %+v", empty)
	}
}
