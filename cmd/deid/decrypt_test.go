package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/nhs-talking-therapies/deid/internal/azuritetest"
	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/pipeline/deliver"
)

// duckdbCount is a Python script that reads every Parquet file named on
// its command line with DuckDB, fetching every column of every row, and
// prints {path: rows} as JSON.
const duckdbCount = `
import json, sys
import duckdb
out = {}
for p in sys.argv[1:]:
    rows = duckdb.sql("select * from read_parquet($p)", params={"p": p}).fetchall()
    out[p] = len(rows)
print(json.dumps(out))
`

// duckdbPython returns python3 when it can import duckdb; otherwise it
// skips the test with the reason, or fails it under CI, which installs
// DuckDB.
func duckdbPython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import duckdb").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 with duckdb is needed to read deid decrypt's output: %v (.ci/run installs it)", err)
		}
		t.Skipf("skipping the DuckDB read: python3 with duckdb not available: %v", err)
	}
	return py
}

func decryptArgs(dir, out string) []string {
	return []string{"decrypt", dir, "--decrypt-key-env", "DEID_OUTPUT_KEY", "--out", out}
}

// TestDecryptReadsInDuckDB: deid decrypt writes the extract's layout as
// plain Parquet, 0700/0600, with a manifest of the plain files; DuckDB
// reads every Parquet file with the original manifest's row counts.
func TestDecryptReadsInDuckDB(t *testing.T) {
	py := duckdbPython(t)
	dir := vgExtract(t, "")
	orig, err := pipeline.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "plain")
	r := mustDeid(t, hKeys(), decryptArgs(dir, out)...)
	if !strings.Contains(r.stderr, "NOT encrypted") {
		t.Errorf("no warning that the copy is not encrypted:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, hOutputKey) {
		t.Errorf("output prints the key")
	}
	var dm pipeline.DecryptedManifest
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &dm); err != nil {
		t.Fatal(err)
	}
	if dm.Format != pipeline.DecryptedFormat || dm.DecryptedFrom != orig.ManifestHMAC || dm.Encrypted || strings.Contains(string(b), `"encryption"`) {
		t.Errorf("manifest does not say it is a decrypted copy of %s:\n%s", orig.ManifestHMAC, b)
	}
	// The extract folder's marker is not copied: deid extract must not
	// take the plain copy for an extract it may replace.
	var origFiles []pipeline.ManifestFile
	for _, f := range orig.Files {
		if f.Path != ".deid-extract" {
			origFiles = append(origFiles, f)
		}
	}
	if len(dm.Files) != len(origFiles) || len(origFiles) == len(orig.Files) {
		t.Fatalf("%d files in the plain manifest, %d in the original (%d with the marker)", len(dm.Files), len(origFiles), len(orig.Files))
	}
	// Every file the plain manifest lists is there with its checksum;
	// nothing else is, and every mode is the user's only.
	tree := treeFiles(t, out)
	if len(tree) != len(dm.Files)+1 {
		t.Errorf("%d files in the copy, want %d and manifest.json", len(tree), len(dm.Files))
	}
	var parquets []string
	wantRows := map[string]int64{}
	for i, f := range dm.Files {
		if _, ok := tree[f.Path]; !ok {
			t.Errorf("%s listed but missing", f.Path)
		}
		if o := origFiles[i]; o.Path != f.Path || o.Rows != f.Rows {
			t.Errorf("%s: %d rows, the original %s %d", f.Path, f.Rows, o.Path, o.Rows)
		}
		if strings.HasSuffix(f.Path, ".parquet") {
			p := filepath.Join(out, filepath.FromSlash(f.Path))
			parquets = append(parquets, p)
			wantRows[p] = origFiles[i].Rows
		} else if string(tree[f.Path]) != string(treeFiles(t, dir)[f.Path]) {
			t.Errorf("%s not copied unchanged", f.Path)
		}
	}
	err = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		want := os.FileMode(0o600)
		if d.IsDir() {
			want = os.ModeDir | 0o700
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(parquets) == 0 {
		t.Fatal("no Parquet file in the copy")
	}
	got, err := exec.Command(py, append([]string{"-c", duckdbCount}, parquets...)...).Output()
	if err != nil {
		t.Fatalf("DuckDB could not read the copy: %v", err)
	}
	var rows map[string]int64
	if err := json.Unmarshal(got, &rows); err != nil {
		t.Fatalf("%v: %s", err, got)
	}
	for p, want := range wantRows {
		if rows[p] != want {
			t.Errorf("DuckDB reads %d rows from %s, the manifest says %d", rows[p], p, want)
		}
	}
}

// TestDecryptRefuses: an extract that fails verify (edited without the
// key, a flipped byte, the wrong key), a missing key and an existing
// folder are refused, and no output folder is left.
func TestDecryptRefuses(t *testing.T) {
	clean := vgExtract(t, "")
	key := vgOutputKey(t)
	wrong := hEnv("DEID_KEY="+hKey, "DEID_OUTPUT_KEY="+strings.Repeat("ab", 32))
	cases := []struct {
		name    string
		env     []string
		tamper  func(t *testing.T, dir string)
		out     func(t *testing.T) string // nil: a new path
		code    int
		wantOut string
	}{
		{name: "row count re-sealed without the key", env: hKeys(), code: exitRun, wantOut: "FAILED", tamper: func(t *testing.T, dir string) {
			editManifest(t, dir, nil, func(m *pipeline.Manifest) {
				for i := range m.Files {
					if m.Files[i].Rows > 0 {
						m.Files[i].Rows++
						return
					}
				}
			})
		}},
		{name: "flipped byte in a Parquet file", env: hKeys(), code: exitRun, wantOut: "FAILED", tamper: func(t *testing.T, dir string) {
			p := filepath.Join(dir, "notes", "part-00000.parquet")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 1
			os.WriteFile(p, b, 0o644)
		}},
		{name: "flipped byte, manifest re-sealed with the key", env: hKeys(), code: exitRun, wantOut: "FAILED", tamper: func(t *testing.T, dir string) {
			p := filepath.Join(dir, "transcripts", "part-00000.parquet")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 1
			os.WriteFile(p, b, 0o644)
			editManifest(t, dir, key, updateEntry(t, dir, "transcripts/part-00000.parquet", -1))
		}},
		{name: "wrong key", env: wrong, code: exitRun, wantOut: "FAILED"},
		{name: "key unset", env: hEnv("DEID_KEY=" + hKey), code: exitUsage},
		{name: "existing empty folder", env: hKeys(), code: exitUsage, out: func(t *testing.T) string { return t.TempDir() }},
		{name: "existing folder with a file", env: hKeys(), code: exitUsage, out: func(t *testing.T) string {
			d := t.TempDir()
			os.WriteFile(filepath.Join(d, "keep.txt"), []byte("mine"), 0o644)
			return d
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := clean
			if c.tamper != nil {
				dir = filepath.Join(t.TempDir(), hID)
				copyDir(t, clean, dir)
				c.tamper(t, dir)
			}
			out := filepath.Join(t.TempDir(), "plain")
			var before map[string][]byte
			if c.out != nil {
				out = c.out(t)
				before = treeFiles(t, out)
			}
			r := deid(t, c.env, decryptArgs(dir, out)...)
			if r.code != c.code || !strings.Contains(r.stdout, c.wantOut) {
				t.Fatalf("exit %d, want %d with %q\n%s%s", r.code, c.code, c.wantOut, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, hOutputKey) {
				t.Errorf("output prints the key")
			}
			if c.out == nil {
				if _, err := os.Lstat(out); !os.IsNotExist(err) {
					t.Errorf("--out created on refusal: %v", err)
				}
			} else if d := sameTree(before, treeFiles(t, out)); d != "" {
				t.Errorf("existing folder changed: %s", d)
			}
		})
	}
	t.Run("missing arguments", func(t *testing.T) {
		for _, args := range [][]string{{"decrypt"}, {"decrypt", clean, "--decrypt-key-env", "DEID_OUTPUT_KEY"}, {"decrypt", clean, "--out", filepath.Join(t.TempDir(), "x")}} {
			if r := deid(t, hKeys(), args...); r.code != exitUsage {
				t.Errorf("%v: exit %d, want %d", args, r.code, exitUsage)
			}
		}
	})
}

// TestDecryptCleansUpMidway: a file that changed after verify (here: never
// verified) is refused when decryption reaches it, and the files already
// written, all this run's, are removed with the folder.
func TestDecryptCleansUpMidway(t *testing.T) {
	dir := filepath.Join(t.TempDir(), hID)
	copyDir(t, vgExtract(t, ""), dir)
	m, err := pipeline.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	last := m.Files[len(m.Files)-1].Path
	p := filepath.Join(dir, filepath.FromSlash(last))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	os.WriteFile(p, b, 0o644)
	out := filepath.Join(t.TempDir(), "plain")
	_, err = pipeline.DecryptExtract(context.Background(), dir, out, *vgOutputKey(t))
	if err == nil || !strings.Contains(err.Error(), last+": changed since verify") {
		t.Fatalf("got %v, want %s refused as changed", err, last)
	}
	if _, err := os.Lstat(out); !os.IsNotExist(err) {
		t.Errorf("--out left behind after a failure: %v", err)
	}
}

// TestDecryptRemote: an azblob:// extract is downloaded to a temporary
// folder, verified and decrypted like a local one; only --out is left.
func TestDecryptRemote(t *testing.T) {
	conn := azuritetest.Start(t)
	client, err := azblob.NewClientFromConnectionString(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateContainer(t.Context(), "partner", nil); err != nil {
		t.Fatal(err)
	}
	prof, err := filepath.Abs(hProfile)
	if err != nil {
		t.Fatal(err)
	}
	in, err := filepath.Abs(vgSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	// A remote extract keeps its internal folder in the working
	// directory: a temporary one, not the package's.
	work := t.TempDir()
	env := append(hKeys(), deliver.ConnectionStringEnv+"="+conn)
	out := filepath.Join(t.TempDir(), "plain")
	for _, args := range [][]string{
		{"extract", "--profile", prof, "--in", in, "--out", "azblob://partner/ucl", "--id", hID},
		decryptArgs("azblob://partner/ucl", out),
	} {
		cmd := exec.Command(deidBinary(t), args...)
		cmd.Dir, cmd.Env = work, env
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("deid %s: %v\n%s", args[0], err, b)
		}
	}
	dm, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil || !strings.Contains(string(dm), pipeline.DecryptedFormat) {
		t.Fatalf("no plain manifest: %v", err)
	}
	for _, p := range []string{"DATA_DICTIONARY.md", "transcripts/part-00000.parquet"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Error(err)
		}
	}
}
