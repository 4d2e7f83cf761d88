package pipeline

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/nhs-talking-therapies/deid/redact"
)

// Hand-written encoders for the two JSON values written once per text
// record (the redaction_counts column and the audit line), where
// encoding/json's reflection showed in an extract's profile; these produce
// the same bytes (TestJSONEncodersMatchEncodingJSON).

// appendCounts appends {"LABEL":n,...} for the spans' labels, keys sorted.
func appendCounts(b []byte, spans []redact.Span) []byte {
	var labels [16]redact.Label
	ls := labels[:0]
	for _, s := range spans {
		if !slices.Contains(ls, s.Label) {
			ls = append(ls, s.Label)
		}
	}
	slices.Sort(ls)
	b = append(b, '{')
	for i, l := range ls {
		if i > 0 {
			b = append(b, ',')
		}
		n := 0
		for _, s := range spans {
			if s.Label == l {
				n++
			}
		}
		b = appendJSONString(b, string(l))
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, '}')
}

// appendAuditLine appends one audit line as encoding/json would marshal
// auditLine.
func appendAuditLine(b []byte, a auditLine) []byte {
	b = append(b, `{"dataset":`...)
	b = appendJSONString(b, a.Dataset)
	b = append(b, `,"file":`...)
	b = appendJSONString(b, a.File)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(a.Line), 10)
	b = append(b, `,"research_id":`...)
	b = appendJSONString(b, a.ResearchID)
	b = append(b, `,"spans":`...)
	if a.Spans == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i, s := range a.Spans {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"start":`...)
		b = strconv.AppendInt(b, int64(s.Start), 10)
		b = append(b, `,"end":`...)
		b = strconv.AppendInt(b, int64(s.End), 10)
		b = append(b, `,"label":`...)
		b = appendJSONString(b, string(s.Label))
		if s.Source != "" {
			b = append(b, `,"source":`...)
			b = appendJSONString(b, s.Source)
		}
		if s.Score != 0 {
			b = append(b, `,"score":`...)
			b = appendJSONFloat(b, s.Score)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendJSONString quotes s as encoding/json does; anything beyond plain
// printable ASCII takes encoding/json's own path.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONFloat formats f as encoding/json does in the range it takes
// the short path; elsewhere it asks encoding/json.
func appendJSONFloat(b []byte, f float64) []byte {
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	q, _ := json.Marshal(f)
	return append(b, q...)
}
