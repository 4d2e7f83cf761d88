// Package redact finds identifiers in free text and replaces them.
//
// It follows Presidio's split: recognizers find spans (each reports a label,
// its own name and a score), a merge step resolves overlaps, and operators
// transform the merged spans. The package knows nothing of files or datasets;
// the pipeline and `deid redact` both call it the same way.
//
// The recognizers, strongest evidence first:
//   - known ("known"): the patient's own identifiers from the record, compiled
//     once per patient by NewSubject: names with nicknames and short forms
//     (nicknames.go), one-edit misspellings, possessives, address parts,
//     postcode, phone, email, NHS number, GP, practice and therapists. A known
//     name that is also a word (Will, Grace, Reading) is still redacted in
//     that patient's texts: fail closed.
//   - pattern ("pattern"): hand-written scanners with validation (NHS mod 11,
//     postcode areas, UK phone ranges, NI prefixes, calendar dates).
//   - gazetteer and context ("gazetteer", "context"): first names, surnames,
//     UK places and landmarks, decided by one lexicon probe per token and cue
//     phrases; names that are also English words (the SCOWL lists in data/)
//     need context.
//   - org ("org"): only when a profile asks for ORG: a hand-written list of
//     UK employers, shops, banks and public bodies (data/org_names.txt) and
//     workplace cues ("work at X", "shifts at X", "X head office").
//   - ner ("ner"): any NER model, usually redact/ner.
//
// A 10-digit number failing the NHS check digit is never NHS_NUMBER; any run
// of nine or more digits, and a shorter one after a reference cue ("ref",
// "account no"), is redacted as ID.
//
// Every recognizer runs on the normalised view of the text (package
// textnorm: NFKC, zero-width, format and control characters dropped, HTML
// character references and %-escapes decoded, Unicode spaces made spaces),
// built once per text by the Redactor, so "D&#97;wn", "Da\u200bwn" and
// "999\u00a0357\u00a06087" are found like "Dawn" and "999 357 6087". The
// known recognizer also compares numbers and postcodes on their letters
// and digits alone, whatever separates them, and finds a known name glued
// to digits ("dawn1979").
//
// Invariants:
//   - offsets are UTF-8 byte offsets into the input text, Start < End,
//     on rune boundaries; a span found on the view covers every original
//     byte it came from, including dropped characters inside it;
//   - a Redactor is immutable after New and safe for concurrent use;
//   - nothing here logs, and no error message carries input text.
package redact

// Label is the type of an identifier (docs/ARCHITECTURE.md, Labels).
type Label string

// The labels deid knows. ORG is optional per profile; ID covers other
// reference numbers, driving licence, passport and vehicle registration
// numbers (their surrogates keep a DVLA licence's or a registration's
// layout valid).
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
	// Ref names the known entity a span belongs to ("self.given",
	// "contact2", "address"), so that every variant of one person gets one
	// number or surrogate. Set by the known recognizer, kept by merging,
	// used by Apply; empty for other spans. Never serialised: it is
	// derived again from the record whenever it is needed.
	Ref string `json:"-"`
}

// Contact is a named person on the patient record (next of kin, emergency
// contact).
type Contact struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship,omitempty"`
}

// Known holds the identifiers that the structured record already tells us
// about the person a text belongs to. JSON names follow the input field
// names of docs/ARCHITECTURE.md (Inputs) so that `deid redact` accepts a patient record as is.
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
