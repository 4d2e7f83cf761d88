package statefile

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
)

// Spill holds per-patient state the run needs only now and then (the
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
//
// Sealed entries are appended to a tail buffer and written out a
// spillFlush at a time rather than one write per entry (three a patient).
// An entry still in the tail is read from it.
type Spill struct {
	f       *os.File
	aead    cipher.AEAD
	mu      sync.Mutex // guards off, tail and flushed
	off     int64      // end of the entries stored
	flushed int64      // end of the entries written to f; the tail holds the rest
	tail    []byte
}

// spillFlush is the tail's size when it is written out.
const spillFlush = 1 << 20

// Ref locates an entry; the zero Ref is "nothing stored".
type Ref struct {
	off int64
	n   uint32
}

// AppendRef appends r's encoding (12 bytes) to b, for a record that keeps
// a reference to an entry.
func AppendRef(b []byte, r Ref) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(r.off))
	return binary.LittleEndian.AppendUint32(b, r.n)
}

// RefAt decodes the Ref that AppendRef encoded at the start of b.
func RefAt(b []byte) Ref {
	return Ref{off: int64(binary.LittleEndian.Uint64(b)), n: binary.LittleEndian.Uint32(b[8:])}
}

// Size is the end of the entries stored: the spill's size on disk once
// flushed.
func (s *Spill) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.off
}

func OpenSpill(dir string) (*Spill, error) {
	f, aead, err := openRunFile(dir, ".state-*.tmp")
	if err != nil {
		return nil, err
	}
	return &Spill{f: f, aead: aead, tail: make([]byte, 0, spillFlush)}, nil
}

// nonce is unique per entry: entries never share an offset.
func spillNonce(off int64) []byte {
	n := make([]byte, 12)
	binary.BigEndian.PutUint64(n[4:], uint64(off))
	return n
}

// put stores b and returns where.
func (s *Spill) Put(b []byte) (Ref, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.tail)
	s.tail = s.aead.Seal(s.tail, spillNonce(s.off), b, nil)
	ref := Ref{off: s.off, n: uint32(len(s.tail) - n)}
	s.off += int64(ref.n)
	if len(s.tail) >= spillFlush {
		if err := s.flushLocked(); err != nil {
			return Ref{}, err
		}
	}
	return ref, nil
}

func (s *Spill) flushLocked() error {
	if _, err := s.f.WriteAt(s.tail, s.flushed); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	s.flushed = s.off
	if cap(s.tail) > 4*spillFlush {
		s.tail = make([]byte, 0, spillFlush) // one huge entry is not kept
	}
	s.tail = s.tail[:0]
	return nil
}

var errSpillCorrupt = errors.New("state file: entry failed authentication")

// get returns what put stored at ref.
func (s *Spill) Get(ref Ref) ([]byte, error) {
	buf := make([]byte, ref.n)
	s.mu.Lock()
	inTail := ref.off >= s.flushed
	if inTail {
		copy(buf, s.tail[ref.off-s.flushed:])
	}
	s.mu.Unlock()
	// Written entries are never rewritten, so the file is read unlocked.
	if !inTail {
		if _, err := s.f.ReadAt(buf, ref.off); err != nil {
			return nil, fmt.Errorf("state file: %w", err)
		}
	}
	b, err := s.aead.Open(buf[:0], spillNonce(ref.off), buf, nil)
	if err != nil {
		return nil, errSpillCorrupt
	}
	return b, nil
}

func (s *Spill) Close() error { return s.f.Close() }
