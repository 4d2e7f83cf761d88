package ner

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// File format: the magic, then one gzip stream holding little-endian
// varints and float32s:
//
//	version, bits, scale, oBias, plattA, plattB, transitions ((nTags+1)×nTags),
//	lexicon entry count, entries (length, bytes, flags) sorted by text,
//	non-zero bucket count, buckets (index delta, nTags zig-zag weights).
//
// Weights are int16 at rest and in memory, so a saved and reloaded model
// tags exactly as the one that was saved.
const (
	magic         = "DEIDNER\x01"
	formatVersion = 1
	minBits       = 10
	maxBits       = 24
	maxEntryLen   = 256
)

// ErrFormat reports a model file that is not one this package wrote.
var ErrFormat = errors.New("ner: not a valid model file")

// Save writes the model. The output is deterministic.
func (m *Model) Save(w io.Writer) error {
	if _, err := io.WriteString(w, magic); err != nil {
		return fmt.Errorf("ner: save: %w", err)
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("ner: save: %w", err)
	}
	bw := bufio.NewWriter(zw)
	var tmp [binary.MaxVarintLen64]byte
	uv := func(v uint64) { bw.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	sv := func(v int64) { bw.Write(tmp[:binary.PutVarint(tmp[:], v)]) }
	f32 := func(f float32) { binary.LittleEndian.PutUint32(tmp[:4], math.Float32bits(f)); bw.Write(tmp[:4]) }
	uv(formatVersion)
	uv(uint64(m.bits))
	f32(m.scale)
	f32(m.oBias)
	f32(m.plattA)
	f32(m.plattB)
	for p := range m.trans {
		for t := range m.trans[p] {
			f32(m.trans[p][t])
		}
	}
	uv(uint64(m.packed.n))
	bw.WriteString(m.packed.data)
	nz := 0
	for b := 0; b < len(m.w); b += nTags {
		if nonzero(m.w[b : b+nTags]) {
			nz++
		}
	}
	uv(uint64(nz))
	last := 0
	for b := 0; b < len(m.w); b += nTags {
		ws := m.w[b : b+nTags]
		if !nonzero(ws) {
			continue
		}
		uv(uint64(b/nTags - last))
		last = b / nTags
		for _, x := range ws {
			sv(int64(x))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ner: save: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("ner: save: %w", err)
	}
	return nil
}

func nonzero(ws []int16) bool {
	for _, x := range ws {
		if x != 0 {
			return true
		}
	}
	return false
}

// Load reads a model written by Save. A truncated, corrupt or foreign file
// is an error wrapping ErrFormat (or the read error).
func Load(r io.Reader) (*Model, error) {
	var hdr [len(magic)]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("ner: load: %w: %w", ErrFormat, err)
	}
	if string(hdr[:]) != magic {
		return nil, fmt.Errorf("ner: load: %w: bad magic", ErrFormat)
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("ner: load: %w: %w", ErrFormat, err)
	}
	br := bufio.NewReader(zr)
	m, err := decode(br)
	if err != nil {
		return nil, fmt.Errorf("ner: load: %w", err)
	}
	// Reading to EOF makes gzip verify its checksum.
	if n, err := io.Copy(io.Discard, br); err != nil || n != 0 {
		return nil, fmt.Errorf("ner: load: %w: trailing data or bad checksum", ErrFormat)
	}
	m.lex = buildLexicon(m.packed.n, m.packed.all())
	return m, nil
}

func decode(br *bufio.Reader) (*Model, error) {
	bad := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrFormat, what, err)
		}
		return fmt.Errorf("%w: %s", ErrFormat, what)
	}
	var tmp [4]byte
	f32 := func() (float32, error) {
		if _, err := io.ReadFull(br, tmp[:]); err != nil {
			return 0, err
		}
		f := math.Float32frombits(binary.LittleEndian.Uint32(tmp[:]))
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return 0, errors.New("non-finite number")
		}
		return f, nil
	}
	v, err := binary.ReadUvarint(br)
	if err != nil || v != formatVersion {
		return nil, bad("version", err)
	}
	bits, err := binary.ReadUvarint(br)
	if err != nil || bits < minBits || bits > maxBits {
		return nil, bad("bits", err)
	}
	m := &Model{bits: uint(bits)}
	for _, p := range []*float32{&m.scale, &m.oBias, &m.plattA, &m.plattB} {
		if *p, err = f32(); err != nil {
			return nil, bad("header", err)
		}
	}
	for p := range m.trans {
		for t := range m.trans[p] {
			if m.trans[p][t], err = f32(); err != nil {
				return nil, bad("transitions", err)
			}
		}
	}
	ne, err := binary.ReadUvarint(br)
	if err != nil || ne > 1<<22 {
		return nil, bad("lexicon size", err)
	}
	// The entries are checked one by one and kept packed, as saved.
	var arena []byte
	buf := make([]byte, maxEntryLen)
	for range ne {
		l, err := binary.ReadUvarint(br)
		if err != nil || l == 0 || l > maxEntryLen {
			return nil, bad("lexicon entry", err)
		}
		if _, err := io.ReadFull(br, buf[:l]); err != nil {
			return nil, bad("lexicon entry", err)
		}
		f, err := binary.ReadUvarint(br)
		if err != nil || f >= 1<<numFlags {
			return nil, bad("lexicon flags", err)
		}
		arena = binary.AppendUvarint(arena, l)
		arena = append(arena, buf[:l]...)
		arena = binary.AppendUvarint(arena, f)
	}
	m.packed = packedLexicon{string(arena), int(ne)}
	nb := uint64(1) << bits
	nz, err := binary.ReadUvarint(br)
	if err != nil || nz > nb {
		return nil, bad("weight count", err)
	}
	m.w = make([]int16, nb*nTags)
	var b uint64
	for k := range nz {
		d, err := binary.ReadUvarint(br)
		if err != nil || (k > 0 && d == 0) || d >= nb || b+d >= nb {
			return nil, bad("weight index", err)
		}
		b += d
		for t := range nTags {
			x, err := binary.ReadVarint(br)
			if err != nil || x < math.MinInt16 || x > math.MaxInt16 {
				return nil, bad("weight", err)
			}
			m.w[b*nTags+uint64(t)] = int16(x)
		}
	}
	return m, nil
}
