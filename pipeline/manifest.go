package pipeline

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
)

// ManifestFile describes one file of an extract.
type ManifestFile struct {
	Path          string `json:"path"` // relative to the extract folder, forward slashes
	Dataset       string `json:"dataset,omitempty"`
	SchemaVersion string `json:"schema_version,omitempty"`
	Rows          int64  `json:"rows,omitempty"`
	Bytes         int64  `json:"bytes"`
	SHA256        string `json:"sha256"`
}

// Manifest is manifest.json, written last: its presence means the extract
// is complete. It is sealed over its canonical content (see Seal): with an
// output key by ManifestHMAC, a MAC only the holders of the partner's key
// can compute, so an edit to any field (a dataset dropped, a row count
// changed) cannot be re-sealed by someone editing the folder; without one
// by ManifestSHA256, which catches accidental change only.
type Manifest struct {
	Format         string         `json:"format"`
	Extract        string         `json:"extract"`
	Profile        string         `json:"profile"`
	ProfileHash    string         `json:"profile_hash"`
	Purpose        string         `json:"purpose"`
	ToolVersion    string         `json:"tool_version"`
	KeyFingerprint string         `json:"key_fingerprint"`
	OptOuts        OptOutsApplied `json:"opt_outs"`
	Encryption     *Encryption    `json:"encryption,omitempty"`
	Files          []ManifestFile `json:"files"`
	// ManifestHMAC is the keyed seal (encrypted extracts).
	ManifestHMAC string `json:"manifest_hmac_sha256,omitempty"`
	// ManifestSHA256 is the unkeyed seal (extracts without an output key).
	ManifestSHA256 string `json:"manifest_sha256,omitempty"`
}

// OptOutsApplied records which opt-outs the extract honoured, so that
// verify can check them without the profile.
type OptOutsApplied struct {
	NationalDataOptOut bool   `json:"national_data_opt_out"`
	ResearchOptOut     bool   `json:"research_opt_out"`
	ListKind           string `json:"list_kind"`
}

// Encryption says how the Parquet files are encrypted and with which key
// (by label and fingerprint, never the key).
type Encryption struct {
	Scheme         string `json:"scheme"`
	KeyID          string `json:"key_id"`
	KeyFingerprint string `json:"key_fingerprint"`
}

// EncryptionScheme is Parquet modular encryption, AES-GCM for every module,
// one footer key, encrypted footer.
const EncryptionScheme = "parquet-modular-encryption/AES_GCM_V1/uniform"

// ManifestFormat names this manifest layout. Version 2 replaced the plain
// SHA-256 seal of version 1, which anyone could recompute after an edit,
// with the keyed seal; verify refuses version 1.
const ManifestFormat = "deid-extract/2"

// Seal field names: the canonical content is the manifest without the one
// being computed.
const (
	sealFieldKeyed   = "manifest_hmac_sha256"
	sealFieldUnkeyed = "manifest_sha256"
)

// sealLabel separates the seal key from every other use of the output key.
const sealLabel = "deid manifest seal v1"

// SealKey derives the manifest seal key from the partner's output key:
// HMAC-SHA-256(output key, "deid manifest seal v1"). The output key itself
// never MACs anything but Parquet modules.
func SealKey(k handover.Key) []byte {
	m := hmac.New(sha256.New, k.Bytes)
	m.Write([]byte(sealLabel))
	return m.Sum(nil)
}

// Seal seals the manifest. With key (the partner's output key) it sets
// ManifestHMAC to hex(HMAC-SHA-256(SealKey(key), canonical)); without, it
// sets ManifestSHA256 to hex(SHA-256(canonical)). canonical is the
// manifest without its seal field, as JSON with keys sorted, no
// whitespace and every character outside printable ASCII escaped as \uXXXX
// (Python's json.dumps(m, sort_keys=True, separators=(",", ":"))), so a
// partner can recompute it with the standard library (README, For
// partners).
func (m *Manifest) Seal(key *handover.Key) error {
	m.ManifestHMAC, m.ManifestSHA256 = "", ""
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c, err := canonicalManifest(b, "")
	if err != nil {
		return err
	}
	if key != nil {
		m.ManifestHMAC = sealMAC(key, c)
	} else {
		sum := sha256.Sum256(c)
		m.ManifestSHA256 = hex.EncodeToString(sum[:])
	}
	return nil
}

// SealValid reports whether raw, the bytes m was read from
// (ReadSealedManifest), carries a valid seal: with key, the keyed seal
// (ManifestHMAC) under it; without, the unkeyed ManifestSHA256, which
// catches accidental change only.
func (m *Manifest) SealValid(raw []byte, key *handover.Key) bool {
	if key != nil {
		c, err := canonicalManifest(raw, sealFieldKeyed)
		return err == nil && hmac.Equal([]byte(sealMAC(key, c)), []byte(m.ManifestHMAC))
	}
	c, err := canonicalManifest(raw, sealFieldUnkeyed)
	sum := sha256.Sum256(c)
	return err == nil && hex.EncodeToString(sum[:]) == m.ManifestSHA256
}

func sealMAC(key *handover.Key, canonical []byte) string {
	mac := hmac.New(sha256.New, SealKey(*key))
	mac.Write(canonical)
	return hex.EncodeToString(mac.Sum(nil))
}

// canonicalManifest returns the canonical form of the manifest JSON raw
// without its field drop (none when empty).
func canonicalManifest(raw []byte, drop string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the manifest")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	delete(obj, drop)
	var b []byte
	return appendCanonical(b, obj)
}

// appendCanonical writes v as Python's json.dumps(v, sort_keys=True,
// separators=(",", ":")) does. Only integers are accepted as numbers: the
// manifest has no others, and float formatting differs between languages.
func appendCanonical(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		b = append(b, "null"...)
	case bool:
		b = strconv.AppendBool(b, x)
	case json.Number:
		n, perr := strconv.ParseInt(string(x), 10, 64)
		if perr != nil {
			return nil, errors.New("a number that is not an integer")
		}
		b = strconv.AppendInt(b, n, 10)
	case string:
		b = appendCanonicalString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendCanonical(b, e); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // UTF-8 byte order is code point order, as Python sorts
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonicalString(b, k)
			b = append(b, ':')
			if b, err = appendCanonical(b, x[k]); err != nil {
				return nil, err
			}
		}
		b = append(b, '}')
	default:
		return nil, fmt.Errorf("unexpected JSON value %T", v)
	}
	return b, nil
}

// appendCanonicalString quotes s as Python's json.dumps with ensure_ascii.
func appendCanonicalString(b []byte, s string) []byte {
	const hexd = "0123456789abcdef"
	u := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hexd[r>>12&15], hexd[r>>8&15], hexd[r>>4&15], hexd[r&15])
	}
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, '\\', '"')
		case r == '\\':
			b = append(b, '\\', '\\')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\b':
			b = append(b, '\\', 'b')
		case r == '\f':
			b = append(b, '\\', 'f')
		case r >= 0x20 && r <= 0x7e:
			b = append(b, byte(r))
		case r > 0xffff:
			r -= 0x10000
			b = u(u(b, 0xd800+(r>>10)), 0xdc00+(r&0x3ff))
		case r == utf8.RuneError:
			// Go's decoder already replaced invalid UTF-8 with U+FFFD.
			b = u(b, r)
		default:
			b = u(b, r)
		}
	}
	return append(b, '"')
}

// FileSHA256 hashes a file as the manifest lists it: hex SHA-256 and size.
func FileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// describeFiles lists and hashes every file under dir except the manifest,
// in path order.
func describeFiles(dir string, rows map[string]int64, schemaOf map[string]string) ([]ManifestFile, error) {
	var out []ManifestFile
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "manifest.json" {
			return nil
		}
		sum, n, err := FileSHA256(p)
		if err != nil {
			return fmt.Errorf("hashing %s: %w", rel, err)
		}
		mf := ManifestFile{Path: rel, Bytes: n, SHA256: sum}
		if r, ok := rows[rel]; ok {
			mf.Rows = r
			mf.Dataset = filepath.ToSlash(filepath.Dir(rel))
			mf.SchemaVersion = schemaOf[mf.Dataset]
		}
		out = append(out, mf)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// ReadManifest loads manifest.json from an extract folder.
func ReadManifest(dir string) (*Manifest, error) {
	m, _, err := ReadSealedManifest(dir)
	return m, err
}

// ReadSealedManifest is ReadManifest also returning the manifest's bytes,
// which its seal covers (Manifest.SealValid).
func ReadSealedManifest(dir string) (*Manifest, []byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, fmt.Errorf("manifest: not valid JSON: %w", errReason("malformed manifest"))
	}
	return &m, b, nil
}

// errReason is an error's reason with nothing of the input in it.
type errReason string

func (e errReason) Error() string { return string(e) }
