package pipeline

// Plain copy of an encrypted extract (deid decrypt), for partners whose
// tools cannot decrypt Parquet. Invariants: the caller has verified the
// extract first; only files the extract's manifest lists are copied, each
// checked again against the manifest's SHA-256 as it is read, so a file
// changed after verify is refused; the output folder is created by this
// run (it must not exist), mode 0700, files 0600, each written under a
// temporary name with O_EXCL|O_NOFOLLOW and renamed; on any failure the
// folder and everything in it, all created by this run, are removed.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
)

// DecryptedFormat names the manifest layout of a plain copy.
const DecryptedFormat = "deid-decrypted-copy/1"

// decryptedSealNote is the manifest's word on why a plain copy has no
// keyed seal.
const decryptedSealNote = "not sealed: this plain copy cannot carry the keyed seal of the encrypted extract (that seal covers the encrypted files); " +
	"the checksums below catch accidental change only, not a deliberate edit. decrypted_from is the keyed seal of the encrypted extract, verified before decryption."

// DecryptedManifest is manifest.json of a plain copy: the original
// extract's description, every plain file with its SHA-256, size and
// rows, and no encryption block.
type DecryptedManifest struct {
	Format         string         `json:"format"`
	DecryptedFrom  string         `json:"decrypted_from"`
	Encrypted      bool           `json:"encrypted"`
	Seal           string         `json:"seal"`
	Extract        string         `json:"extract"`
	Profile        string         `json:"profile"`
	ProfileHash    string         `json:"profile_hash"`
	Purpose        string         `json:"purpose"`
	ToolVersion    string         `json:"tool_version"`
	KeyFingerprint string         `json:"key_fingerprint"`
	OptOuts        OptOutsApplied `json:"opt_outs"`
	Files          []ManifestFile `json:"files"`
}

// DecryptExtract writes to out a plain copy of the verified encrypted
// extract in dir: every Parquet file the manifest lists decrypted, every
// other listed file but the extract folder's marker copied, and a
// DecryptedManifest. out must not exist.
func DecryptExtract(ctx context.Context, dir, out string, key handover.Key) (_ *DecryptedManifest, err error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if m.Encryption == nil || m.ManifestHMAC == "" {
		return nil, usagef("%s is not an encrypted, keyed-sealed extract: nothing to decrypt", filepath.Base(dir))
	}
	if err := os.Mkdir(out, 0o700); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, usagef("--out %s already exists: give a new folder (nothing was written)", out)
		}
		return nil, fmt.Errorf("creating --out: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(out)
		}
	}()
	// The umask may only narrow the mode; set it exactly.
	if err := os.Chmod(out, 0o700); err != nil {
		return nil, err
	}
	dm := &DecryptedManifest{
		Format: DecryptedFormat, DecryptedFrom: m.ManifestHMAC, Seal: decryptedSealNote,
		Extract: m.Extract, Profile: m.Profile, ProfileHash: m.ProfileHash, Purpose: m.Purpose,
		ToolVersion: m.ToolVersion, KeyFingerprint: m.KeyFingerprint, OptOuts: m.OptOuts,
	}
	for _, f := range m.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) || f.Path == "manifest.json" {
			return nil, fmt.Errorf("manifest: unsafe file path in entry %q", f.Path)
		}
		if f.Path == markerName {
			// The marker lets deid extract replace its folder; a plain
			// copy is not an extract deid may replace.
			continue
		}
		pf, err := decryptOne(ctx, dir, out, f, key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		dm.Files = append(dm.Files, pf)
	}
	b, err := json.MarshalIndent(dm, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeNew(filepath.Join(out, "manifest.json"), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	return dm, nil
}

// decryptOne checks f's source against the manifest's checksum and writes
// its plain form under out.
func decryptOne(ctx context.Context, dir, out string, f ManifestFile, key handover.Key) (ManifestFile, error) {
	rel := filepath.FromSlash(f.Path)
	src, err := os.OpenFile(filepath.Join(dir, rel), os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return ManifestFile{}, err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return ManifestFile{}, err
	}
	if !st.Mode().IsRegular() {
		return ManifestFile{}, errors.New("not a regular file")
	}
	// Hash the open file, then read the same file: what is decrypted is
	// what matched the manifest, even if the folder changed after verify.
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(src, 0, st.Size())); err != nil {
		return ManifestFile{}, err
	}
	if hex.EncodeToString(h.Sum(nil)) != f.SHA256 || st.Size() != f.Bytes {
		return ManifestFile{}, errors.New("changed since verify: checksum differs from the manifest")
	}
	if err := mkdirsUnder(out, filepath.Dir(rel)); err != nil {
		return ManifestFile{}, err
	}
	dst := filepath.Join(out, rel)
	parquetFile := strings.HasSuffix(f.Path, ".parquet")
	err = writeNew(dst, func(w io.Writer) error {
		if parquetFile {
			return handover.DecryptParquet(ctx, w, src, st.Size(), key)
		}
		_, err := io.Copy(w, io.NewSectionReader(src, 0, st.Size()))
		return err
	})
	if err != nil {
		return ManifestFile{}, err
	}
	sum, n, err := FileSHA256(dst)
	if err != nil {
		return ManifestFile{}, err
	}
	pf := ManifestFile{Path: f.Path, Dataset: f.Dataset, SchemaVersion: f.SchemaVersion, Bytes: n, SHA256: sum}
	if parquetFile {
		rows, err := parquetRows(dst)
		if err != nil {
			return ManifestFile{}, err
		}
		if rows != f.Rows {
			return ManifestFile{}, fmt.Errorf("decrypted file has %d rows, the manifest %d", rows, f.Rows)
		}
		pf.Rows = rows
	}
	return pf, nil
}

// parquetRows opens a plain Parquet file and returns its row count.
func parquetRows(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return 0, fmt.Errorf("decrypted file is not readable Parquet: %w", errReason("unreadable parquet"))
	}
	return pf.NumRows(), nil
}

// mkdirsUnder creates rel's folders under root, each 0700; root exists.
func mkdirsUnder(root, rel string) error {
	if rel == "." {
		return nil
	}
	p := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		if err := os.Mkdir(p, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a folder", rel)
		}
	}
	return nil
}

// writeNew writes path through a temporary name in its folder, created
// with createFile (O_EXCL|O_NOFOLLOW) and mode 0600, synced and renamed;
// the temporary file is removed on failure.
func writeNew(path string, fill func(io.Writer) error) (err error) {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	f, err := createFile(tmp)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if err = fill(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if _, err = os.Lstat(path); err == nil {
		return fmt.Errorf("%w: already exists", os.ErrExist)
	}
	return os.Rename(tmp, path)
}
