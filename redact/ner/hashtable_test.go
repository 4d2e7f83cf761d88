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
		// Seven keys whose home is the last of 16 slots: probing
		// must wrap around to the start.
		{"same home", sameHome(7, 4, 15)},
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
		if tt.name == "same home" && (len(h.slots) != 16 || h.home(tt.keys[0]) != 15 || h.home(tt.keys[6]) != 15) {
			t.Fatalf("same home: %d slots, homes %d, %d: the case no longer collides", len(h.slots), h.home(tt.keys[0]), h.home(tt.keys[6]))
		}
		if 4*len(m) > 3*len(h.slots) {
			t.Errorf("%s: %d slots for %d keys: over three quarters full", tt.name, len(h.slots), len(m))
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

// sameHome returns n keys whose home slot in a table of 2^bits slots is
// slot.
func sameHome(n int, bits uint, slot uint64) []uint64 {
	t := hashTable{shift: 64 - bits}
	var out []uint64
	for k := uint64(1); len(out) < n; k++ {
		if t.home(k) == slot {
			out = append(out, k)
		}
	}
	return out
}
