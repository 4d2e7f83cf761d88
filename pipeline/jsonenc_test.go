package pipeline

import (
	"encoding/json"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact"
)

func TestJSONEncodersMatchEncodingJSON(t *testing.T) {
	spanSets := [][]redact.Span{
		nil,
		{},
		{{Start: 0, End: 3, Label: redact.Person, Source: "known", Score: 1}},
		{{Start: 5, End: 9, Label: redact.Location, Score: 0.123456789}, {Start: 1, End: 2, Label: redact.Person},
			{Start: 7, End: 8, Label: redact.Location, Source: "ner<&>\"é", Score: 1e-9}, {Label: "X\n", Score: 3e21}},
	}
	for i, spans := range spanSets {
		counts := map[string]int{}
		for _, s := range spans {
			counts[string(s.Label)]++
		}
		want, _ := json.Marshal(counts)
		if got := appendCounts(nil, spans); string(got) != string(want) {
			t.Errorf("set %d counts: %s, want %s", i, got, want)
		}
		for _, file := range []string{"transcripts.jsonl", "dir/é \"x\".jsonl"} {
			a := auditLine{Dataset: "transcripts", File: file, Line: 42, ResearchID: "abc", Spans: spans}
			want, _ := json.Marshal(a)
			if got := appendAuditLine(nil, a); string(got) != string(want) {
				t.Errorf("set %d audit:\n got %s\nwant %s", i, got, want)
			}
		}
	}
}
