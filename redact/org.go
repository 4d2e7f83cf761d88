package redact

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// The ORG recognizer. An employer, a shop or a bank named in a therapy
// conversation is quasi-identifying ("my manager at the Hargreaves depot",
// "I work at Tesco in Hull"), so profiles that redact ORG need more than
// the incidental hits of the name and place recognizers. It works from
// three kinds of evidence:
//
//   - a built-in list of UK organisations (data/org_names.txt), matched
//     case-insensitively as whole tokens, tolerant of apostrophes
//     ("sainsburys"), "&" for "and" ("M&S", "m and s") and a plain
//     possessive or plural ("tesco's", "tescos"). A listed name that is also
//     an everyday word, a place or a first name (Next, Boots, Iceland,
//     Halifax) needs evidence: a capital mid-sentence with no noun after
//     it ("Next" but not "Next time"), an employment or shopping cue, or a
//     site word after it ("the Iceland depot"); a few (next, boots) are
//     also taken in lower case in a shop-visit frame ("went to next on my
//     own"). Online services that everyone uses (Google, Facebook) count
//     only as employers.
//   - employment cues before a name the list lacks ("work at X", "job with
//     X", "shifts at X", "my boss at X", "employed by X", "a company called
//     X") and site words after it ("X head office", "the X warehouse"),
//     where X is a capitalised word or short capitalised sequence, an
//     all-capitals acronym, or a lower-case word the word lists do not know.
//     Everyday words, first names, places and facility words are never X:
//     "work at home", "shift at 9", "job with the council" stay.
//   - legal and public-body suffixes after a name: "Hargreaves Ltd", "Hull
//     City Council", "Leeds Teaching Hospitals NHS Trust", "West Yorkshire
//     Police", "Skipton Building Society".
//
// Bare generic bodies are not redacted: "the council", "the bank", "the
// NHS", "the police" name nobody. NHS, DWP, HMRC and the like are left off
// the list for the same reason (see the list's header).
//
// Scores place ORG between the gazetteer and known identifiers: a listed
// name (0.75) beats a surname or place dictionary hit ("Sainsbury's",
// "Halifax bank"), a cue or suffix (0.8) beats a LOCATION cue, and an
// ambiguous listed name decided only by its capital (0.6) loses to a place
// cue ("moved to Halifax" stays LOCATION). Overlaps are then settled by
// Merge like any other spans.

//go:embed data/org_names.txt
var orgNamesText string

// srcOrg is the Source of a span decided by the organisation list alone.
// Spans decided by a cue or suffix carry srcContext.
const srcOrg = "org"

const (
	scOrgCap  = 0.6  // an ambiguous listed name, decided by its capital
	scOrgShop = 0.7  // an ambiguous listed name in a shop-visit shape
	scOrgList = 0.75 // a listed name that is no everyday word; a site word after a name
	scOrgCue  = 0.8  // an employment cue before, or a legal or public-body suffix after
)

// orgKind says how much evidence a listed name needs.
type orgKind uint8

const (
	orgPlain     orgKind = iota // fires alone
	orgAmbiguous                // "~": capital, cue or site word
	orgShop                     // "*": as "~", and in lower case in a shop-visit frame
	orgEmployer                 // "^": only an employment cue or a site word
)

// orgName is one listed name, keyed by its first token.
type orgName struct {
	rest   []string // canonical tokens after the first
	kind   orgKind
	common bool // every token is an everyday word: a site word after it proves nothing ("the next store")
	// apos: the name is written with an apostrophe ("Domino's") and is
	// ambiguous only because its apostrophe-less form is a word
	// ("dominos"): written with the apostrophe it is distinctive.
	apos bool
}

// orgSuffix is a legal or public-body suffix ending in its map key.
type orgSuffix struct {
	before []string // suffix tokens before the key ("nhs", "foundation" for "trust")
	kind   uint8
}

// Suffix kinds: what may stand in the name before the suffix.
const (
	sfxLegal  uint8 = iota // "Ltd", "plc": any name-like words
	sfxPublic              // "council", "police": a place or capitalised name, with place modifiers
	sfxHealth              // "NHS Trust", "Health Board": also hospital and service words
)

// orgTables are the read-only organisation tables shared by every
// recognizer.
type orgTables struct {
	t      *tables
	first  map[string][]orgName // canonical first token -> names, longest first
	suffix map[string][]orgSuffix
	// filter is a one-hash Bloom filter over (first two bytes, last byte,
	// length) of every form that can start a listed name or be a suffix
	// head: one bit probe rejects nearly every token before any map
	// lookup.
	filter [orgFilterWords]uint64
}

const orgFilterWords = 1 << 10 // 64K bits

var (
	orgOnce sync.Once
	orgTab  *orgTables
)

func getOrgTables() *orgTables {
	orgOnce.Do(func() { orgTab = buildOrgTables(getTables(), orgNamesText) })
	return orgTab
}

func orgHash(w []byte) (int, uint64) {
	var b1 byte
	if len(w) > 1 {
		b1 = w[1]
	}
	h := ((uint32(w[0])*131+uint32(b1))*131+uint32(w[len(w)-1]))*131 + uint32(len(w))
	h ^= h >> 13
	h *= 0x9e3779b1
	h >>= 16 // 16 bits: word index and bit
	return int(h>>6) & (orgFilterWords - 1), 1 << (h & 63)
}

func (o *orgTables) mark(w string) {
	if w == "" {
		return
	}
	h, bit := orgHash([]byte(w))
	o.filter[h] |= bit
}

func (o *orgTables) mayStart(w []byte) bool {
	h, bit := orgHash(w)
	return o.filter[h]&bit != 0
}

// orgCanon splits a listed name into canonical tokens: lower case,
// apostrophes dropped ("sainsbury's" -> "sainsburys"), "&" read as "and",
// and a leading "the" dropped (people say "at the Co-op"; the article is
// not part of the name).
func orgCanon(name string) []string {
	name = strings.NewReplacer("'", "", "\u2019", "", "&", " and ").Replace(strings.ToLower(name))
	toks := lowerTokens(name)
	if len(toks) > 1 && toks[0] == "the" {
		toks = toks[1:]
	}
	return toks
}

func buildOrgTables(t *tables, text string) *orgTables {
	o := &orgTables{t: t, first: map[string][]orgName{}, suffix: map[string][]orgSuffix{}}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		kind, forced, auto := orgPlain, false, false
		switch line[0] {
		case '~':
			kind, line = orgAmbiguous, line[1:]
		case '*':
			kind, line = orgShop, line[1:]
		case '^':
			kind, line = orgEmployer, line[1:]
		case '=':
			forced, line = true, line[1:]
		}
		toks := orgCanon(line)
		if len(toks) == 0 {
			continue
		}
		common := true
		for _, w := range toks {
			if t.words[w] == wNone && w != "and" {
				common = false
			}
		}
		if kind == orgPlain && len(toks) == 1 && !forced {
			// A single word the lists know as an English word, a place
			// or a first name is ambiguous whatever the list says.
			w := toks[0]
			if t.words[w] != wNone || t.place1[w] != pkNone || t.names[w]&nFirst != 0 {
				kind, auto = orgAmbiguous, true
			}
		}
		n := orgName{rest: toks[1:], kind: kind, common: common, apos: auto && strings.ContainsAny(line, "'\u2019")}
		// A repeated name keeps its first entry (a test keeps the list
		// free of repeats).
		dup := false
		for _, p := range o.first[toks[0]] {
			dup = dup || slices.Equal(p.rest, n.rest)
		}
		if !dup {
			o.first[toks[0]] = append(o.first[toks[0]], n)
		}
	}
	for w, ns := range o.first {
		// Longest first, so that the first match is the longest.
		for i := 1; i < len(ns); i++ {
			for j := i; j > 0 && len(ns[j].rest) > len(ns[j-1].rest); j-- {
				ns[j], ns[j-1] = ns[j-1], ns[j]
			}
		}
		// The forms a text token can take at the start of the name: the
		// canonical token, the token before an apostrophe-s ("sainsbury"
		// of "sainsbury's"), and a plain plural or possessive ("tescos").
		o.mark(w)
		if strings.HasSuffix(w, "s") {
			o.mark(w[:len(w)-1])
		}
		o.mark(w + "s")
	}
	for _, s := range orgSuffixes {
		toks := strings.Fields(s.name)
		head := toks[len(toks)-1]
		o.suffix[head] = append(o.suffix[head], orgSuffix{before: toks[:len(toks)-1], kind: s.kind})
		o.mark(head)
	}
	for _, ss := range o.suffix {
		for i := 1; i < len(ss); i++ {
			for j := i; j > 0 && len(ss[j].before) > len(ss[j-1].before); j-- {
				ss[j], ss[j-1] = ss[j-1], ss[j]
			}
		}
	}
	return o
}

// orgSuffixes end a legal or public-body name.
var orgSuffixes = []struct {
	name string
	kind uint8
}{
	{"ltd", sfxLegal}, {"limited", sfxLegal}, {"plc", sfxLegal}, {"llp", sfxLegal}, {"inc", sfxLegal},
	{"council", sfxPublic}, {"police", sfxPublic}, {"constabulary", sfxPublic},
	{"building society", sfxPublic}, {"housing association", sfxPublic}, {"credit union", sfxPublic},
	{"fire and rescue service", sfxPublic}, {"fire and rescue", sfxPublic}, {"ambulance service", sfxHealth},
	{"nhs trust", sfxHealth}, {"nhs foundation trust", sfxHealth}, {"foundation trust", sfxHealth},
	{"health board", sfxHealth}, {"integrated care board", sfxHealth},
}

// orgMods may stand between a name and a public-body suffix: "Hull City
// Council", "West Yorkshire Police", "Leeds Teaching Hospitals NHS Trust".
var orgMods = words(`city borough county district metropolitan town parish combined unitary
	north south east west northern southern eastern western greater central mid upper lower
	mental health care social partnership community teaching university hospital hospitals general
	royal acute integrated primary children childrens women womens specialist services`)

// orgConnectives join the words of a public body's name: "Tees, Esk and
// Wear Valleys", "Stockton on Tees Borough Council".
var orgConnectives = words(`and of upon on`)

// orgLegalTails may follow a name found by a cue: "Hargreaves Logistics
// Ltd".
var orgLegalTails = words(`ltd limited plc llp inc uk`)

// orgSiteWords after a name make it an organisation's premises: "the
// Hargreaves depot", "Iceland distribution centre", "X head office".
var orgSiteWords = words(`warehouse warehouses depot depots factory plant yard site hq headquarters store stores superstore
	branch branches`)

// orgSitePairs are two-word site words, keyed by the first word.
var orgSitePairs = map[string][]string{
	"head":         {"office", "offices"},
	"call":         {"centre", "center", "centres"},
	"contact":      {"centre", "center"},
	"distribution": {"centre", "center", "depot"},
	"fulfilment":   {"centre", "center"},
	"sorting":      {"office"},
	"delivery":     {"office", "depot"},
	"customer":     {"services", "service"},
}

// orgCues are the words before a preposition that make what follows an
// organisation one works for, banks or shops with: keyed by the
// preposition ("work at X", "job with X", "employed by X", "sacked from X",
// "a company called X", "my employer is X").
var orgCues = map[string]map[string]bool{
	"at": words(`work works working worked job jobs shift shifts boss bosses manager managers supervisor
		colleague colleagues coworker coworkers interview interviews placement apprenticeship internship
		volunteer volunteers volunteering volunteered temping temp role position contract staff employee
		employees employed cashier shopping shop shops shopped trainee training hours back`),
	"for": words(`work works working worked volunteer volunteers volunteering volunteered drive drives driving
		deliver delivers delivering delivery deliveries driver drivers cleaner cleaners contract contracted temp temping
		freelance freelancing`),
	"with": words(`job jobs contract placement apprenticeship internship interview role position employment
		bank banks banking banked account mortgage loan overdraft insured insurance`),
	"by":     words(`employed hired contracted recruited sacked dismissed headhunted`),
	"from":   words(`sacked fired dismissed redundant resigned retired`),
	"is":     words(`employer`),
	"called": words(`company firm agency business charity organisation organization employer brand`),
	"named":  words(`company firm agency business charity organisation organization employer brand`),
}

// orgShopBefore and orgShopAfter frame a shop visit: "went to next on my
// own", "in boots and", "rang nationwide about". An everyday-word name in
// lower case is a shop only in such a frame. orgCallVerbs before a name
// make it an organisation one rings or writes to.
var (
	orgShopBefore = words(`to in at into from outside inside rang rung phoned contacted emailed`)
	orgCallVerbs  = words(`rang rung ring rings ringing phoned phone phoning contacted contacting emailed emailing messaged`)
	orgShopAfter  = words(`on and or but about because cos today yesterday earlier tonight this then so again in at
		when where which who with for after before the a an is was are were said told sent goes went
		last now too instead though`)
)

// orgStop are words never taken as an unlisted organisation even when
// capitalised after a cue: "work at the Weekend", "shift at Night".
var orgStop = words(`home weekend weekends night nights morning mornings evening evenings moment minute
	minutes time times least most all end start same first last lunch lunchtime dinner breakfast teatime
	midnight noon work school uni college christmas easter half full part present mo sec`)

// orgNotX are lexicon bits that rule a token out as an unlisted name.
const orgNotX = bNotName | bWeekday | bMonth | bKin | bTitle | bGeneric | bFacility | bChat | bPronoun |
	bFunction | bFacilityAnchor | bPersonNoun | bFacilityMod

// orgRecognizer finds organisations (ORG).
type orgRecognizer struct {
	o *orgTables
}

// NewOrgRecognizer returns the organisation recognizer. Its spans carry
// Source "org" (a listed name alone) or "context" (a cue, site word or
// suffix decided it). A Redactor runs it only when ORG is among its labels.
func NewOrgRecognizer() Recognizer { return &orgRecognizer{o: getOrgTables()} }

func (r *orgRecognizer) Name() string { return srcOrg }

func (r *orgRecognizer) Find(dst []Span, text string, subj *Subject) []Span {
	sc := getScan(text)
	defer putScan(sc)
	return r.find(dst, sc, subj)
}

func (r *orgRecognizer) find(dst []Span, sc *scan, _ *Subject) []Span {
	sc.lexicon(r.o.t)
	n := len(sc.toks)
	for i := 0; i < n; i++ {
		tk := sc.toks[i]
		if tk.f&tAlpha == 0 {
			continue
		}
		lw := sc.lw(i)
		if r.o.mayStart(lw) {
			if sp, j, ok := r.listed(sc, i); ok {
				dst = append(dst, sp)
				i = j
				continue
			}
			if sp, ok := r.suffixed(sc, i); ok {
				dst = append(dst, sp)
				continue
			}
		}
		// Only a capitalised word or one the word lists do not know can
		// open an unlisted name: most tokens stop here.
		if tk.f&tCap == 0 && sc.lx[i].wc != wNone {
			continue
		}
		if sp, j, ok := r.cued(sc, i); ok {
			dst = append(dst, sp)
			i = j
		}
	}
	return dst
}

// orgTok matches text token k against canonical token w: the same letters;
// the token and an apostrophe-s after it ("sainsbury" + "'s" for
// "sainsburys"); or, for a name's last token, w with a plain plural or
// possessive s ("tescos"). It returns the index after the match.
func orgTok(sc *scan, k int, w string, last bool) (int, bool) {
	lw := sc.lw(k)
	if string(lw) == w {
		return k + 1, true
	}
	m := len(lw)
	if m+1 == len(w) && w[m] == 's' && string(lw) == w[:m] {
		if a := sc.apostropheAfter(k); a != nil && string(a) == "s" {
			return k + 2, true
		}
	}
	if last && len(w) >= 4 && m == len(w)+1 && lw[m-1] == 's' && string(lw[:m-1]) == w {
		return k + 1, true
	}
	return 0, false
}

// orgGap reports whether the text between tokens k-1 and k may sit inside
// a name (up to four bytes of spaces, hyphens, dots, apostrophes or "&"),
// and whether it holds an "&".
func orgGap(sc *scan, k int) (amp, ok bool) {
	g := sc.text[sc.toks[k-1].e:sc.toks[k].s]
	if len(g) == 0 || len(g) > 4 {
		return false, false
	}
	for j := 0; j < len(g); j++ {
		switch g[j] {
		case ' ', '\t', '-', '.', '\'':
		case '&':
			amp = true
		default:
			return false, false
		}
	}
	return amp, true
}

// listed matches the longest listed name at token i and decides whether
// the text means the organisation. It returns the span and its last token.
func (r *orgRecognizer) listed(sc *scan, i int) (Span, int, bool) {
	lw := sc.lw(i)
	var buf [64]byte
	type probe struct {
		key    []byte
		next   int
		single bool // only a one-token name may match (the plural form)
		apos   bool // the first token was written with an apostrophe-s
	}
	probes := [3]probe{{key: lw, next: i + 1}}
	np := 1
	// The apostrophe-s form only for words of four letters or more: a
	// short one is an abbreviation's plural ("BH's"), not "Nando's".
	if a := sc.apostropheAfter(i); a != nil && string(a) == "s" && len(lw) >= 4 && len(lw) < len(buf) {
		probes[np] = probe{key: append(append(buf[:0], lw...), 's'), next: i + 2, apos: true}
		np++
	}
	if m := len(lw); m >= 5 && lw[m-1] == 's' {
		probes[np] = probe{key: lw[:m-1], next: i + 1, single: true}
		np++
	}
	n := len(sc.toks)
	for _, p := range probes[:np] {
		names := r.o.first[string(p.key)]
	name:
		for _, nm := range names {
			if p.single && len(nm.rest) > 0 {
				continue
			}
			k := p.next
			for j := 0; j < len(nm.rest); j++ {
				w := nm.rest[j]
				if k >= n {
					continue name
				}
				amp, ok := orgGap(sc, k)
				if !ok {
					continue name
				}
				if w == "and" && amp {
					continue // "&" stands for "and"
				}
				nk, ok := orgTok(sc, k, w, j == len(nm.rest)-1)
				if !ok {
					continue name
				}
				k = nk
			}
			last := k - 1
			if p.apos && nm.apos && len(nm.rest) == 0 {
				nm.kind = orgPlain
			}
			if sp, ok := r.decide(sc, i, last, nm); ok {
				return sp, last, true
			}
		}
	}
	return Span{}, 0, false
}

// decide weighs the evidence for a listed name at tokens i..j.
func (r *orgRecognizer) decide(sc *scan, i, j int, nm orgName) (Span, bool) {
	// A longer place that starts here wins: "Costa Rica", "Costa del Sol".
	for _, p := range r.o.t.phrasesAt(sc, i) {
		if e, ok := matchRest(sc, i, p.rest); ok && e > j {
			return Span{}, false
		}
	}
	// "Dr Costa", "my friend Zara": a person.
	if p := sc.prevWord(i); p >= 0 && sc.has(p, bTitle|bKin) && !sc.has(p, bGeneric) {
		return Span{}, false
	}
	sp := Span{Start: sc.toks[i].s, End: sc.toks[j].e, Label: Org, Source: srcOrg, Score: scOrgList}
	if r.cue(sc, i) {
		sp.Score, sp.Source = scOrgCue, srcContext
		return sp, true
	}
	switch nm.kind {
	case orgPlain:
		return sp, true
	case orgEmployer:
		if r.siteAfter(sc, j, true) {
			sp.Source = srcContext
			return sp, true
		}
		return sp, false
	}
	if !nm.common && r.siteAfter(sc, j, true) {
		sp.Source = srcContext
		return sp, true
	}
	capital := r.capitalised(sc, i, j, !nm.common)
	if (capital || nm.kind == orgShop) && r.callFrame(sc, i, j) {
		// "I rang Halifax about the mortgage": one rings an
		// organisation, not a town.
		sp.Score, sp.Source = scOrgShop, srcContext
		return sp, true
	}
	if capital && (!nm.common || r.clauseAfter(sc, j) || r.siteAfter(sc, j, true)) {
		sp.Score = scOrgCap
		return sp, true
	}
	if nm.kind == orgShop && r.shopFrame(sc, i, j) {
		sp.Score, sp.Source = scOrgShop, srcContext
		return sp, true
	}
	return sp, false
}

// capitalised reports whether the words of tokens i..j are capitalised
// where capitals mean something: not at a sentence start, not in a text
// that capitalises everything. Short all-capitals words count when acronym
// is set ("BT", "EE"; not "NEXT", which is shouting).
func (r *orgRecognizer) capitalised(sc *scan, i, j int, acronym bool) bool {
	if sc.capText || sc.sentStart(i) {
		return false
	}
	for k := i; k <= j; k++ {
		f := sc.toks[k].f
		if f&tAlpha == 0 {
			continue
		}
		short := sc.toks[k].e-sc.toks[k].s <= 4
		if !(sc.capital(k) || (f&tUpper != 0 && short && acronym)) && !(sc.isWord(k, "and") || sc.isWord(k, "of") || sc.isWord(k, "s")) {
			return false
		}
	}
	return true
}

// shopFrame reports whether tokens i..j sit where a shop's name does:
// after a visiting or calling word and before a function word or the end
// of a clause ("went to next on my own", "rang nationwide about it").
func (r *orgRecognizer) shopFrame(sc *scan, i, j int) bool {
	p := sc.prevWord(i)
	if p < 0 || !orgShopBefore[string(sc.lw(p))] {
		return false
	}
	return r.clauseAfter(sc, j)
}

// callFrame reports whether tokens i..j are rung or written to: "rang
// nationwide about", "phoned Halifax,".
func (r *orgRecognizer) callFrame(sc *scan, i, j int) bool {
	p := sc.prevWord(i)
	return p >= 0 && orgCallVerbs[string(sc.lw(p))] && r.clauseAfter(sc, j)
}

// clauseAfter reports whether the words after token j leave it a name
// rather than the first word of a phrase: the clause ends, or a function
// word, a capitalised word or a comma follows ("in Next, Buckingham", "to
// Next on my own"; not "Next time", "in next week's").
func (r *orgRecognizer) clauseAfter(sc *scan, j int) bool {
	if sc.possessive(j) {
		return false
	}
	k := sc.nextWord(j)
	if k < 0 {
		return true // "before i go to boots."
	}
	return orgShopAfter[string(sc.lw(k))] || (sc.capital(k) && !sc.spaced(j)) || strings.Contains(sc.text[sc.toks[j].e:sc.toks[k].s], ",")
}

// cue reports whether an employment or banking cue comes before token i:
// "work at X", "job with the X", "employed by X", "a company called X",
// "laid off from X".
func (r *orgRecognizer) cue(sc *scan, i int) bool {
	p := sc.prevWord(i)
	if p >= 0 && sc.isWord(p, "the") {
		p = sc.prevWord(p)
	}
	if p < 0 {
		return false
	}
	pw := string(sc.lw(p))
	if pw == "employer" {
		return true // "my employer, X"
	}
	set := orgCues[pw]
	if set == nil {
		return false
	}
	q := sc.prevWord(p)
	if q < 0 {
		return false
	}
	qw := string(sc.lw(q))
	if set[qw] {
		return true
	}
	// "laid off from X", "signed off from X".
	if pw == "from" && qw == "off" {
		if q2 := sc.prevWord(q); q2 >= 0 && (sc.isWord(q2, "laid") || sc.isWord(q2, "signed")) {
			return true
		}
	}
	return false
}

// siteAfter reports whether a site word follows token j, after an optional
// possessive: "Iceland distribution centre", "Tesco's head office".
// listed allows "office" and "shop" after a listed name.
func (r *orgRecognizer) siteAfter(sc *scan, j int, listed bool) bool {
	k := j + 1
	if sc.possessive(j) && k < len(sc.toks) && sc.isWord(k, "s") {
		k++
	}
	if k >= len(sc.toks) || !sc.spaced(k-1) {
		return false
	}
	w := string(sc.lw(k))
	if orgSiteWords[w] || (listed && (w == "office" || w == "offices" || w == "shop")) {
		return true
	}
	if nx, ok := orgSitePairs[w]; ok && k+1 < len(sc.toks) && sc.spaced(k) {
		w2 := string(sc.lw(k + 1))
		for _, x := range nx {
			if x == w2 {
				return true
			}
		}
	}
	return false
}

// nameLike reports whether token k can be part of an unlisted
// organisation's name: capitalised where capitals mean something, a short
// acronym, or a lower-case word the lists do not know. Everyday function
// words, kin, titles, facilities, days and chat never are.
func (r *orgRecognizer) nameLike(sc *scan, k int, start bool) bool {
	f := sc.toks[k].f
	if f&tAlpha == 0 || f&tDigit != 0 {
		return false
	}
	m := sc.toks[k].e - sc.toks[k].s
	if m < 2 {
		return false
	}
	e := sc.lex(k)
	var ok bool
	switch {
	case sc.capital(k):
		ok = !start || !sc.sentStart(k)
	case f&tUpper != 0:
		ok = !sc.capText && m <= 6
	case f&tCap == 0:
		ok = start && e.wc == wNone && f&tASCII != 0 && m >= 3
	}
	return ok && e.bits&orgNotX == 0 && !orgStop[string(sc.lw(k))]
}

// cued finds an unlisted organisation at token i: a name-like word after
// an employment cue or before a site word, extended over the capitalised
// words of the name and a legal tail.
func (r *orgRecognizer) cued(sc *scan, i int) (Span, int, bool) {
	if !r.nameLike(sc, i, true) {
		return Span{}, 0, false
	}
	e := sc.lex(i)
	lower := sc.toks[i].f&tCap == 0
	j := i
	if !lower {
		for n := 0; n < 4; n++ {
			k := j + 1
			if k >= len(sc.toks) {
				break
			}
			if _, ok := orgGap(sc, k); !ok {
				break
			}
			if r.nameLike(sc, k, false) {
				j = k
				continue
			}
			if (sc.isWord(k, "and") || sc.isWord(k, "of")) && sc.toks[k].f&tCap == 0 && k+1 < len(sc.toks) && sc.spaced(k) && sc.capital(k+1) && r.nameLike(sc, k+1, false) {
				j = k + 1
				continue
			}
			break
		}
	}
	if k := j + 1; k < len(sc.toks) && sc.spaced(j) && orgLegalTails[string(sc.lw(k))] {
		j = k
	}
	// A person's first name or a place alone is not an organisation here
	// ("work for Dave", "job at Leeds", "shifts at Milton Keynes"); nor
	// is a named facility, which is a LOCATION ("work at Hargreaves
	// Hospital").
	if j == i && (e.nf&nFirst != 0 || e.place != pkNone) {
		return Span{}, 0, false
	}
	for _, p := range r.o.t.phrasesAt(sc, i) {
		if end, ok := matchRest(sc, i, p.rest); ok && end >= j {
			return Span{}, 0, false
		}
	}
	if k := sc.nextWord(j); k >= 0 && sc.has(k, bFacility) {
		return Span{}, 0, false
	}
	if !r.cue(sc, i) && !r.siteAfter(sc, j, false) {
		return Span{}, 0, false
	}
	return Span{Start: sc.toks[i].s, End: sc.toks[j].e, Label: Org, Source: srcContext, Score: scOrgList}, j, true
}

// suffixed finds a name ending in a legal or public-body suffix whose head
// is token i: "Hargreaves Ltd", "Hull City Council", "Leeds Teaching
// Hospitals NHS Trust".
func (r *orgRecognizer) suffixed(sc *scan, i int) (Span, bool) {
	ss := r.o.suffix[string(sc.lw(i))]
	for _, s := range ss {
		k := i
		ok := true
		for b := len(s.before) - 1; b >= 0; b-- {
			k--
			if k < 0 || !sc.spaced(k) || !sc.isWord(k, s.before[b]) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		start := -1
		for p, n := k-1, 0; p >= 0 && n < 7 && (sc.spaced(p) || orgGapOK(sc, p+1)); p, n = p-1, n+1 {
			if r.suffixAnchor(sc, p, s.kind) {
				start = p
				continue
			}
			lw := sc.lw(p)
			conn := orgConnectives[string(lw)]
			if s.kind != sfxLegal && orgMods[string(lw)] || conn || (s.kind == sfxHealth && sc.has(p, bFacility|bFacilityMod)) {
				// A capitalised modifier opens the name once a name
				// follows it ("West Yorkshire Police"); alone it is
				// generic ("the City Council").
				if start >= 0 && sc.toks[p].f&tCap != 0 && !conn {
					start = p
				}
				continue
			}
			break
		}
		if start < 0 {
			continue
		}
		return Span{Start: sc.toks[start].s, End: sc.toks[i].e, Label: Org, Source: srcContext, Score: scOrgCue}, true
	}
	return Span{}, false
}

func orgGapOK(sc *scan, k int) bool {
	_, ok := orgGap(sc, k)
	return ok
}

// suffixAnchor reports whether token p names the body before a suffix: a
// place, a capitalised word, an acronym, or a word the lists do not know.
// The suffix is the evidence, so a capital counts even in a text that
// capitalises most words (an organisation's name in title case often is
// most of a short text).
func (r *orgRecognizer) suffixAnchor(sc *scan, p int, kind uint8) bool {
	f := sc.toks[p].f
	if f&tAlpha == 0 {
		return false
	}
	e := sc.lex(p)
	if e.bits&(bGeneric|bChat|bPronoun|bKin|bWeekday|bMonth) != 0 && f&tCap == 0 {
		return false
	}
	if orgMods[string(sc.lw(p))] || orgConnectives[string(sc.lw(p))] {
		return false
	}
	switch {
	case e.place != pkNone || e.is(bPhrase):
		return true
	case f&tCap != 0:
		return !e.is(bGeneric) || kind == sfxLegal
	case f&tCap == 0 && e.wc == wNone && f&tASCII != 0 && sc.toks[p].e-sc.toks[p].s >= 3 && !e.is(bChat):
		return true
	}
	return false
}
