package statefile

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"testing"
)

// TestDiskIndexAgainstMap runs random gets and puts against a map, with
// caches from one page (every access goes to disk) to all of them.
func TestDiskIndexAgainstMap(t *testing.T) {
	for _, tc := range []struct {
		name          string
		frames, vsize int
		ops           int
	}{
		{"one frame, set", 1, 0, 3000},
		{"two frames, session-sized values", 2, 24, 20000},
		{"small cache", 8, 4, 50000},
		{"large cache", 4096, 24, 50000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := OpenPageStore(t.TempDir(), tc.frames)
			if err != nil {
				t.Fatal(err)
			}
			defer ps.Close()
			idx, err := NewIndex(ps, tc.vsize)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, uint64(tc.frames)))
			model := map[Key][]byte{}
			var keys []Key
			got := make([]byte, tc.vsize)
			for i := 0; i < tc.ops; i++ {
				var k Key
				if len(keys) > 0 && rng.IntN(2) == 0 {
					k = keys[rng.IntN(len(keys))]
				} else {
					// Low bits shared across keys: buckets must tell them
					// apart by the whole key.
					k = Key{rng.Uint64() &^ 0xff, rng.Uint64() % 4}
				}
				if rng.IntN(3) == 0 {
					ok, err := idx.Get(k, got)
					if err != nil {
						t.Fatal(err)
					}
					want, has := model[k]
					if ok != has || has && !bytes.Equal(got, want) {
						t.Fatalf("op %d: get = %v %x, want %v %x", i, ok, got, has, want)
					}
					continue
				}
				v := make([]byte, tc.vsize)
				for j := range v {
					v[j] = byte(rng.Uint32())
				}
				existed, err := idx.Insert(k, v)
				if err != nil {
					t.Fatal(err)
				}
				if _, has := model[k]; has != existed {
					t.Fatalf("op %d: insert reports existed=%v, model %v", i, existed, has)
				} else if !has {
					keys = append(keys, k)
					model[k] = v
				}
			}
			if idx.n != len(model) {
				t.Fatalf("index holds %d entries, model %d", idx.n, len(model))
			}
			for k, want := range model {
				if ok, err := idx.Get(k, got); err != nil || !ok || !bytes.Equal(got, want) {
					t.Fatalf("final get: %v %v", ok, err)
				}
			}
			// Split pages are reused rather than leaked: the file stays
			// within a small factor of the entries' size.
			if min := (len(model)*idx.slot + pageSize - 1) / pageSize; int(ps.pages) > 3*min+4 {
				t.Errorf("%d pages for %d entries (%d at least)", ps.pages, len(model), min)
			}
		})
	}
}

func TestRecordArray(t *testing.T) {
	ps, err := OpenPageStore(t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	const size = 89 // pipeline's patient record: records that do not divide a page evenly
	a := NewRecordArray(ps, size)
	rec := make([]byte, size)
	for i := 0; i < 1000; i++ {
		binary.LittleEndian.PutUint64(rec, uint64(i))
		if n, err := a.Add(rec); err != nil || n != i {
			t.Fatalf("add %d: %d %v", i, n, err)
		}
	}
	for i := 999; i >= 0; i -= 3 {
		binary.LittleEndian.PutUint64(rec, uint64(i)*10)
		if err := a.Set(i, rec); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 1000; i++ {
		if err := a.Get(i, rec); err != nil {
			t.Fatal(err)
		}
		want := uint64(i)
		if (999-i)%3 == 0 {
			want *= 10
		}
		if got := binary.LittleEndian.Uint64(rec); got != want {
			t.Fatalf("record %d: %d, want %d", i, got, want)
		}
	}
}

// TestPageStoreSealed checks that pages on disk are sealed and that a
// tampered page is refused, never read as data.
func TestPageStoreSealed(t *testing.T) {
	dir := t.TempDir()
	ps, err := OpenPageStore(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("the state file is visible: %v", ents)
	}
	secret := []byte("Rebecca Smith WF9 0PJ")
	pn, p, err := ps.alloc()
	if err != nil {
		t.Fatal(err)
	}
	copy(p, secret)
	pn2, _, err := ps.alloc() // evicts and writes the first
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.page(pn2, true); err != nil {
		t.Fatal(err)
	}
	disk := make([]byte, DiskPage)
	if _, err := ps.f.ReadAt(disk, int64(pn)*DiskPage); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(disk, []byte("Rebecca")) {
		t.Fatal("plaintext on disk")
	}
	if p, err := ps.page(pn, false); err != nil || !bytes.HasPrefix(p, secret) {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := ps.page(pn2, false); err != nil { // evict the first again
		t.Fatal(err)
	}
	disk[pageNonce+3] ^= 1
	if _, err := ps.f.WriteAt(disk, int64(pn)*DiskPage); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.page(pn, false); err != errPageCorrupt {
		t.Fatalf("tampered page: %v", err)
	}
}
