package source

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/textnorm"
)

// FieldError says which field of a record failed and why. It never carries
// the field's value. A fatal error (Fatal) stops the run instead of
// quarantining the record: the record bears on an opt-out that could not
// be read.
type FieldError struct {
	Field  string // the field's name as the input spells it
	Reason string // why, in words that quote nothing of the record
	Fatal  bool
}

// Error is "field <name>: <reason>".
func (e *FieldError) Error() string { return "field " + e.Field + ": " + e.Reason }

// Decoder turns a record's fields into typed values, keeping the first
// error (Err) and counting which fields were read, so that unknown fields
// can be counted (Unknown) without a second list of names. The Decode
// functions read one record type each; a Decoder is for one record.
type Decoder struct {
	raw   Fields
	used  int
	next  int // where the field after the last one found sits, tried first
	err   *FieldError
	clock DateRange
}

// NewDecoder returns a decoder over a record's fields (Record.Fields) that
// refuses dates and timestamps outside clock.
func NewDecoder(fs Fields, clock DateRange) *Decoder {
	return &Decoder{raw: fs, clock: clock}
}

// Reset readies d for another record's fields, so that a decoder kept in a
// reused item serves record after record without an allocation.
func (d *Decoder) Reset(fs Fields, clock DateRange) {
	*d = Decoder{raw: fs, clock: clock}
}

// Err is the first field that failed, or nil.
func (d *Decoder) Err() *FieldError { return d.err }

// DateRange bounds every date and timestamp: the extract allows nothing
// before 1900 and nothing after the run's reference time (plus a day of
// clock skew). A zero Min allows any past date.
type DateRange struct{ Min, Max time.Time }

func (d *Decoder) fail(field, reason string) {
	if d.err == nil {
		d.err = &FieldError{Field: field, Reason: reason}
	}
}

// Unknown is the number of fields present in the record that no decoder
// call asked for.
func (d *Decoder) Unknown() int { return len(d.raw) - d.used }

// Finish ends a record's decoding: a field left unread whose name is a
// near miss of a privacy-critical field's is a fatal error, whatever else
// failed. Only records with unknown fields pay for the check.
func (d *Decoder) Finish() {
	if d.Unknown() == 0 {
		return
	}
	for i := range d.raw {
		if want, ok := nearMissCritical(d.raw[i].name); ok {
			d.err = &FieldError{Field: d.raw[i].name, Reason: nearMissError(d.raw[i].name, want).Error(), Fatal: true}
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
func (d *Decoder) get(name string) (rawValue, bool) {
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

// Str returns a string field as a string of its own; a required field
// that is missing, null or blank is an error.
func (d *Decoder) Str(name string, required bool) string { return d.text(name, required, false) }

// View returns a string field that may alias the record's line: no copy,
// so it is for values used while the record is handled (ids to look up,
// text to redact, values to parse) and never for values the run keeps.
// Lines are never reused, so a kept view would only keep its line alive.
func (d *Decoder) View(name string, required bool) string { return d.text(name, required, true) }

func (d *Decoder) text(name string, required, alias bool) string {
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

func (d *Decoder) integer(name string, required bool) int {
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

// NHSNumber reads an NHS number in any exported shape (redact.ParseNHSNumber)
// and returns its ten digits. A number typed as a number (JSON, Parquet)
// has lost its leading zeros, which are put back. present is false when
// the field is absent or null; ok false when it is present but not a
// valid NHS number (the decoder's error then says so).
func (d *Decoder) NHSNumber(name string) (digits string, present, ok bool) {
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

// OptOut reads a yes/no opt-out flag: true/false, yes/no, y/n, t/f, 1/0 in
// any case, as JSON booleans, numbers or strings, or CSV cells. known is
// false when the field is absent, null, empty or none of these: the caller
// must then treat the patient as opted out (fail closed). An unreadable
// flag is not a decoding error, so that the record is never quarantined
// and released with a copy that reads.
func (d *Decoder) OptOut(name string) (value, known bool) {
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

func (d *Decoder) boolean(name string) bool {
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
func (d *Decoder) structured(name string, into any, want string) bool {
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

func (d *Decoder) strings(name string) []string {
	var out []string
	d.structured(name, &out, "an array of strings")
	return out
}

func (d *Decoder) contacts(name string) []redact.Contact {
	var out []redact.Contact
	d.structured(name, &out, "an array of {name, relationship} objects")
	return out
}

func (d *Decoder) items(name string) []*int {
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

func (d *Decoder) enum(name string, required bool, allowed ...string) string {
	s := strings.ToLower(strings.TrimSpace(d.View(name, required)))
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

func (d *Decoder) date(name string, required bool) (time.Time, bool) {
	s := d.View(name, required)
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

func (d *Decoder) timestamp(name string, required bool) (time.Time, bool) {
	s := d.View(name, required)
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

func (d *Decoder) inRange(name string, t time.Time) bool {
	if t.Before(d.clock.Min) {
		d.fail(name, "before 1900")
		return false
	}
	if t.After(d.clock.Max) {
		d.fail(name, "in the future")
		return false
	}
	return true
}

// Decoded record types: the input record plus the values parsed from it.
// A string field may be a view of the record's line (Decoder.View): what
// the run keeps is cloned by the keeper.

// DecodedPatient is a patient record with its dates parsed. DateOfBirth is
// cleared: only Birth, parsed, is kept.
type DecodedPatient struct {
	Patient
	Birth, Referral, Discharge time.Time
	HasDischarge               bool
	OptOutKnown                bool // research_opt_out was read; false: treat as opted out
}

// DecodedSession is a session record with its times parsed.
type DecodedSession struct {
	Session
	Started, Ended time.Time
	HasEnded       bool
}

// DecodedTranscript is a transcript turn with its time parsed.
type DecodedTranscript struct {
	Transcript
	Sent time.Time
}

// DecodedMessage is a message with its time parsed.
type DecodedMessage struct {
	Message
	Sent time.Time
}

// DecodedNote is a session note with its time parsed.
type DecodedNote struct {
	Note
	Written time.Time
}

// DecodedQuestionnaire is a completed measure with its time parsed.
type DecodedQuestionnaire struct {
	Questionnaire
	Completed time.Time
}

var (
	genders    = []string{"female", "male", "other", "unknown"}
	modalities = []string{"text", "video", "phone"}
	speakers   = []string{"patient", "therapist"}
	senders    = []string{"patient", "therapist", "service"}
	ethnicCats = []string{"a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "z"}
)

// Allowed returns the values an enumerated field accepts (gender,
// ethnicity, modality, speaker, sender), lower case, in a slice of the
// caller's own; nil for any other field. Decoding accepts them in any
// case; ethnicity is output in upper case.
func Allowed(field string) []string {
	var vals []string
	switch field {
	case "gender":
		vals = genders
	case "ethnicity":
		vals = ethnicCats
	case "modality":
		vals = modalities
	case "speaker":
		vals = speakers
	case "sender":
		vals = senders
	}
	return slices.Clone(vals)
}

// Literal returns a field's value as the input wrote it, a CSV cell or
// JSON text (a string keeps its quotes); false when the field is absent
// or null. It is for a reader that holds a value to its own rule, such as
// verify's stricter reading of an opt-out flag.
func (d *Decoder) Literal(name string) (string, bool) {
	v, ok := d.get(name)
	if !ok {
		return "", false
	}
	if v.isCSV {
		return v.cell, true
	}
	return string(v.json), true
}

// DecodePatient decodes and validates a patient record. A patient without
// a valid NHS number is an error: the opt-out check cannot be made.
func DecodePatient(d *Decoder) DecodedPatient {
	var p DecodedPatient
	p.PatientID = d.Str("patient_id", true)
	// Without a valid NHS number the opt-out check cannot be made: the
	// decoder's error keeps the patient out.
	var present bool
	if p.NHSNumber, present, _ = d.NHSNumber("nhs_number"); !present {
		d.fail("nhs_number", "missing")
	}
	p.GivenName = d.Str("given_name", false)
	p.FamilyName = d.Str("family_name", false)
	p.PreferredName = d.Str("preferred_name", false)
	p.Birth, _ = d.date("date_of_birth", true)
	p.DateOfBirth = ""
	p.Gender = d.enum("gender", false, genders...)
	p.Ethnicity = strings.ToUpper(d.enum("ethnicity", false, ethnicCats...))
	p.Email = d.Str("email", false)
	p.Phone = d.Str("phone", false)
	p.AddressLines = d.strings("address_lines")
	p.Postcode = d.Str("postcode", false)
	p.GPPractice = d.Str("gp_practice", false)
	p.GPName = d.Str("gp_name", false)
	p.Referral, _ = d.date("referral_date", true)
	p.Discharge, p.HasDischarge = d.date("discharge_date", false)
	p.Diagnosis = d.diagnosis("diagnosis")
	p.Provider = d.provider("provider")
	p.ResearchOptOut, p.OptOutKnown = d.OptOut("research_opt_out")
	p.Contacts = d.contacts("contacts")
	if d.err == nil && p.HasDischarge && p.Discharge.Before(p.Referral) {
		d.fail("discharge_date", "before referral_date")
	}
	if d.err == nil && p.Birth.After(p.Referral) {
		d.fail("date_of_birth", "after referral_date")
	}
	d.Finish()
	return p
}

// diagnosis reads an ICD-10 code (ICD10Code), returned in the dotted
// form. Anything else (a description, a name) is an error: the value would
// otherwise reach a profile that keeps the full code.
func (d *Decoder) diagnosis(name string) string {
	s := strings.TrimSpace(d.View(name, false))
	if s == "" {
		return ""
	}
	c, ok := ICD10Code(s)
	if !ok {
		d.fail(name, "not an ICD-10 code (letter, two digits, optional .1 or .12)")
		return ""
	}
	return c
}

// ICD10Code is the one shape of diagnosis passed through: a letter, two
// digits, and optionally a subdivision of one or two digits, with or
// without the dot ("F32", "F32.1", "F321", "F41.10"), in any case. It
// returns the upper-case dotted form. verify holds output values to the
// same rule.
func ICD10Code(s string) (string, bool) {
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

// provider reads an NHS organisation (ODS) code (IsODSCode), the only shape
// passed through. Anything else (a name, a number, free text) is an error.
func (d *Decoder) provider(name string) string {
	s := strings.TrimSpace(d.View(name, false))
	if s == "" {
		return ""
	}
	if !IsODSCode(s) {
		d.fail(name, "not an ODS provider code (3 upper-case letters or digits; 5 or 6 with a digit)")
		return ""
	}
	return strings.Clone(s)
}

// IsODSCode accepts an ODS organisation code: trusts and commissioners are
// three upper-case letters or digits ("RX4", "RTH", "00C"), sites and other
// providers five ("RX401", "NQ701") and GP practices six ("A81001"). The
// longer codes always hold a digit, so an upper-case surname ("SMITH") is
// refused. verify holds output values to the same rule.
func IsODSCode(s string) bool {
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

// DecodeOptOut decodes an opt-out entry: its NHS number, normalised to ten
// digits as patients' are.
func DecodeOptOut(d *Decoder) OptOut {
	var o OptOut
	var present bool
	if o.NHSNumber, present, _ = d.NHSNumber("nhs_number"); !present {
		d.fail("nhs_number", "missing")
	}
	o.Source = d.Str("source", false)
	o.ReceivedAt = d.Str("received_at", false)
	d.Finish()
	return o
}

// DecodeSession decodes and validates a session record.
func DecodeSession(d *Decoder) DecodedSession {
	var s DecodedSession
	s.SessionID = d.View("session_id", true)
	s.PatientID = d.View("patient_id", true)
	s.TherapistID = d.View("therapist_id", true)
	s.TherapistName = d.Str("therapist_name", false)
	s.Started, _ = d.timestamp("started_at", true)
	s.Ended, s.HasEnded = d.timestamp("ended_at", false)
	s.Modality = d.enum("modality", true, modalities...)
	s.SessionNumber = d.integer("session_number", true)
	if d.err == nil && s.SessionNumber < 1 {
		d.fail("session_number", "must be at least 1")
	}
	if d.err == nil && s.HasEnded && s.Ended.Before(s.Started) {
		d.fail("ended_at", "before started_at")
	}
	d.Finish()
	return s
}

// DecodeTranscript decodes and validates a transcript turn; its text is a
// view of the line (Decoder.View).
func DecodeTranscript(d *Decoder) DecodedTranscript {
	var t DecodedTranscript
	t.SessionID = d.View("session_id", true)
	t.Turn = d.integer("turn", true)
	t.Speaker = d.enum("speaker", true, speakers...)
	t.Sent, _ = d.timestamp("sent_at", true)
	t.Text = d.View("text", false)
	if d.err == nil && t.Turn < 0 {
		d.fail("turn", "negative")
	}
	d.Finish()
	return t
}

// DecodeMessage decodes and validates a message; its text is a view of the
// line.
func DecodeMessage(d *Decoder) DecodedMessage {
	var m DecodedMessage
	m.MessageID = d.View("message_id", true)
	m.PatientID = d.View("patient_id", true)
	m.Sender = d.enum("sender", true, senders...)
	m.Sent, _ = d.timestamp("sent_at", true)
	m.Text = d.View("text", false)
	d.Finish()
	return m
}

// DecodeNote decodes and validates a session note; its text is a view of
// the line.
func DecodeNote(d *Decoder) DecodedNote {
	var n DecodedNote
	n.SessionID = d.View("session_id", true)
	n.AuthorID = d.View("author_id", true)
	n.Written, _ = d.timestamp("written_at", true)
	n.Text = d.View("text", false)
	d.Finish()
	return n
}

// DecodeQuestionnaire decodes a completed measure; its items are checked
// against the instrument later, by measures.
func DecodeQuestionnaire(d *Decoder) DecodedQuestionnaire {
	var q DecodedQuestionnaire
	q.PatientID = d.View("patient_id", true)
	q.SessionID = d.View("session_id", false)
	q.Instrument = d.View("instrument", true)
	q.Completed, _ = d.timestamp("completed_at", true)
	q.Items = d.items("items")
	d.Finish()
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
