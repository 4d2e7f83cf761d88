package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rscript returns Rscript when R can load reticulate; otherwise it skips
// the test with the reason, or fails it under CI, which installs both
// (Debian's r-base-core and r-cran-reticulate).
func rscript(t *testing.T) string {
	t.Helper()
	r, err := exec.LookPath("Rscript")
	if err == nil {
		err = exec.Command(r, "-e", "suppressMessages(library(reticulate))").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Rscript with reticulate is needed to read deid decrypt's output in R: %v (.ci/run installs it)", err)
		}
		t.Skipf("skipping the R read: Rscript with reticulate not available: %v", err)
	}
	return r
}

// TestDecryptReadsInR: R reads every dataset of deid decrypt's plain copy
// into data frames (fixtures/interop/read_extract.R, through reticulate
// and pyarrow), and what it reads, column by column (rows, values present,
// total characters, sums), is what pyarrow reads.
func TestDecryptReadsInR(t *testing.T) {
	r := rscript(t)
	py := duckdbPython(t) // python3 with the partner-side packages, pyarrow among them
	dir := vgExtract(t, "")
	out := filepath.Join(t.TempDir(), "plain")
	mustDeid(t, hKeys(), decryptArgs(dir, out)...)

	script, err := filepath.Abs("../../fixtures/interop/read_extract.R")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(r, script, out)
	cmd.Env = append(os.Environ(), "DEID_PYTHON="+py)
	fromR, err := cmd.Output()
	if err != nil {
		t.Fatalf("R could not read the copy: %v", err)
	}
	summ, err := filepath.Abs("../../fixtures/interop/summarise_extract.py")
	if err != nil {
		t.Fatal(err)
	}
	fromPy, err := exec.Command(py, summ, out).Output()
	if err != nil {
		t.Fatalf("pyarrow could not read the copy: %v", err)
	}
	rl, pl := strings.Split(strings.TrimSpace(string(fromR)), "\n"), strings.Split(strings.TrimSpace(string(fromPy)), "\n")
	datasets := map[string]bool{}
	for _, l := range pl {
		datasets[strings.Fields(l)[0]] = true
	}
	if len(datasets) != 7 {
		t.Errorf("pyarrow summarised %d datasets, want 7:\n%s", len(datasets), fromPy)
	}
	if len(rl) != len(pl) {
		t.Fatalf("R summarised %d columns, pyarrow %d", len(rl), len(pl))
	}
	for i := range pl {
		if rl[i] != pl[i] {
			t.Errorf("R and pyarrow differ:\n R:       %s\n pyarrow: %s", rl[i], pl[i])
		}
	}
}
