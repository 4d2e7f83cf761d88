package handover

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

const (
	magicPlain     = "PAR1"
	magicEncrypted = "PARE"
)

// Module types of the Parquet Modular Encryption spec; they enter every
// module's AAD, so they must match the spec numbering exactly.
const (
	moduleFooter byte = iota
	moduleColumnMetaData
	moduleDataPage
	moduleDictionaryPage
	moduleDataPageHeader
	moduleDictionaryPageHeader
	moduleColumnIndex
	moduleOffsetIndex
	moduleBloomFilterHeader
	moduleBloomFilterBitset
)

const (
	gcmNonceSize   = 12
	gcmTagSize     = 16
	moduleLenSize  = 4
	moduleOverhead = moduleLenSize + gcmNonceSize + gcmTagSize
	fileUniqueSize = 8
	// maxModulePlaintext keeps every module's length inside the spec's
	// 4-byte length and the int32 page-size fields.
	maxModulePlaintext = math.MaxInt32 - moduleOverhead
)

var (
	// ErrNotParquet: the input lacks Parquet magic bytes or a sane footer.
	ErrNotParquet = errors.New("not a Parquet file")
	// ErrAlreadyEncrypted: EncryptParquet was given an encrypted file.
	ErrAlreadyEncrypted = errors.New("parquet file is already encrypted")
	// ErrNotEncrypted: DecryptParquet was given a plaintext file.
	ErrNotEncrypted = errors.New("parquet file is not encrypted")
	// ErrAuthentication: a module failed AES-GCM authentication, so the key
	// is wrong or the file was modified.
	ErrAuthentication = errors.New("AES-GCM authentication failed: wrong key or modified file")
	// ErrUnsupported: the file uses a Parquet feature this package does not
	// handle; it refuses rather than pass bytes through unencrypted.
	ErrUnsupported = errors.New("unsupported parquet layout")
)

var compact thrift.CompactProtocol

// countingReader counts the bytes the thrift decoder consumes. parquet-go's
// stream reader does not count binary fields in BytesRead, so positions in
// the file are taken from here instead. The decoder never reads ahead, so the
// count is exact and the next byte of r is the first after the value.
type countingReader struct {
	r interface {
		io.Reader
		io.ByteReader
	}
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// moduleCipher seals and opens spec modules (4-byte little-endian length,
// 12-byte nonce, ciphertext, 16-byte tag) for one file.
type moduleCipher struct {
	aead     cipher.AEAD
	nonceKey []byte
	fileAAD  []byte // aad_prefix (always empty here) || aad_file_unique
}

func newModuleCipher(key Key, fileAAD []byte) (*moduleCipher, error) {
	if err := key.checkAES(); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key.Bytes)
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", key.ID, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", key.ID, err)
	}
	return &moduleCipher{aead: aead, nonceKey: nonceKey(key), fileAAD: fileAAD}, nil
}

// nonceKey derives the synthetic-nonce key, so the nonce function is keyed
// by a value distinct from the AES key the partner holds.
func nonceKey(key Key) []byte {
	m := hmac.New(sha256.New, key.Bytes)
	m.Write([]byte("deid parquet modular encryption nonce key v1"))
	return m.Sum(nil)
}

// fileUnique derives aad_file_unique from the plaintext file's digest: equal
// files get equal identifiers (so output is reproducible) and different
// files different ones (so a module moved between files fails to open).
func fileUnique(key Key, fileDigest []byte) []byte {
	m := hmac.New(sha256.New, nonceKey(key))
	m.Write([]byte("file unique\x00"))
	m.Write(fileDigest)
	return m.Sum(nil)[:fileUniqueSize]
}

// aad builds a module AAD: file AAD, module type, then the row group and
// column ordinals (all but the footer) and the page ordinal (data pages and
// their headers only), each a little-endian int16.
func (c *moduleCipher) aad(module byte, rowGroup, column, page int) []byte {
	b := make([]byte, 0, len(c.fileAAD)+7)
	b = append(b, c.fileAAD...)
	b = append(b, module)
	if module == moduleFooter {
		return b
	}
	b = binary.LittleEndian.AppendUint16(b, uint16(int16(rowGroup)))
	b = binary.LittleEndian.AppendUint16(b, uint16(int16(column)))
	if module == moduleDataPage || module == moduleDataPageHeader {
		b = binary.LittleEndian.AppendUint16(b, uint16(int16(page)))
	}
	return b
}

// seal appends the module for plaintext to dst. The nonce is an HMAC of the
// AAD and the plaintext: it repeats only for an identical (AAD, plaintext)
// pair, which then encrypts to the identical module, so GCM's rule (never one
// nonce for two different messages under one key) holds while the output
// stays reproducible.
func (c *moduleCipher) seal(dst, aad, plaintext []byte) ([]byte, error) {
	if len(plaintext) > maxModulePlaintext {
		return nil, fmt.Errorf("%w: module of %d bytes is too large to encrypt", ErrUnsupported, len(plaintext))
	}
	m := hmac.New(sha256.New, c.nonceKey)
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(aad)))
	m.Write(n[:])
	m.Write(aad)
	m.Write(plaintext)
	var sum [sha256.Size]byte
	nonce := m.Sum(sum[:0])[:gcmNonceSize]

	dst = binary.LittleEndian.AppendUint32(dst, uint32(gcmNonceSize+len(plaintext)+gcmTagSize))
	dst = append(dst, nonce...)
	return c.aead.Seal(dst, nonce, plaintext, aad), nil
}

// open authenticates and decrypts one whole module (length prefix
// included), appending the plaintext to dst.
func (c *moduleCipher) open(dst, module, aad []byte) ([]byte, error) {
	if len(module) < moduleOverhead || int(binary.LittleEndian.Uint32(module)) != len(module)-moduleLenSize {
		return nil, fmt.Errorf("%w: malformed encrypted module", ErrNotParquet)
	}
	nonce := module[moduleLenSize : moduleLenSize+gcmNonceSize]
	out, err := c.aead.Open(dst, nonce, module[moduleLenSize+gcmNonceSize:], aad)
	if err != nil {
		return nil, ErrAuthentication
	}
	return out, nil
}

// readModule reads one length-prefixed module from r into buf, refusing a
// declared length beyond limit before allocating for it.
func readModule(r io.Reader, limit int64, buf []byte) ([]byte, error) {
	var l [moduleLenSize]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, fmt.Errorf("%w: truncated encrypted module: %w", ErrNotParquet, err)
	}
	n := int64(binary.LittleEndian.Uint32(l[:]))
	if n < gcmNonceSize+gcmTagSize || moduleLenSize+n > limit {
		return nil, fmt.Errorf("%w: encrypted module length %d out of range", ErrNotParquet, n)
	}
	buf = append(buf[:0], l[:]...)
	buf = grow(buf, int(n))
	if _, err := io.ReadFull(r, buf[moduleLenSize:]); err != nil {
		return nil, fmt.Errorf("%w: truncated encrypted module: %w", ErrNotParquet, err)
	}
	return buf, nil
}

// grow extends b by n bytes, reusing capacity.
func grow(b []byte, n int) []byte {
	l := len(b)
	if cap(b)-l < n {
		nb := make([]byte, l, l+n)
		copy(nb, b)
		b = nb
	}
	return b[:l+n]
}

// keyMaterial is the footer key metadata, in the format of Parquet's key
// management tools ("PKMT1", internal storage), so readers built on
// pyarrow's CryptoFactory find the key by ID through a KMS client. The
// data key is the partner's key itself; nothing is wrapped, so wrappedDEK
// is empty and the KMS client ignores it.
type keyMaterial struct {
	KeyMaterialType string `json:"keyMaterialType"`
	InternalStorage bool   `json:"internalStorage"`
	IsFooterKey     bool   `json:"isFooterKey"`
	KMSInstanceID   string `json:"kmsInstanceID"`
	KMSInstanceURL  string `json:"kmsInstanceURL"`
	MasterKeyID     string `json:"masterKeyID"`
	WrappedDEK      string `json:"wrappedDEK"`
	DoubleWrapping  bool   `json:"doubleWrapping"`
}

func footerKeyMetadata(key Key) ([]byte, error) {
	return json.Marshal(keyMaterial{
		KeyMaterialType: "PKMT1",
		InternalStorage: true,
		IsFooterKey:     true,
		KMSInstanceID:   "DEFAULT",
		KMSInstanceURL:  "DEFAULT",
		MasterKeyID:     key.ID,
	})
}

// KeyIDOf returns the key ID recorded in an encrypted file's footer key
// metadata ("" when there is none), so verify can name the key a file needs
// without holding it.
func KeyIDOf(r io.ReaderAt, size int64) (string, error) {
	footer, _, err := readTail(r, size, magicEncrypted)
	if err != nil {
		return "", err
	}
	cm, _, err := decodeCryptoMetaData(footer)
	if err != nil {
		return "", err
	}
	if len(cm.KeyMetadata) == 0 {
		return "", nil
	}
	var km keyMaterial
	if err := json.Unmarshal(cm.KeyMetadata, &km); err != nil {
		return "", nil // not PKMT1 metadata: some other writer's format
	}
	return km.MasterKeyID, nil
}

// decodeCryptoMetaData decodes the plaintext FileCryptoMetaData at the start
// of an encrypted footer and returns how many bytes it took. This runs on
// unauthenticated bytes, so it uses the byte-slice reader, which checks
// every declared length against the bytes actually there instead of
// allocating what the input claims.
func decodeCryptoMetaData(footer []byte) (format.FileCryptoMetaData, int, error) {
	var cm format.FileCryptoMetaData
	r := compact.NewReaderFromBytes(footer)
	if err := thrift.NewDecoder(r).Decode(&cm); err != nil {
		return cm, 0, fmt.Errorf("%w: crypto metadata: %w", ErrNotParquet, err)
	}
	// The decoded byte fields alias footer; keep them independent of it.
	cm.KeyMetadata = bytes.Clone(cm.KeyMetadata)
	if alg, ok := cm.EncryptionAlgorithm.Value.(*format.AesGcmV1); ok {
		alg.AadPrefix, alg.AadFileUnique = bytes.Clone(alg.AadPrefix), bytes.Clone(alg.AadFileUnique)
	}
	return cm, r.BytesRead(), nil
}

// IsEncryptedParquet reports whether r holds an encrypted-footer Parquet
// file ("PARE"); false for plaintext Parquet, an error for anything else.
func IsEncryptedParquet(r io.ReaderAt, size int64) (bool, error) {
	var tail [4]byte
	if size < 12 {
		return false, ErrNotParquet
	}
	if _, err := r.ReadAt(tail[:], size-4); err != nil {
		return false, fmt.Errorf("reading parquet tail: %w", err)
	}
	switch string(tail[:]) {
	case magicEncrypted:
		return true, nil
	case magicPlain:
		return false, nil
	}
	return false, ErrNotParquet
}

// readTail checks both magics and returns the footer bytes and where they
// start.
func readTail(r io.ReaderAt, size int64, magic string) ([]byte, int64, error) {
	if size < 12 {
		return nil, 0, ErrNotParquet
	}
	var head, tail [8]byte
	if _, err := r.ReadAt(head[:4], 0); err != nil {
		return nil, 0, fmt.Errorf("reading parquet header: %w", err)
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return nil, 0, fmt.Errorf("reading parquet tail: %w", err)
	}
	if string(tail[4:]) != magic || string(head[:4]) != magic {
		switch {
		case magic == magicPlain && string(tail[4:]) == magicEncrypted:
			return nil, 0, ErrAlreadyEncrypted
		case magic == magicEncrypted && string(tail[4:]) == magicPlain:
			return nil, 0, ErrNotEncrypted
		}
		return nil, 0, ErrNotParquet
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	start := size - 8 - n
	if n == 0 || start < 4 {
		return nil, 0, fmt.Errorf("%w: footer length %d out of range", ErrNotParquet, n)
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, start); err != nil {
		return nil, 0, fmt.Errorf("reading parquet footer: %w", err)
	}
	return footer, start, nil
}

// EncryptParquet writes to dst the spec-encrypted form of the plaintext
// Parquet file src (size bytes): uniform AES-256-GCM under key, encrypted
// footer. Encoded data is not re-encoded; only the layout offsets change.
// The output is a function of the input bytes and the key alone.
func EncryptParquet(ctx context.Context, dst io.Writer, src io.ReaderAt, size int64, key Key) error {
	if err := key.checkAES(); err != nil {
		return err
	}
	footer, footerStart, err := readTail(src, size, magicPlain)
	if err != nil {
		return err
	}
	var meta format.FileMetaData
	if err := thrift.Unmarshal(&compact, footer, &meta); err != nil {
		return fmt.Errorf("%w: decoding footer: %w", ErrNotParquet, err)
	}
	if meta.EncryptionAlgorithm.Value != nil {
		return ErrAlreadyEncrypted
	}
	digest, err := digestFile(ctx, src, size)
	if err != nil {
		return err
	}
	mc, err := newModuleCipher(key, fileUnique(key, digest))
	if err != nil {
		return err
	}
	km, err := footerKeyMetadata(key)
	if err != nil {
		return err
	}
	rw := &rewriter{ctx: ctx, src: src, meta: &meta, cipher: mc, encrypt: true}
	if err := rw.run(dst, footerStart, magicEncrypted); err != nil {
		return err
	}
	plainFooter, err := thrift.Marshal(&compact, &meta)
	if err != nil {
		return fmt.Errorf("encoding footer: %w", err)
	}
	sealed, err := mc.seal(nil, mc.aad(moduleFooter, 0, 0, 0), plainFooter)
	if err != nil {
		return err
	}
	cryptoMeta, err := thrift.Marshal(&compact, &format.FileCryptoMetaData{
		EncryptionAlgorithm: format.EncryptionAlgorithm{Value: &format.AesGcmV1{AadFileUnique: mc.fileAAD}},
		KeyMetadata:         km,
	})
	if err != nil {
		return fmt.Errorf("encoding crypto metadata: %w", err)
	}
	return rw.finish(magicEncrypted, cryptoMeta, sealed)
}

// DecryptParquet writes to dst the plaintext Parquet file that src, an
// encrypted-footer uniformly encrypted file, holds. For files written by
// EncryptParquet it returns the original bytes exactly.
func DecryptParquet(ctx context.Context, dst io.Writer, src io.ReaderAt, size int64, key Key) error {
	if err := key.checkAES(); err != nil {
		return err
	}
	footer, footerStart, err := readTail(src, size, magicEncrypted)
	if err != nil {
		return err
	}
	cm, n, err := decodeCryptoMetaData(footer)
	if err != nil {
		return err
	}
	alg, ok := cm.EncryptionAlgorithm.Value.(*format.AesGcmV1)
	if !ok {
		return fmt.Errorf("%w: only AES_GCM_V1 is supported", ErrUnsupported)
	}
	if alg.SupplyAadPrefix {
		return fmt.Errorf("%w: files whose AAD prefix is not stored", ErrUnsupported)
	}
	fileAAD := append(append([]byte(nil), alg.AadPrefix...), alg.AadFileUnique...)
	mc, err := newModuleCipher(key, fileAAD)
	if err != nil {
		return err
	}
	rest := footer[n:]
	if len(rest) < moduleLenSize || int(binary.LittleEndian.Uint32(rest))+moduleLenSize != len(rest) {
		return fmt.Errorf("%w: encrypted footer length mismatch", ErrNotParquet)
	}
	plainFooter, err := mc.open(nil, rest, mc.aad(moduleFooter, 0, 0, 0))
	if err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	var meta format.FileMetaData
	if err := thrift.Unmarshal(&compact, plainFooter, &meta); err != nil {
		return fmt.Errorf("%w: decoding footer: %w", ErrNotParquet, err)
	}
	rw := &rewriter{ctx: ctx, src: src, meta: &meta, cipher: mc, encrypt: false}
	if err := rw.run(dst, footerStart, magicPlain); err != nil {
		return err
	}
	out, err := thrift.Marshal(&compact, &meta)
	if err != nil {
		return fmt.Errorf("encoding footer: %w", err)
	}
	return rw.finish(magicPlain, out)
}

func digestFile(ctx context.Context, r io.ReaderAt, size int64) ([]byte, error) {
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := int64(len(buf))
		if size-off < n {
			n = size - off
		}
		if _, err := r.ReadAt(buf[:n], off); err != nil {
			return nil, fmt.Errorf("reading parquet file: %w", err)
		}
		h.Write(buf[:n])
		off += n
	}
	return h.Sum(nil), nil
}

type regionKind int

const (
	regionChunk regionKind = iota
	regionBloom
	regionColumnIndex
	regionOffsetIndex
)

// region is one contiguous stretch of the file between the magic and the
// footer, owned by one column chunk of one row group.
type region struct {
	kind          regionKind
	start, length int64
	rowGroup, col int
}

// pageLocation is where a page went in the output.
type pageLocation struct {
	offset int64
	size   int64 // header and body
}

// rewriter turns every module of a file into its encrypted (or decrypted)
// form, in the input's order, and fixes every offset that points at one.
type rewriter struct {
	ctx     context.Context
	src     io.ReaderAt
	meta    *format.FileMetaData
	cipher  *moduleCipher
	encrypt bool

	out   *bufio.Writer
	off   int64
	pages map[int64]pageLocation // old page offset -> new
	in    []byte                 // reusable buffers
	body  []byte
	hdr   []byte
	br    *bufio.Reader // reused by every chunk: a file has thousands
}

func (rw *rewriter) write(b []byte) error {
	n, err := rw.out.Write(b)
	rw.off += int64(n)
	return err
}

func (rw *rewriter) run(dst io.Writer, footerStart int64, magic string) error {
	regions, err := rw.layout(footerStart)
	if err != nil {
		return err
	}
	rw.out = bufio.NewWriterSize(dst, 1<<20)
	rw.pages = make(map[int64]pageLocation)
	if err := rw.write([]byte(magic)); err != nil {
		return err
	}
	chunkStart := make([][]int64, len(rw.meta.RowGroups))
	for i := range rw.meta.RowGroups {
		chunkStart[i] = make([]int64, len(rw.meta.RowGroups[i].Columns))
	}
	for _, r := range regions {
		if err := rw.ctx.Err(); err != nil {
			return err
		}
		where := fmt.Sprintf("row group %d column %d", r.rowGroup, r.col)
		cc := &rw.meta.RowGroups[r.rowGroup].Columns[r.col]
		switch r.kind {
		case regionChunk:
			chunkStart[r.rowGroup][r.col] = rw.off
			err = rw.chunk(r, cc)
		case regionBloom:
			err = rw.bloom(r, cc)
		case regionColumnIndex:
			err = rw.columnIndex(r, cc)
		case regionOffsetIndex:
			err = rw.offsetIndex(r, cc)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	for i := range rw.meta.RowGroups {
		rg := &rw.meta.RowGroups[i]
		var total int64
		first := int64(math.MaxInt64)
		for j := range rg.Columns {
			total += rg.Columns[j].MetaData.TotalCompressedSize
			first = min(first, chunkStart[i][j])
		}
		if rg.TotalCompressedSize != 0 {
			rg.TotalCompressedSize = total
		}
		if rg.FileOffset != 0 && len(rg.Columns) > 0 {
			rg.FileOffset = first
		}
		if rw.encrypt {
			// Readers take the row group ordinal for the AAD from here.
			rg.Ordinal = int16(i)
		}
	}
	return nil
}

func (rw *rewriter) finish(magic string, footer ...[]byte) error {
	var n int64
	for _, b := range footer {
		if err := rw.write(b); err != nil {
			return err
		}
		n += int64(len(b))
	}
	if n > math.MaxUint32 {
		return fmt.Errorf("%w: footer too large", ErrUnsupported)
	}
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:4], uint32(n))
	copy(tail[4:], magic)
	if err := rw.write(tail[:]); err != nil {
		return err
	}
	return rw.out.Flush()
}

// layout lists the regions the footer describes, in file order, and
// requires them to tile the file exactly from the magic to the footer: a
// byte the footer does not account for would otherwise be dropped or,
// worse, copied unencrypted.
func (rw *rewriter) layout(footerStart int64) ([]region, error) {
	meta := rw.meta
	if len(meta.RowGroups) > math.MaxInt16+1 {
		return nil, fmt.Errorf("%w: %d row groups (the AAD ordinal holds %d)", ErrUnsupported, len(meta.RowGroups), math.MaxInt16+1)
	}
	var regions []region
	for i := range meta.RowGroups {
		rg := &meta.RowGroups[i]
		if len(rg.Columns) > math.MaxInt16+1 {
			return nil, fmt.Errorf("%w: %d columns", ErrUnsupported, len(rg.Columns))
		}
		if rw.encrypt && rg.Ordinal != 0 && int(rg.Ordinal) != i {
			return nil, fmt.Errorf("%w: row group %d records ordinal %d", ErrNotParquet, i, rg.Ordinal)
		}
		for j := range rg.Columns {
			cc := &rg.Columns[j]
			where := fmt.Sprintf("row group %d column %d", i, j)
			if cc.FilePath != "" {
				return nil, fmt.Errorf("%s: %w: column data in another file", where, ErrUnsupported)
			}
			if rw.encrypt && (cc.CryptoMetadata.Value != nil || len(cc.EncryptedColumnMetadata) > 0) {
				return nil, fmt.Errorf("%s: %w", where, ErrAlreadyEncrypted)
			}
			if !rw.encrypt {
				if _, ok := cc.CryptoMetadata.Value.(*format.EncryptionWithFooterKey); !ok || len(cc.EncryptedColumnMetadata) > 0 {
					return nil, fmt.Errorf("%s: %w: only uniform encryption (every column under the footer key) is supported", where, ErrUnsupported)
				}
			}
			md := &cc.MetaData
			start := md.DataPageOffset
			for _, o := range []int64{md.DictionaryPageOffset, md.IndexPageOffset} {
				if o > 0 && o < start {
					start = o
				}
			}
			regions = append(regions, region{kind: regionChunk, start: start, length: md.TotalCompressedSize, rowGroup: i, col: j})
			if md.BloomFilterOffset > 0 {
				n := int64(md.BloomFilterLength)
				if n == 0 {
					var err error
					if n, err = rw.bloomLength(md.BloomFilterOffset, footerStart); err != nil {
						return nil, fmt.Errorf("%s: bloom filter: %w", where, err)
					}
				}
				regions = append(regions, region{kind: regionBloom, start: md.BloomFilterOffset, length: n, rowGroup: i, col: j})
			}
			if cc.ColumnIndexLength > 0 {
				regions = append(regions, region{kind: regionColumnIndex, start: cc.ColumnIndexOffset, length: int64(cc.ColumnIndexLength), rowGroup: i, col: j})
			}
			if cc.OffsetIndexLength > 0 {
				regions = append(regions, region{kind: regionOffsetIndex, start: cc.OffsetIndexOffset, length: int64(cc.OffsetIndexLength), rowGroup: i, col: j})
			}
		}
	}
	sort.Slice(regions, func(a, b int) bool { return regions[a].start < regions[b].start })
	pos := int64(len(magicPlain))
	for _, r := range regions {
		if r.length < 0 || r.start != pos {
			return nil, fmt.Errorf("%w: bytes %d..%d are not described by the footer as one piece (row group %d column %d)", ErrUnsupported, pos, r.start, r.rowGroup, r.col)
		}
		pos += r.length
	}
	if pos != footerStart {
		return nil, fmt.Errorf("%w: bytes %d..%d before the footer are not described by it", ErrUnsupported, pos, footerStart)
	}
	return regions, nil
}

// bloomLength measures a bloom filter whose length the footer omits.
func (rw *rewriter) bloomLength(offset, end int64) (int64, error) {
	sec := io.NewSectionReader(rw.src, offset, end-offset)
	if !rw.encrypt {
		cr := &countingReader{r: bufio.NewReader(sec)}
		var h format.BloomFilterHeader
		if err := thrift.NewDecoder(compact.NewReader(cr)).Decode(&h); err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNotParquet, err)
		}
		return cr.n + int64(h.NumBytes), nil
	}
	var n int64
	for range 2 { // header module, bitset module
		var l [moduleLenSize]byte
		if _, err := sec.ReadAt(l[:], n); err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNotParquet, err)
		}
		n += moduleLenSize + int64(binary.LittleEndian.Uint32(l[:]))
	}
	return n, nil
}

// readRegion reads a whole small region (an index or a bloom filter).
func (rw *rewriter) readRegion(r region) ([]byte, error) {
	if r.length > maxModulePlaintext {
		return nil, fmt.Errorf("%w: region of %d bytes", ErrUnsupported, r.length)
	}
	rw.in = grow(rw.in[:0], int(r.length))
	if _, err := rw.src.ReadAt(rw.in, r.start); err != nil {
		return nil, fmt.Errorf("reading parquet file: %w", err)
	}
	return rw.in, nil
}

// transform encrypts or decrypts one whole module.
func (rw *rewriter) transform(dst, src, aad []byte) ([]byte, error) {
	if rw.encrypt {
		return rw.cipher.seal(dst[:0], aad, src)
	}
	return rw.cipher.open(dst[:0], src, aad)
}

// chunk rewrites every page of one column chunk.
func (rw *rewriter) chunk(r region, cc *format.ColumnChunk) error {
	md := &cc.MetaData
	sec := io.NewSectionReader(rw.src, r.start, r.length)
	if rw.br == nil {
		rw.br = bufio.NewReaderSize(sec, 64<<10)
	} else {
		rw.br.Reset(sec)
	}
	br := &countingReader{r: rw.br}
	dec := thrift.NewDecoder(compact.NewReader(br))
	newStart := rw.off
	var uncompressedDelta int64
	pageOrdinal := 0
	for pos := int64(0); pos < r.length; {
		if err := rw.ctx.Err(); err != nil {
			return err
		}
		oldOffset := r.start + pos
		newOffset := rw.off
		dictionary := md.DictionaryPageOffset > 0 && oldOffset == md.DictionaryPageOffset

		var h format.PageHeader
		var oldHeaderLen int64
		if rw.encrypt {
			before := br.n
			if err := dec.Decode(&h); err != nil {
				return fmt.Errorf("%w: page header at byte %d: %w", ErrNotParquet, oldOffset, err)
			}
			oldHeaderLen = br.n - before
		} else {
			// The module type in the AAD says which kind of header this
			// is; the dictionary page, when present, comes first.
			typ := moduleDataPageHeader
			if dictionary {
				typ = moduleDictionaryPageHeader
			}
			mod, err := readModule(br, r.length-pos, rw.in)
			if err != nil {
				return err
			}
			rw.in = mod
			plain, err := rw.cipher.open(rw.hdr[:0], mod, rw.cipher.aad(typ, r.rowGroup, r.col, pageOrdinal))
			if err != nil {
				return fmt.Errorf("page header at byte %d: %w", oldOffset, err)
			}
			rw.hdr = plain
			if err := thrift.Unmarshal(&compact, plain, &h); err != nil {
				return fmt.Errorf("%w: page header at byte %d: %w", ErrNotParquet, oldOffset, err)
			}
			oldHeaderLen = int64(len(mod))
		}
		pos += oldHeaderLen

		var bodyModule, headerModule byte
		ordinal := 0
		switch h.Type {
		case format.DictionaryPage:
			if !dictionary {
				return fmt.Errorf("%w: dictionary page at byte %d is not the chunk's dictionary page", ErrNotParquet, oldOffset)
			}
			bodyModule, headerModule = moduleDictionaryPage, moduleDictionaryPageHeader
		case format.DataPage, format.DataPageV2:
			if h.Type == format.DataPageV2 && rw.encrypt {
				// Readers disagree on what a v2 page's encrypted module
				// covers (parquet-java leaves its levels outside, pyarrow,
				// polars and DuckDB encrypt them): no reader set opens
				// both, so never write one. Decrypting still takes them.
				return fmt.Errorf("%w: version-2 data page at byte %d: encrypted, parquet-java cannot read it; write version-1 data pages", ErrUnsupported, oldOffset)
			}
			if dictionary {
				return fmt.Errorf("%w: chunk's dictionary page offset points at a data page", ErrNotParquet)
			}
			if pageOrdinal > math.MaxInt16 {
				return fmt.Errorf("%w: more than %d pages in one column chunk", ErrUnsupported, math.MaxInt16+1)
			}
			bodyModule, headerModule, ordinal = moduleDataPage, moduleDataPageHeader, pageOrdinal
			pageOrdinal++
		default:
			return fmt.Errorf("%w: page type %v at byte %d", ErrUnsupported, h.Type, oldOffset)
		}

		size := int64(h.CompressedPageSize)
		if size < 0 || size > r.length-pos {
			return fmt.Errorf("%w: page at byte %d runs past its column chunk", ErrNotParquet, oldOffset)
		}
		rw.in = grow(rw.in[:0], int(size))
		if _, err := io.ReadFull(br, rw.in); err != nil {
			return fmt.Errorf("reading page at byte %d: %w", oldOffset, err)
		}
		pos += size
		body, err := rw.transform(rw.body, rw.in, rw.cipher.aad(bodyModule, r.rowGroup, r.col, ordinal))
		if err != nil {
			return fmt.Errorf("page at byte %d: %w", oldOffset, err)
		}
		rw.body = body
		if len(body) > math.MaxInt32 {
			return fmt.Errorf("%w: page too large", ErrUnsupported)
		}
		h.CompressedPageSize = int32(len(body))
		if h.CRC != 0 {
			// The spec's CRC covers the page bytes as stored: the
			// encrypted module in an encrypted file.
			h.CRC = int32(crc32.ChecksumIEEE(body))
		}
		hdr, err := thrift.Marshal(&compact, &h)
		if err != nil {
			return fmt.Errorf("encoding page header: %w", err)
		}
		if rw.encrypt {
			if hdr, err = rw.cipher.seal(rw.hdr[:0], rw.cipher.aad(headerModule, r.rowGroup, r.col, ordinal), hdr); err != nil {
				return err
			}
			rw.hdr = hdr
		}
		if err := rw.write(hdr); err != nil {
			return err
		}
		if err := rw.write(body); err != nil {
			return err
		}
		uncompressedDelta += int64(len(hdr)) - oldHeaderLen
		rw.pages[oldOffset] = pageLocation{offset: newOffset, size: rw.off - newOffset}
	}

	remap := func(name string, o *int64) error {
		if *o <= 0 {
			return nil
		}
		loc, ok := rw.pages[*o]
		if !ok {
			return fmt.Errorf("%w: %s does not point at a page", ErrNotParquet, name)
		}
		*o = loc.offset
		return nil
	}
	if err := remap("data page offset", &md.DataPageOffset); err != nil {
		return err
	}
	if err := remap("dictionary page offset", &md.DictionaryPageOffset); err != nil {
		return err
	}
	if err := remap("index page offset", &md.IndexPageOffset); err != nil {
		return err
	}
	md.TotalCompressedSize = rw.off - newStart
	md.TotalUncompressedSize += uncompressedDelta
	if cc.FileOffset != 0 {
		cc.FileOffset = newStart
	}
	if rw.encrypt {
		cc.CryptoMetadata = format.ColumnCryptoMetaData{Value: &format.EncryptionWithFooterKey{}}
	} else {
		cc.CryptoMetadata = format.ColumnCryptoMetaData{}
	}
	return nil
}

// bloom rewrites a bloom filter: a header module and a bitset module.
func (rw *rewriter) bloom(r region, cc *format.ColumnChunk) error {
	raw, err := rw.readRegion(r)
	if err != nil {
		return err
	}
	var out []byte
	if rw.encrypt {
		cr := &countingReader{r: bytes.NewReader(raw)}
		var h format.BloomFilterHeader
		if err := thrift.NewDecoder(compact.NewReader(cr)).Decode(&h); err != nil {
			return fmt.Errorf("%w: bloom filter header: %w", ErrNotParquet, err)
		}
		n := int(cr.n)
		if h.NumBytes < 0 || int64(n)+int64(h.NumBytes) != r.length {
			return fmt.Errorf("%w: bloom filter length mismatch", ErrNotParquet)
		}
		if out, err = rw.cipher.seal(nil, rw.cipher.aad(moduleBloomFilterHeader, r.rowGroup, r.col, 0), raw[:n]); err != nil {
			return err
		}
		if out, err = rw.cipher.seal(out, rw.cipher.aad(moduleBloomFilterBitset, r.rowGroup, r.col, 0), raw[n:]); err != nil {
			return err
		}
	} else {
		rd := bytes.NewReader(raw)
		hm, err := readModule(rd, int64(len(raw)), nil)
		if err != nil {
			return err
		}
		if out, err = rw.cipher.open(nil, hm, rw.cipher.aad(moduleBloomFilterHeader, r.rowGroup, r.col, 0)); err != nil {
			return fmt.Errorf("bloom filter: %w", err)
		}
		var h format.BloomFilterHeader
		if err := thrift.Unmarshal(&compact, out, &h); err != nil {
			return fmt.Errorf("%w: bloom filter header: %w", ErrNotParquet, err)
		}
		bm, err := readModule(rd, int64(rd.Len()), nil)
		if err != nil || rd.Len() != 0 {
			return fmt.Errorf("%w: bloom filter bitset", ErrNotParquet)
		}
		if out, err = rw.cipher.open(out, bm, rw.cipher.aad(moduleBloomFilterBitset, r.rowGroup, r.col, 0)); err != nil {
			return fmt.Errorf("bloom filter: %w", err)
		}
		if int64(len(out)) != int64(len(hm))-moduleOverhead+int64(h.NumBytes) {
			return fmt.Errorf("%w: bloom filter length mismatch", ErrNotParquet)
		}
	}
	md := &cc.MetaData
	md.BloomFilterOffset = rw.off
	if md.BloomFilterLength != 0 {
		md.BloomFilterLength = int32(len(out))
	}
	return rw.write(out)
}

func (rw *rewriter) columnIndex(r region, cc *format.ColumnChunk) error {
	raw, err := rw.readRegion(r)
	if err != nil {
		return err
	}
	out, err := rw.transform(nil, raw, rw.cipher.aad(moduleColumnIndex, r.rowGroup, r.col, 0))
	if err != nil {
		return fmt.Errorf("column index: %w", err)
	}
	cc.ColumnIndexOffset, cc.ColumnIndexLength = rw.off, int32(len(out))
	return rw.write(out)
}

// offsetIndex rewrites an offset index, pointing its page locations at the
// pages' new places; the pages must already have been written, which holds
// for every writer that puts the page index after the row groups.
func (rw *rewriter) offsetIndex(r region, cc *format.ColumnChunk) error {
	raw, err := rw.readRegion(r)
	if err != nil {
		return err
	}
	aad := rw.cipher.aad(moduleOffsetIndex, r.rowGroup, r.col, 0)
	plain := raw
	if !rw.encrypt {
		if plain, err = rw.cipher.open(nil, raw, aad); err != nil {
			return fmt.Errorf("offset index: %w", err)
		}
	}
	var oi format.OffsetIndex
	if err := thrift.Unmarshal(&compact, plain, &oi); err != nil {
		return fmt.Errorf("%w: offset index: %w", ErrNotParquet, err)
	}
	for k := range oi.PageLocations {
		pl := &oi.PageLocations[k]
		loc, ok := rw.pages[pl.Offset]
		if !ok {
			return fmt.Errorf("%w: offset index entry %d does not point at a page written before it", ErrUnsupported, k)
		}
		if loc.size > math.MaxInt32 {
			return fmt.Errorf("%w: page too large", ErrUnsupported)
		}
		pl.Offset, pl.CompressedPageSize = loc.offset, int32(loc.size)
	}
	plain, err = thrift.Marshal(&compact, &oi)
	if err != nil {
		return fmt.Errorf("encoding offset index: %w", err)
	}
	out := plain
	if rw.encrypt {
		if out, err = rw.cipher.seal(nil, aad, plain); err != nil {
			return err
		}
	}
	cc.OffsetIndexOffset, cc.OffsetIndexLength = rw.off, int32(len(out))
	return rw.write(out)
}

// EncryptParquetFile encrypts src into dst. dst appears only when complete
// (written to a temporary file in its directory, synced, renamed), so a
// crash never leaves a partial file under the final name.
func EncryptParquetFile(ctx context.Context, src, dst string, key Key) error {
	return rewriteFile(ctx, src, dst, key, EncryptParquet)
}

// DecryptParquetFile decrypts src into dst, atomically like
// EncryptParquetFile.
func DecryptParquetFile(ctx context.Context, src, dst string, key Key) error {
	return rewriteFile(ctx, src, dst, key, DecryptParquet)
}

func rewriteFile(ctx context.Context, src, dst string, key Key, fn func(context.Context, io.Writer, io.ReaderAt, int64, Key) error) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fn(ctx, tmp, in, st.Size(), key); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
