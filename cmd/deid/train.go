package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nhs-talking-therapies/deid/fixtures/synth"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/ner"
)

// minTrainSeed is the first generator seed reserved for training: seeds
// below it are held out for evaluation (fixtures/synth).
const minTrainSeed = 1_000_000

// corpusFlags collects repeated --corpus SOURCE=PATH flags in order.
type corpusFlags []corpusArg

type corpusArg struct{ source, path string }

func (c *corpusFlags) String() string {
	parts := make([]string, len(*c))
	for i, a := range *c {
		parts[i] = a.source + "=" + a.path
	}
	return strings.Join(parts, ",")
}

// Set takes SOURCE=PATH, or a bare PATH whose file name (without
// extension) then names the source.
func (c *corpusFlags) Set(v string) error {
	src, path, ok := strings.Cut(v, "=")
	if !ok {
		path = v
		src = strings.TrimSuffix(filepath.Base(v), filepath.Ext(v))
	}
	if src == "" || path == "" {
		return errors.New("want SOURCE=PATH")
	}
	*c = append(*c, corpusArg{src, path})
	return nil
}

// cmdTrain trains the NER model (package redact/ner) from labelled corpora
// and synthetic therapy dialogue, and writes it where go:embed picks it up.
// `make model` runs it with the committed settings.
func cmdTrain(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var corpora corpusFlags
	fs.Var(&corpora, "corpus", "labelled corpus `SOURCE=PATH` (JSON Lines with byte-offset spans; PERSON and LOCATION kept, other labels train as outside); repeat for more. The operating point weighs every SOURCE the same")
	lowerShare := fs.Float64("lower-share", 1, "share of the labelled examples with capitals that are also trained lower-cased (0..1; chosen by a hash of the text, so deterministic)")
	synthPatients := fs.Int("synth-patients", 400, "synthetic patients whose dialogue is added (0: none)")
	synthSeed := fs.Int64("synth-seed", minTrainSeed, "generator seed for the synthetic dialogue (>= 1000000; lower seeds are held out)")
	out := fs.String("out", "redact/ner/model.bin", "model file to write")
	epochs := fs.Int("epochs", 10, "training epochs")
	seed := fs.Int64("seed", 1, "shuffling seed")
	bits := fs.Int("bits", 18, "log2 of the feature hash buckets")
	beta := fs.Float64("beta", 2, "recall weight (F-beta) when tuning the decision threshold")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || *out == "" || *epochs < 1 || *synthPatients < 0 || *lowerShare < 0 || *lowerShare > 1 {
		fmt.Fprintln(stderr, "deid train: unexpected arguments")
		fs.Usage()
		return exitUsage
	}
	if *synthPatients > 0 && *synthSeed < minTrainSeed {
		fmt.Fprintf(stderr, "deid train: --synth-seed must be >= %d (lower seeds are held out for evaluation)\n", minTrainSeed)
		fs.Usage()
		return exitUsage
	}
	start := time.Now()
	var examples []ner.Example
	for _, c := range corpora {
		ex, err := loadLabelled(c.path, c.source)
		if err != nil {
			fmt.Fprintln(stderr, "deid train:", err)
			return exitRun
		}
		fmt.Fprintf(stdout, "%s: %d examples, %s from %s\n", c.source, len(ex), spanCounts(ex), filepath.Base(c.path))
		examples = append(examples, ex...)
	}
	if *synthPatients > 0 {
		ex := synthExamples(synth.Docs(*synthSeed, *synthPatients))
		fmt.Fprintf(stdout, "synthetic: %d examples, %s (seed %d, %d patients)\n", len(ex), spanCounts(ex), *synthSeed, *synthPatients)
		examples = append(examples, ex...)
	}
	if len(examples) == 0 {
		fmt.Fprintln(stderr, "deid train: no training examples")
		return exitUsage
	}
	opt := ner.TrainOptions{Epochs: *epochs, Seed: *seed, Bits: *bits, Beta: *beta, LowerShare: *lowerShare, NoLowerCopies: *lowerShare == 0,
		Progress: func(epoch, mistakes int) {
			fmt.Fprintf(stdout, "epoch %d: %d examples mistagged\n", epoch, mistakes)
		}}
	m, err := ner.Train(ctx, examples, opt)
	if err != nil {
		fmt.Fprintln(stderr, "deid train:", err)
		return exitRun
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		fmt.Fprintln(stderr, "deid train:", err)
		return exitRun
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		fmt.Fprintln(stderr, "deid train:", err)
		return exitRun
	}
	in := m.Info()
	fmt.Fprintf(stdout, "model: %s, %d bytes, sha256 %x\n", *out, buf.Len(), sha256.Sum256(buf.Bytes()))
	fmt.Fprintf(stdout, "weights: 2^%d buckets (%d non-zero), %d lexicon entries (%d common words), O bias %.3f, platt a=%.4f b=%.4f\n",
		in.Bits, in.NonZero, in.LexiconEntries, in.CommonWords, in.OBias, in.PlattA, in.PlattB)
	fmt.Fprintf(stdout, "trained on %d examples in %s\n", len(examples), time.Since(start).Round(time.Millisecond))
	return exitOK
}

// spanCounts summarises the PERSON and LOCATION spans of examples.
func spanCounts(ex []ner.Example) string {
	var per, loc int
	for _, e := range ex {
		for _, s := range e.Spans {
			switch s.Label {
			case ner.Person:
				per++
			case ner.Location:
				loc++
			}
		}
	}
	return fmt.Sprintf("%d PERSON, %d LOCATION spans", per, loc)
}

// synthExamples keeps the PERSON and LOCATION gold spans of generated
// documents.
func synthExamples(docs []redact.Document) []ner.Example {
	out := make([]ner.Example, 0, len(docs))
	for _, d := range docs {
		ex := ner.Example{Text: d.Text, Source: "synth"}
		for _, s := range d.Spans {
			if s.Label == redact.Person || s.Label == redact.Location {
				ex.Spans = append(ex.Spans, ner.Entity{Start: s.Start, End: s.End, Label: string(s.Label)})
			}
		}
		out = append(out, ex)
	}
	return out
}

// loadLabelled reads JSON Lines {"text", "spans": [{"start","end","label"}]}
// keeping PERSON and LOCATION spans. Errors name the file and line only.
func loadLabelled(path, source string) ([]ner.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open training data: %w", err)
	}
	defer f.Close()
	type span struct {
		Start int    `json:"start"`
		End   int    `json:"end"`
		Label string `json:"label"`
	}
	type doc struct {
		Text  string `json:"text"`
		Spans []span `json:"spans"`
	}
	var out []ner.Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var d doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("%s:%d: not a JSON document", path, line)
		}
		ex := ner.Example{Text: d.Text, Source: source}
		for _, s := range d.Spans {
			if s.Label != ner.Person && s.Label != ner.Location {
				continue
			}
			if s.Start < 0 || s.End > len(d.Text) || s.Start >= s.End {
				return nil, fmt.Errorf("%s:%d: span offsets out of range", path, line)
			}
			ex.Spans = append(ex.Spans, ner.Entity{Start: s.Start, End: s.End, Label: s.Label})
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, line, err)
	}
	return out, nil
}

// writeFileAtomic writes data to path via a temporary file and a rename, so
// an interrupted run never leaves a truncated model behind.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".model-*.tmp")
	if err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	_, werr := tmp.Write(data)
	perr := tmp.Chmod(0o644) // a committed file, readable like the rest of the tree
	cerr := tmp.Close()
	if err := errors.Join(werr, perr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write model: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}
