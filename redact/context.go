package redact

import "strings"

// contextRecognizer finds names and places from the gazetteers, deciding
// the ambiguous ones by context. A token that is a first name, surname or
// place and not an English word (dave, leeds, okonkwo) is redacted on its
// own; one that is also an everyday word (will, grace, bath, reading) needs
// evidence: a capital letter mid-sentence, a cue phrase ("my sister",
// "Dr", "moved to", "lives in"), an adjacent surname, or a facility word
// after it ("Reading station"). Lookups are one hash probe per token on the
// lower-cased bytes; multi-token places are keyed by their first token.
type contextRecognizer struct {
	t             *tables
	keepCountries bool
}

// NewContextRecognizer returns the gazetteer and context recognizer. Its
// spans carry Source "gazetteer" (a dictionary hit alone) or "context" (a
// cue phrase or capitalisation decided it). keepCountries leaves country
// names alone.
func NewContextRecognizer(keepCountries bool) Recognizer {
	return &contextRecognizer{t: getTables(), keepCountries: keepCountries}
}

func (r *contextRecognizer) Name() string { return srcGazetteer }

func (r *contextRecognizer) Find(dst []Span, text string, subj *Subject) []Span {
	sc := getScan(text)
	defer putScan(sc)
	return r.find(dst, sc, subj)
}

// Evidence strengths. A plain dictionary hit is weaker than a cue; both
// are weaker than patterns and known identifiers.
const (
	scGazLow  = 0.45
	scGazMid  = 0.55
	scGazHigh = 0.65
	scCtx     = 0.7
	scCtxHigh = 0.8
)

// personNouns after a possessive mark the owner as a person: "grace's mum".
var personNouns = words(`mum mom mam dad mother father sister brother son daughter husband wife partner boyfriend
	girlfriend friend friends mate mates nan gran grandma grandad house place flat room party birthday wedding
	funeral kids children baby family parents car dog phone`)

// honorific are titles only ever written before a name.
var honorific = words(`mr mrs ms mx`)

// nameVerbs after a word make it the subject of a sentence about a person.
var nameVerbs = words(`said says told tells texted rang called came comes went goes wants wanted asked thinks
	thought gave took got helped messaged visited warned announced added explained insisted admitted claimed
	argued replied wrote stated urged confirmed denied revealed responded tweeted posted shouted laughed
	whispered agreed apologised apologized mentioned promised suggested herself himself`)

// infinitiveCues before "to" make the next word a verb: "how to hook".
var infinitiveCues = words(`how want wants wanted need needs needed trying tried try like love hate able
	supposed start started begin began learn learned decided decide ought seem seems seemed tend tends afraid
	starting beginning hoping hope hoped wanting needing manage managed agreed agree plan planning planned
	refuse refused choose chose continue continued forget forgot remember remembered help helps helped
	have has had`)

// pronouns before a word make it a verb: "i will", "she may".
var pronouns = words(`i you he she it we they u i'll that this there who which what`)

// nameVerbAfter reports whether token i is followed by a verb that people
// do ("Rose said", "Iris has been").
func (r *contextRecognizer) nameVerbAfter(sc *scan, i int) bool {
	k := sc.nextWord(i)
	if k < 0 || !sc.spaced(i) {
		return false
	}
	if sc.has(k, bNameVerb) {
		return true
	}
	if bornAfter(sc, i) {
		return true
	}
	return (sc.isWord(k, "has") || sc.isWord(k, "had")) && sc.isWord(k+1, "been")
}

// bornAfter reports whether what follows token i happens only to a person:
// "was born", "is married", "died".
func bornAfter(sc *scan, i int) bool {
	k := sc.nextWord(i)
	if k < 0 || !sc.spaced(i) {
		return false
	}
	return sc.isWord(k, "died") || (sc.isWord(k, "was") || sc.isWord(k, "is")) && sc.spaced(k) && (sc.isWord(k+1, "born") || sc.isWord(k+1, "married"))
}

// pubPair returns the last token of a pub named as two things joined by
// "and", as British pubs are ("went to the Dog and Partridge", "at the Cat
// and Fiddle"), when token i is the "the" before it and a place cue comes
// before that; else -1. Both things are capitalised single nouns, the
// first not plural ("the Democrats and Republicans" are parties), neither
// a safe or function word.
func (r *contextRecognizer) pubPair(sc *scan, i int) int {
	x, and, y := i+1, i+2, i+3
	if y >= len(sc.toks) || !sc.isWord(i, "the") || !sc.isWord(and, "and") || !sc.spaced(i) || !sc.spaced(x) || !sc.spaced(and) || r.placeCue(sc, i) == 0 {
		return -1
	}
	for _, k := range [2]int{x, y} {
		if !sc.alpha(k) || !sc.capital(k) || sc.has(k, bFunction|bPronoun|bTitle|bKin|bMonth|bWeekday) || safe(sc, k) {
			return -1
		}
	}
	if lw := sc.lw(x); lw[len(lw)-1] == 's' || y+1 < len(sc.toks) && sc.spaced(y) && sc.alpha(y+1) && sc.capital(y+1) {
		return -1 // plural things, or a longer title ("the Arts and Crafts Movement")
	}
	return y
}

// functionWords follow kin nouns without being names: "my sister will".
var functionWords = words(`will may can said rose drew bore left saw did does is was are were has had have
	might must shall should would could`)

func (r *contextRecognizer) find(dst []Span, sc *scan, _ *Subject) []Span {
	n := len(sc.toks)
	sc.lexicon(r.t)
	lastPerson := -2 // index of the last token of the last PERSON span emitted
	for i := 0; i < n; i++ {
		if !sc.alpha(i) || sc.contraction(i) || stutter(sc, i) {
			continue
		}
		lw := sc.lw(i)
		wc := sc.lex(i).wc

		if j := dateline(sc, i); j >= i {
			dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[j].e, Label: Location, Source: srcContext, Score: scCtx})
			i = j
			continue
		}
		if j := r.pubPair(sc, i); j > i {
			dst = append(dst, Span{Start: sc.toks[i+1].s, End: sc.toks[j].e, Label: Location, Source: srcContext, Score: scCtx})
			i = j
			continue
		}
		if j := countyAbbrev(sc, i); j > i {
			dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[j].e, Label: Location, Source: srcContext, Score: scCtx})
			i = j
			continue
		}
		if j := r.dottedPlace(sc, i); j > i {
			dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[j].e, Label: Location, Source: srcContext, Score: scGazHigh})
			i = j
			continue
		}
		if r.placeAbbrev(sc, i) {
			dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: Location, Source: srcContext, Score: scGazHigh})
			continue
		}
		if r.usCountry(sc, i) {
			dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: Location, Source: srcContext, Score: scGazHigh})
			continue
		}
		if r.capsPlace(sc, i) {
			dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: Location, Source: srcContext, Score: scCtx})
			continue
		}

		// Places, longest first.
		if j, kind, ok := r.place(sc, i); ok {
			if sp, fired := r.placeSpan(sc, i, j, kind); fired {
				dst = append(dst, sp)
				if j > i {
					i = j
					continue
				}
			}
		}

		nf := sc.lex(i).nf
		prev := sc.prevWord(i)
		var prevW string
		if prev >= 0 {
			prevW = string(sc.lw(prev))
		}
		titled := prev >= 0 && sc.has(prev, bTitle) && !(prevW == "dr" && sc.text[sc.toks[prev].e:sc.toks[i].s] == "")
		titled = titled || (prev < 0 && i > 0 && titleDot(sc, i-1)) // "Mr. Smith"
		kin := prev >= 0 && sc.has(prev, bKin)
		nameCue := prev >= 0 && (sc.has(prev, bNameCue) || (prevW == "is" && prev > 0 && sc.isWord(prev-1, "name")) ||
			(prevW == "s" && prev > 0 && sc.isWord(prev-1, "name")))
		capMid := sc.capital(i) && !sc.sentStart(i)
		plainWord := wc != wNone || sc.has(i, bChat) || sc.has(i, bNotName) || len(lw) < 2

		fired, score, src := false, 0.0, srcGazetteer
		switch {
		case nf&nFirst != 0 && nf&nAmbiguous == 0 && !sc.has(i, bNotName) && (wc != wCommon || nf&nNameFirst != 0) &&
			(nf&nFirstHigh != 0 || (sc.capital(i) && (nf&nFirstLow == 0 || capMid)) || titled || kin || nameCue):
			// A first name that is not an everyday word.
			fired, score = true, scGazMid
			if sc.capital(i) {
				score = scGazHigh
			}
			if titled || kin || nameCue {
				score, src = scCtx, srcContext
			}
		case titled && len(lw) > 1 && (sc.capital(i) || !plainWord || honorific[prevW] && (sc.gap(prev) == " " || sc.gap(prev) == ". ") && !sc.has(i, bFunction|bPronoun|bChat|bNotName|bGeneric)) && !sc.has(i, bKin):
			// "Dr Hope", "dr okonkwo", "Mrs Wood"; after "mr" or "mrs"
			// any word ("mr beast", "mrs brown").
			fired, score, src = true, scCtxHigh, srcContext
		case (kin || nameCue) && len(lw) > 1 && !sc.has(i, bFunction|bKin|bTitle|bGeneric|bPronoun) &&
			(sc.capital(i) || (kin && !plainWord) || (nf&nFirst != 0 && !sc.has(i, bNotName))):
			// "my sister Grace", "my cousin lily", "my friend xanthe", "called Hope".
			// "my sister Grace", "my friend xanthe", "called Hope".
			fired, score, src = true, scCtx, srcContext
		case nf&nFirst != 0 && !sc.has(i, bNotName) && capMid && (nf&nFirstTop != 0):
			// An everyday word capitalised mid-sentence that is a
			// frequent first name: "I told Grace".
			fired, score, src = true, scGazMid, srcContext
		case nf&nFirst != 0 && !sc.has(i, bNotName) && !sc.has(i, bFunction) && sc.possessive(i) && r.ownerCue(sc, i, prevW):
			// "grace's mum", "went to sol's".
			fired, score, src = true, scGazMid, srcContext
		case nf&nFirst != 0 && nf&nFirstTop != 0 && !sc.has(i, bNotName) && r.nameVerbAfter(sc, i) && !sc.has(prev, bPronoun|bGeneric):
			// "Iris has been up", "rose said".
			fired, score, src = true, scGazMid, srcContext
		case nf&nSurname != 0 && wc == wNone && nf&nAmbiguous == 0 && !sc.has(i, bChat):
			// "Patel", "nguyen": surnames that are no English word.
			fired, score = true, scGazLow
			if sc.capital(i) {
				score = scGazMid
			}
		case nf&nSurname != 0 && lastPerson == i-1 && sc.spaced(i-1) && (sc.capital(i) || sc.toks[i-1].f&tCap == 0):
			// "Grace Wood", "jack hill": a surname after a name.
			fired, score, src = true, scGazMid, srcContext
		case lastPerson == i-1 && sc.spaced(i-1) && sc.capital(i) && sc.capital(i-1) && (wc == wNone || nf != 0) && !sc.has(i, bNotName):
			// "Becky Thornbury": a capitalised unknown word after a name.
			fired, score, src = true, scGazMid, srcContext
		case wc == wNone && nf == 0 && sc.toks[i].f&tASCII != 0 && !sc.has(i, bChat) && (sc.toks[i].f&tCap == 0 || capMid) &&
			sc.lex(i).place == pkNone && !sc.has(i, bWeekday|bMonth|bNotName) && r.t.nameTypoAt(sc, i):
			// "natlaie", "Jessqca": a one-edit typo of a frequent first name.
			fired, score = true, scGazLow
		case lastPerson == i-1 && sc.spaced(i-1) && wc == wNone && len(lw) >= 3 && !sc.has(i, bChat) && sc.toks[i].f&tCap == 0 &&
			(len(lw) < 4 || !r.t.rareWords.has(lw)):
			// "kylie minogue": an unknown lower-case word after a name,
			// not a rarer English word ("the wrzosek rota"); short ones
			// are as often a name's particle ("San Mercedes los bajos").
			fired, score, src = true, scGazLow, srcContext
		}
		// An everyday first name before a surname: "grace patel", "Will Smith".
		if !fired && nf&nFirst != 0 && !sc.has(i, bNotName) && !sc.has(i, bFunction) && i+1 < n && sc.spaced(i) && sc.alpha(i+1) {
			nf2 := sc.lex(i + 1).nf
			wc2 := sc.lex(i + 1).wc
			// Written in one case: "harm Gary" is a verb before a name.
			sameCase := sc.toks[i].f&tCap != 0 || sc.toks[i+1].f&tCap == 0
			if nf2&nSurname != 0 && sameCase && (wc2 == wNone || (sc.capital(i) && sc.capital(i+1))) {
				fired, score, src = true, scGazMid, srcContext
			}
		}
		if fired {
			dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: Person, Source: src, Score: score})
			lastPerson = i
			continue
		}

		// A cue phrase before an unknown word: "moved to Ystrad".
		if sp, ok := r.cuedPlace(sc, i, wc); ok {
			dst = append(dst, sp)
			continue
		}

		// Named facilities and streets: "St James's Hospital", "Acacia Avenue".
		if sc.has(i, bFacility) && i > 0 {
			if sp, ok := r.facility(sc, i); ok {
				dst = append(dst, sp)
				continue
			}
		}

		// Names and places no list knows: see unseen.
		if sp, ok := r.unseen(sc, i); ok {
			dst = append(dst, sp)
			if sp.Label == Person {
				lastPerson = i
			}
		}
	}
	return dst
}

// stutter reports whether token i is a false start of the next word, as
// transcripts write them: "flo-floss", "I-I".
func stutter(sc *scan, i int) bool {
	if i+1 >= len(sc.toks) || sc.toks[i+1].s != sc.toks[i].e+1 || sc.text[sc.toks[i].e] != '-' {
		return false
	}
	a, b := sc.lw(i), sc.lw(i+1)
	return len(b) >= len(a) && string(b[:len(a)]) == string(a)
}

// ownerCue reports whether "X's" is a person's: the word after is a person
// noun, or X's is a place one goes to ("went to sol's").
func (r *contextRecognizer) ownerCue(sc *scan, i int, prevW string) bool {
	if sc.capital(i) || prevW == "to" || prevW == "at" || prevW == "round" || prevW == "from" {
		return true
	}
	k := i + 2 // i, "s", next
	return k < len(sc.toks) && sc.has(k, bPersonNoun)
}

// place matches the longest gazetteer place starting at token i and
// returns its last token index and kind.
func (r *contextRecognizer) place(sc *scan, i int) (int, uint8, bool) {
	e := sc.lex(i)
	for _, p := range r.t.phrasesAt(sc, i) {
		if j, ok := matchRest(sc, i, p.rest); ok {
			if r.keepCountries && p.kind == pkCountry {
				return 0, 0, false
			}
			return j, p.kind, true
		}
	}
	if e.place != pkNone {
		if r.keepCountries && e.place == pkCountry {
			return 0, 0, false
		}
		return i, e.place, true
	}
	return 0, 0, false
}

// dateline returns the last token of a news dateline's place starting at
// token i, or -1: words in capitals that open a line, then the date or
// the agency ("RABAT 1996-08-22", "AL-AIN (Reuters)"). Any town a wire
// names is written so, listed or not.
func dateline(sc *scan, i int) int {
	capsWord := func(k int) bool {
		return k < len(sc.toks) && sc.toks[k].f&tUpper != 0 && sc.alpha(k) && sc.toks[k].e-sc.toks[k].s >= 2 && !sc.has(k, bNotName)
	}
	if !capsWord(i) || i > 0 && strings.IndexByte(sc.gap(i-1), '\n') < 0 {
		return -1
	}
	j := i
	for j < i+3 && (sc.gap(j) == " " || sc.gap(j) == "-") && capsWord(j+1) {
		j++
	}
	if j >= len(sc.toks)-1 {
		return -1
	}
	g, k := sc.gap(j), j+1
	switch {
	case strings.TrimSpace(g) == "(" && sc.alpha(k) && sc.toks[k].f&tCap != 0 && strings.HasPrefix(sc.gap(k), ")"):
		return j // "(Reuters)", "(AP)"
	case g == " " && sc.toks[k].f&tDigit != 0 && sc.toks[k].e-sc.toks[k].s == 4 && (sc.gap(k) == "-" || sc.gap(k) == "/") && k+1 < len(sc.toks) && sc.toks[k+1].f&tDigit != 0:
		return j // "1996-08-22"
	}
	return -1
}

// usCountry reports whether token i is "US", the country: the word list
// cannot hold it, as its lower case is the pronoun. In text that uses
// lower case, "US" beside no other word in capitals is no shouted "us"
// ("the US army", "7 US soldiers"; not "LET US GO"). "US $" is a currency.
func (r *contextRecognizer) usCountry(sc *scan, i int) bool {
	if r.keepCountries || sc.capText {
		return false
	}
	if sc.raw(i) == "us" {
		// In lower case, the pronoun never follows "the" and seldom
		// stands before the nouns of a state: "the us has", "us troops".
		p, n := sc.prevWord(i), sc.nextWord(i)
		// "us and russia": the pronoun goes with people ("us and the
		// kids"), the country with a country.
		and := n == i+1 && sc.spaced(i) && sc.isWord(n, "and") && n+1 < len(sc.toks) && sc.spaced(n) && r.country(sc, n+1)
		return p >= 0 && p == i-1 && sc.isWord(p, "the") && sc.spaced(p) ||
			n == i+1 && sc.spaced(i) && usNouns[string(sc.lw(n))] || and
	}
	if sc.raw(i) != "US" {
		return false
	}
	if strings.HasPrefix(strings.TrimLeft(sc.text[sc.toks[i].e:], " "), "$") {
		return false // a currency: "US $4.9B"
	}
	for _, k := range [2]int{sc.prevWord(i), sc.nextWord(i)} {
		if k >= 0 && sc.alpha(k) && sc.toks[k].f&tUpper != 0 && sc.toks[k].e-sc.toks[k].s > 1 {
			return false
		}
	}
	if p := sc.prevWord(i); p >= 0 && ultrasoundSites[string(sc.lw(p))] {
		return false // an ultrasound scan: "renal US", "pelvic US"
	}
	return true
}

// ultrasoundSites come before "US" the scan.
var ultrasoundSites = words(`renal abd abdo abdominal pelvic pelvis bladder liver thyroid scrotal testicular carotid
	venous doppler bedside formal repeat transvaginal tv obstetric breast neck kidney kidneys ruq luq`)

// usNouns follow "us" the country, not the pronoun, in lower-case text.
var usNouns = words(`troops army soldiers marines forces military navy government president
	senate congress embassy citizens officials administration economy election dollar dollars
	ambassador ambassadors senator senators congressman congresswoman lawmakers envoy diplomat diplomats
	journalist journalists actress soldier citizen official secretary airstrikes sanctions intelligence
	elections presidential`)

// countyAbbrev returns the token of the county named after token i when i
// is Ireland's "Co." for County ("Co. Down", "Co Kerry", "Co . Antrim"),
// else -1. A firm's "Co." comes before "Ltd" or "Inc", not a county.
func countyAbbrev(sc *scan, i int) int {
	j := i + 1
	if sc.raw(i) != "Co" || j >= len(sc.toks) || !sc.alpha(j) || sc.toks[j].f&tCap == 0 || sc.toks[j].f&tUpper != 0 || firmSuffixes[string(sc.lw(j))] {
		return -1
	}
	switch sc.gap(i) {
	case ". ", " ", " . ":
		return j
	}
	return -1
}

// firmSuffixes follow a firm's "Co.": "Smith & Co. Ltd".
var firmSuffixes = words(`ltd limited inc llc plc kg gmbh llp`)

// placeAbbrev reports whether token i is an abbreviation that only a place
// has, written as places write it ("NSW police", "Qld integrity boss",
// "LDN is busy"); a country's only when the profile does not keep
// countries.
func (r *contextRecognizer) placeAbbrev(sc *scan, i int) bool {
	tk := sc.toks[i]
	if tk.e-tk.s < 2 || tk.e-tk.s > 6 {
		return false // every abbreviation listed is short: most words need no lookup
	}
	w := sc.raw(i)
	if tk.f&tCap == 0 {
		// The abbreviations above that text in lower case still writes and
		// that are no word, file type or common surname there; a switch,
		// as most lower-case words reach here.
		switch w {
		case "nsw", "qld", "nwt", "nyc", "ldn", "socal", "norcal":
			return true
		case "uae", "dprk", "ussr", "nz":
			return !r.keepCountries
		}
		return false
	}
	return regionAbbrevs[w] || !r.keepCountries && countryAbbrevs[w]
}

// capsPlace reports whether token i is a place written in capitals after
// a place cue, as address data and forms write towns ("returned to
// CHAUMONT", "moved to LEEDS"): five ASCII letters or more, a place on a
// UK or world list, no shorthand the safelist knows.
func (r *contextRecognizer) capsPlace(sc *scan, i int) bool {
	tk := sc.toks[i]
	if tk.f&tUpper == 0 || tk.e-tk.s < 5 || !sc.alpha(i) || r.placeCue(sc, i) == 0 || safe(sc, i) {
		return false
	}
	return sc.lex(i).place != pkNone || r.t.world(sc, i)&bWorldPlace != 0
}

// dottedPlace returns the last letter of a place's abbreviation written
// with dots from token i ("U.S.", "B.C.", "P.E.I.", tokenised "B . C ."),
// else -1.
func (r *contextRecognizer) dottedPlace(sc *scan, i int) int {
	if i > 0 && sc.toks[i-1].e-sc.toks[i-1].s == 1 && (sc.gap(i-1) == "." || sc.gap(i-1) == " . ") {
		return -1 // inside a longer group
	}
	var buf [8]byte
	j, letters := dottedGroup(sc, i, buf[:0])
	if j < 0 || len(letters) == cap(buf) {
		return -1
	}
	caps := 0
	for k := i; k <= j; k++ {
		if sc.toks[k].f&tCap != 0 {
			caps++
		}
	}
	if caps != 0 && caps != j-i+1 {
		return -1
	}
	w := strings.ToUpper(string(letters))
	if after := sc.text[sc.toks[j].e:]; !strings.HasPrefix(after, ".") && !strings.HasPrefix(after, " .") && w != "US" && w != "UK" {
		return -1 // "U.S" and "U.K" may drop the last dot ("in the u.s for"); "N.B" and "e.g" are no places
	}
	if caps == 0 {
		// Text in lower case writes "u.s." and "u.k." too; "b.c." there
		// is as often the era.
		if w != "BC" && dottedRegions[w] || !r.keepCountries && (countryAbbrevs[w] || w == "US") {
			return j
		}
		return -1
	}
	if regionAbbrevs[w] || dottedRegions[w] || !r.keepCountries && (countryAbbrevs[w] || w == "US") {
		return j
	}
	return -1
}

// dottedRegions are places abbreviated with dots only ("B.C.", "D.C.");
// "N.B." is nota bene and "N.I." National Insurance.
var dottedRegions = words(`BC DC LA NY NJ`)

// regionAbbrevs are states, provinces and cities abbreviated in a way no
// everyday word, acronym of care or title is: Australian states,
// Canadian provinces and territories, city nicknames. "WA", "NT" and
// "ACT" are left out: WhatsApp, non-tender, a therapy.
var regionAbbrevs = words(`NSW QLD Qld Tas NWT PEI NYC LDN MCR BHAM Brum NOLA SoCal NorCal`)

// countryAbbrevs are countries' abbreviations: "DPRK missiles", "the UAE".
var countryAbbrevs = words(`UAE DPRK DRC KSA PRC ROK PNG NZ USSR GDR FRG UK USA`)

// country reports whether a country name starts at token i.
func (r *contextRecognizer) country(sc *scan, i int) bool {
	if sc.lex(i).place == pkCountry {
		return true
	}
	for _, p := range r.t.phrasesAt(sc, i) {
		if _, ok := matchRest(sc, i, p.rest); ok && p.kind == pkCountry {
			return true
		}
	}
	return false
}

// placeCue classifies the words before token i: 2 for a strong cue
// ("near", "moved to", "lives in", "grew up in"), 1 for a bare preposition
// ("in", "from", "to"), 0 for none.
func (r *contextRecognizer) placeCue(sc *scan, i int) int {
	p := sc.prevWord(i)
	if p < 0 {
		return 0
	}
	if sc.has(p, bPlaceStrong) {
		return 2
	}
	// A football club named by its town: "he supports everton", "a big
	// fan of everton"; only a UK place no English list holds ("supporting
	// The Used", "Credit Support Annex", "support bodyboarding" are none).
	fan := sc.isWord(p, "supports") || sc.isWord(p, "supporting") || sc.isWord(p, "support")
	if q := sc.prevWord(p); q >= 0 && sc.isWord(p, "of") && (sc.isWord(q, "fan") || sc.isWord(q, "fans") || sc.isWord(q, "supporter")) {
		fan = true
	}
	if fan {
		if e := sc.lex(i); e.place != pkNone && e.wc == wNone && !sc.has(i, bFunction|bPronoun) {
			return 2
		}
		return 0
	}
	if sc.isWord(p, "in") || sc.isWord(p, "to") || sc.isWord(p, "from") || sc.isWord(p, "at") || sc.isWord(p, "up") {
		if q := sc.prevWord(p); q >= 0 && sc.isWord(p, "to") && sc.toks[i].f&tCap == 0 && infinitiveCues[string(sc.lw(q))] {
			return 0 // "how to hook you", "want to bury it": a verb, not a place
		}
		if q := sc.prevWord(p); q >= 0 {
			if sc.has(q, bPlaceVerb) || (sc.isWord(q, "up") && sc.isWord(p, "in")) {
				return 2
			}
		}
		return 1
	}
	if sc.has(p, bPlaceWeak) {
		return 1
	}
	return 0
}

// placeSpan decides whether the gazetteer place at tokens i..j is meant as
// a place here.
func (r *contextRecognizer) placeSpan(sc *scan, i, j int, kind uint8) (Span, bool) {
	allCommon := true
	allCap := true
	for k := i; k <= j; k++ {
		e := sc.lex(k)
		n := sc.toks[k].e - sc.toks[k].s
		if e.wc == wNone && !e.is(bPlaceMod) && n > 2 && !e.is(bChat) {
			allCommon = false
		}
		if sc.alpha(k) && n > 2 && !sc.capital(k) && !e.is(bPlaceMod) {
			allCap = false
		}
	}
	sp := Span{Start: sc.toks[i].s, End: sc.toks[j].e, Label: Location, Source: srcGazetteer}
	cue := r.placeCue(sc, i)
	if !allCommon {
		// A single token that is also a frequent first name is a person
		// unless a place cue says otherwise ("Chester", "Ashley").
		if i == j && sc.lex(i).nf&nFirstHigh != 0 && cue == 0 {
			if kind == pkArea {
				return sp, false
			}
			sp.Score = scGazLow
			return sp, true
		}
		switch kind {
		case pkCountry, pkCity, pkFacility:
			sp.Score = scGazHigh
		case pkPub:
			if !r.pubCue(sc, i) {
				return sp, false
			}
			sp.Score, sp.Source = scCtx, srcContext
		default:
			// Villages and suburbs are many and small: in lower case
			// they need a cue ("downside" is a word the lists lack).
			if cue == 0 && !allCap && !r.addressAfter(sc, i, j) {
				return sp, false
			}
			sp.Score = scGazMid
		}
		if cue > 0 {
			sp.Score, sp.Source = scCtx, srcContext
		}
		return sp, true
	}
	switch {
	case kind == pkFacility && (j > i || r.pubCue(sc, i) || capMidAll(sc, i, j)): // "the Royal Free", "the Bullring"
		sp.Score, sp.Source = scGazMid, srcContext
		return sp, true
	case kind == pkPub:
		if r.pubCue(sc, i) && (j > i || allCap || r.placeCue(sc, i-1) > 0) {
			sp.Score, sp.Source = scCtx, srcContext
			return sp, true
		}
		return sp, false
	}
	// Everyday words: a month, "Bath", "Reading", "Church End". A
	// determiner after it makes it a verb or noun: "reading a book".
	if sc.has(i, bNotName) && cue < 2 {
		return sp, false
	}
	if k := sc.nextWord(j); k >= 0 && sc.spaced(j) && sc.has(k, bVerbObject) {
		return sp, false
	}
	capMid := allCap && !sc.capText && !(sc.sentStart(i))
	// A country named by two everyday words or more is nothing else
	// ("united kingdom has offered", "the united states"); one alone is
	// as often the china or the jersey.
	lowerCity := (kind == pkCity && cue == 1 || kind == pkCountry && j > i) && !sc.capText && !hasSuffix(sc.lw(j), "ing")
	switch {
	case lowerCity:
		// "went to derby", "back in hull": a town after a preposition.
		sp.Score, sp.Source = scGazMid, srcContext
		return sp, true
	case r.addressAfter(sc, i, j):
		sp.Score, sp.Source = scCtx, srcContext
		return sp, true
	case cue == 2 && (kind != pkArea || allCap):
		sp.Score, sp.Source = scCtx, srcContext
		return sp, true
	case cue == 1 && capMid:
		sp.Score, sp.Source = scCtx, srcContext
		return sp, true
	case capMid && (kind == pkCity || kind == pkCountry):
		sp.Score, sp.Source = scGazMid, srcContext
		return sp, true
	case kind == pkCountry && sc.capText && i == j && sc.toks[i].f&(tCap|tUpper) != 0:
		// A headline capitalises every word, so its capitals say nothing;
		// a country there is far more often the country than the
		// everyday word ("Hagel Welcomes China's Minister").
		sp.Score, sp.Source = scGazLow, srcContext
		return sp, true
	case r.facilityAfter(sc, j) && (allCap || kind == pkCity) && !sc.has(i, bGeneric):
		sp.Score, sp.Source = scCtx, srcContext
		return sp, true
	}
	return sp, false
}

// addressAfter reports whether the place at tokens i..j sits in an
// address: a postcode follows it, or a street name ends just before it
// ("71 hillside way, sandford po15 2uq").
func (r *contextRecognizer) addressAfter(sc *scan, i, j int) bool {
	if k := j + 1; k < len(sc.toks) && sc.toks[k].s-sc.toks[j].e <= 2 && sc.toks[k].f&tDigit != 0 && sc.toks[k].f&tAlpha != 0 {
		if _, _, ok := ParsePostcode(sc.raw(k)); ok {
			return true
		}
	}
	if p := i - 1; p >= 0 && sc.has(p, bStreet) && strings.TrimSpace(sc.text[sc.toks[p].e:sc.toks[i].s]) == "," {
		return true
	}
	return false
}

func capMidAll(sc *scan, i, j int) bool {
	if sc.sentStart(i) {
		return false
	}
	for k := i; k <= j; k++ {
		if !sc.capital(k) {
			return false
		}
	}
	return true
}

func hasSuffix(b []byte, suf string) bool {
	return len(b) >= len(suf) && string(b[len(b)-len(suf):]) == suf
}

// pubCue reports whether "the" comes before token i: "the Red Lion".
func (r *contextRecognizer) pubCue(sc *scan, i int) bool {
	p := sc.prevWord(i)
	return p >= 0 && sc.isWord(p, "the")
}

// facilityAfter reports whether a facility word follows token j.
func (r *contextRecognizer) facilityAfter(sc *scan, j int) bool {
	k := sc.nextWord(j)
	return k >= 0 && sc.has(k, bFacility) && !sc.has(k, bStreet)
}

// cuedPlace: an unknown word after a strong place cue, or a capitalised
// one after "in" / "from".
func (r *contextRecognizer) cuedPlace(sc *scan, i int, wc uint8) (Span, bool) {
	if sc.toks[i].e-sc.toks[i].s < 3 || sc.has(i, bChat|bNotName|bKin) || sc.toks[i].f&tUpper != 0 || (r.keepCountries && r.country(sc, i)) {
		return Span{}, false
	}
	cue := r.placeCue(sc, i)
	if cue == 0 {
		return Span{}, false
	}
	if (cue == 2 && (wc == wNone || (sc.capital(i) && !sc.sentStart(i)))) ||
		(cue == 1 && wc == wNone && sc.capital(i) && !sc.sentStart(i)) {
		return Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: Location, Source: srcContext, Score: scGazMid}, true
	}
	return Span{}, false
}

// anchor reports whether token k names something: capitalised (and not
// only because it opens the sentence), not an English word, a place, or a
// person's name (Queen Elizabeth Hospital, St James's).
func (r *contextRecognizer) anchor(sc *scan, k, head int) bool {
	if !sc.alpha(k) || r.peopleWord(sc, k, head) {
		return false
	}
	e := sc.lex(k)
	if lw := sc.lw(k); len(lw) > 3 && lw[len(lw)-1] == 's' && sc.toks[k].f&tCap == 0 {
		if b := r.t.lex[string(lw[:len(lw)-1])]; b.is(bKin) {
			return false // "my nans house", "at my aunties house": a possessive without its apostrophe
		}
	}
	if e.is(bGeneric | bChat | bKin | bNotName | bFacilityMod | bFacility) {
		notName := e.is(bNotName) && !(geoHeads[string(sc.lw(head))] && sc.capital(head))
		return sc.capital(k) && !sc.sentStart(k) && !e.is(bGeneric|bFacilityMod|bFacility) && !notName
	}
	if sc.capital(k) && (!sc.sentStart(k) || sc.capital(head)) {
		return true
	}
	if e.wc == wNone && sc.toks[k].e-sc.toks[k].s >= 3 {
		return true
	}
	if _, _, ok := r.place(sc, k); ok && e.wc != wCommon {
		return true
	}
	return e.nf&(nFirst|nSurname) != 0 && e.wc != wCommon
}

// peopleWord reports whether token k is a nationality, language or faith
// before a facility head: it describes the place ("a Sunni mosque", "the
// Polish shop") and names it only with another word ("St Mary's Catholic
// Church"); seas and coasts take it as their name ("Irish Sea").
func (r *contextRecognizer) peopleWord(sc *scan, k, head int) bool {
	return safePeople[string(sc.lw(k))] && !(geoHeads[string(sc.lw(head))] && sc.capital(head))
}

// before returns the token before k inside one name: joined by spaces, a
// hyphen or comma, skipping a possessive 's ("Addenbrooke's").
func before(sc *scan, k int) int {
	if k <= 0 || !(sc.spaced(k-1) || sc.joined(k-1)) {
		return -1
	}
	p := k - 1
	if string(sc.lw(p)) == "s" && p > 0 && sc.apostropheAfter(p-1) != nil {
		p--
	}
	return p
}

// streetIdiom are the verbs and intensifiers before a street word that
// make an idiom of it, not a street: "to take place", "give way", "make
// way", "live very close".
var streetIdiom = words(`take takes took taken taking give gives gave given giving make makes made making find
	found lose lost very so too quite really pretty fairly come came get got stay keep kept hold`)

// facility builds a LOCATION span for a named facility or street whose
// head word (hospital, school, road, ...) is token i: the words before it
// that name it, with connectives and modifiers between ("Norfolk and
// Norwich University Hospital", "St Joseph's RC Primary", "12 church
// road"), and "of X" after some heads ("University of Durham").
func (r *contextRecognizer) facility(sc *scan, i int) (Span, bool) {
	if sc.toks[i].f&tCap == 0 && facilityEverydayWords[string(sc.lw(i))] {
		return Span{}, false
	}
	if k := sc.nextWord(i); k >= 0 && sc.has(k, bFacility) && sc.spaced(i) && (sc.isWord(i, "primary") || sc.isWord(i, "general") || sc.isWord(i, "royal") || sc.isWord(i, "district") || sc.isWord(i, "community")) {
		return Span{}, false // a modifier: the head comes next
	}
	end := i
	if sc.has(i, bFacilityOf) {
		if k := sc.nextWord(i); k >= 0 && sc.isWord(k, "of") && k+1 < len(sc.toks) && sc.spaced(k) {
			j := k + 1
			if r.anchor(sc, j, i) {
				end = j
				if pj, _, ok := r.place(sc, j); ok && pj > j {
					end = pj
				}
			}
		}
	}
	start, anchored, specific := i, end > i, false
	for p, n := before(sc, i), 0; p >= 0 && n < 7; p, n = before(sc, p), n+1 {
		switch {
		case r.anchor(sc, p, i):
			start, anchored = p, true
		case sc.has(p, bFacilityAnchor):
			start, specific = p, true
		case sc.has(p, bFacilityMod) || r.peopleWord(sc, p, i):
			start = p // "St Mary's Catholic Church": the faith is no anchor
		default:
			p = 0 // stop
		}
		if p == 0 {
			break
		}
	}
	// Connectives and modifiers cannot open a name: "of", "and", "the", "c".
	for start < i && !r.anchor(sc, start, i) && !sc.has(start, bFacilityAnchor) {
		start++
	}
	if !anchored && !(specific && start < i) {
		// "12 church road", "lives on sandy lane": a house number or a
		// street cue makes a street of everyday words.
		k := i - 1
		if !(sc.has(i, bStreet) && k > 0 && sc.alpha(k) && !sc.has(k, bGeneric) && !sc.has(k, bChat) && !streetIdiom[string(sc.lw(k))] && sc.spaced(k)) {
			return Span{}, false
		}
		p := sc.prevWord(k)
		if p < 0 || !((sc.toks[p].f&tDigit != 0 && sc.toks[p].e-sc.toks[p].s <= 4) || sc.has(p, bStreetCue)) {
			return Span{}, false
		}
		start = k
	}
	if sc.has(i, bStreet) {
		if p := sc.prevWord(start); p >= 0 && sc.toks[p].f&tDigit != 0 && sc.toks[p].e-sc.toks[p].s <= 4 {
			start = p
		}
	}
	return Span{Start: sc.toks[start].s, End: sc.toks[end].e, Label: Location, Source: srcContext, Score: scCtx}, true
}
