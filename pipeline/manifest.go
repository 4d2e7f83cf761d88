package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
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
// is complete. It covers itself with a checksum over its canonical content
// (ManifestSHA256), so an edit to any field is detected by verify.
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
	ManifestSHA256 string         `json:"manifest_sha256"`
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

// ManifestFormat names this manifest layout.
const ManifestFormat = "deid-extract/1"

// Seal computes ManifestSHA256 over the manifest with that field empty.
func (m *Manifest) Seal() {
	m.ManifestSHA256 = m.digest()
}

// Sealed reports whether ManifestSHA256 matches the content.
func (m *Manifest) Sealed() bool { return m.ManifestSHA256 != "" && m.ManifestSHA256 == m.digest() }

func (m *Manifest) digest() string {
	c := *m
	c.ManifestSHA256 = ""
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fileSHA256 hashes a file.
func fileSHA256(path string) (string, int64, error) {
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
		sum, n, err := fileSHA256(p)
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
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest: not valid JSON: %w", errReason("malformed manifest"))
	}
	return &m, nil
}
