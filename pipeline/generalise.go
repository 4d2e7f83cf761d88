package pipeline

import (
	"strings"
	"time"
)

// ageAt is the age in whole years on day t.
func ageAt(dob, t time.Time) int {
	age := t.Year() - dob.Year()
	if t.Month() < dob.Month() || t.Month() == dob.Month() && t.Day() < dob.Day() {
		age--
	}
	return age
}

// dayOffset is the number of whole days from the referral date to t (UTC
// calendar days, so the time of day never shifts an event by a day).
func dayOffset(referral, t time.Time) int32 {
	r := time.Date(referral.Year(), referral.Month(), referral.Day(), 0, 0, 0, 0, time.UTC)
	u := t.UTC()
	d := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	return int32(d.Sub(r).Hours() / 24)
}

// monthOf is the event's calendar month, for profiles that generalise
// event dates to months.
func monthOf(t time.Time) string { return t.UTC().Format("2006-01") }

// diagnosisCode truncates an ICD-10 code to its three-character category
// ("F32.1" → "F32") unless the profile keeps the full code. A value that is
// not shaped like ICD-10 returns "" with ok false.
func diagnosisCode(code string, full bool) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if len(c) < 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < '0' || c[1] > '9' || c[2] < '0' || c[2] > '9' {
		return "", false
	}
	if !full {
		return c[:3], true
	}
	for _, r := range c[3:] {
		if !(r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return "", false
		}
	}
	return c, true
}
