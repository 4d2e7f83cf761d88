package pipeline

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
)

// MinKeyBytes is the shortest secret deid accepts (256 bits).
const MinKeyBytes = 32

// LoadSecret reads a key from the environment variable env or the file
// path (exactly one is set), as hex or base64. Errors name the variable or
// file, never the value.
func LoadSecret(env, path string) ([]byte, error) {
	var raw, where string
	switch {
	case env != "":
		where = "environment variable " + env
		raw = os.Getenv(env)
		if raw == "" {
			return nil, fmt.Errorf("key: %s is not set", where)
		}
	case path != "":
		where = "key file " + path
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("key: reading %s: %w", where, err)
		}
		raw = string(b)
	default:
		return nil, fmt.Errorf("key: no source configured")
	}
	key, err := decodeSecret(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("key: %s: %w", where, err)
	}
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("key: %s: %d bytes after decoding, need at least %d", where, len(key), MinKeyBytes)
	}
	return key, nil
}

func decodeSecret(s string) ([]byte, error) {
	if len(s)%2 == 0 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not hex or base64")
}

// KeyFingerprint identifies a key in the manifest without revealing it: a
// domain-separated SHA-256, so the fingerprint is not a hash an attacker
// could match against the key used elsewhere.
func KeyFingerprint(key []byte) string {
	h := sha256.New()
	h.Write([]byte("deid key fingerprint v1\x00"))
	h.Write(key)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// Pseudonymiser derives research identifiers: HMAC-SHA-256 under the
// profile's key, domain-separated by identifier kind so a patient id and a
// session id that happen to be equal never share a pseudonym.
type Pseudonymiser struct{ key []byte }

// NewPseudonymiser returns a pseudonymiser for key.
func NewPseudonymiser(key []byte) Pseudonymiser { return Pseudonymiser{key: key} }

// ID returns the pseudonym of id of the given kind ("patient", "session",
// "message", "therapist"): 16 bytes as 32 hex characters.
func (p Pseudonymiser) ID(kind, id string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(id))
	var buf [sha256.Size]byte
	return hex.EncodeToString(m.Sum(buf[:0])[:16])
}
