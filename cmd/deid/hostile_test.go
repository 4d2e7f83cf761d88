package main

// End-to-end tests of the promises deid makes when things go wrong, run
// against the real binary (built once, on first use): a kill at any
// moment leaves no extract that looks complete and a re-run produces the
// same bytes; an unwritable or full output fails with a clear error and no
// manifest; nothing deid prints, at any log level, carries an identifier;
// and the exit codes of the command-line contract hold.

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	hProfile = "../../fixtures/profiles/university.yaml"
	hID      = "hostile"
)

// Synthetic keys for synthetic data; the log test checks neither is
// ever printed.
var (
	hKey       = hex.EncodeToString([]byte("deid hostile-input test key, synthetic only"))
	hOutputKey = hex.EncodeToString([]byte("deid hostile test output key 32b"))
)

var (
	hBinDir  string
	hBinOnce sync.Once
	hBin     string
	hBinErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deid-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	hBinDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// deidBinary builds the deid binary once per test process (only the tests
// that need it pay for the build).
func deidBinary(t *testing.T) string {
	t.Helper()
	hBinOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			hBinErr = fmt.Errorf("building deid for the end-to-end tests: %w", err)
			return
		}
		hBin = filepath.Join(hBinDir, "deid")
		out, err := exec.Command(goTool, "build", "-o", hBin, ".").CombinedOutput()
		if err != nil {
			hBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if hBinErr != nil {
		t.Fatal(hBinErr)
	}
	return hBin
}

// hRun is one finished deid process.
type hRun struct {
	code           int
	stdout, stderr string
}

// hEnv is the environment of a deid run: the test's, without any deid key,
// plus the given variables.
func hEnv(extra ...string) []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DEID_") {
			env = append(env, e)
		}
	}
	return append(env, extra...)
}

func hKeys() []string { return hEnv("DEID_KEY="+hKey, "DEID_OUTPUT_KEY="+hOutputKey) }

func deid(t *testing.T, env []string, args ...string) hRun {
	t.Helper()
	cmd := exec.Command(deidBinary(t), args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := hRun{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("deid %s: %v", args[0], err)
	}
	return r
}

func mustDeid(t *testing.T, env []string, args ...string) hRun {
	t.Helper()
	r := deid(t, env, args...)
	if r.code != 0 {
		t.Fatalf("deid %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// synthSnapshot writes a synthetic snapshot with deid synth.
func synthSnapshot(t *testing.T, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snapshot")
	mustDeid(t, hEnv(), append([]string{"synth", "--out", dir}, args...)...)
	return dir
}

func extractArgs(in, out string, more ...string) []string {
	return append([]string{"extract", "--profile", hProfile, "--in", in, "--out", out, "--id", hID}, more...)
}

// treeFiles maps every regular file under dir to its contents.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree reports how got differs from want, or "" when every file is
// byte-identical and none is missing or extra.
func sameTree(want, got map[string][]byte) string { return diffPaths(want, got, bytes.Equal) }

// diffPaths lists, sorted, the paths missing from got, extra in got, or
// whose values same says differ.
func diffPaths[V any](want, got map[string]V, same func(a, b V) bool) string {
	var diffs []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+p)
		case !same(w, g):
			diffs = append(diffs, "differs "+p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "extra "+p)
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, ", ")
}

// noManifest fails when an extract that looks complete exists under out.
func noManifest(t *testing.T, out string) {
	t.Helper()
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "manifest.json" {
			t.Errorf("a failed run left a manifest: %s", p)
		}
		return nil
	})
}

// TestKillMidRun kills an extract at points spread over its run and checks,
// after each kill, that the extract folder is either absent or complete
// and identical to an uninterrupted run's (a half-written or half-deleted
// folder with a manifest is the failure); then a re-run into the same
// folder, over whatever the kills left, gives the same bytes.
func TestKillMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a multi-second extract")
	}
	snap := synthSnapshot(t, "--text-mb", "4", "--seed", "31", "--no-gold")
	ref := filepath.Join(t.TempDir(), "ref")
	t0 := time.Now()
	mustDeid(t, hKeys(), extractArgs(snap, ref)...)
	full := time.Since(t0)
	want := treeFiles(t, filepath.Join(ref, hID))
	if _, ok := want["manifest.json"]; !ok {
		t.Fatal("the uninterrupted run wrote no manifest")
	}

	out := filepath.Join(t.TempDir(), "killed")
	landed := 0
	for _, frac := range []float64{0.05, 0.3, 0.55, 0.8, 0.95} {
		cmd := exec.Command(deidBinary(t), extractArgs(snap, out)...)
		cmd.Env = hKeys()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(frac * float64(full)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			landed++
		} else {
			t.Logf("kill at %.0f%% of the run came after the run finished", frac*100)
		}
		final := filepath.Join(out, hID)
		if _, err := os.Stat(filepath.Join(final, "manifest.json")); err == nil {
			if d := sameTree(want, treeFiles(t, final)); d != "" {
				t.Fatalf("kill at %.0f%%: the extract has a manifest but is not the complete extract: %s", frac*100, d)
			}
		} else if _, err := os.Stat(final); err == nil {
			t.Fatalf("kill at %.0f%%: an extract folder without a manifest is in place", frac*100)
		}
	}
	if landed < 3 {
		t.Fatalf("only %d of 5 kills landed while the extract ran (run took %v)", landed, full)
	}
	mustDeid(t, hKeys(), extractArgs(snap, out)...)
	if d := sameTree(want, treeFiles(t, filepath.Join(out, hID))); d != "" {
		t.Fatalf("the re-run after kills differs from an uninterrupted run: %s", d)
	}

	// SIGTERM (an operator's Ctrl-C, a scheduler's stop) is handled: the
	// run stops, cleans its staging folder and exits 1.
	termOut := filepath.Join(t.TempDir(), "terminated")
	cmd := exec.Command(deidBinary(t), extractArgs(snap, termOut)...)
	cmd.Env = hKeys()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(full / 2)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Logf("SIGTERM at half-way came after the run finished (%v)", err)
		return
	}
	if ee.ExitCode() != exitRun {
		t.Errorf("SIGTERM: exit %d (%v), want %d\n%s", ee.ExitCode(), err, exitRun, stderr.String())
	}
	noManifest(t, termOut)
	for _, leftover := range []string{hID, "." + hID + ".partial"} {
		if _, err := os.Stat(filepath.Join(termOut, leftover)); err == nil {
			t.Errorf("SIGTERM left %s behind", leftover)
		}
	}
}

// TestUnwritableOutput: an output that cannot be written, or fills up
// part-way, fails the run with a clear error naming the problem, a
// non-zero exit, and nothing that looks like a finished extract.
func TestUnwritableOutput(t *testing.T) {
	snap := synthSnapshot(t, "--patients", "40", "--seed", "5", "--no-gold")
	t.Run("output under a regular file", func(t *testing.T) {
		// chmod does not stop root (CI runs as root); a path through a
		// regular file is unwritable for everyone.
		dir := t.TempDir()
		file := filepath.Join(dir, "not-a-folder")
		if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := deid(t, hKeys(), extractArgs(snap, filepath.Join(file, "out"))...)
		if r.code != exitRun {
			t.Fatalf("exit %d, want %d\n%s", r.code, exitRun, r.stderr)
		}
		if !strings.Contains(r.stderr, "not a directory") {
			t.Errorf("the error does not say what is wrong:\n%s", r.stderr)
		}
		noManifest(t, dir)
	})
	t.Run("symlink to /dev/full in the internal folder", func(t *testing.T) {
		// This once simulated a full disk by planting the audit file as a
		// symlink to /dev/full, which deid wrote through. deid now writes
		// its files only as new files in its own staging folder, and
		// refuses an internal folder it did not create: the planted link
		// stops the run before anything is written. A full disk is the
		// next subtest's real small file system.
		dir := t.TempDir()
		internal := filepath.Join(dir, "internal")
		if err := os.MkdirAll(internal, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/dev/full", filepath.Join(internal, "audit.jsonl.zst")); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out")
		r := deid(t, hKeys(), extractArgs(snap, out, "--internal", internal)...)
		if r.code != exitRun {
			t.Fatalf("exit %d, want %d\n%s", r.code, exitRun, r.stderr)
		}
		if !strings.Contains(r.stderr, internal) || !strings.Contains(r.stderr, "not written by deid") {
			t.Errorf("the error does not name the folder deid refuses:\n%s", r.stderr)
		}
		noManifest(t, dir)
		if ents, _ := os.ReadDir(out); len(ents) != 0 {
			t.Errorf("a refused run left %d entries in the output folder (first %s)", len(ents), ents[0].Name())
		}
	})
	t.Run("output filesystem full", func(t *testing.T) {
		// A real full filesystem: a 256 KiB tmpfs, where the mount is
		// allowed (root in a VM or container with CAP_SYS_ADMIN).
		mnt := filepath.Join(t.TempDir(), "small")
		if err := os.MkdirAll(mnt, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=256k"); err != nil {
			t.Skipf("cannot mount a small tmpfs here: %v", err)
		}
		t.Cleanup(func() { _ = syscall.Unmount(mnt, 0) })
		big := synthSnapshot(t, "--text-mb", "2", "--seed", "6", "--no-gold")
		r := deid(t, hKeys(), extractArgs(big, mnt)...)
		if r.code != exitRun {
			t.Fatalf("exit %d, want %d\n%s", r.code, exitRun, r.stderr)
		}
		if !strings.Contains(r.stderr, "no space left on device") {
			t.Errorf("the error does not say the disk is full:\n%s", r.stderr)
		}
		noManifest(t, mnt)
		if _, err := os.Stat(filepath.Join(mnt, "."+hID+".partial")); err == nil {
			t.Error("the staging folder of a failed run was left behind")
		}
	})
}

// TestHugeLine: a 100 MB line (a runaway export, a hostile file) is
// quarantined as over-long without being held in memory, and the rest of
// the run completes.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MB file")
	}
	snap := synthSnapshot(t, "--patients", "30", "--seed", "8", "--no-gold")
	peakRSS := func(out string) (int64, hRun) {
		cmd := exec.Command(deidBinary(t), extractArgs(snap, out)...)
		cmd.Env = hKeys()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("extract: %v\n%s", err, stderr.String())
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			t.Skip("no rusage on this platform")
		}
		return ru.Maxrss * 1024, hRun{stderr: stderr.String()} // Linux: kilobytes
	}
	base, _ := peakRSS(filepath.Join(t.TempDir(), "base"))

	f, err := os.OpenFile(filepath.Join(snap, "transcripts.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"session_id":"S00000001","turn":100000,"speaker":"patient","sent_at":"2024-01-17T10:00:00Z","text":"`)
	chunk := bytes.Repeat([]byte("all work and no play "), 1<<16)
	for n := 0; n < 100<<20; n += len(chunk) {
		w.Write(chunk)
	}
	w.WriteString("\"}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "long")
	withLine, _ := peakRSS(out)
	var q []map[string]any
	eachJSON(t, filepath.Join(out, hID+".internal", "quarantine.jsonl"), func(b []byte) {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		q = append(q, m)
	})
	if len(q) != 1 || q[0]["reason"] != "line exceeds the maximum record size" || q[0]["file"] != "transcripts.jsonl" {
		t.Fatalf("quarantine = %v, want the one over-long line", q)
	}
	if _, err := os.Stat(filepath.Join(out, hID, "manifest.json")); err != nil {
		t.Fatal("the run did not complete")
	}
	if grew := withLine - base; grew > 80<<20 {
		t.Errorf("a 100 MB line raised peak RSS by %d MB (from %d MB): it was held in memory", grew>>20, base>>20)
	}
	t.Logf("peak RSS %d MB without the line, %d MB with it", base>>20, withLine>>20)
}

// identifiers returns every identifier planted in a snapshot: the text of
// every gold span and every identifying field of every patient, with
// digit-only forms of phone and NHS numbers. Very short strings (initials)
// are left out: they would match anywhere.
func identifiers(t *testing.T, snap string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len(s) >= 3 {
			ids[s] = true
		}
		if d := digitsOnly(s); len(d) >= 10 {
			ids[d] = true
		}
	}
	eachJSON(t, filepath.Join(snap, "gold.jsonl"), func(b []byte) {
		var doc struct {
			Text  string `json:"text"`
			Spans []struct {
				Start, End int
			} `json:"spans"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, s := range doc.Spans {
			if s.Start >= 0 && s.End <= len(doc.Text) && s.Start < s.End {
				add(doc.Text[s.Start:s.End])
			}
		}
	})
	patientIdentifiers(t, filepath.Join(snap, "patients.jsonl"), add)
	return ids
}

// patientIdentifiers hands every identifying field of every readable
// patient record to add.
func patientIdentifiers(t *testing.T, path string, add func(string)) {
	eachJSON(t, path, func(b []byte) {
		var p struct {
			GivenName, FamilyName, PreferredName, Email, Phone, NHSNumber, Postcode, GPPractice, GPName string
			AddressLines                                                                                []string
			Contacts                                                                                    []struct{ Name string }
		}
		m := map[string]json.RawMessage{}
		if json.Unmarshal(b, &m) != nil {
			return // a broken record: nothing was readable, nothing to leak
		}
		str := func(k string, into *string) { _ = json.Unmarshal(m[k], into) }
		str("given_name", &p.GivenName)
		str("family_name", &p.FamilyName)
		str("preferred_name", &p.PreferredName)
		str("email", &p.Email)
		str("phone", &p.Phone)
		str("nhs_number", &p.NHSNumber)
		str("postcode", &p.Postcode)
		str("gp_practice", &p.GPPractice)
		str("gp_name", &p.GPName)
		_ = json.Unmarshal(m["address_lines"], &p.AddressLines)
		_ = json.Unmarshal(m["contacts"], &p.Contacts)
		for _, s := range []string{p.GivenName, p.FamilyName, p.PreferredName, p.Email, p.Phone, p.NHSNumber, p.Postcode, p.GPPractice, p.GPName} {
			add(s)
		}
		for _, s := range p.AddressLines {
			add(s)
		}
		for _, c := range p.Contacts {
			add(c.Name)
		}
	})
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func eachJSON(t *testing.T, path string, fn func([]byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			fn(sc.Bytes())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// leaks returns the identifiers that occur in printed as a whole word,
// case-insensitively unless exact (a lower-cased name is still a name).
func leaks(printed string, ids map[string]bool, exact bool) []string {
	low := printed
	if !exact {
		low = strings.ToLower(printed)
	}
	var found []string
	for id := range ids {
		needle := id
		if !exact {
			needle = strings.ToLower(id)
		}
		for from := 0; ; {
			i := strings.Index(low[from:], needle)
			if i < 0 {
				break
			}
			i += from
			end := i + len(needle)
			if (i == 0 || !isWordByte(low[i-1])) && (end == len(low) || !isWordByte(low[end])) {
				found = append(found, id)
				break
			}
			from = i + 1
		}
	}
	sort.Strings(found)
	return found
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

func TestLeaksHelper(t *testing.T) {
	ids := map[string]bool{"Jen": true, "Leeds": true, "07700 900123": true}
	cases := []struct {
		printed string
		exact   bool
		want    string
	}{
		{"record quarantined file=transcripts.jsonl line=3", false, ""},
		{"moved to leeds", false, "Leeds"},
		{"moved to leeds", true, ""},
		{"moved to Leeds.", true, "Leeds"},
		{"Jennifer", false, ""}, // a longer word is not the identifier
		{"JenLeeds", false, ""},
		{`{"phone":"07700 900123"}`, false, "07700 900123"},
	}
	for _, c := range cases {
		if got := strings.Join(leaks(c.printed, ids, c.exact), ","); got != c.want {
			t.Errorf("leaks(%q, exact %v) = %q, want %q", c.printed, c.exact, got, c.want)
		}
	}
}

// TestNoIdentifierInLogs runs the demo path (synth, extract at debug level
// in both log formats, verify) and an extract over the malformed snapshot,
// and scans everything deid printed for every planted identifier and for
// both keys.
func TestNoIdentifierInLogs(t *testing.T) {
	snap := synthSnapshot(t, "--patients", "60", "--seed", "7")
	ids := identifiers(t, snap)
	if len(ids) < 200 {
		t.Fatalf("only %d identifiers planted: the scan would prove little", len(ids))
	}
	nBad := plantBadRecords(t, snap)
	var printed strings.Builder
	keep := func(r hRun) {
		printed.WriteString(r.stdout)
		printed.WriteString(r.stderr)
	}
	out := filepath.Join(t.TempDir(), "out")
	for _, format := range []string{"console", "json"} {
		r := mustDeid(t, hKeys(), extractArgs(snap, out, "--log-level", "debug", "--log-format", format)...)
		if got := strings.Count(r.stderr, "record quarantined"); got != nBad {
			t.Fatalf("%s log: %d records quarantined, want the %d planted bad ones", format, got, nBad)
		}
		keep(r)
	}
	// The files that describe the run say where, never what.
	for _, f := range []string{filepath.Join(out, hID+".internal", "quarantine.jsonl"), filepath.Join(out, hID, "report.json"), filepath.Join(out, hID, "manifest.json")} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		printed.Write(b)
	}
	// verify may find what the redactor missed; whatever it says about it
	// must not repeat the identifier.
	keep(deid(t, hKeys(), "verify", filepath.Join(out, hID), "--source", snap, "--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY"))

	// The malformed snapshot: every bad record is reported, by file,
	// line, field and reason only.
	bad := "../../fixtures/malformed"
	r := mustDeid(t, hKeys(), extractArgs(bad, filepath.Join(t.TempDir(), "bad"), "--log-level", "debug")...)
	if !strings.Contains(r.stderr, "record quarantined") {
		t.Fatalf("the malformed run logged no quarantined record at debug level:\n%s", r.stderr)
	}
	keep(r)
	// Its records' identifying fields, the identifiers in its texts, and
	// the hostile values that fail validation (a reason must not quote
	// them). Matched case-sensitively: the fixture's joke names ("Bad",
	// "Opted", "Research") are words the log legitimately uses in lower
	// case.
	badIDs := map[string]bool{}
	patientIdentifiers(t, filepath.Join(bad, "patients.jsonl"), func(s string) {
		if len(s) >= 3 {
			badIDs[s] = true
		}
	})
	for _, s := range []string{"jen", "leeds", "Jennifer", "Amara Osei", "dragon", "hologram", "ghost", "carrier", "four",
		"BDI", "not a time", "not an array", "1880-01-01", "2999-01-10", "1234567890"} {
		badIDs[s] = true
	}

	all := printed.String()
	for _, key := range []string{hKey, hOutputKey} {
		if strings.Contains(strings.ToLower(all), key) {
			t.Error("a key was printed")
		}
	}
	if found := leaks(all, ids, false); len(found) > 0 {
		t.Errorf("%d planted identifiers appear in what deid printed: %q", len(found), found)
	}
	if found := leaks(all, badIDs, true); len(found) > 0 {
		t.Errorf("%d values of the malformed snapshot appear in what deid printed: %q", len(found), found)
	}
	t.Logf("scanned %d bytes of output for %d identifiers", len(all), len(ids)+len(badIDs))
}

// plantBadRecords appends records that fail validation to a synthetic
// snapshot, each carrying a real patient's identifier in the field that
// fails (or in a line that cannot be parsed at all), so that every
// quarantine path is handed an identifier it must not repeat. It returns
// how many records it added.
func plantBadRecords(t *testing.T, snap string) int {
	t.Helper()
	var p struct {
		PatientID  string `json:"patient_id"`
		GivenName  string `json:"given_name"`
		FamilyName string `json:"family_name"`
		Email      string `json:"email"`
		Phone      string `json:"phone"`
		NHSNumber  string `json:"nhs_number"`
		Postcode   string `json:"postcode"`
	}
	var first []byte
	eachJSON(t, filepath.Join(snap, "patients.jsonl"), func(b []byte) {
		if first == nil {
			first = bytes.Clone(b)
		}
	})
	if err := json.Unmarshal(first, &p); err != nil {
		t.Fatal(err)
	}
	if p.GivenName == "" || p.Email == "" || p.Phone == "" || p.Postcode == "" {
		t.Fatal("the first synthetic patient lacks an identifier the test plants")
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	turn := func(session, turn, speaker, sent string) string {
		return `{"session_id":` + session + `,"turn":` + turn + `,"speaker":` + speaker + `,"sent_at":` + sent + `,"text":"x"}`
	}
	ok := q("2024-01-17T10:00:00Z")
	transcripts := []string{
		turn(q(p.NHSNumber), "1", q("patient"), ok),                             // orphan, the id is an NHS number
		turn(q("S00000001"), q(p.Email), q("patient"), ok),                      // turn is not an integer
		turn(q("S00000001"), "7001", q(p.GivenName), ok),                        // speaker not allowed
		turn(q("S00000001"), "7002", q("patient"), q(p.Phone)),                  // not a timestamp
		`{"session_id":"S00000001","text":` + q(p.FamilyName+" at "+p.Postcode), // broken JSON
		"{\"text\":\"" + p.GivenName + " \xff\"}",                               // invalid UTF-8
		`[` + q(p.Email) + `]`,                                                  // not an object
	}
	// Each says research_opt_out false: a registration with none is an
	// unknown opt-out, which would exclude the patient sharing its NHS
	// number rather than be quarantined.
	patients := []string{
		string(first), // duplicate patient_id
		`{"patient_id":` + q(p.Email) + `,"nhs_number":` + q(digitsOnly(p.Phone)) + `,"date_of_birth":"1980-01-01","referral_date":"2024-01-01","research_opt_out":false}`, // check digit
		`{"patient_id":"PBAD1","nhs_number":` + q(p.NHSNumber) + `,"date_of_birth":` + q(p.Postcode) + `,"referral_date":"2024-01-01","research_opt_out":false}`,           // not a date
	}
	for file, lines := range map[string][]string{"transcripts.jsonl": transcripts, "patients.jsonl": patients} {
		f, err := os.OpenFile(filepath.Join(snap, file), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return len(transcripts) + len(patients)
}

// TestExitCodes: 2 for bad usage or profile (before any data is read), 1
// for a run that failed; neither leaves a manifest.
func TestExitCodes(t *testing.T) {
	prof, err := os.ReadFile(hProfile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	badProfile := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badProfile, append(prof, []byte("\nsurprise_key: 1\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	in := "../../fixtures/malformed"
	out := filepath.Join(dir, "out")
	cases := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stderr string // what the error must name
	}{
		{"bad profile", hKeys(), []string{"extract", "--profile", badProfile, "--in", in, "--out", out}, exitUsage, "surprise_key"},
		{"missing profile file", hKeys(), []string{"extract", "--profile", filepath.Join(dir, "none.yaml"), "--in", in, "--out", out}, exitUsage, "none.yaml"},
		{"missing key", hEnv("DEID_OUTPUT_KEY=" + hOutputKey), extractArgs(in, out), exitUsage, "DEID_KEY"},
		{"short key", hEnv("DEID_KEY=abcd", "DEID_OUTPUT_KEY="+hOutputKey), extractArgs(in, out), exitUsage, "DEID_KEY"},
		{"short output key", hEnv("DEID_KEY="+hKey, "DEID_OUTPUT_KEY=abcd"), extractArgs(in, out), exitUsage, "DEID_OUTPUT_KEY"},
		{"missing --in", hKeys(), []string{"extract", "--profile", hProfile, "--out", out}, exitUsage, "--in"},
		{"unknown flag", hKeys(), append(extractArgs(in, out), "--frobnicate"), exitUsage, "frobnicate"},
		{"unknown command", hKeys(), []string{"exfiltrate"}, exitUsage, "exfiltrate"},
		{"input is not a folder", hKeys(), extractArgs(filepath.Join(dir, "nowhere"), out), exitRun, "nowhere"},
		{"too many bad records", hKeys(), extractArgs(in, out, "--max-bad", "0"), exitRun, "too many bad records"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := deid(t, c.env, c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr does not name %q:\n%s", c.stderr, r.stderr)
			}
			noManifest(t, out)
		})
	}
}
