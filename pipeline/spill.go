package pipeline

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
)

// spillStore holds per-patient state the run needs only now and then (the
// identifiers a subject is compiled from; the numbering between a
// patient's texts) on disk instead of in memory, so that memory grows by
// tens rather than hundreds of bytes a patient. The file is unlinked as
// soon as it is created, so nothing of it outlives the process, crash or
// not, and every entry is sealed with AES-256-GCM under a key made for the
// run and never written anywhere: the state holds identifiers, and the
// disk is not trusted to forget them.
//
// Writes come from one goroutine at a time (the patients phase, then the
// collector); reads may come from any worker.
type spillStore struct {
	f    *os.File
	aead cipher.AEAD
	mu   sync.Mutex // guards off
	off  int64
}

// spillRef locates an entry; the zero spillRef is "nothing stored".
type spillRef struct {
	off int64
	n   uint32
}

func openSpill(dir string) (*spillStore, error) {
	f, aead, err := openRunFile(dir, ".state-*.tmp")
	if err != nil {
		return nil, err
	}
	return &spillStore{f: f, aead: aead}, nil
}

// nonce is unique per entry: entries never share an offset.
func spillNonce(off int64) []byte {
	n := make([]byte, 12)
	binary.BigEndian.PutUint64(n[4:], uint64(off))
	return n
}

// put stores b and returns where.
func (s *spillStore) put(b []byte) (spillRef, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sealed := s.aead.Seal(nil, spillNonce(s.off), b, nil)
	if _, err := s.f.WriteAt(sealed, s.off); err != nil {
		return spillRef{}, fmt.Errorf("state file: %w", err)
	}
	ref := spillRef{off: s.off, n: uint32(len(sealed))}
	s.off += int64(len(sealed))
	return ref, nil
}

var errSpillCorrupt = errors.New("state file: entry failed authentication")

// get returns what put stored at ref.
func (s *spillStore) get(ref spillRef) ([]byte, error) {
	buf := make([]byte, ref.n)
	if _, err := s.f.ReadAt(buf, ref.off); err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	b, err := s.aead.Open(buf[:0], spillNonce(ref.off), buf, nil)
	if err != nil {
		return nil, errSpillCorrupt
	}
	return b, nil
}

func (s *spillStore) Close() error { return s.f.Close() }
