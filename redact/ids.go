package redact

import "strings"

// Identifiers with letters in them, all labelled ID: UK driving licence
// numbers (DVLA layout), vehicle registrations, passport and licence
// numbers after a cue, and reference numbers with letter parts
// (MR-24-0817, HSG-004417, SL/22/90412), always covered whole; and the
// machine-readable zone of a passport or identity card (ICAO 9303), whose
// lines hold the holder's names, document number and date of birth; IBANs
// (ISO 13616); and the value after a credential cue (user name, password,
// PIN).
//
// A DVLA licence number and a current-format registration in capitals are
// distinctive enough to be taken anywhere; the older registration formats,
// passports (any country) and other licences need a cue ("passport no",
// "my car reg is", "licence number").

// dvlaLen is the length of a DVLA driving licence number without spaces.
const dvlaLen = 16

// validDVLA checks the DVLA layout on 16 upper-case bytes: five surname
// characters (letters, then 9s as padding), the decade digit, the month
// (01-12, plus 50 for women), the day (01-31), the year digit, two initials
// (a letter, then a letter or 9), one digit and two check characters.
func validDVLA(u []byte) bool {
	if len(u) != dvlaLen || !isUpperASCII(u[0]) {
		return false
	}
	pad := false
	for _, c := range u[1:5] {
		switch {
		case c == '9':
			pad = true
		case isUpperASCII(c) && !pad:
		default:
			return false
		}
	}
	if !allDigitBytes(u[5:11]) || !isDigit(u[13]) {
		return false
	}
	m := int(u[6]-'0')*10 + int(u[7]-'0')
	d := int(u[8]-'0')*10 + int(u[9]-'0')
	if !((m >= 1 && m <= 12) || (m >= 51 && m <= 62)) || d < 1 || d > 31 {
		return false
	}
	if !isUpperASCII(u[11]) || !(isUpperASCII(u[12]) || u[12] == '9') {
		return false
	}
	return (isUpperASCII(u[14]) || isDigit(u[14])) && (isUpperASCII(u[15]) || isDigit(u[15]))
}

// validCurrentReg checks a current-format (2001 on) UK registration on
// upper-case bytes: two memory-tag letters (not I, Q or Z), the age
// identifier (02-29 for March, 51-79 for September) and three letters (not
// I or Q).
func validCurrentReg(u []byte) bool {
	if len(u) != 7 {
		return false
	}
	for _, c := range u[:2] {
		if !isUpperASCII(c) || c == 'I' || c == 'Q' || c == 'Z' {
			return false
		}
	}
	if !isDigit(u[2]) || !isDigit(u[3]) {
		return false
	}
	age := int(u[2]-'0')*10 + int(u[3]-'0')
	if !((age >= 2 && age <= 29) || (age >= 51 && age <= 79)) {
		return false
	}
	for _, c := range u[4:] {
		if !isUpperASCII(c) || c == 'I' || c == 'Q' {
			return false
		}
	}
	return true
}

// codeCues open a cued identifier: the words before a passport, licence or
// registration number.
var codeCues = words(`passport licence license dl registration reg plate numberplate vrn vehicle`)

// codeFillers may stand between a cue and the identifier.
var codeFillers = words(`number no num nr is was its it s my the of car vehicle plate driving`)

// codeStop are short words that never continue an identifier after a cue.
var codeStop = words(`and the but for was not now yes too its and or so if is on in at to it my ok`)

// findCodes finds the identifiers above.
func findCodes(dst []Span, sc *scan) []Span {
	var buf [24]byte
	t := sc.text
	for i := 0; i < len(sc.toks); i++ {
		tk := sc.toks[i]
		if tk.f&tASCII == 0 {
			continue
		}
		// DVLA licence: 16 characters in one to four space-separated tokens.
		if isASCIILetter(t[tk.s]) && (tk.f&tDigit != 0 || (tk.e-tk.s == 5 && i+1 < len(sc.toks) && sc.toks[i+1].f&tDigit != 0)) {
			u := upperInto(buf[:0], t[tk.s:tk.e])
			j := i
			for len(u) < dvlaLen && j+1 < len(sc.toks) && j-i < 3 && sc.spaced(j) && sc.toks[j+1].f&tASCII != 0 &&
				len(u)+sc.toks[j+1].e-sc.toks[j+1].s <= dvlaLen {
				j++
				u = upperInto(u, t[sc.toks[j].s:sc.toks[j].e])
			}
			if len(u) == dvlaLen && validDVLA(u) && !glued(t, tk.s, sc.toks[j].e) {
				e := sc.toks[j].e
				// An issue number may follow: "MORGA753116SM9IJ 35".
				if j+1 < len(sc.toks) && sc.spaced(j) && twoDigitTok(sc, j+1) {
					j++
					e = sc.toks[j].e
				}
				dst = append(dst, pat(tk.s, e, ID, 0.95))
				i = j
				continue
			}
		}
		// Current-format registration in capitals: "AB12 CDE", "AB12CDE".
		if tk.f&tDigit != 0 && tk.f&tAlpha != 0 && tk.e-tk.s <= 7 {
			u := upperInto(buf[:0], t[tk.s:tk.e])
			j := i
			if len(u) == 4 && i+1 < len(sc.toks) && sc.spaced(i) && sc.toks[i+1].e-sc.toks[i+1].s == 3 && sc.toks[i+1].f&tASCII != 0 {
				j = i + 1
				u = upperInto(u, t[sc.toks[j].s:sc.toks[j].e])
			}
			if validCurrentReg(u) && !glued(t, tk.s, sc.toks[j].e) && (allUpper(t[tk.s:sc.toks[j].e]) || codeCued(sc, i)) {
				dst = append(dst, pat(tk.s, sc.toks[j].e, ID, 0.9))
				i = j
				continue
			}
		}
		// A cue, then the identifier after it.
		if tk.f&tDigit == 0 && strings.IndexByte("pldrvn", sc.low[tk.s]) >= 0 && codeCues[string(sc.lw(i))] {
			if s, e, j, ok := cuedCode(sc, i); ok {
				dst = append(dst, pat(s, e, ID, 0.85))
				i = j
				continue
			}
		}
		// Reference numbers with letter parts, whole.
		if s, e, j, ok := referenceRun(sc, i); ok {
			dst = append(dst, pat(s, e, ID, 0.65))
			i = j
		}
	}
	return dst
}

// glued reports whether a letter or digit touches [s, e) on either side
// (then it is part of something longer).
func glued(t string, s, e int) bool {
	return (s > 0 && (isASCIILetter(t[s-1]) || isDigit(t[s-1]))) || (e < len(t) && (isASCIILetter(t[e]) || isDigit(t[e])))
}

// allUpper reports whether s has no lower-case ASCII letter.
func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			return false
		}
	}
	return true
}

// codeCued reports whether a code cue is among the four tokens before i.
func codeCued(sc *scan, i int) bool {
	for k, n := i-1, 0; k >= 0 && n < 4; k, n = k-1, n+1 {
		if codeCues[string(sc.lw(k))] {
			return true
		}
	}
	return false
}

// cuedCode takes the identifier after the cue token c: after up to three
// filler words, one to three space-separated ASCII tokens holding at least
// one digit, 2 to 18 characters in all ("passport no 533401372", "reg is
// X123 ABC", "licence number SMITH 710269 JJ9AB"). It returns the span and
// the last token used.
func cuedCode(sc *scan, c int) (int, int, int, bool) {
	i := c + 1
	for n := 0; n < 3 && i < len(sc.toks) && codeFillers[string(sc.lw(i))] && sc.toks[i].f&tDigit == 0; n++ {
		i++
	}
	if i >= len(sc.toks) || i-1 < 0 || !codeGap(sc.text[sc.toks[i-1].e:sc.toks[i].s]) {
		return 0, 0, 0, false
	}
	first := i
	total, digits := 0, 0
	j := i - 1
	for k := i; k < len(sc.toks) && k-first < 4; k++ {
		tk := sc.toks[k]
		if tk.f&tASCII == 0 || (k > first && !sc.spaced(k-1)) {
			break
		}
		l := tk.e - tk.s
		if total+l > 18 {
			break
		}
		if tk.f&tDigit == 0 {
			// A letters-only part continues the code when short and
			// written in capitals ("X123 ABC", "ABC 123D"), never a word.
			if codeStop[string(sc.lw(k))] || !(l <= 3 || (l <= 5 && allUpper(sc.raw(k)))) {
				if k == first {
					// "ABC 123D": letters first, then a part with digits.
					if l > 3 || codeStop[string(sc.lw(k))] {
						break
					}
				} else {
					break
				}
			}
		} else {
			for p := tk.s; p < tk.e; p++ {
				if isDigit(sc.text[p]) {
					digits++
				}
			}
		}
		total += l
		j = k
	}
	if j < first || digits == 0 || total < 2 {
		return 0, 0, 0, false
	}
	// A trailing letters-only part with no digit after it is kept only
	// when some earlier part had digits (done by the digit count above);
	// a code made of one short lower-case word is not a code.
	return sc.toks[first].s, sc.toks[j].e, j, true
}

// codeGap accepts what may stand between the cue words and a code.
func codeGap(g string) bool {
	g = trimSpaces(g)
	return g == "" || g == ":" || g == "#" || g == "-" || g == "." || g == ":-"
}

// referenceRun finds a reference number with letter parts starting at
// token i: tokens joined by single "-", "/" or "_" with no spaces, holding
// letters and at least five digits (MR-24-0817, HSG-004417, SL/22/90412,
// A12345678), or at least three after a reference cue ("ref AB-123"), or
// nine or more capitals and digits with four of each (India's PAN
// "ABCDE1234F"). A
// number with a unit glued on ("10000mg") is not one.
func referenceRun(sc *scan, i int) (int, int, int, bool) {
	tk := sc.toks[i]
	if tk.f&tASCII == 0 || (tk.f&tDigit == 0 && !(i+1 < len(sc.toks) && refJoin(sc, i))) {
		return 0, 0, 0, false
	}
	if tk.s > 0 && refSep(sc.text[tk.s-1]) && i > 0 && sc.toks[i-1].e == tk.s-1 {
		return 0, 0, 0, false // not the start of the run
	}
	letters, digits := 0, 0
	j := i
	for {
		for p := sc.toks[j].s; p < sc.toks[j].e; p++ {
			if isDigit(sc.text[p]) {
				digits++
			} else {
				letters++
			}
		}
		if j+1 < len(sc.toks) && refJoin(sc, j) && sc.toks[j+1].f&tASCII != 0 {
			j++
			continue
		}
		break
	}
	s, e := sc.toks[i].s, sc.toks[j].e
	if letters == 0 && digits >= 5 && j > i && idCued(sc, s) {
		return s, e, j, true // "case 22/1234", "claim 2023-00042"
	}
	if letters == 0 || digits == 0 {
		return 0, 0, 0, false
	}
	if e < len(sc.text) && sc.text[e] == '@' {
		return 0, 0, 0, false // an e-mail address's local part
	}
	if j == i {
		// One token: a unit after a number ("10000mg", "5000kcal") or an
		// ordinal is not a reference.
		w := sc.lw(i)
		k := 0
		for k < len(w) && isDigit(w[k]) {
			k++
		}
		if k > 0 && k < len(w) && allLetters(string(w[k:])) && digits < 7 {
			return 0, 0, 0, false
		}
		// A product or a size ("500x14", "2x3", "10x10cm") is not one.
		if k > 0 && k+1 < len(w) && w[k] == 'x' && isDigit(w[k+1]) && digits < 7 {
			m := k + 1
			for m < len(w) && isDigit(w[m]) {
				m++
			}
			if m == len(w) || allLetters(string(w[m:])) {
				return 0, 0, 0, false
			}
		}
	}
	if numbersWithUnits(sc, i, j) {
		return 0, 0, 0, false // a range: "110-130s", "40-60cc", "5-10mg"
	}
	if digits >= 5 || (digits >= 3 && idCued(sc, s)) || (digits >= 4 && letters >= 4 && e-s >= 9 && allUpper(sc.text[s:e])) {
		return s, e, j, true
	}
	return 0, 0, 0, false
}

// numbersWithUnits reports whether every token i..j is a number with at
// most a unit, plural or ordinal after it: a range of readings or doses.
func numbersWithUnits(sc *scan, i, j int) bool {
	for ; i <= j; i++ {
		w := sc.lw(i)
		k := 0
		for k < len(w) && isDigit(w[k]) {
			k++
		}
		if k == 0 || (k < len(w) && !readingUnits[string(w[k:])]) {
			return false
		}
	}
	return true
}

// readingUnits may follow a number in a reading, a dose or a range.
var readingUnits = words(`s st nd rd th mg mcg ug g kg ml l cc mmol mmhg bpm hr hrs h min mins m cm mm km
	kcal iu u am pm k lb lbs oz yr yrs y wk wks d mph`)

func refSep(c byte) bool { return c == '-' || c == '/' || c == '_' }

// refJoin reports whether tokens i and i+1 are joined by one "-", "/" or "_".
func refJoin(sc *scan, i int) bool {
	return sc.toks[i+1].s == sc.toks[i].e+1 && refSep(sc.text[sc.toks[i].e])
}

// findMRZ finds the lines of a machine-readable zone (ICAO 9303: 30, 36 or
// 44 characters of A-Z, 0-9 and the filler '<'), such as
// "P<GBRSMITH<<JOHN<<<<" copied from a passport: any run of at least 20
// such characters with two fillers in a row and at least five letters or
// digits, cut short or not.
func findMRZ(dst []Span, t string) []Span {
	for i := 0; i < len(t); {
		if !isMRZByte(t[i]) {
			i++
			continue
		}
		j := i
		for j < len(t) && isMRZByte(t[j]) {
			j++
		}
		if run := t[i:j]; len(run) >= 20 && strings.Contains(run, "<<") && len(run)-strings.Count(run, "<") >= 5 {
			dst = append(dst, pat(i, j, ID, 0.9))
		}
		i = j
	}
	return dst
}

func isMRZByte(c byte) bool { return ('A' <= c && c <= 'Z') || isDigit(c) || c == '<' }

// ibanMin and ibanMax bound an IBAN's length in letters and digits (ISO
// 13616: Norway's 15 to the 34 the standard allows).
const (
	ibanMin = 15
	ibanMax = 34
)

// findIBANs finds International Bank Account Numbers (ISO 13616): two
// letters of a country code, two check digits, then letters and digits,
// written whole ("DE89370400440532013000") or in groups of four
// ("GB82 WEST 1234 5698 7654 32"). The longest run passing the mod-97
// check is taken; after an "iban" cue the longest IBAN-shaped run is taken
// even when the check fails (a mistyped account number still identifies).
func findIBANs(dst []Span, sc *scan) []Span {
	t := sc.text
	for p := 0; p+ibanMin <= len(t); p++ {
		if !isASCIILetter(t[p]) || !isASCIILetter(t[p+1]) || !isDigit(t[p+2]) || !isDigit(t[p+3]) ||
			(p > 0 && (isASCIILetter(t[p-1]) || isDigit(t[p-1]))) {
			continue
		}
		ends := ibanEnds(t, p)
		best := -1
		for k := len(ends) - 1; k >= 0 && best < 0; k-- {
			if ibanCheck(t[p:ends[k]]) {
				best = ends[k]
			}
		}
		if best < 0 && len(ends) > 0 && ibanCued(sc, p) {
			best = ends[len(ends)-1]
		}
		if best >= 0 {
			dst = append(dst, pat(p, best, ID, 0.9))
			p = best
		}
	}
	return dst
}

// ibanEnds returns the byte offsets after p where an IBAN could end: the
// end of a run of 15 to 34 letters and digits, or of a group of a grouped
// one (groups of four after the first, separated by one space; the last
// group may be shorter). Every end is at a word boundary.
func ibanEnds(t string, p int) []int {
	var ends []int
	n, q := 0, p
	for q < len(t) && (isASCIILetter(t[q]) || isDigit(t[q])) && n <= ibanMax {
		n++
		q++
	}
	if n > 4 { // written whole
		if n >= ibanMin && n <= ibanMax && !ibanGlued(t, q) {
			ends = append(ends, q)
		}
		return ends
	}
	for q+1 < len(t) && t[q] == ' ' && (isASCIILetter(t[q+1]) || isDigit(t[q+1])) {
		g := 0
		r := q + 1
		for r < len(t) && (isASCIILetter(t[r]) || isDigit(t[r])) && g < 5 {
			g++
			r++
		}
		if g > 4 || n+g > ibanMax {
			break
		}
		n += g
		q = r
		if n >= ibanMin && !ibanGlued(t, q) {
			ends = append(ends, q)
		}
		if g < 4 {
			break
		}
	}
	return ends
}

// ibanGlued reports whether the byte at q continues a word.
func ibanGlued(t string, q int) bool {
	return q < len(t) && (isASCIILetter(t[q]) || isDigit(t[q]) || t[q] == '-' || t[q] == '/')
}

// ibanCheck runs ISO 7064 mod 97-10 over s without its spaces: the first
// four characters moved to the end, letters read as 10 to 35, the number
// must leave 1.
func ibanCheck(s string) bool {
	r := 0
	add := func(c byte) {
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case isASCIILetter(c):
			v := int(c|0x20-'a') + 10
			r = (r*100 + v) % 97
		}
	}
	head := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			continue
		}
		if head < 4 {
			head++
			continue
		}
		add(s[i])
	}
	for i := 0; i < 4; i++ {
		add(s[i])
	}
	return r == 1
}

// ibanCued reports whether "iban" is one of the two tokens before offset p.
func ibanCued(sc *scan, p int) bool {
	i := tokenBefore(sc, p)
	for n := 0; i >= 0 && n < 2; i, n = i-1, n+1 {
		if string(sc.lw(i)) == "iban" {
			return true
		}
	}
	return false
}

// credentialCues name a log-in or secret whose value follows: "username:
// bob.smith", "password is Tr0ub4dor&3", "login jsmith88", "PIN: 4921".
// "user" counts only before "name" or "id".
var credentialCues = words(`username userid user login logon password passcode passwd pwd pw pin pincode`)

// credentialFillers may stand between a cue and its value.
var credentialFillers = words(`name id is was no number code`)

// findCredentials finds the value after a credential cue, labelled ID
// (scrubadub's credential detector has the same job): a user name names
// its owner, and a password or PIN must never reach a dataset. The value
// is the run of non-space bytes after the cue and its fillers, taken when
// a ":" or "=" stands between (a form field), or otherwise when it holds a
// digit or a symbol ("my password is really long" keeps "really"). A PIN's
// value must hold a digit ("PIN 560001", an Indian postcode, is taken
// too). "pw" and "pwd" need the ":", "=" or "is" of a field: "PW 98323" is
// Palau in an address.
func findCredentials(dst []Span, sc *scan) []Span {
	t := sc.text
	for i := 0; i < len(sc.toks); i++ {
		if l := sc.toks[i].e - sc.toks[i].s; l < 2 || l > 8 || sc.toks[i].f&tDigit != 0 {
			continue
		}
		if c := sc.low[sc.toks[i].s]; c != 'u' && c != 'l' && c != 'p' {
			continue
		}
		w := string(sc.lw(i))
		if !credentialCues[w] {
			continue
		}
		j := i + 1
		if w == "user" && (j >= len(sc.toks) || (string(sc.lw(j)) != "name" && string(sc.lw(j)) != "id")) {
			continue
		}
		field, stated := false, false
		for ; j < len(sc.toks) && j-i <= 4; j++ {
			g := t[sc.toks[j-1].e:sc.toks[j].s]
			if strings.ContainsAny(g, ".!?;\n") {
				j = len(sc.toks)
				break
			}
			if strings.ContainsAny(g, ":=") {
				field = true
			}
			if !credentialFillers[string(sc.lw(j))] {
				break
			}
			stated = stated || string(sc.lw(j)) == "is"
		}
		if j >= len(sc.toks) || j-i > 4 {
			continue
		}
		s := sc.toks[j].s
		e := s
		for e < len(t) && t[e] != ' ' && t[e] != '\t' && t[e] != '\n' && t[e] != '\r' {
			e++
		}
		for e > s && strings.IndexByte(`.,;:!?)"'`, t[e-1]) >= 0 {
			e--
		}
		if e <= s {
			continue
		}
		digit, symbol := false, false
		for k := s; k < e; k++ {
			switch c := t[k]; {
			case isDigit(c):
				digit = true
			case c < 0x80 && !isASCIILetter(c):
				symbol = true
			}
		}
		pin := w == "pin" || w == "pincode"
		if (w == "pw" || w == "pwd") && !field && !stated {
			continue
		}
		if (pin && !digit) || !(field || digit || symbol) || (field && !digit && codeStop[string(sc.lw(j))]) {
			continue
		}
		dst = append(dst, pat(s, e, ID, 0.85))
		for i = j; i+1 < len(sc.toks) && sc.toks[i+1].s < e; i++ {
		}
	}
	return dst
}
