package pipeline_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/schemas"
)

// The partner's view: every dataset of an extract read with pyarrow and
// with DuckDB (plain, and encrypted after decryption with the partner's
// documented pyarrow command), with row counts checked against the
// manifest and column names and types against the data dictionary.

// partnerTypes are the types a partner's readers report for each schema
// type: pyarrow's, then DuckDB's.
var partnerTypes = map[schemas.Type][2]string{
	schemas.String:    {"string", "VARCHAR"},
	schemas.Int32:     {"int32", "INTEGER"},
	schemas.Bool:      {"bool", "BOOLEAN"},
	schemas.Int32List: {"list<element: int32>", "INTEGER[]"},
}

type readerColumn struct{ Name, Type string }

type readReport struct {
	Problems []any `json:"problems"`
	Files    []struct {
		Path      string `json:"path"`
		Dataset   string `json:"dataset"`
		Encrypted bool   `json:"encrypted"`
		Manifest  struct {
			Rows int64 `json:"rows"`
		} `json:"manifest"`
		Pyarrow   *reading `json:"pyarrow"`
		DuckDB    *reading `json:"duckdb"`
		Decrypted *struct {
			Pyarrow *reading `json:"pyarrow"`
			DuckDB  *reading `json:"duckdb"`
		} `json:"decrypted"`
	} `json:"files"`
}

type reading struct {
	Rows    int64          `json:"rows"`
	Columns []readerColumn `json:"columns"`
	Error   string         `json:"error"`
}

func needPython(t *testing.T) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import pyarrow, duckdb").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 with pyarrow and duckdb is required in CI (.ci/run installs them)")
		}
		t.Skip("python3 with pyarrow and duckdb not installed")
	}
}

func TestPartnerReadsExtract(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	needPython(t)
	script, _ := filepath.Abs("../fixtures/interop/read_extract.py")
	for _, tc := range []struct {
		name, profile string
		encrypted     bool
	}{
		{"encrypted university extract", university, true},
		{"plain service-evaluation extract", "../fixtures/profiles/service-evaluation.yaml", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runExtract(t, tc.profile, snapshot, keyA, 2)
			args := []string{script, res.Dir, "--check"}
			if tc.encrypted {
				args = append(args, "--key-env", "DEID_OUTPUT_KEY", "--decrypt-to", t.TempDir()+"/plain")
			}
			cmd := exec.Command("python3", args...)
			cmd.Env = append(os.Environ(), "DEID_OUTPUT_KEY="+outKey)
			out, err := cmd.Output()
			var rep readReport
			if jerr := json.Unmarshal(out, &rep); jerr != nil {
				t.Fatalf("partner script: %v (%v)", jerr, err)
			}
			if err != nil || len(rep.Problems) > 0 {
				t.Fatalf("partner script: %v problems %v", err, rep.Problems)
			}
			selected := map[string]schemas.Dataset{}
			p, _ := loadProfile(t, tc.profile)
			for _, ds := range p {
				selected[ds.Name] = ds
			}
			if len(rep.Files) != len(selected) {
				t.Fatalf("%d files read, profile has %d datasets", len(rep.Files), len(selected))
			}
			for _, f := range rep.Files {
				if f.Encrypted != tc.encrypted {
					t.Errorf("%s: encrypted=%v", f.Path, f.Encrypted)
				}
				py, duck := f.Pyarrow, f.DuckDB
				if tc.encrypted {
					py, duck = f.Decrypted.Pyarrow, f.Decrypted.DuckDB
				}
				ds := selected[f.Dataset]
				for i, r := range []*reading{py, duck} {
					reader := []string{"pyarrow", "duckdb"}[i]
					if r == nil || r.Error != "" {
						t.Errorf("%s: %s could not read it: %v", f.Path, reader, r)
						continue
					}
					if r.Rows != f.Manifest.Rows {
						t.Errorf("%s: %s read %d rows, manifest says %d", f.Path, reader, r.Rows, f.Manifest.Rows)
					}
					if len(r.Columns) != len(ds.Columns) {
						t.Errorf("%s: %s sees %d columns, dictionary has %d", f.Path, reader, len(r.Columns), len(ds.Columns))
						continue
					}
					for j, c := range ds.Columns {
						want := partnerTypes[c.Type][i]
						if r.Columns[j].Name != c.Name || r.Columns[j].Type != want {
							t.Errorf("%s: %s column %d is %s %s, dictionary says %s %s", f.Path, reader, j, r.Columns[j].Name, r.Columns[j].Type, c.Name, want)
						}
					}
				}
			}
		})
	}
}

func loadProfile(t *testing.T, path string) ([]schemas.Dataset, error) {
	t.Helper()
	p, err := pipeline.LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	return p.Selected(), nil
}
