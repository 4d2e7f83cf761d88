package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Counts is the fate of one record type's records. Every record read is
// exactly one of written, excluded (by reason) or quarantined, so
// In == Written + sum(Excluded) + Quarantined.
type Counts struct {
	In            int            `json:"in"`
	Written       int            `json:"written"`
	Excluded      map[string]int `json:"excluded"`
	Quarantined   int            `json:"quarantined"`
	UnknownFields int            `json:"unknown_fields"`
}

func (c *Counts) exclude(reason string) {
	if c.Excluded == nil {
		c.Excluded = map[string]int{}
	}
	c.Excluded[reason]++
}

// Balanced reports whether the counts add up.
func (c *Counts) Balanced() bool {
	n := c.Written + c.Quarantined
	for _, v := range c.Excluded {
		n += v
	}
	return n == c.In
}

// Exclusion reasons.
const (
	ExcludedNationalOptOut = "national_data_opt_out"
	ExcludedNotCleared     = "not_cleared_by_national_check"
	ExcludedResearchOptOut = "research_opt_out"
	ExcludedOptedOutParent = "patient_opted_out"
	ExcludedNotRequested   = "dataset_not_requested"
	ExcludedNoPairedScores = "no_paired_measures"
)

// Report is report.json: counts only, never a value, and deterministic for
// the same input, profile and key (timings go to the internal folder).
type Report struct {
	Extract      string             `json:"extract"`
	Profile      string             `json:"profile"`
	Purpose      string             `json:"purpose"`
	OptOuts      OptOutReport       `json:"opt_outs"`
	Records      map[string]*Counts `json:"records"`
	Rows         map[string]int     `json:"rows"`
	Redactions   map[string]int     `json:"redactions"`
	Postcodes    map[string]int     `json:"postcodes"`
	Questionnair map[string]int     `json:"questionnaire_reasons,omitempty"`
	Outcomes     map[string]int     `json:"outcomes"`
	Disclosure   any                `json:"disclosure_control,omitempty"`
	// MissingInputs are the record types the snapshot had no file for
	// (a missing patients or, under the National Data Opt-out, opt_outs
	// file stops the run instead).
	MissingInputs []string `json:"missing_inputs,omitempty"`
	Notes         []string `json:"notes,omitempty"`
}

// OptOutReport says which opt-outs were applied, so a reader of the report
// sees when the National Data Opt-out was not (service evaluation).
type OptOutReport struct {
	NationalDataOptOutApplied bool   `json:"national_data_opt_out_applied"`
	ResearchOptOutApplied     bool   `json:"research_opt_out_applied"`
	ListKind                  string `json:"list_kind"`
	ListEntries               int    `json:"list_entries"`
	PatientsExcluded          int    `json:"patients_excluded"`
}

// PartnerReport is the report.json the partner receives. It carries no
// count from which the records of opted-out patients could be told:
// neither the records read nor those excluded, by type or by reason, nor
// the number of patients excluded or on the list (a single research
// opt-out's sessions and turns were readable from those). The full
// Report stays in the internal folder.
type PartnerReport struct {
	Extract       string                  `json:"extract"`
	Profile       string                  `json:"profile"`
	Purpose       string                  `json:"purpose"`
	OptOuts       PartnerOptOuts          `json:"opt_outs"`
	Records       map[string]PartnerCount `json:"records"`
	Rows          map[string]int          `json:"rows"`
	Redactions    map[string]int          `json:"redactions"`
	Postcodes     map[string]int          `json:"postcodes"`
	Questionnair  map[string]int          `json:"questionnaire_reasons,omitempty"`
	Outcomes      map[string]int          `json:"outcomes"`
	Disclosure    any                     `json:"disclosure_control,omitempty"`
	MissingInputs []string                `json:"missing_inputs,omitempty"`
	Notes         []string                `json:"notes,omitempty"`
}

// PartnerOptOuts says which opt-outs were applied, without counts.
type PartnerOptOuts struct {
	NationalDataOptOutApplied bool   `json:"national_data_opt_out_applied"`
	ResearchOptOutApplied     bool   `json:"research_opt_out_applied"`
	ListKind                  string `json:"list_kind"`
}

// PartnerCount is what the partner is told of one record type: what was
// written and what was set aside as unreadable.
type PartnerCount struct {
	Written     int `json:"written"`
	Quarantined int `json:"quarantined"`
}

// Partner returns the report for the partner's report.json.
func (r *Report) Partner() *PartnerReport {
	p := &PartnerReport{
		Extract: r.Extract, Profile: r.Profile, Purpose: r.Purpose,
		OptOuts: PartnerOptOuts{NationalDataOptOutApplied: r.OptOuts.NationalDataOptOutApplied,
			ResearchOptOutApplied: r.OptOuts.ResearchOptOutApplied, ListKind: r.OptOuts.ListKind},
		Records: map[string]PartnerCount{}, Rows: r.Rows, Redactions: r.Redactions, Postcodes: r.Postcodes,
		Questionnair: r.Questionnair, Outcomes: r.Outcomes, Disclosure: r.Disclosure,
		MissingInputs: r.MissingInputs, Notes: r.Notes,
	}
	for t, c := range r.Records {
		if t == "opt_outs" {
			continue // the list is applied, never written
		}
		p.Records[t] = PartnerCount{Written: c.Written, Quarantined: c.Quarantined}
	}
	return p
}

func newReport() *Report {
	r := &Report{Records: map[string]*Counts{}, Rows: map[string]int{}, Redactions: map[string]int{}, Postcodes: map[string]int{}, Outcomes: map[string]int{}}
	for _, t := range recordTypes() {
		r.Records[t.name] = &Counts{Excluded: map[string]int{}}
	}
	return r
}

// recordType is one of the snapshot's record types and the step that
// reads it.
type recordType struct {
	name string
	read func(*extractor, context.Context) error
}

// recordTypes returns the snapshot's record types, in the order they are
// read (each depends only on those before it). This one table drives the
// extract's steps, the report's counts and the CLI's summary
// (RecordTypes). It is a function, not a variable, because readOptOuts,
// in the table, reads the table.
func recordTypes() []recordType {
	return []recordType{
		{"opt_outs", (*extractor).readOptOuts},
		{"patients", (*extractor).readPatients},
		{"sessions", (*extractor).readSessions},
		{"transcripts", (*extractor).readTranscripts},
		{"messages", (*extractor).readMessages},
		{"notes", (*extractor).readNotes},
		{"questionnaires", (*extractor).readQuestionnaires},
	}
}

// RecordTypes returns the snapshot's record types in the order an extract
// reads them; Report.Records has one entry for each.
func RecordTypes() []string {
	types := recordTypes()
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = t.name
	}
	return out
}

// Quarantine entries say where a bad record is and why, never what it
// holds.
type Quarantine struct {
	RecordType string `json:"record_type"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Field      string `json:"field,omitempty"`
	Reason     string `json:"reason"`
}

// quarantineLog appends quarantine entries to a JSON Lines file.
type quarantineLog struct {
	mu sync.Mutex
	f  *os.File
	w  *bufio.Writer
	n  int
}

func openQuarantine(dir string) (*quarantineLog, error) {
	f, err := createFile(filepath.Join(dir, "quarantine.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("quarantine file: %w", err)
	}
	return &quarantineLog{f: f, w: bufio.NewWriter(f)}, nil
}

func (q *quarantineLog) add(e Quarantine) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	b, _ := json.Marshal(e)
	q.n++
	if _, err := q.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("quarantine file: %w", err)
	}
	return nil
}

func (q *quarantineLog) Close() error {
	err := q.w.Flush()
	if cerr := q.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeJSON writes v as indented JSON via a temporary file and a rename.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := createFile(tmp)
	if err != nil {
		return err
	}
	if _, err = f.Write(b); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
