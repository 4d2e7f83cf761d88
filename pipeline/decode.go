package pipeline

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/nhs-talking-therapies/deid/redact"
)

// FieldError says which field of a record failed and why. It never carries
// the field's value.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return "field " + e.Field + ": " + e.Reason }

// decoder turns a raw record into typed fields, keeping the first error and
// counting which fields were read, so that unknown fields can be counted
// without a second list of names.
type decoder struct {
	raw   fields
	used  int
	next  int // where the field after the last one found sits, tried first
	err   *FieldError
	clock dateRange
}

// dateRange bounds every date and timestamp: nothing before 1900, nothing
// after the run's reference time (plus a day of clock skew).
type dateRange struct{ min, max time.Time }

func (d *decoder) fail(field, reason string) {
	if d.err == nil {
		d.err = &FieldError{Field: field, Reason: reason}
	}
}

// unknown is the number of fields present in the record that no decoder
// call asked for.
func (d *decoder) unknown() int { return len(d.raw) - d.used }

// get returns the raw value of a field; null and absent are both missing.
func (d *decoder) get(name string) (rawValue, bool) {
	// Decoders ask for fields in the order writers usually put them, so
	// the field after the last one found is most often the one asked for.
	i := d.next
	if i >= len(d.raw) || d.raw[i].name != name {
		for i = 0; i < len(d.raw) && d.raw[i].name != name; i++ {
		}
		if i == len(d.raw) {
			return rawValue{}, false
		}
	}
	v := d.raw[i].val
	d.next = i + 1
	d.used++
	if !v.isCSV && string(v.json) == "null" {
		return v, false
	}
	return v, true
}

// str returns a string field as a string of its own.
func (d *decoder) str(name string, required bool) string { return d.text(name, required, false) }

// view returns a string field that may alias the record's line: no copy,
// so it is for values used while the record is handled (ids to look up,
// text to redact, values to parse) and never for values the run keeps.
// Lines are never reused, so a kept view would only keep its line alive.
func (d *decoder) view(name string, required bool) string { return d.text(name, required, true) }

func (d *decoder) text(name string, required, alias bool) string {
	v, ok := d.get(name)
	if !ok {
		if required {
			d.fail(name, "missing")
		}
		return ""
	}
	if v.isCSV {
		return v.cell
	}
	s, ok := jsonString(v.json, alias)
	if !ok {
		d.fail(name, "want a string")
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		d.fail(name, "empty")
	}
	return s
}

func (d *decoder) integer(name string, required bool) int {
	v, ok := d.get(name)
	if !ok {
		if required {
			d.fail(name, "missing")
		}
		return 0
	}
	text := v.cell
	if !v.isCSV {
		text = string(v.json)
	}
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil {
		d.fail(name, "want an integer")
	}
	return n
}

func (d *decoder) boolean(name string) bool {
	v, ok := d.get(name)
	if !ok {
		return false
	}
	text := v.cell
	if !v.isCSV {
		text = string(v.json)
	}
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "true":
		return true
	case "false":
		return false
	}
	d.fail(name, "want true or false")
	return false
}

// structured decodes a JSON value (in CSV, a JSON-encoded cell).
func (d *decoder) structured(name string, into any, want string) bool {
	v, ok := d.get(name)
	if !ok {
		return false
	}
	b := v.json
	if v.isCSV {
		b = []byte(v.cell)
	}
	if err := json.Unmarshal(b, into); err != nil {
		d.fail(name, "want "+want)
		return false
	}
	return true
}

func (d *decoder) strings(name string) []string {
	var out []string
	d.structured(name, &out, "an array of strings")
	return out
}

func (d *decoder) contacts(name string) []redact.Contact {
	var out []redact.Contact
	d.structured(name, &out, "an array of {name, relationship} objects")
	return out
}

func (d *decoder) items(name string) []*int {
	if v, ok := d.raw.get(name); ok && !v.isCSV {
		if out, ok := intArray(v.json); ok {
			d.used++
			return out
		}
	}
	var out []*int
	if !d.structured(name, &out, "an array of integers") {
		if d.err == nil {
			d.fail(name, "missing")
		}
	}
	return out
}

func (d *decoder) enum(name string, required bool, allowed ...string) string {
	s := strings.ToLower(strings.TrimSpace(d.view(name, required)))
	if s == "" {
		return ""
	}
	for _, a := range allowed {
		if s == a {
			return a // the constant: nothing of the record is kept
		}
	}
	d.fail(name, "unknown value (allowed: "+strings.Join(allowed, ", ")+")")
	return ""
}

func (d *decoder) date(name string, required bool) (time.Time, bool) {
	s := d.view(name, required)
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		d.fail(name, "want an ISO 8601 date (YYYY-MM-DD)")
		return time.Time{}, false
	}
	return t, d.inRange(name, t)
}

func (d *decoder) timestamp(name string, required bool) (time.Time, bool) {
	s := d.view(name, required)
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		d.fail(name, "want an RFC 3339 timestamp")
		return time.Time{}, false
	}
	return t.UTC(), d.inRange(name, t)
}

func (d *decoder) inRange(name string, t time.Time) bool {
	if t.Before(d.clock.min) {
		d.fail(name, "before 1900")
		return false
	}
	if t.After(d.clock.max) {
		d.fail(name, "in the future")
		return false
	}
	return true
}

// Decoded record types: the input record plus the values parsed from it.

type patientIn struct {
	Patient
	dob, referral, discharge time.Time
	hasDischarge             bool
}

type sessionIn struct {
	Session
	started, ended time.Time
	hasEnded       bool
}

type transcriptIn struct {
	Transcript
	sent time.Time
}

type messageIn struct {
	Message
	sent time.Time
}

type noteIn struct {
	Note
	written time.Time
}

type questionnaireIn struct {
	Questionnaire
	completed time.Time
}

var (
	genders    = []string{"female", "male", "other", "unknown"}
	modalities = []string{"text", "video", "phone"}
	speakers   = []string{"patient", "therapist"}
	senders    = []string{"patient", "therapist", "service"}
	ethnicCats = []string{"a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "z"}
)

func decodePatient(d *decoder) patientIn {
	var p patientIn
	p.PatientID = d.str("patient_id", true)
	p.NHSNumber = d.str("nhs_number", true)
	if p.NHSNumber != "" && !redact.ValidNHSNumber(p.NHSNumber) {
		// Without a valid NHS number the opt-out check cannot be made:
		// fail closed and keep the patient out.
		d.fail("nhs_number", "not a valid NHS number (check digit)")
	}
	p.GivenName = d.str("given_name", false)
	p.FamilyName = d.str("family_name", false)
	p.PreferredName = d.str("preferred_name", false)
	p.dob, _ = d.date("date_of_birth", true)
	p.DateOfBirth = ""
	p.Gender = d.enum("gender", false, genders...)
	p.Ethnicity = strings.ToUpper(d.enum("ethnicity", false, ethnicCats...))
	p.Email = d.str("email", false)
	p.Phone = d.str("phone", false)
	p.AddressLines = d.strings("address_lines")
	p.Postcode = d.str("postcode", false)
	p.GPPractice = d.str("gp_practice", false)
	p.GPName = d.str("gp_name", false)
	p.referral, _ = d.date("referral_date", true)
	p.discharge, p.hasDischarge = d.date("discharge_date", false)
	p.Diagnosis = strings.ToUpper(strings.TrimSpace(d.str("diagnosis", false)))
	p.Provider = d.str("provider", false)
	p.ResearchOptOut = d.boolean("research_opt_out")
	p.Contacts = d.contacts("contacts")
	if d.err == nil && p.hasDischarge && p.discharge.Before(p.referral) {
		d.fail("discharge_date", "before referral_date")
	}
	if d.err == nil && p.dob.After(p.referral) {
		d.fail("date_of_birth", "after referral_date")
	}
	return p
}

func decodeOptOut(d *decoder) OptOut {
	var o OptOut
	o.NHSNumber = d.str("nhs_number", true)
	o.Source = d.str("source", false)
	o.ReceivedAt = d.str("received_at", false)
	if o.NHSNumber != "" && !redact.ValidNHSNumber(o.NHSNumber) {
		d.fail("nhs_number", "not a valid NHS number (check digit)")
	}
	return o
}

func decodeSession(d *decoder) sessionIn {
	var s sessionIn
	s.SessionID = d.view("session_id", true)
	s.PatientID = d.view("patient_id", true)
	s.TherapistID = d.view("therapist_id", true)
	s.TherapistName = d.str("therapist_name", false)
	s.started, _ = d.timestamp("started_at", true)
	s.ended, s.hasEnded = d.timestamp("ended_at", false)
	s.Modality = d.enum("modality", true, modalities...)
	s.SessionNumber = d.integer("session_number", true)
	if d.err == nil && s.SessionNumber < 1 {
		d.fail("session_number", "must be at least 1")
	}
	if d.err == nil && s.hasEnded && s.ended.Before(s.started) {
		d.fail("ended_at", "before started_at")
	}
	return s
}

func decodeTranscript(d *decoder) transcriptIn {
	var t transcriptIn
	t.SessionID = d.view("session_id", true)
	t.Turn = d.integer("turn", true)
	t.Speaker = d.enum("speaker", true, speakers...)
	t.sent, _ = d.timestamp("sent_at", true)
	t.Text = d.view("text", false)
	if d.err == nil && t.Turn < 0 {
		d.fail("turn", "negative")
	}
	return t
}

func decodeMessage(d *decoder) messageIn {
	var m messageIn
	m.MessageID = d.view("message_id", true)
	m.PatientID = d.view("patient_id", true)
	m.Sender = d.enum("sender", true, senders...)
	m.sent, _ = d.timestamp("sent_at", true)
	m.Text = d.view("text", false)
	return m
}

func decodeNote(d *decoder) noteIn {
	var n noteIn
	n.SessionID = d.view("session_id", true)
	n.AuthorID = d.view("author_id", true)
	n.written, _ = d.timestamp("written_at", true)
	n.Text = d.view("text", false)
	return n
}

func decodeQuestionnaire(d *decoder) questionnaireIn {
	var q questionnaireIn
	q.PatientID = d.view("patient_id", true)
	q.SessionID = d.view("session_id", false)
	q.Instrument = d.view("instrument", true)
	q.completed, _ = d.timestamp("completed_at", true)
	q.Items = d.items("items")
	return q
}

// intArray reads the common shape of questionnaire items, a flat JSON
// array of small integers and nulls, without encoding/json. It accepts a
// strict subset of what json.Unmarshal accepts into []*int, with the same
// result; anything else (a fraction, an exponent, a string, a huge number,
// nesting, null for the whole array) returns false and the caller falls
// back to encoding/json, which decides and words the error.
func intArray(b []byte) ([]*int, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, false
	}
	vals := make([]int, 0, 16)
	nulls := make([]bool, 0, 16)
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return []*int{}, skipSpace(b, i+1) == len(b)
	}
	for {
		switch {
		case i+4 <= len(b) && string(b[i:i+4]) == "null":
			vals, nulls = append(vals, 0), append(nulls, true)
			i += 4
		default:
			j, neg := i, false
			if j < len(b) && b[j] == '-' {
				neg, j = true, j+1
			}
			start := j
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if n := j - start; n == 0 || n > 9 || n > 1 && b[start] == '0' {
				return nil, false
			}
			v := 0
			for _, c := range b[start:j] {
				v = v*10 + int(c-'0')
			}
			if neg {
				v = -v
			}
			vals, nulls = append(vals, v), append(nulls, false)
			i = j
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == ']' && skipSpace(b, i+1) == len(b) {
			break
		}
		return nil, false
	}
	out := make([]*int, len(vals))
	for k := range vals {
		if !nulls[k] {
			out[k] = &vals[k]
		}
	}
	return out, true
}
