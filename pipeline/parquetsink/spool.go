package parquetsink

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"io"
	"os"

	"github.com/nhs-talking-therapies/deid/internal/statefile"
)

// spoolFile holds a Parquet file while it is written: a file in the
// extract's private staging folder, unlinked as soon as it is created (so
// nothing of it outlives the process, killed or not) and sealed with
// AES-256-CTR under a key made for it that lives only in this process (so
// its pages never reach the disk readable). Parquet is written front to
// back and read back at offsets: the keystream at an offset is the counter
// block offset/16, so any range decrypts on its own.
type spoolFile struct {
	f     *os.File
	block cipher.Block
	size  int64 // bytes written
	buf   []byte
}

func newSpoolFile(dir string) (*spoolFile, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	f, err := statefile.CreateUnlinked(dir, ".spool-*.tmp")
	if err != nil {
		return nil, err
	}
	return &spoolFile{f: f, block: block}, nil
}

// spoolChunk bounds the buffer a write is sealed in.
const spoolChunk = 1 << 20

// Write seals p at the end of the file; p itself is left as it was.
func (s *spoolFile) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		c := min(len(p), spoolChunk)
		if cap(s.buf) < c {
			s.buf = make([]byte, c)
		}
		b := s.buf[:c]
		s.xor(b, p[:c], s.size)
		w, err := s.f.Write(b)
		s.size += int64(w)
		n += w
		if err != nil {
			return n, err
		}
		p = p[c:]
	}
	return n, nil
}

// ReadAt reads and opens the plaintext at off.
func (s *spoolFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= s.size {
		return 0, io.EOF
	}
	short := false
	if rem := s.size - off; int64(len(p)) > rem {
		p, short = p[:rem], true
	}
	n, err := s.f.ReadAt(p, off)
	s.xor(p[:n], p[:n], off)
	if err == nil && short {
		err = io.EOF
	}
	return n, err
}

// xor writes src XOR the keystream at file offset off to dst.
func (s *spoolFile) xor(dst, src []byte, off int64) {
	var iv [aes.BlockSize]byte
	binary.BigEndian.PutUint64(iv[8:], uint64(off/aes.BlockSize))
	ctr := cipher.NewCTR(s.block, iv[:])
	if skip := int(off % aes.BlockSize); skip > 0 {
		var pad [aes.BlockSize]byte
		ctr.XORKeyStream(pad[:skip], pad[:skip])
	}
	ctr.XORKeyStream(dst, src)
}

func (s *spoolFile) Close() error { return s.f.Close() }
