package statefile

import (
	"bytes"
	"os"
	"testing"
)

// flush writes the tail out now, so a test can look at the file.
func (s *Spill) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flushLocked()
}

func TestSpillStore(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSpill(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("the state file is visible: %v", ents)
	}
	values := [][]byte{[]byte("Rebecca Smith"), {}, bytes.Repeat([]byte("x"), 70000), []byte("WF9 0PJ")}
	refs := make([]Ref, len(values))
	for i, v := range values {
		if refs[i], err = s.Put(v); err != nil {
			t.Fatal(err)
		}
	}
	// Read back from the tail buffer, then from the file.
	for _, where := range []string{"tail", "file"} {
		if where == "file" {
			if err := s.flush(); err != nil {
				t.Fatal(err)
			}
		}
		for i := len(values) - 1; i >= 0; i-- {
			got, err := s.Get(refs[i])
			if err != nil || !bytes.Equal(got, values[i]) {
				t.Fatalf("entry %d from the %s: %v, round trip failed", i, where, err)
			}
		}
	}
	// Sealed on disk: no plaintext, and tampering is detected.
	disk := make([]byte, s.off)
	if _, err := s.f.ReadAt(disk, 0); err != nil {
		t.Fatal(err)
	}
	// Whole values only: a short probe such as "WF9" turns up by chance
	// in 70 KB of random ciphertext about once in 240 runs (70,000
	// positions × 2^-24).
	for i, v := range values {
		if probe := v[:min(len(v), 16)]; len(probe) >= 7 && bytes.Contains(disk, probe) {
			t.Fatalf("entry %d: plaintext on disk", i)
		}
	}
	if _, err := s.f.WriteAt([]byte{disk[refs[0].off] ^ 1}, refs[0].off); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(refs[0]); err != errSpillCorrupt {
		t.Fatalf("tampered entry: %v", err)
	}
}

// Entries written out by a full tail and entries still in it read back
// alike, whatever their order.
func TestSpillStoreFlushes(t *testing.T) {
	s, err := OpenSpill(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var refs []Ref
	var values [][]byte
	for i := 0; i < 3000; i++ {
		v := bytes.Repeat([]byte{byte(i)}, 1+i%2000)
		ref, err := s.Put(v)
		if err != nil {
			t.Fatal(err)
		}
		refs, values = append(refs, ref), append(values, v)
	}
	if s.flushed == 0 || s.flushed == s.off {
		t.Fatalf("want entries both written out and in the tail: %d of %d written", s.flushed, s.off)
	}
	for _, i := range []int{0, 1, 1500, 2998, 2999, 700} {
		got, err := s.Get(refs[i])
		if err != nil || !bytes.Equal(got, values[i]) {
			t.Fatalf("entry %d: %v, round trip failed", i, err)
		}
	}
}
