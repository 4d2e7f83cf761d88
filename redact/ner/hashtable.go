package ner

// hashTable is a read-only map from 64-bit hashes to lexicon flags: open
// addressing with linear probing in one slice of key/value slots, a
// power-of-two size and at most three quarters full, which keeps probe runs
// short while the table stays no larger than a Go map of the same keys.
// Tagging looks up every word, and a lookup here usually touches one cache
// line where a Go map of this size touches several; the table is built
// once, at load, from the Go map that buildLexicon fills.
//
// Key 0 marks an empty slot, so a real key 0 is kept beside the slots.
type hashTable struct {
	slots   []hashSlot
	shift   uint // 64 - log2(len(slots))
	zero    uint16
	hasZero bool
}

type hashSlot struct {
	key uint64
	val uint16
}

// newHashTable copies m into a hashTable. The result does not depend on
// m's iteration order in what get returns, only in where keys sit.
func newHashTable(m map[uint64]uint16) *hashTable {
	bits := uint(4)
	for 3<<bits < 4*len(m) {
		bits++
	}
	t := &hashTable{slots: make([]hashSlot, 1<<bits), shift: 64 - bits}
	mask := uint64(len(t.slots) - 1)
	for k, v := range m {
		if k == 0 {
			t.zero, t.hasZero = v, true
			continue
		}
		i := t.home(k)
		for t.slots[i].key != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = hashSlot{k, v}
	}
	return t
}

// home is k's first slot: Fibonacci hashing takes the well-mixed top bits
// of the product, whatever the quality of k's own low bits.
func (t *hashTable) home(k uint64) uint64 { return (k * 0x9e3779b97f4a7c15) >> t.shift }

// get returns k's value and whether k is present.
func (t *hashTable) get(k uint64) (uint16, bool) {
	if k == 0 {
		return t.zero, t.hasZero
	}
	slots := t.slots
	mask := uint64(len(slots) - 1)
	for i := t.home(k); ; i = (i + 1) & mask {
		s := &slots[i&mask]
		if s.key == k {
			return s.val, true
		}
		if s.key == 0 {
			return 0, false
		}
	}
}
