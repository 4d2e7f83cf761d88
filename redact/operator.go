package redact

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/gazetteer"
)

// Operator says how a span is replaced.
type Operator string

// The operators.
const (
	Placeholder Operator = "placeholder" // [PERSON]
	Numbered    Operator = "numbered"    // [PERSON_1], consistent per patient
	Surrogate   Operator = "surrogate"   // a realistic fake of the same type, consistent per patient
)

// Policy chooses an operator per label. An empty Default is Placeholder.
// SurrogateKey keys the HMAC that picks surrogates; it is a secret of the
// profile, so surrogates cannot be reversed by someone who knows the lists.
type Policy struct {
	Default      Operator
	ByLabel      map[Label]Operator
	SurrogateKey []byte
}

func (p Policy) op(l Label) Operator {
	if o, ok := p.ByLabel[l]; ok && o != "" {
		return o
	}
	if p.Default == "" {
		return Placeholder
	}
	return p.Default
}

// Consistency carries the numbering and surrogate choices for one patient
// across all their texts: [PERSON_1] is the same person in every session and
// message of that patient. It is not safe for concurrent use; keep one per
// patient and apply that patient's texts in record order, so that numbers
// are assigned deterministically.
type Consistency struct {
	subject string
	nums    []uint64          // numbered identifiers, sorted: see number
	next    [numLabels]int32  // last number given per label, by labelIndex
	surr    map[string]string // label \x00 key -> surrogate
	taken   map[string]bool   // label \x00 lower(surrogate) already given to another key
	shift   int               // date shift in days, once computed
	shifted bool
	changed bool        // recorded something since made or parsed (Changed)
	known   *Subject    // the patient's known identifiers (Know); not saved
	carried Propagation // rare words redacted in the patient's texts so far (Carry)
	buf     []byte      // Carry's scratch
}

// NewConsistency starts the choices for one patient; subject is a stable
// identifier of the patient (it keys surrogates, so use the pseudonym, not
// the NHS number, if it may be logged).
func NewConsistency(subject string) *Consistency {
	// Maps are made on first use: an extract holds one Consistency per
	// patient, most of which never need surrogates.
	return &Consistency{subject: subject}
}

// Carry is record-level propagation across a patient's texts, in the
// order they are applied. spans and rare are what Redactor.FindCarry
// returned for text: Carry learns the rare words that PERSON and LOCATION
// spans cover whole, and returns spans with every other rare word of text
// that this text or an earlier one taught added, under the label it was
// learned with ("Wrzosek said" in one session makes "the wrzosek rota" in
// a later message a name). See Propagation for what counts as rare. Call
// it before Apply, text by text, in record order.
func (c *Consistency) Carry(text string, spans, rare []Span) []Span {
	if len(rare) == 0 {
		return spans
	}
	k := 0
	for _, w := range rare {
		for k < len(spans) && spans[k].End <= w.Start {
			k++
		}
		if k == len(spans) {
			break
		}
		if s := spans[k]; s.Start <= w.Start && w.End <= s.End && (s.Label == Person || s.Label == Location) {
			c.buf = lowerInto(c.buf[:0], text[w.Start:w.End])
			if _, ok := c.carried.words[string(c.buf)]; !ok && len(c.carried.words) < maxCarried {
				if c.carried.words == nil {
					c.carried.words = map[string]Label{}
				}
				c.carried.words[string(c.buf)] = s.Label
				c.changed = true
			}
		}
	}
	if len(c.carried.words) == 0 {
		return spans
	}
	n := len(spans)
	for _, w := range rare {
		if covers(spans[:n], w.Start) {
			continue
		}
		c.buf = lowerInto(c.buf[:0], text[w.Start:w.End])
		if l, ok := c.carried.words[string(c.buf)]; ok {
			spans = append(spans, Span{Start: w.Start, End: w.End, Label: l, Source: srcContext, Score: scGazLow})
		}
	}
	if len(spans) == n {
		return spans
	}
	return Merge(text, spans)
}

// lowerInto appends s lower-cased to dst.
func lowerInto(dst []byte, s string) []byte {
	for _, r := range s {
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// Know gives c the patient's known identifiers, so that no surrogate is
// ever a word of the patient's own names, address, GP or therapists, in a
// text that does not mention them as much as in one that does. It is not
// saved by AppendBinary and holds for the texts applied until the next
// call: call it whenever c is used, and Know(nil) after, when c outlives
// the subject (a cached Consistency would keep a compiled Subject alive).
func (c *Consistency) Know(s *Subject) { c.known = s }

// Apply replaces spans in text according to pol. Spans are clamped, sorted
// and merged first, so any span list is accepted. c carries numbering and
// surrogates across a patient's texts; when nil, numbering and surrogates
// are consistent within this text only. The result is valid UTF-8 even when
// text is not.
func (r *Redactor) Apply(text string, spans []Span, pol Policy, c *Consistency) string {
	return Apply(text, spans, pol, c)
}

// Apply is Redactor.Apply; it needs no Redactor.
func Apply(text string, spans []Span, pol Policy, c *Consistency) string {
	spans = Merge(text, slices.Clone(spans))
	if c == nil {
		c = NewConsistency("")
	}
	var b strings.Builder
	b.Grow(len(text) + 8*len(spans))
	prev := 0
	var real map[string]bool // this text's real name words, for surrogates
	for _, s := range spans {
		b.WriteString(strings.ToValidUTF8(text[prev:s.Start], "\uFFFD"))
		surface := text[s.Start:s.End]
		switch pol.op(s.Label) {
		case Numbered:
			n := c.number(s.Label, spanKey(s, surface))
			b.WriteString("[" + string(s.Label) + "_" + strconv.Itoa(n) + "]")
		case Surrogate:
			if real == nil {
				real = realWords(text, spans)
				c.known.nameWords(real)
			}
			if v := c.surrogate(pol.SurrogateKey, s, surface, real); !clashes(v, real) {
				b.WriteString(v)
			} else {
				// The patient's fake for this identifier is a real name
				// in this very text: printing it would print a real
				// name. Fail closed, for this occurrence only.
				b.WriteString("[" + string(s.Label) + "]")
			}
		default:
			b.WriteString("[" + string(s.Label) + "]")
		}
		prev = s.End
	}
	b.WriteString(strings.ToValidUTF8(text[prev:], "\uFFFD"))
	return b.String()
}

// An extract keeps one Consistency per patient for the whole run, so its
// size is per-patient memory: a numbered identifier costs 8 bytes, the top
// numHashBits of a hash of label and key above its number, rather than a
// map entry and a key string (measured: 2.2 KB per patient with maps).
// Two keys of one patient share a hash with odds of about n²/2^45 for n
// keys (3e-10 at a hundred); they would then share a number, which merges
// two placeholders but reveals nothing. Numbers saturate at maxNumber.
const (
	numBits     = 20
	numHashBits = 64 - numBits
	maxNumber   = 1<<numBits - 1
)

// numLabels is the size of a Consistency's counters: one per label in
// Labels and one shared by any other label a custom recognizer may emit.
const numLabels = 13

func labelIndex(l Label) int {
	if i := slices.Index(Labels, l); i >= 0 {
		return i
	}
	return numLabels - 1
}

func (c *Consistency) number(l Label, key string) int {
	h := numberHash(l, key)
	i, found := slices.BinarySearchFunc(c.nums, h, func(e, h uint64) int { return cmp.Compare(e>>numBits, h) })
	if found {
		return int(c.nums[i] & maxNumber)
	}
	li := labelIndex(l)
	n := min(c.next[li]+1, maxNumber)
	c.next[li] = n
	c.nums = slices.Insert(c.nums, i, h<<numBits|uint64(n))
	c.changed = true
	return int(n)
}

// numberHash is FNV-1a over label, a separator and key, cut to numHashBits.
func numberHash(l Label, key string) uint64 {
	h := uint64(14695981039346656037)
	for _, s := range [...]string{string(l), "\x00", key} {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
	}
	return h >> numBits
}

// spanKey is what makes two spans "the same identifier": the known entity
// (every variant of the patient's name is one person), else the surface
// normalised for its type.
func spanKey(s Span, surface string) string {
	if s.Ref != "" {
		return "ref:" + refEntity(s.Ref)
	}
	switch s.Label {
	case Phone:
		d := digitsOf(surface)
		return "n:" + string(nationalNumber([]byte(d), strings.Contains(surface, "+")))
	case NHSNumber, ID, NINumber:
		return "n:" + strings.ToUpper(alnumOf(surface))
	case Postcode:
		return "p:" + strings.ToUpper(alnumOf(surface))
	case Email, URL, IP:
		return "s:" + strings.ToLower(strings.TrimSpace(surface))
	case Date:
		if d, ok := parseDate(surface); ok {
			return "d:" + d.key()
		}
	}
	return "w:" + strings.Join(lowerTokens(surface), " ")
}

func alnumOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hmacU64 is the deterministic randomness of surrogates.
func hmacU64(key []byte, parts ...string) uint64 {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return binary.BigEndian.Uint64(m.Sum(nil)[:8])
}

// surrogate returns the fake for span s, the same for the same key within
// this patient, and never one already given to another identifier. A new
// fake avoids the real words of the text it is first needed in.
func (c *Consistency) surrogate(key []byte, s Span, surface string, real map[string]bool) string {
	k := spanKey(s, surface)
	part := ""
	if s.Ref != "" {
		part = s.Ref[len(refEntity(s.Ref)):]
	}
	memo := string(s.Label) + "\x00" + k + "\x00" + part + "\x00" + shapeOf(surface)
	if v, ok := c.surr[memo]; ok {
		return v
	}
	if c.surr == nil {
		c.surr, c.taken = map[string]string{}, map[string]bool{}
	}
	// Past 64 refused draws (a tiny pool, or a text full of names) the
	// identifier gets a placeholder rather than a fake that was refused.
	v := "[" + string(s.Label) + "]"
	for try := 0; try < 64; try++ {
		h := hmacU64(key, c.subject, string(s.Label), k, strconv.Itoa(try))
		f := c.fake(key, h, s, part, surface)
		low := strings.ToLower(f)
		owner := string(s.Label) + "\x00" + low
		if low == strings.ToLower(surface) || clashes(f, real) {
			continue // a fake must never equal the real thing
		}
		if c.taken[owner] && c.surr[owner] != k {
			continue
		}
		c.taken[owner] = true
		c.surr[owner] = k
		v = f
		break
	}
	c.surr[memo] = v
	c.changed = true
	return v
}

// realWords are the words of a text's name-like identifiers (people,
// places, organisations), lower case: a surrogate that reuses one would put
// a real name back into the text, attached to somebody else. Street and
// facility words ("Road", "Infirmary") and numbers are not names, and fakes
// reuse them on purpose.
func realWords(text string, spans []Span) map[string]bool {
	w := map[string]bool{}
	for _, s := range spans {
		if nameLike(s.Label) {
			addNameWords(w, lowerTokens(text[s.Start:s.End])...)
		}
	}
	return w
}

func nameLike(l Label) bool { return l == Person || l == Location || l == Org }

func addNameWords(w map[string]bool, toks ...string) {
	for _, t := range toks {
		if len(t) > 1 && !streetWords[t] && !facilityWords[t] && !allDigits(t) {
			w[t] = true
		}
	}
}

// nameWords adds the words of the subject's name-like identifiers (as
// realWords does for a text's spans) to w. A nil subject adds nothing.
func (s *Subject) nameWords(w map[string]bool) {
	if s == nil {
		return
	}
	for first, ps := range s.phrases {
		for _, p := range ps {
			if nameLike(p.label) {
				addNameWords(w, first)
				addNameWords(w, p.rest...)
			}
		}
	}
}

// clashes reports whether fake v holds one of the real words.
func clashes(v string, real map[string]bool) bool {
	for _, t := range lowerTokens(v) {
		if real[t] {
			return true
		}
	}
	return false
}

// shapeOf distinguishes surface forms that need different renderings of
// the same fake (lower case, capitals, token count).
func shapeOf(s string) string {
	n := len(lowerTokens(s))
	cs := "t"
	switch {
	case s == strings.ToLower(s):
		cs = "l"
	case s == strings.ToUpper(s) && s != strings.ToLower(s):
		cs = "u"
	}
	return strconv.Itoa(n) + cs
}

func pick[T any](xs []T, h uint64) T { return xs[h%uint64(len(xs))] }

var streetNames = []string{"Oak", "Elm", "Beech", "Cedar", "Willow", "Birch", "Maple", "Chestnut", "Holly", "Rowan",
	"Hazel", "Laurel", "Poplar", "Sycamore", "Alder", "Juniper", "Linden", "Hawthorn", "Larch", "Aspen"}

func (c *Consistency) fake(key []byte, h uint64, s Span, part, surface string) string {
	t := getTables()
	switch s.Label {
	case Person:
		// One fake person per entity: the given part and the family part
		// of the patient's name come from the same fake.
		ph := h
		if s.Ref != "" {
			ph = hmacU64(key, c.subject, "person", refEntity(s.Ref), strconv.FormatUint(h&0xff, 10))
		}
		first := pick(t.surrFirst, ph)
		last := pick(t.surrLast, ph>>20)
		toks := lowerTokens(surface)
		var v string
		switch {
		case part == ".family":
			v = last
		case part == ".given":
			v = first
		case len(toks) >= 2:
			v = first + " " + last
		case t.names[toks0(toks)]&nSurname != 0 && t.names[toks0(toks)]&nFirst == 0:
			v = last
		default:
			v = first
		}
		return matchCase(v, surface)
	case Location:
		toks := lowerTokens(surface)
		lastTok := ""
		if len(toks) > 0 {
			lastTok = toks[len(toks)-1]
		}
		switch {
		case streetWords[lastTok] || (len(toks) > 0 && allDigits(toks[0])):
			typ := "Road"
			if streetWords[lastTok] {
				typ = titleCase(lastTok)
			}
			v := pick(streetNames, h) + " " + typ
			if len(toks) > 0 && allDigits(toks[0]) {
				v = strconv.FormatUint(h>>32%198+2, 10) + " " + v
			}
			return matchCase(v, surface)
		case facilityWords[lastTok]:
			return matchCase(pick(t.surrTown, h)+" "+titleCase(lastTok), surface)
		}
		return matchCase(pick(t.surrTown, h), surface)
	case Postcode:
		out, in, _ := ParsePostcode(surface)
		d := pick(districtList(), h)
		if in != "" || out == "" {
			const letters = "ABDEFGHJLNPQRSTUWXYZ"
			inw := strconv.Itoa(int(h>>8%10)) + string(letters[h>>16%20]) + string(letters[h>>24%20])
			if strings.ContainsAny(surface, " \t") {
				d += " " + inw
			} else {
				d += inw
			}
		}
		if surface == strings.ToLower(surface) {
			d = strings.ToLower(d)
		}
		return d
	case Phone:
		// Ofcom's drama range: 07700 900000 to 900999 is never assigned.
		n := strconv.FormatUint(h%1000+1000, 10)[1:]
		if strings.HasPrefix(strings.TrimSpace(surface), "+") {
			return "+44 7700 900" + n
		}
		return "07700 900" + n
	case Email:
		return strings.ToLower(pick(t.surrFirst, h)+"."+pick(t.surrLast, h>>20)) + "@example.com"
	case URL:
		return "https://example.com/" + strconv.FormatUint(h%1000000, 36)
	case IP:
		if strings.Contains(surface, ":") {
			return "2001:db8::" + strconv.FormatUint(h%0xffff+1, 16)
		}
		return "192.0.2." + strconv.FormatUint(h%254+1, 10)
	case NHSNumber:
		return fakeNHS(h, surface)
	case NINumber:
		d := strconv.FormatUint(h%1000000+1000000, 10)[1:]
		suf := string("ABCD"[h>>24%4])
		if strings.ContainsAny(surface, " ") {
			return "QQ " + d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + suf
		}
		return "QQ" + d + suf
	case Date:
		if d, ok := parseDate(surface); ok {
			return d.shifted(c.dateShift(key)).format()
		}
		return "[DATE]"
	case ID:
		if v, ok := fakeLicenceOrReg(h, surface, t.surrLast); ok {
			return v
		}
		var b strings.Builder
		x := h
		for _, r := range surface {
			switch {
			case r >= '0' && r <= '9':
				b.WriteByte(byte('0' + x%10))
				x = x/10 ^ (x << 59)
			case r >= 'A' && r <= 'Z':
				b.WriteByte(byte('A' + x%26))
				x = x/26 ^ (x << 58)
			case r >= 'a' && r <= 'z':
				b.WriteByte(byte('a' + x%26))
				x = x/26 ^ (x << 58)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	return "[" + string(s.Label) + "]"
}

// fakeLicenceOrReg gives a DVLA driving licence number or a current-format
// registration a fake that is valid in the same layout (a surname's first
// five letters, a real month and day; a real memory tag and age
// identifier), written with the original's spacing and case. It reports
// false for any other ID.
func fakeLicenceOrReg(h uint64, surface string, surnames []string) (string, bool) {
	var u []byte
	for i := 0; i < len(surface); i++ {
		if c := surface[i]; isASCIILetter(c) || isDigit(c) {
			u = upperInto(u, surface[i:i+1])
		}
	}
	const regLetters = "ABCDEFGHJKLMNOPRSTUVWXY" // no I, Q, Z
	x := h
	next := func(n uint64) uint64 { v := x % n; x = x/n ^ (x << 61); return v }
	var fake []byte
	switch {
	case (len(u) == dvlaLen || len(u) == dvlaLen+2) && validDVLA(u[:dvlaLen]):
		name := []byte("SMITH")
		if len(surnames) > 0 {
			name = upperInto(nil, surnames[next(uint64(len(surnames)))])
		}
		var sur []byte
		for _, c := range name {
			if isUpperASCII(c) && len(sur) < 5 {
				sur = append(sur, c)
			}
		}
		for len(sur) < 5 {
			sur = append(sur, '9')
		}
		month := next(12) + 1 + 50*next(2)
		day := next(28) + 1
		fake = append(sur, byte('0'+next(10)), byte('0'+month/10), byte('0'+month%10), byte('0'+day/10), byte('0'+day%10),
			byte('0'+next(10)), byte('A'+next(26)), byte('A'+next(26)), '9', byte('A'+next(26)), byte('A'+next(26)))
		for len(fake) < len(u) {
			fake = append(fake, byte('0'+next(10)))
		}
	case len(u) == 7 && validCurrentReg(u):
		ages := []uint64{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
			51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74}
		age := ages[next(uint64(len(ages)))]
		fake = []byte{regLetters[next(20)], regLetters[next(20)], byte('0' + age/10), byte('0' + age%10),
			regLetters[next(uint64(len(regLetters)))], regLetters[next(uint64(len(regLetters)))], regLetters[next(uint64(len(regLetters)))]}
	default:
		return "", false
	}
	lower := surface == strings.ToLower(surface)
	out := []byte(surface)
	k := 0
	for i := 0; i < len(out) && k < len(fake); i++ {
		c := out[i]
		if !isASCIILetter(c) && !isDigit(c) {
			continue
		}
		f := fake[k]
		if isUpperASCII(f) && (lower || ('a' <= c && c <= 'z')) {
			f += 'a' - 'A'
		}
		out[i] = f
		k++
	}
	return string(out), true
}

func toks0(t []string) string {
	if len(t) == 0 {
		return ""
	}
	return t[0]
}

// dateShift is the patient's date offset: between 14 and 180 days either
// way, never zero, the same for all their dates so intervals survive.
func (c *Consistency) dateShift(key []byte) int {
	if !c.shifted {
		h := hmacU64(key, c.subject, "date-shift")
		d := int(h%167) + 14
		if h>>32&1 == 1 {
			d = -d
		}
		c.shift, c.shifted, c.changed = d, true, true
	}
	return c.shift
}

// fakeNHS returns a number in the 999 range (reserved for testing, never
// issued) with a valid check digit, spaced like the original.
func fakeNHS(h uint64, surface string) string {
	for i := uint64(0); ; i++ {
		x := (h + i*7919) % 1000000
		d := "999" + strconv.FormatUint(x+1000000, 10)[1:]
		var v [10]int
		for j := 0; j < 9; j++ {
			v[j] = int(d[j] - '0')
		}
		sum := 0
		for j := 0; j < 9; j++ {
			sum += v[j] * (10 - j)
		}
		cd := 11 - sum%11
		if cd == 11 {
			cd = 0
		}
		if cd == 10 {
			continue
		}
		d += strconv.Itoa(cd)
		if strings.ContainsAny(surface, " -") {
			sep := " "
			if strings.Contains(surface, "-") {
				sep = "-"
			}
			return d[:3] + sep + d[3:6] + sep + d[6:]
		}
		return d
	}
}

var (
	distOnce sync.Once
	distList []string
)

// districtList is the gazetteer's populated postcode districts, sorted.
func districtList() []string {
	distOnce.Do(func() {
		for oc, d := range gazetteer.Default().Districts {
			if d.Population > 0 {
				distList = append(distList, oc)
			}
		}
		slices.Sort(distList)
	})
	return distList
}

func titleCase(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// matchCase renders v in the case style of the surface it replaces.
func matchCase(v, surface string) string {
	switch {
	case surface == strings.ToLower(surface):
		return strings.ToLower(v)
	case surface == strings.ToUpper(surface) && utf8.RuneCountInString(surface) > 1:
		return strings.ToUpper(v)
	}
	return v
}

// date is a parsed calendar date and how it was written, so a shifted date
// can be written the same way.
type date struct {
	y, m, d   int
	hasYear   bool
	numeric   bool
	order     string // "dmy", "ymd", "mdy"
	sep       byte
	pad       bool // zero-padded day and month
	year2     bool // two-digit year
	monthName string
	monthCase string
	ordinal   bool
	weekday   string // surface weekday word, if any
	of, the   bool
	dayFirst  bool
	noDay     bool // "March 2023": month precision
}

func (d date) key() string {
	if d.hasYear {
		return strconv.Itoa(d.y) + "-" + strconv.Itoa(d.m) + "-" + strconv.Itoa(d.d)
	}
	return "x-" + strconv.Itoa(d.m) + "-" + strconv.Itoa(d.d)
}

// parseDate reads the date forms findDates recognises.
func parseDate(s string) (date, bool) {
	var d date
	toks := lowerTokens(s)
	if len(toks) == 0 {
		return d, false
	}
	if allDigits(toks[0]) && len(toks) >= 2 && len(toks) <= 3 && allDigitsAll(toks) {
		d.numeric = true
		for i := 0; i < len(s); i++ {
			if s[i] == '/' || s[i] == '-' || s[i] == '.' {
				d.sep = s[i]
				break
			}
		}
		v := make([]int, len(toks))
		for i, t := range toks {
			v[i] = atoiBytes(t)
		}
		d.pad = len(toks[0]) == 2 || len(toks[1]) == 2
		switch {
		case len(toks) == 2 && (len(toks[0]) == 4 || len(toks[1]) == 4):
			// Year and month ("2021-05", "05/2021"): no day to shift it by.
			return d, false
		case len(toks[0]) == 4:
			d.order, d.y, d.m, d.d, d.hasYear = "ymd", v[0], v[1], v[2], true
		case v[1] <= 12:
			d.order, d.d, d.m = "dmy", v[0], v[1]
		default:
			d.order, d.m, d.d = "mdy", v[0], v[1]
		}
		if len(toks) == 3 && d.order != "ymd" {
			d.hasYear = true
			d.y = v[2]
			if len(toks[2]) == 2 {
				d.year2 = true
				d.y += 2000
				if v[2] >= 70 {
					d.y -= 100
				}
			}
		}
		return d, d.valid()
	}
	for i, t := range toks {
		switch {
		case monthNum[t] > 0 && d.m == 0:
			d.m = monthNum[t]
			d.monthName = t
			d.dayFirst = d.d > 0
			raw := surfaceToken(s, i)
			d.monthCase = caseStyle(raw)
		case weekdays[t] && d.weekday == "":
			d.weekday = surfaceToken(s, i)
		case t == "of":
			d.of = true
		case t == "the":
			d.the = true
		case len(t) == 4 && allDigits(t):
			d.y, d.hasYear = atoiBytes(t), true
		default:
			if n, ok := ordinalDay([]byte(t)); ok && d.d == 0 {
				d.d, d.ordinal = n, true
			} else if n, ok := smallNum([]byte(t)); ok && d.d == 0 {
				d.d = n
			}
		}
	}
	if d.m == 0 && d.d > 0 {
		return d, false // "mon 4th": no month to shift
	}
	if d.d == 0 {
		d.d, d.noDay = 1, true
		return d, d.m > 0 && d.hasYear && d.valid()
	}
	return d, d.m > 0 && d.valid()
}

func allDigitsAll(ts []string) bool {
	for _, t := range ts {
		if !allDigits(t) {
			return false
		}
	}
	return true
}

func surfaceToken(s string, i int) string {
	sc := getScan(s)
	defer putScan(sc)
	if i < len(sc.toks) {
		return sc.raw(i)
	}
	return ""
}

func caseStyle(s string) string {
	switch {
	case s == strings.ToLower(s):
		return "l"
	case s == strings.ToUpper(s) && len(s) > 1:
		return "u"
	}
	return "t"
}

func (d date) valid() bool {
	if d.m < 1 || d.m > 12 || d.d < 1 || d.d > 31 {
		return false
	}
	y := d.y
	if !d.hasYear {
		y = 2001
	}
	return time.Date(y, time.Month(d.m), d.d, 0, 0, 0, 0, time.UTC).Day() == d.d
}

func (d date) shifted(days int) date {
	y := d.y
	if !d.hasYear {
		y = 2001
	}
	t := time.Date(y, time.Month(d.m), d.d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	d.m, d.d = int(t.Month()), t.Day()
	if d.hasYear {
		d.y = t.Year()
	}
	if d.weekday != "" {
		wd := t.Weekday().String()
		if len(d.weekday) <= 4 {
			wd = wd[:3]
		}
		d.weekday = applyCase(wd, caseStyle(d.weekday))
	}
	return d
}

func applyCase(s, style string) string {
	switch style {
	case "l":
		return strings.ToLower(s)
	case "u":
		return strings.ToUpper(s)
	}
	return s
}

func ordSuffix(n int) string {
	if n%100 >= 11 && n%100 <= 13 {
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

func (d date) format() string {
	if d.numeric {
		two := func(n int) string {
			if d.pad && n < 10 {
				return "0" + strconv.Itoa(n)
			}
			return strconv.Itoa(n)
		}
		sep := string(d.sep)
		y := strconv.Itoa(d.y)
		if d.year2 {
			y = strconv.Itoa(d.y%100 + 100)[1:]
		}
		switch d.order {
		case "ymd":
			return strconv.Itoa(d.y) + sep + two(d.m) + sep + two(d.d)
		case "mdy":
			if d.hasYear {
				return two(d.m) + sep + two(d.d) + sep + y
			}
			return two(d.m) + sep + two(d.d)
		}
		if d.hasYear {
			return two(d.d) + sep + two(d.m) + sep + y
		}
		return two(d.d) + sep + two(d.m)
	}
	month := time.Month(d.m).String()
	if len(d.monthName) <= 4 && d.monthName != "june" && d.monthName != "july" {
		month = month[:3]
	}
	month = applyCase(month, d.monthCase)
	day := strconv.Itoa(d.d)
	if d.ordinal {
		day += ordSuffix(d.d)
	}
	var parts []string
	if d.weekday != "" {
		parts = append(parts, d.weekday)
	}
	if d.noDay {
		return month + " " + strconv.Itoa(d.y)
	}
	if d.dayFirst {
		if d.the {
			parts = append(parts, "the")
		}
		parts = append(parts, day)
		if d.of {
			parts = append(parts, "of")
		}
		parts = append(parts, month)
	} else {
		parts = append(parts, month)
		if d.the {
			parts = append(parts, "the")
		}
		parts = append(parts, day)
	}
	if d.hasYear {
		parts = append(parts, strconv.Itoa(d.y))
	}
	return strings.Join(parts, " ")
}

// dateTime is d as a UTC time (year 2001 when the date has none).
func dateTime(d date) time.Time {
	y := d.y
	if !d.hasYear {
		y = 2001
	}
	return time.Date(y, time.Month(d.m), d.d, 0, 0, 0, 0, time.UTC)
}
