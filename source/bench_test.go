package source

// Benchmarks of reading, splitting and decoding, so that the end-to-end
// figure from `make bench` (cmd/deid-bench) can be broken down. MB/s is of
// input bytes.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
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
		t := Transcript{SessionID: fmt.Sprintf("S%07d", i/40), Turn: i%40 + 1, Speaker: []string{"patient", "therapist"}[i%2],
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
		if err := readJSONL(context.Background(), path, false, func(r Record) error {
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
	clock := DateRange{Min: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), Max: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, path := range []string{jsonl, csvPath} {
		b.Run(FormatOf(path), func(b *testing.B) {
			b.SetBytes(fileSize(b, path))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := Read(context.Background(), []string{path}, func(r Record) error {
					if r.Err != nil {
						return r.Err
					}
					d := &Decoder{raw: r.Fields, clock: clock}
					DecodeTranscript(d)
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

// BenchmarkSplitJSON is the scanner alone on one transcript line.
func BenchmarkSplitJSON(b *testing.B) {
	t := Transcript{SessionID: "S0000001", Turn: 12, Speaker: "patient", SentAt: "2024-01-17T10:00:00Z", Text: benchTurnText}
	line, _ := json.Marshal(t)
	b.SetBytes(int64(len(line)))
	var out Fields
	for i := 0; i < b.N; i++ {
		var err error
		if out, err = splitJSON(line, out); err != nil {
			b.Fatal(err)
		}
	}
}
