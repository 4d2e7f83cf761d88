package ner

import (
	"math/rand/v2"
	"testing"
)

// TestHashTable: get agrees with the Go map the table was built from, for
// present keys, absent keys, key 0 (the empty-slot marker) and keys that
// share a home slot, at every size from empty to many probes.
func TestHashTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range []struct {
		name string
		keys []uint64
	}{
		{"empty", nil},
		{"zero only", []uint64{0}},
		{"zero and others", []uint64{0, 1, 2, 1 << 63}},
		// Multiples of 2^60 all have home slot 0 in a small table.
		{"same home", []uint64{1 << 60, 2 << 60, 3 << 60, 4 << 60, 5 << 60, 6 << 60, 7 << 60}},
		{"random", func() []uint64 {
			ks := make([]uint64, 5000)
			for i := range ks {
				ks[i] = rng.Uint64()
			}
			return ks
		}()},
	} {
		m := map[uint64]uint16{}
		for i, k := range tt.keys {
			m[k] = uint16(i) // includes value 0: present, no flags
		}
		h := newHashTable(m)
		if len(h.slots) < 2*len(m) {
			t.Errorf("%s: %d slots for %d keys: over half full", tt.name, len(h.slots), len(m))
		}
		for k, v := range m {
			if got, ok := h.get(k); !ok || got != v {
				t.Errorf("%s: get(%#x) = %d, %v, want %d, true", tt.name, k, got, ok, v)
			}
		}
		for _, k := range []uint64{0, 3, 8 << 60, rng.Uint64(), rng.Uint64()} {
			if _, in := m[k]; in {
				continue
			}
			if got, ok := h.get(k); ok {
				t.Errorf("%s: get(%#x) = %d, true for an absent key", tt.name, k, got)
			}
		}
	}
}
