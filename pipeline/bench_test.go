package pipeline

// Benchmarks of the pipeline's own stages, so that the end-to-end figure
// from `make bench` (cmd/deid-bench) can be broken down: how fast the
// Parquet sink writes, and what a whole extract costs with and without
// redaction (reading, splitting and decoding are source's benchmarks).
// MB/s is of free text.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"time"

	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/schemas"
)

// benchTurnText is a transcript turn of typical length and shape
// (about 140 bytes, the synthetic generator's median).
const benchTurnText = "ok i guess. my sister jen came up from leeds on saturday and we went to the garden centre, " +
	"i managed the thought record twice this week"

// BenchmarkParquetSink writes transcript rows (every column) through the
// dataset writer: zstd, the profile's row group size, rename on close.
func BenchmarkParquetSink(b *testing.B) {
	ds, ok := schemas.Lookup("transcripts")
	if !ok {
		b.Fatal("no transcripts dataset")
	}
	var cols []string
	for _, c := range ds.Columns {
		cols = append(cols, c.Name)
	}
	const rows = 50_000
	row := make(Row, len(ds.Columns))
	codec, err := newZstdCodec()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(rows * len(benchTurnText)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		w, err := newDatasetWriter(dir, ds, cols, 65536, "bench", nil, codec)
		if err != nil {
			b.Fatal(err)
		}
		for r := 0; r < rows; r++ {
			row[0], row[1], row[2], row[3], row[4], row[5] = "r0123456789abcdef", fmt.Sprintf("s%08d", r/40), int32(r/40), int32(r%40), "patient", int32(r/400)
			row[6], row[7], row[8] = benchTurnText, int32(2), `{"LOCATION":1,"PERSON":1}`
			if err := w.Write(row); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

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
