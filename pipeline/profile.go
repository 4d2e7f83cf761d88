package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/schemas"
)

// Profile is the contract with one partner or purpose (docs/ARCHITECTURE.md, Profiles). It is
// validated in full before any data is read.
type Profile struct {
	Name            string            `yaml:"name"`
	Purpose         string            `yaml:"purpose"`
	Description     string            `yaml:"description"`
	Keys            KeysConfig        `yaml:"keys"`
	OptOuts         OptOutConfig      `yaml:"opt_outs"`
	ExcludeVerbatim bool              `yaml:"exclude_verbatim"`
	Generalise      GeneraliseConfig  `yaml:"generalise"`
	Disclosure      DisclosureConfig  `yaml:"disclosure"`
	Redaction       RedactionConfig   `yaml:"redaction"`
	Datasets        map[string]Select `yaml:"datasets"`
	Output          OutputConfig      `yaml:"output"`

	hash string // SHA-256 of the profile file as read
}

// Purposes a profile may declare.
const (
	PurposeExternal          = "external-research"
	PurposeServiceEvaluation = "service-evaluation"
)

// KeysConfig names where secrets come from. Secrets never sit in the
// profile itself, nor on the command line.
type KeysConfig struct {
	PseudonymEnv  string `yaml:"pseudonym_env"`
	PseudonymFile string `yaml:"pseudonym_file"`
}

// OptOutConfig says which opt-outs apply and in what form the National Data
// Opt-out list arrives.
type OptOutConfig struct {
	NationalDataOptOut *bool `yaml:"national_data_opt_out"`
	ResearchOptOut     *bool `yaml:"research_opt_out"`
	// ListKind: "opted-out" (opt_outs holds the NHS numbers that opted out)
	// or "cleared" (opt_outs holds the NHS numbers the national check
	// service cleared; everyone else is excluded).
	ListKind string `yaml:"list_kind"`
	// AllowEmptyList lets a run go ahead when the opt_outs file holds no
	// entry. Without it an empty list stops the run: an export that lost
	// its rows looks the same as a list with nobody on it. A missing file
	// is always an error.
	AllowEmptyList bool `yaml:"allow_empty_list"`
}

// GeneraliseConfig sets how quasi-identifiers are coarsened.
type GeneraliseConfig struct {
	AgeBandYears          int    `yaml:"age_band_years"`
	EventDates            string `yaml:"event_dates"` // day-offset | month
	Postcode              string `yaml:"postcode"`    // district | sector
	MinDistrictPopulation int    `yaml:"min_district_population"`
	SmallDistrict         string `yaml:"small_district"` // area | suppress
	Diagnosis             string `yaml:"diagnosis"`      // category | full
}

// DisclosureConfig sets k-anonymity over the quasi-identifiers.
type DisclosureConfig struct {
	K                int      `yaml:"k"`
	QuasiIdentifiers []string `yaml:"quasi_identifiers"`
}

// RedactionConfig sets which labels are redacted from free text and how.
type RedactionConfig struct {
	Labels        []string          `yaml:"labels"`
	Operator      string            `yaml:"operator"`
	Operators     map[string]string `yaml:"operators"`
	KeepCountries bool              `yaml:"keep_countries"`
	NER           *bool             `yaml:"ner"`
	Audit         *bool             `yaml:"audit"`
}

// Select lists the columns of one dataset the profile receives.
type Select struct {
	Columns []string `yaml:"columns"`
}

// OutputConfig sets Parquet details and the handover encryption.
type OutputConfig struct {
	RowGroupRows int               `yaml:"row_group_rows"`
	Encryption   *EncryptionConfig `yaml:"encryption"`
}

// EncryptionConfig names the partner's AES-256 key. Every Parquet file is
// encrypted with Parquet modular encryption (AES-GCM, encrypted footer),
// which pyarrow reads with the key alone. The key comes from an
// environment variable or a file, never the profile or the command line.
type EncryptionConfig struct {
	KeyEnv  string `yaml:"key_env"`
	KeyFile string `yaml:"key_file"`
	KeyID   string `yaml:"key_id"` // a label recorded in the files and manifest, not a secret
}

// ProfileError names the profile key that is wrong.
type ProfileError struct {
	Key    string
	Reason string
}

func (e *ProfileError) Error() string { return "profile: " + e.Key + ": " + e.Reason }

// LoadProfile reads and validates a profile file.
func LoadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	p, err := ParseProfile(b)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	return p, nil
}

// ParseProfile decodes a profile strictly (unknown keys are errors), fills
// defaults and validates it.
func ParseProfile(b []byte) (*Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ProfileError{Key: "(document)", Reason: "empty profile"}
		}
		// yaml's messages name the line and key, never a secret (the
		// profile holds none).
		return nil, &ProfileError{Key: "(document)", Reason: err.Error()}
	}
	sum := sha256.Sum256(b)
	p.hash = "sha256:" + hex.EncodeToString(sum[:])
	p.defaults()
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Hash is the SHA-256 of the profile as read, recorded in the manifest.
func (p *Profile) Hash() string { return p.hash }

func boolPtr(b bool) *bool { return &b }

func (p *Profile) defaults() {
	g := &p.Generalise
	if g.AgeBandYears == 0 {
		g.AgeBandYears = 5
	}
	if g.EventDates == "" {
		g.EventDates = "day-offset"
	}
	if g.Postcode == "" {
		g.Postcode = "district"
	}
	if g.MinDistrictPopulation == 0 {
		g.MinDistrictPopulation = 20000
	}
	if g.SmallDistrict == "" {
		g.SmallDistrict = "area"
	}
	if g.Diagnosis == "" {
		g.Diagnosis = "category"
	}
	if p.Disclosure.K == 0 {
		p.Disclosure.K = 10
	}
	if len(p.Disclosure.QuasiIdentifiers) == 0 {
		p.Disclosure.QuasiIdentifiers = []string{"age_band", "gender", "ethnicity", "partial_postcode"}
	}
	if p.OptOuts.ListKind == "" {
		p.OptOuts.ListKind = "opted-out"
	}
	r := &p.Redaction
	if len(r.Labels) == 0 {
		for _, l := range redact.Labels {
			if l != redact.Org {
				r.Labels = append(r.Labels, string(l))
			}
		}
	}
	if r.Operator == "" {
		r.Operator = string(redact.Numbered)
	}
	if r.NER == nil {
		r.NER = boolPtr(true)
	}
	if r.Audit == nil {
		r.Audit = boolPtr(true)
	}
	if p.Output.RowGroupRows == 0 {
		p.Output.RowGroupRows = 65536
	}
}

func oneOf(key, v string, allowed ...string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return &ProfileError{Key: key, Reason: fmt.Sprintf("must be one of %s", strings.Join(allowed, ", "))}
}

func (p *Profile) validate() error {
	if err := CheckName(p.Name); err != nil {
		return &ProfileError{Key: "name", Reason: err.Error()}
	}
	if p.Purpose == "" {
		return &ProfileError{Key: "purpose", Reason: "missing"}
	}
	if err := oneOf("purpose", p.Purpose, PurposeExternal, PurposeServiceEvaluation); err != nil {
		return err
	}
	if p.Keys.PseudonymEnv == "" && p.Keys.PseudonymFile == "" {
		return &ProfileError{Key: "keys.pseudonym_env", Reason: "missing: name the environment variable (or keys.pseudonym_file) holding the pseudonym key"}
	}
	if p.Keys.PseudonymEnv != "" && p.Keys.PseudonymFile != "" {
		return &ProfileError{Key: "keys", Reason: "give pseudonym_env or pseudonym_file, not both"}
	}
	if p.OptOuts.NationalDataOptOut == nil {
		return &ProfileError{Key: "opt_outs.national_data_opt_out", Reason: "missing: say whether the National Data Opt-out applies"}
	}
	if p.OptOuts.ResearchOptOut == nil {
		return &ProfileError{Key: "opt_outs.research_opt_out", Reason: "missing: say whether research opt-outs apply"}
	}
	if p.Purpose == PurposeExternal {
		// Every disclosure outside the organisation honours both.
		if !*p.OptOuts.NationalDataOptOut {
			return &ProfileError{Key: "opt_outs.national_data_opt_out", Reason: "must be true for purpose external-research"}
		}
		if !*p.OptOuts.ResearchOptOut {
			return &ProfileError{Key: "opt_outs.research_opt_out", Reason: "must be true for purpose external-research"}
		}
	}
	if err := oneOf("opt_outs.list_kind", p.OptOuts.ListKind, "opted-out", "cleared"); err != nil {
		return err
	}
	if p.OptOuts.AllowEmptyList && !*p.OptOuts.NationalDataOptOut {
		return &ProfileError{Key: "opt_outs.allow_empty_list", Reason: "only applies with national_data_opt_out: true (no list is read otherwise)"}
	}
	g := p.Generalise
	if err := oneOf("generalise.age_band_years", fmt.Sprint(g.AgeBandYears), "5", "10", "20"); err != nil {
		return err
	}
	if err := oneOf("generalise.event_dates", g.EventDates, "day-offset", "month"); err != nil {
		return err
	}
	if err := oneOf("generalise.postcode", g.Postcode, "district", "sector"); err != nil {
		return err
	}
	if g.MinDistrictPopulation < 0 {
		return &ProfileError{Key: "generalise.min_district_population", Reason: "must not be negative"}
	}
	if err := oneOf("generalise.small_district", g.SmallDistrict, "area", "suppress"); err != nil {
		return err
	}
	if err := oneOf("generalise.diagnosis", g.Diagnosis, "category", "full"); err != nil {
		return err
	}
	if p.Disclosure.K < 1 {
		return &ProfileError{Key: "disclosure.k", Reason: "must be at least 1"}
	}
	if p.Purpose == PurposeExternal && p.Disclosure.K < 2 {
		return &ProfileError{Key: "disclosure.k", Reason: "must be at least 2 for purpose external-research"}
	}
	pat, _ := schemas.Lookup("patients")
	for i, q := range p.Disclosure.QuasiIdentifiers {
		if err := oneOf(fmt.Sprintf("disclosure.quasi_identifiers[%d]", i), q, "age_band", "gender", "ethnicity", "partial_postcode"); err != nil {
			return err
		}
		if _, ok := pat.Column(q); !ok {
			return &ProfileError{Key: fmt.Sprintf("disclosure.quasi_identifiers[%d]", i), Reason: "not a patients column"}
		}
	}
	known := map[string]bool{}
	for _, l := range redact.Labels {
		known[string(l)] = true
	}
	for i, l := range p.Redaction.Labels {
		if !known[l] {
			return &ProfileError{Key: fmt.Sprintf("redaction.labels[%d]", i), Reason: "unknown label"}
		}
	}
	ops := []string{string(redact.Placeholder), string(redact.Numbered), string(redact.Surrogate)}
	if err := oneOf("redaction.operator", p.Redaction.Operator, ops...); err != nil {
		return err
	}
	for _, l := range sortedKeys(p.Redaction.Operators) {
		if !known[l] {
			return &ProfileError{Key: "redaction.operators." + l, Reason: "unknown label"}
		}
		if err := oneOf("redaction.operators."+l, p.Redaction.Operators[l], ops...); err != nil {
			return err
		}
	}
	if p.Purpose == PurposeExternal {
		// Names and locations always go before text leaves the organisation.
		for _, must := range []redact.Label{redact.Person, redact.Location} {
			if !slices.Contains(p.Redaction.Labels, string(must)) {
				return &ProfileError{Key: "redaction.labels", Reason: "must include " + string(must) + " for purpose external-research"}
			}
		}
	}
	if len(p.Datasets) == 0 {
		return &ProfileError{Key: "datasets", Reason: "missing: name at least one dataset and its columns"}
	}
	for _, name := range sortedKeys(p.Datasets) {
		ds, ok := schemas.Lookup(name)
		key := "datasets." + name
		if !ok {
			return &ProfileError{Key: key, Reason: "unknown dataset (known: " + strings.Join(schemas.Names(), ", ") + ")"}
		}
		if ds.FreeText && p.ExcludeVerbatim && (name == "transcripts" || name == "messages") {
			return &ProfileError{Key: key, Reason: "not allowed: exclude_verbatim is true"}
		}
		cols := p.Datasets[name].Columns
		if len(cols) == 0 {
			return &ProfileError{Key: key + ".columns", Reason: "missing"}
		}
		seen := map[string]bool{}
		for i, c := range cols {
			ck := fmt.Sprintf("%s.columns[%d]", key, i)
			if _, ok := ds.Column(c); !ok {
				return &ProfileError{Key: ck, Reason: "unknown column of " + name}
			}
			if seen[c] {
				return &ProfileError{Key: ck, Reason: "duplicate column"}
			}
			seen[c] = true
		}
		if !seen["research_id"] {
			return &ProfileError{Key: key + ".columns", Reason: "must include research_id"}
		}
		if p.Generalise.EventDates == "month" && seen["day_offset"] {
			return &ProfileError{Key: key + ".columns", Reason: "day_offset is not allowed when generalise.event_dates is month"}
		}
		if p.Generalise.EventDates == "day-offset" && seen["month"] {
			return &ProfileError{Key: key + ".columns", Reason: "month is only allowed when generalise.event_dates is month"}
		}
	}
	if e := p.Output.Encryption; e != nil {
		if (e.KeyEnv == "") == (e.KeyFile == "") {
			return &ProfileError{Key: "output.encryption", Reason: "give exactly one of key_env and key_file"}
		}
	} else if p.Purpose == PurposeExternal {
		// Files leaving the organisation are encrypted at rest (AES-256).
		return &ProfileError{Key: "output.encryption", Reason: "missing: required for purpose external-research"}
	}
	if p.Output.RowGroupRows < 1 || p.Output.RowGroupRows > 1<<20 {
		return &ProfileError{Key: "output.row_group_rows", Reason: "must be between 1 and 1048576"}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// LoadKeys loads the profile's secrets: the pseudonym key and, when the
// profile encrypts its output, the partner's AES-256 key. Callers check
// them before reading any data; errors name where a key should be, never
// its value.
func (p *Profile) LoadKeys() (pseudonym []byte, output *handover.Key, err error) {
	pseudonym, err = LoadSecret(p.Keys.PseudonymEnv, p.Keys.PseudonymFile)
	if err != nil {
		return nil, nil, err
	}
	if e := p.Output.Encryption; e != nil {
		k, err := handover.LoadKey(handover.KeySpec{ID: e.KeyID, Env: e.KeyEnv, File: e.KeyFile})
		if err != nil {
			return nil, nil, fmt.Errorf("output encryption %w", err)
		}
		if len(k.Bytes) != handover.AESKeyBytes {
			return nil, nil, fmt.Errorf("output encryption key: %d bytes, AES-256 needs exactly %d", len(k.Bytes), handover.AESKeyBytes)
		}
		output = &k
	}
	return pseudonym, output, nil
}

// redactionPolicy turns the profile's operator choices into a policy. The
// surrogate key is derived from the pseudonym key, never equal to it.
func redactionPolicy(p *Profile, key []byte) redact.Policy {
	pol := redact.Policy{Default: redact.Operator(p.Redaction.Operator), ByLabel: map[redact.Label]redact.Operator{}}
	for l, op := range p.Redaction.Operators {
		pol.ByLabel[redact.Label(l)] = redact.Operator(op)
	}
	pol.SurrogateKey = []byte(NewPseudonymiser(key).ID("surrogate-key", "v1"))
	return pol
}

// Selected returns the datasets and columns the profile receives, in
// output order: exactly what an extract with this profile writes.
func (p *Profile) Selected() []schemas.Dataset {
	var out []schemas.Dataset
	for _, ds := range schemas.All() {
		sel, ok := p.Datasets[ds.Name]
		if !ok {
			continue
		}
		keep := map[string]bool{}
		for _, c := range sel.Columns {
			keep[c] = true
		}
		var cols []schemas.Column
		for _, c := range ds.Columns {
			if keep[c.Name] {
				cols = append(cols, c)
			}
		}
		ds.Columns = cols
		out = append(out, ds)
	}
	return out
}
