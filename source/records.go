package source

import "github.com/nhs-talking-therapies/deid/redact"

// Input record types, one per source file (docs/ARCHITECTURE.md, Inputs). Field names are
// the JSON Lines keys; CSV headers use the same names, with arrays and
// objects JSON-encoded in their cells. Dates are ISO 8601 strings
// (2024-03-07) and timestamps RFC 3339 strings; they are parsed and checked
// by the validate stage so that a bad value is quarantined with its field.

// Patient is one registered patient.
type Patient struct {
	PatientID      string           `json:"patient_id"`
	NHSNumber      string           `json:"nhs_number"`
	GivenName      string           `json:"given_name"`
	FamilyName     string           `json:"family_name"`
	PreferredName  string           `json:"preferred_name,omitempty"`
	DateOfBirth    string           `json:"date_of_birth"`
	Gender         string           `json:"gender"`
	Ethnicity      string           `json:"ethnicity,omitempty"`
	Email          string           `json:"email,omitempty"`
	Phone          string           `json:"phone,omitempty"`
	AddressLines   []string         `json:"address_lines,omitempty"`
	Postcode       string           `json:"postcode,omitempty"`
	GPPractice     string           `json:"gp_practice,omitempty"`
	GPName         string           `json:"gp_name,omitempty"`
	ReferralDate   string           `json:"referral_date"`
	DischargeDate  string           `json:"discharge_date,omitempty"`
	Diagnosis      string           `json:"diagnosis,omitempty"`
	Provider       string           `json:"provider,omitempty"`
	ResearchOptOut bool             `json:"research_opt_out"`
	Contacts       []redact.Contact `json:"contacts,omitempty"`
}

// OptOut is one National Data Opt-out, by NHS number.
type OptOut struct {
	NHSNumber  string `json:"nhs_number"`
	Source     string `json:"source,omitempty"`
	ReceivedAt string `json:"received_at,omitempty"`
}

// Session is one therapy session.
type Session struct {
	SessionID     string `json:"session_id"`
	PatientID     string `json:"patient_id"`
	TherapistID   string `json:"therapist_id"`
	TherapistName string `json:"therapist_name,omitempty"`
	StartedAt     string `json:"started_at"`
	EndedAt       string `json:"ended_at,omitempty"`
	Modality      string `json:"modality"`
	SessionNumber int    `json:"session_number"`
}

// Transcript is one turn of a text session.
type Transcript struct {
	SessionID string `json:"session_id"`
	Turn      int    `json:"turn"`
	Speaker   string `json:"speaker"`
	SentAt    string `json:"sent_at"`
	Text      string `json:"text"`
}

// Message is one message between sessions.
type Message struct {
	MessageID string `json:"message_id"`
	PatientID string `json:"patient_id"`
	Sender    string `json:"sender"`
	SentAt    string `json:"sent_at"`
	Text      string `json:"text"`
}

// Note is a therapist's session note.
type Note struct {
	SessionID string `json:"session_id"`
	AuthorID  string `json:"author_id"`
	WrittenAt string `json:"written_at"`
	Text      string `json:"text"`
}

// Questionnaire is one completed measure. Items may hold null for an
// unanswered item; the instrument's rule decides what that means.
type Questionnaire struct {
	PatientID   string `json:"patient_id"`
	SessionID   string `json:"session_id,omitempty"`
	Instrument  string `json:"instrument"`
	CompletedAt string `json:"completed_at"`
	Items       []*int `json:"items"`
}

// Known returns the identifiers the redactor must always catch in this
// patient's free text.
func (p *Patient) Known() redact.Known {
	return redact.Known{
		GivenName: p.GivenName, FamilyName: p.FamilyName, PreferredName: p.PreferredName,
		Contacts: p.Contacts, AddressLines: p.AddressLines, Postcode: p.Postcode,
		Phone: p.Phone, Email: p.Email, NHSNumber: p.NHSNumber,
		GPPractice: p.GPPractice, GPName: p.GPName,
	}
}
