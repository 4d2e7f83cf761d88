package verify

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// sealedTemp is verify's scratch copy of a decrypted Parquet file: what
// reaches the disk is encrypted (AES-256-CTR) under a key drawn for this
// copy alone and held only in this process's memory, and the file is
// unlinked as soon as it is created. A verify killed at any moment leaves
// no plaintext behind (at worst, where unlinking an open file is not
// allowed, ciphertext whose key died with the process), and memory stays
// bounded however large the file is: ReadAt decrypts only what is read.
//
// CTR needs no padding and seeks freely, so the Parquet reader's random
// reads cost one keystream setup each. There is no authentication: the
// copy lives for one verify run, and the bytes it was made from were
// authenticated by the Parquet decryption (AES-GCM) as they were written.
type sealedTemp struct {
	f     *os.File
	block cipher.Block
	iv    [aes.BlockSize]byte
	size  int64
	buf   []byte
}

func newSealedTemp() (*sealedTemp, error) {
	var key [32]byte
	t := &sealedTemp{}
	if _, err := rand.Read(key[:]); err != nil {
		return nil, err
	}
	if _, err := rand.Read(t.iv[:8]); err != nil { // the low half counts blocks
		return nil, err
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	t.block = block
	f, err := os.CreateTemp("", "deid-verify-*.sealed")
	if err != nil {
		return nil, err
	}
	// Unlinked at once: the open descriptor is the only way to it, and the
	// system frees it when the process ends, however it ends.
	_ = os.Remove(f.Name())
	t.f = f
	return t, nil
}

// stream returns the keystream positioned at byte off.
func (t *sealedTemp) stream(off int64) cipher.Stream {
	iv := t.iv
	binary.BigEndian.PutUint64(iv[8:], uint64(off/aes.BlockSize))
	s := cipher.NewCTR(t.block, iv[:])
	if skip := int(off % aes.BlockSize); skip > 0 {
		var pad [aes.BlockSize]byte
		s.XORKeyStream(pad[:skip], pad[:skip])
	}
	return s
}

// Write appends p, encrypted.
func (t *sealedTemp) Write(p []byte) (int, error) {
	if cap(t.buf) < len(p) {
		t.buf = make([]byte, len(p))
	}
	c := t.buf[:len(p)]
	t.stream(t.size).XORKeyStream(c, p)
	n, err := t.f.WriteAt(c, t.size)
	t.size += int64(n)
	return n, err
}

// ReadAt reads and decrypts len(p) bytes at off.
func (t *sealedTemp) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("sealedTemp: negative offset")
	}
	if off >= t.size {
		return 0, io.EOF
	}
	n, err := t.f.ReadAt(p, off)
	t.stream(off).XORKeyStream(p[:n], p[:n])
	return n, err
}

// Size is the number of bytes written.
func (t *sealedTemp) Size() int64 { return t.size }

// Close closes the file (removing it too, where unlinking it open failed).
func (t *sealedTemp) Close() error {
	err := t.f.Close()
	_ = os.Remove(t.f.Name())
	return err
}
