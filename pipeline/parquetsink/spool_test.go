package parquetsink

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// TestSpoolFile: what is written reads back at any offset, and the file
// never holds it in the clear.
func TestSpoolFile(t *testing.T) {
	s, err := newSpoolFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	var plain []byte
	for len(plain) < 3*spoolChunk {
		chunk := bytes.Repeat([]byte("patient text "), 1+rng.IntN(30000))
		in := bytes.Clone(chunk)
		if n, err := s.Write(chunk); err != nil || n != len(chunk) {
			t.Fatalf("write: %d, %v", n, err)
		}
		if !bytes.Equal(chunk, in) {
			t.Fatal("Write changed its argument")
		}
		plain = append(plain, chunk...)
	}
	if s.size != int64(len(plain)) {
		t.Fatalf("size %d, want %d", s.size, len(plain))
	}
	raw := make([]byte, len(plain))
	if _, err := s.f.ReadAt(raw, 0); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("patient text")) {
		t.Fatal("the spool holds plaintext")
	}
	for range 200 {
		off := rng.Int64N(int64(len(plain)))
		n := rng.IntN(70000)
		buf := make([]byte, n)
		got, err := s.ReadAt(buf, off)
		want := plain[off:min(off+int64(n), int64(len(plain)))]
		if got != len(want) || !bytes.Equal(buf[:got], want) {
			t.Fatalf("ReadAt(%d bytes at %d): %d bytes, differs", n, off, got)
		}
		if short := len(want) < n; short != (err == io.EOF) || !short && err != nil {
			t.Fatalf("ReadAt(%d bytes at %d): err %v", n, off, err)
		}
	}
	all, err := io.ReadAll(io.NewSectionReader(s, 0, s.size))
	if err != nil || !bytes.Equal(all, plain) {
		t.Fatalf("read back: %v", err)
	}
}
