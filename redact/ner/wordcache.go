package ner

// wordCache remembers, per distinct token, what tagging derives from the
// token alone: its tokInfo (lower-case hash, shape, capitalisation,
// lexicon flags, hyphen parts), the summed weights of its own features
// (wordFeatures, and caseFeatures for the last sentence start and case
// mode it was seen with) and of the features it gives its neighbours
// (roleFeatures). Text is Zipfian: most tokens are a few thousand words,
// and for those a lexicon probe and about thirty scattered weight reads
// become one read of a slot that stays in cache. Weights are integers, so
// a sum taken once and reused is exactly the sum taken each time: caching
// never changes a score.
//
// The cache is direct-mapped on a hash of the token's bytes and kind; a
// slot is only used when its bytes, kind and generation match, so a
// collision or an eviction costs a recomputation, never a wrong value. It
// belongs to one scratch (one tagging call at a time) and one Model.
type wordCache struct {
	slots []wordSlot // 1<<(32-shift) of them
	shift uint
	gen   uint32 // generation of the last fill; 0 is never a slot's
}

// newWordCache returns a cache of 1<<bits slots.
func newWordCache(bits uint) wordCache {
	return wordCache{slots: make([]wordSlot, 1<<bits), shift: 32 - bits}
}

const (
	wordCacheBits = 12
	// maxCachedWord is the longest token cached, in bytes: longer ones
	// are rare and cost a slot each.
	maxCachedWord = 23
)

type wordSlot struct {
	gen  uint32 // 0: empty
	n    uint8  // token length in bytes
	kind uint8
	// caseKey is 1 + the (sentence start, case mode) that cas was summed
	// for, 0 when cas holds nothing; wordOK and roleOK report word and
	// role.
	caseKey uint8
	wordOK  bool
	roleOK  bool
	raw     [maxCachedWord]byte
	info    tokInfo      // low, sentStart, slot and gen cleared
	word    [nTags]int32 // wordFeatures
	cas     [nTags]int32 // caseFeatures
	role    [nRoles][nTags]int32
}

// slotOf returns the index of the slot for token bytes w of kind k.
func (c *wordCache) slotOf(w string, k uint8) uint32 {
	h := uint32(2166136261) ^ uint32(k)
	for i := 0; i < len(w); i++ {
		h ^= uint32(w[i])
		h *= 16777619
	}
	return (h * 0x9e3779b1) >> c.shift
}

// lookup returns the slot holding w of kind k, or nil.
func (c *wordCache) lookup(w string, k uint8) (*wordSlot, uint32) {
	if len(w) > maxCachedWord {
		return nil, 0
	}
	i := c.slotOf(w, k)
	sl := &c.slots[i]
	if sl.gen != 0 && sl.kind == k && int(sl.n) == len(w) && string(sl.raw[:sl.n]) == w {
		return sl, i
	}
	return nil, i
}

// fill stores in as w's slot i and returns the slot's new generation.
func (c *wordCache) fill(i uint32, w string, k uint8, in *tokInfo) uint32 {
	c.gen++
	if c.gen == 0 {
		c.gen = 1
	}
	sl := &c.slots[i]
	sl.gen, sl.n, sl.kind, sl.caseKey, sl.wordOK, sl.roleOK = c.gen, uint8(len(w)), k, 0, false, false
	copy(sl.raw[:], w)
	sl.info = *in
	sl.info.low, sl.info.sentStart, sl.info.slot, sl.info.gen = [2]int32{}, false, 0, 0
	return c.gen
}

// slotFor returns the slot token in still describes, or nil.
func (c *wordCache) slotFor(in *tokInfo) *wordSlot {
	if in.slot == 0 {
		return nil
	}
	sl := &c.slots[in.slot-1]
	if sl.gen != in.gen {
		return nil
	}
	return sl
}

// pairCache holds, per adjacent pair of tokens, the summed weights of the
// features the pair gives (pairFeatures): a pair's features read only the
// two word hashes and flags, which are the slot's key, so a slot whose key
// matches holds exactly the sums a recomputation would give. Frequent
// pairs ("i think", "at the") are most of a text's pairs, and their
// features are otherwise scattered reads of the weight table.
type pairCache struct {
	slots []pairSlot
	shift uint
}

const pairCacheBits = 14

type pairSlot struct {
	a, b   uint64 // word hashes
	fa, fb uint16 // flags
	ok     bool
	sum    [nPairParts][nTags]int32
}

func newPairCache(bits uint) pairCache {
	return pairCache{slots: make([]pairSlot, 1<<bits), shift: 64 - bits}
}

// sums returns the pair (a, b)'s sums, from the cache or computed into
// it (into tmp when the cache is off).
func (m *Model) pairSums(s *scratch, a, b *tokInfo, tmp *pairSlot) *[nPairParts][nTags]int32 {
	var sl *pairSlot
	if s.pairs.slots != nil {
		h := mix(a.hw ^ (b.hw<<29 | b.hw>>35) ^ uint64(a.flags)<<7 ^ uint64(b.flags)<<41)
		sl = &s.pairs.slots[h>>s.pairs.shift]
		if sl.ok && sl.a == a.hw && sl.b == b.hw && sl.fa == a.flags && sl.fb == b.flags {
			return &sl.sum
		}
	} else {
		sl = tmp
	}
	sl.a, sl.b, sl.fa, sl.fb, sl.ok = a.hw, b.hw, a.flags, b.flags, true
	for p := range nPairParts {
		sl.sum[p] = [nTags]int32{}
		s.feats = pairFeatures(a, b, p, s.feats[:0])
		m.addWeights(&sl.sum[p], s.feats)
	}
	return &sl.sum
}

// phraseCache remembers recent lookups of multi-token lexicon prefixes by
// their hash. Words that start some entry ("new", "st", "north") are
// common, and most of their next words continue none; each such probe of
// the lexicon's large table would miss the processor's cache. The lookup
// is a function of the hash alone, so a slot whose key matches holds
// exactly what the table holds. Off (nil slots) it asks the table.
type phraseCache struct {
	slots []phraseSlot
	shift uint
}

const phraseCacheBits = 12

type phraseSlot struct {
	key uint64 // 0: empty
	val uint16
	ok  bool
}

func newPhraseCache(bits uint) phraseCache {
	return phraseCache{slots: make([]phraseSlot, 1<<bits), shift: 64 - bits}
}

// get returns lx.phrases.get(ph).
func (c *phraseCache) get(lx *lexicon, ph uint64) (uint16, bool) {
	if c.slots == nil || ph == 0 {
		return lx.phrases.get(ph)
	}
	sl := &c.slots[(ph*0x9e3779b97f4a7c15)>>c.shift]
	if sl.key == ph {
		return sl.val, sl.ok
	}
	v, ok := lx.phrases.get(ph)
	*sl = phraseSlot{key: ph, val: v, ok: ok}
	return v, ok
}
