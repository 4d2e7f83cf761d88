package ner

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// Hashing. Every feature is a 64-bit hash of (template, values); the top
// bits pick a weight bucket. Word hashes are computed once per token and
// combined, so a feature costs a multiply-xorshift, not a string build.

const (
	fnvOffset = 0xcbf29ce484222325
	fnvPrime  = 0x100000001b3
)

func hashBytes(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// mix is the splitmix64 finaliser: a cheap, well-spread 64-bit mixer.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

func feat(tmpl, v uint64) uint64 { return mix(v ^ tmpl*0x9e3779b97f4a7c15) }

func feat2(tmpl, a, b uint64) uint64 { return mix(mix(a^tmpl*0x9e3779b97f4a7c15) + b) }

// lowerToken appends the normalised lower-case form of a token: letters
// lower-cased, the typographic apostrophe folded to ', digits to 0.
func lowerToken(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case '0' <= c && c <= '9':
				c = '0'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, 0xff) // never valid UTF-8, so cannot collide with text
		case r == '\u2019':
			dst = append(dst, '\'')
		case unicode.IsDigit(r):
			dst = append(dst, '0')
		default:
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}

// Capitalisation classes of a token.
const (
	capLower uint8 = iota // no upper-case letter
	capTitle              // upper-case first letter, rest lower
	capUpper              // all letters upper-case, more than one letter
	capMixed              // anything else with letters
	capNone               // no letters
	capEdge               // before the first / after the last token
)

// shapeOf returns a hash of the collapsed shape ("Xx", "x'x", "d-d") and
// the capitalisation class of s.
func shapeOf(s string) (uint64, uint8) {
	h := uint64(fnvOffset)
	var last byte
	upper, lower, first := 0, 0, true
	firstUpper := false
	for _, r := range s {
		var c byte
		switch {
		case unicode.IsUpper(r):
			c = 'X'
			upper++
			if first {
				firstUpper = true
			}
		case unicode.IsLetter(r):
			c = 'x'
			lower++
		case unicode.IsDigit(r):
			c = 'd'
		case r == '\'' || r == '\u2019':
			c = '\''
		case r == '-':
			c = '-'
		default:
			c = 'o'
		}
		first = false
		if c != last {
			h ^= uint64(c)
			h *= fnvPrime
			last = c
		}
	}
	switch {
	case upper == 0 && lower == 0:
		return h, capNone
	case upper == 0:
		return h, capLower
	case lower == 0 && upper > 1:
		return h, capUpper
	case firstUpper && upper == 1:
		return h, capTitle
	case lower == 0:
		return h, capTitle // single capital letter, e.g. the initial "J"
	default:
		return h, capMixed
	}
}

// Case modes of a whole text: how much a capital letter tells us.
const (
	caseMixed uint8 = iota // ordinary text
	caseLower              // no capitals at all
	caseTitle              // nearly every word capitalised (headlines, shouting)
)

// tokInfo is what the feature templates need from one token.
type tokInfo struct {
	hw    uint64 // hash of the normalised lower-case word
	shape uint64
	low   [2]int32 // the normalised word in scratch.lower
	flags uint16
	// For hyphenated words: the union of the parts' flags, whether every
	// part is an ordinary word, and hashes of the first and last parts,
	// so "and-and" (a stutter) and "mary-jane" (a name) read differently.
	partFlags uint16
	partDict  bool
	hyphen    bool
	partFirst uint64
	partLast  uint64
	capc      uint8
	kind      uint8
	sentStart bool
	// slot is 1 + the index of the token's wordCache slot (0: none) and
	// gen the slot's generation when it was filled or found.
	slot uint32
	gen  uint32
}

// Sentinel values for positions outside the text.
var edgeInfo = [2]tokInfo{
	{hw: 0x1b0f5e2d, shape: 0x1b0f5e2d, capc: capEdge, kind: 250},
	{hw: 0x2e0fe0d5, shape: 0x2e0fe0d5, capc: capEdge, kind: 251},
}

// scratch holds per-call buffers; pooled so that tagging allocates nothing
// in the steady state.
type scratch struct {
	toks  []token
	info  []tokInfo
	lower []byte
	feats []uint64
	emit  []float32
	back  []uint8
	tags  []uint8
	// words, pairs and phrases are the tagger's caches (Model.scratch
	// turns them on); roles holds each token's role sums and acc its
	// pair sums during emissions.
	words   wordCache
	pairs   pairCache
	phrases phraseCache
	roles   [][nRoles][nTags]int32
	acc     [][nTags]int32
}

// prepare tokenizes text and fills s.info, looking words and phrases up in
// the lexicon. It returns the text's case mode.
func (s *scratch) prepare(text string, lx *lexicon) uint8 {
	s.toks = tokenize(text, s.toks[:0])
	s.lower = s.lower[:0]
	if cap(s.info) < len(s.toks) {
		s.info = make([]tokInfo, len(s.toks), len(s.toks)+len(s.toks)/4)
	}
	s.info = s.info[:len(s.toks)]
	words, capped, anyPhrase := 0, 0, false
	cached := s.words.slots != nil
	for i, t := range s.toks {
		w := text[t.start:t.end]
		a := int32(len(s.lower))
		s.lower = lowerToken(s.lower, w)
		b := int32(len(s.lower))
		in := &s.info[i]
		var sl *wordSlot
		var si uint32
		if cached {
			sl, si = s.words.lookup(w, t.kind)
		}
		if sl != nil {
			*in = sl.info
			in.slot, in.gen = si+1, sl.gen
		} else {
			s.describe(in, w, t.kind, s.lower[a:b], lx)
			in.slot = 0
			if cached && len(w) <= maxCachedWord {
				in.gen = s.words.fill(si, w, t.kind, in)
				in.slot = si + 1
			}
		}
		in.low = [2]int32{a, b}
		in.sentStart = t.sentStart
		if t.kind == kindWord {
			words++
			if in.capc == capTitle || in.capc == capUpper {
				capped++
			}
			anyPhrase = anyPhrase || in.flags&flagPhraseStart != 0
		}
	}
	if anyPhrase {
		s.matchPhrases(lx)
	}
	switch {
	case capped == 0:
		return caseLower
	case words >= 4 && capped*10 >= words*8:
		return caseTitle
	default:
		return caseMixed
	}
}

// describe fills what in derives from the token alone: w is its text,
// low its normalised lower-case form.
func (s *scratch) describe(in *tokInfo, w string, kind uint8, low []byte, lx *lexicon) {
	in.hw = hashBytes(low)
	in.shape, in.capc = shapeOf(w)
	in.kind = kind
	in.flags = 0
	in.hyphen = false
	if kind == kindWord {
		in.flags, _ = lx.words.get(in.hw)
		if bytes.IndexByte(low, '-') >= 0 {
			s.hyphenParts(in, low, lx)
		}
	}
}

// hyphenParts fills the part features of a hyphenated word.
func (s *scratch) hyphenParts(in *tokInfo, w []byte, lx *lexicon) {
	in.hyphen = true
	in.partFlags = 0
	in.partDict = true
	first := true
	for len(w) > 0 {
		i := bytes.IndexByte(w, '-')
		part := w
		if i >= 0 {
			part, w = w[:i], w[i+1:]
		} else {
			w = nil
		}
		h := hashBytes(part)
		f, _ := lx.words.get(h)
		in.partFlags |= f &^ flagPhraseStart
		if f&(flagDict|flagCommon) == 0 {
			in.partDict = false
		}
		if first {
			in.partFirst = h
			first = false
		}
		in.partLast = h
	}
}

// matchPhrases marks tokens covered by multi-token lexicon entries
// (longest match first) with the entry's flags and flagInPhrase.
func (s *scratch) matchPhrases(lx *lexicon) {
	n := len(s.info)
	for i := 0; i < n; i++ {
		if s.info[i].flags&flagPhraseStart == 0 {
			continue
		}
		var best, bestLen = uint16(0), 0
		var ph uint64
		for j := i; j < n && j-i < lx.maxPhrase; j++ {
			ph = phraseStep(ph, s.info[j].hw)
			if j == i {
				continue
			}
			f, ok := s.phrases.get(lx, ph)
			if !ok {
				break // no entry starts with these tokens
			}
			if f != 0 {
				best, bestLen = f, j-i+1
			}
		}
		if bestLen > 0 {
			for j := i; j < i+bestLen; j++ {
				s.info[j].flags |= best | flagInPhrase
				s.info[j].slot = 0 // its flags are no longer the word's alone
			}
			i += bestLen - 1
		}
	}
}

// maxAffix is the longest prefix and suffix feature, in runes: four
// carries the endings that mark surnames of many languages (-ović, -ski,
// -sson, -escu).
const maxAffix = 4

// Feature templates.
const (
	tBias uint64 = iota + 1
	tW0
	tWm1
	tWp1
	tWm2
	tWp2
	tWm2m1
	tWm1W0
	tW0Wp1
	tPre
	tSuf
	tShape0
	tShapeM1S0
	tShapeS0P1
	tCap
	tFlags0
	tFlags0Cap
	tFlag
	tFlagsM1
	tFlagsP1
	tWm1Flags0
	tWm2m1Name
	tWp1Flags0
	tKinds
	tCaps3
	tLenCap
	tWordCase
	tPartFlags
	tPartFirst
	tPartLast
	tFlagCap
)

func (s *scratch) at(i int) *tokInfo {
	switch {
	case i < 0:
		return &edgeInfo[0]
	case i >= len(s.info):
		return &edgeInfo[1]
	}
	return &s.info[i]
}

// Feature roles of a neighbour: the templates that read one neighbouring
// token alone. They depend on that token only, so tagging can sum their
// weights once per distinct word (see wordCache).
const (
	roleM1 = iota // the token before
	roleP1        // the token after
	roleM2        // two before
	roleP2        // two after
	nRoles
)

// features appends the feature hashes of token i to out: the token's own
// features, its neighbours' role features, the features of each adjacent
// pair of tokens it belongs to, and the few that read three tokens'
// classes. The parts are also used apart by Model.emissions, which caches
// the first three per word or per pair; the sum of weights is the same
// either way.
func (s *scratch) features(i int, caseMode uint8, out []uint64) []uint64 {
	c, m1, m2, p1 := s.at(i), s.at(i-1), s.at(i-2), s.at(i+1)
	out = s.selfFeatures(c, caseMode, out)
	out = roleFeatures(m1, roleM1, out)
	out = roleFeatures(p1, roleP1, out)
	out = roleFeatures(m2, roleM2, out)
	out = roleFeatures(s.at(i+2), roleP2, out)
	out = pairFeatures(m1, c, pairSecond, out)
	out = pairFeatures(c, p1, pairFirst, out)
	out = pairFeatures(m2, m1, pairNext+nameBit(c), out)
	return s.localFeatures(i, caseMode, out)
}

// roleFeatures appends the features that token n contributes in role r.
func roleFeatures(n *tokInfo, r int, out []uint64) []uint64 {
	switch r {
	case roleM1:
		return append(out, feat(tWm1, n.hw), feat(tFlagsM1, uint64(n.flags)))
	case roleP1:
		return append(out, feat(tWp1, n.hw), feat(tFlagsP1, uint64(n.flags)))
	case roleM2:
		return append(out, feat(tWm2, n.hw))
	default:
		return append(out, feat(tWp2, n.hw))
	}
}

// What an adjacent pair of tokens (a, b) gives: features of a that read
// b, features of b that read a, and features of the token after b
// (pairNext, plus 1 when that token is on a name or place list).
const (
	pairFirst = iota
	pairSecond
	pairNext
	pairNextName
	nPairParts
)

func nameBit(c *tokInfo) int {
	if c.flags&nameFlags != 0 {
		return 1
	}
	return 0
}

// pairFeatures appends the features that the adjacent pair a, b gives
// in part p. They read only the two tokens' word hashes and flags.
func pairFeatures(a, b *tokInfo, p int, out []uint64) []uint64 {
	switch p {
	case pairFirst:
		return append(out, feat2(tW0Wp1, a.hw, b.hw), feat2(tWp1Flags0, b.hw, uint64(a.flags&^flagPhraseStart)))
	case pairSecond:
		return append(out, feat2(tWm1W0, a.hw, b.hw), feat2(tWm1Flags0, a.hw, uint64(b.flags&^flagPhraseStart)))
	}
	wm2m1 := feat2(tWm2m1, a.hw, b.hw)
	return append(out, wm2m1, feat2(tWm2m1Name, wm2m1, uint64(p-pairNext)))
}

// localFeatures appends the features of token i that combine the shapes,
// capitalisation classes and kinds of it and its neighbours: few distinct
// values, so their weights stay in the processor's cache.
func (s *scratch) localFeatures(i int, caseMode uint8, out []uint64) []uint64 {
	c, m1, p1 := s.at(i), s.at(i-1), s.at(i+1)
	cm := uint64(caseMode)
	return append(out,
		feat2(tShapeM1S0, m1.shape, c.shape),
		feat2(tShapeS0P1, c.shape, p1.shape),
		feat(tCaps3, uint64(m1.capc)|uint64(c.capc)<<8|uint64(p1.capc)<<16|cm<<24),
		feat(tKinds, uint64(c.kind)|uint64(m1.kind)<<8|uint64(p1.kind)<<16),
	)
}

// selfFeatures appends the features of token c that read c alone (with
// whether it starts a sentence and the text's case mode): those of the
// word (wordFeatures) and those of its position and case (caseFeatures).
func (s *scratch) selfFeatures(c *tokInfo, caseMode uint8, out []uint64) []uint64 {
	out = s.wordFeatures(c, out)
	return caseFeatures(c, caseMode, out)
}

// caseFeatures appends the features of token c that read its
// capitalisation with whether it starts a sentence and the text's case
// mode.
func caseFeatures(c *tokInfo, caseMode uint8, out []uint64) []uint64 {
	cm := uint64(caseMode)
	ss := uint64(0)
	if c.sentStart {
		ss = 1
	}
	out = append(out,
		feat(tCap, uint64(c.capc)|ss<<8|cm<<16),
		feat(tFlags0Cap, uint64(c.flags)|uint64(c.capc)<<16|ss<<24|cm<<32),
		feat2(tWordCase, c.hw, uint64(c.capc)|cm<<8),
	)
	for f := c.flags; f != 0; f &= f - 1 {
		// Each list's evidence in the token's own capitalisation: a
		// capitalised mid-sentence census surname is telling, a
		// lower-case one much less so.
		out = append(out, feat(tFlagCap, uint64(f&-f)|uint64(c.capc)<<16|ss<<24|cm<<32))
	}
	return out
}

// wordFeatures appends the features of token c that read its word alone.
func (s *scratch) wordFeatures(c *tokInfo, out []uint64) []uint64 {
	out = append(out,
		feat(tBias, 0),
		feat(tW0, c.hw),
		feat(tShape0, c.shape),
		feat(tFlags0, uint64(c.flags)),
	)
	for f := c.flags; f != 0; f &= f - 1 {
		out = append(out, feat(tFlag, uint64(f&-f)))
	}
	if c.hyphen {
		d := uint64(0)
		if c.partDict {
			d = 1
		}
		out = append(out,
			feat(tPartFlags, uint64(c.partFlags)|d<<16|uint64(c.capc)<<20),
			feat(tPartFirst, c.partFirst),
			feat(tPartLast, c.partLast),
		)
		if c.partFirst == c.partLast {
			out = append(out, feat(tPartFirst, 1)) // repeated part: a stutter
		}
	}
	// Affixes by rune, from the normalised word.
	w := s.lower[c.low[0]:c.low[1]]
	if c.kind == kindWord || c.kind == kindMention || c.kind == kindHashtag {
		runes := 0
		h := uint64(fnvOffset)
		for j := 0; j < len(w) && runes < maxAffix; {
			_, n := utf8.DecodeRune(w[j:])
			for k := 0; k < n; k++ {
				h ^= uint64(w[j+k])
				h *= fnvPrime
			}
			j += n
			runes++
			out = append(out, feat(tPre, h^uint64(runes)))
		}
		runes = 0
		h = fnvOffset
		for j := len(w); j > 0 && runes < maxAffix; {
			_, n := utf8.DecodeLastRune(w[:j])
			j -= n
			for k := 0; k < n; k++ {
				h ^= uint64(w[j+k])
				h *= fnvPrime
			}
			runes++
			out = append(out, feat(tSuf, h^uint64(runes)))
		}
		l := utf8.RuneCount(w)
		out = append(out, feat(tLenCap, uint64(min(l, 8))|uint64(c.capc)<<8))
	}
	return out
}
