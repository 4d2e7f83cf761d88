package deliver

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseDest(t *testing.T) {
	tests := []struct {
		in      string
		want    Dest
		wantErr string
	}{
		{"azblob://extracts/ucl/2026-01", Dest{"extracts", "ucl/2026-01"}, ""},
		{"azblob://extracts/ucl/", Dest{"extracts", "ucl"}, ""},
		{"azblob://ex-tracts-1/p", Dest{"ex-tracts-1", "p"}, ""},
		{"azblob://extracts", Dest{}, "prefix is required"},
		{"azblob://extracts/", Dest{}, "prefix is required"},
		{"azblob://Extracts/p", Dest{}, "container name"},
		{"azblob://ex--tracts/p", Dest{}, "container name"},
		{"azblob://ab/p", Dest{}, "container name"},
		{"azblob://extracts/a/../b", Dest{}, "clean relative path"},
		{"azblob://extracts/a//b", Dest{}, "clean relative path"},
		{"azblob://extracts/a?sig=x", Dest{}, "clean relative path"},
		{"s3://bucket/p", Dest{}, "want azblob://"},
		{"/tmp/out", Dest{}, "want azblob://"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDest(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
			if again, err := ParseDest(got.String()); err != nil || again != got {
				t.Fatalf("String() does not round-trip: %q", got.String())
			}
		})
	}
	if !IsRemote("azblob://c/p") || IsRemote("build/out") {
		t.Fatal("IsRemote")
	}
}

func TestManifestPaths(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		want    []string
		wantErr string
	}{
		{"extra keys tolerated", `{"format":"x","files":[{"path":"a/part-00000.parquet","rows":3,"sha256":"00"},{"path":"report.json"}],"other":1}`,
			[]string{"a/part-00000.parquet", "report.json"}, ""},
		{"no files", `{"files":[]}`, []string{}, ""},
		{"parent escape", `{"files":[{"path":"../x"}]}`, nil, "clean relative path"},
		{"absolute", `{"files":[{"path":"/etc/passwd"}]}`, nil, "clean relative path"},
		{"backslash", `{"files":[{"path":"a\\..\\..\\x"}]}`, nil, "clean relative path"},
		{"dot segment", `{"files":[{"path":"a/./b"}]}`, nil, "clean relative path"},
		{"empty", `{"files":[{"path":""}]}`, nil, "clean relative path"},
		{"lists itself", `{"files":[{"path":"manifest.json"}]}`, nil, "clean relative path"},
		{"duplicate", `{"files":[{"path":"a"},{"path":"a"}]}`, nil, "twice"},
		{"not json", `{"files":`, nil, "not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := manifestPaths([]byte(tc.json))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, %v", got, err)
			}
		})
	}
}

// writeExtract lays out an extract folder: the given files plus a manifest
// listing listed (nil: all of them).
func writeExtract(t *testing.T, files map[string]string, listed []string) string {
	t.Helper()
	dir := t.TempDir()
	type entry struct {
		Path string `json:"path"`
		Rows int    `json:"rows"`
	}
	var m struct {
		Files []entry `json:"files"`
		Tool  string  `json:"tool_version"`
	}
	m.Tool = "test"
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if listed == nil {
		for rel := range files {
			listed = append(listed, rel)
		}
	}
	for _, rel := range listed {
		m.Files = append(m.Files, entry{Path: rel, Rows: 1})
	}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, ManifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExtractFiles(t *testing.T) {
	files := map[string]string{"patients/part-00000.parquet": "p", "report.json": "{}", "DATA_DICTIONARY.md": "#"}
	t.Run("exact", func(t *testing.T) {
		got, err := extractFiles(writeExtract(t, files, nil))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != "DATA_DICTIONARY.md,patients/part-00000.parquet,report.json" {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("unlisted file refused", func(t *testing.T) {
		dir := writeExtract(t, files, []string{"patients/part-00000.parquet", "report.json"})
		if _, err := extractFiles(dir); err == nil || !strings.Contains(err.Error(), "DATA_DICTIONARY.md is not listed") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("listed file missing", func(t *testing.T) {
		dir := writeExtract(t, files, []string{"patients/part-00000.parquet", "report.json", "DATA_DICTIONARY.md", "sessions/part-00000.parquet"})
		if _, err := extractFiles(dir); err == nil || !strings.Contains(err.Error(), "sessions/part-00000.parquet, which is missing") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no manifest", func(t *testing.T) {
		if _, err := extractFiles(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a finished extract") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("symlink refused", func(t *testing.T) {
		dir := writeExtract(t, files, append([]string{"link.parquet"}, "patients/part-00000.parquet", "report.json", "DATA_DICTIONARY.md"))
		if err := os.Symlink(filepath.Join(dir, "report.json"), filepath.Join(dir, "link.parquet")); err != nil {
			t.Skip(err)
		}
		if _, err := extractFiles(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestMissingConnectionString(t *testing.T) {
	t.Setenv(ConnectionStringEnv, "")
	dir := writeExtract(t, map[string]string{"a.parquet": "x"}, nil)
	err := Publish(t.Context(), dir, "azblob://extracts/p")
	if err == nil || !strings.Contains(err.Error(), ConnectionStringEnv+" is not set") {
		t.Fatalf("err = %v", err)
	}
	const secret = "DefaultEndpointsProtocol=https;c2VjcmV0LWtleS12YWx1ZQ"
	err = Publish(t.Context(), dir, "azblob://extracts/p", WithConnectionString(secret))
	if err == nil || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Fatalf("err = %v (must fail without quoting the string)", err)
	}
}
