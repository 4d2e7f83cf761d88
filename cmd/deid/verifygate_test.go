package main

// End-to-end tests of deid verify as a gate, through the real binary: an
// edited and re-sealed manifest fails without the partner's key; every
// string column is scanned for the source's identifiers (dates of birth
// included) and checked against its allowed values; a run without
// --source or keys says which checks it skipped; verify never leaves a
// decrypted copy on disk; and whatever verify cannot read fails it.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/pipeline/handover"
)

const vgSnapshot = "../../fixtures/snapshot"

// vgExtract makes an extract of the fixture snapshot with profile (the
// encrypted university profile unless given) and returns its folder.
func vgExtract(t *testing.T, profile string) string {
	t.Helper()
	if profile == "" {
		profile = hProfile
	}
	out := filepath.Join(t.TempDir(), "out")
	mustDeid(t, hKeys(), "extract", "--profile", profile, "--in", vgSnapshot, "--out", out, "--id", hID)
	return filepath.Join(out, hID)
}

func vgOutputKey(t *testing.T) *handover.Key {
	t.Helper()
	k, err := handover.ParseKey("university-partner", []byte(hOutputKey))
	if err != nil {
		t.Fatal(err)
	}
	return &k
}

// vgFullArgs are verify's arguments with every check enabled.
func vgFullArgs(dir string) []string {
	return []string{"verify", dir, "--source", vgSnapshot, "--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY"}
}

// editManifest loads dir's manifest, lets edit change it, re-seals it
// with key (nil: the unkeyed seal anyone can compute) and writes it back.
func editManifest(t *testing.T, dir string, key *handover.Key, edit func(m *pipeline.Manifest)) {
	t.Helper()
	m, err := pipeline.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	edit(m)
	if err := m.Seal(key); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// resealPlain re-seals dir's manifest the way an editor with a script
// would: every seal field set to a plain SHA-256 of the manifest without
// it, in both the Go encoding and the documented canonical form.
func resealPlain(t *testing.T, dir string) {
	t.Helper()
	editManifest(t, dir, nil, func(*pipeline.Manifest) {})
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"manifest_hmac_sha256", "manifest_sha256"} {
		delete(m, f)
	}
	c, _ := json.Marshal(m)
	sum := sha256.Sum256(c)
	m["manifest_hmac_sha256"] = hex.EncodeToString(sum[:])
	b, _ = json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// updateEntry refreshes the manifest entry of rel after its file changed.
func updateEntry(t *testing.T, dir, rel string, rows int64) func(m *pipeline.Manifest) {
	return func(m *pipeline.Manifest) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		for i := range m.Files {
			if m.Files[i].Path == rel {
				m.Files[i].SHA256, m.Files[i].Bytes = hex.EncodeToString(sum[:]), int64(len(b))
				if rows >= 0 {
					m.Files[i].Rows = rows
				}
				return
			}
		}
		t.Fatalf("%s not in the manifest", rel)
	}
}

// TestVerifyKeyedSeal: an extract edited (a dataset, a file or a row
// count removed or changed) and re-sealed by anyone without the partner's
// key fails verify; so does the right manifest under the wrong key.
func TestVerifyKeyedSeal(t *testing.T) {
	clean := vgExtract(t, "")
	if r := deid(t, hKeys(), vgFullArgs(clean)...); r.code != exitOK {
		t.Fatalf("clean extract: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wrongKey := &handover.Key{ID: "university-partner", Bytes: bytes.Repeat([]byte{7}, 32)}
	edits := []struct {
		name string
		edit func(t *testing.T, dir string) func(m *pipeline.Manifest)
	}{
		{"dataset removed", func(t *testing.T, dir string) func(m *pipeline.Manifest) {
			os.RemoveAll(filepath.Join(dir, "transcripts"))
			return func(m *pipeline.Manifest) {
				var keep []pipeline.ManifestFile
				for _, f := range m.Files {
					if f.Dataset != "transcripts" {
						keep = append(keep, f)
					}
				}
				m.Files = keep
			}
		}},
		{"report replaced", func(t *testing.T, dir string) func(m *pipeline.Manifest) {
			os.WriteFile(filepath.Join(dir, "report.json"), []byte("{}\n"), 0o644)
			return updateEntry(t, dir, "report.json", -1)
		}},
		{"row count changed", func(t *testing.T, dir string) func(m *pipeline.Manifest) {
			return func(m *pipeline.Manifest) { m.Files[len(m.Files)-1].Rows++ }
		}},
		{"opt-outs claimed", func(t *testing.T, dir string) func(m *pipeline.Manifest) {
			return func(m *pipeline.Manifest) { m.OptOuts.ResearchOptOut = false }
		}},
	}
	reseals := []struct {
		name string
		do   func(t *testing.T, dir string, edit func(*pipeline.Manifest))
	}{
		{"unkeyed", func(t *testing.T, dir string, edit func(*pipeline.Manifest)) { editManifest(t, dir, nil, edit) }},
		{"plain sha256 in the keyed field", func(t *testing.T, dir string, edit func(*pipeline.Manifest)) {
			editManifest(t, dir, nil, edit)
			resealPlain(t, dir)
		}},
		{"wrong key", func(t *testing.T, dir string, edit func(*pipeline.Manifest)) { editManifest(t, dir, wrongKey, edit) }},
	}
	for _, e := range edits {
		for _, rs := range reseals {
			t.Run(e.name+"/"+rs.name, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), hID)
				copyDir(t, clean, dir)
				rs.do(t, dir, e.edit(t, dir))
				r := deid(t, hKeys(), vgFullArgs(dir)...)
				if r.code != exitRun {
					t.Fatalf("exit %d, want %d\n%s%s", r.code, exitRun, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stdout, "manifest.json: seal:") {
					t.Errorf("verify does not name the seal:\n%s", r.stdout)
				}
			})
		}
	}
	t.Run("wrong decryption key", func(t *testing.T) {
		r := deid(t, hEnv("DEID_KEY="+hKey, "DEID_OUTPUT_KEY="+hex.EncodeToString(wrongKey.Bytes)), vgFullArgs(clean)...)
		if r.code != exitRun || !strings.Contains(r.stdout, "manifest.json: seal:") {
			t.Fatalf("exit %d, want %d and a seal problem\n%s%s", r.code, exitRun, r.stdout, r.stderr)
		}
	})
	t.Run("re-sealed with the right key", func(t *testing.T) {
		// The partner's key holder can re-seal: the seal proves the
		// manifest is the key holder's, nothing more.
		dir := filepath.Join(t.TempDir(), hID)
		copyDir(t, clean, dir)
		editManifest(t, dir, vgOutputKey(t), func(*pipeline.Manifest) {})
		if r := deid(t, hKeys(), vgFullArgs(dir)...); r.code != exitOK {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
}

// TestVerifyUnkeyedSealSaysSo: an extract without an output key has only
// an unkeyed seal; verify says so on every run and fails when a
// decryption key was given (the partner expected an encrypted extract).
func TestVerifyUnkeyedSealSaysSo(t *testing.T) {
	dir := vgExtract(t, "../../fixtures/profiles/service-evaluation.yaml")
	r := deid(t, hKeys(), "verify", dir, "--source", vgSnapshot, "--key-env", "DEID_KEY")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"seal: unkeyed (no output key)", "not checked: keyed manifest seal (the extract has no output key)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output does not say %q:\n%s", want, r.stdout)
		}
	}
	r = deid(t, hKeys(), append([]string{"verify", dir}, "--decrypt-key-env", "DEID_OUTPUT_KEY")...)
	if r.code != exitRun || !strings.Contains(r.stdout, "manifest.json: seal:") {
		t.Fatalf("decryption key given for an unencrypted extract: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// plantValue rewrites one cell (row is 0-based) of a dataset's Parquet
// file, re-encrypting it with key when given, and updates and re-seals the
// manifest as deid would: the extract is what a faulty run would write.
func plantValue(t *testing.T, dir, dataset string, row int, column, value string, key *handover.Key, opts ...parquet.WriterOption) {
	t.Helper()
	ctx := context.Background()
	rel := dataset + "/part-00000.parquet"
	p := filepath.Join(dir, filepath.FromSlash(rel))
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if key != nil {
		var plain bytes.Buffer
		if err := handover.DecryptParquet(ctx, &plain, bytes.NewReader(raw), int64(len(raw)), *key); err != nil {
			t.Fatal(err)
		}
		raw = plain.Bytes()
	}
	pf, err := parquet.OpenFile(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	leaf, ok := pf.Schema().Lookup(column)
	if !ok {
		t.Fatalf("%s has no column %s", dataset, column)
	}
	ci := leaf.ColumnIndex
	var rows []parquet.Row
	for _, rg := range pf.RowGroups() {
		rr := rg.Rows()
		buf := make([]parquet.Row, 64)
		for {
			n, err := rr.ReadRows(buf)
			for _, r := range buf[:n] {
				rows = append(rows, r.Clone())
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		rr.Close()
	}
	if row >= len(rows) {
		t.Fatalf("%s has %d rows", dataset, len(rows))
	}
	for i, v := range rows[row] {
		if v.Column() == ci {
			rows[row][i] = parquet.ByteArrayValue([]byte(value)).Level(v.RepetitionLevel(), leaf.MaxDefinitionLevel, ci)
		}
	}
	var out bytes.Buffer
	// Version-1 pages, as deid writes them: EncryptParquet refuses others.
	w := parquet.NewWriter(&out, append([]parquet.WriterOption{pf.Schema(), parquet.DataPageVersion(1)}, opts...)...)
	if _, err := w.WriteRows(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := out.Bytes()
	if key != nil {
		var enc bytes.Buffer
		if err := handover.EncryptParquet(ctx, &enc, bytes.NewReader(b), int64(len(b)), *key); err != nil {
			t.Fatal(err)
		}
		b = enc.Bytes()
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	editManifest(t, dir, key, updateEntry(t, dir, rel, -1))
}

// TestVerifyScansEveryStringColumn plants a source identifier, or a value
// outside a column's vocabulary, in columns the old scan skipped; verify
// must fail naming file, row and column, never the value.
func TestVerifyScansEveryStringColumn(t *testing.T) {
	clean := vgExtract(t, "")
	// P0000001 of the fixture: Annie Lawrence, born 1957-09-26.
	cases := []struct {
		dataset, column, value string
		check                  string // the problem's check, and its detail when it says which identifier
	}{
		{"transcripts", "speaker", "Annie Lawrence", "leak"},
		{"messages", "sender", "9995032708", "leak"},
		{"patients", "gender", "annie.lawrence@example.net", "leak"},
		{"patients", "ethnicity", "HX1 7DN", "leak"},
		{"questionnaires", "severity", "07700 900504", "leak"},
		{"questionnaires", "severity", "extreme", "value"},
		{"transcripts", "speaker", "client", "value"},
		{"patients", "age_band", "61", "value"},
		{"sessions", "modality", "Video", "value"},
		{"notes", "text", "born 26/09/1957", "leak"},
		{"notes", "text", "dob 26th September 1957", "leak"},
		{"notes", "text", "DOB: 1957-09-26", "leak"},
		{"notes", "text", "dob Sept 26, 1957", "leak"},
		{"notes", "text", "dob 26.09.57", "leak"},
		{"notes", "text", "dob 26091957", "leak"},
		{"notes", "text", "spoke to AnnieLawrence today", "leak"},
		{"notes", "text", "spoke to annielawrence79", "leak"},
		{"notes", "text", "Lawrence, Annie attended", "leak: source identifier found: name"},
		// Mangled: the scan reads the normalised view (redact/textnorm).
		{"notes", "text", "Annie\u00a0Lawrence called", "leak: source identifier found: name"},
		{"notes", "text", "An\u200bnie Law\u200brence called", "leak: source identifier found: name"},
		{"notes", "text", "A&#110;nie L&#x61;wrence called", "leak: source identifier found: name"},
		{"notes", "text", "%41nnie%20L%61wrence called", "leak: source identifier found: name"},
		{"notes", "text", "An\x00nie La\x00wrence called", "leak: source identifier found: name"},
		{"notes", "text", "nhs \uff19\uff19\uff19\uff15\uff10\uff13\uff12\uff17\uff10\uff18", "leak: source identifier found: nhs_number"},
		{"notes", "text", "ring 07700\u2009900504", "leak: source identifier found: phone"},
		{"notes", "text", "ring 07700/900/504", "leak: source identifier found: phone"},
		{"notes", "text", "mail annie.lawrence\u200b@example.net", "leak: source identifier found: email"},
		{"notes", "text", "mail annie.lawrence&#64;example.net", "leak: source identifier found: email"},
		{"notes", "text", "lives at HX1\u00a07DN", "leak: source identifier found: postcode"},
		{"messages", "sender", "An\u00adnie Lawr\u00adence", "leak: source identifier found: name"},
	}
	for _, c := range cases {
		t.Run(c.dataset+"/"+c.column+"/"+c.value, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), hID)
			copyDir(t, clean, dir)
			plantValue(t, dir, c.dataset, 0, c.column, c.value, vgOutputKey(t))
			r := deid(t, hKeys(), vgFullArgs(dir)...)
			if r.code != exitRun {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, exitRun, r.stdout, r.stderr)
			}
			want := c.dataset + "/part-00000.parquet row 1 column " + c.column + ": " + c.check
			if !strings.Contains(c.check, ":") {
				want += ":"
			}
			if !strings.Contains(r.stdout, want) {
				t.Errorf("no %q in:\n%s", want, r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, c.value) {
				t.Errorf("verify printed the planted value")
			}
		})
	}
	t.Run("file metadata", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), hID)
		copyDir(t, clean, dir)
		plantValue(t, dir, "transcripts", 0, "speaker", "patient", vgOutputKey(t), parquet.KeyValueMetadata("note", "Annie Lawrence"))
		r := deid(t, hKeys(), vgFullArgs(dir)...)
		if r.code != exitRun || !strings.Contains(r.stdout, "transcripts/part-00000.parquet: leak: source identifier found in the file's metadata: name") {
			t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("report and dictionary", func(t *testing.T) {
		// The files beside the datasets are scanned too.
		for _, f := range []string{"report.json", "DATA_DICTIONARY.md"} {
			dir := filepath.Join(t.TempDir(), hID)
			copyDir(t, clean, dir)
			p := filepath.Join(dir, f)
			b, _ := os.ReadFile(p)
			if f == "report.json" {
				b = bytes.Replace(b, []byte(`{`), []byte(`{"note": "Annie Lawrence, 999 503 2708",`), 1)
			} else {
				b = append(b, "\nAnnie Lawrence\n"...)
			}
			os.WriteFile(p, b, 0o644)
			editManifest(t, dir, vgOutputKey(t), updateEntry(t, dir, f, -1))
			r := deid(t, hKeys(), vgFullArgs(dir)...)
			if r.code != exitRun || !strings.Contains(r.stdout, f) || !strings.Contains(r.stdout, ": leak: source identifier found: name") || strings.Contains(r.stdout, "Annie") {
				t.Errorf("%s: exit %d\n%s%s", f, r.code, r.stdout, r.stderr)
			}
		}
	})
	t.Run("unencrypted provider", func(t *testing.T) {
		// The service evaluation extract carries provider: a name and an
		// NHS number there were passed by the old scan.
		dir := vgExtract(t, "../../fixtures/profiles/service-evaluation.yaml")
		plantValue(t, dir, "patients", 0, "provider", "Annie Lawrence 999 503 2708", nil)
		r := deid(t, hKeys(), "verify", dir, "--source", vgSnapshot, "--key-env", "DEID_KEY")
		if r.code != exitRun || !strings.Contains(r.stdout, "column provider: leak:") || !strings.Contains(r.stdout, "column provider: value:") {
			t.Fatalf("exit %d, want %d with a leak and a value problem in provider\n%s%s", r.code, exitRun, r.stdout, r.stderr)
		}
	})
}

// TestVerifySaysWhatItSkipped: without --source, --key-env or
// --decrypt-key-env verify still exits 0 when what it could check holds,
// but lists every check it did not run, and its OK line says so.
func TestVerifySaysWhatItSkipped(t *testing.T) {
	dir := vgExtract(t, "")
	cases := []struct {
		name    string
		args    []string
		skipped []string
	}{
		{"nothing", nil, []string{"manifest seal (no --decrypt-key-env)", "file contents (no --decrypt-key-env)", "leak scan (no --source)", "opted-out ids (no --source)"}},
		{"source only", []string{"--source", vgSnapshot}, []string{"manifest seal (no --decrypt-key-env)", "file contents and leak scan (no --decrypt-key-env)", "opted-out ids and each patient's single-word names (no --key-env)"}},
		{"keys, no source", []string{"--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY"}, []string{"leak scan (no --source)", "opted-out ids (no --source)"}},
		{"everything", []string{"--source", vgSnapshot, "--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := deid(t, hKeys(), append([]string{"verify", dir}, c.args...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			last := lines[len(lines)-1]
			if c.skipped == nil {
				if strings.Contains(r.stdout, "not checked") || last != "verify: OK: every check passed: "+dir {
					t.Errorf("full verify:\n%s", r.stdout)
				}
				return
			}
			for _, s := range c.skipped {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("does not say %q was skipped:\n%s", s, r.stdout)
				}
			}
			if !strings.HasPrefix(last, "verify: OK for the checks that ran") || !strings.Contains(last, "not checked") {
				t.Errorf("the OK line implies more than was checked: %q", last)
			}
		})
	}
}

// TestVerifySaysWhatTheSourceCannotCheck: a source whose opt-out list is
// missing or has unreadable entries cannot confirm every opt-out; verify
// says so instead of passing them.
func TestVerifySaysWhatTheSourceCannotCheck(t *testing.T) {
	dir := vgExtract(t, "")
	src := filepath.Join(t.TempDir(), "snapshot")
	copyDir(t, vgSnapshot, src)
	os.Remove(filepath.Join(src, "opt_outs.jsonl"))
	r := deid(t, hKeys(), "verify", dir, "--source", src, "--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY")
	if !strings.Contains(r.stdout, "not checked: National Data Opt-out ids (the source has no opt-out list)") {
		t.Errorf("no opt-out list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	os.WriteFile(filepath.Join(src, "opt_outs.jsonl"), []byte(`{"nhs_number":"999 503 2709"}`+"\n"), 0o644)
	r = deid(t, hKeys(), "verify", dir, "--source", src, "--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY")
	if !strings.Contains(r.stdout, "opted-out ids of 1 opt-out entries that could not be read") {
		t.Errorf("unreadable opt-out entry: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestVerifyOptOutsFailClosed: verify holds the extract to the source's
// opt-outs read failing closed. A patient whose research opt-out is
// missing or null, a second copy of a patient that opts out, or a second
// registration of the same NHS number that opts out: that patient's rows
// are opt-out problems.
func TestVerifyOptOutsFailClosed(t *testing.T) {
	dir := vgExtract(t, "")
	orig, err := os.ReadFile(filepath.Join(vgSnapshot, "patients.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(orig, []byte("\n")) // P0000001, included in the extract
	cases := map[string][]byte{
		"missing":     bytes.Replace(orig, []byte(`"research_opt_out":false,`), nil, 1),
		"null":        bytes.Replace(orig, []byte(`"research_opt_out":false`), []byte(`"research_opt_out":null`), 1),
		"second copy": append(append([]byte(nil), orig...), bytes.Replace(first, []byte(`"research_opt_out":false`), []byte(`"research_opt_out":true`), 1)...),
		"second registration": append(append([]byte(nil), orig...), bytes.Replace(bytes.Replace(first, []byte(`"research_opt_out":false`), []byte(`"research_opt_out":true`), 1),
			[]byte(`"patient_id":"P0000001"`), []byte(`"patient_id":"P0009999"`), 1)...),
	}
	for name, patients := range cases {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "snapshot")
			copyDir(t, vgSnapshot, src)
			if err := os.WriteFile(filepath.Join(src, "patients.jsonl"), append(bytes.TrimRight(patients, "\n"), '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			r := deid(t, hKeys(), "verify", dir, "--source", src, "--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY")
			if r.code != exitRun || !strings.Contains(r.stdout, "patients/part-00000.parquet row 1 column research_id: opt-out:") {
				t.Fatalf("exit %d, want %d and an opt-out problem\n%s%s", r.code, exitRun, r.stdout, r.stderr)
			}
		})
	}
}

// TestVerifyLeavesNoPlaintext: while verify runs, and after it is killed,
// its temporary folder holds no Parquet plaintext of an encrypted extract.
func TestVerifyLeavesNoPlaintext(t *testing.T) {
	if testing.Short() {
		t.Skip("kills verify runs of a multi-megabyte extract")
	}
	snap := synthSnapshot(t, "--text-mb", "3", "--seed", "41", "--no-gold")
	out := filepath.Join(t.TempDir(), "out")
	mustDeid(t, hKeys(), extractArgs(snap, out)...)
	dir := filepath.Join(out, hID)
	args := []string{"verify", dir, "--source", snap, "--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY"}
	tmp := t.TempDir()
	env := append(hKeys(), "TMPDIR="+tmp)
	t0 := time.Now()
	if r := deid(t, env, args...); r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	full := time.Since(t0)
	plaintext := func(when string) {
		_ = filepath.WalkDir(tmp, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err == nil && (bytes.HasPrefix(b, []byte("PAR1")) || bytes.Contains(b, []byte("research_id"))) {
				t.Errorf("%s: plaintext Parquet in verify's temporary folder: %s", when, filepath.Base(p))
			}
			return nil
		})
	}
	plaintext("after a run")
	for _, frac := range []float64{0.2, 0.5, 0.8} {
		cmd := exec.Command(deidBinary(t), args...)
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Look while it runs, then kill it.
		deadline := time.Now().Add(time.Duration(frac * float64(full)))
		for time.Now().Before(deadline) {
			plaintext("while running")
			time.Sleep(full / 20)
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		plaintext("after kill -9")
	}
}

// TestVerifyFailsClosed: whatever verify cannot read or place fails it.
func TestVerifyFailsClosed(t *testing.T) {
	clean := vgExtract(t, "")
	key := vgOutputKey(t)
	cases := []struct {
		name string
		do   func(t *testing.T, dir string)
		want string
	}{
		{"unreadable parquet", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "notes", "part-00000.parquet"), []byte("not parquet"), 0o644)
			editManifest(t, dir, key, updateEntry(t, dir, "notes/part-00000.parquet", -1))
		}, "notes/part-00000.parquet: parquet:"},
		{"path outside the extract", func(t *testing.T, dir string) {
			outside := filepath.Join(filepath.Dir(dir), "outside.txt")
			os.WriteFile(outside, []byte("x"), 0o644)
			editManifest(t, dir, key, func(m *pipeline.Manifest) {
				sum := sha256.Sum256([]byte("x"))
				m.Files = append(m.Files, pipeline.ManifestFile{Path: "../outside.txt", Bytes: 1, SHA256: hex.EncodeToString(sum[:])})
			})
		}, "../outside.txt: manifest:"},
		{"symlink", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(filepath.Dir(dir), "target"), []byte("x"), 0o644)
			os.Remove(filepath.Join(dir, "DATA_DICTIONARY.md"))
			os.Symlink(filepath.Join(filepath.Dir(dir), "target"), filepath.Join(dir, "DATA_DICTIONARY.md"))
			editManifest(t, dir, key, updateEntry(t, dir, "DATA_DICTIONARY.md", -1))
		}, "DATA_DICTIONARY.md: file:"},
		{"unencrypted file in an encrypted extract", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "outcomes", "part-00000.parquet")
			b, _ := os.ReadFile(p)
			var plain bytes.Buffer
			if err := handover.DecryptParquet(context.Background(), &plain, bytes.NewReader(b), int64(len(b)), *key); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(p, plain.Bytes(), 0o644)
			editManifest(t, dir, key, updateEntry(t, dir, "outcomes/part-00000.parquet", -1))
		}, "outcomes/part-00000.parquet: encryption:"},
	}
	// A source that is not there, or holds no patients, would make the
	// leak scan pass on nothing.
	for name, src := range map[string]string{"missing source": filepath.Join(t.TempDir(), "none"), "empty source": t.TempDir()} {
		t.Run(name, func(t *testing.T) {
			r := deid(t, hKeys(), "verify", clean, "--source", src, "--key-env", "DEID_KEY", "--decrypt-key-env", "DEID_OUTPUT_KEY")
			if r.code != exitRun || !strings.Contains(r.stderr, "source "+src) {
				t.Fatalf("exit %d, want %d naming the source\n%s%s", r.code, exitRun, r.stdout, r.stderr)
			}
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), hID)
			copyDir(t, clean, dir)
			c.do(t, dir)
			r := deid(t, hKeys(), vgFullArgs(dir)...)
			if r.code != exitRun || !strings.Contains(r.stdout, c.want) {
				t.Fatalf("exit %d, want %d and %q\n%s%s", r.code, exitRun, c.want, r.stdout, r.stderr)
			}
		})
	}
}

// copyDir copies a folder of regular files.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	for rel, b := range treeFiles(t, from) {
		p := filepath.Join(to, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
