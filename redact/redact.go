// Package redact finds identifiers in free text and replaces them.
//
// It follows Presidio's split: recognizers find spans (each reports a label,
// its own name and a score), a merge step resolves overlaps, and operators
// transform the merged spans. The package knows nothing of files or datasets;
// the pipeline and `deid redact` both call it the same way.
//
// Invariants:
//   - offsets are UTF-8 byte offsets into the input text, Start < End,
//     on rune boundaries;
//   - a Redactor is immutable after New and safe for concurrent use;
//   - nothing here logs, and no error message carries input text.
package redact

// Label is the type of an identifier (DESIGN.md §7).
type Label string

// The labels deid knows. ORG is optional per profile; ID covers other
// reference numbers.
const (
	Person    Label = "PERSON"
	Location  Label = "LOCATION"
	Postcode  Label = "POSTCODE"
	Phone     Label = "PHONE"
	Email     Label = "EMAIL"
	URL       Label = "URL"
	IP        Label = "IP"
	NHSNumber Label = "NHS_NUMBER"
	NINumber  Label = "NI_NUMBER"
	Date      Label = "DATE"
	Org       Label = "ORG"
	ID        Label = "ID"
)

// Labels lists every label in a fixed order (reports iterate over it so that
// their output is deterministic).
var Labels = []Label{Person, Location, Postcode, Phone, Email, URL, IP, NHSNumber, NINumber, Date, Org, ID}

// Span is one found identifier.
type Span struct {
	Start  int     `json:"start"`
	End    int     `json:"end"`
	Label  Label   `json:"label"`
	Source string  `json:"source,omitempty"` // recognizer name, e.g. "known", "pattern", "ner", "gazetteer"
	Score  float64 `json:"score,omitempty"`  // 0..1, strength of evidence
}

// Contact is a named person on the patient record (next of kin, emergency
// contact).
type Contact struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship,omitempty"`
}

// Known holds the identifiers that the structured record already tells us
// about the person a text belongs to. JSON names follow the input field
// names of DESIGN.md §1 so that `deid redact` accepts a patient record as is.
type Known struct {
	GivenName      string    `json:"given_name,omitempty"`
	FamilyName     string    `json:"family_name,omitempty"`
	PreferredName  string    `json:"preferred_name,omitempty"`
	Contacts       []Contact `json:"contacts,omitempty"`
	AddressLines   []string  `json:"address_lines,omitempty"`
	Postcode       string    `json:"postcode,omitempty"`
	Phone          string    `json:"phone,omitempty"`
	Email          string    `json:"email,omitempty"`
	NHSNumber      string    `json:"nhs_number,omitempty"`
	GPPractice     string    `json:"gp_practice,omitempty"`
	GPName         string    `json:"gp_name,omitempty"`
	TherapistName  string    `json:"therapist_name,omitempty"`
	TherapistNames []string  `json:"therapist_names,omitempty"`
}

// Document is one text with the identifiers known about its subject and,
// for evaluation, its gold spans. It is the JSON Lines shape that
// `deid redact` reads and `deid eval --gold` scores.
type Document struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Known *Known `json:"known,omitempty"`
	Spans []Span `json:"spans,omitempty"`
}
