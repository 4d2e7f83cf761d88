package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/nhs-talking-therapies/deid/redact"
)

// Free text is read, decoded and redacted in parallel but admitted and
// written in input order. The reader goroutine only cuts lines into
// batches; workers split the JSON, decode and resolve each record (pure
// work and read-only lookups) and find its spans, the expensive part; the
// calling goroutine then takes batches strictly in order and does
// everything that changes state: counting, quarantine, duplicate checks,
// operators and writing. Operators run there because numbered placeholders
// depend on the order a patient's names first appear, so outputs are
// byte-identical across runs and worker counts. At most 2×workers batches
// are in flight, so memory is bounded by the batch size, never by the
// input.

// batchSize is the number of records per unit of parallel work: large
// enough to amortise channel traffic, small enough to keep memory low.
const batchSize = 128

// batchBytes also bounds a batch by its text, so a run of very long
// records cannot multiply memory (the redactor needs several times a
// text's size while it works).
const batchBytes = 1 << 20

// textItem is one free-text record on its way through redaction.
type textItem struct {
	rec        rawRecord
	ferr       *FieldError // decode error: quarantined
	unknown    int         // unknown fields
	excluded   bool        // its patient opted out
	orphan     string      // field naming an unknown parent
	resolved   bool        // patient (and session) found
	pnum       int         // patient number
	patient    patientRec  // as the worker read it
	session    sessionRec
	researchID string
	id         idKey // session key (transcripts, notes) or message id, for duplicates
	turn       int   // transcript turn, for duplicates
	text       string
	fields     fields // storage for rec.Fields, kept across reuse
	row        Row
	spans      []redact.Span
	err        error // a failure of the run, not of the record: it stops the extract
}

// textSpec is one free-text record type: how a worker decodes it and, for
// types with identities, how the collector detects duplicates.
type textSpec struct {
	kind      textKind
	decode    func(d *decoder, it *textItem) // runs in workers: read-only lookups only
	duplicate func(it *textItem) (field, reason string, dup bool, err error)
}

// textBatch is a unit of parallel work. Batches, their items and the
// items' buffers are recycled once admitted: per record, the pipeline's
// own allocations were a third of a plain copy's time (GC included).
type textBatch struct {
	seq   int
	items []*textItem // items beyond len, up to cap, are spares for reuse
}

// add appends rec as a new item, reusing a spare item and its buffers.
func (b *textBatch) add(rec rawRecord) {
	n := len(b.items)
	if n < cap(b.items) {
		if it := b.items[:n+1][n]; it != nil {
			*it = textItem{rec: rec, fields: it.fields[:0], row: it.row[:0]}
			b.items = b.items[:n+1]
			return
		}
	}
	b.items = append(b.items, &textItem{rec: rec})
}

func (x *extractor) redactStream(ctx context.Context, spec textSpec) error {
	files, err := sourceFiles(x.opt.In, spec.kind.name)
	if err != nil {
		return err
	}
	_, requested := x.prof.Datasets[spec.kind.name]
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := x.opt.Workers
	todo := make(chan *textBatch, workers)
	done := make(chan *textBatch, workers)
	slots := make(chan struct{}, 2*workers) // batches in flight
	free := make(chan *textBatch, 2*workers+1)

	var readErr error
	go func() {
		defer close(todo)
		seq, curBytes := 0, 0
		cur := &textBatch{}
		flush := func() bool {
			if len(cur.items) == 0 {
				return true
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			cur.seq = seq
			curBytes = 0
			todo <- cur
			seq++
			select {
			case cur = <-free:
			default:
				cur = &textBatch{items: make([]*textItem, 0, batchSize)}
			}
			return true
		}
		readErr = readSourceLazy(ctx, files, func(rec rawRecord) error {
			x.bytesRead.Add(int64(rec.Bytes))
			cur.add(rec)
			curBytes += rec.Bytes
			if (len(cur.items) >= batchSize || curBytes >= batchBytes) && !flush() {
				return ctx.Err()
			}
			return nil
		})
		if readErr == nil && !flush() {
			readErr = ctx.Err()
		}
	}()

	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range todo {
				for _, it := range b.items {
					x.prepareText(spec, it, requested)
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
		for nb, ok := pending[next]; ok && writeErr == nil; nb, ok = pending[next] {
			delete(pending, next)
			next++
			for _, it := range nb.items {
				if writeErr = x.admitText(spec, it, requested); writeErr != nil {
					cancel()
					break
				}
			}
			<-slots
			// Nothing admitted keeps an item: rows are copied into the
			// writer and the audit line is written out.
			nb.items = nb.items[:0]
			select {
			case free <- nb:
			default:
			}
		}
	}
	if writeErr != nil {
		return writeErr
	}
	return readErr
}

// prepareText is a worker's share: split, decode, resolve, find spans.
func (x *extractor) prepareText(spec textSpec, it *textItem, requested bool) {
	it.rec.split(it.fields)
	if it.rec.Err != nil {
		return
	}
	it.fields = it.rec.Fields
	d := &decoder{raw: it.rec.Fields, clock: x.clock}
	spec.decode(d, it)
	it.ferr, it.unknown = d.err, d.unknown()
	it.rec.Fields = nil // decoded; free the raw values early
	if it.err == nil && it.ferr == nil && it.resolved && requested {
		subj, err := x.subjects.get(it.pnum, &it.patient)
		if err != nil {
			it.err = err
			return
		}
		it.spans = x.red.Find(it.text, subj)
	}
}

// admitText is the collector's share, in input order: every record ends
// exactly one way (quarantined, excluded or written).
func (x *extractor) admitText(spec textSpec, it *textItem, requested bool) error {
	if it.err != nil {
		return it.err
	}
	name := spec.kind.name
	c := x.report.Records[name]
	c.In++
	x.recsRead.Add(1)
	switch {
	case it.rec.Err != nil:
		return x.quarantine(name, it.rec, it.rec.Field, it.rec.Err.Error())
	case it.ferr != nil:
		return x.quarantine(name, it.rec, it.ferr.Field, it.ferr.Reason)
	case it.excluded:
		c.exclude(ExcludedOptedOutParent)
		return nil
	case it.orphan != "":
		what := strings.TrimSuffix(it.orphan, "_id")
		return x.quarantine(name, it.rec, it.orphan, "orphan: no valid "+what+" with this "+it.orphan)
	}
	if spec.duplicate != nil {
		field, reason, dup, err := spec.duplicate(it)
		if err != nil {
			return err
		}
		if dup {
			return x.quarantine(name, it.rec, field, reason)
		}
	}
	c.UnknownFields += it.unknown
	if !requested {
		c.exclude(ExcludedNotRequested)
		return nil
	}
	return x.finishText(spec.kind, it)
}

// stateCacheSize bounds the compiled known-identifier sets, and the
// numberings, kept in memory at once. A patient's texts usually come
// together (turns by session, sessions by patient), so a thousand cover
// the workers' window many times over, while memory stays independent of
// how many patients the snapshot holds.
const stateCacheSize = 1024

// subjectCache compiles a patient's known identifiers on first use and
// keeps the most recently compiled ones (first in, first out). A miss only
// costs a recompile: a Subject is a pure function of the patient record,
// so caching never changes a result.
type subjectCache struct {
	mu    sync.Mutex
	m     map[int]*redact.Subject // by patient number
	ring  []int                   // patient numbers + 1; 0: free
	next  int
	spill *spillStore
}

func newSubjectCache(size int, spill *spillStore) *subjectCache {
	return &subjectCache{m: make(map[int]*redact.Subject, size), ring: make([]int, size), spill: spill}
}

func (c *subjectCache) get(num int, p *patientRec) (*redact.Subject, error) {
	c.mu.Lock()
	s, ok := c.m[num]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := p.subject(c.spill)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[num]; !ok {
		if old := c.ring[c.next] - 1; old >= 0 {
			delete(c.m, old)
		}
		c.ring[c.next] = num + 1
		c.next = (c.next + 1) % len(c.ring)
		c.m[num] = s
	}
	return s, nil
}

// auditLog writes every redacted span (label, recognizer, score, offsets)
// to an internal JSON Lines file. It stays inside the organisation and holds
// no text.
type auditLog struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
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
	a.buf = appendAuditLine(a.buf[:0], auditLine{Dataset: dataset, File: filepath.ToSlash(rel), Line: it.rec.Line, ResearchID: it.researchID, Spans: it.spans})
	if _, err := a.w.Write(append(a.buf, '\n')); err != nil {
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
