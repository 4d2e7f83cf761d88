package pipeline

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/textnorm"
	"github.com/nhs-talking-therapies/deid/source"
)

// FieldError says which field of a record failed and why. It never carries
// the field's value. A fatal error stops the run instead of quarantining
// the record: the record bears on an opt-out that could not be read.
type FieldError struct {
	Field  string
	Reason string
	fatal  bool
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

// finish ends a record's decoding: a field left unread whose name is a
// near miss of a privacy-critical field's is a fatal error, whatever else
// failed. Only records with unknown fields pay for the check.
func (d *decoder) finish() {
	if d.unknown() == 0 {
		return
	}
	for i := range d.raw {
		if want, ok := nearMissCritical(d.raw[i].name); ok {
			d.err = &FieldError{Field: d.raw[i].name, Reason: nearMissError(d.raw[i].name, want).Error(), fatal: true}
			return
		}
	}
}

// criticalFields are the fields an opt-out decision, or which patient a
// record belongs to, rests on. A field named like one of them but not
// exactly (another case, spaces, hyphens, underscores, a byte-order mark)
// is an error, never an unknown field: the exact field would otherwise be
// silently missing, and a missing opt-out would let a patient through.
var criticalFields = [...]struct{ name, loose string }{
	{"nhs_number", "nhsnumber"}, {"research_opt_out", "researchoptout"}, {"patient_id", "patientid"},
}

// nearMissCritical reports whether name is a near miss of a critical
// field's name, and which. An exact name is not a near miss.
func nearMissCritical(name string) (string, bool) {
	var buf [24]byte
	n := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= utf8.RuneSelf:
			return nearMissUnicode(name)
		case c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t':
			continue
		case n == len(buf):
			return "", false
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	for _, f := range criticalFields {
		if string(buf[:n]) == f.loose {
			return f.name, name != f.name
		}
	}
	return "", false
}

// nearMissUnicode is nearMissCritical for a name with non-ASCII
// characters: compared on the one normalised view (full-width letters,
// no-break spaces and format characters such as a byte-order mark fold).
func nearMissUnicode(name string) (string, bool) {
	c := strings.ToLower(textnorm.Compact(name))
	for _, f := range criticalFields {
		if c == f.loose {
			return f.name, true
		}
	}
	return "", false
}

// nearMissError says a field is named like a critical one. The name is
// quoted: a near miss is made of the critical name's letters and
// separators only, so it carries no value from the records.
func nearMissError(name, want string) error {
	return fmt.Errorf("field %q is named like %q but not exactly: rename it to %s (a privacy-critical field is never ignored)", name, want, want)
}

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

// nhsNumber reads an NHS number in any exported shape (redact.ParseNHSNumber)
// and returns its ten digits. A number typed as a number (JSON, Parquet)
// has lost its leading zeros, which are put back. present is false when
// the field is absent or null; ok false when it is present but not a
// valid NHS number (the decoder's error then says so).
func (d *decoder) nhsNumber(name string) (digits string, present, ok bool) {
	v, present := d.get(name)
	if !present {
		return "", false, false
	}
	text := v.cell
	if !v.isCSV {
		if s, isStr := jsonString(v.json, true); isStr {
			text = s
		} else {
			text = string(v.json)
			if len(text) < 10 && len(text) > 0 && strings.Trim(text, "0123456789") == "" {
				text = strings.Repeat("0", 10-len(text)) + text
			}
		}
	}
	if strings.TrimSpace(text) == "" {
		return "", false, false
	}
	if digits, ok = redact.ParseNHSNumber(text); !ok {
		d.fail(name, "not a valid NHS number (10 digits with a valid check digit)")
	}
	return digits, true, ok
}

// optOut reads a yes/no opt-out flag: true/false, yes/no, y/n, t/f, 1/0 in
// any case, as JSON booleans, numbers or strings, or CSV cells. known is
// false when the field is absent, null, empty or none of these: the caller
// must then treat the patient as opted out (fail closed). An unreadable
// flag is not a decoding error, so that the record is never quarantined
// and released with a copy that reads.
func (d *decoder) optOut(name string) (value, known bool) {
	v, ok := d.get(name)
	if !ok {
		return false, false
	}
	text := v.cell
	if !v.isCSV {
		if s, isStr := jsonString(v.json, true); isStr {
			text = s
		} else {
			text = string(v.json)
		}
	}
	switch strings.ToLower(strings.TrimSpace(textnorm.String(text))) {
	case "true", "yes", "y", "t", "1":
		return true, true
	case "false", "no", "n", "f", "0":
		return false, true
	}
	return false, false
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
	source.Patient
	dob, referral, discharge time.Time
	hasDischarge             bool
	optOutKnown              bool // research_opt_out was read; false: treat as opted out
}

type sessionIn struct {
	source.Session
	started, ended time.Time
	hasEnded       bool
}

type transcriptIn struct {
	source.Transcript
	sent time.Time
}

type messageIn struct {
	source.Message
	sent time.Time
}

type noteIn struct {
	source.Note
	written time.Time
}

type questionnaireIn struct {
	source.Questionnaire
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
	// Without a valid NHS number the opt-out check cannot be made: the
	// decoder's error keeps the patient out.
	var present bool
	if p.NHSNumber, present, _ = d.nhsNumber("nhs_number"); !present {
		d.fail("nhs_number", "missing")
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
	p.Diagnosis = d.diagnosis("diagnosis")
	p.Provider = d.provider("provider")
	p.ResearchOptOut, p.optOutKnown = d.optOut("research_opt_out")
	p.Contacts = d.contacts("contacts")
	if d.err == nil && p.hasDischarge && p.discharge.Before(p.referral) {
		d.fail("discharge_date", "before referral_date")
	}
	if d.err == nil && p.dob.After(p.referral) {
		d.fail("date_of_birth", "after referral_date")
	}
	d.finish()
	return p
}

// diagnosis reads an ICD-10 code (icd10Code), returned in the dotted
// form. Anything else (a description, a name) is an error: the value would
// otherwise reach a profile that keeps the full code.
func (d *decoder) diagnosis(name string) string {
	s := strings.TrimSpace(d.view(name, false))
	if s == "" {
		return ""
	}
	c, ok := icd10Code(s)
	if !ok {
		d.fail(name, "not an ICD-10 code (letter, two digits, optional .1 or .12)")
		return ""
	}
	return c
}

// icd10Code is the one shape of diagnosis passed through: a letter, two
// digits, and optionally a subdivision of one or two digits, with or
// without the dot ("F32", "F32.1", "F321", "F41.10"), in any case. It
// returns the upper-case dotted form. verify holds output values to the
// same rule.
func icd10Code(s string) (string, bool) {
	s = strings.ToUpper(s)
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if len(s) < 3 || s[0] < 'A' || s[0] > 'Z' || !digit(s[1]) || !digit(s[2]) {
		return "", false
	}
	sub := strings.TrimPrefix(s[3:], ".")
	if len(sub) > 2 || len(s) > 3 && s[3] == '.' && sub == "" || strings.Trim(sub, "0123456789") != "" {
		return "", false
	}
	if sub == "" {
		return s[:3], true
	}
	return s[:3] + "." + sub, true
}

// provider reads an NHS organisation (ODS) code (odsCode), the only shape
// passed through. Anything else (a name, a number, free text) is an error.
func (d *decoder) provider(name string) string {
	s := strings.TrimSpace(d.view(name, false))
	if s == "" {
		return ""
	}
	if !odsCode(s) {
		d.fail(name, "not an ODS provider code (3 upper-case letters or digits; 5 or 6 with a digit)")
		return ""
	}
	return strings.Clone(s)
}

// odsCode accepts an ODS organisation code: trusts and commissioners are
// three upper-case letters or digits ("RX4", "RTH", "00C"), sites and other
// providers five ("RX401", "NQ701") and GP practices six ("A81001"). The
// longer codes always hold a digit, so an upper-case surname ("SMITH") is
// refused. verify holds output values to the same rule.
func odsCode(s string) bool {
	if len(s) != 3 && len(s) != 5 && len(s) != 6 {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'A' && c <= 'Z':
		default:
			return false
		}
	}
	return len(s) == 3 || digits > 0
}

func decodeOptOut(d *decoder) source.OptOut {
	var o source.OptOut
	var present bool
	if o.NHSNumber, present, _ = d.nhsNumber("nhs_number"); !present {
		d.fail("nhs_number", "missing")
	}
	o.Source = d.str("source", false)
	o.ReceivedAt = d.str("received_at", false)
	d.finish()
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
	d.finish()
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
	d.finish()
	return t
}

func decodeMessage(d *decoder) messageIn {
	var m messageIn
	m.MessageID = d.view("message_id", true)
	m.PatientID = d.view("patient_id", true)
	m.Sender = d.enum("sender", true, senders...)
	m.sent, _ = d.timestamp("sent_at", true)
	m.Text = d.view("text", false)
	d.finish()
	return m
}

func decodeNote(d *decoder) noteIn {
	var n noteIn
	n.SessionID = d.view("session_id", true)
	n.AuthorID = d.view("author_id", true)
	n.written, _ = d.timestamp("written_at", true)
	n.Text = d.view("text", false)
	d.finish()
	return n
}

func decodeQuestionnaire(d *decoder) questionnaireIn {
	var q questionnaireIn
	q.PatientID = d.view("patient_id", true)
	q.SessionID = d.view("session_id", false)
	q.Instrument = d.view("instrument", true)
	q.completed, _ = d.timestamp("completed_at", true)
	q.Items = d.items("items")
	d.finish()
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
