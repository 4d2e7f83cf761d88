package pipeline

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"sync"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
)

// LoadSecret reads a key from the environment variable env or the file
// path (exactly one is set), as hex or base64, at least 32 bytes. Errors
// name the variable or file, never the value.
func LoadSecret(env, path string) ([]byte, error) {
	k, err := handover.LoadKey(handover.KeySpec{ID: "pseudonym", Env: env, File: path})
	if err != nil {
		return nil, err
	}
	return k.Bytes, nil
}

// KeyFingerprint identifies a key in the manifest without revealing it.
func KeyFingerprint(key []byte) string { return handover.Fingerprint(key) }

// Pseudonymiser derives research identifiers: HMAC-SHA-256 under the
// profile's key, domain-separated by identifier kind so a patient id and a
// session id that happen to be equal never share a pseudonym.
//
// It is safe for concurrent use. Keyed HMAC states are pooled: setting one
// up costs two SHA-256 blocks and four allocations, as much as the
// pseudonym itself, and the extract derives several per record.
type Pseudonymiser struct {
	key  []byte
	macs *sync.Pool
}

// NewPseudonymiser returns a pseudonymiser for key.
func NewPseudonymiser(key []byte) Pseudonymiser {
	return Pseudonymiser{key: key, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}}
}

// ID returns the pseudonym of id of the given kind ("patient", "session",
// "message", "therapist"): 16 bytes as 32 hex characters.
func (p Pseudonymiser) ID(kind, id string) string {
	r := p.raw(kind, id)
	return hex.EncodeToString(r[:])
}

// raw is ID's 16 bytes before hex encoding, for state kept per session.
func (p Pseudonymiser) raw(kind, id string) [16]byte {
	var m hash.Hash
	if p.macs != nil {
		m = p.macs.Get().(hash.Hash)
		m.Reset()
		defer p.macs.Put(m)
	} else {
		m = hmac.New(sha256.New, p.key)
	}
	var buf [sha256.Size]byte
	if len(kind)+1+len(id) <= len(buf) {
		m.Write(append(append(append(buf[:0], kind...), 0), id...))
	} else {
		io.WriteString(m, kind)
		m.Write([]byte{0})
		io.WriteString(m, id)
	}
	sum := [16]byte(m.Sum(buf[:0])[:16])
	return sum
}
