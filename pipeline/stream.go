package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/nhs-talking-therapies/deid/redact"
)

// Free text is redacted in parallel but written in input order: the reader
// goroutine decodes and resolves records into batches, workers find spans
// (the expensive part), and the calling goroutine applies operators and
// writes rows strictly in batch order. Operators run sequentially because
// numbered placeholders depend on the order a patient's names first appear;
// doing it in input order keeps outputs byte-identical across runs and
// worker counts. At most 2×workers batches are in flight, so memory is
// bounded by the batch size, never by the input.

// batchSize is the number of records per unit of parallel work: large
// enough to amortise channel traffic, small enough to keep memory low.
const batchSize = 128

// textItem is one free-text record on its way through redaction.
type textItem struct {
	rec     rawRecord
	patient *patientState
	subject *redact.Subject
	text    string
	row     Row
	spans   []redact.Span
}

type textBatch struct {
	seq   int
	items []*textItem
}

// redactStream reads kind's files; decode turns each good record into zero
// or one item (quarantining or excluding the others) and runs in the reader
// goroutine, so the extractor's maps are only touched from one goroutine at
// a time: the reader during the read, the writer after each batch.
func (x *extractor) redactStream(ctx context.Context, kind textKind, decode func(rawRecord, *decoder, func(*textItem)) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := x.opt.Workers
	todo := make(chan *textBatch, workers)
	done := make(chan *textBatch, workers)
	slots := make(chan struct{}, 2*workers) // batches in flight

	var readErr error
	var mu sync.Mutex // guards the extractor's maps between reader and writer
	go func() {
		defer close(todo)
		seq := 0
		cur := &textBatch{seq: seq}
		flush := func() bool {
			if len(cur.items) == 0 {
				return true
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			todo <- cur
			seq++
			cur = &textBatch{seq: seq}
			return true
		}
		emit := func(it *textItem) { cur.items = append(cur.items, it) }
		files, err := sourceFiles(x.opt.In, kind.name)
		if err != nil {
			readErr = err
			return
		}
		c := x.report.Records[kind.name]
		err = readSource(ctx, files, func(rec rawRecord) error {
			mu.Lock()
			c.In++
			x.recsRead.Add(1)
			x.bytesRead.Add(int64(rec.Bytes))
			var err error
			if rec.Err != nil {
				err = x.quarantine(kind.name, rec, rec.Field, rec.Err.Error())
			} else {
				err = decode(rec, &decoder{raw: rec.Fields, clock: x.clock}, emit)
			}
			mu.Unlock()
			if err != nil {
				return err
			}
			if len(cur.items) >= batchSize && !flush() {
				return ctx.Err()
			}
			return nil
		})
		if err == nil && !flush() {
			err = ctx.Err()
		}
		readErr = err
	}()

	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range todo {
				for _, it := range b.items {
					it.spans = x.red.Find(it.text, it.subject)
				}
				done <- b
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	pending := map[int]*textBatch{}
	next := 0
	var writeErr error
	for b := range done {
		if writeErr != nil {
			<-slots
			continue // drain so the workers and reader can finish
		}
		pending[b.seq] = b
		for {
			nb, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			mu.Lock()
			for _, it := range nb.items {
				if writeErr = x.finishText(kind, it); writeErr != nil {
					cancel()
					break
				}
			}
			mu.Unlock()
			<-slots
			if writeErr != nil {
				break
			}
		}
	}
	if writeErr != nil {
		return writeErr
	}
	if readErr != nil {
		return readErr
	}
	return nil
}

// auditLog writes every redacted span (label, recognizer, score, offsets)
// to an internal JSON Lines file. It stays inside the organisation and holds
// no text.
type auditLog struct {
	f *os.File
	w *bufio.Writer
}

type auditLine struct {
	Dataset    string        `json:"dataset"`
	File       string        `json:"file"`
	Line       int           `json:"line"`
	ResearchID string        `json:"research_id"`
	Spans      []redact.Span `json:"spans"`
}

func openAudit(dir string) (*auditLog, error) {
	f, err := os.OpenFile(filepath.Join(dir, "audit.jsonl"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("audit file: %w", err)
	}
	return &auditLog{f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

func (a *auditLog) add(dataset string, it *textItem, inDir string) error {
	if len(it.spans) == 0 {
		return nil
	}
	rel, err := filepath.Rel(inDir, it.rec.File)
	if err != nil {
		rel = filepath.Base(it.rec.File)
	}
	b, _ := json.Marshal(auditLine{Dataset: dataset, File: filepath.ToSlash(rel), Line: it.rec.Line, ResearchID: it.patient.researchID, Spans: it.spans})
	if _, err := a.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("audit file: %w", err)
	}
	return nil
}

func (a *auditLog) Close() error {
	err := a.w.Flush()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	return err
}
