package pipeline

import (
	"context"
	"strings"

	"github.com/nhs-talking-therapies/deid/internal/ordered"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/source"
)

// Free text is read, decoded and redacted in parallel (ordered) but
// admitted and written in input order. Workers split the JSON, decode and
// resolve each record and find its spans, the expensive part; the calling
// goroutine then does everything that changes state: counting,
// quarantine, duplicate checks, operators and writing. Operators run there
// because numbered placeholders depend on the order a patient's names
// first appear, so outputs are byte-identical across runs and worker
// counts. Memory is bounded by the batch size, never by the input.

// batchSize is the number of records per unit of parallel work: large
// enough to amortise channel traffic, small enough to keep memory low.
const batchSize = 128

// batchBytes also bounds a batch by its text, so a run of very long
// records cannot multiply memory (the redactor needs several times a
// text's size while it works).
const batchBytes = 1 << 20

// textItem is one free-text record on its way through redaction.
type textItem struct {
	rec        source.Record
	ferr       *source.FieldError // decode error: quarantined
	unknown    int                // unknown fields
	excluded   bool               // its patient opted out
	orphan     string             // field naming an unknown parent
	resolved   bool               // patient (and session) found
	prev       *textItem          // while decoding: the batch's previous item, resolved
	pkey       idKey              // patient key (messages)
	subj       *redact.Subject
	pnum       int        // patient number
	patient    patientRec // as the worker read it
	session    sessionRec
	snum       int    // session number (transcripts, notes)
	sessionRID string // session's research id, formatted
	researchID string
	id         idKey // session key (transcripts, notes) or message id, for duplicates
	turn       int   // transcript turn, for duplicates
	text       string
	fields     source.Fields  // storage for rec.Fields, kept across reuse
	dec        source.Decoder // the record's decoder (splitItem)
	row        Row
	spans      []redact.Span
	rare       []redact.Span // the text's rare words, for Consistency.Carry (Redactor.FindCarry)
	err        error         // a failure of the run, not of the record: it stops the extract
}

// textSpec is one free-text record type: how a worker decodes it and, for
// types with identities, how the collector detects duplicates.
type textSpec struct {
	kind      textKind
	decode    func(d *source.Decoder, it *textItem) // runs in workers: read-only lookups only
	duplicate func(it *textItem) (field, reason string, dup bool, err error)
}

// stream runs records through a pool of workers and back into input
// order (internal/ordered): the reader goroutine only cuts lines into
// batches, workers run prepare (pure work, and lookups that only read),
// and the calling goroutine runs admit, strictly in input order, for
// everything that changes state. At most 2×workers batches are in flight.
// Free text and questionnaires take this path; the small record types are
// read in one goroutine by each.
type stream[T any] struct {
	workers int
	reset   func(it *T, rec source.Record) // readies a new or recycled item for rec, keeping its buffers
	prepare func(it, prev *T)              // prev: the batch's item before it, or nil
	admit   func(it *T) error
	read    func(rec source.Record) // in the reader, for progress figures
}

// batch is a unit of parallel work. Batches, their items and the items'
// buffers are recycled once admitted, so that no record allocates.
type batch[T any] struct {
	items []*T // items beyond len, up to cap, are spares for reuse
}

func (o stream[T]) run(ctx context.Context, files []string) error {
	p := ordered.Pool[batch[T], struct{}]{
		Workers:  o.workers,
		InFlight: 2 * o.workers,
		Work: func(_ struct{}, b *batch[T]) {
			var prev *T
			for _, it := range b.items {
				o.prepare(it, prev)
				prev = it
			}
		},
		Consume: func(b *batch[T]) error {
			for _, it := range b.items {
				if err := o.admit(it); err != nil {
					return err
				}
			}
			// admit keeps nothing of an item: rows are copied into the
			// writer and audit lines written out.
			b.items = b.items[:0]
			return nil
		},
	}
	return p.Run(ctx, func(ctx context.Context, s *ordered.Sender[batch[T]]) error {
		var cur *batch[T]
		curBytes := 0
		err := source.ReadLazy(ctx, files, func(rec source.Record) error {
			o.read(rec)
			if cur == nil {
				if cur = s.Recycled(); cur == nil {
					cur = &batch[T]{items: make([]*T, 0, batchSize)}
				}
			}
			n := len(cur.items)
			var it *T
			if n < cap(cur.items) {
				it = cur.items[:n+1][n]
			}
			if it == nil {
				it = new(T)
			}
			o.reset(it, rec)
			cur.items = append(cur.items, it)
			curBytes += rec.Bytes
			if len(cur.items) >= batchSize || curBytes >= batchBytes {
				if !s.Send(cur) {
					return ctx.Err()
				}
				cur, curBytes = nil, 0
			}
			return nil
		})
		if err == nil && cur != nil && !s.Send(cur) {
			err = ctx.Err()
		}
		return err
	})
}

// decodedItem is what every item of a decodedStream carries.
type decodedItem struct {
	rec     source.Record
	fields  source.Fields      // storage for rec.Fields, kept across reuse
	dec     source.Decoder     // the record's decoder (splitItem)
	ferr    *source.FieldError // decode error: quarantined
	unknown int                // unknown fields
}

// decodedStream runs one record type through a stream: split and decode in
// workers (decode may do any other pure work, such as scoring or deriving
// pseudonyms, when d.Err() is nil), then, in input order, the bad-record
// check and admit.
func decodedStream[T any](ctx context.Context, x *extractor, kind string, base func(*T) *decodedItem,
	decode func(it *T, d *source.Decoder), admit func(*T) error) error {
	files, err := x.inputFiles(kind)
	if err != nil {
		return err
	}
	return stream[T]{
		workers: x.opt.Workers,
		reset: func(it *T, rec source.Record) {
			buf := base(it).fields[:0]
			*it = *new(T)
			*base(it) = decodedItem{rec: rec, fields: buf}
		},
		prepare: func(it, _ *T) {
			b := base(it)
			d := x.splitItem(&b.rec, &b.fields, &b.dec)
			if d == nil {
				return
			}
			decode(it, d)
			b.ferr, b.unknown = d.Err(), d.Unknown()
			b.rec.Fields = nil
		},
		read: func(rec source.Record) { x.bytesRead.Add(int64(rec.Bytes)) },
		admit: func(it *T) error {
			b := base(it)
			if bad, err := x.admitBad(kind, b.rec, b.ferr); bad {
				return err
			}
			return admit(it)
		},
	}.run(ctx, files)
}

func (x *extractor) redactStream(ctx context.Context, spec textSpec) error {
	files, err := x.inputFiles(spec.kind.name)
	if err != nil {
		return err
	}
	_, requested := x.prof.Datasets[spec.kind.name]
	return stream[textItem]{
		workers: x.opt.Workers,
		reset: func(it *textItem, rec source.Record) {
			*it = textItem{rec: rec, fields: it.fields[:0], row: it.row[:0], rare: it.rare[:0]}
		},
		prepare: func(it, prev *textItem) { x.prepareText(spec, it, prev, requested) },
		admit:   func(it *textItem) error { return x.admitText(spec, it, requested) },
		read:    func(rec source.Record) { x.bytesRead.Add(int64(rec.Bytes)) },
	}.run(ctx, files)
}

// splitItem splits an item's record into the item's reused field storage
// and readies the item's decoder (d) over the fields; it returns nil when
// the record did not split (rec.Err says why). The decoder lives in the
// item, so that no record allocates one.
func (x *extractor) splitItem(rec *source.Record, buf *source.Fields, d *source.Decoder) *source.Decoder {
	if rec.Split(*buf); rec.Err != nil {
		return nil
	}
	*buf = rec.Fields
	d.Reset(rec.Fields, x.clock)
	return d
}

// admitBad counts a record that reached the collector and quarantines it
// if it did not split or decode; bad reports whether it did.
func (x *extractor) admitBad(kind string, rec source.Record, ferr *source.FieldError) (bad bool, err error) {
	x.report.Records[kind].In++
	x.recsRead.Add(1)
	switch {
	case rec.Err != nil:
		return true, x.quarantine(kind, rec, rec.Field, rec.Err.Error())
	case ferr != nil:
		return true, x.reject(kind, rec, ferr)
	}
	return false, nil
}

// prepareText is a worker's share: split, decode, resolve, find spans.
//
// A batch's records mostly share a session or patient with the one before
// (turns by session): decode reuses what prev resolved, so that workers
// take the shared state's lock about once per session, not once per
// record (docs/performance.md).
func (x *extractor) prepareText(spec textSpec, it, prev *textItem, requested bool) {
	d := x.splitItem(&it.rec, &it.fields, &it.dec)
	if d == nil {
		return
	}
	if prev != nil && prev.resolved {
		it.prev = prev
	}
	spec.decode(d, it)
	it.prev = nil
	it.ferr, it.unknown = d.Err(), d.Unknown()
	it.rec.Fields = nil // decoded; free the raw values early
	if it.err == nil && it.ferr == nil && it.resolved && requested {
		if prev != nil && prev.subj != nil && prev.pnum == it.pnum {
			it.subj = prev.subj
		} else {
			subj, err := x.subjects.get(it.pnum, &it.patient)
			if err != nil {
				it.err = err
				return
			}
			it.subj = subj
		}
		it.spans, it.rare = x.red.FindCarry(it.text, it.subj, it.rare[:0])
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
	if bad, err := x.admitBad(name, it.rec, it.ferr); bad {
		return err
	}
	switch {
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
