package redact

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/redact/entity"
)

// NER is the named-entity model the NER recognizer wraps; *ner.Model from
// package redact/ner satisfies it (entity.Entity is the type the two share,
// so redact imports no model). Entities must be safe for concurrent use.
type NER interface {
	Entities(text string, dst []entity.Entity) []entity.Entity
}

// nerRecognizer adapts an NER model to the Recognizer interface.
type nerRecognizer struct {
	m    NER
	pool sync.Pool
}

// NewNERRecognizer wraps an NER model ("ner"). Labels other than PERSON and
// LOCATION are dropped; offsets are clamped to the text and rune
// boundaries whatever the model returns.
func NewNERRecognizer(m NER) Recognizer {
	return &nerRecognizer{m: m, pool: sync.Pool{New: func() any { s := make([]entity.Entity, 0, 16); return &s }}}
}

func (r *nerRecognizer) Name() string { return srcNER }

func (r *nerRecognizer) Find(dst []Span, text string, _ *Subject) []Span {
	bp := r.pool.Get().(*[]entity.Entity)
	ents := r.m.Entities(text, (*bp)[:0])
	for _, e := range ents {
		var l Label
		switch e.Label {
		case entity.Person:
			l = Person
		case entity.Location:
			l = Location
		default:
			continue
		}
		s, en := fixBoundary(text, e.Start), fixEnd(text, e.End)
		// A name does not run over a line break ("Maria Garcia\nCalle
		// Mayor 5" is a name, then a street): each line's part is a span
		// of its own.
		for s < en {
			cut := strings.IndexByte(text[s:en], '\n')
			if cut < 0 {
				cut = en - s
			}
			if p := strings.TrimRight(text[s:s+cut], " \t\r"); p != "" {
				dst = append(dst, Span{Start: s, End: s + len(p), Label: l, Source: srcNER, Score: e.Score})
			}
			s += cut
			for s < en && (text[s] == '\n' || text[s] == ' ' || text[s] == '\t' || text[s] == '\r') {
				s++
			}
		}
	}
	*bp = ents[:0]
	r.pool.Put(bp)
	return dst
}

// Config chooses what a Redactor finds.
type Config struct {
	Labels        []Label // labels redacted; empty = every label except ORG
	KeepCountries bool    // keep country names (a profile option); by default they are LOCATION
	NER           NER     // nil = no NER recognizer
}

// Redactor runs every recognizer over a text and merges their spans. It is
// immutable after New and safe for concurrent use.
type Redactor struct {
	recs   []Recognizer
	labels map[Label]bool
}

// New builds a Redactor. It fails on a label it does not know.
func New(cfg Config) (*Redactor, error) {
	r := &Redactor{labels: map[Label]bool{}}
	if len(cfg.Labels) == 0 {
		for _, l := range Labels {
			if l != Org {
				r.labels[l] = true
			}
		}
	}
	for _, l := range cfg.Labels {
		if !slices.Contains(Labels, l) {
			return nil, fmt.Errorf("redact: unknown label %q", l)
		}
		r.labels[l] = true
	}
	r.recs = []Recognizer{NewKnownRecognizer(), NewPatternRecognizer(), NewContextRecognizer(cfg.KeepCountries), NewAddressRecognizer()}
	if r.labels[Org] {
		// Only a profile that redacts ORG pays for it.
		r.recs = append(r.recs, NewOrgRecognizer())
	}
	if cfg.NER != nil {
		r.recs = append(r.recs, NewNERRecognizer(cfg.NER))
	}
	return r, nil
}

// Recognizers returns the recognizers in the order they run.
func (r *Redactor) Recognizers() []Recognizer { return slices.Clone(r.recs) }

// Find returns the merged spans of text: sorted by Start, non-overlapping,
// on rune boundaries of text, only of the configured labels. subj may be
// nil. Recognizers run on the normalised view of text (see getViewScan);
// a span covers every original byte of what it matched.
func (r *Redactor) Find(text string, subj *Subject) []Span {
	spans, _ := r.find(text, subj, nil, false)
	return spans
}

// FindCarry is Find that also appends to rare, and returns, the rare words
// of text (Start and End in text, in order; the other fields empty): the
// words Consistency.Carry learns from and looks for across a patient's
// texts. Finding them here, where the text is already scanned, keeps
// Carry's own work to a few map lookups. Unlike Find it leaves carrying
// the words within text to Carry, which does it anyway.
func (r *Redactor) FindCarry(text string, subj *Subject, rare []Span) ([]Span, []Span) {
	return r.find(text, subj, rare, true)
}

func (r *Redactor) find(text string, subj *Subject, rare []Span, wantRare bool) ([]Span, []Span) {
	if text == "" || len(r.recs) == 0 {
		return nil, rare // nothing to look for: no view to build
	}
	// Every recognizer sees the normalised view, built once: an identifier
	// hidden by a zero-width space, an entity or a full-width digit is
	// found by all of them or by none, and the spans are mapped back to
	// the original bytes before merging.
	sc := getViewScan(text)
	// Recognizers append into the scan's reusable buffer; the merged
	// result is copied out once at its final size.
	spans := sc.spans[:0]
	for _, rec := range r.recs {
		if sr, ok := rec.(scanRecognizer); ok {
			spans = sr.find(spans, sc, subj)
		} else {
			spans = rec.Find(spans, sc.text, subj)
		}
	}
	used := spans // every slot a recognizer wrote, cleared before reuse
	found := len(spans) > 0
	if !r.labels[Org] {
		spans = shopNames(sc, spans)
	}
	// Drop labels not redacted before merging, so that an unwanted label
	// can never swallow a wanted one.
	k := 0
	for _, s := range spans {
		if r.labels[s.Label] {
			spans[k] = s
			k++
		}
	}
	spans = spans[:k]
	spans = trimEdges(sc, spans)
	spans = dropSafe(sc, spans)
	spans = extendInitials(sc, spans)
	spans = dottedWhole(sc, spans)
	spans = extendHyphens(sc, spans)
	spans = placeLists(sc, spans)
	spans = addressAround(sc, spans)
	spans = addressLines(sc, spans)
	spans = addressBlock(sc, spans)
	spans = postcodeInAddress(spans)
	spans = joinNames(sc, spans)
	spans = particleBridge(sc, spans)
	spans = nameLines(sc, spans)
	spans = nameCompanions(sc, spans)
	spans = namesOf(sc, spans)
	spans = placeConnectives(sc, spans)
	spans = possessivePlaces(sc, spans)
	if !wantRare {
		// FindCarry's caller carries the words itself (Consistency.Carry),
		// within this text as across the patient's others.
		spans = propagateWithin(sc, spans)
	}
	sc.mapSpans(spans)
	if wantRare {
		n := len(rare)
		for i := range sc.toks {
			if rareWord(sc, i) {
				rare = append(rare, Span{Start: sc.toks[i].s, End: sc.toks[i].e})
			}
		}
		sc.mapSpans(rare[n:])
	}
	merged := Merge(text, spans)
	var out []Span
	if found || len(merged) > 0 {
		// Non-nil even when every span was dropped, as before the buffer;
		// the line rules (nameLines) may add the first span.
		out = make([]Span, len(merged))
		copy(out, merged)
	}
	clear(used) // the pooled buffer keeps no refs alive
	sc.spans = used[:0]
	putScan(sc)
	return out, rare
}

// shopNames drops the name and place spans of the dictionary-free
// recognizers that lie inside an organisation the ORG list names on its
// own ("went to Primark", "shares in GlaxoSmithKline"), where a profile
// leaves organisations in the text: a chain's name is no person's or
// place's. A listed name that any name or place list also holds
// ("Sainsbury's", "Costa") stays a possible person or place: fail closed.
func shopNames(sc *scan, spans []Span) []Span {
	r := orgRecognizer{o: getOrgTables()}
	k := 0
	for _, s := range spans {
		if (s.Label == Person || s.Label == Location) && (s.Source == srcNER || s.Source == srcContext || s.Source == srcGazetteer) && r.listedAround(sc, s) {
			continue
		}
		spans[k] = s
		k++
	}
	return spans[:k]
}

// listedAround reports whether span s lies inside a name the ORG list
// holds on its own, starting at s's first word or up to two words before
// it ("Marks & Spencer"), that no name or place list also holds.
func (r *orgRecognizer) listedAround(sc *scan, s Span) bool {
	f := firstTokenFrom(sc, s.Start)
	if f < 0 {
		return false
	}
	sc.lex(f) // listed reads the lexicon
	for i := f; i >= 0 && i >= f-2; i-- {
		if !sc.alpha(i) || !r.o.mayStart(sc.lw(i)) {
			continue
		}
		if o, _, ok := r.listed(sc, i); ok && o.Source == srcOrg && o.Score >= scOrgList && o.Start <= s.Start && s.End <= o.End && !namedWord(sc, o) {
			return true
		}
	}
	return false
}

// namedWord reports whether a word of span s is on a name or place list,
// the UK's or the world's.
func namedWord(sc *scan, s Span) bool {
	t := getTables()
	for i := firstTokenFrom(sc, s.Start); i >= 0 && i < len(sc.toks) && sc.toks[i].s < s.End; i++ {
		if !sc.alpha(i) {
			continue
		}
		if e := sc.lex(i); e.nf != 0 || e.place != pkNone || t.world(sc, i)&(bWorldFirst|bWorldSurname|bWorldPlace) != 0 {
			return true
		}
	}
	return false
}

// trimEdges gives the text back the words the tagger takes at a span's
// edges: a lower-case everyday word before a capitalised name, the kin
// word, title or role before a name, and the label of the next field of a
// record written on one line after a name or place:
// "Name: HOLLINS, DAVID DOB: 12/03/1984" ends the name at "DAVID". A span
// that is only a label goes when a number follows it ("Tel: 0113 ...",
// "Tel 0113 ..."): before words, "Tel:" is as likely a speaker called Tel.
func trimEdges(sc *scan, spans []Span) []Span {
	k := 0
	for _, s := range spans {
		if s.Source == srcNER && (s.Label == Person || s.Label == Location) {
			// An English word in lower case before a capitalised name is
			// no part of it: "to harm Gary", "to titrate Ramipril" (the
			// tagger's "harm Gary", "titrate Ramipril").
			if f := firstTokenFrom(sc, s.Start); f >= 0 && f+1 < len(sc.toks) && sc.toks[f].s == s.Start && sc.toks[f+1].e <= s.End &&
				sc.spaced(f) && sc.alpha(f) && sc.toks[f].f&tCap == 0 && (sc.lex(f).wc != wNone || getTables().rareWords.has(sc.lw(f))) && sc.toks[f+1].f&tCap != 0 &&
				!nameParticles[string(sc.lw(f))] && !placePrefixes[string(sc.lw(f))] && !placeHeads[string(sc.lw(f))] && !compassWords[string(sc.lw(f))] && !sc.has(f, bStreet|bFacility) {
				s.Start = sc.toks[f+1].s
			}
			// Laughter, a chat word or a stretched word opens no name:
			// "lmaooo ksi", "omg jess", "sooo sarah".
			for {
				f := firstTokenFrom(sc, s.Start)
				if f < 0 || f+1 >= len(sc.toks) || sc.toks[f].s != s.Start || sc.toks[f+1].e > s.End || !sc.spaced(f) || !sc.alpha(f) ||
					!(laughter(sc.lw(f)) || heldLetters(sc.lw(f)) || sc.has(f, bChat)) || sc.lex(f).nf != 0 {
					break
				}
				s.Start = sc.toks[f+1].s
			}
		}
		if s.Source == srcNER && (s.Label == Person || s.Label == Location) {
			// A preposition or conjunction in lower case closes no name:
			// "6 West via" (the tagger's, of "to 6 West via bed").
			for {
				last := lastTokenBefore(sc, s.End)
				if last < 1 || sc.toks[last].e != s.End || sc.toks[last].s <= s.Start || sc.toks[last].f&tCap != 0 || !trailingWords[string(sc.lw(last))] || !sc.spaced(last-1) {
					break
				}
				s.End = sc.toks[last-1].e
			}
		}
		if s.Label == Person {
			// A kin word, a title or a role's shorthand the tagger took
			// before a name stays in the text, as titles do: "Wife
			// Maureen", "SW Janet", "RN Paula".
			for {
				f := firstTokenFrom(sc, s.Start)
				// "ex-partner Wayne": a kin word may join the next with a hyphen.
				joined := f >= 0 && f+1 < len(sc.toks) && (sc.spaced(f) || sc.gap(f) == "-" && sc.has(f+1, bKin))
				if f < 0 || f+1 >= len(sc.toks) || sc.toks[f].s != s.Start || sc.toks[f+1].e > s.End || !joined || !sc.alpha(f+1) ||
					!(sc.has(f, bKin|bTitle) || sc.toks[f].f&tUpper != 0 && safe(sc, f)) || sc.isWord(f, "baby") {
					break // "Baby P" is how a child is named
				}
				s.Start = sc.toks[f+1].s
			}
		}
		if (s.Label == Person || s.Label == Location) && s.Source != srcKnown {
			// A name runs up to an e-mail address or a web address, not
			// into it: "Sarah Jones sarah.jones@nhs.net" is a name and an
			// address, each under its own label.
			for _, o := range spans {
				if (o.Label == Email || o.Label == URL) && o.Start > s.Start && o.Start < s.End && o.End >= s.End {
					s.End = o.Start
					for s.End > s.Start && (sc.text[s.End-1] == ' ' || sc.text[s.End-1] == '\t') {
						s.End--
					}
				}
			}
			if s.End <= s.Start {
				continue
			}
			for {
				last := lastTokenBefore(sc, s.End)
				if last < 0 || sc.toks[last].e != s.End || !fieldLabels[string(sc.lw(last))] {
					break
				}
				after, colon := strings.CutPrefix(strings.TrimLeft(sc.text[s.End:], " "), ":")
				if !colon {
					after = strings.TrimPrefix(after, ".") // "ext. 37625"
				}
				after = strings.TrimLeft(after, " ")
				number := after != "" && (isDigit(after[0]) || after[0] == '+' || after[0] == '(')
				if !number && (!colon || sc.toks[last].s <= s.Start) {
					break
				}
				s.End = sc.toks[last].s
				for s.End > s.Start && (sc.text[s.End-1] == ' ' || sc.text[s.End-1] == '\t') {
					s.End--
				}
			}
			if s.End <= s.Start {
				continue
			}
		}
		spans[k] = s
		k++
	}
	return spans[:k]
}

// trailingWords never end a name.
var trailingWords = words(`via to from in at on for with by into onto of and or but than as`)

// fieldLabels name the fields of a patient record and nobody or nowhere
// ("Ward:" and "Mobile:" could end a name or a place: they stay in it).
var fieldLabels = words(`dob dod age sex gender address addr postcode tel telephone phone email nhs mrn ext
	gp ref id dept occupation nok`)

// extendInitials widens a PERSON or LOCATION span over a preceding
// initial: "J. Smith", "R Patel" (the initial belongs to the name), "N.
// Ireland", and over the "O'", "D'" or "L'" of an Irish, Italian or French
// surname ("O'Keefe", "D'Angelo", "L'Heureux"), which the tokenizers split
// at the apostrophe.
func extendInitials(sc *scan, spans []Span) []Span {
	t := sc.text
	for i := range spans {
		s := &spans[i]
		if s.Label != Person && s.Label != Location {
			continue // a place takes an initial too: "N. Ireland", and the tagger labels some people places
		}
		for _, ap := range []string{"'", "’"} {
			if q := s.Start - len(ap); q >= 1 && t[q:s.Start] == ap && (t[q-1]|0x20 == 'o' || t[q-1]|0x20 == 'd' || t[q-1] == 'L') &&
				(q < 2 || !isASCIILetter(t[q-2]) && !isDigit(t[q-2])) {
				s.Start = q - 1
				break
			}
		}
		// Dotted initials chain: "R. E. Glenn", "W.H.S. Koerner"; in
		// lower case only dotted ones before a person ("r. e. glenn"),
		// and not an abbreviation's ("e.g. glenn").
		start, letters := s.Start, 0
		lower := 0
		for first := true; s.Start >= 2; first = false {
			q := s.Start
			if t[q-1] == ' ' {
				q--
			} else if first {
				break
			}
			dot := false
			if q > 0 && t[q-1] == '.' {
				q--
				dot = true
			}
			low := q >= 1 && t[q-1] >= 'a' && t[q-1] <= 'z' && dot && s.Label == Person
			if q < 1 || q == s.Start || (t[q-1] < 'A' || t[q-1] > 'Z') && !low || (q >= 2 && (isASCIILetter(t[q-2]) || isDigit(t[q-2]))) {
				break
			}
			if !dot && (!first || t[q-1] == 'I' || t[q-1] == 'A') {
				break // the pronoun and the article; only dotted initials chain
			}
			if low {
				lower++
			}
			letters++
			s.Start = q - 1
		}
		if lower > 0 {
			var buf [8]byte
			w := buf[:0]
			for p := s.Start; p < start && len(w) < cap(buf); p++ {
				if isASCIILetter(t[p]) {
					w = append(w, t[p]|0x20)
				}
			}
			if letters > len(buf) || dottedSafe[string(w)] {
				s.Start = start
			}
		}
	}
	return spans
}

// dottedWhole widens a PERSON or LOCATION span that covers a letter of a
// dotted abbreviation over all of its letters: "P.E.I.", "L.A.", "U.S."
// and their tokenised forms ("B . C ."), of which the tagger may take
// some letters and not others. Half an abbreviation redacted leaks the
// rest of it. The tagger's letters of an abbreviation that is no name
// ("N.B.", "P.S.") are dropped.
func dottedWhole(sc *scan, spans []Span) []Span {
	n := len(spans)
	var buf [8]byte
	for i := 0; i < len(sc.toks); i++ {
		j, letters := dottedGroup(sc, i, buf[:0])
		if j < 0 {
			continue
		}
		start, end := sc.toks[i].s, sc.toks[j].e
		if dottedSafe[string(letters)] {
			for x := 0; x < n; x++ {
				if o := &spans[x]; o.Source == srcNER && o.Start >= start && o.End <= end {
					o.Label = "" // dropped below
				}
			}
			i = j
			continue
		}
		for x := 0; x < n; x++ {
			o := spans[x]
			if (o.Label == Person || o.Label == Location) && o.Start < end && start < o.End && (o.Start > start || o.End < end) {
				spans = append(spans, Span{Start: min(start, o.Start), End: max(end, o.End), Label: o.Label, Source: o.Source, Score: o.Score})
				break
			}
		}
		i = j
	}
	k := 0
	for _, o := range spans {
		if o.Label != "" {
			spans[k] = o
			k++
		}
	}
	return spans[:k]
}

// dottedGroup returns the last token of the dotted abbreviation that
// token i starts, written tight or tokenised ("P.E.I", "B . C"): two or
// more single letters, each but the last followed by a dot; and its
// letters in lower case, appended to buf up to its capacity. It returns -1
// when none starts at i.
func dottedGroup(sc *scan, i int, buf []byte) (int, []byte) {
	letter := func(k int) bool { return k < len(sc.toks) && sc.toks[k].e-sc.toks[k].s == 1 && sc.alpha(k) }
	dot := func(k int) bool { g := sc.gap(k); return g == "." || g == " . " }
	if !letter(i) || !dot(i) || !letter(i+1) {
		return -1, buf
	}
	j := i
	for {
		if len(buf) < cap(buf) {
			buf = append(buf, sc.low[sc.toks[j].s])
		}
		if !dot(j) || !letter(j+1) {
			return j, buf
		}
		j++
	}
}

// dottedSafe are abbreviations written with dots that name nobody and
// nowhere: "N.B.", "P.S.", "e.g.", "a.m.".
var dottedSafe = words(`nb ps pps eg ie am pm rip aka eta rsvp asap ok tba tbc nhs`)

// hyphenParticles join the parts of Arabic and South Asian names written
// with hyphens: "Inzamam-ul-Haq", "Abd-al-Rahman", "Zain-ud-Din".
var hyphenParticles = words(`ul ud al el ur ad as ibn bin bint abu`)

// extendHyphens widens a PERSON or LOCATION span over the capitalised
// parts hyphenated to it ("Nakamura-Lindqvist" when only "Nakamura" was
// found, "Oyelaran-Smith"): a double-barrelled name is one name.
func extendHyphens(sc *scan, spans []Span) []Span {
	t := sc.text
	for x := range spans {
		s := &spans[x]
		if s.Label != Person && s.Label != Location {
			continue
		}
		for s.End+1 < len(t) && t[s.End] == '-' {
			k := firstTokenFrom(sc, s.End+1)
			if k < 0 || sc.toks[k].s != s.End+1 || !sc.alpha(k) {
				break
			}
			if !isUpperASCII(t[s.End+1]) {
				// A particle between hyphens joins the next part:
				// "Inzamam-ul-Haq", "Abd-al-Rahman".
				if !hyphenParticles[string(sc.lw(k))] || k+1 >= len(sc.toks) || sc.gap(k) != "-" || !sc.alpha(k+1) || sc.toks[k+1].f&tCap == 0 {
					break
				}
				k++
			}
			s.End = sc.toks[k].e
		}
		for s.Start >= 2 && t[s.Start-1] == '-' {
			k := firstTokenFrom(sc, s.Start) - 1 // the token before the span
			if k < 0 || sc.toks[k].e != s.Start-1 || !sc.alpha(k) || sc.toks[k].f&tCap == 0 {
				break
			}
			s.Start = sc.toks[k].s
		}
	}
	return spans
}

// addressAround widens a LOCATION span, whichever recognizer found it,
// over the parts of an address written around it: the house number,
// units, postcode, state code and place words after it ("Tveitlyngen 3",
// "Maribor, 2934", "Schöpfring 5, Top 2", "Santos / SP") by the address
// grammar's own extension, and a postcode or house number just before it
// ("8948 OberMottiez", "17 Kennedy Laneway"). A place the tagger or a list
// found is as identifying with its numbers as an address the grammar
// opened, and a number beside a place name is rarely anything else.
func addressAround(sc *scan, spans []Span) []Span {
	ar := addressRecognizer{t: getTables()}
	for x := range spans {
		s := &spans[x]
		if s.Label == Person && (ar.streetNamedAsPerson(sc, s) || ar.numberedStreetAsPerson(sc, s, spans) || ar.townBeforePostcode(sc, s, spans) || ar.addressedPerson(sc, s)) {
			s.Label = Location
		}
		if s.Label == Person {
			// "Port Bryan", "Lake Joseph", "in New Tanner": a town named
			// with a person's name after a place word. A headline's "New
			// Tory defence ..." is no town.
			if k := firstTokenFrom(sc, s.Start); k > 0 && k < len(sc.toks) && sc.toks[k].s == s.Start && sc.gap(k-1) == " " &&
				sc.toks[k-1].f&tCap != 0 && townPrefixes[string(sc.lw(k-1))] && !(sc.isWord(k-1, "new") && sc.sentStart(k-1)) &&
				!otherLabelIn(spans, sc.toks[k-1].s, s.Start) {
				s.Start, s.Label = sc.toks[k-1].s, Location
			}
		}
		numbered := false // a house number opens the span: it is an address
		if s.Label == Person || s.Label == Location {
			// "avenue Joséphine Reynaud", "rue de Babey": the street word
			// before a name makes the name a street's, and part of it.
			if k := firstTokenFrom(sc, s.Start); k > 0 && k < len(sc.toks) && sc.toks[k].s == s.Start {
				if st := ar.streetWordBefore(sc, k, false); st < k && !otherLabelIn(spans, sc.toks[st].s, s.Start) {
					s.Start = sc.toks[st].s
					s.Label = Location
					numbered = sc.num(st)
				}
			}
		}
		if s.Label != Location {
			continue
		}
		if k := firstTokenFrom(sc, s.Start); !numbered && !sc.capText && k >= 0 && k+1 < len(sc.toks) && sc.toks[k].s == s.Start && sc.toks[k+1].e <= s.End &&
			sc.num(k) && isDigit(sc.text[s.Start]) && !yearLike(sc, k) && sc.alpha(k+1) && sc.toks[k+1].f&tCap != 0 {
			numbered = true // "277 Hicks" before "Mall, Emilytown": the tagger's street with its house number
		}
		if k := firstTokenFrom(sc, s.End); k > 0 && sc.toks[k-1].e == s.End && numberSign(sc, k-1) {
			s.End = sc.toks[sc.numGroup(k)].e // the span ends in the "N" of "N° 74"
		}
		if k := firstTokenFrom(sc, s.End); k > 0 && sc.toks[k-1].e == s.End {
			// A place extends only once a number shows an address goes on;
			// a street with its house number is one already ("46, avenue
			// Élisabeth Dijoux, Jacquotnec 20367").
			if e := ar.extend(sc, k-1, !numbered); e > k-1 && !otherLabelIn(spans, s.End, sc.toks[e].e) {
				s.End = closeBracket(sc.text, s.Start, sc.toks[e].e)
			}
		}
		if k := firstTokenFrom(sc, s.End); k > 0 && k < len(sc.toks) && sc.toks[k-1].e == s.End && sc.gap(k-1) == " " &&
			sc.toks[k].f&tCap == 0 && placeHeads[string(sc.lw(k))] {
			s.End = sc.toks[k].e // "Galway city", "the Donetsk region", "Mosul dam"
		}
		if k := firstTokenFrom(sc, s.End); k > 0 && k < len(sc.toks) && sc.toks[k-1].e == s.End && sc.toks[k-1].s == s.Start &&
			sc.gap(k-1) == " " && sc.toks[k-1].f&tCap != 0 && townPrefixes[string(sc.lw(k-1))] && sc.alpha(k) && sc.capital(k) &&
			!sc.has(k, bFunction|bPronoun|bMonth|bWeekday) && !otherLabelIn(spans, s.End, sc.toks[k].e) {
			s.End = sc.toks[k].e // the tagger's "Cape" of "Cape Cod", "Lake" of "Lake Placid"
		}
		k := firstTokenFrom(sc, s.Start)
		if k <= 0 || k >= len(sc.toks) || sc.toks[k].s != s.Start {
			continue
		}
		if last := lastTokenBefore(sc, s.End); last > k && (sc.toks[last].e == s.End && sc.num(last) || houseNumberAfterName(sc, k, s.End)) {
			// Now that a house number ends it, a lower-case street word
			// before the name is the street's: "plac Matejki 039",
			// "avenue de Jomini, 6265 Tinguely".
			if st := ar.streetWordBefore(sc, k, true); st < k && !otherLabelIn(spans, sc.toks[st].s, s.Start) {
				s.Start = sc.toks[st].s
				continue
			}
		}
		if st := ar.numberBefore(sc, k); st < k && !otherLabelIn(spans, sc.toks[st].s, s.Start) {
			s.Start = sc.toks[st].s
		} else if j := k - 1; sc.gap(j) == " " && (sc.toks[j].f&tCap != 0 || sc.toks[k].f&tCap == 0 && sc.isWord(j, "greater")) && placePrefixes[string(sc.lw(j))] {
			// "Great Moravia", "Lower Austria", "New France"; in lower
			// case only "greater", before a place written in lower case
			// too ("greater noida"): "my new leeds flat" is new.
			s.Start = sc.toks[j].s
		} else if j := k - 1; sc.gap(j) == " " && compassWords[string(sc.lw(j))] {
			// "southern Greece", "south-east England", "central Leeds": the
			// part of the place is written as one name with it.
			s.Start = sc.toks[j].s
			if j > 0 && sc.gap(j-1) == "-" && compassWords[string(sc.lw(j-1))] {
				s.Start = sc.toks[j-1].s // "north-east", written as two words
			}
		}
	}
	return spans
}

// addressLines widens a postcode or an address back over the address
// lines written before it, comma by comma (see segmentsBefore): "Studio 1,
// Katy Squares, North Gemma, CV21 6BG". Before a postcode the lines
// become a LOCATION span of their own.
func addressLines(sc *scan, spans []Span) []Span {
	ar := addressRecognizer{t: getTables()}
	for x, n := 0, len(spans); x < n; x++ {
		s := spans[x]
		if s.Label != Location && s.Label != Postcode {
			continue
		}
		k := firstTokenFrom(sc, s.Start)
		if k <= 0 || k >= len(sc.toks) || sc.toks[k].s != s.Start {
			continue
		}
		// The town may stand alone on the line before a postcode, not
		// before a house number: "Ship to: Jordan Marshall, 60/8 Sheila
		// Circuit" keeps the name out of the address.
		street := false
		if e := sc.numGroup(k); e >= 0 {
			_, street = ar.streetAfterNumber(sc, e+1)
		}
		town := s.Label == Postcode || ar.aw(sc, k)&awState != 0 || (ar.postcodeAt(sc, k) || sc.num(k)) && !street
		st := k
		if s.Label == Location {
			st = ar.unitsBefore(sc, k)
		}
		st = ar.segmentsBefore(sc, st, town, town || street || ar.isStreet(sc, k, s.End) || ar.endsInPostcode(sc, s), spans)
		if st == k || otherLabelIn(spans, sc.toks[st].s, s.Start) {
			continue
		}
		if s.Label == Location {
			spans[x].Start = sc.toks[st].s
		} else {
			spans = append(spans, Span{Start: sc.toks[st].s, End: sc.toks[k-1].e, Label: Location, Source: srcContext, Score: scCtxHigh})
		}
	}
	return spans
}

// addressBlock takes a line of one to four capitalised words, written
// between two lines an address span fills, as a line of the same address:
// the town of "27 Via Verbano\n Apt. 918\n Valangin\n\n Slovenia 1524" or
// "99 Avenida Lago\n Apt. 296\n BUNDALAGUAH\n Australia 3889"; a house
// number may open it ("2484 Ansina"). A house number and one to three
// capitalised words above an address line are its first line ("27
// Kolodvorska\n Apt. 918"). Blank lines and a quote's marks ("> ") do not
// count.
func addressBlock(sc *scan, spans []Span) []Span {
	if strings.Count(sc.text, "\n") < 2 {
		return spans
	}
	ar := addressRecognizer{t: getTables()}
	type line struct{ s, e int } // the line's tokens, s..e-1
	var lines []line
	for i := 0; i < len(sc.toks); i = lineEnd(sc, i) {
		lines = append(lines, line{i, lineEnd(sc, i)})
	}
	filled := func(l line) bool {
		for k := l.s; k < l.e; k++ {
			if !locationAt(spans, sc.toks[k].s) {
				return false
			}
		}
		return true
	}
	n := len(spans)
	for x := 0; x+1 < len(lines); x++ {
		l := lines[x]
		// Between two lines of the address, or its first line, a house
		// number and a street, above one ("27 Kolodvorska").
		first := sc.num(l.s) && sc.toks[l.s].f&tAlpha == 0 && !(x > 0 && filled(lines[x-1]))
		if l.e-l.s > 4 || !filled(lines[x+1]) || !first && (x == 0 || !filled(lines[x-1])) || first && l.e-l.s < 2 {
			continue
		}
		ok := true
		for k := l.s; k < l.e && ok; k++ {
			if k == l.s && l.e-l.s > 1 && sc.num(k) && sc.toks[k].f&tAlpha == 0 {
				continue // "2484 Ansina": a house number and its street
			}
			ok = sc.alpha(k) && (sc.toks[k].f&tCap != 0 || first && ar.aw(sc, k)&(awPrefix|awStreet) != 0) &&
				(!covers(spans[:n], sc.toks[k].s) || personCovers(spans[:n], sc.toks[k].s) || first && locationAt(spans[:n], sc.toks[k].s)) &&
				(!sc.has(k, bFunction|bPronoun) || sc.toks[k].e-sc.toks[k].s == 1 && sc.toks[k].f&tCap != 0) // "R" for Rua
		}
		if ok {
			a, b := sc.toks[l.s].s, sc.toks[l.e-1].e
			for y := range spans[:n] {
				if o := &spans[y]; o.Label == Person && o.Start >= a && o.End <= b {
					o.Label = Location // a street named as a person: "51 R Família Marques"
				}
			}
			spans = append(spans, Span{Start: a, End: b, Label: Location, Source: srcContext, Score: scCtx})
		}
	}
	return spans
}

// personCovers reports whether a PERSON span covers byte p.
func personCovers(spans []Span, p int) bool {
	for _, s := range spans {
		if s.Label == Person && s.Start <= p && p < s.End {
			return true
		}
	}
	return false
}

// locationAt reports whether a LOCATION or POSTCODE span covers byte p.
func locationAt(spans []Span, p int) bool {
	for _, s := range spans {
		if (s.Label == Location || s.Label == Postcode) && s.Start <= p && p < s.End {
			return true
		}
	}
	return false
}

// postcodeInAddress drops a pattern's POSTCODE span that lies inside an
// address the grammar took whole (a LOCATION span of the address or
// context recognizers, "Studio 1, Katy Squares, North Gemma, CV21 6BG"),
// so that the address keeps one label whatever the scores: merged, the
// higher-scored postcode would otherwise label the whole address one time
// and not the next. A postcode alone, or the patient's known postcode,
// keeps its label.
func postcodeInAddress(spans []Span) []Span {
	k := 0
	for _, p := range spans {
		if p.Label == Postcode && p.Source == srcPattern && addressAt(spans, p) {
			continue
		}
		spans[k] = p
		k++
	}
	return spans[:k]
}

// addressAt reports whether a LOCATION span from the address or context
// recognizers holds span p and more before it.
func addressAt(spans []Span, p Span) bool {
	for _, s := range spans {
		if s.Label == Location && s.Source == srcContext && s.Start < p.Start && p.End <= s.End {
			return true
		}
	}
	return false
}

// houseNumberAfterName reports whether a house number follows the name
// words that open the span at token k and end before byte end: "Rey 72,
// 4615 Fonjallaz", "Duvanel 56, Cretton".
func houseNumberAfterName(sc *scan, k, end int) bool {
	for i := k + 1; i < len(sc.toks) && i <= k+3 && sc.toks[i].e <= end; i++ {
		if sc.num(i) && isDigit(sc.text[sc.toks[i].s]) {
			return sc.spaced(i - 1)
		}
		if !sc.alpha(i) || !sc.spaced(i-1) {
			return false
		}
	}
	return false
}

// possessivePlaces widens a name over an "'s" that ends its noun phrase:
// "ate at Wendy's.", "McDonald's, then", "stayed at Dave's and", "Del
// Frisco 's is" (tokenised text, which may also drop the apostrophe:
// "McDonald s"). With no noun after it the possessive names a place, a
// shop or a home, and "Wendy's" is then its name, not Wendy and a
// possessive ending; "Dave's mum" keeps its "'s".
func possessivePlaces(sc *scan, spans []Span) []Span {
	for x := range spans {
		s := &spans[x]
		if s.Label != Person && s.Label != Location {
			continue
		}
		k := lastTokenBefore(sc, s.End)
		j := k + 1
		if k < 0 || j >= len(sc.toks) || sc.toks[k].e != s.End || sc.toks[j].e-sc.toks[j].s != 1 || !sc.isWord(j, "s") {
			continue
		}
		switch sc.gap(k) {
		case "'", "’", " '", " ’", " ":
		default:
			continue
		}
		if j+1 < len(sc.toks) && sc.spaced(j) && sc.alpha(j+1) && (sc.toks[j+1].f&tCap == 0 && !afterPlace[string(sc.lw(j+1))] || covers(spans, sc.toks[j+1].s)) {
			continue // "Dave's house", "Wendy's fries", "Dave's been", "Pakistan's Wasim Akram"
		}
		s.End = sc.toks[j].e
	}
	return spans
}

// afterPlace are the words that follow a possessive standing for a place
// ("at Dave's and", "Wendy's yesterday") rather than the verb "is" or
// "has" ("Dave's a star", "Dave's been").
var afterPlace = words(`and or but in on at for with to from near by then yesterday today tonight again instead`)

// lastTokenBefore returns the last token that starts before byte p, or -1.
func lastTokenBefore(sc *scan, p int) int {
	k := firstTokenFrom(sc, p)
	if k < 0 {
		k = len(sc.toks)
	}
	return k - 1
}

// placeHeads are the lower-case words that, right after a place name,
// are part of what it names: "Galway city", "the Donetsk region".
var placeHeads = words(`city town village region county province state district borough territory
	dam zoo fjord coast coasts coastline valley peninsula strait airport harbour harbor bay island islands strip`)

// placePrefixes before a place name are part of it.
var placePrefixes = words(`great greater lower upper new old little`)

// townPrefixes before a name make a town of it: "Port Talbot", "Fort
// William", "Lake Joseph", "New Tanner", "East Kilbride".
var townPrefixes = words(`port fort ft lake mount mt new north south east west cape`)

// compassWords before a place name make a region of it.
var compassWords = words(`north south east west northern southern eastern western
	northeast northwest southeast southwest north-east north-west south-east south-west
	northeastern northwestern southeastern southwestern north-eastern north-western south-eastern south-western
	central upstate downstate mid`)

// streetNamedAsPerson reports whether a PERSON span is one word known
// neither as English nor as a name, followed by a house number that ends
// the phrase or leads on to more address ("Thorseneggen 2, 0669 Oslo",
// "at Kremencová 327."), or that a street's "on" comes before or a town's
// "in" after ("grew up on Tveitlyngen 3 in Jennydal"). The unseen-word
// rules call such a word a person; with a house number after it, it is a
// street.
func (r *addressRecognizer) streetNamedAsPerson(sc *scan, s *Span) bool {
	if last := firstTokenFrom(sc, s.End) - 1; last >= 0 && sc.toks[last].e == s.End && numberSign(sc, last) {
		return true // "Güemes N° 74", the sign's "N" taken as an initial
	}
	k := firstTokenFrom(sc, s.Start)
	if k < 0 || k+1 >= len(sc.toks) || sc.toks[k].s != s.Start || sc.toks[k].e != s.End ||
		!sc.alpha(k) || sc.toks[k].f&tCap == 0 || sc.toks[k].e-sc.toks[k].s < 5 || !sc.spaced(k) {
		return false
	}
	if e := sc.lex(k); e.wc != wNone || e.nf != 0 {
		return false
	}
	if numberSign(sc, k+1) {
		return true // "Güemes N° 74"
	}
	e := sc.numGroup(k + 1)
	if e < 0 || hasOrdinal(sc, k+1) || yearLike(sc, k+1) {
		return false
	}
	if e+1 >= len(sc.toks) {
		return true
	}
	g := sc.gap(e)
	if strings.HasPrefix(g, ",") || strings.HasPrefix(g, ".") || r.aw(sc, e+1)&(awUnit|awBox) != 0 {
		return true
	}
	// "grew up on Tveitlyngen 3 in Jennydal": a street's preposition
	// before it, or the town the street is in after it.
	if g != " " {
		return false
	}
	if k > 0 && sc.spaced(k-1) && (sc.isWord(k-1, "on") || sc.isWord(k-1, "off")) {
		return true
	}
	return (sc.isWord(e+1, "in") || sc.isWord(e+1, "near")) && e+2 < len(sc.toks) && sc.spaced(e+1) &&
		sc.alpha(e+2) && sc.toks[e+2].f&tCap != 0
}

// otherLabelIn reports whether a span of a label other than PERSON or
// LOCATION overlaps bytes [start, end): a phone number or reference after
// a place is its own identifier, and widening the place into it would let
// the merge give the place that label.
func otherLabelIn(spans []Span, start, end int) bool {
	for _, o := range spans {
		if o.Label != Person && o.Label != Location && o.Start < end && start < o.End {
			return true
		}
	}
	return false
}

// endsInPostcode reports whether the LOCATION span s ends in a postcode
// after its place name ("Witbank, 7891", "Bácstapolcafa, H-6427"): the
// span is an address's last line, so a number on a line before it is a
// house number ("96 Edward Ithafa, Witbank, 7891").
func (r *addressRecognizer) endsInPostcode(sc *scan, s Span) bool {
	last := lastTokenBefore(sc, s.End)
	if last <= 0 || sc.toks[last].e != s.End || sc.toks[last].f&tDigit == 0 {
		return false
	}
	first := last
	for first > 0 && sc.toks[first-1].s >= s.Start && sc.toks[first-1].f&tDigit != 0 && (sc.gap(first-1) == "-" || sc.gap(first-1) == " ") {
		first--
	}
	if first > 0 && sc.gap(first-1) == "-" && letterPostcode(sc, first-1) {
		first--
	}
	l := 0
	for i := first; i <= last; i++ {
		l += sc.toks[i].e - sc.toks[i].s
	}
	return first > 0 && sc.toks[first-1].s >= s.Start && sc.alpha(first-1) && l >= 4 && !(first == last && yearLike(sc, last))
}

// townBeforePostcode reports whether a postcode follows the PERSON span s
// in its sentence, ending the address or leading on to the rest of it:
// "in Matthew Ville, 3800", "Witbank, 7891", "Hospet 433841 last month",
// "Alanis Ville, V567X3D", "Canale Giancarlo, 17, 64032". The tagger
// takes a town or street named like a person for one; nobody writes a
// postcode after a person's name. A number of four digits needs the comma
// and must not be a year, and then an end after it ("Tom, 4000 people
// came" is a count).
func (r *addressRecognizer) townBeforePostcode(sc *scan, s *Span, spans []Span) bool {
	k := firstTokenFrom(sc, s.End)
	if k <= 0 || k >= len(sc.toks) || sc.toks[k-1].e != s.End || !r.inSentence(sc, k-1) {
		return false
	}
	comma := false
	switch sc.gap(k - 1) {
	case ", ":
		comma = true
	case " ":
	default:
		return false
	}
	last := k
	switch {
	case eircode(sc, k) || dutchPostcode(sc, k) || letterPostcode(sc, k):
		if !comma {
			return false
		}
		if last = k + 1; dutchPostcode(sc, k) || eircode(sc, k) && sc.toks[k].e-sc.toks[k].s == 7 {
			last = k
		}
	case sc.toks[k].f&tAlpha != 0 || sc.toks[k].f&tDigit == 0:
		return false
	default:
		if g := sc.numGroup(k); g > k {
			last = g // "54188-1555", "963 70"
		}
		l := sc.toks[k].e - sc.toks[k].s
		long := l >= 5 && l <= 8 && last == k || l >= 2 && last > k
		if p := k + 1; !long && comma && l <= 4 && last == k && p < len(sc.toks) && sc.gap(k) == ", " && sc.toks[p].f&tAlpha == 0 && sc.toks[p].f&tDigit != 0 {
			// A house number, then a postcode: "Canale Giancarlo, 17,
			// 64032, Fontanelle". An age is one number ("Tom Hill, 45,").
			if m := sc.toks[p].e - sc.toks[p].s; m >= 5 && m <= 8 || m == 4 && !yearLike(sc, p) {
				last, long = p, true
			}
		}
		if !long && !(l == 4 && comma && !yearLike(sc, k)) {
			return false
		}
		if !long && last+1 < len(sc.toks) && !strings.ContainsAny(sc.gap(last), ".,;/\n") && sc.toks[last+1].f&tCap == 0 {
			return false
		}
	}
	return last < len(sc.toks) && !otherLabelIn(spans, s.End, sc.toks[last].e)
}

// numberedStreetAsPerson reports whether a PERSON span of two or more
// words, or of one word that another PERSON span follows, comes after a
// house number of three or more digits: "8616 Carla Courts", "39219
// Viktoria Via", "40/541 Trần Hưng Đạo" (found a word at a time). A street
// named after a person is tagged as one; nobody writes a long number
// right before a person's name.
func (r *addressRecognizer) numberedStreetAsPerson(sc *scan, s *Span, spans []Span) bool {
	k := firstTokenFrom(sc, s.Start)
	if k <= 0 || sc.toks[k].s != s.Start {
		return false
	}
	if sc.toks[k].e >= s.End && !(k+1 < len(sc.toks) && sc.gap(k) == " " && personAt(spans, sc.toks[k+1].s)) {
		return false
	}
	j := k - 1
	if sc.gap(j) != " " || !sc.num(j) || sc.toks[j].f&tAlpha != 0 || sc.toks[j].e-sc.toks[j].s < 3 || yearLike(sc, j) {
		return false
	}
	return !r.quantityBefore(sc, j)
}

// addressedPerson reports whether a PERSON span comes after a house number
// that an address cue opens ("his address: 55 Edeby", "address: 23 R
// Irene Lisboa", "the restaurant is at 274 Aqqusinersuaq"), or a one-word
// one after a house number opening a line above a unit's line ("11
// Hamarstígur\n Unit 223"). A street named by a name is tagged as a
// name; the cue and the number make it a street. After "at" the name is
// one word and the number has two digits or more ("at 5 Dave said" is a
// time).
func (r *addressRecognizer) addressedPerson(sc *scan, s *Span) bool {
	k := firstTokenFrom(sc, s.Start)
	if k <= 0 || sc.toks[k].s != s.Start {
		return false
	}
	one := sc.toks[k].e == s.End
	j := k - 1
	if sc.gap(j) != " " || !sc.num(j) || sc.toks[j].f&tAlpha != 0 || sc.toks[j].e-sc.toks[j].s > 5 {
		return false
	}
	if j == 0 || strings.Contains(sc.gap(j-1), "\n") {
		// A house number opening a line, the next line an address's:
		// "11 Hamarstígur\n Unit 223".
		return one && addressLineAfter(sc, s.End)
	}
	c := j - 1
	if sc.isWord(c, "is") && c > 0 {
		c--
	}
	return sc.isWord(c, "address") || one && sc.isWord(c, "at") && sc.toks[j].e-sc.toks[j].s >= 2 && !yearLike(sc, j) && sc.gap(c) == " "
}

// addressLineAfter reports whether the line after byte end opens with a
// unit or a house number: "Unit 223", "Apt. 918", "Flat 4", "27".
func addressLineAfter(sc *scan, end int) bool {
	k := firstTokenFrom(sc, end)
	if k <= 0 || k >= len(sc.toks) || !strings.Contains(sc.gap(k-1), "\n") {
		return false
	}
	ar := addressRecognizer{t: getTables()}
	return ar.aw(sc, k)&(awUnit|awBox) != 0 && k+1 < len(sc.toks) && sc.num(k+1)
}

// streetWordBefore returns the first token of a street word written
// before the name at token k, with the connectives between them ("rue de",
// "avenue", "Calle de la") and the house number before it, or k. A
// lower-case word counts only if it names a street in no other sense (rue,
// calle, chemin; not "via"), a house number comes before it, or numbered
// (a house number follows the name).
func (r *addressRecognizer) streetWordBefore(sc *scan, k int, numbered bool) int {
	j := k - 1
	for j >= 0 && sc.spaced(j) && r.aw(sc, j)&awJoin != 0 && sc.toks[j].f&tCap == 0 && j >= k-3 {
		j--
	}
	if j < 0 || !sc.spaced(j) && !r.dotted(sc, j) {
		return k
	}
	aw := r.aw(sc, j)
	if aw&awPrefix == 0 {
		return k
	}
	// A house number before the street word ("504, avenue", "12 boulevard")
	// makes any street word one, and is part of the address.
	if n := j - 1; n >= 0 && sc.num(n) && isDigit(sc.text[sc.toks[n].s]) && (sc.gap(n) == " " || sc.gap(n) == ", ") && !yearLike(sc, n) {
		return n
	}
	if aw&awPrefixAlone != 0 || numbered || sc.toks[j].f&tCap != 0 && !sc.sentStart(j) {
		return j
	}
	return k
}

// numberBefore returns the first token of a postcode or house number that
// ends just before token k, the first token of a place ("10117 Berlin",
// "388 61 Nepomuk", "17 Kennedy Laneway", "4050-265 Porto"), or k. A year
// ("in 2019 Leeds", "January 1793 Frankfurt"), an ordinal and a count
// after "the", "of", "than" or "about" are not taken.
func (r *addressRecognizer) numberBefore(sc *scan, k int) int {
	j := k - 1
	if j < 0 || sc.gap(j) != " " || !sc.num(j) || !isDigit(sc.text[sc.toks[j].s]) {
		return k
	}
	// The number's first token: groups joined by "-" or "/", or the
	// three-and-two digit postcodes of Czechia, Slovakia, Sweden, Greece.
	st := j
	for st > 0 && (sc.gap(st-1) == "-" || sc.gap(st-1) == "/") && sc.num(st-1) {
		st--
	}
	if st == j && st > 0 && sc.gap(st-1) == " " && sc.toks[j].e-sc.toks[j].s == 2 && sc.toks[st-1].e-sc.toks[st-1].s == 3 &&
		sc.toks[st-1].f&tAlpha == 0 && sc.toks[j].f&tAlpha == 0 && sc.num(st-1) {
		st--
	}
	if r.quantityBefore(sc, st) || dateGroup(sc, st, j) {
		return k
	}
	if st == j && (hasOrdinal(sc, j) || yearLike(sc, j)) {
		return k // "1st International", "in 2019 Leeds", "January 1793 Frankfurt"
	}
	if sc.isWord(k, "us") || r.t.countries[string(sc.lw(k))] {
		return k // no house has a country for its street: "7 US soldiers"
	}
	return st
}

// particleBridge joins a PERSON span, the name particles after it and the
// PERSON span after them into one name, or the LOCATION span after them
// when the first span ends in a particle itself or two particles stand
// between: "Lukasz van der Elst", where the tagger took "Lukasz van" for a
// person and "Elst" (a Dutch town) for a place.
func particleBridge(sc *scan, spans []Span) []Span {
	for x := range spans {
		s := &spans[x]
		if s.Label != Person {
			continue
		}
		k := firstTokenFrom(sc, s.End)
		if k <= 0 || sc.toks[k-1].e != s.End || !sc.spaced(k-1) || !nameParticles[string(sc.lw(k))] || sc.toks[k].f&tCap != 0 {
			continue
		}
		p0 := k
		for k < len(sc.toks) && nameParticles[string(sc.lw(k))] && sc.toks[k].f&tCap == 0 && sc.spaced(k) {
			k++
		}
		if k >= len(sc.toks) || sc.toks[k].f&tCap == 0 {
			continue
		}
		// The place after them joins only when the name already ends in a
		// particle ("Lukasz van" der Elst) or two particles stand between
		// ("Lukasz van der Elst"): "Sarah de Leeds" is a woman from Leeds.
		last := p0 - 1
		inName := last >= 0 && nameParticles[string(sc.lw(last))] || k-p0 >= 2
		for y := range spans {
			if o := &spans[y]; y != x && o.Start == sc.toks[k].s && (o.Label == Person || o.Label == Location && inName) && o.Source != srcKnown {
				o.Start, o.Label = s.Start, Person
				s.End = o.End
				break
			}
		}
	}
	return spans
}

// nameLines takes a line of two or three capitalised words that no
// English word list holds and no span but a name's covers, alone in a
// text of several lines, for a name: the head of a letter, a signature or
// a CV ("Yuuto Oosawa\n\nSegmental paver"). A heading of English words
// ("Personal Info", "Kind Regards") is none.
func nameLines(sc *scan, spans []Span) []Span {
	t := sc.text
	if strings.IndexByte(t, '\n') < 0 {
		return spans
	}
	n := len(spans)
	for i, j := 0, 0; i < len(sc.toks); i = j {
		j = lineEnd(sc, i)
		if j-i >= 2 && j-i <= 3 && lineAlone(t, sc.toks[i].s, sc.toks[j-1].e) {
			ok := true
			for k := i; k < j && ok; k++ {
				e := sc.lex(k)
				ok = sc.alpha(k) && sc.toks[k].f&tCap != 0 && sc.toks[k].f&tUpper == 0 && e.wc == wNone && !safe(sc, k) &&
					!e.is(bTitle|bFunction|bPronoun|bKin|bChat|bWeekday|bMonth) && e.place == pkNone &&
					(!covers(spans[:n], sc.toks[k].s) || personCovers(spans[:n], sc.toks[k].s))
			}
			if ok {
				spans = append(spans, Span{Start: sc.toks[i].s, End: sc.toks[j-1].e, Label: Person, Source: srcContext, Score: scCtx})
			}
		}
	}
	return spans
}

// lineEnd returns the first token after the line that token i is on.
func lineEnd(sc *scan, i int) int {
	j := i + 1
	for j < len(sc.toks) && !strings.Contains(sc.gap(j-1), "\n") {
		j++
	}
	return j
}

// lineAlone reports whether only spaces stand after [s, e) on its line,
// and only spaces, quote or bullet marks ("> ", "- ", "??? ") before it.
func lineAlone(t string, s, e int) bool {
	for p := s - 1; p >= 0 && t[p] != '\n'; p-- {
		if t[p] >= 0x80 || isASCIILetter(t[p]) || isDigit(t[p]) {
			return false
		}
	}
	for p := e; p < len(t) && t[p] != '\n'; p++ {
		if t[p] != ' ' && t[p] != '\t' && t[p] != '\r' {
			return false
		}
	}
	return true
}

// initialAt reports whether token k is one capital letter with a full
// stop after it: a name's initial.
func initialAt(sc *scan, k int) bool {
	return k+1 < len(sc.toks) && sc.toks[k].e-sc.toks[k].s == 1 && isUpperASCII(sc.text[sc.toks[k].s]) &&
		strings.HasPrefix(sc.gap(k), ".")
}

// surnameOnly reports whether the name of tokens k..end is one word that
// a surname list holds and no first-name list does.
func surnameOnly(sc *scan, k, end int) bool {
	if sc.toks[k].e != end {
		return false
	}
	e := sc.lex(k)
	w := getTables().world(sc, k)
	return e.nf&nFirst == 0 && w&bWorldFirst == 0 && (e.nf&nSurname != 0 || w&bWorldSurname != 0)
}

// joinNames widens a PERSON span over the next capitalised word when that
// word is no English word ("Abel Camilo Arredondo Valladares" when the
// last name was not found) or when another PERSON span follows it ("Elvira
// Sales Cardona", "Varga Kiss Imre"): a word between two parts of a name,
// or a foreign word at its end, is part of the name.
func joinNames(sc *scan, spans []Span) []Span {
	for x := range spans {
		s := &spans[x]
		if s.Label != Person {
			continue
		}
		if k := firstTokenFrom(sc, s.Start); k > 0 && k < len(sc.toks) && sc.toks[k].s == s.Start && sc.toks[k].f&tCap != 0 {
			j := k - 1
			g := sc.gap(j)
			switch e := sc.lex(j); {
			case (g == " " || g == "-" || g == " - ") && nameParticles[string(sc.lw(j))]:
				// "bin Laden", "al-Maliki", "van Gogh", "De la Peña": the
				// particles are part of the surname.
				s.Start = sc.toks[j].s
				for j > 0 && sc.gap(j-1) == " " && nameParticles[string(sc.lw(j-1))] {
					j--
					s.Start = sc.toks[j].s
				}
			case g == " " && sc.alpha(j) && sc.toks[j].f&tCap != 0 && sc.toks[j].f&tUpper == 0 && e.wc == wNone && !safe(sc, j) &&
				!e.is(bTitle|bFunction|bPronoun|bKin|bChat) && !otherLabelIn(spans, sc.toks[j].s, s.Start) && !covers(spans, sc.toks[j].s) &&
				(!sc.sentStart(j) || getTables().world(sc, j)&(bWorldFirst|bWorldSurname) != 0 || initialAt(sc, k) || surnameOnly(sc, k, s.End)):
				// "Sungjoo Lee": a capitalised word no list knows, right
				// before a name, is its first part. At a sentence start
				// every word is capitalised, and a greeting ("Hiya Karl")
				// comes first: there it takes a name list, or a name that
				// opens with an initial ("Vjera T. Posavec") or is a
				// surname alone ("Teufik Đurić"), which no greeting takes.
				s.Start = sc.toks[j].s
			case g == " " && sc.alpha(j) && sc.toks[j].f&tCap != 0 && sc.toks[j].f&tUpper == 0 && !sc.sentStart(j) && e.nf&nFirst != 0 &&
				!e.is(bTitle|bFunction|bPronoun|bKin|bChat|bNotName) && !safe(sc, j) && !otherLabelIn(spans, sc.toks[j].s, s.Start) && !covers(spans, sc.toks[j].s):
				// "Secretary Chuck Hagel", "with Will Smith": mid-sentence, a
				// capitalised first name right before a name is its first
				// part even when it is an everyday word.
				s.Start = sc.toks[j].s
			}
		}
		for {
			k := firstTokenFrom(sc, s.End)
			if k <= 0 || sc.toks[k-1].e != s.End || !sc.spaced(k-1) || !sc.alpha(k) || sc.toks[k].f&tCap == 0 || sc.toks[k].f&tUpper != 0 {
				break
			}
			e := sc.lex(k)
			if e.is(bTitle|bFunction|bPronoun|bKin|bChat) || sc.isWord(k, "i") {
				break
			}
			if e.wc == wNone && !safe(sc, k) || sc.spaced(k) && personAt(spans, sc.toks[k+1].s) {
				s.End = sc.toks[k].e
				continue
			}
			break
		}
		// A surname after a middle initial the span ends with: "Lucinda
		// W. Rennie". The full stop made it a sentence start; the
		// safelist does not count here (Rennie is also an antacid).
		if k := firstTokenFrom(sc, s.End); k > 1 && (sc.toks[k-1].e == s.End || sc.toks[k-1].e+1 == s.End && sc.text[s.End-1] == '.') && initialAt(sc, k-1) && sc.gap(k-1) == ". " &&
			sc.alpha(k) && sc.toks[k].f&tCap != 0 && sc.toks[k].f&tUpper == 0 && sc.toks[k-1].s > s.Start {
			if e := sc.lex(k); e.wc != wCommon && !e.is(bTitle|bFunction|bPronoun|bKin|bChat) && !otherLabelIn(spans, s.End, sc.toks[k].e) {
				s.End = sc.toks[k].e
			}
		}
		// A nickname in quotes between the first name and the surname:
		// `Rubin "Hurricane" Carter`, "Michael 'Skull Cracker' Wheatley".
		if k := firstTokenFrom(sc, s.End); k > 0 && sc.toks[k-1].e == s.End && quoteGap(sc.gap(k-1), true) {
			m := k
			for m < len(sc.toks) && m < k+3 && sc.alpha(m) && sc.toks[m].f&tCap != 0 && !quoteGap(sc.gap(m), false) && sc.spaced(m) {
				m++
			}
			if m < len(sc.toks)-1 && sc.alpha(m) && sc.toks[m].f&tCap != 0 && quoteGap(sc.gap(m), false) && personAt(spans, sc.toks[m+1].s) {
				end := sc.toks[m+1].s
				for end > sc.toks[m].e && sc.text[end-1] == ' ' {
					end--
				}
				s.End = end
			}
		}
		// A middle initial and the surname after it: "Steffen W. Graae",
		// when the span stopped at the initial.
		// In lower case, both lower: "steffen w. graae".
		if k := firstTokenFrom(sc, s.End); k > 0 && k < len(sc.toks) && sc.toks[k-1].e == s.End && sc.gap(k-1) == ". " &&
			s.End-sc.toks[k-1].s == 1 && sc.toks[k-1].s > s.Start && sc.alpha(k) && sc.toks[k].f&tUpper == 0 &&
			(isUpperASCII(sc.text[sc.toks[k-1].s]) && sc.toks[k].f&tCap != 0 || sc.toks[k-1].f&tCap == 0 && sc.toks[k].f&tCap == 0) {
			if e := sc.lex(k); !e.is(bTitle|bFunction|bPronoun|bKin|bChat|bNotName) && !safe(sc, k) && (e.wc == wNone || e.nf&nSurname != 0) {
				s.End = sc.toks[k].e
			}
		}
		// An initial between two names is the first's: "kevin a. boone",
		// "Kevin A Boone", where the tagger found the two apart.
		if k := firstTokenFrom(sc, s.End); k > 0 && k+1 < len(sc.toks) && sc.toks[k-1].e == s.End && sc.gap(k-1) == " " &&
			sc.alpha(k) && sc.toks[k].e-sc.toks[k].s == 1 && (sc.gap(k) == " " || sc.gap(k) == ". ") && personAt(spans, sc.toks[k+1].s) &&
			!sc.isWord(k, "v") && !sc.isWord(k, "x") { // "Spencer v Middleton", "Roe v. Wade", "Sarah x Tom"
			s.End = sc.toks[k].e
		}
		// A regnal number or generation: "Ramesses II", "Andre Price III",
		// "King Jr."; "I" only where it cannot be the pronoun.
		if k := lastTokenBefore(sc, s.End); k > 0 && sc.toks[k].e == s.End && sc.toks[k].s > s.Start && sc.gap(k-1) == " " && pronounI(sc, k, s.Start) {
			s.End = sc.toks[k-1].e // the tagger's "Sarah I" of "told Sarah I would"
		} else if k := firstTokenFrom(sc, s.End); k > 0 && k < len(sc.toks) && sc.toks[k-1].e == s.End && sc.gap(k-1) == " " {
			w := sc.raw(k)
			if nameSuffixes[strings.ToLower(w)] && sc.toks[k].f&tCap != 0 || romanNumeral(w) && !pronounI(sc, k, s.Start) || lowerRegnal(sc, k, s) {
				s.End = sc.toks[k].e
			}
		}
		// An epithet: "Alfred the Great", "Pliny the Elder", "Lucas
		// Cranach the Elder"; in lower case after a name in lower case.
		if k := firstTokenFrom(sc, s.End); k > 0 && k+1 < len(sc.toks) && sc.toks[k-1].e == s.End && sc.spaced(k-1) && sc.spaced(k) &&
			sc.isWord(k, "the") && (sc.toks[k+1].f&tCap != 0 || lowerSpan(sc, s)) && epithets[string(sc.lw(k+1))] {
			s.End = sc.toks[k+1].e
		}
	}
	return spans
}

// epithets follow a name with "the": "Alfred the Great", "Pliny the
// Younger", "Edward the Confessor".
var epithets = words(`elder younger great good bold wise fair pious terrible magnificent conqueror confessor
	venerable lionheart unready lawgiver just brave red black white baptist apostle evangelist martyr`)

// quoteGap reports whether gap g is one quotation mark and spaces: the
// opening one after a space, the closing one before a space (tokenised
// text may space both sides: "Michael ' Skull Cracker ' Wheatley").
func quoteGap(g string, opening bool) bool {
	if opening && !strings.HasPrefix(g, " ") || !opening && !strings.HasSuffix(g, " ") {
		return false
	}
	switch strings.TrimSpace(g) {
	case "\"", "'", "\u201c", "\u201d", "\u2018", "\u2019":
		return true
	}
	return false
}

// phraseEnds reports whether the gap g between two words ends a phrase:
// its first byte that is not a space is punctuation other than an
// apostrophe.
func phraseEnds(g string) bool {
	g = strings.TrimLeft(g, " ")
	return g != "" && strings.IndexByte(",.;:()!?", g[0]) >= 0
}

// pronounI reports whether token k, an "I" after the name starting at
// byte start, is the pronoun: "Sarah I think", "Sarah I'm"; not
// "Elizabeth I of England", "replaced Mojmír I with his nephew", "king
// Amyntas I accepted". The pronoun comes before a verb, not a
// preposition, and a ruler's title says whose number it is.
func pronounI(sc *scan, k, start int) bool {
	return sc.raw(k) == "I" && k+1 < len(sc.toks) && !phraseEnds(sc.gap(k)) &&
		!(sc.isWord(k+1, "of") && sc.spaced(k) && k+2 < len(sc.toks) && sc.spaced(k+1) && sc.toks[k+2].f&tCap != 0) &&
		!(sc.spaced(k) && regnalAfter[string(sc.lw(k+1))]) && !rulerBefore(sc, start)
}

// regnalAfter follow a ruler's number, never the pronoun "I".
var regnalAfter = words(`with in and who whose from by at as into against`)

// rulerTitles before a name make an "I" after it a number: "king Amyntas
// I accepted".
var rulerTitles = words(`king queen emperor empress pope tsar czar pharaoh sultan shah prince princess duke tsarina kaiser`)

// rulerBefore reports whether a ruler's title stands right before the
// name starting at byte p.
func rulerBefore(sc *scan, p int) bool {
	k := firstTokenFrom(sc, p)
	return k > 0 && sc.spaced(k-1) && rulerTitles[string(sc.lw(k-1))]
}

// nameSuffixes end a name: "Martin Luther King Jr".
var nameSuffixes = words(`jr jnr sr snr`)

// lowerRegnal reports whether token k, after the lower-case name span s,
// is its regnal number written in lower case: "ramesses ii", "edward iv
// and". "iv" before another word is the route ("gave john iv fluids").
func lowerRegnal(sc *scan, k int, s *Span) bool {
	switch sc.raw(k) {
	case "ii", "iii", "vi", "vii", "viii":
	case "iv":
		if n := k + 1; n < len(sc.toks) && sc.spaced(k) && sc.alpha(n) && !sc.has(n, bFunction|bPronoun) && !sc.isWord(n, "and") && !sc.isWord(n, "of") && !sc.isWord(n, "the") {
			return false
		}
	default:
		return false
	}
	return lowerSpan(sc, s)
}

// lowerSpan reports whether span s opens with a lower-case word.
func lowerSpan(sc *scan, s *Span) bool {
	f := firstTokenFrom(sc, s.Start)
	return f >= 0 && sc.toks[f].f&tCap == 0 && sc.toks[f].f&tAlpha != 0
}

// romanNumeral reports whether w is a Roman numeral from I to XXXIX in
// capitals.
func romanNumeral(w string) bool {
	if w == "" || len(w) > 6 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] != 'I' && w[i] != 'V' && w[i] != 'X' {
			return false
		}
	}
	return strings.Count(w, "IIII") == 0 && strings.Count(w, "VV") == 0
}

// placeConnectives widens a place over a connective and the capitalised
// name after it, where the name is a place or person span too or no
// English word: "Camargo do Campo", "Stoke on Trent", "Newcastle upon
// Tyne", "Waidhofen an der Ybbs", "Beek en Donk", "Lipník u Hrotovic".
// Written apart, the
// connective would stay between two redactions and say how the place is
// named.
func placeConnectives(sc *scan, spans []Span) []Span {
	for x := range spans {
		s := &spans[x]
		if s.Label != Location {
			continue
		}
		for {
			k := firstTokenFrom(sc, s.End)
			if k <= 0 || sc.toks[k-1].e != s.End || !sc.spaced(k-1) || !placeJoins[string(sc.lw(k))] || sc.toks[k].f&tCap != 0 {
				break
			}
			j := k
			if j+1 < len(sc.toks) && sc.spaced(j) && (sc.isWord(j+1, "der") || sc.isWord(j+1, "la") || sc.isWord(j+1, "le")) {
				j++ // "an der", "de la"
			}
			n := j + 1
			if n >= len(sc.toks) || !sc.spaced(j) || !sc.alpha(n) || sc.toks[n].f&tCap == 0 || sc.toks[n].f&tUpper != 0 ||
				sc.has(n, bMonth|bWeekday|bNotName|bTitle) || otherLabelIn(spans, sc.toks[k].s, sc.toks[n].e) {
				break
			}
			// "on" also says when and with whom ("Leeds on Saturday",
			// "Leeds on Sarah's birthday"): after it only a place joins.
			place := placeAt(spans, sc.toks[n].s)
			if sc.isWord(k, "on") || sc.isWord(k, "upon") {
				// One word, a river or the sea: "Stoke on Trent", not a
				// shop on its street ("Primark on Oak Avenue").
				if !place || n+1 < len(sc.toks) && sc.spaced(n) && sc.alpha(n+1) && sc.toks[n+1].f&tCap != 0 {
					break
				}
			} else if !place && !personAt(spans, sc.toks[n].s) && (sc.lex(n).wc != wNone || safe(sc, n)) {
				break
			}
			s.End = sc.toks[n].e
		}
		// A qualifier in brackets after the name: "Cyprus (Greek)",
		// "Congo (Kinshasa)", "Korea (South)".
		if k := firstTokenFrom(sc, s.End); k > 0 && k < len(sc.toks) && sc.toks[k-1].e == s.End && sc.gap(k-1) == " (" {
			j := k
			for j < len(sc.toks) && j < k+2 && sc.alpha(j) && sc.toks[j].f&tCap != 0 && sc.gap(j) == " " {
				j++
			}
			if j < len(sc.toks) && sc.alpha(j) && sc.toks[j].f&tCap != 0 && strings.HasPrefix(sc.text[sc.toks[j].e:], ")") && !otherLabelIn(spans, s.End, sc.toks[j].e) {
				s.End = sc.toks[j].e + 1
			}
		}
	}
	return spans
}

// nameCompanions adds the names that a found name vouches for:
//   - a first name joined to a name by "and" ("Chuck and Gretchen",
//     "Gretchen and Chuck"), even when the first name is an everyday word
//     ("&" joins the names of firms: "Marks & Spencer");
//   - a first name after a surname and a comma, closing the phrase, as
//     records and address books invert names ("McGilloway, Vangie"), and
//     the surname before a first name so written in a record's field,
//     even an everyday word ("Patient: Doe, Jane (");
//   - a surname before a head that only a person's name takes, after "the"
//     ("the Bush administration", "the Kennedy family").
//
// Months, modals, titles and kin words are never taken.
func nameCompanions(sc *scan, spans []Span) []Span {
	t := getTables()
	firstName := func(k int) bool {
		if k < 0 || k >= len(sc.toks) || !sc.alpha(k) || sc.toks[k].f&tCap == 0 || sc.toks[k].f&tUpper != 0 || covers(spans, sc.toks[k].s) {
			return false
		}
		e := sc.lex(k)
		if e.is(bTitle|bFunction|bPronoun|bKin|bChat|bNotName) || safe(sc, k) {
			return false
		}
		return e.nf&nFirst != 0 || e.wc == wNone && t.world(sc, k)&bWorldFirst != 0
	}
	add := func(k int) {
		spans = append(spans, Span{Start: sc.toks[k].s, End: sc.toks[k].e, Label: Person, Source: srcContext, Score: scGazLow})
	}
	for x, n := 0, len(spans); x < n; x++ {
		s := spans[x]
		if s.Label != Person {
			continue
		}
		k := firstTokenFrom(sc, s.Start)
		if k < 0 || k >= len(sc.toks) || sc.toks[k].s != s.Start {
			continue
		}
		if k >= 2 && sc.isWord(k-1, "and") && sc.gap(k-2) == " " && sc.gap(k-1) == " " && firstName(k-2) {
			add(k - 2)
		}
		m := lastTokenBefore(sc, s.End)
		if m < 0 || sc.toks[m].e != s.End {
			continue
		}
		if j := k - 1; j >= 0 && m == k && sc.lex(k).nf&nFirst != 0 && (sc.gap(j) == ", " || sc.gap(j) == ",") && sc.alpha(j) && sc.toks[j].f&tCap != 0 &&
			!covers(spans, sc.toks[j].s) && j > 0 && strings.Contains(sc.gap(j-1), ":") &&
			(m+1 >= len(sc.toks) || strings.ContainsAny(sc.gap(m), ",;<(\n\"")) &&
			(sc.lex(j).nf&nSurname != 0 || t.world(sc, j)&bWorldSurname != 0) && !sc.has(j, bTitle|bFunction|bPronoun|bKin) {
			// A record's field, surname first: "Patient: Doe, Jane (".
			add(j)
		}
		if m+1 >= len(sc.toks) {
			continue
		}
		switch g := sc.gap(m); {
		case g == " " && sc.isWord(m+1, "and") && sc.gap(m+1) == " " && firstName(m+2):
			add(m + 2)
		case (g == ", " || g == " , " || g == ",") && firstName(m+1) && sc.lex(k).nf&nFirst == 0 &&
			(m+2 >= len(sc.toks) || !sc.spaced(m+1) || !sc.alpha(m+2) || strings.ContainsAny(sc.gap(m+1), ",;<(\n\"")):
			add(m + 1)
		}
	}
	for i := 1; i+1 < len(sc.toks); i++ {
		if sc.isWord(i-1, "the") && sc.gap(i-1) == " " && sc.gap(i) == " " && personHeads[string(sc.lw(i+1))] &&
			sc.alpha(i) && sc.toks[i].f&tCap != 0 && sc.toks[i].f&tUpper == 0 && !covers(spans, sc.toks[i].s) {
			if e := sc.lex(i); e.nf&nSurname != 0 || t.world(sc, i)&bWorldSurname != 0 {
				add(i)
			}
		}
	}
	return spans
}

// personHeads follow a surname as only a person's name takes them.
var personHeads = words(`administration presidency dynasty family`)

// placeJoins are the connectives inside place names.
var placeJoins = words(`do da dos das de del di du des la le upon on am an en sur sous lès près u nad pod bei`)

// namesOf widens a place over "Republic of", "City of", "Kingdom of"
// written before it ("the Federal Republic of Cameroon") and a person over
// " of " and the place that follows ("Catherine of Aragon"): each is one
// name, and the part left out would say which one.
func namesOf(sc *scan, spans []Span) []Span {
	for x := range spans {
		s := &spans[x]
		if s.Label != Location && s.Label != Person {
			continue
		}
		k := firstTokenFrom(sc, s.Start)
		if s.Label == Location && k > 0 && k < len(sc.toks) && sc.toks[k].s == s.Start && sc.toks[k].f&tCap != 0 && polityHeads[string(sc.lw(k))] {
			// A span that opens with its head takes the capitalised words
			// before it too: "People's Republic of China".
			h := capitalsBefore(sc, spans, k)
			s.Start = sc.toks[h].s
			continue
		}
		if k < 2 || k >= len(sc.toks) || sc.toks[k].s != s.Start || sc.toks[k].f&tCap == 0 || !ofWords[string(sc.lw(k-1))] ||
			sc.gap(k-1) != " " || sc.gap(k-2) != " " {
			continue
		}
		h := k - 2
		if !sc.alpha(h) || sc.toks[h].f&tCap == 0 {
			continue
		}
		of := sc.isWord(k-1, "of")
		switch {
		case !of && !polityHeads[string(sc.lw(h))]:
			// "de", "di", "do" join only a head to its place ("Región de
			// Valparaíso"); "Juan de Dios" is a name of its own.
		case polityHeads[string(sc.lw(h))] && (!covers(spans, sc.toks[h].s) || placeAt(spans, sc.toks[h].s)):
			// The capitalised words before the head belong to it:
			// "Federal Republic of", "People's Republic of".
			s.Start = sc.toks[capitalsBefore(sc, spans, h)].s
			s.Label = Location // "the Principality of Nitra", the place tagged a person
		case s.Label == Location:
			// "Catherine of Aragon": the person's span takes the place.
			for y := range spans {
				if spans[y].End == sc.toks[h].e && spans[y].Label == Person {
					spans[y].End = s.End
				}
			}
		}
	}
	return spans
}

// capitalsBefore returns the first of the capitalised words written
// before token h as part of one name with it ("Federal", "People's"): not
// "the", not a sentence's first word, not a word another span took.
func capitalsBefore(sc *scan, spans []Span, h int) int {
	for h > 0 && sc.gap(h-1) == " " {
		p := h - 1
		if p > 0 && sc.isWord(p, "s") {
			if g := strings.TrimPrefix(sc.gap(p-1), " "); g == "'" || g == "’" {
				p-- // a possessive: "People's", tokenised "People 's"
			}
		}
		if !sc.alpha(p) || sc.toks[p].f&tCap == 0 || sc.isWord(p, "the") || sc.sentStart(p) || covers(spans, sc.toks[p].s) {
			break
		}
		h = p
	}
	return h
}

// polityHeads name what a place is before "of" (or its Romance
// languages' "de", "di", "do"): "Republic of Cameroon", "Región de
// Valparaíso", "Provincia di Cuneo".
var polityHeads = words(`republic kingdom city county province state duchy principality community commonwealth
	federation emirate sultanate empire isle isles bay gulf sea lake port borough district region diocese
	municipality parish región provincia província departamento estado municipio município comuna distrito
	ciudad cidade città comune comarca`)

// ofWords join a head to the place it names.
var ofWords = words(`of de del di do da`)

// placeAt reports whether a LOCATION span covers byte p: "Región", found
// as a place word, joins the place after its "de".
func placeAt(spans []Span, p int) bool {
	for _, s := range spans {
		if s.Start <= p && p < s.End && s.Label == Location {
			return true
		}
	}
	return false
}

// personAt reports whether a PERSON span starts at byte p.
func personAt(spans []Span, p int) bool {
	for _, s := range spans {
		if s.Start == p && s.Label == Person {
			return true
		}
	}
	return false
}

// placeLists carries a place over the list it opens: "calgary then
// everton", "Leeds, york and hull", "Wigan & st helens". The next item
// after a LOCATION span, a comma, "&" or "/" or a joining word ("and",
// "or", "then", "to", "via") is a place too when a UK or world place list
// has it and it is no everyday English word; items added carry the list on.
func placeLists(sc *scan, spans []Span) []Span {
	t := getTables()
	for x := 0; x < len(spans); x++ {
		s := spans[x]
		if s.Label != Location && s.Label != Person {
			continue
		}
		k := firstTokenFrom(sc, s.End)
		if k < 0 {
			continue
		}
		gap := sc.text[s.End:sc.toks[k].s]
		if stateAfterPlace(sc, k, gap, s.Label) {
			if !covers(spans, sc.toks[k].s) {
				spans = append(spans, Span{Start: sc.toks[k].s, End: sc.toks[k].e, Label: Location, Source: srcContext, Score: scGazLow})
			}
			continue
		}
		if s.Label != Location {
			continue
		}
		switch {
		case (gap == " " || gap == ", ") && listJoins[string(sc.lw(k))]:
			if k+1 >= len(sc.toks) || sc.text[sc.toks[k].e:sc.toks[k+1].s] != " " {
				continue
			}
			k++
		case gap == ", " || gap == " & " || gap == "/" || gap == " / ":
		default:
			continue
		}
		end, ok := listPlace(t, sc, k)
		if !ok || covers(spans, sc.toks[k].s) {
			continue
		}
		spans = append(spans, Span{Start: sc.toks[k].s, End: sc.toks[end].e, Label: Location, Source: srcContext, Score: scGazLow})
	}
	return spans
}

// stateAfterPlace reports whether token k, after a span and the gap
// between them, is the state or province of a North American place name
// ("Austin, TX", "Wichita KS"): two capital letters on the postal list,
// then no further letter. A code that is also a word in capitals counts
// only after a place and a comma; after a name tagged PERSON only ", XX"
// counts, and never a code that is also letters after a clinician's name.
func stateAfterPlace(sc *scan, k int, gap string, after Label) bool {
	if gap == " , " {
		gap = ", " // tokenised text: "Chillicothe , OH"
	}
	t := sc.toks[k]
	if t.e-t.s != 2 || t.f&tUpper == 0 || !sc.alpha(k) || (gap != ", " && gap != " ") {
		return false
	}
	code := sc.text[t.s:t.e]
	if !usStateCodes[code] {
		return false
	}
	if (gap != ", " || after == Person) && stateWords[code] || after == Person && (gap != ", " || personLetters[code]) {
		return false
	}
	if t.e < len(sc.text) {
		if r, _ := utf8.DecodeRuneInString(sc.text[t.e:]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// usStateCodes are the US states', DC's and Canada's provinces' postal
// abbreviations.
var usStateCodes = words(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AB BC MB NB NL NS NT NU ON PE QC SK YT`)

// stateWords are state codes that are also words written in capitals.
var stateWords = words(`OK OR IN ME HI OH ID LA MA PA CO DE AL`)

// personLetters are state codes that also follow a person's name as
// letters of a profession (Jane Doe, MD; a physician assistant, PA).
var personLetters = words(`MD PA DC DO RN NP`)

// listJoins join the items of a list of places.
var listJoins = words(`and or then to via n`)

// listPlace reports whether a place a list names starts at token k, and
// where it ends: a multi-word place, or one word that is no everyday
// English word, not safelisted, on a UK place list or the world one.
func listPlace(t *tables, sc *scan, k int) (int, bool) {
	for _, p := range t.phrasesAt(sc, k) {
		if j, ok := matchRest(sc, k, p.rest); ok {
			return j, true
		}
	}
	if !sc.alpha(k) || sc.toks[k].e-sc.toks[k].s < 3 {
		return 0, false
	}
	e := sc.lex(k)
	if e.wc == wCommon || e.is(bNotName|bChat|bFunction|bPronoun|bKin|bTitle) || safe(sc, k) {
		return 0, false
	}
	if e.place != pkNone || t.world(sc, k)&bWorldPlace != 0 {
		return k, true
	}
	return 0, false
}

// covers reports whether a span covers byte p.
func covers(spans []Span, p int) bool {
	for _, s := range spans {
		if s.Start <= p && p < s.End {
			return true
		}
	}
	return false
}

// sourceRank breaks score and length ties: known identifiers, then patterns, then cue
// phrases, then the model, then dictionary hits.
func sourceRank(src string) int {
	switch src {
	case srcKnown:
		return 5
	case srcPattern:
		return 4
	case srcContext, srcOrg:
		return 3
	case srcNER:
		return 2
	case srcGazetteer:
		return 1
	}
	return 0
}

// stronger reports whether a is stronger evidence than b: the higher
// score, then the longer span (an email address beats the name inside it),
// then the source rank.
func stronger(a, b Span) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
		return la > lb
	}
	return sourceRank(a.Source) > sourceRank(b.Source)
}

// Merge sorts spans and merges overlapping ones, and adjacent ones of one
// label separated by nothing or by spaces ("Becky" + "Smith"), into their
// union; the strongest span (see stronger) gives the label, source, score
// and ref. Spans
// are first clamped to the text and to rune boundaries; empty ones are
// dropped. The result is sorted by Start and non-overlapping.
func Merge(text string, spans []Span) []Span {
	k := 0
	for _, s := range spans {
		if s.Start >= s.End {
			continue
		}
		s.Start, s.End = fixBoundary(text, max(s.Start, 0)), fixEnd(text, min(s.End, len(text)))
		if s.Start < s.End {
			spans[k] = s
			k++
		}
	}
	spans = spans[:k]
	if len(spans) == 0 {
		return spans
	}
	slices.SortFunc(spans, func(a, b Span) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return b.End - a.End
		}
		if stronger(a, b) {
			return -1
		}
		if stronger(b, a) {
			return 1
		}
		return 0
	})
	out := spans[:1]
	for _, s := range spans[1:] {
		cur := &out[len(out)-1]
		if s.Start < cur.End || (s.Label == cur.Label && onlySpaces(text, cur.End, s.Start)) {
			refs := mergeRefs(*cur, s)
			if stronger(s, *cur) {
				cur.Label, cur.Source, cur.Score = s.Label, s.Source, s.Score
			}
			cur.Ref = refs
			cur.End = max(cur.End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// mergeRefs keeps the ref of the known entity a merged span belongs to:
// "self.given" + "self.family" is "self".
func mergeRefs(a, b Span) string {
	switch {
	case a.Ref == "":
		return b.Ref
	case b.Ref == "" || a.Ref == b.Ref:
		return a.Ref
	}
	ea, eb := refEntity(a.Ref), refEntity(b.Ref)
	if ea == eb {
		return ea
	}
	if stronger(b, a) {
		return b.Ref
	}
	return a.Ref
}

// refEntity strips the part suffix: "self.given" -> "self".
func refEntity(ref string) string {
	for i := 0; i < len(ref); i++ {
		if ref[i] == '.' {
			return ref[:i]
		}
	}
	return ref
}

// onlySpaces reports whether text[a:b] is one to three spaces or tabs
// (or empty).
func onlySpaces(text string, a, b int) bool {
	if b < a || b-a > 3 {
		return false
	}
	for i := a; i < b; i++ {
		if text[i] != ' ' && text[i] != '\t' {
			return false
		}
	}
	return true
}
