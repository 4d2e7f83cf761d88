package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/evaluate"
)

// cmdEval scores the redactor against a gold file of redact.Document lines
// (the `deid redact` input plus gold "spans"; extra span fields such as
// WNUT-17's char offsets are ignored, and "known" is optional). It prints
// per label the entity leak recall, token recall and precision and F1, the
// share of word tokens redacted, and the first misses. The misses quote the
// gold text: eval runs inside the organisation on gold data only.
func cmdEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gold := fs.String("gold", "", "gold JSON Lines file (required)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	misses := fs.Int("misses", 20, "how many misses to list (-1: all)")
	noNER := fs.Bool("no-ner", false, "run without the NER model")
	labels := fs.String("labels", "", "comma-separated labels to score (default: every label in the gold file)")
	keepCountries := fs.Bool("keep-countries", false, "leave country names in the text (as a profile may)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "number of redaction workers")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || *gold == "" || *workers < 1 {
		fmt.Fprintln(stderr, "deid eval: --gold FILE is required and takes no other arguments")
		fs.Usage()
		return exitUsage
	}
	labs, err := parseLabels(*labels)
	if err != nil {
		fmt.Fprintln(stderr, "deid eval:", err)
		return exitUsage
	}
	f, err := os.Open(*gold)
	if err != nil {
		fmt.Fprintf(stderr, "deid eval: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	r, err := newRedactor(nil, *keepCountries, *noNER)
	if err != nil {
		fmt.Fprintln(stderr, "deid eval:", err)
		return exitRun
	}
	sc := evaluate.NewScorer(evaluate.Options{Labels: labs, MaxMisses: *misses})
	type result struct {
		doc   redact.Document
		pred  []redact.Span
		errAt string
	}
	err = orderedLines(ctx, f, *workers,
		func() *struct{} { return nil },
		func(_ *struct{}, lineNo int, line []byte) result {
			var d redact.Document
			if err := json.Unmarshal(line, &d); err != nil {
				return result{errAt: fmt.Sprintf("%s line %d: %s", *gold, lineNo, jsonReason(err))}
			}
			var subj *redact.Subject
			if d.Known != nil {
				subj = redact.NewSubject(*d.Known)
			}
			return result{doc: d, pred: r.FindRecord([]string{d.Text}, subj)[0]}
		},
		func(lineNo int) result {
			return result{errAt: fmt.Sprintf("%s line %d: longer than %d bytes", *gold, lineNo, maxLine)}
		},
		func(res result) error {
			if res.errAt != "" {
				return fmt.Errorf("%s", res.errAt)
			}
			sc.Add(res.doc, res.pred)
			return nil
		})
	if err != nil {
		fmt.Fprintln(stderr, "deid eval:", err)
		return exitRun
	}
	rep := sc.Report()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "deid eval:", err)
			return exitRun
		}
		return exitOK
	}
	if err := rep.WriteTable(stdout); err != nil {
		fmt.Fprintln(stderr, "deid eval:", err)
		return exitRun
	}
	return exitOK
}
