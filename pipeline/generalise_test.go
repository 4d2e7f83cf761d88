package pipeline

import (
	"testing"
	"time"

	"github.com/nhs-talking-therapies/deid/pipeline/disclosure"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAgeAndBands(t *testing.T) {
	tests := []struct {
		dob, at string
		width   int
		age     int
		band    string
	}{
		{"1990-03-07", "2024-03-06", 5, 33, "30-34"},
		{"1990-03-07", "2024-03-07", 5, 34, "30-34"},
		{"1990-03-07", "2025-03-07", 5, 35, "35-39"},
		{"2000-02-29", "2024-02-28", 5, 23, "20-24"},
		{"1990-03-07", "2024-03-07", 10, 34, "30-39"},
		{"1990-03-07", "2024-03-07", 20, 34, "20-39"},
		{"1930-01-01", "2024-06-01", 5, 94, "90+"},
		{"2008-01-01", "2024-06-01", 5, 16, "15-19"},
	}
	for _, tt := range tests {
		age := ageAt(day(tt.dob), day(tt.at))
		if age != tt.age {
			t.Errorf("ageAt(%s, %s) = %d, want %d", tt.dob, tt.at, age, tt.age)
		}
		if b := disclosure.AgeBand(age, tt.width); b != tt.band {
			t.Errorf("AgeBand(%d, %d) = %s, want %s", age, tt.width, b, tt.band)
		}
	}
}

func TestDayOffset(t *testing.T) {
	ref := day("2024-03-07")
	tests := []struct {
		at   string
		want int32
	}{
		{"2024-03-07T00:00:00Z", 0},
		{"2024-03-07T23:59:59Z", 0},
		{"2024-03-08T00:00:01Z", 1},
		{"2024-03-06T12:00:00Z", -1},
		{"2025-03-07T09:00:00Z", 365},
		{"2024-03-08T00:30:00+01:00", 0}, // 23:30 UTC on the 7th
		{"2024-03-06T23:59:59-00:30", 0}, // 00:29:59 UTC on the 7th
		{"1960-01-01T00:00:00Z", -23442},
		{"1969-12-31T23:59:59Z", -19790},
		{"1970-01-01T00:00:00Z", -19789},
	}
	for _, tt := range tests {
		ts, _ := time.Parse(time.RFC3339, tt.at)
		if got := dayOffset(ref, ts); got != tt.want {
			t.Errorf("dayOffset(%s) = %d, want %d", tt.at, got, tt.want)
		}
		// The calendar arithmetic the day count replaced, for any referral.
		for _, r := range []time.Time{ref, day("1958-11-30"), time.Date(2024, 3, 7, 22, 0, 0, 0, time.FixedZone("", 5*3600))} {
			rd := time.Date(r.Year(), r.Month(), r.Day(), 0, 0, 0, 0, time.UTC)
			u := ts.UTC()
			want := int32(time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC).Sub(rd).Hours() / 24)
			if got := dayOffset(r, ts); got != want {
				t.Errorf("dayOffset(%s, %s) = %d, calendar days %d", r, tt.at, got, want)
			}
		}
	}
	if m := monthOf(day("2024-03-07")); m != "2024-03" {
		t.Errorf("monthOf = %s", m)
	}
}

func TestDiagnosisCode(t *testing.T) {
	tests := []struct {
		in   string
		full bool
		want string
		ok   bool
	}{
		{"F32.1", false, "F32", true},
		{"f41.1", false, "F41", true},
		{"F32.1", true, "F32.1", true},
		{"F42", true, "F42", true},
		{"depression", false, "", false},
		{"", false, "", false},
		{"F3", false, "", false},
		{"F32 1;x", true, "", false},
	}
	for _, tt := range tests {
		got, ok := diagnosisCode(tt.in, tt.full)
		if got != tt.want || ok != tt.ok {
			t.Errorf("diagnosisCode(%q, %v) = %q, %v; want %q, %v", tt.in, tt.full, got, ok, tt.want, tt.ok)
		}
	}
}
