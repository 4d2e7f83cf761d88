package statefile

import (
	"encoding/binary"
	"errors"
)

// Index maps idKeys to fixed-size values in a PageStore, by linear
// hashing: buckets are chains of pages, and when the table passes its load
// factor one bucket splits, so the table grows a page at a time and never
// rehashes as a whole. Only the bucket directory (four bytes a bucket of
// about sixty entries) is held in memory.
//
// A page holds a header (entry count, next page of the chain plus one)
// and then entries of key and value. Nothing about the layout reaches an
// output: iteration order is never used, and keys are compared whole.
type Index struct {
	ps      *PageStore
	vsize   int
	slot    int
	perPage int
	buckets []uint32 // first page of each bucket's chain
	level   uint     // buckets before the split point: 1 << level
	split   int
	n       int // entries
	tmp     []byte
}

const (
	indexHeader = 8
	// A bucket splits when the table is three quarters full on average.
	loadNum, loadDen = 3, 4
)

func NewIndex(ps *PageStore, vsize int) (*Index, error) {
	x := &Index{ps: ps, vsize: vsize, slot: 16 + vsize}
	x.perPage = (pageSize - indexHeader) / x.slot
	pn, _, err := ps.alloc()
	if err != nil {
		return nil, err
	}
	x.buckets = []uint32{pn}
	return x, nil
}

func (x *Index) bucket(k Key) int {
	n := uint64(1) << x.level
	b := k[0] % n
	if b < uint64(x.split) {
		b = k[0] % (2 * n)
	}
	return int(b)
}

func PutKey(b []byte, k Key) {
	binary.LittleEndian.PutUint64(b, k[0])
	binary.LittleEndian.PutUint64(b[8:], k[1])
}

func KeyAt(b []byte) Key {
	return Key{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])}
}

// find walks k's chain. It returns the page holding k and the entry's
// offset in it, or, when k is absent, the chain's last page and -1.
func (x *Index) find(k Key) (pn uint32, p []byte, off int, err error) {
	pn = x.buckets[x.bucket(k)]
	for {
		if p, err = x.ps.page(pn, false); err != nil {
			return 0, nil, -1, err
		}
		n := int(binary.LittleEndian.Uint16(p))
		for i := 0; i < n; i++ {
			o := indexHeader + i*x.slot
			if binary.LittleEndian.Uint64(p[o:]) == k[0] && binary.LittleEndian.Uint64(p[o+8:]) == k[1] {
				return pn, p, o, nil
			}
		}
		next := binary.LittleEndian.Uint32(p[4:])
		if next == 0 {
			return pn, p, -1, nil
		}
		pn = next - 1
	}
}

// get copies k's value into val and reports whether k is present.
func (x *Index) Get(k Key, val []byte) (bool, error) {
	_, p, off, err := x.find(k)
	if err != nil || off < 0 {
		return false, err
	}
	copy(val, p[off+16:off+x.slot])
	return true, nil
}

// insert adds k with val unless k is present, and reports whether it
// was (its value is then left as it was): one walk both checks for a
// duplicate and records a new id.
func (x *Index) Insert(k Key, val []byte) (existed bool, err error) {
	_, _, off, err := x.find(k)
	if err != nil || off >= 0 {
		return off >= 0, err
	}
	if err := x.append(k, val); err != nil {
		return false, err
	}
	x.n++
	if x.n*loadDen > len(x.buckets)*x.perPage*loadNum {
		return false, x.splitOne()
	}
	return false, nil
}

// append adds an entry known to be absent to the end of its chain.
func (x *Index) append(k Key, val []byte) error {
	pn := x.buckets[x.bucket(k)]
	for {
		p, err := x.ps.page(pn, true)
		if err != nil {
			return err
		}
		n := int(binary.LittleEndian.Uint16(p))
		if n < x.perPage {
			o := indexHeader + n*x.slot
			PutKey(p[o:], k)
			copy(p[o+16:o+x.slot], val)
			binary.LittleEndian.PutUint16(p, uint16(n+1))
			return nil
		}
		next := binary.LittleEndian.Uint32(p[4:])
		if next != 0 {
			pn = next - 1
			continue
		}
		npn, np, err := x.ps.alloc()
		if err != nil {
			return err
		}
		o := indexHeader
		PutKey(np[o:], k)
		copy(np[o+16:o+x.slot], val)
		binary.LittleEndian.PutUint16(np, 1)
		// The new page may have evicted the old one: fetch it again.
		if p, err = x.ps.page(pn, true); err != nil {
			return err
		}
		binary.LittleEndian.PutUint32(p[4:], npn+1)
		return nil
	}
}

// splitOne splits the bucket at the split point between itself and a new
// bucket at the end of the directory.
func (x *Index) splitOne() error {
	if len(x.buckets) == 1<<31 {
		return errors.New("state file: index too large")
	}
	s := x.split
	x.tmp = x.tmp[:0]
	first := x.buckets[s]
	pn := first
	for {
		p, err := x.ps.page(pn, pn == first)
		if err != nil {
			return err
		}
		n := int(binary.LittleEndian.Uint16(p))
		x.tmp = append(x.tmp, p[indexHeader:indexHeader+n*x.slot]...)
		next := binary.LittleEndian.Uint32(p[4:])
		if pn == first {
			clear(p[:indexHeader])
		} else {
			x.ps.release(pn)
		}
		if next == 0 {
			break
		}
		pn = next - 1
	}
	npn, _, err := x.ps.alloc()
	if err != nil {
		return err
	}
	x.buckets = append(x.buckets, npn)
	if x.split++; x.split == 1<<x.level {
		x.level++
		x.split = 0
	}
	for o := 0; o < len(x.tmp); o += x.slot {
		e := x.tmp[o : o+x.slot]
		if err := x.append(KeyAt(e), e[16:]); err != nil {
			return err
		}
	}
	return nil
}

// RecordArray holds fixed-size records by number, in pages of a
// PageStore; the page directory (four bytes a page) is all it keeps in
// memory.
type RecordArray struct {
	ps      *PageStore
	size    int
	perPage int
	pages   []uint32
	n       int
}

func NewRecordArray(ps *PageStore, size int) *RecordArray {
	return &RecordArray{ps: ps, size: size, perPage: pageSize / size}
}

// Len is the number of records added.
func (a *RecordArray) Len() int { return a.n }

func (a *RecordArray) locate(i int, write bool) ([]byte, error) {
	p, err := a.ps.page(a.pages[i/a.perPage], write)
	if err != nil {
		return nil, err
	}
	o := (i % a.perPage) * a.size
	return p[o : o+a.size], nil
}

// add appends a record and returns its number.
func (a *RecordArray) Add(rec []byte) (int, error) {
	i := a.n
	if i%a.perPage == 0 {
		pn, _, err := a.ps.alloc()
		if err != nil {
			return 0, err
		}
		a.pages = append(a.pages, pn)
	}
	b, err := a.locate(i, true)
	if err != nil {
		return 0, err
	}
	copy(b, rec)
	a.n++
	return i, nil
}

func (a *RecordArray) Get(i int, rec []byte) error {
	b, err := a.locate(i, false)
	if err == nil {
		copy(rec, b)
	}
	return err
}

func (a *RecordArray) Set(i int, rec []byte) error {
	b, err := a.locate(i, true)
	if err == nil {
		copy(b, rec)
	}
	return err
}
