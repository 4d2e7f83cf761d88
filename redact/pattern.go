package redact

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Recognizer finds candidate spans in one text. Find appends to dst and
// returns it; subj (the text's patient, compiled) may be nil. Spans are in
// no particular order and may overlap: the Redactor merges them.
type Recognizer interface {
	Name() string
	Find(dst []Span, text string, subj *Subject) []Span
}

// scanRecognizer is implemented by the built-in recognizers so that a
// Redactor decodes each text once for all of them.
type scanRecognizer interface {
	find(dst []Span, sc *scan, subj *Subject) []Span
}

// Recognizer names, reported as Span.Source.
const (
	srcKnown     = "known"
	srcPattern   = "pattern"
	srcContext   = "context"
	srcGazetteer = "gazetteer"
	srcNER       = "ner"
)

// patternRecognizer finds identifiers that have a checkable shape: NHS
// numbers (mod 11), postcodes (format and area, outward codes, the
// non-geographic ones), phones (UK ranges, E.164 international, North
// American), emails (internationalised too), URLs, IP addresses, dates
// (dates.go), National Insurance numbers, social-media handles as PERSON
// (handles.go), and under ID driving licence,
// passport, registration and reference numbers, IBANs, US social security
// numbers, MAC addresses and credentials after a cue (ids.go). It uses
// hand-written scanners, not regular expressions: they run once over bytes
// or tokens.
type patternRecognizer struct{}

// NewPatternRecognizer returns the validated-pattern recognizer ("pattern").
func NewPatternRecognizer() Recognizer { return patternRecognizer{} }

func (patternRecognizer) Name() string { return srcPattern }

func (p patternRecognizer) Find(dst []Span, text string, subj *Subject) []Span {
	return findViewed(dst, text, subj, p.find)
}

func (patternRecognizer) find(dst []Span, sc *scan, _ *Subject) []Span {
	t := sc.text
	if strings.IndexByte(t, '@') >= 0 {
		dst = findEmails(dst, t)
	}
	dst = findURLs(dst, sc)
	if strings.IndexByte(t, ':') >= 0 {
		dst = findIPv6(dst, t)
	}
	// Numbers, postcodes and NI numbers all hold an ASCII digit (the view
	// has already folded other digits): a text without one (most dialogue
	// turns) skips their token scans.
	if len(sc.chunks()) > 0 {
		dst = findNumbers(dst, sc)
		dst = findIPv4(dst, sc)
		dst = findPostcodes(dst, sc)
		dst = findNINumbers(dst, sc)
		dst = findIBANs(dst, sc)
		dst = findMACs(dst, t)
	}
	dst = findDates(dst, sc)
	dst = findCodes(dst, sc)
	dst = findCredentials(dst, sc)
	if strings.Contains(t, "<<") {
		dst = findMRZ(dst, t)
	}
	dst = findHandles(dst, sc)
	return dst
}

func pat(s, e int, l Label, score float64) Span {
	return Span{Start: s, End: e, Label: l, Source: srcPattern, Score: score}
}

// isEmailLocalASCII accepts the ASCII bytes of an address's local part:
// RFC 5322 atext and dots, without the rare "/`{|}" that would swallow
// surrounding punctuation.
func isEmailLocalASCII(c byte) bool {
	return isASCIILetter(c) || isDigit(c) || strings.IndexByte(".!#$%&'*+-=?^_~", c) >= 0
}

// isIntlWordRune accepts the non-ASCII runes of an internationalised
// address (RFC 6531 local parts, IDNA domain labels): letters, digits and
// combining marks.
func isIntlWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
}

// isIDNADot reports the full stops IDNA treats as label separators: ".",
// the ideographic "。", the full-width "．" and the half-width "｡".
func isIDNADot(r rune) bool { return r == '.' || r == '\u3002' || r == '\uff0e' || r == '\uff61' }

// findEmails expands every '@' to local@domain.tld: ASCII, quoted (RFC
// 5321: "john doe"@example.com) or internationalised (RFC 6531 local
// parts, IDNA domains written in Unicode or as xn-- labels, up to an xn--
// top-level domain), or local@[IP].
func findEmails(dst []Span, t string) []Span {
	last := 0
	for off := 0; ; {
		k := strings.IndexByte(t[off:], '@')
		if k < 0 {
			return dst
		}
		at := off + k
		off = at + 1
		s := at
		for s > last {
			c := t[s-1]
			if c < utf8.RuneSelf {
				if !isEmailLocalASCII(c) {
					break
				}
				s--
				continue
			}
			r, n := utf8.DecodeLastRuneInString(t[last:s])
			if !isIntlWordRune(r) {
				break
			}
			s -= n
		}
		for s < at && (t[s] == '.' || t[s] == '\'') {
			s++
		}
		if s == at && at > last+1 && t[at-1] == '"' {
			// RFC 5321's quoted local part: "john doe"@example.com.
			q := strings.LastIndexByte(t[max(last, at-66):at-1], '"')
			if q < 0 || strings.ContainsAny(t[max(last, at-66)+q:at], "\n\r") {
				continue
			}
			s = max(last, at-66) + q
		}
		if s == at {
			continue
		}
		e, ok := emailDomainEnd(t, at+1)
		if !ok {
			continue
		}
		dst = append(dst, pat(s, e, Email, 1))
		last = e
		off = e
	}
}

// emailDomainEnd scans the domain after an '@' at d and returns its end
// and whether it is a domain: two or more labels, the last of two or more
// letters or an xn-- label, or a bracketed address literal.
func emailDomainEnd(t string, d int) (int, bool) {
	if d < len(t) && t[d] == '[' {
		if j := strings.IndexByte(t[d:], ']'); j > 2 && j < 48 {
			lit := strings.TrimPrefix(t[d+1:d+j], "IPv6:")
			if _, err := netip.ParseAddr(lit); err == nil {
				return d + j + 1, true
			}
		}
		return 0, false
	}
	e := d
	labelStart := d
	for e < len(t) {
		c := t[e]
		if c < utf8.RuneSelf {
			if isASCIILetter(c) || isDigit(c) || c == '-' {
				e++
				continue
			}
			if c == '.' && e > labelStart {
				e++
				labelStart = e
				continue
			}
			break
		}
		r, n := utf8.DecodeRuneInString(t[e:])
		if isIntlWordRune(r) || (isIDNADot(r) && e > labelStart) {
			e += n
			if isIDNADot(r) {
				labelStart = e
			}
			continue
		}
		break
	}
	// Trailing dots and hyphens belong to the sentence.
	for e > d {
		r, n := utf8.DecodeLastRuneInString(t[d:e])
		if r != '-' && !isIDNADot(r) {
			break
		}
		e -= n
	}
	// The top-level domain follows the last dot.
	lastLabel := -1
	for p := e; p > d; {
		r, n := utf8.DecodeLastRuneInString(t[d:p])
		if isIDNADot(r) {
			lastLabel = p
			break
		}
		p -= n
	}
	if lastLabel < 0 || lastLabel >= e {
		return 0, false
	}
	tld := t[lastLabel:e]
	if strings.HasPrefix(strings.ToLower(tld), "xn--") && len(tld) > 4 {
		return e, true
	}
	n := 0
	for _, r := range tld {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) {
			return 0, false
		}
		n++
	}
	return e, n >= 2
}

func isDomainByte(c byte) bool { return isASCIILetter(c) || isDigit(c) || c == '.' || c == '-' }

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIILetter(s[i]) {
			return false
		}
	}
	return s != ""
}

// urlTLDs are the endings that make "word.tld" a web address even without
// a scheme or www.
var urlTLDs = words(`com org net uk io co info biz me ly gov edu ac nhs app dev tv eu ie us ca au de fr`)

func isURLByte(c byte) bool {
	return c > ' ' && c < 0x7f && strings.IndexByte("\"<>`{}|\\^", c) < 0
}

// findURLs finds http(s):// and www. addresses and bare domains with a
// known ending (nhs.uk, bbc.co.uk/news).
func findURLs(dst []Span, sc *scan) []Span {
	low := sc.low
	t := sc.text
	last := 0
	for i := 0; i < len(sc.toks); i++ {
		tk := sc.toks[i]
		if tk.s < last {
			continue
		}
		w := low[tk.s:tk.e] // compared as string(w): no copy
		start := -1
		switch {
		case (string(w) == "http" || string(w) == "https") && strings.HasPrefix(t[tk.e:], "://"):
			start = tk.s
		case string(w) == "www" && tk.e < len(t) && t[tk.e] == '.':
			start = tk.s
		case i+1 < len(sc.toks) && tk.e < len(t) && t[tk.e] == '.' && sc.toks[i+1].s == tk.e+1 && urlTLDs[string(sc.lw(i+1))] &&
			sc.toks[i].f&tASCII != 0 && !(tk.s > 0 && t[tk.s-1] == '@'):
			// word.tld: the TLD must end the run of dotted words and not
			// start a new sentence ("home.Then" is not a URL).
			j := i + 1
			for j+1 < len(sc.toks) && sc.toks[j].e < len(t) && t[sc.toks[j].e] == '.' && sc.toks[j+1].s == sc.toks[j].e+1 && urlTLDs[string(sc.lw(j+1))] {
				j++
			}
			if sc.toks[i+1].f&tCap != 0 && sc.toks[i+1].f&tUpper == 0 && sc.toks[i].f&tCap == 0 {
				continue
			}
			if e := sc.toks[j].e; e < len(t) && (isASCIILetter(t[e]) || isDigit(t[e])) {
				continue
			}
			start = tk.s
			// include sub-domains written before: "www.mind.org.uk" is handled above
			for start > 0 && (isDomainByte(t[start-1])) {
				start--
			}
		}
		if start < 0 {
			continue
		}
		e := tk.e
		for e < len(t) && isURLByte(t[e]) {
			e++
		}
		for e > tk.e && strings.IndexByte(".,;:!?)]}'", t[e-1]) >= 0 {
			e--
		}
		if start == tk.s && string(w) == "www" && e <= tk.e+1 {
			continue
		}
		dst = append(dst, pat(start, e, URL, 1))
		last = e
	}
	return dst
}

// findIPv4 finds four dot-joined chunks of at most three digits, each <= 255.
func findIPv4(dst []Span, sc *scan) []Span {
	chs := sc.chunks()
	t := sc.text
	for a := 0; a+3 < len(chs); a++ {
		ok := true
		for b := a; b <= a+3 && ok; b++ {
			c := chs[b]
			if c.e-c.s > 3 || atoiBytes(t[c.s:c.e]) > 255 {
				ok = false
			}
			if b > a && !(c.s == chs[b-1].e+1 && t[c.s-1] == '.') {
				ok = false
			}
		}
		if !ok || chs[a].alphaBefore || chs[a+3].alphaAfter {
			continue
		}
		if chs[a].s > 0 && (t[chs[a].s-1] == '.') {
			continue
		}
		if e := chs[a+3].e; e+1 < len(t) && t[e] == '.' && isDigit(t[e+1]) {
			continue
		}
		dst = append(dst, pat(chs[a].s, chs[a+3].e, IP, 0.9))
		a += 3
	}
	return dst
}

func isHexColon(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') || c == ':' || c == '.'
}

// findIPv6 parses every run of hex digits and colons with at least two
// colons; net/netip decides.
func findIPv6(dst []Span, t string) []Span {
	for i := 0; i < len(t); {
		if !isHexColon(t[i]) {
			i++
			continue
		}
		j := i
		colons := 0
		for j < len(t) && isHexColon(t[j]) {
			if t[j] == ':' {
				colons++
			}
			j++
		}
		s, e := i, j
		for e > s && t[e-1] == '.' {
			e--
		}
		if colons >= 2 && (s == 0 || !isASCIILetter(t[s-1])) && (j == len(t) || !isASCIILetter(t[j])) {
			if a, err := netip.ParseAddr(t[s:e]); err == nil && a.Is6() && strings.Count(t[s:e], ":") >= 2 && hexDigits(t[s:e]) >= 4 {
				dst = append(dst, pat(s, e, IP, 0.9))
			}
		}
		i = j
	}
	return dst
}

// findMACs finds hardware (MAC) addresses, IEEE 802: six pairs of hex
// digits joined by ":" or "-" ("00:1B:44:11:3A:B7"), or three groups of
// four joined by "." ("001b.4411.3ab7"). They identify a patient's device,
// so they are IDs.
func findMACs(dst []Span, t string) []Span {
	// Only the first separator can open one: two hex digits before a ":"
	// or "-", four before a "."; each is found with IndexByte.
	for _, sep := range [...]byte{':', '-', '.'} {
		back := 2
		if sep == '.' {
			back = 4
		}
		for q := 0; q < len(t); {
			k := strings.IndexByte(t[q:], sep)
			if k < 0 {
				break
			}
			q += k
			i := q - back
			q++
			if i < 0 || i+14 > len(t) || !isHex(t[i]) || (i > 0 && (isHex(t[i-1]) || isASCIILetter(t[i-1]) || t[i-1] == ':' || t[i-1] == '-' || t[i-1] == '.')) {
				continue
			}
			if e := macAt(t, i); e > 0 {
				dst = append(dst, pat(i, e, ID, 0.9))
				q = e
			}
		}
	}
	return dst
}

// macAt returns the end of a MAC address starting at i, or 0.
func macAt(t string, i int) int {
	group, n, sep := 2, 6, t[i+2]
	if sep == '.' || isHex(sep) {
		group, n, sep = 4, 3, '.'
	}
	if sep != ':' && sep != '-' && sep != '.' {
		return 0
	}
	p := i
	for g := 0; g < n; g++ {
		if g > 0 {
			if p >= len(t) || t[p] != sep {
				return 0
			}
			p++
		}
		for k := 0; k < group; k++ {
			if p >= len(t) || !isHex(t[p]) {
				return 0
			}
			p++
		}
	}
	if p < len(t) && (isHex(t[p]) || isASCIILetter(t[p]) || ((t[p] == sep || t[p] == ':') && p+1 < len(t) && isHex(t[p+1]))) {
		return 0
	}
	return p
}

func isHex(c byte) bool { return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F') }

func hexDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ':' && s[i] != '.' {
			n++
		}
	}
	return n
}

func atoiBytes(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// idCues are the words that make a long number a reference number (ID)
// when they come shortly before it.
var idCues = words(`ref reference number no num nr id account acc acct case claim policy membership member
	order booking customer patient hospital mrn nhs crn chi payroll employee staff passport licence license
	registration reg invoice ticket tracking ssn itin utr iban sort routing aba swift bic`)

// findNumbers classifies windows of digit chunks as NHS numbers (mod 11),
// phone numbers (UK ranges, and any number written with an international
// prefix: "+" or "00" and a country code, up to E.164's 15 digits, or a
// North American 3-3-4), card-like numbers, or cued reference numbers (ID),
// and any single run of nine or more digits as an ID.
//
// An NHS number is ten digits written whole or 3-3-4; in any other grouping
// ("40102 32137") ten digits passing the check are an NHS number only
// after an "nhs" cue, and otherwise an ID: a one-in-eleven chance pass of
// the check digit is not evidence enough for the label, but ten digits are
// still identifying.
func findNumbers(dst []Span, sc *scan) []Span {
	chs := sc.chunks()
	t := sc.text
	for _, c := range chs {
		if c.e-c.s >= 9 && !c.alphaBefore && !c.alphaAfter {
			dst = append(dst, pat(c.s, c.e, ID, 0.6))
		}
	}
	sc.windows(19, func(a, b int, d []byte) bool {
		first, lastc := chs[a], chs[b]
		if first.alphaBefore {
			return false
		}
		if lastc.alphaAfter {
			return true
		}
		n := len(d)
		start := first.s
		intl := first.plus || (n >= 2 && d[0] == '0' && d[1] == '0' && first.e-first.s >= 4)
		if first.plus {
			start = strings.LastIndexByte(t[:first.s], '+')
		}
		// The shortest chunk, not counting the "0" of "+44 (0)".
		minChunk := 19
		for c := a; c <= b; c++ {
			l := chs[c].e - chs[c].s
			if l == 1 && t[chs[c].s] == '0' && chs[c].s > 0 && t[chs[c].s-1] == '(' {
				continue
			}
			minChunk = min(minChunk, l)
		}
		lastJoined := b+1 >= len(chs) || !chs[b+1].join
		if minChunk < 2 && !(intl && lastJoined) {
			return true
		}
		nhsGrouped := b == a || (b-a == 2 && first.e-first.s == 3 && chs[a+1].e-chs[a+1].s == 3)
		// Digits after a country code ("+1 943 476 5919") are the rest of
		// an international number, never an NHS number.
		afterCode := a > 0 && first.join && chs[a-1].plus
		switch {
		case n == 10 && d[0] != '0' && b-a <= 3 && !afterCode && nhsCheckBytes(d) && (nhsGrouped || nhsCued(sc, start)):
			dst = append(dst, pat(start, lastc.e, NHSNumber, 0.95))
			return false
		case isUKPhone(nationalNumber(d, first.plus)):
			dst = append(dst, pat(start, lastc.e, Phone, 0.9))
			return false
		case intl && lastJoined && internationalNumber(d, first.plus):
			dst = append(dst, pat(start, lastc.e, Phone, 0.85))
			return false
		case n == 10 && b-a == 2 && isNANP(t, chs[a:b+1]):
			dst = append(dst, pat(nanpStart(t, first.s), lastc.e, Phone, 0.8))
			return false
		case n == 10 && minChunk >= 3 && nhsCheckBytes(d):
			dst = append(dst, pat(start, lastc.e, ID, 0.85))
			return false
		case n == 10 && d[0] != '0' && nhsCheckBytes(d) && lastJoined:
			dst = append(dst, pat(start, lastc.e, ID, 0.7))
			return false
		case n >= 12 && b-a >= 2 && minChunk >= 3:
			dst = append(dst, pat(start, lastc.e, ID, 0.6)) // card or account number
			return false
		case n == 9 && (ssnShape(t, chs[a:b+1]) || sinCued(sc, first.s)):
			dst = append(dst, pat(start, lastc.e, ID, 0.85)) // US social security or taxpayer number
			return false
		case n >= 7 && lastJoined && phoneCued(sc, start):
			dst = append(dst, pat(start, lastc.e, Phone, 0.7))
			return false
		case n >= 6 && lastJoined && b > a && phoneField(sc, start):
			dst = append(dst, pat(start, lastc.e, Phone, 0.7)) // "Phone: 35 86 37", "Desk: 94 50 72"
			return false
		case lastJoined && b > a && n >= 8 && n <= 12 && areaInBrackets(t, first):
			dst = append(dst, pat(first.s-1, lastc.e, Phone, 0.7)) // "(91) 4696-3487", "(42) 508-193"
			return false
		case lastJoined && nationalShape(t, chs[a:b+1], d):
			dst = append(dst, pat(start, lastc.e, Phone, 0.6))
			return false
		case n >= 5 && (b+1 >= len(chs) || !chs[b+1].join) && idCued(sc, first.s):
			dst = append(dst, pat(start, lastc.e, ID, 0.7))
			return false
		}
		return true
	})
	return dst
}

// nationalShape reports whether chunks read as a phone number in another
// country's national format: nine to thirteen digits in groups, one
// separator (" ", "-" or ".") throughout, either starting with a trunk 0
// ("0480 46 08 85", "04.47.64.53.88", "06-56626026") or in three or more
// groups of two to five digits with one of three or more ("21 218 920
// 4879", "609 661 045"). A run of scores ("18 16 14 12 10") has no group
// of three digits.
func nationalShape(t string, chs []chunk, d []byte) bool {
	n := len(d)
	if len(chs) < 2 || n < 9 || n > 13 {
		return false
	}
	trunk := d[0] == '0'
	sep := t[chs[0].e]
	if sep != ' ' && sep != '-' && sep != '.' {
		return false
	}
	if len(chs) == 2 && sep == '-' && chs[0].e-chs[0].s == 5 && chs[1].e-chs[1].s == 4 {
		return false // a ZIP+4 code: "08279-8871"
	}
	long := false
	for k, c := range chs {
		l := c.e - c.s
		if k > 0 && (c.s != chs[k-1].e+1 || t[c.s-1] != sep) {
			return false
		}
		if l < 2 || l > 8 || (l > 5 && !(trunk && len(chs) == 2)) {
			return false
		}
		long = long || l >= 3
	}
	return trunk || (len(chs) >= 3 && long)
}

// areaInBrackets reports whether chunk c is an area code in brackets, two
// or three digits: "(91) 4696-3487" (a year in brackets is none).
func areaInBrackets(t string, c chunk) bool {
	l := c.e - c.s
	return l >= 2 && l <= 3 && c.s > 0 && t[c.s-1] == '(' && c.e+1 < len(t) && t[c.e] == ')' && t[c.e+1] == ' '
}

// phoneFields are the labels of a phone number's field in a signature or
// form; with a colon after them even a six-digit number is a phone.
var phoneFields = words(`phone tel telephone mobile mob cell desk office fax work home direct landline`)

// phoneField reports whether a phone field's label and a colon stand just
// before pos.
func phoneField(sc *scan, pos int) bool {
	i := tokenBefore(sc, pos)
	return i >= 0 && phoneFields[string(sc.lw(i))] && strings.Contains(sc.text[sc.toks[i].e:pos], ":")
}

// sinCued reports whether "sin", "tin" or "tfn" (a Canadian social
// insurance number, a taxpayer identification or Australian tax file
// number) is one of the two tokens before pos.
// They are no general cue: "SIN 31324" is a Sinaloa postcode.
func sinCued(sc *scan, pos int) bool {
	i := tokenBefore(sc, pos)
	for n := 0; i >= 0 && n < 2; i, n = i-1, n+1 {
		if w := string(sc.lw(i)); w == "sin" || w == "tin" || w == "tfn" {
			return true
		}
	}
	return false
}

// ssnShape reports whether three chunks are written 3-2-4 with one
// separator used twice ("078-05-1120", "078 05 1120"): the layout of a US
// social security number or taxpayer number.
func ssnShape(t string, chs []chunk) bool {
	if chs[0].e-chs[0].s != 3 || chs[1].e-chs[1].s != 2 || chs[2].e-chs[2].s != 4 {
		return false
	}
	if chs[1].s != chs[0].e+1 || chs[2].s != chs[1].e+1 {
		return false
	}
	sep := t[chs[0].e]
	return (sep == '-' || sep == ' ' || sep == '.') && t[chs[1].e] == sep
}

// internationalNumber checks the digits of a number written with "+" (or
// "00" when plus is false): a country code that does not start with 0 and
// 8 to 15 digits in all (ITU-T E.164).
func internationalNumber(d []byte, plus bool) bool {
	if !plus {
		d = d[2:]
	}
	return len(d) >= 8 && len(d) <= 15 && d[0] != '0'
}

// isNANP checks a number written 3-3-4 as North American numbers are
// ("212-555-0123", "(212) 555 0123", "212.555.0123", "425 882-9090"):
// one separator between groups; spaced groups must not start with 0 or 1.
// Neither area code nor exchange is checked further: fictional numbers ("555-123-
// 4567") are written like real ones, and ten digits are identifying.
func isNANP(t string, chs []chunk) bool {
	if len(chs) != 3 || chs[0].e-chs[0].s != 3 || chs[1].e-chs[1].s != 3 || chs[2].e-chs[2].s != 4 {
		return false
	}
	g1, g2 := t[chs[0].e:chs[1].s], t[chs[1].e:chs[2].s]
	if t[chs[0].s] < '2' && (g1 == " " || g2 == " ") {
		return false // spaced groups from 0 or 1 are no North American number
	}
	paren := chs[0].s > 0 && t[chs[0].s-1] == '('
	sep := func(g string) bool { return g == "-" || g == "." || g == " " }
	return (sep(g1) || (paren && (g1 == ") " || g1 == ")"))) && sep(g2)
}

func nanpStart(t string, s int) int {
	if s > 0 && t[s-1] == '(' {
		s--
	}
	if s >= 2 && t[s-1] == '-' && t[s-2] == '1' && (s == 2 || !isDigit(t[s-3])) {
		s -= 2 // 1-800-555-0199
	}
	return s
}

// phoneCues make any grouped number of seven or more digits just after
// them a phone number ("tel: 030 1234 5678", "mobile 612 345 678").
var phoneCues = words(`tel telephone phone mobile mob cell landline fax ring call text whatsapp contact`)

func phoneCued(sc *scan, pos int) bool {
	i := tokenBefore(sc, pos)
	for n := 0; i >= 0 && n < 3; i, n = i-1, n+1 {
		if phoneCues[string(sc.lw(i))] {
			return true
		}
	}
	return false
}

// nhsCued reports whether "nhs" is among the four tokens before pos.
func nhsCued(sc *scan, pos int) bool {
	i := tokenBefore(sc, pos)
	for n := 0; i >= 0 && n < 4; i, n = i-1, n+1 {
		if sc.isWord(i, "nhs") {
			return true
		}
	}
	return false
}

// nationalNumber turns international forms (+44, 0044, 44 with a plus,
// "+44 (0)") into the national form starting with 0.
func nationalNumber(d []byte, plus bool) []byte {
	switch {
	case len(d) > 4 && string(d[:4]) == "0044":
		d = d[4:]
	case len(d) > 2 && string(d[:2]) == "44" && (plus || len(d) >= 12):
		d = d[2:]
	default:
		return d
	}
	if len(d) > 0 && d[0] == '0' {
		return d
	}
	out := make([]byte, 0, len(d)+1)
	out = append(out, '0')
	return append(out, d...)
}

// isUKPhone checks a national number: 11 digits starting 01, 02, 03, 05,
// 07, 08 or 09, or 10 digits starting 01 or 08 (older numbering).
func isUKPhone(d []byte) bool {
	if len(d) < 10 || len(d) > 11 || d[0] != '0' {
		return false
	}
	switch d[1] {
	case '1', '8':
		return true
	case '2', '3', '5', '7', '9':
		return len(d) == 11
	}
	return false
}

// idCued reports whether a reference-number cue word lies within the three
// tokens before byte offset pos, in the same sentence ("no ectopy. SBP
// 110-130" is no "no." before a number).
func idCued(sc *scan, pos int) bool {
	if pos > 0 && (sc.text[pos-1] == '#') {
		return true
	}
	i := tokenBefore(sc, pos)
	for n := 0; i >= 0 && n < 3; i, n = i-1, n+1 {
		if n > 0 && strings.ContainsAny(sc.gap(i), ".!?;\n") {
			return false
		}
		if idCues[string(sc.lw(i))] {
			return true
		}
	}
	return false
}

// tokenBefore returns the index of the last token ending at or before pos.
func tokenBefore(sc *scan, pos int) int {
	lo, hi := 0, len(sc.toks)
	for lo < hi {
		m := (lo + hi) / 2
		if sc.toks[m].e <= pos {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// postcodeCues before or after an outward code alone make it a postcode.
var postcodeCuesBefore = words(`in from near around postcode post code district to at live lives living moved`)
var postcodeCuesAfter = words(`area postcode district way side`)

// notDistricts are real outward codes that mean something else far more
// often when written alone: a TV channel, "skate", a French TV channel.
var notDistricts = words(`CH4 SK8 TF1`)

// nonGeographic are special postcodes outside the area/district scheme:
// Girobank, Santa's, and the British overseas territories (Ascension, BIOT,
// British Antarctic Territory, Falklands, Pitcairn, South Georgia, St
// Helena, Tristan da Cunha, Turks and Caicos), written with or without
// the space.
var nonGeographic = words(`GIR0AA SANTA1 ASCN1ZZ BBND1ZZ BIQQ1ZZ FIQQ1ZZ PCRN1ZZ SIQQ1ZZ STHL1ZZ TDCU1ZZ TKCA1ZZ`)

// findPostcodes finds full postcodes ("LS6 2AB", "ls62ab", the
// non-geographic "BX1 1LT", "GIR 0AA", "BFPO 105") anywhere, and outward
// codes alone ("LS6"): a real district of a two-letter area written in
// capitals anywhere (but see notDistricts), any real district in any case
// after or before a place cue ("in M1", "the ls6 area"). A one-letter
// area's district alone ("M1", "B12", "E1") needs the cue: it is as often a
// motorway, a vitamin or a paper size.
func findPostcodes(dst []Span, sc *scan) []Span {
	var buf [8]byte
	t := sc.text
	for i := 0; i < len(sc.toks); i++ {
		tk := sc.toks[i]
		if tk.f&tASCII == 0 || tk.e-tk.s > 7 || tk.e-tk.s < 2 || !isASCIILetter(t[tk.s]) {
			continue
		}
		if tk.f&tDigit == 0 {
			// Letters only: "BFPO 105", "GIR 0AA", "SAN TA1", "ASCN 1ZZ".
			if tk.e-tk.s < 3 || tk.e-tk.s > 4 || !sc.spaced(i) {
				continue
			}
			if sc.isWord(i, "bfpo") {
				if w := sc.lw(i + 1); len(w) <= 4 && allDigitBytes(w) && !glued(t, sc.toks[i+1].s, sc.toks[i+1].e) {
					dst = append(dst, pat(tk.s, sc.toks[i+1].e, Postcode, 0.95))
					i++
				}
				continue
			}
			if nt := sc.toks[i+1]; nt.e-nt.s == 3 && nt.f&tASCII != 0 && nt.f&tDigit != 0 {
				u := upperInto(upperInto(buf[:0], t[tk.s:tk.e]), t[nt.s:nt.e])
				if nonGeographic[string(u)] && !glued(t, tk.s, nt.e) {
					dst = append(dst, pat(tk.s, nt.e, Postcode, 0.95))
					i++
				}
			}
			continue
		}
		w := t[tk.s:tk.e]
		u := upperInto(buf[:0], w)
		if len(u) >= 5 && string(u[:4]) == "BFPO" && allDigitBytes(u[4:]) {
			dst = append(dst, pat(tk.s, tk.e, Postcode, 0.95)) // "BFPO105"
			continue
		}
		// Whole postcode in one token.
		if len(u) >= 5 && ((isInward(u[len(u)-3:]) && isOutward(u[:len(u)-3])) || nonGeographic[string(u)]) {
			dst = append(dst, pat(tk.s, tk.e, Postcode, 0.95))
			continue
		}
		if !isOutward(u) {
			continue
		}
		// Outward + inward.
		if i+1 < len(sc.toks) && sc.spaced(i) {
			nt := sc.toks[i+1]
			if nt.e-nt.s == 3 && nt.f&tASCII != 0 {
				v := upperInto(buf[len(u):len(u)], t[nt.s:nt.e])
				if isInward(v) && (nt.e == len(t) || !isASCIILetter(t[nt.e])) {
					dst = append(dst, pat(tk.s, nt.e, Postcode, 0.95))
					i++
					continue
				}
			}
		}
		// Outward alone.
		oc := string(u)
		if !knownDistrict(oc) || sc.lab(i) { // "CO2 22" among lab values
			continue
		}
		if p := sc.prevWord(i); (p >= 0 && postcodeCuesBefore[string(sc.lw(p))]) || (sc.nextWord(i) >= 0 && postcodeCuesAfter[string(sc.lw(i+1))]) {
			dst = append(dst, pat(tk.s, tk.e, Postcode, 0.8))
			continue
		}
		if isUpperASCII(w[0]) && isUpperASCII(w[1]) && allUpper(w) && !notDistricts[oc] && !glued(t, tk.s, tk.e) &&
			!(tk.e+1 < len(t) && (t[tk.e] == '-' || t[tk.e] == '/' || t[tk.e] == '.') && (isDigit(t[tk.e+1]) || isASCIILetter(t[tk.e+1]))) &&
			!(tk.s > 1 && (t[tk.s-1] == '-' || t[tk.s-1] == '/') && (isDigit(t[tk.s-2]) || isASCIILetter(t[tk.s-2]))) {
			dst = append(dst, pat(tk.s, tk.e, Postcode, 0.7))
		}
	}
	return dst
}

func upperInto(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

var niCues = words(`ni nino insurance`)

// findNINumbers finds National Insurance numbers: two letters with a valid
// prefix, six digits (spaced in pairs or not), and a suffix letter A-D (the
// suffix may be missing after "NI" / "national insurance").
func findNINumbers(dst []Span, sc *scan) []Span {
	var buf [12]byte
	for i := 0; i < len(sc.toks); i++ {
		tk := sc.toks[i]
		if tk.f&tASCII == 0 || !isASCIILetter(sc.text[tk.s]) || tk.e-tk.s > 9 {
			continue
		}
		// The third character (a digit in every NI number) is this
		// token's third byte, or for a two-letter token the next token's
		// first: most words fail here before any gathering.
		if n := tk.e - tk.s; (n >= 3 && !isDigit(sc.text[tk.s+2])) || (n == 2 && (i+1 >= len(sc.toks) || !isDigit(sc.text[sc.toks[i+1].s]))) {
			continue
		}
		// Gather up to 9 characters across space-joined tokens.
		u := upperInto(buf[:0], sc.text[tk.s:tk.e])
		j := i
		for len(u) < 9 && j+1 < len(sc.toks) && sc.spaced(j) && sc.toks[j+1].f&tASCII != 0 && len(u)+sc.toks[j+1].e-sc.toks[j+1].s <= 9 {
			j++
			u = upperInto(u, sc.text[sc.toks[j].s:sc.toks[j].e])
		}
		for n := len(u); n >= 8; n-- {
			v := u[:n]
			if !validNIPrefix(v[0], v[1]) || !allDigitBytes(v[2:8]) {
				continue
			}
			if n == 9 && !(v[8] >= 'A' && v[8] <= 'D') {
				continue
			}
			// Find the token where character n ends.
			end, k := -1, i
			cnt := 0
			for ; k <= j; k++ {
				cnt += sc.toks[k].e - sc.toks[k].s
				if cnt == n {
					end = sc.toks[k].e
					break
				}
				if cnt > n {
					break
				}
			}
			if end < 0 {
				continue
			}
			if n == 8 {
				p := sc.prevWord(i)
				cued := p >= 0 && niCues[string(sc.lw(p))]
				if !cued && !(p >= 1 && string(sc.lw(p)) == "number" && niCues[string(sc.lw(p-1))]) {
					continue
				}
			}
			dst = append(dst, pat(tk.s, end, NINumber, 0.9))
			i = k
			break
		}
	}
	return dst
}

func allDigitBytes(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}
