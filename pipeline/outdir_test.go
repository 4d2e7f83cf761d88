package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"university", true},
		{"service-evaluation", true},
		{"ucl_2024-Q1", true},
		{strings.Repeat("a", maxNameLen), true},
		{"", false},
		{".", false},
		{"..", false},
		{"../victim", false},
		{"a/b", false},
		{`a\b`, false},
		{"/tmp", false},
		{".hidden", false},
		{"uni.v2", false},
		{"a b", false},
		{"a\x00b", false},
		{"a\nb", false},
		{"universit\u00e9", false},
		{"\uff55ni", false}, // full-width letter
		{strings.Repeat("a", maxNameLen+1), false},
	} {
		err := CheckName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && tc.name != "" && strings.Contains(err.Error(), tc.name) {
			t.Errorf("CheckName(%q): the reason repeats the name: %v", tc.name, err)
		}
	}
}

func TestOverlap(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"/a/b", "/a/b", true},
		{"/a/b/c", "/a/b", true},
		{"/a", "/a/b/c", true},
		{"/a/b", "/a/bc", false},
		{"/a/bc", "/a/b", false},
		{"/a/b", "/a/c", false},
		{"/", "/a", true},
		{"/a/..b", "/a", true},
	} {
		if got := overlap(tc.a, tc.b); got != tc.want {
			t.Errorf("overlap(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestOwned: only a real folder holding the right marker, as a regular
// file with the exact text, is deid's.
func TestOwned(t *testing.T) {
	for _, tc := range []struct {
		name  string
		make  func(t *testing.T, p string)
		owned bool
		err   string
	}{
		{"absent", func(*testing.T, string) {}, false, ""},
		{"marked", func(t *testing.T, p string) { mustWrite(t, filepath.Join(p, markerName), markerExtract) }, true, ""},
		{"no marker", func(t *testing.T, p string) { mustWrite(t, filepath.Join(p, "x"), "x") }, false, "no marker"},
		{"the other kind's marker", func(t *testing.T, p string) { mustWrite(t, filepath.Join(p, markerName), markerInternal) }, false, "no marker"},
		{"marker with more text", func(t *testing.T, p string) { mustWrite(t, filepath.Join(p, markerName), markerExtract+"x") }, false, "no marker"},
		{"marker is a folder", func(t *testing.T, p string) { mustMkdir(t, filepath.Join(p, markerName)) }, false, "no marker"},
		{"marker is a symlink", func(t *testing.T, p string) {
			real := filepath.Join(filepath.Dir(p), "real-marker")
			mustWrite(t, real, markerExtract)
			mustMkdir(t, p)
			if err := os.Symlink(real, filepath.Join(p, markerName)); err != nil {
				t.Fatal(err)
			}
		}, false, "no marker"},
		{"symlink to a marked folder", func(t *testing.T, p string) {
			real := filepath.Join(filepath.Dir(p), "real")
			mustWrite(t, filepath.Join(real, markerName), markerExtract)
			if err := os.Symlink(real, p); err != nil {
				t.Fatal(err)
			}
		}, false, "is a symlink"},
		{"a file", func(t *testing.T, p string) { mustWrite(t, p, markerExtract) }, false, "not a folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x")
			tc.make(t, p)
			got, err := owned(p, markerExtract, "extract folder")
			if got != tc.owned || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
				t.Errorf("owned = %v, %v; want %v, %q", got, err, tc.owned, tc.err)
			}
			if err != nil && !strings.Contains(err.Error(), p) {
				t.Errorf("the error does not name the path: %v", err)
			}
		})
	}
}

// TestOpenOutputUsage: paths that overlap the input or each other are
// usage errors, found before anything is created.
func TestOpenOutputUsage(t *testing.T) {
	root := t.TempDir()
	in := filepath.Join(root, "in")
	mustMkdir(t, in)
	for _, tc := range []struct {
		name, out, id, internal string
	}{
		{"out is in", in, "x", filepath.Join(root, "i")},
		{"extract is in", root, "in", filepath.Join(root, "i")},
		{"out inside in", filepath.Join(in, "o"), "x", filepath.Join(root, "i")},
		{"internal is in", filepath.Join(root, "o"), "x", in},
		{"internal above in", filepath.Join(root, "o"), "x", root},
		{"internal inside in", filepath.Join(root, "o"), "x", filepath.Join(in, "i")},
		{"internal is out", filepath.Join(root, "o"), "x", filepath.Join(root, "o")},
		{"internal is the extract", filepath.Join(root, "o"), "x", filepath.Join(root, "o", "x")},
		{"internal is the staging folder", filepath.Join(root, "o"), "x", filepath.Join(root, "o", ".x.partial")},
		{"bad id", filepath.Join(root, "o"), "..", filepath.Join(root, "i")},
		{"internal is ..", filepath.Join(root, "o"), "x", ".."},
		{"internal is /", filepath.Join(root, "o"), "x", "/"},
		{"internal is .", filepath.Join(root, "o"), "x", "."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := openOutput(in, tc.out, tc.id, tc.internal)
			if err == nil {
				d.abort()
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrUsage) {
				t.Errorf("err = %v, want ErrUsage", err)
			}
		})
	}
	if ents, _ := os.ReadDir(root); len(ents) != 1 {
		t.Errorf("refused runs created %d entries", len(ents)-1)
	}
}

func mustWrite(t *testing.T, p, data string) {
	t.Helper()
	mustMkdir(t, filepath.Dir(p))
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustMkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}
