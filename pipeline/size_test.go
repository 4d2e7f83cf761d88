package pipeline_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/fixtures/synth"
)

// maxSizeRatio is how much larger than pyarrow's rewrite of the same table
// (zstd, pyarrow's defaults otherwise) a dataset's encrypted file may be.
const maxSizeRatio = 1.2

// The extract make demo writes (300 synthetic patients, seed 2024,
// university profile, encrypted) stays within maxSizeRatio of pyarrow's
// rewrite, dataset by dataset, as fixtures/interop/size_vs_pyarrow.py
// measures it: a partner should not pay in storage for deid's encodings.
// Skipped where python3 with pyarrow is not installed.
func TestExtractSizeAgainstPyarrow(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	if err := exec.Command("python3", "-c", "import pyarrow").Run(); err != nil {
		t.Skip("python3 with pyarrow not installed: size comparison skipped")
	}
	snap := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{Patients: 300, Seed: 2024, OutDir: snap}); err != nil {
		t.Fatal(err)
	}
	res := runExtract(t, university, snap, keyA, 2)
	keyFile := filepath.Join(t.TempDir(), "partner.key")
	if err := os.WriteFile(keyFile, []byte(outKey), 0o600); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("../fixtures/interop/size_vs_pyarrow.py")
	out, err := exec.Command("python3", script, "--json", "--key-file", keyFile, res.Dir).Output()
	if err != nil {
		t.Fatalf("size_vs_pyarrow.py: %v", err)
	}
	var rep struct {
		Reader   string `json:"reader"`
		Datasets []struct {
			Dataset      string  `json:"dataset"`
			Deid         int64   `json:"deid_bytes"`
			PyarrowZstd  int64   `json:"pyarrow_zstd_bytes"`
			PyarrowPlain int64   `json:"pyarrow_default_bytes"`
			Ratio        float64 `json:"ratio"`
		} `json:"datasets"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("size_vs_pyarrow.py output: %v", err)
	}
	datasets := map[string]bool{}
	for _, f := range res.Manifest.Files {
		if strings.HasSuffix(f.Path, ".parquet") {
			datasets[filepath.Dir(f.Path)] = true
		}
	}
	if len(rep.Datasets) != len(datasets) {
		t.Fatalf("%d datasets measured, the manifest lists %d", len(rep.Datasets), len(datasets))
	}
	for _, d := range rep.Datasets {
		t.Logf("%-15s deid %8d bytes, %s zstd rewrite %8d (ratio %.2f), default (snappy) rewrite %8d",
			d.Dataset, d.Deid, rep.Reader, d.PyarrowZstd, d.Ratio, d.PyarrowPlain)
		if d.Ratio > maxSizeRatio {
			t.Errorf("%s: %d bytes, %.2f times pyarrow's zstd rewrite (%d bytes); at most %.1f",
				d.Dataset, d.Deid, d.Ratio, d.PyarrowZstd, maxSizeRatio)
		}
	}
}
