package pipeline

// Benchmarks of the pipeline's own stages, so that the end-to-end figure
// from `make bench` (cmd/deid-bench) can be broken down: what a whole
// extract costs with and without redaction (reading, splitting and
// decoding are source's benchmarks, writing Parquet parquetsink's). MB/s
// is of free text.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhs-talking-therapies/deid/redact"
)

// BenchmarkExtract runs the university profile over the committed
// snapshot, with the profile's redactor and with a redactor that finds
// nothing (the zero Redactor has no recognizers): the difference is the
// redaction's share, the rest the pipeline's own cost.
func BenchmarkExtract(b *testing.B) {
	const in = "../fixtures/snapshot"
	if _, err := os.Stat(filepath.Join(in, "transcripts.jsonl")); err != nil {
		b.Skip("no committed snapshot in ../fixtures/snapshot")
	}
	b.Setenv("DEID_KEY", strings.Repeat("5a", 32))
	b.Setenv("DEID_OUTPUT_KEY", strings.Repeat("a5", 32))
	p, err := LoadProfile("../fixtures/profiles/university.yaml")
	if err != nil {
		b.Fatal(err)
	}
	full, err := NewRedactor(p)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		red  *redact.Redactor
	}{{"redact", full}, {"copy", &redact.Redactor{}}} {
		b.Run(c.name, func(b *testing.B) {
			var text float64
			for i := 0; i < b.N; i++ {
				res, err := Extract(context.Background(), Options{Profile: p, In: in, Out: b.TempDir(), MaxBad: -1,
					Redactor: c.red, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Version: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				text = res.Timings["text_mb"]
			}
			b.SetBytes(int64(text * 1e6))
		})
	}
}
