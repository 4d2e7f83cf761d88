package handover

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// MinKeyBytes is the shortest secret LoadKey accepts (256 bits).
const MinKeyBytes = 32

// AESKeyBytes is the length of a handover encryption key: AES-256. The partner
// hands the same bytes to pyarrow or DuckDB, which accept only 16, 24 or 32
// bytes, so a longer secret cannot be silently truncated into a key.
const AESKeyBytes = 32

// KeySpec says where a key comes from: exactly one of Env (the name of an
// environment variable) or File (a path). Keys never come from the command
// line, so they stay out of shell history and process listings.
type KeySpec struct {
	// ID labels the key in the manifest and in the encrypted files' key
	// metadata (pyarrow's "master key id"). It is a name, not a secret.
	// Empty means the key's fingerprint.
	ID   string
	Env  string
	File string
}

// Key is a loaded secret. String, GoString, Format and MarshalJSON are
// overridden so that printing or serialising a Key by mistake shows the
// ID and fingerprint, never the bytes.
type Key struct {
	ID    string
	Bytes []byte
}

// ErrNoKey is returned (wrapped) when the configured variable or file is empty
// or unset.
var ErrNoKey = errors.New("key not set")

// LoadKey reads the key named by spec. The value is hex or base64 (standard
// or URL alphabet, padded or not), surrounding whitespace ignored; it must
// decode to at least MinKeyBytes. Errors name the variable or file and the
// decoded length, never the value.
func LoadKey(spec KeySpec) (Key, error) {
	var raw []byte
	var where string
	switch {
	case spec.Env != "" && spec.File != "":
		return Key{}, fmt.Errorf("key %q: give an environment variable or a file, not both", spec.ID)
	case spec.Env != "":
		where = "environment variable " + spec.Env
		v, ok := os.LookupEnv(spec.Env)
		if !ok || strings.TrimSpace(v) == "" {
			return Key{}, fmt.Errorf("key: %s: %w", where, ErrNoKey)
		}
		raw = []byte(v)
	case spec.File != "":
		where = "key file " + spec.File
		b, err := os.ReadFile(spec.File)
		if err != nil {
			// The path is named by the profile, not secret; os errors
			// carry only the path and the reason.
			return Key{}, fmt.Errorf("key: reading %s: %w", where, err)
		}
		if len(strings.TrimSpace(string(b))) == 0 {
			return Key{}, fmt.Errorf("key: %s: %w", where, ErrNoKey)
		}
		raw = b
	default:
		return Key{}, fmt.Errorf("key %q: no environment variable or file configured", spec.ID)
	}
	k, err := ParseKey(spec.ID, raw)
	if err != nil {
		return Key{}, fmt.Errorf("key: %s: %w", where, err)
	}
	return k, nil
}

// ParseKey decodes a key from its text form (hex or base64). id labels it;
// empty means the fingerprint. Errors never contain the text.
func ParseKey(id string, text []byte) (Key, error) {
	b, err := decodeKeyText(strings.TrimSpace(string(text)))
	if err != nil {
		return Key{}, err
	}
	if len(b) < MinKeyBytes {
		return Key{}, fmt.Errorf("%d bytes after decoding, need at least %d (generate one with: openssl rand -base64 32)", len(b), MinKeyBytes)
	}
	if id == "" {
		id = Fingerprint(b)
	}
	return Key{ID: id, Bytes: b}, nil
}

// decodeKeyText tries hex first: an even-length string of hex digits is
// taken as hex. A base64 key of 32 bytes is 43 or 44 characters and, padded,
// ends in '=', so the two forms a key generator produces are never confused.
func decodeKeyText(s string) ([]byte, error) {
	if s == "" {
		return nil, ErrNoKey
	}
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
	// Deliberately no detail from the decoders: their messages quote the
	// offending byte position, which narrows the secret down.
	return nil, errors.New("neither hex nor base64")
}

// Fingerprint identifies a key in the manifest without revealing it:
// "sha256:" and 32 hex digits of a domain-separated SHA-256, so it is not a
// hash that could be matched against the same secret used elsewhere. It is
// the same derivation as pipeline.KeyFingerprint, so both name a key alike.
func Fingerprint(key []byte) string {
	h := sha256.New()
	h.Write([]byte("deid key fingerprint v1\x00"))
	h.Write(key)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// Fingerprint is the key's fingerprint.
func (k Key) Fingerprint() string { return Fingerprint(k.Bytes) }

// String shows the ID and fingerprint only.
func (k Key) String() string {
	return fmt.Sprintf("key %q (%s)", k.ID, k.Fingerprint())
}

// GoString keeps %#v from printing the bytes.
func (k Key) GoString() string { return k.String() }

// Format keeps every verb (%x, %v, %+v, %d ...) from printing the bytes.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// MarshalJSON writes the ID and fingerprint only, so a Key embedded in a
// logged or serialised struct cannot leak.
func (k Key) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{"id":%q,"fingerprint":%q}`, k.ID, k.Fingerprint())), nil
}

// checkAES returns an error unless the key is usable for AES-256.
func (k Key) checkAES() error {
	if len(k.Bytes) != AESKeyBytes {
		return fmt.Errorf("key %q: handover encryption needs exactly %d bytes (AES-256), this key has %d", k.ID, AESKeyBytes, len(k.Bytes))
	}
	return nil
}
