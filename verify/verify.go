package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/textnorm"
	"github.com/nhs-talking-therapies/deid/schemas"
	"github.com/nhs-talking-therapies/deid/source"
)

// Options configure Extract.
type Options struct {
	Dir    string // the extract folder
	Source string // optional source snapshot for the leak scan
	// Key is the extract's pseudonym key (optional). With it, verify maps
	// research ids back to patients, so each patient's single-word names
	// are checked in their own rows (where the redactor must have removed
	// them) and opted-out patients' research ids are looked for. Without
	// it, only identifiers distinctive enough to scan for everywhere are
	// checked (full names, addresses, postcodes, phones, emails, NHS
	// numbers, dates of birth).
	Key []byte
	// DecryptKey is the partner's output key: it checks the manifest's
	// keyed seal and opens encrypted Parquet files for the content checks.
	// Without it those checks are listed as not checked.
	DecryptKey *handover.Key
}

// Problem is one failed check.
type Problem struct {
	File   string `json:"file,omitempty"`
	Row    int64  `json:"row,omitempty"` // 1-based
	Column string `json:"column,omitempty"`
	Check  string `json:"check"`
	Detail string `json:"detail"`
	// Notice marks an informational line (a check that could not run),
	// not a failure.
	Notice bool `json:"notice,omitempty"`
}

// CheckNotChecked is the Check of the notice listing the checks that did
// not run; its Detail is the list, "; "-separated.
const CheckNotChecked = "not checked"

// Failed reports whether any problem is a failure, not a notice.
func Failed(probs []Problem) bool {
	for _, p := range probs {
		if !p.Notice {
			return true
		}
	}
	return false
}

// NotChecked returns the checks that did not run, from Extract's notice.
func NotChecked(probs []Problem) []string {
	for _, p := range probs {
		if p.Notice && p.Check == CheckNotChecked {
			return strings.Split(p.Detail, "; ")
		}
	}
	return nil
}

// parquetFile is an opened Parquet file of an extract.
type parquetFile struct {
	*parquet.File
	encrypted bool
	close     func()
}

// openParquet opens a Parquet file of an extract. An encrypted file is
// decrypted into a sealedTemp, never into plaintext on disk. The result's
// File is nil, with no error, when the file is encrypted and no key was
// given.
func openParquet(ctx context.Context, path string, key *handover.Key) (*parquetFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	enc, err := handover.IsEncryptedParquet(f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	if !enc {
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			f.Close()
			return nil, err
		}
		return &parquetFile{File: pf, close: func() { f.Close() }}, nil
	}
	if key == nil {
		f.Close()
		return &parquetFile{encrypted: true}, nil
	}
	tmp, err := newSealedTemp()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("scratch copy: %w", err)
	}
	err = handover.DecryptParquet(ctx, tmp, f, st.Size(), *key)
	f.Close()
	if err != nil {
		tmp.Close()
		return nil, fmt.Errorf("decrypting: %w", err)
	}
	pf, err := parquet.OpenFile(tmp, tmp.Size())
	if err != nil {
		tmp.Close()
		return nil, err
	}
	return &parquetFile{File: pf, encrypted: true, close: func() { tmp.Close() }}, nil
}

// String is the problem as one line: where (file, row, column), the check
// and what failed.
func (p Problem) String() string {
	loc := p.File
	if p.Row > 0 {
		loc += fmt.Sprintf(" row %d", p.Row)
	}
	if p.Column != "" {
		loc += " column " + p.Column
	}
	if loc == "" {
		return p.Check + ": " + p.Detail
	}
	return loc + ": " + p.Check + ": " + p.Detail
}

// maxProblemsPerFile keeps a badly leaking file from flooding the output.
const maxProblemsPerFile = 200

// verifier carries one Extract run.
type verifier struct {
	opt        Options
	m          *pipeline.Manifest
	idx        *leakIndex // nil without a source
	probs      []Problem
	notChecked []string
	skippedEnc bool // an encrypted file was not opened for want of a key
}

func (v *verifier) fail(p Problem)   { v.probs = append(v.probs, p) }
func (v *verifier) skip(what string) { v.notChecked = append(v.notChecked, what) }
func (v *verifier) notice(p Problem) { p.Notice = true; v.probs = append(v.probs, p) }

// Extract runs every check and returns the problems found, with notices;
// an error means verify itself could not run (the source could not be
// read, the context ended).
func Extract(ctx context.Context, opt Options) ([]Problem, error) {
	m, raw, err := pipeline.ReadSealedManifest(opt.Dir)
	if err != nil {
		return []Problem{{File: "manifest.json", Check: "manifest", Detail: "missing or unreadable: the extract is incomplete"}}, nil
	}
	v := &verifier{opt: opt, m: m}
	switch m.Format {
	case pipeline.ManifestFormat:
	case "deid-extract/1":
		v.fail(Problem{File: "manifest.json", Check: "manifest", Detail: "format deid-extract/1 is sealed by a plain SHA-256 that anyone can recompute after an edit: not accepted; make the extract again with this deid"})
	default:
		v.fail(Problem{File: "manifest.json", Check: "manifest", Detail: "unknown manifest format"})
	}
	v.checkSeal(raw)
	if opt.Key != nil && pipeline.KeyFingerprint(opt.Key) != m.KeyFingerprint {
		v.fail(Problem{File: "manifest.json", Check: "key", Detail: "the pseudonym key given is not the key this extract was made with"})
		v.opt.Key = nil
	}
	if opt.DecryptKey != nil && m.Encryption != nil && opt.DecryptKey.Fingerprint() != m.Encryption.KeyFingerprint {
		v.fail(Problem{File: "manifest.json", Check: "encryption", Detail: "the decryption key given is not the key this extract was encrypted with"})
	}
	if opt.Source != "" {
		idx, notChecked, err := buildLeakIndex(ctx, opt.Source, v.opt.Key, m.OptOuts)
		if err != nil {
			return nil, err
		}
		v.idx = idx
		v.notChecked = append(v.notChecked, notChecked...)
	}
	listed := map[string]bool{"manifest.json": true}
	for _, f := range m.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !safeManifestPath(f.Path) || listed[f.Path] {
			v.fail(Problem{File: f.Path, Check: "manifest", Detail: "not a path inside the extract, or listed twice"})
			continue
		}
		listed[f.Path] = true
		if err := v.checkFile(ctx, f); err != nil {
			return nil, err
		}
	}
	err = filepath.WalkDir(opt.Dir, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(opt.Dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case err != nil:
			v.fail(Problem{File: rel, Check: "file", Detail: "cannot be read: " + errReasonOf(err)})
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
		case d.IsDir():
		case !d.Type().IsRegular():
			if listed[rel] {
				return nil // checkFile reported it
			}
			v.fail(Problem{File: rel, Check: "file", Detail: "not a regular file (a link or device) and not listed in the manifest"})
		case !listed[rel]:
			v.fail(Problem{File: rel, Check: "manifest", Detail: "file not listed in the manifest"})
		}
		return nil
	})
	if err != nil {
		v.fail(Problem{Check: "file", Detail: "the extract folder cannot be read: " + errReasonOf(err)})
	}
	v.listSkipped()
	return v.probs, nil
}

// errReasonOf is an os error's reason without the path it names (the
// problem line names the file already).
func errReasonOf(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// safeManifestPath reports whether a manifest path names a file inside the
// extract: relative, forward slashes, clean, no "..", not the manifest.
func safeManifestPath(p string) bool {
	return p != "" && p != "manifest.json" && !strings.Contains(p, "\\") && !path.IsAbs(p) && path.Clean(p) == p &&
		p != ".." && !strings.HasPrefix(p, "../") && filepath.IsLocal(filepath.FromSlash(p))
}

// checkSeal checks the manifest's seal on its bytes raw.
func (v *verifier) checkSeal(raw []byte) {
	m, key := v.m, v.opt.DecryptKey
	sealProblem := func(detail string) { v.fail(Problem{File: "manifest.json", Check: "seal", Detail: detail}) }
	switch {
	case m.ManifestHMAC != "":
		if key == nil {
			v.skip("manifest seal (no --decrypt-key-env)")
			return
		}
		if !m.SealValid(raw, key) {
			sealProblem("does not match: the manifest was altered after it was sealed, or the key given is not this extract's")
		}
	case m.ManifestSHA256 != "":
		if m.Encryption != nil {
			sealProblem("an encrypted extract's manifest with only an unkeyed manifest_sha256, which anyone can recompute: refused")
			return
		}
		if key != nil {
			sealProblem("a decryption key was given, but this extract is not encrypted and its manifest carries no keyed seal to check the key against")
		}
		if !m.SealValid(raw, nil) {
			sealProblem("manifest_sha256 does not match its content: the manifest was altered")
			return
		}
		v.notice(Problem{File: "manifest.json", Check: "seal", Detail: "unkeyed (no output key): manifest_sha256 catches accidental change, not a deliberate edit"})
		v.skip("keyed manifest seal (the extract has no output key)")
	default:
		sealProblem("the manifest is not sealed")
	}
}

// listSkipped adds the notice naming every check that did not run.
func (v *verifier) listSkipped() {
	if v.skippedEnc {
		if v.opt.Source != "" {
			v.skip("file contents and leak scan (no --decrypt-key-env)")
		} else {
			v.skip("file contents (no --decrypt-key-env)")
		}
	}
	if v.opt.Source == "" {
		v.skip("leak scan (no --source)")
		v.skip("opted-out ids (no --source)")
	} else if v.opt.Key == nil {
		v.skip("opted-out ids and each patient's single-word names (no --key-env)")
	}
	if len(v.notChecked) > 0 {
		v.notice(Problem{Check: CheckNotChecked, Detail: strings.Join(v.notChecked, "; ")})
	}
}

func (v *verifier) checkFile(ctx context.Context, f pipeline.ManifestFile) error {
	p := filepath.Join(v.opt.Dir, filepath.FromSlash(f.Path))
	if st, err := os.Lstat(p); err != nil {
		v.fail(Problem{File: f.Path, Check: "presence", Detail: "listed in the manifest but missing or unreadable"})
		return nil
	} else if !st.Mode().IsRegular() {
		v.fail(Problem{File: f.Path, Check: "file", Detail: "not a regular file (a link or device)"})
		return nil
	}
	sum, n, err := pipeline.FileSHA256(p)
	if err != nil {
		v.fail(Problem{File: f.Path, Check: "presence", Detail: "listed in the manifest but unreadable: " + errReasonOf(err)})
		return nil
	}
	if n != f.Bytes {
		v.fail(Problem{File: f.Path, Check: "size", Detail: fmt.Sprintf("%d bytes, manifest says %d", n, f.Bytes)})
	}
	if sum != f.SHA256 {
		v.fail(Problem{File: f.Path, Check: "sha256", Detail: "checksum does not match the manifest"})
	}
	if f.Dataset == "" {
		if strings.HasSuffix(f.Path, ".parquet") {
			v.fail(Problem{File: f.Path, Check: "manifest", Detail: "a Parquet file listed without its dataset"})
			return nil
		}
		if v.idx != nil {
			v.scanSideFile(f.Path, p)
		}
		return nil
	}
	ds, ok := schemas.Lookup(f.Dataset)
	if !ok || ds.SchemaID() != f.SchemaVersion || path.Dir(f.Path) != f.Dataset {
		v.fail(Problem{File: f.Path, Check: "schema", Detail: "unknown dataset or schema version " + f.SchemaVersion + ", or a file outside its dataset's folder"})
		return nil
	}
	pf, err := openParquet(ctx, p, v.opt.DecryptKey)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		v.fail(Problem{File: f.Path, Check: "parquet", Detail: "not a readable Parquet file (or the wrong decryption key)"})
		return nil
	}
	switch {
	case pf.encrypted && v.m.Encryption == nil:
		v.fail(Problem{File: f.Path, Check: "encryption", Detail: "encrypted, but the manifest says the extract is not"})
	case !pf.encrypted && v.m.Encryption != nil:
		v.fail(Problem{File: f.Path, Check: "encryption", Detail: "not encrypted, but the manifest says the extract is"})
	}
	if pf.File == nil {
		v.skippedEnc = true
		return nil
	}
	defer pf.close()
	if pf.NumRows() != f.Rows {
		v.fail(Problem{File: f.Path, Check: "rows", Detail: fmt.Sprintf("%d rows, manifest says %d", pf.NumRows(), f.Rows)})
	}
	for _, fld := range pf.Schema().Fields() {
		c, ok := ds.Column(fld.Name())
		if !ok {
			v.fail(Problem{File: f.Path, Column: fld.Name(), Check: "schema", Detail: "column not in schema " + ds.SchemaID()})
			continue
		}
		if fld.Optional() != c.Nullable {
			v.fail(Problem{File: f.Path, Column: fld.Name(), Check: "schema", Detail: "nullability differs from the schema"})
		}
		if !sameType(fld, c.Type) {
			v.fail(Problem{File: f.Path, Column: fld.Name(), Check: "schema", Detail: "type differs from the schema (" + string(c.Type) + ")"})
		}
	}
	probs, err := v.scanContents(ctx, f.Path, ds, pf.File)
	if err != nil {
		return err
	}
	v.probs = append(v.probs, probs...)
	return nil
}

// sameType compares a written column with its schema type.
func sameType(fld parquet.Field, t schemas.Type) bool {
	typ := fld.Type()
	switch t {
	case schemas.String:
		return fld.Leaf() && typ.Kind() == parquet.ByteArray && typ.LogicalType().String() == "STRING"
	case schemas.Int32:
		return fld.Leaf() && typ.Kind() == parquet.Int32
	case schemas.Bool:
		return fld.Leaf() && typ.Kind() == parquet.Boolean
	case schemas.Int32List:
		return !fld.Leaf() && typ.LogicalType().String() == "LIST"
	}
	return false
}

// leakIndex holds the source's identifiers in normalised form (the
// textnorm view, lower-cased, split into words). Values are the identifier
// type reported on a hit.
type leakIndex struct {
	global     map[string]string            // token sequences (space-joined) scanned everywhere
	perPatient map[string]map[string]string // research id → single tokens scanned in that patient's rows
	digits     map[string]string            // phone and NHS numbers, digits only
	dates      map[string]string            // dates of birth, as dateKeys writes them
	optedOut   map[string]bool              // research ids that must appear nowhere
	names      map[string]*redact.Known     // research id → the patient's names, for redact.NameUsedAsWord
	prefixes   map[string]bool              // proper word prefixes of global phrases: where to keep reading
	maxWords   int
}

// addPhrase indexes an identifier of two or more words for the scan of
// every row, also written as one word ("DawnRowe", "milllane"). A single
// word ("Young", "Long", "Street") is too often an ordinary word to flag
// in anyone's text; single words are checked only in their own patient's
// rows (perPatient), where the redactor must have removed them.
func (ix *leakIndex) addPhrase(s, kind string) {
	toks := words(textnorm.String(s))
	if len(toks) < 2 {
		return
	}
	for _, key := range []string{strings.Join(toks, " "), strings.Join(toks, "")} {
		if _, ok := ix.global[key]; !ok {
			ix.global[key] = kind
		}
	}
	for n := 1; n < len(toks); n++ {
		ix.prefixes[strings.Join(toks[:n], " ")] = true
	}
	if len(toks) > ix.maxWords {
		ix.maxWords = len(toks)
	}
}

// addDigits indexes a phone or NHS number by its last ten digits: a UK
// phone number's national significant number, so 07700 900123 and
// +44 7700 900123 are one number.
func (ix *leakIndex) addDigits(s, kind string) {
	d := digitsOf(textnorm.String(s))
	if len(d) >= 10 {
		ix.digits[d[len(d)-10:]] = kind
	}
}

// addDate indexes a date of birth in every form dateKeys reads.
func (ix *leakIndex) addDate(t time.Time, kind string) {
	if t.IsZero() {
		return
	}
	ix.dates[fmt.Sprintf("d%04d%02d%02d", t.Year(), t.Month(), t.Day())] = kind
	ix.dates[fmt.Sprintf("s%02d%02d%02d", t.Year()%100, t.Month(), t.Day())] = kind
}

// buildLeakIndex reads the source's identifiers. notChecked names what the
// source cannot support: identifiers of records that could not be read at
// all (the extract quarantined them, so they are not in it), opt-out
// entries that could not be read, an opt-out list that is not there.
func buildLeakIndex(ctx context.Context, src string, key []byte, applied pipeline.OptOutsApplied) (ix *leakIndex, notChecked []string, err error) {
	unread, optUnread := 0, 0
	if st, err := os.Stat(src); err != nil || !st.IsDir() {
		return nil, nil, fmt.Errorf("source %s: not a readable folder", src)
	}
	ix = &leakIndex{global: map[string]string{}, perPatient: map[string]map[string]string{}, digits: map[string]string{}, dates: map[string]string{}, optedOut: map[string]bool{}, names: map[string]*redact.Known{}, prefixes: map[string]bool{}}
	var ps pipeline.Pseudonymiser
	if key != nil {
		ps = pipeline.NewPseudonymiser(key)
	}
	clock := source.DateRange{Max: farFuture}
	nhsKey := func(s string) string {
		if n, ok := redact.ParseNHSNumber(s); ok {
			return n
		}
		return digitsOf(textnorm.String(s))
	}
	optList := map[string]bool{}
	files, err := source.Files(src, "opt_outs")
	if err != nil {
		return nil, nil, err
	}
	if applied.NationalDataOptOut && len(files) == 0 {
		notChecked = append(notChecked, "National Data Opt-out ids (the source has no opt-out list)")
	}
	if err := source.Read(ctx, files, func(r source.Record) error {
		if r.Err != nil {
			optUnread++
			return nil
		}
		d := source.NewDecoder(r.Fields, clock)
		n, _, ok := d.NHSNumber("nhs_number")
		if !ok {
			optUnread++
			return nil
		}
		optList[n] = true
		return nil
	}); err != nil {
		return nil, nil, err
	}
	therapists := map[string][]string{}
	files, err = source.Files(src, "sessions")
	if err != nil {
		return nil, nil, err
	}
	if err := source.Read(ctx, files, func(r source.Record) error {
		if r.Err != nil {
			unread++
			return nil
		}
		d := source.NewDecoder(r.Fields, clock)
		s := source.DecodeSession(d)
		if s.TherapistName != "" {
			pid := strings.Clone(s.PatientID) // a view of the line: kept as a key
			therapists[pid] = append(therapists[pid], s.TherapistName)
			ix.addPhrase(s.TherapistName, "therapist_name")
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	// Every registration of one NHS number stands or falls together: one
	// that opted out takes the others with it.
	ridsOf := map[string][]string{}
	optedNHS := map[string]bool{}
	files, err = source.Files(src, "patients")
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("source %s: no patients file: the leak scan would have nothing to look for", src)
	}
	patients := 0
	err = source.Read(ctx, files, func(r source.Record) error {
		patients++
		if r.Err != nil {
			unread++
			return nil
		}
		// Decoding errors are ignored here: a patient quarantined by the
		// extract still has identifiers that must not appear.
		d := source.NewDecoder(r.Fields, clock)
		p := source.DecodePatient(d)
		full := strings.TrimSpace(p.GivenName + " " + p.FamilyName)
		ix.addPhrase(full, "name")
		ix.addPhrase(p.FamilyName+" "+p.GivenName, "name") // "Lawrence, Annie"
		if p.PreferredName != "" && p.FamilyName != "" {
			ix.addPhrase(p.PreferredName+" "+p.FamilyName, "name")
		}
		for _, c := range p.Contacts {
			ix.addPhrase(c.Name, "contact_name")
		}
		for _, a := range p.AddressLines {
			ix.addPhrase(a, "address")
		}
		if pc := strings.ToLower(strings.Join(words(textnorm.String(p.Postcode)), "")); len(pc) >= 5 {
			ix.global[pc] = "postcode"
		}
		if e := strings.ToLower(strings.TrimSpace(textnorm.String(p.Email))); e != "" {
			ix.global[e] = "email"
		}
		ix.addDigits(p.Phone, "phone")
		ix.addDigits(p.NHSNumber, "nhs_number")
		ix.addDate(p.Birth, "date_of_birth")
		ix.addPhrase(p.GPPractice, "gp_practice")
		ix.addPhrase(p.GPName, "gp_name") // with its title: "Dr Long"
		if key == nil || p.PatientID == "" {
			return nil
		}
		rid := ps.ID("patient", p.PatientID)
		own := ix.perPatient[rid] // a duplicated patient record adds to it
		if own == nil {
			own = map[string]string{}
			ix.perPatient[rid] = own
		}
		add := func(v, kind string) {
			for _, w := range words(textnorm.String(v)) {
				if _, ok := own[w]; !ok { // the first, most specific type wins
					own[w] = kind
				}
			}
		}
		kn := ix.names[rid]
		if kn == nil {
			kn = &redact.Known{}
			ix.names[rid] = kn
		}
		kn.GivenName, kn.FamilyName, kn.PreferredName = p.GivenName, p.FamilyName, p.PreferredName
		kn.Contacts = append(kn.Contacts, p.Contacts...)
		kn.TherapistNames = append(kn.TherapistNames, therapists[p.PatientID]...)
		add(p.GivenName, "given_name")
		add(p.FamilyName, "family_name")
		add(p.PreferredName, "preferred_name")
		add(stripTitle(p.GPName), "gp_name")
		for _, c := range p.Contacts {
			add(c.Name, "contact_name")
		}
		for _, a := range p.AddressLines {
			if len(words(a)) == 1 {
				add(a, "address")
			}
		}
		for _, t := range therapists[p.PatientID] {
			add(t, "therapist_name")
		}
		if !p.Birth.IsZero() {
			// Six digits (140588) are too common a number to look for in
			// everyone's rows; in the patient's own they are the birthday.
			y, m, d := p.Birth.Date()
			own[fmt.Sprintf("%02d%02d%02d", d, m, y%100)] = "date_of_birth"
		}
		nhs := nhsKey(p.NHSNumber)
		onList := optList[nhs]
		if applied.NationalDataOptOut && (applied.ListKind == "cleared") != onList ||
			applied.ResearchOptOut && researchOptedOut(d) {
			ix.optedOut[rid] = true
			optedNHS[nhs] = true
		}
		if nhs != "" {
			ridsOf[nhs] = append(ridsOf[nhs], rid)
		}
		return nil
	})
	for nhs := range optedNHS {
		for _, rid := range ridsOf[nhs] {
			ix.optedOut[rid] = true
		}
	}
	if err == nil && patients == 0 {
		err = fmt.Errorf("source %s: no patient records: the leak scan would have nothing to look for", src)
	}
	if optUnread > 0 {
		notChecked = append(notChecked, fmt.Sprintf("opted-out ids of %d opt-out entries that could not be read", optUnread))
	}
	if unread > 0 {
		notChecked = append(notChecked, fmt.Sprintf("identifiers of %d source records that could not be read", unread))
	}
	return ix, notChecked, err
}

// researchOptedOut reads a patient record's research opt-out failing
// closed: anything but an explicit false (missing, null, empty, not a
// boolean) counts as opted out, and so does any copy of a patient that
// says so (the caller marks the research id).
func researchOptedOut(d *source.Decoder) bool {
	text, ok := d.Literal("research_opt_out")
	if !ok {
		return true
	}
	return strings.ToLower(strings.TrimSpace(text)) != "false"
}

func stripTitle(s string) string {
	f := strings.Fields(s)
	if len(f) > 1 {
		switch strings.ToLower(strings.TrimSuffix(f[0], ".")) {
		case "dr", "mr", "mrs", "ms", "miss", "mx", "prof":
			return strings.Join(f[1:], " ")
		}
	}
	return s
}

// words lower-cases s and splits it into letter/digit runs, dropping a
// possessive "s" so "Dave's" yields "dave".
func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for i, w := range f {
		if w == "s" && i > 0 {
			continue
		}
		out = append(out, w)
	}
	return out
}

// digitsOf keeps only the digits of s: NHS and phone numbers are compared
// without their spacing.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// letterRuns returns the letter runs of a token that mixes letters and
// digits ("dawnrowe79" → "dawnrowe"; "dawn1979" → "dawn"), nil otherwise.
func letterRuns(tok string) []string {
	hasDigit := strings.IndexFunc(tok, unicode.IsDigit) >= 0
	if !hasDigit || strings.IndexFunc(tok, unicode.IsLetter) < 0 {
		return nil
	}
	return strings.FieldsFunc(tok, unicode.IsDigit)
}

// scanCell returns the identifier types found in one string value, which
// must already be the normalised view (textnorm).
func (ix *leakIndex) scanCell(v, researchID string) []string {
	var hits []string
	var buf []byte
	toks := words(v)
	own := ix.perPatient[researchID]
	var subj *redact.Subject
	for i := range toks {
		if k, ok := own[toks[i]]; ok {
			// A short name that is also a word ("day", "mo") is a leak
			// unless, everywhere in this cell, the redactor's own rule
			// reads it as the word.
			if len(toks[i]) <= 3 && subj == nil && ix.names[researchID] != nil {
				subj = redact.NewSubject(*ix.names[researchID])
			}
			if len(toks[i]) > 3 || !redact.NameUsedAsWord(v, toks[i], subj) {
				hits = append(hits, k)
			}
		}
		for _, part := range letterRuns(toks[i]) {
			if k, ok := own[part]; ok {
				hits = append(hits, k)
			}
			if k, ok := ix.global[part]; ok {
				hits = append(hits, k)
			}
		}
		if i+1 < len(toks) { // postcodes written with a space: "ls6 1ab"
			buf = append(append(buf[:0], toks[i]...), toks[i+1]...)
			if k, ok := ix.global[string(buf)]; ok && k == "postcode" {
				hits = append(hits, k)
			}
		}
		buf = buf[:0]
		for n := 0; n < ix.maxWords && i+n < len(toks); n++ {
			if n > 0 {
				buf = append(buf, ' ')
			}
			buf = append(buf, toks[i+n]...)
			if k, ok := ix.global[string(buf)]; ok {
				hits = append(hits, k)
			}
			if !ix.prefixes[string(buf)] {
				break // no phrase goes on from here
			}
		}
	}
	for _, f := range strings.Fields(strings.ToLower(v)) {
		if strings.Contains(f, "@") {
			if k, ok := ix.global[strings.Trim(f, ".,;:!?()<>[]\"'")]; ok {
				hits = append(hits, k)
			}
		}
	}
	// Digit runs, allowing the spacing people use in phone and NHS numbers.
	var run strings.Builder
	flush := func() {
		d := run.String()
		for i := 0; i+10 <= len(d); i++ {
			if k, ok := ix.digits[d[i:i+10]]; ok {
				hits = append(hits, k)
			}
		}
		run.Reset()
	}
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			run.WriteRune(r)
		case r == ' ' || r == '-' || r == '+' || r == '(' || r == ')' || r == '.' || r == '/':
		default:
			if run.Len() > 0 {
				flush()
			}
		}
	}
	flush()
	if len(ix.dates) > 0 && strings.ContainsAny(v, "0123456789") {
		dateKeys(toks, func(k string) {
			if kind, ok := ix.dates[k]; ok {
				hits = append(hits, kind)
			}
		})
	}
	return hits
}

// monthNames maps month names and abbreviations to 1..12.
var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// dateKeys emits a key for every calendar date written in toks (words of
// a normalised text): day, month and year in any order people write them
// (12/03/1985, 1985-03-12, 12.3.85, 12th March 1985, March 12th, 1985,
// 12 of March 1985), a month by number or name, a two- or four-digit
// year, and eight-digit runs (12031985, 19850312). A four-digit year gives
// "dYYYYMMDD", a two-digit one "sYYMMDD". Ambiguous orders emit every
// reading: a false reading can only match a date of birth by coincidence.
func dateKeys(toks []string, emit func(string)) {
	num := func(s string, lo, hi int) (int, bool) {
		if len(s) == 0 || len(s) > 2 || !allDigits(s) {
			return 0, false
		}
		n, _ := strconv.Atoi(s)
		return n, n >= lo && n <= hi
	}
	day := func(s string) (int, bool) {
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			if t, ok := strings.CutSuffix(s, suf); ok {
				s = t
				break
			}
		}
		return num(s, 1, 31)
	}
	month := func(s string) (int, bool) {
		if m, ok := monthNames[s]; ok {
			return m, true
		}
		return num(s, 1, 12)
	}
	year := func(s string) (int, bool, bool) { // year, four digits, ok
		if len(s) == 4 && allDigits(s) {
			n, _ := strconv.Atoi(s)
			return n, true, n >= 1800 && n <= 2199
		}
		if len(s) == 2 && allDigits(s) {
			n, _ := strconv.Atoi(s)
			return n, false, true
		}
		return 0, false, false
	}
	put := func(y int, full bool, m, d int) {
		if full {
			emit(fmt.Sprintf("d%04d%02d%02d", y, m, d))
		} else {
			emit(fmt.Sprintf("s%02d%02d%02d", y, m, d))
		}
	}
	var ts []string
	for _, t := range toks {
		switch {
		case t == "of" || t == "the":
			continue // "the 12th of March 1985"
		case len(t) == 8 && allDigits(t):
			a, _ := strconv.Atoi(t[:4])
			b, _ := strconv.Atoi(t[4:])
			put(a, true, b/100, b%100) // YYYYMMDD
			c, _ := strconv.Atoi(t[:2])
			d, _ := strconv.Atoi(t[2:4])
			put(b, true, d, c) // DDMMYYYY
		}
		ts = append(ts, t)
	}
	for i := 0; i+2 < len(ts); i++ {
		a, b, c := ts[i], ts[i+1], ts[i+2]
		if y, full, ok := year(a); ok && full {
			if m, ok := month(b); ok {
				if d, ok := day(c); ok {
					put(y, true, m, d)
				}
			}
		}
		y, full, ok := year(c)
		if !ok {
			continue
		}
		if d, ok := day(a); ok {
			if m, ok := month(b); ok {
				put(y, full, m, d)
			}
		}
		if m, ok := month(a); ok {
			if d, ok := day(b); ok {
				put(y, full, m, d)
			}
		}
	}
}

// scanSideFile runs the leak scan over a file that is not a dataset
// (report.json, DATA_DICTIONARY.md): every string of a JSON file, every
// line of any other. They are small; one that is not UTF-8 text, or a .json
// file that is not JSON, cannot be scanned and fails.
func (v *verifier) scanSideFile(rel, p string) {
	b, err := os.ReadFile(p)
	if err != nil || !utf8.Valid(b) {
		v.fail(Problem{File: rel, Check: "leak", Detail: "not UTF-8 text: cannot be scanned"})
		return
	}
	var fold textnorm.Folder
	n := 0
	scan := func(row int64, s string) {
		var seen []string
		for _, kind := range v.idx.scanCell(fold.Fold(s).Text, "") {
			if !slices.Contains(seen, kind) && n < maxProblemsPerFile {
				seen = append(seen, kind)
				n++
				v.fail(Problem{File: rel, Row: row, Check: "leak", Detail: "source identifier found: " + kind})
			}
		}
	}
	if !strings.HasSuffix(rel, ".json") {
		for i, line := range strings.Split(string(b), "\n") {
			scan(int64(i+1), line)
		}
		return
	}
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		v.fail(Problem{File: rel, Check: "leak", Detail: "not valid JSON: cannot be scanned"})
		return
	}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			scan(0, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys) // problems in a stable order
			for _, k := range keys {
				scan(0, k)
				walk(x[k])
			}
		}
	}
	walk(doc)
}

// farFuture lets verify read every date the source holds: it checks
// identifiers, not validity.
var farFuture = time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC)

// scanContents reads every row of a dataset file once: each string value
// is checked against its column's rule and, given the source, scanned for
// identifiers; research ids are checked against the opted-out ones.
func (v *verifier) scanContents(ctx context.Context, rel string, ds schemas.Dataset, pf *parquet.File) ([]Problem, error) {
	type colPlan struct {
		name    string
		str     bool // a string column
		rule    valueRule
		hasRule bool
	}
	var plan []colPlan
	ridCol := -1
	var probs []Problem
	more := 0
	add := func(p Problem) {
		if len(probs) < maxProblemsPerFile {
			probs = append(probs, p)
		} else {
			more++
		}
	}
	for i, col := range pf.Schema().Columns() {
		c, _ := ds.Column(col[0])
		cp := colPlan{name: strings.Join(col, "."), str: c.Type == schemas.String && len(col) == 1}
		if cp.str && !c.FreeText {
			cp.rule, cp.hasRule = columnRule(col[0])
			if !cp.hasRule {
				add(Problem{File: rel, Column: cp.name, Check: "value", Detail: "verify has no rule for this column's values: it cannot be checked"})
			}
		}
		plan = append(plan, cp)
		if len(col) == 1 && col[0] == "research_id" {
			ridCol = i
		}
	}
	idx := v.idx
	var fold textnorm.Folder
	if idx != nil {
		// The footer's free strings travel with the file too.
		md := pf.Metadata()
		meta := []string{md.CreatedBy}
		for _, kv := range md.KeyValueMetadata {
			meta = append(meta, kv.Key, kv.Value)
		}
		for _, s := range meta {
			for _, kind := range idx.scanCell(fold.Fold(s).Text, "") {
				add(Problem{File: rel, Check: "leak", Detail: "source identifier found in the file's metadata: " + kind})
			}
		}
	}
	rowNum := int64(0)
	buf := make([]parquet.Row, 256)
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		for {
			if err := ctx.Err(); err != nil {
				rows.Close()
				return nil, err
			}
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				rowNum++
				rid := ""
				if ridCol >= 0 {
					row.Range(func(ci int, vals []parquet.Value) bool {
						if ci == ridCol && len(vals) == 1 && !vals[0].IsNull() {
							rid = vals[0].String()
						}
						return true
					})
				}
				if idx != nil && idx.optedOut[rid] {
					add(Problem{File: rel, Row: rowNum, Column: "research_id", Check: "opt-out", Detail: "research id of an opted-out patient"})
				}
				row.Range(func(ci int, vals []parquet.Value) bool {
					cp := plan[ci]
					if !cp.str {
						return true
					}
					for _, val := range vals {
						if val.IsNull() {
							continue
						}
						s := string(val.ByteArray())
						if cp.hasRule {
							if !cp.rule.ok(s) {
								add(Problem{File: rel, Row: rowNum, Column: cp.name, Check: "value", Detail: "not an allowed value (allowed: " + cp.rule.allowed + ")"})
							} else if cp.rule.closed {
								continue
							}
						}
						if idx == nil {
							continue
						}
						var seen []string
						for _, kind := range idx.scanCell(fold.Fold(s).Text, rid) {
							if !slices.Contains(seen, kind) {
								seen = append(seen, kind)
								add(Problem{File: rel, Row: rowNum, Column: cp.name, Check: "leak", Detail: "source identifier found: " + kind})
							}
						}
					}
					return true
				})
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				rows.Close()
				add(Problem{File: rel, Row: rowNum + 1, Check: "parquet", Detail: "rows cannot be read"})
				return probs, nil
			}
		}
		rows.Close()
	}
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Row < probs[j].Row })
	if more > 0 {
		probs = append(probs, Problem{File: rel, Check: "more", Detail: fmt.Sprintf("%d more problems in this file not listed", more)})
	}
	return probs, nil
}
