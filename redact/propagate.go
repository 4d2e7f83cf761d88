package redact

// Propagation carries the rare words redacted as names or places in one
// record's texts to every other occurrence in them (Find does the same
// within one text; the extract carries a patient's words forward in
// record order with Consistency.Carry): "Nowak said ..." in
// one note makes "spoke to nowak" in another a name too, although alone it
// would not be ("nowak" in lower case after "to" is weak evidence).
//
// Only rare words are carried: alphabetic, three bytes or more, not an
// everyday English word (SCOWL size 35), not on the safelist, not a cue,
// title, kin, function or facility word. A common word that was a name in
// one place ("Rose said") is not spread to "a rose", which is why the rule
// is safe to apply to every text of a record. Within one text, Find also
// carries the capitalised parts of a full name to other capitalised
// mid-sentence mentions, everyday words included ("Anne Black ... Black
// found"; see namePart).
//
// A Propagation is not safe for concurrent use: learn from every text of
// the record first (Learn), then add the spans (Apply). Words are kept in
// lower case in memory only; they are never logged.
type Propagation struct {
	words map[string]Label
}

// NewPropagation returns an empty Propagation for one record.
func NewPropagation() *Propagation { return &Propagation{} }

// Len is the number of words learned.
func (p *Propagation) Len() int { return len(p.words) }

// Learn records the rare words of text covered whole by a PERSON or
// LOCATION span of spans (as Redactor.Find returns them).
func (p *Propagation) Learn(text string, spans []Span) {
	if len(spans) == 0 {
		return
	}
	sc := getScan(text)
	defer putScan(sc)
	p.learn(sc, spans)
}

// maxCarried bounds the words one Propagation (one record, one patient)
// holds.
const maxCarried = 4096

// learn is Learn on a scan of the text.
func (p *Propagation) learn(sc *scan, spans []Span) {
	k := 0
	for i := range sc.toks {
		tk := sc.toks[i]
		for k < len(spans) && spans[k].End <= tk.s {
			k++
		}
		if k == len(spans) {
			break
		}
		s := spans[k]
		if s.Start > tk.s || s.End < tk.e || (s.Label != Person && s.Label != Location) || !rareWord(sc, i) {
			continue
		}
		if _, ok := p.words[string(sc.lw(i))]; !ok && len(p.words) < maxCarried {
			if p.words == nil {
				p.words = map[string]Label{}
			}
			p.words[string(sc.lw(i))] = s.Label
		}
	}
}

// apply is Apply on a scan of text: the spans of every occurrence of a
// learned word, merged in.
func (p *Propagation) apply(sc *scan, text string, spans []Span) []Span {
	n := len(spans)
	for i := range sc.toks {
		if !sc.alpha(i) {
			continue
		}
		if l, ok := p.words[string(sc.lw(i))]; ok {
			spans = append(spans, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: l, Source: srcContext, Score: scGazLow})
		}
	}
	if len(spans) == n {
		return spans
	}
	return Merge(text, spans)
}

// rareWord reports whether token i may be carried to the rest of a record.
func rareWord(sc *scan, i int) bool {
	if !sc.alpha(i) || sc.toks[i].e-sc.toks[i].s < 3 {
		return false
	}
	e := sc.lex(i)
	if e.wc == wCommon || e.is(bNotName|bChat|bKin|bTitle|bFunction|bPronoun|bGeneric|bFacility|bStreet|bPlaceMod|bFacilityMod|bVerbObject) {
		return false
	}
	return !safe(sc, i)
}

// Apply returns spans (sorted, merged, as Redactor.Find returns them)
// with every occurrence in text of a learned word added and merged in.
func (p *Propagation) Apply(text string, spans []Span) []Span {
	if len(p.words) == 0 || text == "" {
		return spans
	}
	sc := getScan(text)
	defer putScan(sc)
	return p.apply(sc, text, spans)
}

// maxWithin bounds the rare words one text carries within itself.
const maxWithin = 16

// propagateWithin is Propagation inside one text, on the scan Find
// already has: every other occurrence of a rare word that a PERSON or
// LOCATION span covers whole gets a span of that label ("Nowak said ...
// later nowak rang"). Up to maxWithin words are carried; matching is by
// lower-cased token.
func propagateWithin(sc *scan, spans []Span) []Span {
	var learned [maxWithin]struct {
		tok   int
		label Label
	}
	n := 0
	for _, s := range spans {
		if s.Label != Person && s.Label != Location {
			continue
		}
		first := firstTokenFrom(sc, s.Start)
		full := s.Label == Person && first >= 0 && first+1 < len(sc.toks) && sc.toks[first+1].e <= s.End
		for i := first; i >= 0 && i < len(sc.toks) && sc.toks[i].e <= s.End && n < maxWithin; i++ {
			if rareWord(sc, i) || full && namePart(sc, i) {
				learned[n].tok, learned[n].label = i, s.Label
				n++
			}
		}
	}
	if n == 0 {
		return spans
	}
	m := len(spans)
	for i := range sc.toks {
		if !sc.alpha(i) || sc.toks[i].e-sc.toks[i].s < 3 {
			continue
		}
		w := sc.lw(i)
		for _, l := range learned[:n] {
			if l.tok != i && string(sc.lw(l.tok)) == string(w) && !covers(spans[:m], sc.toks[i].s) &&
				(rareWord(sc, l.tok) || sc.capital(i) && !sc.sentStart(i)) {
				spans = append(spans, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: l.label, Source: srcContext, Score: scGazLow})
				break
			}
		}
	}
	return spans
}

// namePart reports whether token i, inside a PERSON span of two or more
// tokens, is a capitalised part of the name that an everyday word may
// also be: "Emily Blunt ... Blunt said", "Dr Mary Stone ... Stone". Within
// one text such a part is carried, but only to another capitalised
// mid-sentence occurrence ("a blunt knife", "Stone walls" at a sentence
// start stay).
func namePart(sc *scan, i int) bool {
	return sc.capital(i) && !sc.sentStart(i) && sc.toks[i].e-sc.toks[i].s >= 3 &&
		!sc.lex(i).is(bNotName|bChat|bKin|bTitle|bFunction|bPronoun|bGeneric|bFacility|bStreet|bPlaceMod|bFacilityMod|bMonth|bWeekday) && !safe(sc, i)
}

// FindRecord finds the spans of every text of one record (for one subject,
// which may be nil) and carries the record's rare redacted words across all
// of them (see Propagation). The result has one span list per text. Find
// already carries a text's words within it, so one text needs no more.
func (r *Redactor) FindRecord(texts []string, subj *Subject) [][]Span {
	if len(texts) == 1 {
		return [][]Span{r.Find(texts[0], subj)}
	}
	out := make([][]Span, len(texts))
	p := NewPropagation()
	for i, t := range texts {
		out[i] = r.Find(t, subj)
		p.Learn(t, out[i])
	}
	for i, t := range texts {
		out[i] = p.Apply(t, out[i])
	}
	return out
}
