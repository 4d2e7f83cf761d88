package ner

import (
	"math"
	"strings"
	"sync"
	"unicode/utf8"
)

// BIO tags.
const (
	tagO uint8 = iota
	tagBPer
	tagIPer
	tagBLoc
	tagILoc
	nTags = 5
)

var tagLabel = [nTags]string{"", Person, Person, Location, Location}

// allowed reports whether tag cur may follow tag prev (prev == nTags means
// the start of the text): an I- tag only continues its own entity.
func allowed(prev, cur uint8) bool {
	switch cur {
	case tagIPer:
		return prev == tagBPer || prev == tagIPer
	case tagILoc:
		return prev == tagBLoc || prev == tagILoc
	}
	return true
}

// taggable reports whether a token of this kind can be part of a name.
// Punctuation, symbols and URLs are always outside: skipping them keeps
// spans tight and saves a third of the feature work.
func taggable(kind uint8) bool {
	return kind == kindWord || kind == kindNum || kind == kindClitic || kind == kindMention || kind == kindHashtag
}

const negInf = float32(-1e30)

// Model is a trained tagger. It is immutable once built and safe for
// concurrent use.
type Model struct {
	bits  uint
	w     []int16 // (1<<bits) buckets × nTags, bucket-major
	scale float32 // weight = w × scale
	trans [nTags + 1][nTags]float32
	// oBias is subtracted from the O score of every taggable token: the
	// recall/precision operating point, tuned on held-out training data.
	oBias float32
	// Platt scaling of the mean per-token margin into a 0..1 score.
	plattA, plattB float32

	packed packedLexicon // the lexicon as saved
	lex    *lexicon

	pool sync.Pool // *scratch
}

func (m *Model) scratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	s := &scratch{}
	s.words = newWordCache(wordCacheBits)
	s.pairs = newPairCache(pairCacheBits)
	s.phrases = newPhraseCache(phraseCacheBits)
	return s
}

// emissions fills s.emit with the per-token tag scores: for each token,
// the summed weights of its own features, of its neighbours' role
// features, of the features of the adjacent pairs it is in and of the few
// reading three tokens' classes (scratch.features). The first two come
// from the word cache when the token has a slot, the pairs' from the pair
// cache.
func (m *Model) emissions(s *scratch, caseMode uint8) {
	n := len(s.info)
	s.emit = grow(s.emit, n*nTags)
	if cap(s.roles) < n {
		s.roles = make([][nRoles][nTags]int32, n, n+n/4)
	}
	s.roles = s.roles[:n]
	for j := range n {
		m.roleSums(s, j, &s.roles[j])
	}
	var edge [2][nRoles][nTags]int32
	m.roleSumsOf(&edgeInfo[0], &edge[0], s)
	m.roleSumsOf(&edgeInfo[1], &edge[1], s)
	role := func(j, r int) *[nTags]int32 {
		switch {
		case j < 0:
			return &edge[0][r]
		case j >= n:
			return &edge[1][r]
		}
		return &s.roles[j][r]
	}
	// Pair sums, pair by pair: (j, j+1) for j from -2 (two edges) to n-1
	// (the last token and the edge) gives token j its pairFirst part,
	// token j+1 its pairSecond part and token j+2 its pairNext part.
	if cap(s.acc) < n {
		s.acc = make([][nTags]int32, n, n+n/4)
	}
	s.acc = s.acc[:n]
	clear(s.acc)
	var tmp pairSlot
	for j := -2; j < n; j++ {
		ps := m.pairSums(s, s.at(j), s.at(j+1), &tmp)
		if j >= 0 {
			addSum(&s.acc[j], &ps[pairFirst])
		}
		if j+1 >= 0 && j+1 < n {
			addSum(&s.acc[j+1], &ps[pairSecond])
		}
		if j+2 >= 0 && j+2 < n {
			addSum(&s.acc[j+2], &ps[pairNext+nameBit(&s.info[j+2])])
		}
	}
	for i := 0; i < n; i++ {
		e := s.emit[i*nTags : i*nTags+nTags : i*nTags+nTags]
		if !taggable(s.info[i].kind) {
			e[0], e[1], e[2], e[3], e[4] = 0, negInf, negInf, negInf, negInf
			continue
		}
		a := m.selfSums(s, i, caseMode)
		addSum(&a, role(i-1, roleM1))
		addSum(&a, role(i+1, roleP1))
		addSum(&a, role(i-2, roleM2))
		addSum(&a, role(i+2, roleP2))
		addSum(&a, &s.acc[i])
		s.feats = s.localFeatures(i, caseMode, s.feats[:0])
		m.addWeights(&a, s.feats)
		// The explicit float32 conversion forbids fusing into a
		// multiply-add, so scores are identical on every architecture.
		sc := m.scale
		e[0], e[1], e[2], e[3], e[4] = float32(float32(a[0])*sc)-m.oBias, float32(a[1])*sc, float32(a[2])*sc, float32(a[3])*sc, float32(a[4])*sc
	}
}

func addSum(a, b *[nTags]int32) {
	a[0] += b[0]
	a[1] += b[1]
	a[2] += b[2]
	a[3] += b[3]
	a[4] += b[4]
}

// addWeights adds the weights of features feats to a.
func (m *Model) addWeights(a *[nTags]int32, feats []uint64) {
	shift := 64 - m.bits
	w := m.w
	a0, a1, a2, a3, a4 := a[0], a[1], a[2], a[3], a[4]
	for _, f := range feats {
		b := int(f>>shift) * nTags
		ww := w[b : b+nTags : b+nTags]
		a0 += int32(ww[0])
		a1 += int32(ww[1])
		a2 += int32(ww[2])
		a3 += int32(ww[3])
		a4 += int32(ww[4])
	}
	*a = [nTags]int32{a0, a1, a2, a3, a4}
}

// selfSums returns the summed weights of token i's own features, from its
// cache slot when it has one: the word's part always, the case part when
// the slot last held it for the same sentence start and case mode.
func (m *Model) selfSums(s *scratch, i int, caseMode uint8) [nTags]int32 {
	in := &s.info[i]
	key := 1 + caseMode
	if in.sentStart {
		key += 3
	}
	sl := s.words.slotFor(in)
	if sl == nil {
		var a [nTags]int32
		s.feats = s.selfFeatures(in, caseMode, s.feats[:0])
		m.addWeights(&a, s.feats)
		return a
	}
	if !sl.wordOK {
		sl.word = [nTags]int32{}
		s.feats = s.wordFeatures(in, s.feats[:0])
		m.addWeights(&sl.word, s.feats)
		sl.wordOK = true
	}
	if sl.caseKey != key {
		sl.cas = [nTags]int32{}
		s.feats = caseFeatures(in, caseMode, s.feats[:0])
		m.addWeights(&sl.cas, s.feats)
		sl.caseKey = key
	}
	a := sl.word
	addSum(&a, &sl.cas)
	return a
}

// roleSums fills dst with the summed weights of the features token j
// gives its neighbours, by role, from its cache slot when it has one.
func (m *Model) roleSums(s *scratch, j int, dst *[nRoles][nTags]int32) {
	in := &s.info[j]
	sl := s.words.slotFor(in)
	if sl != nil && sl.roleOK {
		*dst = sl.role
		return
	}
	m.roleSumsOf(in, dst, s)
	if sl != nil {
		sl.role, sl.roleOK = *dst, true
	}
}

func (m *Model) roleSumsOf(in *tokInfo, dst *[nRoles][nTags]int32, s *scratch) {
	for r := range nRoles {
		dst[r] = [nTags]int32{}
		s.feats = roleFeatures(in, r, s.feats[:0])
		m.addWeights(&dst[r], s.feats)
	}
}

// viterbi decodes the best tag sequence from s.emit into s.tags.
func viterbi(s *scratch, trans *[nTags + 1][nTags]float32) {
	n := len(s.info)
	s.back = growU8(s.back, n*nTags)
	s.tags = growU8(s.tags, n)
	var cur [nTags]float32
	for t := uint8(0); t < nTags; t++ {
		cur[t] = negInf
		if allowed(nTags, t) {
			cur[t] = trans[nTags][t] + s.emit[t]
		}
	}
	tr := *trans
	c0, c1, c2, c3, c4 := cur[0], cur[1], cur[2], cur[3], cur[4]
	for i := 1; i < n; i++ {
		e := s.emit[i*nTags : i*nTags+nTags : i*nTags+nTags]
		bk := s.back[i*nTags : i*nTags+nTags : i*nTags+nTags]
		// Each tag tries the predecessors that allowed permits, in tag
		// order, as a loop over all tags would, so ties break alike.
		n0, a0 := relax(negInf*2, 0, c0+tr[0][tagO], 0)
		n0, a0 = relax(n0, a0, c1+tr[1][tagO], 1)
		n0, a0 = relax(n0, a0, c2+tr[2][tagO], 2)
		n0, a0 = relax(n0, a0, c3+tr[3][tagO], 3)
		n0, a0 = relax(n0, a0, c4+tr[4][tagO], 4)
		n1, a1 := relax(negInf*2, 0, c0+tr[0][tagBPer], 0)
		n1, a1 = relax(n1, a1, c1+tr[1][tagBPer], 1)
		n1, a1 = relax(n1, a1, c2+tr[2][tagBPer], 2)
		n1, a1 = relax(n1, a1, c3+tr[3][tagBPer], 3)
		n1, a1 = relax(n1, a1, c4+tr[4][tagBPer], 4)
		n3, a3 := relax(negInf*2, 0, c0+tr[0][tagBLoc], 0)
		n3, a3 = relax(n3, a3, c1+tr[1][tagBLoc], 1)
		n3, a3 = relax(n3, a3, c2+tr[2][tagBLoc], 2)
		n3, a3 = relax(n3, a3, c3+tr[3][tagBLoc], 3)
		n3, a3 = relax(n3, a3, c4+tr[4][tagBLoc], 4)
		n2, a2 := relax(negInf*2, 0, c1+tr[tagBPer][tagIPer], tagBPer)
		n2, a2 = relax(n2, a2, c2+tr[tagIPer][tagIPer], tagIPer)
		n4, a4 := relax(negInf*2, 0, c3+tr[tagBLoc][tagILoc], tagBLoc)
		n4, a4 = relax(n4, a4, c4+tr[tagILoc][tagILoc], tagILoc)
		c0, c1, c2, c3, c4 = n0+e[0], n1+e[1], n2+e[2], n3+e[3], n4+e[4]
		bk[0], bk[1], bk[2], bk[3], bk[4] = a0, a1, a2, a3, a4
	}
	cur = [nTags]float32{c0, c1, c2, c3, c4}
	best, arg := cur[0], uint8(0)
	for t := uint8(1); t < nTags; t++ {
		if cur[t] > best {
			best, arg = cur[t], t
		}
	}
	for i := n - 1; i >= 0; i-- {
		s.tags[i] = arg
		arg = s.back[i*nTags+int(arg)]
	}
}

// relax returns (v, p) if v beats best, else (best, arg).
func relax(best float32, arg uint8, v float32, p uint8) (float32, uint8) {
	if v > best {
		return v, p
	}
	return best, arg
}

// tag runs the tagger over text, leaving tokens, emissions and tags in s.
func (m *Model) tag(text string, s *scratch) {
	caseMode := s.prepare(text, m.lex)
	if len(s.info) == 0 {
		s.tags = s.tags[:0]
		return
	}
	m.emissions(s, caseMode)
	viterbi(s, &m.trans)
}

// maxChunk bounds the text tagged in one pass, and so the size of the
// pooled buffers: a longer text is cut at a line break, a sentence end or
// a space (in that order of preference) in the second half of the chunk.
const maxChunk = 64 << 10

// Entities appends the PERSON and LOCATION entities found in text to dst,
// in text order, and returns it. Invalid UTF-8 is tolerated.
func (m *Model) Entities(text string, dst []Entity) []Entity {
	if m == nil || m.lex == nil || len(m.w) == 0 || text == "" {
		return dst // a zero Model knows no names
	}
	s := m.scratch()
	defer m.pool.Put(s)
	for off := 0; off < len(text); {
		end := chunkEnd(text, off)
		m.tag(text[off:end], s)
		dst = m.appendEntities(s, dst, off)
		off = end
	}
	return dst
}

// chunkEnd returns where the chunk starting at off ends.
func chunkEnd(text string, off int) int {
	if len(text)-off <= maxChunk {
		return len(text)
	}
	lo, hi := off+maxChunk/2, off+maxChunk
	win := text[lo:hi]
	if i := strings.LastIndexByte(win, '\n'); i >= 0 {
		return lo + i + 1
	}
	for _, sep := range []string{". ", "! ", "? "} {
		if i := strings.LastIndex(win, sep); i >= 0 {
			return lo + i + len(sep)
		}
	}
	if i := strings.LastIndexByte(win, ' '); i >= 0 {
		return lo + i + 1
	}
	for hi > lo && !utf8.RuneStart(text[hi]) {
		hi--
	}
	return hi
}

// appendEntities turns the BIO tags in s into entities with scores, their
// offsets shifted by off.
func (m *Model) appendEntities(s *scratch, dst []Entity, off int) []Entity {
	n := len(s.tags)
	for i := 0; i < n; {
		t := s.tags[i]
		if t != tagBPer && t != tagBLoc {
			i++
			continue
		}
		j := i + 1
		for j < n && s.tags[j] == t+1 {
			j++
		}
		// A title stays when the name goes: "Dr Patel" yields "Patel",
		// and a title on its own is not a name.
		k := i
		for k < j && s.info[k].flags&flagTitle != 0 {
			k++
		}
		if k == j || allStutter(s, k, j) {
			i = j
			continue
		}
		i = k
		dst = append(dst, Entity{
			Start: off + int(s.toks[i].start),
			End:   off + int(s.toks[j-1].end),
			Label: tagLabel[t],
			Score: m.score(s, i, j),
		})
		i = j
	}
	return dst
}

// allStutter reports whether tokens i..j-1 are all repetitions of one
// ordinary word joined by hyphens ("i-i", "and-and"): a speaker's stutter,
// never a name, however name-like its position. Reduplicated place names
// ("Baden-Baden") are not ordinary words and stay.
func allStutter(s *scratch, i, j int) bool {
	for k := i; k < j; k++ {
		in := &s.info[k]
		if !in.hyphen || !in.partDict || in.partFirst != in.partLast {
			return false
		}
	}
	return true
}

// margin is the mean, over the entity's tokens, of how much the chosen tag
// beats O locally (emission plus incoming transition).
func (m *Model) margin(s *scratch, i, j int) float32 {
	var sum float32
	for k := i; k < j; k++ {
		prev := uint8(nTags)
		if k > 0 {
			prev = s.tags[k-1]
		}
		t := s.tags[k]
		e := s.emit[k*nTags : k*nTags+nTags]
		sum += e[t] + m.trans[prev][t] - e[tagO] - m.trans[prev][tagO]
	}
	return sum / float32(j-i)
}

func (m *Model) score(s *scratch, i, j int) float64 {
	z := float64(float32(m.plattA*m.margin(s, i, j)) + m.plattB) // no fused multiply-add
	p := 1 / (1 + math.Exp(-z))
	return math.Round(p*1e4) / 1e4 // stable across platforms' last-bit differences
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n, n+n/4)
	}
	return b[:n]
}

func growU8(b []uint8, n int) []uint8 {
	if cap(b) < n {
		return make([]uint8, n, n+n/4)
	}
	return b[:n]
}
