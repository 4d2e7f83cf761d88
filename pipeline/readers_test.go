package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nhs-talking-therapies/deid/fixtures/synth"
)

// Every dataset of an extract read by each partner reader the README names
// (parquet-java, what Spark, Hive and Trino use; pyarrow; polars; and, for
// the encrypted extract, PySpark with the shipped KMS client), each
// decrypting with the key alone or through parquet-java's standard crypto
// factory, must give the same row counts as the
// manifest and the same values as each other, column by column. The readers
// report a checksum of each column in one canonical form
// (fixtures/interop/checksums.py, fixtures/interop/java), so no data leaves
// them. A reader that is not installed (Java and the jars .ci/run fetches,
// pyarrow, polars, pyspark) is left out with a log line and the others still
// compared; under CI its absence fails.

const interopJava = "../fixtures/interop/java"

type columnSum struct {
	Name   string `json:"name"`
	Nulls  int64  `json:"nulls"`
	SHA256 string `json:"sha256"`
}

type readerSums struct {
	Reader string `json:"reader"`
	Files  []struct {
		Path    string      `json:"path"`
		Rows    int64       `json:"rows"`
		Columns []columnSum `json:"columns"`
		Error   string      `json:"error"`
	} `json:"files"`
}

// available returns a reader's command, or nil with a log line when it is
// not installed (the test goes on with the others); under CI, where
// .ci/run installs every reader, a missing one fails.
func available(t *testing.T, get func() ([]string, error)) []string {
	t.Helper()
	cmd, err := get()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (.ci/run installs it)", err)
		}
		t.Logf("skipping a reader: %v", err)
		return nil
	}
	return cmd
}

// javaReader returns the command that runs fixtures/interop/java's reader,
// building it offline first when its jar is missing or older than its
// sources (Maven's cache then has the dependencies .ci/run fetched).
func javaReader() ([]string, error) {
	if _, err := exec.LookPath("java"); err != nil {
		return nil, errors.New("parquet-java reader: java not installed")
	}
	target := filepath.Join(interopJava, "target")
	jar := filepath.Join(target, "deid-interop.jar")
	if stale(jar, filepath.Join(interopJava, "src"), filepath.Join(interopJava, "pom.xml")) {
		if _, err := exec.LookPath("mvn"); err != nil {
			return nil, fmt.Errorf("parquet-java reader: %s missing or stale and mvn not installed", jar)
		}
		cmd := exec.Command("mvn", "-q", "-o", "-B", "package", "-Dmaven.test.skip=true")
		cmd.Dir = interopJava
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("parquet-java reader: offline build failed (run `mvn -q package` in %s once): %s", interopJava, lastLines(out, 5))
		}
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	return []string{"java", "-cp", filepath.Join(abs, "lib", "*") + string(os.PathListSeparator) + filepath.Join(abs, "deid-interop.jar"), "deid.interop.ReadExtract"}, nil
}

// stale reports whether out is missing or older than any file under ins.
func stale(out string, ins ...string) bool {
	st, err := os.Stat(out)
	if err != nil {
		return true
	}
	newer := false
	for _, in := range ins {
		_ = filepath.Walk(in, func(_ string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() && fi.ModTime().After(st.ModTime()) {
				newer = true
			}
			return nil
		})
	}
	return newer
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func pythonReader(module string) ([]string, error) {
	if err := exec.Command("python3", "-c", "import "+module).Run(); err != nil {
		return nil, fmt.Errorf("%s reader: python3 -c 'import %s': %w", module, module, err)
	}
	script, err := filepath.Abs("../fixtures/interop/checksums.py")
	if err != nil {
		return nil, err
	}
	return []string{"python3", script, "--reader", module}, nil
}

// sparkReader returns the command that reads with PySpark through
// parquet-java's PropertiesDrivenCryptoFactory and the KMS client of
// fixtures/interop/java (the README's Spark route); it needs the jar
// javaReader builds.
func sparkReader() ([]string, error) {
	if _, err := javaReader(); err != nil {
		return nil, fmt.Errorf("pyspark reader: %w", err)
	}
	return pythonReader("pyspark")
}

func runReader(t *testing.T, cmdline []string, args ...string) readerSums {
	t.Helper()
	cmd := exec.Command(cmdline[0], append(cmdline[1:], args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	var rep readerSums
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("%s: output is not JSON (%v; exit %v): %s", cmdline[len(cmdline)-1], jerr, err, lastLines(stderr.Bytes(), 5))
	}
	t.Logf("%s: %d files in %v", rep.Reader, len(rep.Files), time.Since(start).Round(time.Millisecond))
	for _, f := range rep.Files {
		if f.Error != "" {
			t.Errorf("%s cannot read %s: %s", rep.Reader, f.Path, f.Error)
		}
	}
	if err != nil && !t.Failed() {
		t.Errorf("%s: %v", rep.Reader, err)
	}
	return rep
}

func TestPartnerReadersAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	for _, tc := range []struct {
		name, profile string
		encrypted     bool
		// textMB > 0: a synthetic snapshot of this many MB of free text
		// instead of the committed one, and only the datasets listed in
		// only are read.
		textMB float64
		only   []string
		spark  bool
	}{
		{name: "encrypted university extract", profile: university, encrypted: true, spark: true},
		{name: "plain service-evaluation extract", profile: "../fixtures/profiles/service-evaluation.yaml"},
		// 15 MB of text gives about 2.6 MB of distinct notes in one row
		// group: the notes' text dictionary passes its bound and the
		// column goes on in PLAIN pages, a chunk of both kinds.
		{name: "encrypted extract with a text dictionary fallback", profile: university, encrypted: true, textMB: 15, only: []string{"notes", "transcripts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Resolve the readers first so a missing one skips before the
			// extract runs.
			type reader struct {
				name string
				cmd  []string
			}
			var readers []reader
			for _, r := range []struct {
				name string
				get  func() ([]string, error)
			}{
				{"parquet-java", javaReader},
				{"pyarrow", func() ([]string, error) { return pythonReader("pyarrow") }},
				{"polars", func() ([]string, error) { return pythonReader("polars") }},
			} {
				if cmd := available(t, r.get); cmd != nil {
					readers = append(readers, reader{r.name, cmd})
				}
			}
			if len(readers) == 0 {
				t.Skip("no partner reader installed (java with fixtures/interop/java built, python3 with pyarrow or polars)")
			}

			in := snapshot
			if tc.textMB > 0 {
				in = t.TempDir()
				if _, err := synth.Generate(context.Background(), synth.Options{TextMB: tc.textMB, Seed: 7, OutDir: in}); err != nil {
					t.Fatal(err)
				}
			}
			res := runExtract(t, tc.profile, in, keyA, 2)
			if tc.textMB > 0 {
				// A dictionary page holds each distinct text once: past
				// 2 MB of them no bounded dictionary holds them all.
				_, notes := readParquet(t, filepath.Join(res.Dir, "notes", "part-00000.parquet"))
				distinct := map[string]bool{}
				size := 0
				for _, r := range notes {
					if s, ok := r["text"].(string); ok && !distinct[s] {
						distinct[s] = true
						size += len(s)
					}
				}
				if size <= 2<<20 {
					t.Fatalf("notes hold %d bytes of distinct text; the case needs more than 2 MB to pass the dictionary bound", size)
				}
			}
			var args []string
			if tc.encrypted {
				keyFile := filepath.Join(t.TempDir(), "partner.key")
				// The key file as the README documents it: base64, no newline.
				if err := os.WriteFile(keyFile, []byte(outKey), 0o600); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--key-file", keyFile)
			}
			rows := map[string]int64{} // dataset folder → manifest rows
			for _, f := range res.Manifest.Files {
				if len(tc.only) > 0 && !slices.Contains(tc.only, filepath.Dir(f.Path)) {
					continue
				}
				if strings.HasSuffix(f.Path, ".parquet") {
					rows[filepath.Join(res.Dir, filepath.Dir(f.Path))] += f.Rows
				}
			}
			var dirs []string
			for d := range rows {
				dirs = append(dirs, d)
			}
			sort.Strings(dirs)
			if len(dirs) == 0 {
				t.Fatal("manifest lists no Parquet files")
			}
			args = append(args, dirs...)

			var reports []readerSums
			for _, r := range readers {
				reports = append(reports, runReader(t, r.cmd, args...))
			}
			if tc.encrypted && readers[0].name == "parquet-java" {
				// Spark's route: parquet-java's PropertiesDrivenCryptoFactory
				// with the KMS client shipped in fixtures/interop/java.
				kms := append(append([]string{}, readers[0].cmd...), "--kms", res.Manifest.Encryption.KeyID)
				reports = append(reports, runReader(t, kms, args...))
			}
			if tc.spark {
				// Spark itself (PySpark), on the same route. A Spark
				// session takes half a minute to start, so only the
				// encrypted extract, the one that needs its set-up.
				if cmd := available(t, sparkReader); cmd != nil {
					kms := append(append([]string{}, cmd...), "--kms", res.Manifest.Encryption.KeyID)
					reports = append(reports, runReader(t, kms, args...))
				}
			}
			if t.Failed() {
				return
			}

			ref := reports[0]
			got := map[string]int64{}
			for _, f := range ref.Files {
				got[filepath.Dir(f.Path)] += f.Rows
			}
			for d, n := range rows {
				if got[d] != n {
					t.Errorf("%s: %s read %d rows, manifest says %d", d, ref.Reader, got[d], n)
				}
			}
			for _, rep := range reports[1:] {
				if len(rep.Files) != len(ref.Files) {
					t.Errorf("%s read %d files, %s %d", rep.Reader, len(rep.Files), ref.Reader, len(ref.Files))
					continue
				}
				for i, f := range rep.Files {
					r := ref.Files[i]
					if f.Path != r.Path || f.Rows != r.Rows {
						t.Errorf("%s: %s has %d rows, %s %s %d", f.Path, rep.Reader, f.Rows, ref.Reader, r.Path, r.Rows)
						continue
					}
					if len(f.Columns) != len(r.Columns) {
						t.Errorf("%s: %s sees %d columns, %s %d", f.Path, rep.Reader, len(f.Columns), ref.Reader, len(r.Columns))
						continue
					}
					for j, c := range f.Columns {
						if c != r.Columns[j] {
							t.Errorf("%s column %s: %s reads %d nulls, values %.12s; %s %d nulls, values %.12s",
								f.Path, r.Columns[j].Name, rep.Reader, c.Nulls, c.SHA256, ref.Reader, r.Columns[j].Nulls, r.Columns[j].SHA256)
						}
					}
				}
			}
		})
	}
}
