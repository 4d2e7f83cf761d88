package main

// End-to-end tests of what deid extract does to the file system, run
// against the real binary: it deletes or replaces only folders it marked as
// its own, never anything outside --out, never the input snapshot; names
// that become folder names are safe slugs; one run at a time per --out; a
// failed run leaves the previous extract and its internal folder exactly
// as they were; planted symlinks redirect nothing; and a killed run leaves
// nothing readable behind.

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	kzstd "github.com/klauspost/compress/zstd"

	"github.com/nhs-talking-therapies/deid/internal/azuritetest"
	"github.com/nhs-talking-therapies/deid/pipeline/deliver"
)

const pSnapshot = "../../fixtures/snapshot"

// fsEntry is one path of a tree as the file system has it: a folder, a
// file's bytes or a symlink's target.
type fsEntry struct {
	mode fs.FileMode
	data string
}

// fsTree records every path under dir (folders, files, symlinks, not
// following links), so that a test sees any file created, removed, changed
// or replaced.
func fsTree(t *testing.T, dir string) map[string]fsEntry {
	t.Helper()
	tree := map[string]fsEntry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		e := fsEntry{mode: d.Type()}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			e.data, err = os.Readlink(p)
		case d.Type().IsRegular():
			var b []byte
			b, err = os.ReadFile(p)
			e.data = string(b)
		}
		tree[filepath.ToSlash(rel)] = e
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// treeDiff reports how got differs from want, or "".
func treeDiff(want, got map[string]fsEntry) string {
	return diffPaths(want, got, func(a, b fsEntry) bool { return a == b })
}

// copyTree copies the regular files and folders under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	mkdirs(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// profileNamed writes a copy of the test profile with the given name line.
func profileNamed(t *testing.T, nameLine string) string {
	t.Helper()
	b, err := os.ReadFile(hProfile)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "name: university\n", nameLine+"\n", 1)
	if s == string(b) {
		t.Fatal("the test profile has no name line to replace")
	}
	p := filepath.Join(t.TempDir(), "profile.yaml")
	writeFile(t, p, s)
	return p
}

// priorExtract runs one good extract into out (--id hostile) and returns
// its folder and internal folder.
func priorExtract(t *testing.T, in, out string, more ...string) (string, string) {
	t.Helper()
	mustDeid(t, hKeys(), extractArgs(in, out, more...)...)
	return filepath.Join(out, hID), filepath.Join(out, hID+".internal")
}

// TestUnsafeNames: a profile name or --id that is not a plain folder name
// (letters, digits, '-', '_') is refused as bad usage before anything is
// read or written, and the error names the key, never the value. Before,
// "name: .." removed the parent of --out, "." or "--id ." every other
// extract in --out, and "--id ../victim" a sibling folder.
func TestUnsafeNames(t *testing.T) {
	cases := []struct {
		name    string
		profile string // the profile's name line; "" keeps the test profile's
		id      []string
		key     string // what the error must name
	}{
		{"profile name ..", `name: ".."`, nil, "name"},
		{"profile name .", `name: "."`, nil, "name"},
		{"profile name with a slash", `name: "../victim"`, nil, "name"},
		{"profile name absolute", `name: "/tmp/victim"`, nil, "name"},
		{"profile name with a space", `name: "a b"`, nil, "name"},
		{"profile name with a dot", `name: "uni.v2"`, nil, "name"},
		{"profile name non-ASCII", `name: "universit\u00e9"`, nil, "name"},
		{"profile name with a NUL", `name: "a\0b"`, nil, "name"},
		{"profile name too long", "name: " + strings.Repeat("a", 300), nil, "name"},
		{"id .", "", []string{"--id", "."}, "--id"},
		{"id ..", "", []string{"--id", ".."}, "--id"},
		{"id ../victim", "", []string{"--id", "../victim"}, "--id"},
		{"id with a slash", "", []string{"--id", "a/b"}, "--id"},
		{"id absolute", "", []string{"--id", "/tmp"}, "--id"},
		{"id hidden", "", []string{"--id", ".hostile"}, "--id"},
		{"id with a newline", "", []string{"--id", "a\nb"}, "--id"},
		{"id with a backslash", "", []string{"--id", `a\b`}, "--id"},
		{"id too long", "", []string{"--id", strings.Repeat("b", 300)}, "--id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "parent", "out")
			writeFile(t, filepath.Join(out, "other", "data.txt"), "another extract")
			writeFile(t, filepath.Join(root, "parent", "victim", "keep.txt"), "a sibling folder")
			writeFile(t, filepath.Join(root, "parent", "keep.txt"), "the parent of --out")
			before := fsTree(t, root)
			prof := hProfile
			if c.profile != "" {
				prof = profileNamed(t, c.profile)
			}
			args := append([]string{"extract", "--profile", prof, "--in", pSnapshot, "--out", out}, c.id...)
			r := deid(t, hKeys(), args...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want %d\n%s", r.code, exitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, c.key) {
				t.Errorf("the error does not name %s:\n%s", c.key, r.stderr)
			}
			for _, v := range []string{"victim", "universit", "aaaaaaaa", "bbbbbbbb", "a b", `a\b`} {
				if strings.Contains(r.stderr, v) {
					t.Errorf("the error repeats the value (%q):\n%s", v, r.stderr)
				}
			}
			if d := treeDiff(before, fsTree(t, root)); d != "" {
				t.Errorf("a refused run changed the file system: %s", d)
			}
		})
	}
}

// TestForeignFolders: deid replaces only folders it created and marked; a
// folder, file or symlink that deid did not write, at any path deid would
// replace (the extract, the internal folder, their staging folders), stops
// the run before any data is read, with an error naming the path, and is
// left exactly as it was. Before, each was deleted without a check (or, for
// a symlink, written through).
func TestForeignFolders(t *testing.T) {
	base := t.TempDir()
	goodOut := filepath.Join(base, "good")
	goodF, goodI := priorExtract(t, pSnapshot, goodOut)
	cases := []struct {
		name  string
		plant func(t *testing.T, out, victim string) []string // returns extra arguments
		path  string                                          // what the error must name, relative to out
		code  int
	}{
		{"folder at the extract path", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, hID, "thesis.docx"), "years of work")
			return nil
		}, hID, exitRun},
		{"empty folder at the extract path", func(t *testing.T, out, _ string) []string {
			mkdirs(t, filepath.Join(out, hID))
			return nil
		}, hID, exitRun},
		{"file at the extract path", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, hID), "a file")
			return nil
		}, hID, exitRun},
		{"folder at the internal path", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, hID+".internal", "notes.txt"), "mine")
			return nil
		}, hID + ".internal", exitRun},
		{"folder at the staging path", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, "."+hID+".partial", "notes.txt"), "mine")
			return nil
		}, "." + hID + ".partial", exitRun},
		{"symlink at the extract path to a deid extract", func(t *testing.T, out, victim string) []string {
			copyTree(t, goodF, victim)
			mkdirs(t, out)
			if err := os.Symlink(victim, filepath.Join(out, hID)); err != nil {
				t.Fatal(err)
			}
			return nil
		}, hID, exitRun},
		{"symlink at the internal path to a deid internal folder", func(t *testing.T, out, victim string) []string {
			copyTree(t, goodI, victim)
			mkdirs(t, out)
			if err := os.Symlink(victim, filepath.Join(out, hID+".internal")); err != nil {
				t.Fatal(err)
			}
			return nil
		}, hID + ".internal", exitRun},
		{"symlink at the staging path", func(t *testing.T, out, victim string) []string {
			copyTree(t, goodF, victim)
			mkdirs(t, out)
			if err := os.Symlink(victim, filepath.Join(out, "."+hID+".partial")); err != nil {
				t.Fatal(err)
			}
			return nil
		}, "." + hID + ".partial", exitRun},
		{"symlink at the lock file", func(t *testing.T, out, victim string) []string {
			writeFile(t, victim, "not deid's")
			mkdirs(t, out)
			if err := os.Symlink(victim, filepath.Join(out, ".deid.lock")); err != nil {
				t.Fatal(err)
			}
			return nil
		}, ".deid.lock", exitRun},
		{"--internal is a folder of the user's", func(t *testing.T, out, victim string) []string {
			writeFile(t, filepath.Join(victim, "keep.txt"), "mine")
			return []string{"--internal", victim}
		}, "", exitRun},
		{"--internal is --out", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, "keep.txt"), "mine")
			return []string{"--internal", out}
		}, "", exitUsage},
		{"--internal contains --out", func(t *testing.T, out, _ string) []string {
			writeFile(t, filepath.Join(out, "keep.txt"), "mine")
			return []string{"--internal", filepath.Dir(out)}
		}, "", exitUsage},
		{"--internal is the extract folder", func(t *testing.T, out, _ string) []string {
			copyTree(t, goodF, filepath.Join(out, hID))
			return []string{"--internal", filepath.Join(out, hID)}
		}, "", exitUsage},
		{"--internal inside the extract folder", func(t *testing.T, out, _ string) []string {
			copyTree(t, goodF, filepath.Join(out, hID))
			return []string{"--internal", filepath.Join(out, hID, "audit")}
		}, "", exitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "out")
			victim := filepath.Join(root, "victim")
			extra := c.plant(t, out, victim)
			before := fsTree(t, root)
			r := deid(t, hKeys(), extractArgs(pSnapshot, out, extra...)...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, c.code, r.stderr)
			}
			if c.path != "" && !strings.Contains(r.stderr, filepath.Join(out, c.path)) {
				t.Errorf("the error does not name %s:\n%s", filepath.Join(out, c.path), r.stderr)
			}
			after := fsTree(t, root)
			for p := range after {
				if _, ok := before[p]; !ok && strings.HasSuffix(p, ".lock") {
					delete(after, p) // the lock file a refused run may leave
				}
			}
			if d := treeDiff(before, after); d != "" {
				t.Errorf("a refused run changed the file system: %s", d)
			}
		})
	}
}

// TestInputNeverDeleted: however --in, --out, --id and --internal overlap
// (equal, one inside the other, through a symlink), deid refuses the run
// before reading and the snapshot is untouched. Before, --out above --in
// deleted the snapshot after reading it.
func TestInputNeverDeleted(t *testing.T) {
	base := t.TempDir()
	goodF, goodI := priorExtract(t, pSnapshot, filepath.Join(base, "good"))
	cases := []struct {
		name string
		// layout places the snapshot and returns its path and the
		// arguments after "extract --profile P".
		layout func(t *testing.T, root string) (in string, args []string)
	}{
		{"--out is --in", func(t *testing.T, root string) (string, []string) {
			in := filepath.Join(root, "snap")
			return in, []string{"--in", in, "--out", in, "--id", hID}
		}},
		{"--out is inside --in", func(t *testing.T, root string) (string, []string) {
			in := filepath.Join(root, "snap")
			return in, []string{"--in", in, "--out", filepath.Join(in, "out"), "--id", hID}
		}},
		{"the extract is --in", func(t *testing.T, root string) (string, []string) {
			in := filepath.Join(root, hID)
			return in, []string{"--in", in, "--out", root, "--id", hID}
		}},
		{"--in inside a previous extract", func(t *testing.T, root string) (string, []string) {
			copyTree(t, goodF, filepath.Join(root, "out", hID))
			in := filepath.Join(root, "out", hID, "snap")
			return in, []string{"--in", in, "--out", filepath.Join(root, "out"), "--id", hID}
		}},
		{"--in inside a previous internal folder", func(t *testing.T, root string) (string, []string) {
			copyTree(t, goodI, filepath.Join(root, "out", hID+".internal"))
			in := filepath.Join(root, "out", hID+".internal", "snap")
			return in, []string{"--in", in, "--out", filepath.Join(root, "out"), "--id", hID}
		}},
		{"--in inside a previous extract through a symlinked --out", func(t *testing.T, root string) (string, []string) {
			copyTree(t, goodF, filepath.Join(root, "real", hID))
			in := filepath.Join(root, "real", hID, "snap")
			if err := os.Symlink(filepath.Join(root, "real"), filepath.Join(root, "link")); err != nil {
				t.Fatal(err)
			}
			return in, []string{"--in", in, "--out", filepath.Join(root, "link"), "--id", hID}
		}},
		{"--internal is --in", func(t *testing.T, root string) (string, []string) {
			in := filepath.Join(root, "snap")
			return in, []string{"--in", in, "--out", filepath.Join(root, "out"), "--id", hID, "--internal", in}
		}},
		{"--internal contains --in", func(t *testing.T, root string) (string, []string) {
			in := filepath.Join(root, "snap")
			return in, []string{"--in", in, "--out", filepath.Join(root, "out"), "--id", hID, "--internal", root}
		}},
		{"--internal inside --in", func(t *testing.T, root string) (string, []string) {
			in := filepath.Join(root, "snap")
			return in, []string{"--in", in, "--out", filepath.Join(root, "out"), "--id", hID, "--internal", filepath.Join(in, "audit")}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			in, args := c.layout(t, root)
			copyTree(t, pSnapshot, in)
			before := fsTree(t, in)
			r := deid(t, hKeys(), append([]string{"extract", "--profile", hProfile}, args...)...)
			if r.code == exitOK {
				t.Fatalf("exit 0, want a refusal\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, "--in") && !strings.Contains(r.stderr, "marker") {
				t.Errorf("the error does not say what is wrong:\n%s", r.stderr)
			}
			if d := treeDiff(before, fsTree(t, in)); d != "" {
				t.Errorf("the snapshot changed: %s", d)
			}
		})
	}
}

// TestOneRunPerOutput: a second run on an --out that a run is using fails
// at once with a clear error (before, two runs wrote one audit file at the
// same time and corrupted it), and the first run's extract is exactly an
// uninterrupted run's.
func TestOneRunPerOutput(t *testing.T) {
	snap := synthSnapshot(t, "--text-mb", "3", "--seed", "41", "--no-gold")
	ref := filepath.Join(t.TempDir(), "ref")
	refF, refI := priorExtract(t, snap, ref)
	out := filepath.Join(t.TempDir(), "out")
	first := exec.Command(deidBinary(t), extractArgs(snap, out)...)
	first.Env = hKeys()
	var firstErr bytes.Buffer
	first.Stderr = &firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	// The staging folder appears once the first run holds the lock.
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(out, "."+hID+".partial")); err == nil {
			break
		}
		if i == 500 {
			t.Fatal("the first run never started writing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, id := range []string{hID, "another"} {
		t0 := time.Now()
		r := deid(t, hKeys(), "extract", "--profile", hProfile, "--in", snap, "--out", out, "--id", id)
		if r.code != exitRun {
			t.Errorf("--id %s: second run on the same --out: exit %d, want %d\n%s", id, r.code, exitRun, r.stderr)
		}
		if !strings.Contains(r.stderr, "another deid run") || !strings.Contains(r.stderr, out) {
			t.Errorf("--id %s: the error does not say the output is in use:\n%s", id, r.stderr)
		}
		if d := time.Since(t0); d > 5*time.Second {
			t.Errorf("--id %s: the second run took %v to fail", id, d)
		}
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("the first run failed: %v\n%s", err, firstErr.String())
	}
	if d := sameTree(treeFiles(t, refF), treeFiles(t, filepath.Join(out, hID))); d != "" {
		t.Errorf("the extract differs from an uninterrupted run's: %s", d)
	}
	want, got := treeFiles(t, refI), treeFiles(t, filepath.Join(out, hID+".internal"))
	delete(want, "timings.json")
	delete(got, "timings.json")
	if d := sameTree(want, got); d != "" {
		t.Errorf("the internal folder differs from an uninterrupted run's: %s", d)
	}
	if _, err := os.Stat(filepath.Join(out, "another")); err == nil {
		t.Error("the refused run wrote its extract")
	}

	// A lock held by any process (here the test) is honoured.
	lock, err := os.OpenFile(filepath.Join(out, ".deid.lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("no lock file in --out: %v", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	r := deid(t, hKeys(), extractArgs(snap, out)...)
	if r.code != exitRun || !strings.Contains(r.stderr, "another deid run") {
		t.Errorf("a held lock: exit %d\n%s", r.code, r.stderr)
	}
}

// TestFailedRunKeepsPrevious: a re-run that fails, whatever the reason
// (too many bad records, an unreadable input file, SIGTERM, SIGKILL),
// leaves the previous extract and its internal folder byte-identical, with
// a custom --internal too; a later good run cleans up what a kill left.
// Before, a failed re-run truncated the previous audit and quarantine.
func TestFailedRunKeepsPrevious(t *testing.T) {
	snap := synthSnapshot(t, "--text-mb", "2", "--seed", "43", "--no-gold")
	t0 := time.Now()
	mustDeid(t, hKeys(), extractArgs(snap, filepath.Join(t.TempDir(), "timing"))...)
	full := time.Since(t0)
	// A notes file whose read fails part-way through the run: the
	// process's own memory, which fails at offset 0 with EIO.
	unreadable := filepath.Join(t.TempDir(), "unreadable")
	copyTree(t, snap, unreadable)
	if err := os.Remove(filepath.Join(unreadable, "notes.jsonl")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self/mem", filepath.Join(unreadable, "notes.jsonl")); err != nil {
		t.Fatal(err)
	}
	signalled := func(sig syscall.Signal) func(t *testing.T, args []string) {
		return func(t *testing.T, args []string) {
			cmd := exec.Command(deidBinary(t), args...)
			cmd.Env = hKeys()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(full / 2)
			_ = cmd.Process.Signal(sig)
			if err := cmd.Wait(); err == nil {
				t.Skip("the signal came after the run finished")
			}
		}
	}
	failing := func(in string, more ...string) func(t *testing.T, args []string) {
		return func(t *testing.T, args []string) {
			for i, a := range args {
				if a == "--in" {
					args[i+1] = in
				}
			}
			if r := deid(t, hKeys(), append(args, more...)...); r.code != exitRun {
				t.Fatalf("the failing run: exit %d, want %d\n%s", r.code, exitRun, r.stderr)
			}
		}
	}
	for _, c := range []struct {
		name     string
		internal bool // a custom --internal outside --out
		fail     func(t *testing.T, args []string)
	}{
		{"too many bad records", false, failing("../../fixtures/malformed", "--max-bad", "0")},
		{"too many bad records, custom internal", true, failing("../../fixtures/malformed", "--max-bad", "0")},
		{"unreadable input file", false, failing(unreadable)},
		{"SIGTERM", false, signalled(syscall.SIGTERM)},
		{"SIGKILL", false, signalled(syscall.SIGKILL)},
		{"SIGKILL, custom internal", true, signalled(syscall.SIGKILL)},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "out")
			internal := filepath.Join(out, hID+".internal")
			var more []string
			if c.internal {
				internal = filepath.Join(root, "audit", "mine")
				more = []string{"--internal", internal}
			}
			args := extractArgs(snap, out, more...)
			mustDeid(t, hKeys(), args...)
			final := filepath.Join(out, hID)
			wantF, wantI := fsTree(t, final), fsTree(t, internal)
			c.fail(t, append([]string(nil), args...))
			if d := treeDiff(wantF, fsTree(t, final)); d != "" {
				t.Errorf("the failed run changed the previous extract: %s", d)
			}
			if d := treeDiff(wantI, fsTree(t, internal)); d != "" {
				t.Errorf("the failed run changed the previous internal folder: %s", d)
			}
			// The next good run replaces what is left, and leaves nothing
			// but the extract, its internal folder and the lock.
			mustDeid(t, hKeys(), args...)
			for _, dir := range []string{out, filepath.Dir(internal)} {
				ents, _ := os.ReadDir(dir)
				for _, e := range ents {
					if n := e.Name(); n != hID && n != filepath.Base(internal) && !strings.HasSuffix(n, ".lock") {
						t.Errorf("left behind in %s: %s", dir, n)
					}
				}
			}
		})
	}
}

// TestPlantedSymlinks: symlinks planted at the names of deid's files in
// a previous extract, its internal folder, or a leftover staging folder
// redirect no write: the files they point at are unchanged after a run.
// Before, the audit, quarantine and timings were written through them.
func TestPlantedSymlinks(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	final, internal := priorExtract(t, pSnapshot, out)
	victims := filepath.Join(root, "victims")
	var planted []string
	plant := func(at string) {
		victim := filepath.Join(victims, strings.ReplaceAll(strings.TrimPrefix(at, root+"/"), "/", "_"))
		writeFile(t, victim, "not deid's")
		_ = os.Remove(at)
		mkdirs(t, filepath.Dir(at))
		if err := os.Symlink(victim, at); err != nil {
			t.Fatal(err)
		}
		planted = append(planted, at)
	}
	for _, n := range []string{"audit.jsonl.zst", "quarantine.jsonl", "timings.json", "timings.json.tmp", "quarantine.jsonl.tmp"} {
		plant(filepath.Join(internal, n))
	}
	for _, n := range []string{"report.json", "report.json.tmp", "manifest.json.tmp", "DATA_DICTIONARY.md.tmp",
		"transcripts/part-00000.parquet", "transcripts/part-00000.parquet.tmp"} {
		plant(filepath.Join(final, n))
	}
	before := fsTree(t, victims)
	mustDeid(t, hKeys(), extractArgs(pSnapshot, out)...)
	if d := treeDiff(before, fsTree(t, victims)); d != "" {
		t.Errorf("a write went through a planted symlink: %s", d)
	}
	for _, p := range planted {
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			t.Errorf("%s is still a planted symlink after the run", p)
		}
	}
}

// TestKillLeavesNothingReadable kills an extract of an encrypting profile
// at points over its run and checks that nothing under --out holds
// plaintext Parquet or a word of the patients' text, raw or inside a
// compressed page; the next run cleans up and succeeds. Before, the
// unfinished *.parquet.tmp files were plain Parquet.
func TestKillLeavesNothingReadable(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a multi-second extract")
	}
	snap := synthSnapshot(t, "--text-mb", "4", "--seed", "47", "--no-gold")
	probe := frequentWord(t, filepath.Join(snap, "transcripts.jsonl"))
	// Small row groups put pages in the files while the run goes.
	b, err := os.ReadFile(hProfile)
	if err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(t.TempDir(), "profile.yaml")
	writeFile(t, prof, strings.Replace(string(b), "row_group_rows: 65536", "row_group_rows: 2000", 1))
	args := func(out string) []string {
		return []string{"extract", "--profile", prof, "--in", snap, "--out", out, "--id", hID}
	}
	ref := filepath.Join(t.TempDir(), "ref")
	t0 := time.Now()
	mustDeid(t, hKeys(), args(ref)...)
	full := time.Since(t0)
	refF := filepath.Join(ref, hID)
	out := filepath.Join(t.TempDir(), "out")
	landed := 0
	for _, frac := range []float64{0.3, 0.5, 0.7, 0.85} {
		cmd := exec.Command(deidBinary(t), args(out)...)
		cmd.Env = hKeys()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(frac * float64(full)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil {
			landed++
		}
		if bad := readableData(t, out, probe); len(bad) > 0 {
			t.Fatalf("kill at %.0f%%: readable data left on disk: %s", frac*100, strings.Join(bad, ", "))
		}
	}
	if landed < 2 {
		t.Fatalf("only %d kills landed while the extract ran (run took %v)", landed, full)
	}
	mustDeid(t, hKeys(), args(out)...)
	if d := sameTree(treeFiles(t, refF), treeFiles(t, filepath.Join(out, hID))); d != "" {
		t.Errorf("the run after the kills differs from an uninterrupted run: %s", d)
	}
	if bad := readableData(t, out, probe); len(bad) > 0 {
		t.Errorf("readable data on disk after a good run: %s", strings.Join(bad, ", "))
	}
}

// frequentWord is the most frequent long lower-case word of the texts in
// a JSON Lines file: plain vocabulary that redaction keeps.
func frequentWord(t *testing.T, path string) string {
	t.Helper()
	n := map[string]int{}
	eachJSON(t, path, func(b []byte) {
		var r struct{ Text string }
		if json.Unmarshal(b, &r) != nil {
			return
		}
		for _, w := range strings.Fields(r.Text) {
			w = strings.Trim(w, ".,!?;:'\"()")
			if len(w) >= 9 && strings.ToLower(w) == w && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
				n[w]++
			}
		}
	})
	best := ""
	for w, c := range n {
		if c > n[best] || c == n[best] && w < best {
			best = w
		}
	}
	if n[best] < 20 {
		t.Fatalf("no frequent word in %s", path)
	}
	return best
}

// readableData lists the files under dir that are plaintext Parquet or
// hold probe, in their bytes or in any zstd frame inside them (Parquet
// pages are zstd frames).
func readableData(t *testing.T, dir, probe string) []string {
	t.Helper()
	dec, err := kzstd.NewReader(nil, kzstd.WithDecoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	magic := []byte{0x28, 0xb5, 0x2f, 0xfd}
	var bad []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case bytes.HasPrefix(b, []byte("PAR1")):
			bad = append(bad, rel+" (plaintext Parquet)")
			return nil
		case bytes.Contains(b, []byte(probe)):
			bad = append(bad, rel+" (text)")
			return nil
		}
		for i := 0; ; {
			j := bytes.Index(b[i:], magic)
			if j < 0 {
				break
			}
			i += j
			if dec.Reset(bytes.NewReader(b[i:])) == nil {
				plain, _ := io.ReadAll(io.LimitReader(dec, 64<<20))
				if bytes.Contains(plain, []byte(probe)) {
					bad = append(bad, rel+" (compressed text)")
					break
				}
			}
			i += len(magic)
		}
		return nil
	})
	return bad
}

// TestRemoteExtract: --out azblob://... goes through the same staging,
// marker and lock machinery: the extract is published (deid verify passes
// on it), the internal folder is kept in the working directory, a re-run
// replaces both, and nothing else is left locally.
func TestRemoteExtract(t *testing.T) {
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
	in, err := filepath.Abs(pSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	env := append(hKeys(), deliver.ConnectionStringEnv+"="+conn)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(deidBinary(t), args...)
		cmd.Dir, cmd.Env = work, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("deid %s: %v\n%s", args[0], err, out)
		}
	}
	for range 2 {
		run("extract", "--profile", prof, "--in", in, "--out", "azblob://partner/ucl", "--id", hID)
	}
	run("verify", "azblob://partner/ucl")
	if _, err := os.Stat(filepath.Join(work, hID+".internal", "audit.jsonl.zst")); err != nil {
		t.Errorf("no local internal folder: %v", err)
	}
	ents, _ := os.ReadDir(work)
	for _, e := range ents {
		if n := e.Name(); n != hID+".internal" && n != "."+hID+".internal.lock" {
			t.Errorf("left in the working directory: %s", n)
		}
	}
}
