// Package schemas is the single source of truth for deid's output datasets:
// every column's name, Parquet type, meaning, derivation and allowed values,
// and each dataset's schema version. The Parquet writer, the data dictionary
// (DATA_DICTIONARY.md, `deid dictionary`) and `deid verify` are all driven
// from these tables, so they cannot disagree.
//
// Invariants: column names are unique within a dataset; a dataset's Version
// changes whenever a column is added, removed or changes meaning; the order
// of Columns is the order columns are written.
package schemas

import (
	"fmt"
	"strings"

	"github.com/nhs-talking-therapies/deid/measures"
	"github.com/nhs-talking-therapies/deid/redact"
)

// Type is a column's logical type.
type Type string

// The column types deid writes.
const (
	String    Type = "string"
	Int32     Type = "int32"
	Bool      Type = "bool"
	Int32List Type = "list<int32>"
)

// Column describes one output column.
type Column struct {
	Name       string
	Type       Type
	Nullable   bool
	Meaning    string
	Derivation string
	Allowed    string // allowed values or range, in words
	Source     string // published definition a derived column follows
	FreeText   bool   // redacted free text: what verify's leak scan reads
}

// Dataset describes one output dataset.
type Dataset struct {
	Name        string
	Version     int
	Description string
	FreeText    bool // carries redacted free text (subject to exclude_verbatim)
	Columns     []Column
}

// Column returns the named column.
func (d Dataset) Column(name string) (Column, bool) {
	for _, c := range d.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// SchemaID is the versioned identifier recorded in the manifest.
func (d Dataset) SchemaID() string { return fmt.Sprintf("%s/v%d", d.Name, d.Version) }

// Lookup returns the named dataset.
func Lookup(name string) (Dataset, bool) {
	for _, d := range All() {
		if d.Name == name {
			return d, true
		}
	}
	return Dataset{}, false
}

// Names lists dataset names in output order.
func Names() []string {
	var out []string
	for _, d := range All() {
		out = append(out, d.Name)
	}
	return out
}

const (
	researchIDMeaning = "Pseudonymous patient identifier for this extract"
	researchIDDeriv   = "HMAC-SHA-256 of the source patient_id under the profile's pseudonym key, first 16 bytes as lower-case hex. Stable across extracts with the same key; unlinkable across keys."
	hex32             = "32 lower-case hex characters"
	offsetMeaning     = "Days from the patient's referral date to the event"
	offsetDeriv       = "event date (UTC) minus referral_date, in whole days; replaces the calendar date"
	monthMeaning      = "Calendar month of the event"
	monthDeriv        = "event timestamp truncated to the month (UTC), used when the profile generalises event dates to months"
)

func researchID() Column {
	return Column{Name: "research_id", Type: String, Meaning: researchIDMeaning, Derivation: researchIDDeriv, Allowed: hex32}
}

func pseudonym(name, what string) Column {
	return Column{Name: name, Type: String, Nullable: false, Meaning: "Pseudonymous " + what + " identifier", Derivation: "HMAC-SHA-256 of the source " + what + " id under the pseudonym key, domain-separated from other id types, first 16 bytes hex", Allowed: hex32}
}

func optional(c Column) Column {
	c.Nullable = true
	c.Derivation += "; null when the source record has none"
	return c
}

func sessionSeq(nullable bool) Column {
	return Column{Name: "session_seq", Type: Int32, Nullable: nullable, Meaning: "Session number within the patient's course of treatment", Derivation: "session_number from the source session record", Allowed: ">= 1"}
}

func dayOffset(nullable bool) Column {
	return Column{Name: "day_offset", Type: Int32, Nullable: nullable, Meaning: offsetMeaning, Derivation: offsetDeriv, Allowed: "integer, may be negative for events before referral"}
}

func month() Column {
	return Column{Name: "month", Type: String, Nullable: true, Meaning: monthMeaning, Derivation: monthDeriv, Allowed: "YYYY-MM"}
}

// labelList is redact.Labels as the dictionary lists them, so a new label
// needs no edit here. ("DESIGN §7" in the text is the labels' section of
// the design, now docs/ARCHITECTURE.md, Labels; the words stay until the
// dictionary's text is next changed on purpose, since a change shows in
// every extract's DATA_DICTIONARY.md.)
func labelList() string {
	names := make([]string, len(redact.Labels))
	for i, l := range redact.Labels {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

func freeText(what string) []Column {
	return []Column{
		{Name: "text", Type: String, FreeText: true, Meaning: "The " + what + " with identifiers redacted", Derivation: "source text passed through the redactor: known identifiers from the patient record, validated patterns, gazetteers with context cues and the NER model; each found span replaced by the profile's operator (typed placeholder such as [PERSON], numbered placeholder [PERSON_1] consistent within the patient, or a surrogate)", Allowed: "UTF-8 text"},
		{Name: "redactions", Type: Int32, Meaning: "Number of spans redacted from this text", Derivation: "count of merged spans replaced", Allowed: ">= 0"},
		{Name: "redaction_counts", Type: String, Meaning: "Spans redacted by label", Derivation: "JSON object, label to count, keys sorted, labels of DESIGN §7 (" + labelList() + ")", Allowed: `e.g. {"LOCATION":1,"PERSON":2}; {} when none`},
	}
}

// All returns every dataset deid can write, in output order. The meaning,
// derivation, source and (for the instrument columns) allowed values of the
// derived questionnaire and outcome columns come from package measures,
// which computes them, so the dictionary cannot drift from the code and a
// new instrument is one entry in its registry.
func All() []Dataset {
	all := datasets()
	for _, def := range measures.Definitions() {
		for i := range all {
			if all[i].Name != def.Dataset {
				continue
			}
			for j := range all[i].Columns {
				c := &all[i].Columns[j]
				if c.Name != def.Column {
					continue
				}
				if def.Meaning != "" {
					c.Meaning, c.Derivation, c.Source = def.Meaning, def.Derivation, def.Source
				}
				if def.Allowed != "" {
					c.Allowed = def.Allowed
				}
			}
		}
	}
	return all
}

func datasets() []Dataset {
	return []Dataset{
		{
			Name: "patients", Version: 1,
			Description: "One row per patient included in the extract. Quasi-identifiers are generalised and then checked by disclosure control (k-anonymity).",
			Columns: []Column{
				researchID(),
				{Name: "age_band", Type: String, Nullable: true, Meaning: "Age at referral, banded", Derivation: "whole years between date_of_birth and referral_date, banded by the profile's band width (5 by default), widened further by disclosure control where a combination is rare; null when suppressed", Allowed: `"25-29" style bands, "90+" for the top band`},
				{Name: "gender", Type: String, Nullable: true, Meaning: "Gender as recorded", Derivation: "source gender; null when suppressed by disclosure control", Allowed: "female, male, other, unknown"},
				{Name: "ethnicity", Type: String, Nullable: true, Meaning: "NHS ethnic category", Derivation: "source ethnic category code (NHS Data Dictionary ETHNIC CATEGORY); generalised to its top-level group by disclosure control where a combination is rare; null when unknown or suppressed", Allowed: "A–H, J–N, P, R, S, Z; or group names White, Mixed, Asian, Black, Other, Not stated"},
				{Name: "partial_postcode", Type: String, Nullable: true, Meaning: "Partial postcode of the patient's address", Derivation: "postcode district (outward code, e.g. CB4) by default or sector (CB4 1) where the profile asks; districts with a Census 2011 population under the profile's threshold are generalised to the postcode area (CB) or suppressed; invalid or non-geographic postcodes are null", Allowed: "area, district or sector"},
				{Name: "postcode_level", Type: String, Nullable: true, Meaning: "Precision of partial_postcode", Derivation: "level after generalisation and disclosure control", Allowed: "sector, district, area, suppressed"},
				{Name: "diagnosis", Type: String, Nullable: true, Meaning: "Primary diagnosis (ICD-10)", Derivation: "source ICD-10 code, truncated to its three-character category unless the profile asks for the full code", Allowed: "ICD-10 code"},
				{Name: "sessions_attended", Type: Int32, Meaning: "Number of therapy sessions attended", Derivation: "count of the patient's valid session records in the snapshot", Allowed: ">= 0"},
				{Name: "days_referral_to_discharge", Type: Int32, Nullable: true, Meaning: "Length of the episode in days", Derivation: "discharge_date minus referral_date; null while still in treatment", Allowed: ">= 0"},
				{Name: "provider", Type: String, Nullable: true, Meaning: "Service provider code", Derivation: "source provider code", Allowed: "provider code"},
			},
		},
		{
			Name: "sessions", Version: 1,
			Description: "One row per therapy session of an included patient.",
			Columns: []Column{
				researchID(),
				pseudonym("session_id", "session"),
				sessionSeq(false),
				pseudonym("therapist_id", "therapist"),
				dayOffset(false),
				month(),
				{Name: "modality", Type: String, Meaning: "How the session was delivered", Derivation: "source modality", Allowed: "text, video, phone"},
				{Name: "duration_minutes", Type: Int32, Nullable: true, Meaning: "Session length in minutes", Derivation: "ended_at minus started_at, rounded down; null when ended_at is missing", Allowed: ">= 0"},
			},
		},
		{
			Name: "transcripts", Version: 1, FreeText: true,
			Description: "One row per turn of a text-therapy session, with identifiers redacted.",
			Columns: append([]Column{
				researchID(),
				pseudonym("session_id", "session"),
				sessionSeq(false),
				{Name: "turn", Type: Int32, Meaning: "Turn number within the session", Derivation: "source turn", Allowed: ">= 0"},
				{Name: "speaker", Type: String, Meaning: "Who wrote the turn", Derivation: "source speaker", Allowed: "patient, therapist"},
				dayOffset(false),
			}, freeText("turn text")...),
		},
		{
			Name: "messages", Version: 1, FreeText: true,
			Description: "One row per message between sessions, with identifiers redacted.",
			Columns: append([]Column{
				researchID(),
				pseudonym("message_id", "message"),
				{Name: "sender", Type: String, Meaning: "Who sent the message", Derivation: "source sender", Allowed: "patient, therapist, service"},
				dayOffset(false),
				month(),
			}, freeText("message text")...),
		},
		{
			Name: "notes", Version: 1, FreeText: true,
			Description: "One row per therapist session note, with identifiers redacted.",
			Columns: append([]Column{
				researchID(),
				pseudonym("session_id", "session"),
				sessionSeq(false),
				pseudonym("author_id", "therapist"),
				dayOffset(false),
			}, freeText("note text")...),
		},
		{
			Name: "questionnaires", Version: 1,
			Description: "One row per completed outcome measure.",
			Columns: []Column{
				researchID(),
				optional(pseudonym("session_id", "session")),
				sessionSeq(true),
				{Name: "instrument", Type: String, Meaning: "Outcome measure", Derivation: "source instrument code, normalised"}, // Allowed: from measures
				dayOffset(false),
				{Name: "items", Type: Int32List, Meaning: "Item responses in questionnaire order", Derivation: "source items, validated against the instrument's item count and range; a missing item is null"}, // Allowed: from measures
				{Name: "total", Type: Int32, Meaning: "Total score", Derivation: "sum of items; see the instrument's missing-item rule (pro-rated totals are flagged in prorated)"},                             // Allowed: from measures
				{Name: "severity", Type: String, Meaning: "Severity band of the total", Derivation: "instrument's published bands (see Definitions)", Allowed: "per instrument"},
				{Name: "caseness", Type: Bool, Nullable: true, Meaning: "Total at or above the instrument's clinical caseness threshold", Derivation: "PHQ9 total >= 10; GAD7 total >= 8; null for instruments without a caseness threshold", Allowed: "true, false, null"},
				{Name: "prorated", Type: Bool, Meaning: "Total was pro-rated for a missing item", Derivation: "see the instrument's missing-item rule", Allowed: "true, false"},
			},
		},
		{
			Name: "outcomes", Version: 1,
			Description: "One row per patient with at least one paired PHQ-9 and GAD-7 measure, by the NHS Talking Therapies definitions.",
			Columns: []Column{
				researchID(),
				{Name: "phq9_first", Type: Int32, Meaning: "PHQ-9 total at the first paired measure", Derivation: "first session with both PHQ-9 and GAD-7", Allowed: "0–27"},
				{Name: "phq9_last", Type: Int32, Meaning: "PHQ-9 total at the last paired measure", Derivation: "last session with both PHQ-9 and GAD-7", Allowed: "0–27"},
				{Name: "gad7_first", Type: Int32, Meaning: "GAD-7 total at the first paired measure", Derivation: "as phq9_first", Allowed: "0–21"},
				{Name: "gad7_last", Type: Int32, Meaning: "GAD-7 total at the last paired measure", Derivation: "as phq9_last", Allowed: "0–21"},
				{Name: "case_at_start", Type: Bool, Meaning: "Above caseness at the first paired measure", Derivation: "PHQ-9 >= 10 or GAD-7 >= 8 at first", Allowed: "true, false"},
				{Name: "finished_treatment", Type: Bool, Meaning: "Finished a course of treatment", Derivation: "at least two treatment sessions attended", Allowed: "true, false"},
				{Name: "recovered", Type: Bool, Meaning: "Recovery", Derivation: "case at first, and below caseness on both PHQ-9 and GAD-7 at last", Allowed: "true, false"},
				{Name: "reliable_improvement", Type: Bool, Meaning: "Reliable improvement", Derivation: "PHQ-9 down by >= 6 or GAD-7 down by >= 4, with no reliable deterioration on the other", Allowed: "true, false"},
				{Name: "reliable_deterioration", Type: Bool, Meaning: "Reliable deterioration", Derivation: "PHQ-9 up by >= 6 or GAD-7 up by >= 4", Allowed: "true, false"},
				{Name: "reliable_recovery", Type: Bool, Meaning: "Reliable recovery", Derivation: "recovered and reliably improved", Allowed: "true, false"},
			},
		},
	}
}
