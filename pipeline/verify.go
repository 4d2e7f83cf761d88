package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/parquet-go/parquet-go"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/schemas"
)

// Verify checks a finished extract the way a partner or auditor would:
// the manifest's seal, every file's presence, size, SHA-256 and row count,
// each Parquet file's schema against package schemas, and, given the
// source snapshot, a leak scan of every string column against every known
// identifier of every patient in the source. Problems name the file, row,
// column and identifier type, never the identifier.

// VerifyOptions configure Verify.
type VerifyOptions struct {
	Dir    string // the extract folder
	Source string // optional source snapshot for the leak scan
	// Key is the extract's pseudonym key (optional). With it, verify maps
	// research ids back to patients, so each patient's single-word names
	// are checked in their own rows (where the redactor must have removed
	// them) and opted-out patients' research ids are looked for. Without
	// it, only identifiers distinctive enough to scan for everywhere are
	// checked (full names, addresses, postcodes, phones, emails, NHS
	// numbers).
	Key []byte
	// DecryptKey opens encrypted Parquet files for the schema, row and leak
	// checks. Without it those checks are skipped for encrypted files and
	// Verify says so in a Notice; checksums are still verified.
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

// Failed reports whether any problem is a failure, not a notice.
func Failed(probs []Problem) bool {
	for _, p := range probs {
		if !p.Notice {
			return true
		}
	}
	return false
}

// openParquet opens a Parquet file of an extract, decrypting it to a
// temporary file first when it is encrypted. ok is false when it is
// encrypted and no key was given.
func openParquet(ctx context.Context, path string, key *handover.Key) (pf *parquet.File, closeFn func(), ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, false, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, false, err
	}
	enc, err := handover.IsEncryptedParquet(f, st.Size())
	if err != nil {
		f.Close()
		return nil, nil, false, err
	}
	if enc {
		if key == nil {
			f.Close()
			return nil, nil, false, nil
		}
		tmp, err := os.CreateTemp("", "deid-verify-*.parquet")
		if err != nil {
			f.Close()
			return nil, nil, false, err
		}
		err = handover.DecryptParquet(ctx, tmp, f, st.Size(), *key)
		f.Close()
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return nil, nil, false, fmt.Errorf("decrypting: %w", err)
		}
		f = tmp
		if st, err = f.Stat(); err != nil {
			return nil, nil, false, err
		}
	}
	pf, err = parquet.OpenFile(f, st.Size())
	closeFn = func() {
		f.Close()
		if enc {
			os.Remove(f.Name())
		}
	}
	if err != nil {
		closeFn()
		return nil, nil, false, err
	}
	return pf, closeFn, true, nil
}

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

// Verify runs every check and returns the problems found; an error means
// verify itself could not run.
func Verify(ctx context.Context, opt VerifyOptions) ([]Problem, error) {
	var probs []Problem
	m, err := ReadManifest(opt.Dir)
	if err != nil {
		return []Problem{{File: "manifest.json", Check: "manifest", Detail: "missing or unreadable: the extract is incomplete"}}, nil
	}
	if m.Format != ManifestFormat {
		probs = append(probs, Problem{File: "manifest.json", Check: "manifest", Detail: "unknown manifest format"})
	}
	if !m.Sealed() {
		probs = append(probs, Problem{File: "manifest.json", Check: "manifest", Detail: "manifest_sha256 does not match its content: the manifest was altered"})
	}
	if opt.Key != nil && KeyFingerprint(opt.Key) != m.KeyFingerprint {
		probs = append(probs, Problem{File: "manifest.json", Check: "key", Detail: "the key given is not the key this extract was made with"})
		opt.Key = nil
	}
	listed := map[string]bool{"manifest.json": true}
	for _, f := range m.Files {
		listed[f.Path] = true
		probs = append(probs, checkFile(ctx, opt.Dir, f, opt.DecryptKey)...)
	}
	_ = filepath.WalkDir(opt.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(opt.Dir, p)
		if !listed[filepath.ToSlash(rel)] {
			probs = append(probs, Problem{File: filepath.ToSlash(rel), Check: "manifest", Detail: "file not listed in the manifest"})
		}
		return nil
	})
	if opt.Source == "" {
		return probs, nil
	}
	idx, err := buildLeakIndex(ctx, opt.Source, opt.Key, m.OptOuts)
	if err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		if f.Dataset == "" {
			continue
		}
		p, err := idx.scanFile(ctx, opt.Dir, f.Path, opt.DecryptKey)
		if err != nil {
			return nil, err
		}
		probs = append(probs, p...)
	}
	return probs, nil
}

func checkFile(ctx context.Context, dir string, f ManifestFile, key *handover.Key) []Problem {
	path := filepath.Join(dir, filepath.FromSlash(f.Path))
	sum, n, err := fileSHA256(path)
	if err != nil {
		return []Problem{{File: f.Path, Check: "presence", Detail: "listed in the manifest but missing or unreadable"}}
	}
	var probs []Problem
	if n != f.Bytes {
		probs = append(probs, Problem{File: f.Path, Check: "size", Detail: fmt.Sprintf("%d bytes, manifest says %d", n, f.Bytes)})
	}
	if sum != f.SHA256 {
		probs = append(probs, Problem{File: f.Path, Check: "sha256", Detail: "checksum does not match the manifest"})
	}
	if f.Dataset == "" {
		return probs
	}
	ds, ok := schemas.Lookup(f.Dataset)
	if !ok || ds.SchemaID() != f.SchemaVersion {
		return append(probs, Problem{File: f.Path, Check: "schema", Detail: "unknown dataset or schema version " + f.SchemaVersion})
	}
	pf, done, ok, err := openParquet(ctx, path, key)
	if err != nil {
		return append(probs, Problem{File: f.Path, Check: "parquet", Detail: "not a readable Parquet file (or the wrong decryption key)"})
	}
	if !ok {
		return append(probs, Problem{File: f.Path, Check: "parquet", Detail: "encrypted: schema and row checks need the decryption key", Notice: true})
	}
	defer done()
	if pf.NumRows() != f.Rows {
		probs = append(probs, Problem{File: f.Path, Check: "rows", Detail: fmt.Sprintf("%d rows, manifest says %d", pf.NumRows(), f.Rows)})
	}
	for _, fld := range pf.Schema().Fields() {
		c, ok := ds.Column(fld.Name())
		if !ok {
			probs = append(probs, Problem{File: f.Path, Column: fld.Name(), Check: "schema", Detail: "column not in schema " + ds.SchemaID()})
			continue
		}
		if fld.Optional() != c.Nullable {
			probs = append(probs, Problem{File: f.Path, Column: fld.Name(), Check: "schema", Detail: "nullability differs from the schema"})
		}
		if !sameType(fld, c.Type) {
			probs = append(probs, Problem{File: f.Path, Column: fld.Name(), Check: "schema", Detail: "type differs from the schema (" + string(c.Type) + ")"})
		}
	}
	return probs
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

// leakIndex holds the source's identifiers in normalised form. Values are
// the identifier type reported on a hit.
type leakIndex struct {
	global     map[string]string            // token sequences (space-joined) scanned everywhere
	perPatient map[string]map[string]string // research id → single tokens scanned in that patient's rows
	digits     map[string]string            // phone and NHS numbers, digits only
	optedOut   map[string]bool              // research ids that must appear nowhere
	maxWords   int
}

// addPhrase indexes an identifier of two or more words for the scan of
// every row. A single word ("Young", "Long", "Street") is too often an
// ordinary word to flag in anyone's text; single words are checked only in
// their own patient's rows (perPatient), where the redactor must have
// removed them.
func (ix *leakIndex) addPhrase(s, kind string) {
	toks := words(s)
	if len(toks) < 2 {
		return
	}
	key := strings.Join(toks, " ")
	if _, ok := ix.global[key]; !ok {
		ix.global[key] = kind
	}
	if len(toks) > ix.maxWords {
		ix.maxWords = len(toks)
	}
}

// addDigits indexes a phone or NHS number by its last ten digits: a UK
// phone number's national significant number, so 07700 900123 and
// +44 7700 900123 are one number.
func (ix *leakIndex) addDigits(s, kind string) {
	d := digitsOf(s)
	if len(d) >= 10 {
		ix.digits[d[len(d)-10:]] = kind
	}
}

func buildLeakIndex(ctx context.Context, src string, key []byte, applied OptOutsApplied) (*leakIndex, error) {
	ix := &leakIndex{global: map[string]string{}, perPatient: map[string]map[string]string{}, digits: map[string]string{}, optedOut: map[string]bool{}}
	var ps Pseudonymiser
	if key != nil {
		ps = NewPseudonymiser(key)
	}
	clock := dateRange{max: farFuture}
	optList := map[string]bool{}
	files, err := sourceFiles(src, "opt_outs")
	if err != nil {
		return nil, err
	}
	if err := readSource(ctx, files, func(r rawRecord) error {
		if r.Err == nil {
			d := &decoder{raw: r.Fields, clock: clock}
			optList[digitsOf(d.str("nhs_number", false))] = true
		}
		return nil
	}); err != nil {
		return nil, err
	}
	therapists := map[string][]string{}
	files, err = sourceFiles(src, "sessions")
	if err != nil {
		return nil, err
	}
	if err := readSource(ctx, files, func(r rawRecord) error {
		if r.Err == nil {
			d := &decoder{raw: r.Fields, clock: clock}
			s := decodeSession(d)
			if s.TherapistName != "" {
				pid := strings.Clone(s.PatientID) // a view of the line: kept as a key
				therapists[pid] = append(therapists[pid], s.TherapistName)
				ix.addPhrase(s.TherapistName, "therapist_name")
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	files, err = sourceFiles(src, "patients")
	if err != nil {
		return nil, err
	}
	err = readSource(ctx, files, func(r rawRecord) error {
		if r.Err != nil {
			return nil
		}
		// Decoding errors are ignored here: a patient quarantined by the
		// extract still has identifiers that must not appear.
		p := decodePatient(&decoder{raw: r.Fields, clock: clock})
		full := strings.TrimSpace(p.GivenName + " " + p.FamilyName)
		ix.addPhrase(full, "name")
		for _, c := range p.Contacts {
			ix.addPhrase(c.Name, "contact_name")
		}
		for _, a := range p.AddressLines {
			ix.addPhrase(a, "address")
		}
		if pc := strings.ToUpper(strings.ReplaceAll(p.Postcode, " ", "")); len(pc) >= 5 {
			ix.global[strings.ToLower(pc)] = "postcode"
		}
		if p.Email != "" {
			ix.global[strings.ToLower(strings.TrimSpace(p.Email))] = "email"
		}
		ix.addDigits(p.Phone, "phone")
		ix.addDigits(p.NHSNumber, "nhs_number")
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
			for _, w := range words(v) {
				if _, ok := own[w]; !ok { // the first, most specific type wins
					own[w] = kind
				}
			}
		}
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
		onList := optList[digitsOf(p.NHSNumber)]
		if applied.NationalDataOptOut && (applied.ListKind == "cleared") != onList ||
			applied.ResearchOptOut && p.ResearchOptOut {
			ix.optedOut[rid] = true
		}
		return nil
	})
	return ix, err
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

// scanCell returns the identifier types found in one string value.
func (ix *leakIndex) scanCell(v, researchID string) []string {
	var hits []string
	toks := words(v)
	own := ix.perPatient[researchID]
	for i := range toks {
		if k, ok := own[toks[i]]; ok {
			hits = append(hits, k)
		}
		var b strings.Builder
		for n := 0; n < ix.maxWords && i+n < len(toks); n++ {
			if n > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(toks[i+n])
			if k, ok := ix.global[b.String()]; ok {
				hits = append(hits, k)
			}
			if n == 1 { // postcodes written with a space: "ls6 1ab"
				if k, ok := ix.global[toks[i]+toks[i+1]]; ok && k == "postcode" {
					hits = append(hits, k)
				}
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
		case r == ' ' || r == '-' || r == '+' || r == '(' || r == ')':
		default:
			if run.Len() > 0 {
				flush()
			}
		}
	}
	flush()
	return hits
}

// farFuture lets verify read every date the source holds: it checks
// identifiers, not validity.
var farFuture = time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC)

func (ix *leakIndex) scanFile(ctx context.Context, dir, rel string, key *handover.Key) ([]Problem, error) {
	pf, done, ok, err := openParquet(ctx, filepath.Join(dir, filepath.FromSlash(rel)), key)
	if err != nil {
		// checkFile has reported it; the scan cannot run on this file.
		return nil, nil
	}
	if !ok {
		return []Problem{{File: rel, Check: "leak", Detail: "encrypted: the leak scan needs the decryption key", Notice: true}}, nil
	}
	defer done()
	// Free-text columns are scanned; the others hold codes from closed
	// vocabularies (a "White" ethnicity is not a leaked surname) and
	// pseudonyms, checked against the opted-out ids.
	ds, _ := schemas.Lookup(path.Dir(rel))
	var names []string
	var scan []bool
	ridCol := -1
	for i, col := range pf.Schema().Columns() {
		names = append(names, strings.Join(col, "."))
		c, _ := ds.Column(col[0])
		scan = append(scan, c.FreeText)
		if len(col) == 1 && col[0] == "research_id" {
			ridCol = i
		}
	}
	var probs []Problem
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
				if ix.optedOut[rid] {
					probs = append(probs, Problem{File: rel, Row: rowNum, Column: "research_id", Check: "opt-out", Detail: "research id of an opted-out patient"})
				}
				row.Range(func(ci int, vals []parquet.Value) bool {
					if !scan[ci] {
						return true
					}
					for _, v := range vals {
						if v.IsNull() {
							continue
						}
						seen := map[string]bool{}
						for _, kind := range ix.scanCell(string(v.ByteArray()), rid) {
							if !seen[kind] && len(probs) < maxProblemsPerFile {
								seen[kind] = true
								probs = append(probs, Problem{File: rel, Row: rowNum, Column: names[ci], Check: "leak", Detail: "source identifier found: " + kind})
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
				return nil, fmt.Errorf("verify %s: reading rows: %w", rel, err)
			}
		}
		rows.Close()
	}
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Row < probs[j].Row })
	return probs, nil
}
