package redact

import (
	"bytes"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/redact/textnorm"
)

// A token is a maximal run of letters, digits and combining marks. Every
// recognizer except the raw-byte patterns (email, URL, IP) works on tokens,
// so the text is decoded once per Find, not once per recognizer.
type token struct {
	s, e int // byte offsets into the text
	f    tokFlag
}

type tokFlag uint8

const (
	tAlpha tokFlag = 1 << iota // has a letter
	tDigit                     // has a digit
	tCap                       // first rune is upper-case
	tUpper                     // every letter upper-case and at least two letters
	tASCII                     // only ASCII bytes
	tCamel                     // an ASCII capital after a small letter ("DawnRowe")
	tLab                       // a lab test or vital sign before its value, among others (set by scan.lab)
)

// scan is one text decoded for the recognizers. low is the text with letters
// lower-cased in place: a rune is lowered only when its lower-case form has
// the same UTF-8 length, so byte offsets into low are offsets into text, and
// a map lookup with string(low[s:e]) needs no allocation.
//
// A scan from getViewScan decodes the normalised view of the input
// (textnorm): text is view.Text, every offset the recognizers produce is an
// offset into the view, and mapSpans turns them into offsets of the input.
// A plain text (the common case) is its own view and costs nothing extra.
type scan struct {
	text    string
	spans   []Span // Redactor.Find's buffer, reused across texts
	view    textnorm.View
	folder  textnorm.Folder
	low     []byte
	toks    []token
	capText bool // most words are capitalised (headline or shouting): case says nothing
	shout   bool // most words are in capitals only
	hl      int8 // headline's answer: 0 unknown, 1 yes, -1 no
	en      int8 // english's answer: 0 unknown, 1 yes, -1 no
	lb      bool // lab has marked tLab
	scratch []byte
	chs     []chunk
	chDone  bool
	lx      []lexEntry // per token, filled by lexicon
	lxDone  bool
	lxc     lexCache // recent lexicon lookups, kept across texts
	an      alnumStream
}

var scanPool = sync.Pool{New: func() any { return &scan{} }}

// getScan decodes text as it is: offsets are offsets into text.
func getScan(text string) *scan {
	sc := scanPool.Get().(*scan)
	sc.view = textnorm.View{Text: text}
	sc.reset(text)
	return sc
}

// getViewScan decodes the normalised view of text (NFKC, format and
// control characters dropped, character references and %-escapes decoded,
// Unicode spaces made spaces), so that an identifier written oddly is
// matched like one written plainly. Spans found on it must go through
// mapSpans before they are offsets into text.
func getViewScan(text string) *scan {
	sc := scanPool.Get().(*scan)
	sc.view = sc.folder.Fold(text)
	sc.reset(sc.view.Text)
	return sc
}

// mapSpans turns spans found on sc's view into spans of the original text:
// each covers every original byte its view bytes came from, including
// characters the view dropped inside it ("Da\u200bwn" is covered whole).
func (sc *scan) mapSpans(spans []Span) {
	if sc.view.Identity() {
		return
	}
	for i := range spans {
		spans[i].Start, spans[i].End = sc.view.Orig(spans[i].Start, spans[i].End)
	}
}

// findViewed runs find on the view of text and returns dst with the new
// spans in offsets of text.
func findViewed(dst []Span, text string, subj *Subject, find func([]Span, *scan, *Subject) []Span) []Span {
	sc := getViewScan(text)
	n := len(dst)
	dst = find(dst, sc, subj)
	sc.mapSpans(dst[n:])
	putScan(sc)
	return dst
}

func putScan(sc *scan) {
	if cap(sc.low) > 1<<20 || cap(sc.toks) > 1<<16 || cap(sc.spans) > 1<<12 {
		return // keep the pool from pinning one huge text's buffers
	}
	sc.text = ""
	sc.view = textnorm.View{}
	scanPool.Put(sc)
}

// asciiClass: 1 letter, 2 digit, 0 anything else.
var asciiClass = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 1
		t[c-'a'+'A'] = 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 2
	}
	return
}()

func (sc *scan) reset(text string) {
	sc.text = text
	if cap(sc.low) < len(text) {
		sc.low = make([]byte, len(text), len(text)+len(text)/4)
	}
	sc.low = sc.low[:len(text)]
	sc.toks = sc.toks[:0]
	sc.chDone = false
	sc.lxDone = false
	sc.hl = 0
	sc.en = 0
	sc.lb = false
	sc.an.done = false
	low := sc.low
	inTok := false
	var cur token
	nAlpha, nCap, nUpper := 0, 0, 0
	end := func() {
		if cur.f&tAlpha != 0 && cur.e-cur.s > 1 {
			nAlpha++
			if cur.f&tCap != 0 {
				nCap++
			}
			if cur.f&tUpper != 0 {
				nUpper++
			}
		}
		sc.toks = append(sc.toks, cur)
		inTok = false
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			cl := asciiClass[c]
			if cl == 0 {
				low[i] = c
				if inTok {
					end()
				}
				i++
				continue
			}
			if !inTok {
				cur = token{s: i, f: tASCII | tUpper}
				inTok = true
				if 'A' <= c && c <= 'Z' {
					cur.f |= tCap
				}
			}
			if cl == 1 {
				cur.f |= tAlpha
				if 'A' <= c && c <= 'Z' {
					if i > cur.s && 'a' <= text[i-1] && text[i-1] <= 'z' {
						cur.f |= tCamel
					}
					c += 'a' - 'A'
				} else {
					cur.f &^= tUpper
				}
			} else {
				cur.f |= tDigit
			}
			low[i] = c
			i++
			cur.e = i
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		word := r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
		if !word {
			copy(low[i:i+n], text[i:i+n])
			if inTok {
				end()
			}
			i += n
			continue
		}
		if !inTok {
			cur = token{s: i, f: tUpper}
			inTok = true
			if unicode.IsUpper(r) {
				cur.f |= tCap
			}
		}
		cur.f &^= tASCII
		switch {
		case unicode.IsLetter(r):
			cur.f |= tAlpha
			if !unicode.IsUpper(r) {
				cur.f &^= tUpper
			}
			lr := unicode.ToLower(r)
			if lr != r && utf8.RuneLen(lr) == n {
				utf8.EncodeRune(low[i:i+n], lr)
			} else {
				copy(low[i:i+n], text[i:i+n])
			}
		case unicode.IsDigit(r):
			cur.f |= tDigit
			copy(low[i:i+n], text[i:i+n])
		default:
			copy(low[i:i+n], text[i:i+n])
		}
		i += n
		cur.e = i
	}
	if inTok {
		end()
	}
	for i := range sc.toks {
		t := &sc.toks[i]
		if t.f&tAlpha == 0 || t.e-t.s < 2 {
			t.f &^= tUpper
		}
	}
	sc.capText = nAlpha >= 3 && (nCap*10 >= nAlpha*6 || nUpper*10 >= nAlpha*6)
	sc.shout = nAlpha >= 3 && nUpper*10 >= nAlpha*6
}

// headline reports whether a mostly capitalised text capitalises its
// everyday words too, as headlines and shouting do ("Hagel Welcomes China
// To Talks"). A capitalised text whose capitalised words past a sentence
// start are all names and places ("Ivanisevic ( Croatia ) beat Woodbridge
// ( Australia )", "Contact Karlo Jerković at Voćarska 8c") is a list of
// names: its capitals say something after all.
func (sc *scan) headline() bool {
	if !sc.capText {
		return false
	}
	if sc.hl == 0 {
		sc.hl = -1
		for i, tk := range sc.toks {
			if tk.f&tCap == 0 || tk.f&tDigit != 0 || sc.sentStart(i) {
				continue
			}
			if e := sc.lex(i); e.wc == wCommon || e.is(bFunction|bPronoun) {
				sc.hl = 1
				break
			}
		}
	}
	return sc.hl > 0
}

// english reports whether the text reads as English: it has fewer than
// four words of two letters or more, or two in five of them are on an
// English list. In a text of
// another language ("pošlji na Maribor, 2000 hvala") a word on no list
// says nothing about names.
func (sc *scan) english() bool {
	if sc.en == 0 {
		words, known := 0, 0
		for i, tk := range sc.toks {
			if tk.e-tk.s < 2 || !sc.alpha(i) {
				continue
			}
			words++
			if sc.lex(i).wc != wNone {
				known++
			}
		}
		sc.en = -1
		if words < 4 || 5*known >= 2*words {
			sc.en = 1 // a name on a line of its own is no language
		}
	}
	return sc.en > 0
}

// lw is the lower-cased bytes of token i.
func (sc *scan) lw(i int) []byte { t := sc.toks[i]; return sc.low[t.s:t.e] }

// raw is the original text of token i.
func (sc *scan) raw(i int) string { t := sc.toks[i]; return sc.text[t.s:t.e] }

func (sc *scan) alpha(i int) bool { return sc.toks[i].f&tAlpha != 0 && sc.toks[i].f&tDigit == 0 }

// capital reports whether token i is capitalised where capitals mean
// something: the text is not mostly capitalised and the word is not all
// upper case (all-caps words are acronyms or shouting).
func (sc *scan) capital(i int) bool {
	f := sc.toks[i].f
	return !sc.capText && f&tCap != 0 && f&tUpper == 0
}

// sentStart reports whether token i opens a sentence: only spaces, quotes
// and brackets lie between it and the text start or a . ! ? : ; or line break.
func (sc *scan) sentStart(i int) bool {
	p := sc.toks[i].s
	for p > 0 {
		c := sc.text[p-1]
		switch c {
		case ' ', '\t', '"', '\'', '(', '[', '*', '-', '>':
			p--
			continue
		case '.', '!', '?', ':', ';', '\n', '\r':
			return true
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeLastRuneInString(sc.text[:p])
			if r == '\u201c' || r == '\u2018' || r == '\u2019' || r == '\u201d' || r == '\u2014' || r == '\u2013' || r == '\u2026' {
				if r == '\u2026' {
					return true
				}
				p -= n
				continue
			}
		}
		return false
	}
	return true
}

// joined reports whether tokens i and i+1 are separated only by a light
// separator that can sit inside a name or phrase: up to four bytes of
// spaces, hyphens, dots, commas or apostrophes, and no line break.
func (sc *scan) joined(i int) bool {
	if i+1 >= len(sc.toks) {
		return false
	}
	g := sc.text[sc.toks[i].e:sc.toks[i+1].s]
	if len(g) == 0 || len(g) > 4 {
		return len(g) == 0
	}
	for j := 0; j < len(g); j++ {
		switch g[j] {
		case ' ', '\t', '-', '.', ',', '\'', '/':
		case 0xe2: // ’ ‘ – as UTF-8 lead byte
			if j+2 < len(g) && g[j+1] == 0x80 && (g[j+2] == 0x99 || g[j+2] == 0x98 || g[j+2] == 0x93) {
				j += 2
				continue
			}
			return false
		default:
			return false
		}
	}
	return true
}

// spaced reports whether tokens i and i+1 are separated by horizontal
// white space only (one word after another in a sentence).
func (sc *scan) spaced(i int) bool {
	if i+1 >= len(sc.toks) {
		return false
	}
	g := sc.text[sc.toks[i].e:sc.toks[i+1].s]
	if len(g) == 0 || len(g) > 3 {
		return false
	}
	for j := 0; j < len(g); j++ {
		if g[j] != ' ' && g[j] != '\t' {
			return false
		}
	}
	return true
}

// apostropheAfter returns the lower-cased letters after an apostrophe that
// directly follows token i ("s" for "dave's", "t" for "don't"), or nil.
func (sc *scan) apostropheAfter(i int) []byte {
	if i+1 >= len(sc.toks) {
		return nil
	}
	g := sc.text[sc.toks[i].e:sc.toks[i+1].s]
	if g == "'" || g == "\u2019" || g == "`" {
		return sc.lw(i + 1)
	}
	return nil
}

// contraction reports whether token i is the stem of a contraction such as
// don't, won't, can't, we'll, they're: such a stem is never a name.
func (sc *scan) contraction(i int) bool {
	a := sc.apostropheAfter(i)
	if a == nil {
		return false
	}
	switch string(a) {
	case "t", "ll", "re", "ve", "m", "d":
		return true
	}
	return false
}

// acronymPlural reports whether token i is an acronym in capitals with a
// plural "s": "MPs", "GPs", "DVDs", "CVs". Like an acronym, it names
// no one by its capitals.
func (sc *scan) acronymPlural(i int) bool {
	t := sc.toks[i]
	if t.e-t.s < 3 || sc.text[t.e-1] != 's' {
		return false
	}
	for k := t.s; k < t.e-1; k++ {
		if c := sc.text[k]; c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// possessive reports whether token i is followed by 's or a bare '.
func (sc *scan) possessive(i int) bool {
	a := sc.apostropheAfter(i)
	if a != nil {
		return string(a) == "s"
	}
	t := sc.toks[i]
	if t.e < len(sc.text) && (sc.text[t.e] == '\'') {
		return true
	}
	return false
}

// prevWord is the index of the token before i when only light punctuation
// (no sentence end, no line break) separates them, else -1.
func (sc *scan) prevWord(i int) int {
	if i == 0 {
		return -1
	}
	g := sc.text[sc.toks[i-1].e:sc.toks[i].s]
	if len(g) > 4 {
		return -1
	}
	for j := 0; j < len(g); j++ {
		switch g[j] {
		case ' ', '\t', ',', '\'', '"', '(', ')':
		default:
			if g[j] >= utf8.RuneSelf {
				continue
			}
			return -1
		}
	}
	return i - 1
}

// nextWord is the index of the token after i when only light punctuation
// separates them, else -1.
func (sc *scan) nextWord(i int) int {
	if i+1 >= len(sc.toks) || sc.prevWord(i+1) < 0 {
		return -1
	}
	return i + 1
}

// isWord reports whether the lower-cased token i equals w.
func (sc *scan) isWord(i int, w string) bool {
	return i >= 0 && i < len(sc.toks) && string(sc.lw(i)) == w
}

// fixBoundary returns the largest rune boundary <= i, where a boundary is a
// position that decoding from the start reaches (an invalid byte is a rune
// of its own, as in Go's decoder).
func fixBoundary(s string, i int) int {
	if i <= 0 {
		return 0
	}
	if i >= len(s) {
		return len(s)
	}
	for p := i; p >= 0 && p > i-utf8.UTFMax; p-- {
		if utf8.RuneStart(s[p]) {
			_, n := utf8.DecodeRuneInString(s[p:])
			if p+n > i {
				return p
			}
			return i
		}
	}
	return i
}

// fixEnd returns the smallest rune boundary >= i.
func fixEnd(s string, i int) int {
	if i <= 0 {
		return 0
	}
	if i >= len(s) {
		return len(s)
	}
	b := fixBoundary(s, i)
	if b == i {
		return i
	}
	_, n := utf8.DecodeRuneInString(s[b:])
	return b + n
}

// A chunk is a maximal run of ASCII digits. Phone and NHS numbers are
// written in groups ("07700 900123", "485 777 3456"), so the pattern and
// known-number matchers look at windows of consecutive joined chunks.
type chunk struct {
	s, e        int
	join        bool // joined to the previous chunk by 1-3 bytes of " -.()"
	plus        bool // a '+' directly before (maybe after '(')
	alphaBefore bool // a letter directly before
	alphaAfter  bool // a letter directly after
}

func isASCIILetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// chunks returns the digit chunks of the text, computed on first use.
func (sc *scan) chunks() []chunk {
	if sc.chDone {
		return sc.chs
	}
	sc.chDone = true
	sc.chs = sc.chs[:0]
	t := sc.text
	prevEnd := -10
	for i := 0; i < len(t); {
		c := t[i]
		if c < '0' || c > '9' {
			i++
			continue
		}
		j := i + 1
		for j < len(t) && t[j] >= '0' && t[j] <= '9' {
			j++
		}
		ch := chunk{s: i, e: j}
		if i > 0 {
			ch.alphaBefore = isASCIILetter(t[i-1])
			if t[i-1] == '+' || (t[i-1] == '(' && i > 1 && t[i-2] == '+') {
				ch.plus = true
			}
		}
		if j < len(t) {
			ch.alphaAfter = isASCIILetter(t[j])
		}
		if g := i - prevEnd; g >= 1 && g <= 3 {
			ch.join = true
			for k := prevEnd; k < i; k++ {
				switch t[k] {
				case ' ', '-', '.', '(', ')':
				default:
					ch.join = false
				}
			}
		}
		sc.chs = append(sc.chs, ch)
		prevEnd = j
		i = j
	}
	return sc.chs
}

// windows calls f for every run of joined chunks a..b whose digits number
// at most maxDigits, with the digits concatenated. f returns false to stop
// extending the current start.
func (sc *scan) windows(maxDigits int, f func(a, b int, digits []byte) bool) {
	chs := sc.chunks()
	for a := range chs {
		d := sc.scratch[:0]
		for b := a; b < len(chs); b++ {
			if b > a && !chs[b].join {
				break
			}
			d = append(d, sc.text[chs[b].s:chs[b].e]...)
			if len(d) > maxDigits {
				break
			}
			if !f(a, b, d) {
				break
			}
		}
		sc.scratch = d[:0]
	}
}

// lexicon looks every alphabetic token up once in the shared tables.
func (sc *scan) lexicon(t *tables) {
	if sc.lxDone {
		return
	}
	sc.lxDone = true
	if cap(sc.lx) < len(sc.toks) {
		sc.lx = make([]lexEntry, len(sc.toks), len(sc.toks)+len(sc.toks)/4)
	}
	sc.lx = sc.lx[:len(sc.toks)]
	for i, tk := range sc.toks {
		if tk.f&tAlpha == 0 {
			sc.lx[i] = lexEntry{}
			continue
		}
		w := sc.low[tk.s:tk.e]
		if x := shortIndex(w); x >= 0 {
			sc.lx[i] = t.short[x]
			continue
		}
		sc.lx[i] = sc.lxc.get(t, w)
	}
}

// lexCache is a direct-mapped cache of lexicon facts by lower-cased word.
// Text is Zipfian, and the lexicon is a large map whose lookups miss the
// processor's caches; a few thousand slots in the pooled scan answer most
// tokens from one cache line. Besides the entry, a slot keeps the facts
// the recognizers derive from the word alone, each computed on first use:
// the world-list bits (two binary searches), whether it is a typo of a
// name, and the place phrases it starts. A slot is used only when its
// word matches, and all of them are dropped when the tables differ, so
// the cache never changes an answer.
type lexCache struct {
	t     *tables // the tables the slots came from
	slots []lexSlot
}

const (
	lexCacheBits = 12
	maxLexCached = 23 // longest word cached, in bytes
)

type lexSlot struct {
	n     uint8 // word length; 0: empty
	w     [maxLexCached]byte
	e     lexEntry
	has   uint8 // which of the lazy facts below are filled
	typos uint8 // the one-edit checks that hold, by their has bit (hasTypo, hasWordTypo)
	world uint64
	n2    map[string][]placePhrase
}

// Lazy facts of a lexSlot.
const (
	hasWorld uint8 = 1 << iota
	hasTypo
	hasWordTypo
	hasN2
)

// slot returns the slot for w and whether it holds w; nil when w is not
// cacheable.
func (c *lexCache) slot(t *tables, w []byte) (*lexSlot, bool) {
	if len(w) > maxLexCached || len(w) == 0 {
		return nil, false
	}
	if c.t != t {
		c.t = t
		c.slots = make([]lexSlot, 1<<lexCacheBits)
	}
	h := uint32(2166136261)
	for _, b := range w {
		h ^= uint32(b)
		h *= 16777619
	}
	sl := &c.slots[(h*0x9e3779b1)>>(32-lexCacheBits)]
	return sl, int(sl.n) == len(w) && string(sl.w[:sl.n]) == string(w)
}

// get returns t's entry for w.
func (c *lexCache) get(t *tables, w []byte) lexEntry {
	sl, ok := c.slot(t, w)
	switch {
	case ok:
		return sl.e
	case sl == nil:
		return t.lex[string(w)]
	}
	e := t.lex[string(w)]
	*sl = lexSlot{n: uint8(len(w)), e: e}
	copy(sl.w[:], w)
	return e
}

// filled returns w's slot when it holds w (nil otherwise), for reading or
// filling one of its lazy facts.
func (c *lexCache) filled(t *tables, w []byte) *lexSlot {
	if sl, ok := c.slot(t, w); ok {
		return sl
	}
	return nil
}

// lex is the lexicon entry of token i (lexicon must have run).
func (sc *scan) lex(i int) *lexEntry {
	if !sc.lxDone {
		sc.lexicon(getTables())
	}
	return &sc.lx[i]
}

// has reports whether token i (which may be out of range) has any of bits.
func (sc *scan) has(i int, b uint64) bool {
	if i < 0 || i >= len(sc.toks) {
		return false
	}
	return sc.lex(i).bits&b != 0
}

// alnumStream is the text's ASCII letters (lower-cased) and digits in
// order, for matching an identifier whatever is written between its
// characters: the known recognizer compares the patient's NHS number,
// phone and postcode with it.
type alnumStream struct {
	b    []byte  // letters and digits
	pos  []int32 // byte offset in the text of b[i]
	brk  []uint8 // what lies before b[i]: brkNone, brkSep or brkHard
	done bool
}

const (
	brkNone uint8 = iota // directly after the previous character
	brkSep               // after one to three separators (" \t-./()_", Unicode dashes and dots)
	brkHard              // after anything else, or at the text start
)

// alnums returns the text's alnumStream, computed on first use.
func (sc *scan) alnums() *alnumStream {
	a := &sc.an
	if a.done {
		return a
	}
	a.done = true
	a.b, a.pos, a.brk = a.b[:0], a.pos[:0], a.brk[:0]
	t := sc.low
	pending, gap := brkHard, 0
	sep := func() {
		gap++
		if pending == brkNone {
			pending = brkSep
		}
		if gap > 3 {
			pending = brkHard
		}
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case 'a' <= c && c <= 'z' || isDigit(c):
			a.b = append(a.b, c)
			a.pos = append(a.pos, int32(i))
			a.brk = append(a.brk, pending)
			pending, gap = brkNone, 0
		case c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '_':
			sep()
		case c >= utf8.RuneSelf:
			// A dash or dot of another script ("–", "·") separates like
			// '-' and '.'; letters and anything else break.
			r, n := utf8.DecodeRune(t[i:])
			if unicode.In(r, unicode.Pd, unicode.Po) {
				sep()
			} else {
				pending = brkHard
			}
			i += n - 1
		default:
			pending = brkHard
		}
	}
	return a
}

// find returns the first index >= from where needle occurs in a.b with no
// hard break inside it, or -1.
func (a *alnumStream) find(needle string, from int) int {
	for from <= len(a.b)-len(needle) {
		k := bytes.Index(a.b[from:], []byte(needle))
		if k < 0 {
			return -1
		}
		k += from
		if a.joined(k, k+len(needle)-1) {
			return k
		}
		from = k + 1
	}
	return -1
}

// joined reports whether b[i..j] has no hard break between its characters.
func (a *alnumStream) joined(i, j int) bool {
	for x := i + 1; x <= j; x++ {
		if a.brk[x] == brkHard {
			return false
		}
	}
	return true
}

// underscored returns the byte span of tokens i..j widened over the tokens
// joined to them by single underscores: a name in a handle or file name
// ("xx_dawn_rowe_99") takes the whole handle.
func (sc *scan) underscored(i, j int) (int, int) {
	for i > 0 && sc.toks[i].s-sc.toks[i-1].e == 1 && sc.text[sc.toks[i].s-1] == '_' {
		i--
	}
	for j+1 < len(sc.toks) && sc.toks[j+1].s-sc.toks[j].e == 1 && sc.text[sc.toks[j].e] == '_' {
		j++
	}
	return sc.toks[i].s, sc.toks[j].e
}

// letterRun reports whether the text has three single-letter tokens in a
// row joined by light separators ("D a w n"): a word spelled out.
func (sc *scan) letterRun() bool {
	run := 0
	for i, t := range sc.toks {
		if t.e-t.s != 1 || t.f&tAlpha == 0 {
			run = 0
			continue
		}
		if run > 0 && !sc.joined(i-1) {
			run = 0
		}
		run++
		if run >= 3 {
			return true
		}
	}
	return false
}
