package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/nhs-talking-therapies/deid/"

// allowed is the table of docs/ARCHITECTURE.md: the module packages each
// package's non-test files may import. A package missing here fails the
// test: add its row here and there. Commands (cmd/...) may import anything.
var allowed = map[string][]string{
	"redact/textnorm":      {},
	"gazetteer":            {},
	"redact/entity":        {},
	"redact/ner":           {"gazetteer", "redact/entity"},
	"redact":               {"redact/textnorm", "gazetteer", "redact/entity"},
	"redact/evaluate":      {"redact"},
	"redact/prosener":      {"redact/ner"},
	"redact/ner/nereval":   {},
	"measures":             {},
	"schemas":              {"measures", "redact"},
	"source":               {"redact", "redact/textnorm"},
	"internal/statefile":   {},
	"internal/ordered":     {},
	"internal/azuritetest": {},
	"internal/archtest":    {},
	"pipeline/handover":    {},
	"pipeline/geo":         {"gazetteer"},
	"pipeline/disclosure":  {"pipeline/geo"},
	"pipeline/deliver":     {},
	"pipeline/parquetsink": {"internal/statefile", "pipeline/handover", "schemas"},
	"pipeline": {"internal/statefile", "internal/ordered", "measures", "pipeline/disclosure", "pipeline/geo", "pipeline/handover",
		"pipeline/deliver", "pipeline/parquetsink", "redact", "redact/ner", "schemas", "source"},
	"verify": {"pipeline", "pipeline/handover", "pipeline/geo", "pipeline/disclosure", "measures", "redact",
		"redact/textnorm", "schemas", "source"},
	"fixtures/synth": {"source", "redact", "gazetteer"},
}

func TestImportsFollowArchitecture(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	imports := map[string]map[string]bool{} // package → module packages it imports
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "build") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if dep, ok := strings.CutPrefix(p, module); ok {
				imports[pkg][dep] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg, deps := range imports {
		if strings.HasPrefix(pkg, "cmd/") {
			continue
		}
		ok, listed := allowed[pkg]
		if !listed {
			t.Errorf("package %s is not in the import table (docs/ARCHITECTURE.md and allowed here)", pkg)
			continue
		}
		for dep := range deps {
			if !slices.Contains(ok, dep) {
				t.Errorf("%s imports %s, which docs/ARCHITECTURE.md does not allow", pkg, dep)
			}
		}
	}
	if len(imports) < 15 {
		t.Errorf("found only %d packages under %s", len(imports), root)
	}
}
