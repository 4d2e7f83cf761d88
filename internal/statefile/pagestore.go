package statefile

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// The run's lookup tables (patients, sessions and messages by id; patient
// records by number) live in fixed-size pages of an unlinked, encrypted
// file, with a fixed number of them cached in memory. Memory therefore
// stays the same whether a snapshot holds ten thousand sessions or ten
// million: what grows is the file (docs/performance.md).

// pageSize is a page's plaintext size. On disk a page is preceded by its
// nonce and followed by its authentication tag.
const pageSize = 4096

const (
	pageNonce = 12
	pageTag   = 16
	DiskPage  = pageNonce + pageSize + pageTag
	// Cached pages: 16 MiB, whatever the input's size. Children are looked
	// up from the session before (a page already cached), so the cache
	// mostly serves the index walks of new ids, which are random; twice
	// the frames gained little and cost peak memory (docs/performance.md).
	PageFrames = 4096
)

// PageStore is a file of pages with a CLOCK cache in front. Page numbers
// are dense from zero; freed pages are reused. Each write of a page is
// sealed with AES-256-GCM under a key made for the run and never written
// anywhere, with a fresh nonce from a counter (so no nonce repeats however
// often a page is rewritten) and the page number as additional data (so a
// page cannot be swapped for another).
//
// A page returned by page or alloc is valid only until the next call of
// either: callers hold one page at a time. PageStore is not safe for
// concurrent use; stateDB serialises access.
type PageStore struct {
	f      *os.File
	aead   cipher.AEAD
	frames []byte // len(meta) frames of pageSize bytes, outside the Go heap
	unmap  func() error
	meta   []frameMeta      // per frame
	where  map[uint32]int32 // page → frame
	hand   int
	pages  uint32 // pages ever allocated
	free   []uint32
	nonce  uint64
	reads  int64  // pages read back from the file
	writes int64  // pages written to the file
	io     []byte // one on-disk page
}

type frameMeta struct {
	page             uint32
	used, ref, dirty bool
}

var errPageCorrupt = errors.New("state file: page failed authentication")

func OpenPageStore(dir string, frames int) (*PageStore, error) {
	f, aead, err := openRunFile(dir, ".index-*.tmp")
	if err != nil {
		return nil, err
	}
	mem, unmap, err := allocFrames(frames * pageSize)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("state file cache: %w", err)
	}
	return &PageStore{f: f, aead: aead, frames: mem, unmap: unmap, meta: make([]frameMeta, frames),
		where: make(map[uint32]int32, frames), io: make([]byte, DiskPage)}, nil
}

// openRunFile creates a state file in dir and unlinks it at once, so that
// nothing of it outlives the process, crash or not, and returns it with
// AES-256-GCM under a random key that lives only in this process.
func openRunFile(dir, pattern string) (*os.File, cipher.AEAD, error) {
	f, err := CreateUnlinked(dir, pattern)
	if err != nil {
		return nil, nil, fmt.Errorf("state file: %w", err)
	}
	aead, err := newRunAEAD()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, aead, nil
}

// CreateUnlinked creates a new file in dir and unlinks it at once: it lives
// as long as the process holds it open.
func CreateUnlinked(dir, pattern string) (*os.File, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func newRunAEAD() (cipher.AEAD, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Stats returns the pages allocated, and the pages read back from and
// written to the file, so far.
func (s *PageStore) Stats() (pages uint32, reads, writes int64) { return s.pages, s.reads, s.writes }

func (s *PageStore) frame(i int) []byte {
	return s.frames[i*pageSize : (i+1)*pageSize : (i+1)*pageSize]
}

// page returns page pn's bytes; write marks it to be written back.
func (s *PageStore) page(pn uint32, write bool) ([]byte, error) {
	if i, ok := s.where[pn]; ok {
		m := &s.meta[i]
		m.ref = true
		m.dirty = m.dirty || write
		return s.frame(int(i)), nil
	}
	i, err := s.victim()
	if err != nil {
		return nil, err
	}
	s.reads++
	if _, err := s.f.ReadAt(s.io, int64(pn)*DiskPage); err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	var aad [4]byte
	binary.LittleEndian.PutUint32(aad[:], pn)
	if _, err := s.aead.Open(s.frame(i)[:0], s.io[:pageNonce], s.io[pageNonce:], aad[:]); err != nil {
		return nil, errPageCorrupt
	}
	s.meta[i] = frameMeta{page: pn, used: true, ref: true, dirty: write}
	s.where[pn] = int32(i)
	return s.frame(i), nil
}

// alloc returns a new, zeroed page.
func (s *PageStore) alloc() (uint32, []byte, error) {
	i, err := s.victim()
	if err != nil {
		return 0, nil, err
	}
	var pn uint32
	if n := len(s.free); n > 0 {
		pn, s.free = s.free[n-1], s.free[:n-1]
	} else {
		if s.pages == 1<<32-1 {
			return 0, nil, errors.New("state file: too many pages")
		}
		pn = s.pages
		s.pages++
	}
	p := s.frame(i)
	clear(p)
	s.meta[i] = frameMeta{page: pn, used: true, ref: true, dirty: true}
	s.where[pn] = int32(i)
	return pn, p, nil
}

// release gives page pn back for reuse; its contents are forgotten.
func (s *PageStore) release(pn uint32) {
	if i, ok := s.where[pn]; ok {
		s.meta[i] = frameMeta{}
		delete(s.where, pn)
	}
	s.free = append(s.free, pn)
}

// victim frees a frame (second-chance CLOCK), writing its page back if it
// changed.
func (s *PageStore) victim() (int, error) {
	for {
		i := s.hand
		s.hand = (s.hand + 1) % len(s.meta)
		m := &s.meta[i]
		if !m.used {
			return i, nil
		}
		if m.ref {
			m.ref = false
			continue
		}
		if m.dirty {
			if err := s.writeBack(i); err != nil {
				return 0, err
			}
		}
		delete(s.where, m.page)
		*m = frameMeta{}
		return i, nil
	}
}

func (s *PageStore) writeBack(i int) error {
	pn := s.meta[i].page
	s.nonce++
	clear(s.io[:pageNonce])
	binary.LittleEndian.PutUint64(s.io, s.nonce)
	var aad [4]byte
	binary.LittleEndian.PutUint32(aad[:], pn)
	s.aead.Seal(s.io[:pageNonce], s.io[:pageNonce], s.frame(i), aad[:])
	s.writes++
	if _, err := s.f.WriteAt(s.io, int64(pn)*DiskPage); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	s.meta[i].dirty = false
	return nil
}

// Close releases the file and the cache; no page may be used after.
func (s *PageStore) Close() error {
	err := s.f.Close()
	if uerr := s.unmap(); err == nil {
		err = uerr
	}
	return err
}
