package pipeline

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	kzstd "github.com/klauspost/compress/zstd"

	"github.com/nhs-talking-therapies/deid/redact"
)

// auditLog writes every redacted span (label, recognizer, score, offsets)
// to an internal JSON Lines file. It stays inside the organisation and holds
// no text.
//
// The file is zstd-compressed (auditFile): uncompressed it is larger than
// the input text, and its write syscalls cost the collector more than
// compressing does (docs/performance.md). DuckDB reads it as it is
// (read_json), as do zstdcat and jq. One encoder, one goroutine: the
// bytes are the same on every run.
type auditLog struct {
	f         *os.File
	z         *kzstd.Encoder
	w         *bufio.Writer // into z
	buf       []byte
	file, rel string // the last input file and its name relative to the input folder
}

// auditFile is the audit's name in the internal folder.
const auditFile = "audit.jsonl.zst"

type auditLine struct {
	Dataset    string        `json:"dataset"`
	File       string        `json:"file"`
	Line       int           `json:"line"`
	ResearchID string        `json:"research_id"`
	Spans      []redact.Span `json:"spans"`
}

func openAudit(dir string) (*auditLog, error) {
	f, err := createFile(filepath.Join(dir, auditFile))
	if err != nil {
		return nil, fmt.Errorf("audit file: %w", err)
	}
	// A 128 KiB window compresses the audit faster than 1 MiB, and no
	// worse (docs/performance.md).
	z, err := kzstd.NewWriter(f, kzstd.WithEncoderLevel(kzstd.SpeedFastest), kzstd.WithEncoderConcurrency(1),
		kzstd.WithWindowSize(1<<17))
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("audit file: %w", err)
	}
	// Lines reach the encoder a megabyte at a time, and the encoder keeps
	// its default tables: fewer, larger hand-offs (docs/performance.md).
	return &auditLog{f: f, z: z, w: bufio.NewWriterSize(z, 1<<20)}, nil
}

func (a *auditLog) add(dataset string, it *textItem, inDir string) error {
	if len(it.spans) == 0 {
		return nil
	}
	if it.rec.File != a.file {
		rel, err := filepath.Rel(inDir, it.rec.File)
		if err != nil {
			rel = filepath.Base(it.rec.File)
		}
		a.file, a.rel = it.rec.File, filepath.ToSlash(rel)
	}
	a.buf = appendAuditLine(a.buf[:0], auditLine{Dataset: dataset, File: a.rel, Line: it.rec.Line, ResearchID: it.researchID, Spans: it.spans})
	if _, err := a.w.Write(append(a.buf, '\n')); err != nil {
		return fmt.Errorf("audit file: %w", err)
	}
	return nil
}

func (a *auditLog) Close() error {
	err := a.w.Flush()
	if zerr := a.z.Close(); err == nil {
		err = zerr
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	return err
}
