package ner

import (
	"strings"
	"testing"
)

// BenchmarkEntities measures tagging throughput on committed dialogue-like
// text, one turn per call as the redactor calls it. b.SetBytes makes
// `go test -bench` report MB/s.
func BenchmarkEntities(b *testing.B) {
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	turns := dialogueTurns(b)
	total := 0
	for _, t := range turns {
		total += len(t)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	var dst []Entity
	b.ResetTimer()
	for b.Loop() {
		for _, t := range turns {
			dst = m.Entities(t, dst[:0])
		}
	}
}

// BenchmarkEntitiesLong tags the whole file as one text (a long note).
func BenchmarkEntitiesLong(b *testing.B) {
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Join(dialogueTurns(b), "\n")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var dst []Entity
	b.ResetTimer()
	for b.Loop() {
		dst = m.Entities(text, dst[:0])
	}
}
