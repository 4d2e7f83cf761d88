package redact

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/redact/textnorm"
)

// Refs name the entity a known-identifier span belongs to, so that every
// variant of one person or address gets one number or surrogate.
const (
	refSelf      = "self"
	refAddress   = "address"
	refPostcode  = "postcode"
	refPhone     = "phone"
	refEmail     = "email"
	refNHS       = "nhs"
	refPractice  = "practice"
	refGP        = "gp"
	refContact   = "contact"   // + index
	refTherapist = "therapist" // + index
)

// Subject is Known compiled once for one patient: every name with its
// nicknames, short forms and ASCII spellings, address parts, the postcode
// with and without its space, phone and NHS digits. The record's fields are
// read through the normalised view (textnorm) as the texts are, so a
// field holding a no-break space or a full-width digit compiles like a
// clean one. It is immutable and safe
// for concurrent use; build it once per patient and reuse it for all that
// patient's texts.
type Subject struct {
	phrases map[string][]kphrase // first lower-case token -> phrases, longest first
	fuzzy   []fuzzyName          // names of five or more letters, for one-edit misspellings
	numbers []knum               // phone and NHS digits
	emails  []kemail             // lower-case addresses
	// compact are identifiers matched on letters and digits alone,
	// whatever separates them ("L S 6 / 2AB"); names are the single-word
	// names and places, found inside a token glued to digits or other
	// names ("DawnRowe79").
	compact []kcompact
	names   []kname
	// firstBits is a 1,024-bit Bloom filter (two bits a key) over the
	// keys of phrases: a token with either bit clear starts no phrase, so
	// nearly every token of a text is passed over without a map lookup.
	firstBits [16]uint64
}

// firstBit returns a token's two positions in Subject.firstBits, from
// one FNV-1a hash of its bytes.
func firstBit[T string | []byte](k T) (uint16, uint16) {
	h := uint32(2166136261)
	for i := 0; i < len(k); i++ {
		h ^= uint32(k[i])
		h *= 16777619
	}
	return uint16(h & 1023), uint16(h>>16) & 1023
}

// mayStart reports whether key may be a key of s.phrases (false: it is not).
func (s *Subject) mayStart(key []byte) bool {
	a, b := firstBit(key)
	return s.firstBits[a>>6]&(1<<(a&63)) != 0 && s.firstBits[b>>6]&(1<<(b&63)) != 0
}

type kcompact struct {
	alnum string // lower-case ASCII letters and digits
	label Label
	ref   string
}

type kname struct {
	name  string // lower-case, accents removed
	label Label
	ref   string
}

type kphrase struct {
	rest   []string
	label  Label
	ref    string
	part   uint8 // partGiven, partFamily, partFull for PERSON
	plural bool  // a single name token that may take a bare s ("the smiths")
}

const (
	partOther uint8 = iota
	partGiven
	partFamily
)

type fuzzyName struct {
	name string
	ref  string
	part uint8
}

type knum struct {
	digits string // NHS: 10 digits; phone: national significant number (no leading 0 / 44)
	label  Label
	ref    string
	phone  bool
}

type kemail struct {
	addr          string
	local, domain string
	ref           string
}

// nameParticles are name parts that identify nobody on their own.
var nameParticles = words(`de da del della der di du la le van von den ter bin binti bint al el ibn mac mc st saint o d`)

// NewSubject compiles k. A nil-safe empty Subject matches nothing.
func NewSubject(k Known) *Subject {
	k = normalKnown(k)
	b := &subjectBuilder{s: &Subject{phrases: map[string][]kphrase{}}, t: getTables(), seen: map[seenKey]bool{}}
	for _, w := range strings.Fields(stripTitles(k.GivenName)) {
		b.person(w, refSelf, partGiven, true)
	}
	for _, w := range strings.Fields(stripTitles(k.PreferredName)) {
		b.person(w, refSelf, partGiven, true)
	}
	full := lowerTokens(stripTitles(k.GivenName + " " + k.FamilyName))
	b.add(full, Person, refSelf, partOther)
	if len(full) > 1 {
		// Written as one word: "dawnrowe", "rowedawn".
		b.add([]string{strings.Join(full, "")}, Person, refSelf, partOther)
		b.add([]string{full[len(full)-1] + strings.Join(full[:len(full)-1], "")}, Person, refSelf, partOther)
	}
	for _, w := range strings.Fields(stripTitles(k.FamilyName)) {
		b.person(w, refSelf, partFamily, false)
	}
	for i, c := range k.Contacts {
		b.fullName(c.Name, refContact+strconv.Itoa(i+1))
	}
	b.fullName(k.GPName, refGP)
	if k.TherapistName != "" {
		b.fullName(k.TherapistName, refTherapist+"1")
	}
	for i, n := range k.TherapistNames {
		if strings.EqualFold(strings.TrimSpace(n), strings.TrimSpace(k.TherapistName)) {
			continue
		}
		b.fullName(n, refTherapist+strconv.Itoa(i+2))
	}
	for i, l := range k.AddressLines {
		b.address(l, refAddress+strconv.Itoa(i+1))
	}
	b.facility(k.GPPractice, refPractice)
	if out, in, ok := ParsePostcode(k.Postcode); ok {
		lo, li := strings.ToLower(out), strings.ToLower(in)
		if li != "" {
			b.add([]string{lo, li}, Postcode, refPostcode, partOther)
			b.add([]string{lo + li}, Postcode, refPostcode, partOther)
		}
		b.add([]string{lo}, Postcode, refPostcode, partOther)
		if li != "" {
			b.s.compact = append(b.s.compact, kcompact{alnum: lo + li, label: Postcode, ref: refPostcode})
		}
	} else if k.Postcode != "" {
		b.phrase(k.Postcode, Postcode, refPostcode)
		if c := alnumLower(k.Postcode); len(c) >= 5 && hasDigit(c) {
			b.s.compact = append(b.s.compact, kcompact{alnum: c, label: Postcode, ref: refPostcode})
		}
	}
	if d := digitsOf(k.Phone); len(d) >= 6 {
		nsn := d
		switch {
		case strings.HasPrefix(nsn, "0044"):
			nsn = nsn[4:]
		case strings.HasPrefix(nsn, "44") && len(nsn) >= 12:
			nsn = nsn[2:]
		}
		nsn = strings.TrimLeft(nsn, "0")
		if len(nsn) >= 6 {
			b.s.numbers = append(b.s.numbers, knum{digits: nsn, label: Phone, ref: refPhone, phone: true})
		}
	}
	if d := digitsOf(k.NHSNumber); len(d) >= 6 {
		b.s.numbers = append(b.s.numbers, knum{digits: d, label: NHSNumber, ref: refNHS})
	}
	if e := strings.ToLower(strings.TrimSpace(k.Email)); strings.Contains(e, "@") {
		at := strings.LastIndexByte(e, '@')
		local := e[:at]
		b.s.emails = append(b.s.emails, kemail{addr: e, local: local, domain: e[at+1:], ref: refEmail})
		if toks := lowerTokens(local); len(toks) > 0 && len(strings.Join(toks, "")) >= 4 {
			b.add(toks, Email, refEmail, partOther)
		}
	}
	for k, ps := range b.s.phrases {
		slices.SortStableFunc(ps, func(a, b kphrase) int { return len(b.rest) - len(a.rest) })
		b.s.phrases[k] = ps
		x, y := firstBit(k)
		b.s.firstBits[x>>6] |= 1 << (x & 63)
		b.s.firstBits[y>>6] |= 1 << (y & 63)
	}
	return b.s
}

type subjectBuilder struct {
	s    *Subject
	t    *tables
	seen map[seenKey]bool
}

// seenKey is a registered token sequence (joined by spaces) and its label.
type seenKey struct {
	l    Label
	toks string
}

// add registers one token sequence.
func (b *subjectBuilder) add(toks []string, l Label, ref string, part uint8) {
	if len(toks) == 0 {
		return
	}
	key := seenKey{l, strings.Join(toks, " ")}
	if b.seen[key] {
		return
	}
	b.seen[key] = true
	p := kphrase{rest: toks[1:], label: l, ref: ref, part: part}
	if len(toks) == 1 && (l == Person) {
		p.plural = true
	}
	b.s.phrases[toks[0]] = append(b.s.phrases[toks[0]], p)
	if len(toks) == 1 && (l == Person || l == Location) && len(toks[0]) >= 2 && !allDigits(toks[0]) {
		b.s.names = append(b.s.names, kname{name: toks[0], label: l, ref: ref + partSuffix(part, 0)})
	}
	if len(toks) == 1 && l == Person && utf8.RuneCountInString(toks[0]) >= 5 && !b.fuzzySeen(toks[0]) {
		b.s.fuzzy = append(b.s.fuzzy, fuzzyName{name: toks[0], ref: ref, part: part})
	}
	// An accented name is also written without its accents (the copy is
	// made only when a token changes: most names are ASCII).
	var folded []string
	for i, t := range toks {
		if f := foldASCII(t); f != t {
			if folded == nil {
				folded = slices.Clone(toks)
			}
			folded[i] = f
		}
	}
	if folded != nil {
		b.add(folded, l, ref, part)
	}
}

func (b *subjectBuilder) fuzzySeen(n string) bool {
	for _, f := range b.s.fuzzy {
		if f.name == n {
			return true
		}
	}
	return false
}

// phrase registers a whole string as one token sequence.
func (b *subjectBuilder) phrase(s string, l Label, ref string) {
	b.add(lowerTokens(s), l, ref, partOther)
}

// person registers a given or family name: the whole, each part, hyphen
// and apostrophe parts joined ("obrien"), and for given names every
// nickname and short form.
func (b *subjectBuilder) person(name, ref string, part uint8, nicknames bool) {
	toks := lowerTokens(stripTitles(name))
	if len(toks) == 0 {
		return
	}
	b.add(toks, Person, ref, part)
	if len(toks) > 1 {
		b.add([]string{strings.Join(toks, "")}, Person, ref, part)
	}
	for i, t := range toks {
		if len(t) < 2 || nameParticles[t] || allDigits(t) {
			continue
		}
		b.add([]string{t}, Person, ref, part)
		if !nicknames || i != 0 {
			continue
		}
		variants := nameVariants(t)
		head := isHeadOf(t, t)
		for _, v := range variants {
			// From a formal name every short form is added (William:
			// Will, Bill, Liam), whatever word it also is. From a short
			// form, its formal names are added, but sibling short forms
			// only when they are not everyday words: Liam is William, yet
			// "will" in Liam's texts is the verb.
			if v == t || (!head && !isHeadOf(v, t) && b.t.words[v] == wCommon) {
				continue
			}
			b.add([]string{v}, Person, ref, part)
		}
	}
}

// isHeadOf reports whether v is the formal name heading a nickname group
// that contains t (isHeadOf(t, t): t heads a group of its own).
func isHeadOf(v, t string) bool {
	nickOnce.Do(loadNicknames)
	for _, g := range nickIdx[t] {
		if nickGrp[g][0] == v {
			return true
		}
	}
	return false
}

// fullName registers "Given Family" of someone other than the patient:
// the whole name, and each word as a given (first) or family name.
func (b *subjectBuilder) fullName(name, ref string) {
	name = stripTitles(name)
	toks := lowerTokens(name)
	if len(toks) == 0 {
		return
	}
	b.add(toks, Person, ref, partOther)
	for i, w := range strings.Fields(name) {
		if i == 0 {
			b.person(w, ref, partGiven, true)
		} else {
			b.person(w, ref, partFamily, false)
		}
	}
}

// stripTitles removes leading titles ("Dr", "Mrs") from a name.
func stripTitles(s string) string {
	f := strings.Fields(s)
	for len(f) > 1 && titleWords[strings.ToLower(strings.TrimRight(f[0], "."))] {
		f = f[1:]
	}
	return strings.Join(f, " ")
}

// address registers one address line: the whole line, the line without its
// house number, the street with its type abbreviated or expanded, and the
// distinctive words of the street name on their own.
func (b *subjectBuilder) address(line, ref string) {
	toks := lowerTokens(line)
	if len(toks) == 0 {
		return
	}
	b.add(toks, Location, ref, partOther)
	body := toks
	for len(body) > 0 && (hasDigit(body[0]) || body[0] == "flat" || body[0] == "apartment" || body[0] == "unit" || body[0] == "house" || body[0] == "no") {
		body = body[1:]
	}
	if len(body) == 0 {
		return
	}
	b.add(body, Location, ref, partOther)
	last := body[len(body)-1]
	if alt, ok := streetAbbrev[last]; ok {
		b.add(append(slices.Clone(body[:len(body)-1]), alt), Location, ref, partOther)
	}
	// Distinctive words: not English, not a street type, not a number. A
	// single-word line (a town, "Headingley") is added whatever it is: it
	// is this patient's place.
	if len(body) == 1 {
		return
	}
	for _, t := range body {
		if len(t) >= 3 && !hasDigit(t) && !facilityWords[t] && !placeModifiers[t] && b.t.words[t] == wNone {
			b.add([]string{t}, Location, ref, partOther)
		}
	}
}

// facility registers a GP practice or other named place: the whole name,
// the name without its generic ending ("Surgery", "Medical Centre") and its
// distinctive words.
func (b *subjectBuilder) facility(name, ref string) {
	toks := lowerTokens(name)
	if len(toks) == 0 {
		return
	}
	b.add(toks, Location, ref, partOther)
	body := toks
	for len(body) > 1 && practiceSuffix[body[len(body)-1]] {
		body = body[:len(body)-1]
	}
	for len(body) > 1 && body[0] == "the" {
		body = body[1:]
	}
	b.add(body, Location, ref, partOther)
	for _, t := range body {
		if len(t) >= 4 && !hasDigit(t) && !facilityWords[t] && !placeModifiers[t] && !practiceSuffix[t] && b.t.words[t] == wNone {
			b.add([]string{t}, Location, ref, partOther)
		}
	}
}

var practiceSuffix = words(`surgery practice medical health centre center clinic group partnership family
	doctors doctor gp gps and the partners`)

var streetAbbrev = map[string]string{
	"street": "st", "st": "street", "road": "rd", "rd": "road", "avenue": "ave", "ave": "avenue",
	"lane": "ln", "ln": "lane", "drive": "dr", "dr": "drive", "crescent": "cres", "cres": "crescent",
	"place": "pl", "pl": "place", "court": "ct", "ct": "court", "gardens": "gdns", "gdns": "gardens",
	"square": "sq", "sq": "square", "terrace": "terr", "terr": "terrace", "close": "cl", "cl": "close",
	"grove": "gr", "gr": "grove",
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// foldASCII removes accents (zoë -> zoe, siân -> sian) and reads Latin
// look-alikes of other scripts as Latin (Cyrillic "dаwn") in a lower-case
// token; runes without an ASCII base letter are kept.
func foldASCII(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		if base, ok := accentBase[r]; ok {
			b.WriteByte(base)
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// accentBase maps lower-case accented Latin letters, and Cyrillic and
// Greek look-alikes, to their base letter.
var accentBase = func() map[rune]byte {
	m := map[rune]byte{}
	for base, rs := range map[byte]string{
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'd': "ďđ", 'e': "èéêëēĕėęě", 'g': "ĝğġģ", 'h': "ĥħ",
		'i': "ìíîïĩīĭįı", 'j': "ĵ", 'k': "ķ", 'l': "ĺļľŀł", 'n': "ñńņňŉ", 'o': "òóôõöøōŏő",
		'r': "ŕŗř", 's': "śŝşšș", 't': "ţťŧț", 'u': "ùúûüũūŭůűų", 'w': "ŵẁẃẅ", 'y': "ýÿŷỳ", 'z': "źżž",
	} {
		for _, r := range rs {
			m[r] = base
		}
	}
	// Cyrillic and Greek letters that look like Latin ones: a name typed
	// with a Cyrillic "а" looks the same and must match the same. NFKC
	// leaves them as they are.
	for base, rs := range map[byte]string{
		'a': "аα", 'c': "сϲ", 'd': "ԁ", 'e': "еє", 'h': "һ", 'i': "іι", 'j': "ј", 'k': "κ", 'l': "ӏ",
		'n': "η", 'o': "оοσ", 'p': "рρ", 'q': "ԛ", 's': "ѕ", 't': "τ", 'u': "υ", 'v': "ν", 'w': "ԝω",
		'x': "хχ", 'y': "уγ",
	} {
		for _, r := range rs {
			m[r] = base
		}
	}
	return m
}()

// knownRecognizer finds the subject's own identifiers.
type knownRecognizer struct{ t *tables }

// NewKnownRecognizer returns the recognizer of known identifiers ("known").
// It finds nothing when the subject is nil.
func NewKnownRecognizer() Recognizer { return &knownRecognizer{t: getTables()} }

func (r *knownRecognizer) Name() string { return srcKnown }

func (r *knownRecognizer) Find(dst []Span, text string, subj *Subject) []Span {
	if subj == nil {
		return dst
	}
	return findViewed(dst, text, subj, r.find)
}

const scoreKnown = 1.0

func (r *knownRecognizer) find(dst []Span, sc *scan, subj *Subject) []Span {
	if subj == nil {
		return dst
	}
	if len(subj.phrases) > 0 || len(subj.fuzzy) > 0 {
		dst = r.findPhrases(dst, sc, subj)
	}
	// Every number and compact identifier has a digit: a text without one
	// (most dialogue turns) skips building the alnum stream.
	if (len(subj.numbers) > 0 || len(subj.compact) > 0) && len(sc.chunks()) > 0 {
		dst = r.findNumbers(dst, sc, subj)
	}
	if len(subj.names) > 0 && sc.letterRun() {
		dst = findSpacedNames(dst, sc, subj)
	}
	for _, e := range subj.emails {
		dst = findFold(dst, sc, e.addr, Email, e.ref)
		dst = findEmailLoose(dst, sc, e)
	}
	return dst
}

func (r *knownRecognizer) findPhrases(dst []Span, sc *scan, subj *Subject) []Span {
	for i := range sc.toks {
		if sc.contraction(i) {
			continue
		}
		key := sc.lw(i)
		var ps []kphrase
		ok := false
		if subj.mayStart(key) {
			ps, ok = subj.phrases[string(key)]
		}
		if !ok && sc.toks[i].f&tASCII == 0 {
			ps, ok = subj.phrases[foldASCII(string(key))]
		}
		matched := false
		if ok {
			for _, p := range ps {
				if len(p.rest) == 0 && p.label == Person && r.wordNotName(sc, i, subj, string(key)) {
					continue
				}
				if end, ok := matchRest(sc, i, p.rest); ok {
					st, en := sc.underscored(i, end)
					dst = append(dst, Span{Start: st, End: en, Label: p.label, Source: srcKnown, Score: scoreKnown, Ref: p.ref + partSuffix(p.part, len(p.rest))})
					matched = true
					break
				}
			}
		}
		if f := sc.toks[i].f; !matched && f&tAlpha != 0 && f&(tDigit|tCamel) != 0 {
			if n, ok := r.gluedName(sc, i, subj); ok {
				dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: n.label, Source: srcKnown, Score: scoreKnown, Ref: n.ref})
				matched = true
			}
		}
		if matched || !sc.alpha(i) {
			continue
		}
		// "the smiths", "daves": a name with a bare plural or possessive s.
		if n := len(key); n >= 4 && key[n-1] == 's' && subj.mayStart(key[:n-1]) {
			if ps, ok := subj.phrases[string(key[:n-1])]; ok && !r.wordNotName(sc, i, subj, string(key[:n-1])) {
				for _, p := range ps {
					if p.plural {
						dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: p.label, Source: srcKnown, Score: scoreKnown, Ref: p.ref + partSuffix(p.part, 0)})
						matched = true
						break
					}
				}
			}
		}
		// One-edit misspellings of names of five letters or more, unless
		// the token is itself an English word ("hurry" is not Harry).
		if matched || len(key) < 4 || sc.lex(i).wc != wNone {
			continue
		}
		for _, f := range subj.fuzzy {
			if withinOneEdit(key, f.name) {
				dst = append(dst, Span{Start: sc.toks[i].s, End: sc.toks[i].e, Label: Person, Source: srcKnown, Score: 0.9, Ref: f.ref + partSuffix(f.part, 0)})
				break
			}
		}
	}
	return dst
}

func partSuffix(part uint8, rest int) string {
	if rest > 0 {
		return ""
	}
	switch part {
	case partGiven:
		return ".given"
	case partFamily:
		return ".family"
	}
	return ""
}

// matchRest checks that tokens after i spell rest, each joined to the one
// before by a light separator, and returns the index of the last token.
func matchRest(sc *scan, i int, rest []string) (int, bool) {
	j := i
	for _, w := range rest {
		if !sc.joined(j) {
			return 0, false
		}
		j++
		lw := sc.lw(j)
		if string(lw) != w && (sc.toks[j].f&tASCII != 0 || foldASCII(string(lw)) != w) {
			return 0, false
		}
	}
	return j, true
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent letters.
func withinOneEdit(a []byte, b string) bool {
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	if i == la && i == lb {
		return true
	}
	switch {
	case la == lb:
		if string(a[i+1:]) == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == b[i+2:]
	case la > lb:
		return string(a[i+1:]) == b[i:]
	default:
		return string(a[i:]) == b[i+1:]
	}
}

// findNumbers finds the subject's phone and NHS numbers however they are
// spaced, separated or prefixed (+44, 0044, 0, (0)), and the identifiers
// compared on letters and digits alone (the postcode): any run of spaces,
// dashes, dots, slashes, brackets or underscores (at most three bytes of
// the view) may sit between two characters. A number inside a longer run
// of digits is still the patient's number: fail closed.
func (r *knownRecognizer) findNumbers(dst []Span, sc *scan, subj *Subject) []Span {
	a := sc.alnums()
	if len(a.b) == 0 {
		return dst
	}
	for _, n := range subj.numbers {
		for k := a.find(n.digits, 0); k >= 0; k = a.find(n.digits, k+1) {
			st := k
			if n.phone {
				for _, p := range [...]string{"00440", "0044", "440", "44", "0"} {
					if st >= len(p) && string(a.b[st-len(p):st]) == p && a.joined(st-len(p), st) {
						st -= len(p)
						break
					}
				}
			}
			start := int(a.pos[st])
			if p := start; n.phone {
				if p > 0 && sc.text[p-1] == '(' {
					p--
				}
				if p > 0 && sc.text[p-1] == '+' {
					start = p - 1
				}
			}
			end := int(a.pos[k+len(n.digits)-1]) + 1
			dst = append(dst, Span{Start: start, End: end, Label: n.label, Source: srcKnown, Score: scoreKnown, Ref: n.ref})
		}
	}
	for _, c := range subj.compact {
		for k := a.find(c.alnum, 0); k >= 0; k = a.find(c.alnum, k+1) {
			e := k + len(c.alnum)
			// A whole word or words: "ls62ab" is not inside "fails62abc".
			if (k > 0 && a.brk[k] == 0) || (e < len(a.b) && a.brk[e] == 0) {
				continue
			}
			dst = append(dst, Span{Start: int(a.pos[k]), End: int(a.pos[e-1]) + 1, Label: c.label, Source: srcKnown, Score: scoreKnown, Ref: c.ref})
		}
	}
	return dst
}

// findSpacedNames finds a known name of three letters or more spelled
// out with a separator between every letter: "D a w n", "R.O.W.E",
// "d-a-w-n". A separator between some letters only is ordinary text ("I
// row e-bikes" is not Rowe).
func findSpacedNames(dst []Span, sc *scan, subj *Subject) []Span {
	a := sc.alnums()
	for _, n := range subj.names {
		if len(n.name) < 3 {
			continue
		}
	next:
		for k := a.find(n.name, 0); k >= 0; k = a.find(n.name, k+1) {
			e := k + len(n.name)
			if (k > 0 && a.brk[k] == brkNone) || (e < len(a.b) && a.brk[e] == brkNone) {
				continue
			}
			for x := k + 1; x < e; x++ {
				if a.brk[x] != brkSep {
					continue next
				}
			}
			dst = append(dst, Span{Start: int(a.pos[k]), End: int(a.pos[e-1]) + 1, Label: n.label, Source: srcKnown, Score: scoreKnown, Ref: n.ref})
		}
	}
	return dst
}

// findEmailLoose finds the subject's address written to dodge a scraper or
// mangled by an editor: "dawn.rowe (at) example dot com", "dawn.rowe [at]
// example.com", "dawn.rowe @ example.com". The local part and the "at"
// are redacted even when the domain is written some other way.
func findEmailLoose(dst []Span, sc *scan, e kemail) []Span {
	if len(e.local) < 2 {
		return dst
	}
	low := sc.low
	local := []byte(e.local)
	for off := 0; off < len(low); {
		k := bytes.Index(low[off:], local)
		if k < 0 {
			break
		}
		s := off + k
		off = s + 1
		j, ok := atForm(low, s+len(e.local))
		if !ok {
			continue
		}
		end := j
		if d, ok := domainLoose(low, j, e.domain); ok {
			end = d
		}
		dst = append(dst, Span{Start: s, End: fixEnd(sc.text, end), Label: Email, Source: srcKnown, Score: scoreKnown, Ref: e.ref})
	}
	return dst
}

// atForm matches an "at" written as "@", "(at)", "[at]", "{at}", "<at>" or
// the word " at ", with optional spaces around, at low[i:], and returns
// where it ends.
func atForm(low []byte, i int) (int, bool) {
	j := skipSpaces(low, i, 2)
	switch {
	case j < len(low) && low[j] == '@':
		return skipSpaces(low, j+1, 2), true
	case j+4 <= len(low) && (low[j] == '(' || low[j] == '[' || low[j] == '{' || low[j] == '<') &&
		low[j+1] == 'a' && low[j+2] == 't' && (low[j+3] == ')' || low[j+3] == ']' || low[j+3] == '}' || low[j+3] == '>'):
		return skipSpaces(low, j+4, 2), true
	case j > i && j+3 <= len(low) && low[j] == 'a' && low[j+1] == 't' && low[j+2] == ' ':
		return skipSpaces(low, j+3, 2), true
	}
	return 0, false
}

// domainLoose matches domain at low[i:] with each '.' written as a dot or
// as "dot", "(dot)", "[dot]" with optional spaces, and returns its end.
func domainLoose(low []byte, i int, domain string) (int, bool) {
	for n := 0; ; n++ {
		label, rest, more := strings.Cut(domain, ".")
		if n > 0 {
			j := skipSpaces(low, i, 2)
			switch {
			case j < len(low) && low[j] == '.':
				i = j + 1
			case j+5 <= len(low) && (low[j] == '(' || low[j] == '[' || low[j] == '{') && string(low[j+1:j+4]) == "dot" && (low[j+4] == ')' || low[j+4] == ']' || low[j+4] == '}'):
				i = j + 5
			case j > i && j+4 <= len(low) && string(low[j:j+4]) == "dot ":
				i = j + 4
			default:
				return 0, false
			}
			i = skipSpaces(low, i, 2)
		}
		if len(low)-i < len(label) || string(low[i:i+len(label)]) != label {
			return 0, false
		}
		i += len(label)
		if !more {
			return i, true
		}
		domain = rest
	}
}

func skipSpaces(b []byte, i, most int) int {
	for n := 0; n < most && i < len(b) && b[i] == ' '; n++ {
		i++
	}
	return i
}

// gluedName finds a known name inside token i when the token is a name
// glued to digits or to another name: "dawn1979", "DawnRowe79", "xXdawnXx",
// "RoweDawn". In a token with digits a name of four letters or more counts
// anywhere in its letters (a handle or password made of a name: fail
// closed); a shorter name, and any name in a token of letters only, must be
// a whole camel-case part ("MoKhan", "mo99"), so that "mo" is not found in
// "mobile7" nor "kit" in "Kitchen".
func (r *knownRecognizer) gluedName(sc *scan, i int, subj *Subject) (kname, bool) {
	t := sc.toks[i]
	digits := t.f&tDigit != 0
	raw := sc.raw(i)
	if !digits && t.f&tCamel == 0 {
		return kname{}, false
	}
	low := string(sc.lw(i))
	if t.f&tASCII == 0 {
		low = foldASCII(low)
		raw = foldASCII(raw)
	}
	if digits {
		for p := 0; p < len(low); {
			for p < len(low) && (low[p] < 'a' || low[p] > 'z') {
				p++
			}
			q := p
			for q < len(low) && low[q] >= 'a' && low[q] <= 'z' {
				q++
			}
			for _, n := range subj.names {
				if len(n.name) >= 4 && strings.Contains(low[p:q], n.name) {
					return n, true
				}
			}
			p = q
		}
	}
	// Camel-case and letter/digit parts.
	for p := 0; p < len(raw); {
		q := p + 1
		for q < len(raw) && !partBoundary(raw[q-1], raw[q]) {
			q++
		}
		part := strings.ToLower(raw[p:q])
		for _, n := range subj.names {
			if n.name == part {
				return n, true
			}
		}
		p = q
	}
	return kname{}, false
}

// partBoundary reports whether a token splits between bytes a and b: a
// small letter before a capital, or a letter next to a digit.
func partBoundary(a, b byte) bool {
	return ('a' <= a && a <= 'z' && 'A' <= b && b <= 'Z') || isDigit(a) != isDigit(b)
}

// nameDeterminers before a word make it a noun, not a name: "half a mo",
// "my kit", "the will". ("its" is left out: chat writes "it's" so.)
var nameDeterminers = words(`a an the my your his her our their this that these those some any no every
	each another what which whose half`)

// wordNotName reports whether token i, a known name of at most three
// letters that is also an English word, is used as the word: it is written
// in small letters, stands alone (not glued to digits, an underscore or an
// '@', nor next to another of the subject's names: "mo lamb"), and a
// determiner comes before it, maybe with one ordinary word between ("half
// a mo", "my gym kit"; but "my sister kit" and "this is kit" are names).
// Anything else, and every longer name that is a word (Grace, Will, Dawn),
// is redacted whatever the case: fail closed.
func (r *knownRecognizer) wordNotName(sc *scan, i int, subj *Subject, key string) bool {
	t := sc.toks[i]
	if len(key) > 3 || t.f&(tCap|tDigit) != 0 || r.t.words[key] == wNone {
		return false
	}
	if (t.s > 0 && (sc.text[t.s-1] == '_' || sc.text[t.s-1] == '@')) || (t.e < len(sc.text) && (sc.text[t.e] == '_' || sc.text[t.e] == '@')) {
		return false
	}
	p := sc.prevWord(i)
	if p < 0 || sc.toks[p].f&tCap != 0 || subj.isName(string(sc.lw(p))) {
		return false
	}
	// A name or a verb right after it, with nothing but spaces between,
	// makes it a name ("mo lamb", "mo said"); after a comma it starts
	// something else ("half a mo, Mo said").
	if n := sc.nextWord(i); n >= 0 && sc.spaced(i) && n == i+1 && (subj.isName(string(sc.lw(n))) || nameVerbs[string(sc.lw(n))]) {
		return false
	}
	// Back to the determiner over at most two ordinary words ("a first
	// aid kit"), none of which could introduce a name.
	for n := 0; n < 3 && p >= 0 && sc.toks[p].f&tCap == 0; n++ {
		pw := string(sc.lw(p))
		if nameDeterminers[pw] {
			return true
		}
		if r.t.words[pw] == wNone || functionWords[pw] || pronouns[pw] || personNouns[pw] || kinWords[pw] ||
			titleWords[pw] || nameCueWords[pw] || nameVerbs[pw] || nameLinks[pw] {
			return false
		}
		p = sc.prevWord(p)
	}
	return false
}

// nameLinks between a determiner and a word let the word be a name: "the
// shop with kit", "a call from mo".
var nameLinks = words(`with to for from at by and or but of about like than as into onto off on in is was are
	be been am were me him her them us you`)

// isName reports whether w (lower-case) is one of the subject's names on
// its own.
func (s *Subject) isName(w string) bool {
	for _, p := range s.phrases[w] {
		if p.label == Person && len(p.rest) == 0 {
			return true
		}
	}
	return false
}

// findFold finds every case-insensitive occurrence of an ASCII needle.
func findFold(dst []Span, sc *scan, needle string, l Label, ref string) []Span {
	if needle == "" {
		return dst
	}
	hay := sc.low
	off := 0
	for {
		k := bytes.Index(hay[off:], []byte(needle))
		if k < 0 {
			return dst
		}
		s := off + k
		e := fixEnd(sc.text, s+len(needle))
		dst = append(dst, Span{Start: fixBoundary(sc.text, s), End: e, Label: l, Source: srcKnown, Score: scoreKnown, Ref: ref})
		off = s + 1
	}
}

// normalKnown returns k with every field in its normalised view, so that a
// record holding "Da\u200bwn" or "LS6\u00a02AB" compiles like a clean one.
func normalKnown(k Known) Known {
	// One Folder for every field (as textnorm.String would give, without
	// a Folder per call); each result is a string of its own.
	var f textnorm.Folder
	n := func(s string) string {
		if v := f.Fold(s); !v.Identity() {
			return v.Text
		}
		return s
	}
	k.GivenName, k.FamilyName, k.PreferredName = n(k.GivenName), n(k.FamilyName), n(k.PreferredName)
	k.Postcode, k.Phone, k.Email, k.NHSNumber = n(k.Postcode), n(k.Phone), n(k.Email), n(k.NHSNumber)
	k.GPPractice, k.GPName, k.TherapistName = n(k.GPPractice), n(k.GPName), n(k.TherapistName)
	if len(k.Contacts) > 0 {
		cs := make([]Contact, len(k.Contacts))
		for i, c := range k.Contacts {
			cs[i] = Contact{Name: n(c.Name), Relationship: c.Relationship}
		}
		k.Contacts = cs
	}
	k.AddressLines = mapStrings(k.AddressLines, n)
	k.TherapistNames = mapStrings(k.TherapistNames, n)
	return k
}

func mapStrings(ss []string, f func(string) string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// alnumLower is the lower-case ASCII letters and digits of s's view.
func alnumLower(s string) string {
	var b []byte
	for _, c := range []byte(textnorm.String(s)) {
		switch {
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case 'a' <= c && c <= 'z' || isDigit(c):
			b = append(b, c)
		}
	}
	return string(b)
}

// NameUsedAsWord reports whether every occurrence of the known name w (one
// lower-case word) in text is one the known recognizer leaves as an
// ordinary English word (wordNotName: "twice a day" for a contact called
// Day, "half a mo" for a patient called Mo), and there is at least one.
// verify asks it before calling such an occurrence a leak, so the
// redactor and the leak scan hold one rule.
func NameUsedAsWord(text, w string, subj *Subject) bool {
	if subj == nil || len(w) > 3 {
		return false
	}
	r := &knownRecognizer{t: getTables()}
	sc := getViewScan(text)
	defer putScan(sc)
	seen := false
	for i := range sc.toks {
		if foldASCII(string(sc.lw(i))) != w {
			continue
		}
		if !r.wordNotName(sc, i, subj, w) {
			return false
		}
		seen = true
	}
	return seen
}
