package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/nhs-talking-therapies/deid/fixtures/synth"
)

func cmdSynth(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opt synth.Options
	fs.IntVar(&opt.Patients, "patients", 300, "number of patients (ignored with --text-mb)")
	fs.Float64Var(&opt.TextMB, "text-mb", 0, "generate until this many MB of free text are written (benchmark snapshots)")
	fs.Int64Var(&opt.Seed, "seed", 1, "random seed; the same seed gives byte-identical files (seeds >= 1000000 are reserved for NER training)")
	fs.StringVar(&opt.OutDir, "out", "", "output directory (required)")
	noGold := fs.Bool("no-gold", false, "do not write gold.jsonl (faster for very large snapshots)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if opt.OutDir == "" || fs.NArg() > 0 || opt.Patients < 1 && opt.TextMB <= 0 {
		fmt.Fprintln(stderr, "deid synth: --out is required, with --patients N >= 1 or --text-mb M > 0")
		return exitUsage
	}
	opt.Gold = !*noGold
	st, err := synth.Generate(ctx, opt)
	if err != nil {
		fmt.Fprintln(stderr, "deid synth:", err)
		return exitRun
	}
	fmt.Fprintf(stdout, "synthetic snapshot written to %s: %d patients, %d sessions, %d transcript turns, %d messages, %d notes, %d questionnaires, %d opt-outs, %.1f MB of free text, %d gold spans\n",
		opt.OutDir, st.Patients, st.Sessions, st.Transcripts, st.Messages, st.Notes, st.Questionnaires, st.OptOuts, float64(st.TextBytes)/1e6, st.GoldSpans)
	return exitOK
}
