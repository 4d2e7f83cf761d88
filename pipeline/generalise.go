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
// The referral's day is its calendar date where it was recorded. Days are
// counted from Unix seconds rather than through time.Date: every text row
// has an offset.
func dayOffset(referral, t time.Time) int32 {
	_, off := referral.Zone()
	return int32(unixDay(t.Unix()) - unixDay(referral.Unix()+int64(off)))
}

// unixDay is the UTC calendar day of a Unix time, counted from 1970-01-01
// (floored, so times before 1970 fall on the right day).
func unixDay(sec int64) int64 {
	d := sec / 86400
	if sec%86400 < 0 {
		d--
	}
	return d
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
