package pipeline

// Benchmarks of the pipeline's own stages, so that the end-to-end figure
// from `make bench` (cmd/deid-bench) can be broken down: how fast records
// are read, split and decoded, how fast the Parquet sink writes, and what a
// whole extract costs with and without redaction. MB/s is of input bytes
// for the readers and of free text for the sink and the extract.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"time"

	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/source"
)

// benchTurnText is a transcript turn of typical length and shape
// (about 140 bytes, the synthetic generator's median).
const benchTurnText = "ok i guess. my sister jen came up from leeds on saturday and we went to the garden centre, " +
	"i managed the thought record twice this week"

// benchTranscripts writes n transcript turns as JSON Lines and as CSV and
// returns both paths.
func benchTranscripts(b *testing.B, n int) (jsonl, csvPath string) {
	b.Helper()
	dir := b.TempDir()
	var jb bytes.Buffer
	var cb bytes.Buffer
	cw := csv.NewWriter(&cb)
	_ = cw.Write([]string{"session_id", "turn", "speaker", "sent_at", "text"})
	for i := 0; i < n; i++ {
		t := source.Transcript{SessionID: fmt.Sprintf("S%07d", i/40), Turn: i%40 + 1, Speaker: []string{"patient", "therapist"}[i%2],
			SentAt: "2024-01-17T10:00:00Z", Text: benchTurnText}
		line, _ := json.Marshal(t)
		jb.Write(line)
		jb.WriteByte('\n')
		_ = cw.Write([]string{t.SessionID, fmt.Sprint(t.Turn), t.Speaker, t.SentAt, t.Text})
	}
	cw.Flush()
	jsonl, csvPath = filepath.Join(dir, "transcripts.jsonl"), filepath.Join(dir, "transcripts.csv")
	if err := os.WriteFile(jsonl, jb.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(csvPath, cb.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return jsonl, csvPath
}

func fileSize(b *testing.B, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

func BenchmarkReadJSONL(b *testing.B) {
	path, _ := benchTranscripts(b, 50_000)
	b.SetBytes(fileSize(b, path))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := readJSONL(context.Background(), path, false, func(r rawRecord) error {
			if r.Err != nil {
				return r.Err
			}
			n++
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		if n != 50_000 {
			b.Fatalf("%d records", n)
		}
	}
}

// BenchmarkReadDecode is the reader goroutine's work per transcript turn:
// read, split, decode and validate.
func BenchmarkReadDecode(b *testing.B) {
	jsonl, csvPath := benchTranscripts(b, 50_000)
	clock := dateRange{min: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), max: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, path := range []string{jsonl, csvPath} {
		b.Run(formatOf(path), func(b *testing.B) {
			b.SetBytes(fileSize(b, path))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := readSource(context.Background(), []string{path}, func(r rawRecord) error {
					if r.Err != nil {
						return r.Err
					}
					d := &decoder{raw: r.Fields, clock: clock}
					decodeTranscript(d)
					if d.err != nil {
						return d.err
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
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

// BenchmarkSplitJSON is the scanner alone on one transcript line.
func BenchmarkSplitJSON(b *testing.B) {
	t := source.Transcript{SessionID: "S0000001", Turn: 12, Speaker: "patient", SentAt: "2024-01-17T10:00:00Z", Text: benchTurnText}
	line, _ := json.Marshal(t)
	b.SetBytes(int64(len(line)))
	var out fields
	for i := 0; i < b.N; i++ {
		var err error
		if out, err = splitJSON(line, out); err != nil {
			b.Fatal(err)
		}
	}
}
