package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/nhs-talking-therapies/deid/internal/ordered"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/ner"
	"github.com/nhs-talking-therapies/deid/source"
)

// maxLine is the longest input line `deid redact` and `deid eval` accept.
const maxLine = 64 << 20

// cmdRedact reads JSON Lines {"id","text","known"} on stdin and writes
// {"id","text","spans"} on stdout, one line per input line, in input order.
// Lines are redacted by a pool of workers; at most a window of lines is in
// flight, so memory is bounded whatever the input size. A bad line gives
// an output line with "error" (naming the line and the reason, never the
// text) and makes the exit code 1 once every line is written.
func cmdRedact(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("redact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "number of redaction workers")
	labels := fs.String("labels", "", "comma-separated labels to redact (default: every label except ORG)")
	operator := fs.String("operator", "placeholder", "replacement: placeholder, numbered or surrogate")
	noNER := fs.Bool("no-ner", false, "run without the NER model (known identifiers, patterns, gazetteers only)")
	keepCountries := fs.Bool("keep-countries", false, "leave country names in the text")
	keyFile := fs.String("surrogate-key-file", "", "file holding the secret that keys surrogates (default: empty key, surrogates are then guessable)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || *workers < 1 {
		fmt.Fprintln(stderr, "deid redact: unexpected arguments or --workers < 1")
		return exitUsage
	}
	op := redact.Operator(*operator)
	switch op {
	case redact.Placeholder, redact.Numbered, redact.Surrogate:
	default:
		fmt.Fprintf(stderr, "deid redact: --operator must be placeholder, numbered or surrogate\n")
		return exitUsage
	}
	labs, err := parseLabels(*labels)
	if err != nil {
		fmt.Fprintln(stderr, "deid redact:", err)
		return exitUsage
	}
	pol := redact.Policy{Default: op}
	if *keyFile != "" {
		k, err := os.ReadFile(*keyFile)
		if err != nil {
			fmt.Fprintf(stderr, "deid redact: surrogate key file: %v\n", err)
			return exitUsage
		}
		pol.SurrogateKey = bytes.TrimSpace(k)
	}
	r, err := newRedactor(labs, *keepCountries, *noNER)
	if err != nil {
		fmt.Fprintln(stderr, "deid redact:", err)
		return exitRun
	}

	out := bufio.NewWriterSize(stdout, 1<<16)
	failed := 0
	type worker struct {
		knownRaw string
		subj     *redact.Subject
		buf      bytes.Buffer
	}
	type lineResult struct {
		out []byte
		ok  bool
	}
	err = orderedLines(ctx, stdin, *workers,
		func() *worker { return &worker{} },
		func(w *worker, lineNo int, line []byte) lineResult {
			w.buf.Reset()
			ok := redactLine(&w.buf, r, pol, lineNo, line, &w.knownRaw, &w.subj)
			return lineResult{bytes.Clone(w.buf.Bytes()), ok}
		},
		func(lineNo int) lineResult {
			var b bytes.Buffer
			writeJSONLine(&b, redactOut{Error: fmt.Sprintf("line %d: longer than %d bytes", lineNo, maxLine)})
			return lineResult{b.Bytes(), false}
		},
		func(res lineResult) error {
			if !res.ok {
				failed++
			}
			_, err := out.Write(res.out)
			return err
		})
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(stderr, "deid redact:", err)
		return exitRun
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "deid redact: %d line(s) failed\n", failed)
		return exitRun
	}
	return exitOK
}

// parseLabels parses "PERSON,LOCATION"; empty gives nil (the default set).
func parseLabels(s string) ([]redact.Label, error) {
	var out []redact.Label
	for _, f := range strings.Split(s, ",") {
		f = strings.ToUpper(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		l := redact.Label(f)
		known := false
		for _, k := range redact.Labels {
			known = known || k == l
		}
		if !known {
			return nil, fmt.Errorf("unknown label %q in --labels", f)
		}
		out = append(out, l)
	}
	return out, nil
}

// newRedactor builds the redactor, with the embedded NER model unless noNER.
func newRedactor(labels []redact.Label, keepCountries, noNER bool) (*redact.Redactor, error) {
	cfg := redact.Config{Labels: labels, KeepCountries: keepCountries}
	if !noNER {
		// The recognizers' tables and the model are built independently
		// (each once per process), so on two cores start-up takes the
		// longer of the two rather than their sum; start-up is the serial
		// part of a run.
		warm := make(chan struct{})
		go func() {
			defer close(warm)
			_, _ = redact.New(cfg) // errors are the real New's to report
		}()
		m, err := ner.Default()
		<-warm
		if err != nil {
			return nil, fmt.Errorf("loading NER model: %w", err)
		}
		cfg.NER = m
	}
	return redact.New(cfg)
}

type redactIn struct {
	ID    json.RawMessage `json:"id"`
	Text  *string         `json:"text"`
	Known json.RawMessage `json:"known"`
}

type redactOutSpan struct {
	Start  int          `json:"start"`
	End    int          `json:"end"`
	Label  redact.Label `json:"label"`
	Source string       `json:"source"`
}

// redactOut is a failed line: its id when readable, and the error.
type redactOut struct {
	ID    json.RawMessage `json:"id,omitempty"`
	Error string          `json:"error,omitempty"`
}

// redactOK is a redacted line. Spans is always written, as [] when the
// text has none (docs/ARCHITECTURE.md, The command-line contract): a reader can tell "nothing found" from a
// line that failed.
type redactOK struct {
	ID    json.RawMessage `json:"id,omitempty"`
	Text  string          `json:"text"`
	Spans []redactOutSpan `json:"spans"`
}

// redactLine redacts one input line into buf (with its newline) and
// reports whether it succeeded. The subject of the previous line is reused
// when its known object is byte-identical (a patient's texts come together).
func redactLine(buf *bytes.Buffer, r *redact.Redactor, pol redact.Policy, lineNo int, line []byte, knownRaw *string, subj **redact.Subject) bool {
	var in redactIn
	var o redactOut
	fail := func(reason string) bool {
		o.Error = fmt.Sprintf("line %d: %s", lineNo, reason)
		writeJSONLine(buf, o)
		return false
	}
	if err := json.Unmarshal(line, &in); err != nil {
		// The ID may still be readable when another field is wrong.
		var idOnly struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(line, &idOnly) == nil && validID(idOnly.ID) {
			o.ID = idOnly.ID
		}
		return fail(jsonReason(err))
	}
	if validID(in.ID) {
		o.ID = in.ID
	} else if len(in.ID) > 0 && string(in.ID) != "null" {
		return fail("field id must be a string or number")
	}
	if in.Text == nil {
		return fail("missing field text")
	}
	var s *redact.Subject
	if k := bytes.TrimSpace(in.Known); len(k) > 0 && string(k) != "null" {
		if *subj != nil && *knownRaw == string(k) {
			s = *subj
		} else {
			var known redact.Known
			if err := json.Unmarshal(k, &known); err != nil {
				return fail("field known: " + jsonReason(err))
			}
			s = redact.NewSubject(known)
			*knownRaw, *subj = string(k), s
		}
	}
	text := *in.Text
	spans := r.FindRecord([]string{text}, s)[0] // one line is one record: carry its rare redacted words
	c := redact.NewConsistency("")
	c.Know(s) // no surrogate may be a word of the record's known names
	red := r.Apply(text, spans, pol, c)
	ok := redactOK{ID: o.ID, Text: red, Spans: make([]redactOutSpan, len(spans))}
	for i, sp := range spans {
		ok.Spans[i] = redactOutSpan{Start: sp.Start, End: sp.End, Label: sp.Label, Source: sp.Source}
	}
	writeJSONLine(buf, ok)
	return true
}

// validID accepts a JSON string or number.
func validID(id json.RawMessage) bool {
	id = bytes.TrimSpace(id)
	if len(id) == 0 {
		return false
	}
	return id[0] == '"' || id[0] == '-' || (id[0] >= '0' && id[0] <= '9')
}

// jsonReason describes a decoding error without quoting the input.
func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		f := te.Field
		if f == "" {
			f = "(top level)"
		}
		return fmt.Sprintf("field %s must be %s, not JSON %s", f, te.Type, te.Value)
	}
	return "invalid JSON"
}

func writeJSONLine(buf *bytes.Buffer, v any) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only unencodable values fail here, and every field is a plain
		// string, number or raw JSON already validated.
		buf.WriteString(`{"error":"internal: output encoding failed"}` + "\n")
	}
}

// orderedLines runs work over the lines of in on n workers and calls emit
// with the results in input order (internal/ordered). Lines travel in
// batches (up to batchLines lines or batchBytes bytes, copied into one
// buffer), so that the channel hand-offs and goroutine wake-ups cost per
// batch, not per line: on short dialogue turns they otherwise dominate and
// the reader and writer become the serial part. Everything per line
// (decoding, redaction, encoding) happens in work, on the workers; work's
// line is valid only during the call, and its result must not point into
// it. At most 5n batches are in flight, so memory stays bounded. Each
// worker has its own state from newState (scratch buffers, a cached
// subject). Empty lines are skipped; a line longer than maxLine is skipped
// and reported through tooLong. orderedLines stops at the first emit or
// read error or when ctx is done.
func orderedLines[S, R any](ctx context.Context, in io.Reader, n int, newState func() S,
	work func(state S, lineNo int, line []byte) R, tooLong func(lineNo int) R, emit func(R) error) error {
	type entry struct {
		lineNo  int
		s, e    int // the line is buf[s:e]
		tooLong bool
	}
	type batch struct {
		buf     []byte
		entries []entry
		res     []R
	}
	p := ordered.Pool[batch, S]{
		Workers:  n,
		InFlight: 5 * n,
		NewState: newState,
		Work: func(st S, b *batch) {
			for _, en := range b.entries {
				if en.tooLong {
					b.res = append(b.res, tooLong(en.lineNo))
				} else {
					b.res = append(b.res, work(st, en.lineNo, b.buf[en.s:en.e:en.e]))
				}
			}
		},
		Consume: func(b *batch) error {
			for _, r := range b.res {
				if err := emit(r); err != nil {
					return fmt.Errorf("writing output: %w", err)
				}
			}
			return nil
		},
	}
	return p.Run(ctx, func(ctx context.Context, s *ordered.Sender[batch]) error {
		br := bufio.NewReaderSize(in, 1<<20)
		lineNo := 0
		var cur *batch
		for {
			if cur == nil {
				// A recycled batch keeps its buffers, unless a very long
				// line grew them past what a batch normally needs.
				if cur = s.Recycled(); cur == nil || cap(cur.buf) > 2*batchBytes {
					cur = &batch{buf: make([]byte, 0, batchBytes)}
				}
				clear(cur.res) // results are emitted: let them go
				cur.buf, cur.entries, cur.res = cur.buf[:0], cur.entries[:0], cur.res[:0]
			}
			line, tooLong, _, err := source.ReadLine(br, maxLine)
			if len(line) > 0 || err == nil || tooLong {
				lineNo++
			}
			st := len(cur.buf)
			switch {
			case tooLong:
				cur.entries = append(cur.entries, entry{lineNo: lineNo, s: st, e: st, tooLong: true})
			case len(bytes.TrimSpace(line)) > 0:
				// line is only valid until the next read: the batch keeps a copy.
				cur.buf = append(cur.buf, line...)
				cur.entries = append(cur.entries, entry{lineNo: lineNo, s: st, e: len(cur.buf)})
			}
			if err != nil || len(cur.entries) >= batchLines || len(cur.buf) >= batchBytes {
				if len(cur.entries) > 0 {
					if !s.Send(cur) {
						return ctx.Err()
					}
					cur = nil
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					return fmt.Errorf("reading input after line %d: %w", lineNo, err)
				}
				return nil
			}
		}
	})
}

// Batch bounds for orderedLines: large enough that a batch of short turns
// costs far more to redact than to hand over, small enough that n workers
// get work early and memory stays small.
const (
	batchLines = 64
	batchBytes = 256 << 10
)
