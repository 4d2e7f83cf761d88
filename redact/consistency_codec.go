package redact

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"
)

// A Consistency can be set aside and restored, so that a long run need
// not hold every patient's numbering in memory: the pipeline keeps the
// patients it is working on and stores the others (see pipeline/spill.go).
// A restored Consistency continues exactly where the original stopped, so
// outputs do not depend on when, or whether, it was set aside.

// Changed reports whether c has recorded anything since NewConsistency
// or ParseConsistency made it. One that has not needs no storing again:
// what was parsed is still what is stored, and a new one is empty.
func (c *Consistency) Changed() bool { return c.changed }

// AppendBinary appends c's state to b. The state holds normalised
// identifiers (surrogate memo keys) and the words Carry learned: store it
// as carefully as the text.
func (c *Consistency) AppendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(c.nums)))
	for _, e := range c.nums {
		b = binary.LittleEndian.AppendUint64(b, e)
	}
	for _, n := range c.next {
		b = binary.AppendUvarint(b, uint64(n))
	}
	b = binary.AppendVarint(b, int64(c.shift))
	if c.shifted {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(c.surr)))
	for _, k := range slices.Sorted(maps.Keys(c.surr)) {
		b = appendString(appendString(b, k), c.surr[k])
	}
	b = binary.AppendUvarint(b, uint64(len(c.taken)))
	for _, k := range slices.Sorted(maps.Keys(c.taken)) {
		b = appendString(b, k)
		if c.taken[k] {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(c.carried.words)))
	for _, k := range slices.Sorted(maps.Keys(c.carried.words)) {
		b = appendString(appendString(b, k), string(c.carried.words[k]))
	}
	return b
}

var errBadConsistency = errors.New("redact: malformed consistency state")

// ParseConsistency restores a Consistency written by AppendBinary for the
// same subject.
func ParseConsistency(subject string, b []byte) (*Consistency, error) {
	c := NewConsistency(subject)
	r := reader{b: b}
	n := r.uvarint()
	if n > uint64(len(b)/8) {
		return nil, errBadConsistency
	}
	c.nums = make([]uint64, n)
	for i := range c.nums {
		c.nums[i] = r.uint64()
	}
	for i := range c.next {
		c.next[i] = int32(r.uvarint())
	}
	c.shift = int(r.varint())
	c.shifted = r.byte() == 1
	if n = r.uvarint(); n > 0 && n <= uint64(len(b)) {
		c.surr = make(map[string]string, n)
		for i := uint64(0); i < n; i++ {
			k := r.string()
			c.surr[k] = r.string()
		}
	}
	if n = r.uvarint(); n > 0 && n <= uint64(len(b)) {
		c.taken = make(map[string]bool, n)
		for i := uint64(0); i < n; i++ {
			k := r.string()
			c.taken[k] = r.byte() == 1
		}
	}
	if n = r.uvarint(); n > 0 && n <= uint64(len(b)) {
		c.carried.words = make(map[string]Label, n)
		for i := uint64(0); i < n; i++ {
			k := r.string()
			switch l := Label(r.string()); l {
			case Person, Location:
				c.carried.words[k] = l
			default:
				r.bad = true // only names and places are carried
			}
		}
	}
	if r.bad || len(r.b) != 0 {
		return nil, errBadConsistency
	}
	return c, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// reader decodes AppendBinary's output; the first error sticks.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uint64() uint64 {
	if len(r.b) < 8 {
		r.bad, r.b = true, nil
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
