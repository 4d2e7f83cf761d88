package pipeline

import (
	"maps"
	"slices"
	"testing"
)

// TestRecordTypesOneTable: the report counts exactly the record types the
// extract reads, and RecordTypes (the CLI summary's list) gives them in
// reading order.
func TestRecordTypesOneTable(t *testing.T) {
	want := []string{"opt_outs", "patients", "sessions", "transcripts", "messages", "notes", "questionnaires"}
	if got := RecordTypes(); !slices.Equal(got, want) {
		t.Errorf("RecordTypes() = %v, want %v", got, want)
	}
	if got := slices.Sorted(maps.Keys(newReport().Records)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("report counts %v, want %v", got, want)
	}
}
