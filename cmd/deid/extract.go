package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"sort"

	"go.uber.org/zap"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/pipeline/deliver"
)

func cmdExtract(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profile := fs.String("profile", "", "profile YAML (required)")
	in := fs.String("in", "", "source snapshot directory (required)")
	out := fs.String("out", "", "output directory, the extract is written to OUT/<extract-id>; or azblob://container/prefix (required)")
	id := fs.String("id", "", "extract id (folder name); default the profile name")
	internal := fs.String("internal", "", "folder for the internal audit, quarantine and timings; default OUT/<extract-id>.internal")
	maxBad := fs.Int("max-bad", -1, "fail the run when more than N records are quarantined (-1: no limit)")
	workers := fs.Int("workers", 0, "redaction workers (default: all cores)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (pprof) of the run to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile (pprof) at the end of the run to this file")
	memLimit := fs.Int("memory-limit", 0, "soft memory limit in MiB for the Go heap (0: none); the GC works harder near it")
	var lf logFlags
	lf.register(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *profile == "" || *in == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "deid extract: --profile, --in and --out are required")
		fs.Usage()
		return exitUsage
	}
	// --id names a folder: checked before anything is read, and never
	// echoed (the reason does not repeat it).
	if *id != "" {
		if err := pipeline.CheckName(*id); err != nil {
			fmt.Fprintln(stderr, "deid extract: --id:", err)
			return exitUsage
		}
	}
	log, err := lf.logger(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "deid extract:", err)
		return exitUsage
	}
	defer log.Sync() //nolint:errcheck // nothing useful to do if stderr fails
	prof, err := pipeline.LoadProfile(*profile)
	if err != nil {
		fmt.Fprintln(stderr, "deid extract:", err)
		return exitUsage
	}
	// Keys are checked before any data is read; a missing or short key is a
	// usage problem, not a failed run.
	if _, _, err := prof.LoadKeys(); err != nil {
		fmt.Fprintln(stderr, "deid extract:", err)
		return exitUsage
	}
	if *memLimit > 0 {
		// Free text streams in bounded batches, so live memory is small; the
		// limit stops the garbage collector from letting the heap double
		// past it between cycles.
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "deid extract: --cpuprofile:", err)
			return exitUsage
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "deid extract: --cpuprofile:", err)
			return exitRun
		}
		defer pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		defer func() {
			if f, err := os.Create(*memProfile); err == nil {
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}()
	}
	// A remote destination is written locally first, then published with
	// the manifest last, so a partial upload never looks complete.
	localOut, remote := *out, deliver.IsRemote(*out)
	if remote {
		if _, err := deliver.ParseDest(*out); err != nil {
			fmt.Fprintln(stderr, "deid extract: --out:", err)
			return exitUsage
		}
		if os.Getenv(deliver.ConnectionStringEnv) == "" {
			fmt.Fprintf(stderr, "deid extract: --out %s needs the connection string in %s\n", deliver.Scheme, deliver.ConnectionStringEnv)
			return exitUsage
		}
		tmp, err := os.MkdirTemp("", "deid-extract-")
		if err != nil {
			fmt.Fprintln(stderr, "deid extract:", err)
			return exitRun
		}
		defer os.RemoveAll(tmp)
		localOut = tmp
		if *internal == "" {
			extractID := *id
			if extractID == "" {
				extractID = prof.Name
			}
			*internal = extractID + ".internal" // kept locally, in the working directory
		}
	}
	res, err := pipeline.Extract(ctx, pipeline.Options{
		Profile: prof, In: *in, Out: localOut, ExtractID: *id, InternalDir: *internal,
		MaxBad: *maxBad, Workers: *workers, Version: version, Log: log,
	})
	if err == nil && remote {
		log.Info("publishing", zap.String("destination", *out))
		if err = deliver.Publish(ctx, res.Dir, *out); err == nil {
			res.Dir = *out
		}
	}
	if err != nil {
		log.Error("extract failed", zap.Error(err))
		fmt.Fprintln(stderr, "deid extract:", err)
		if errors.Is(err, pipeline.ErrUsage) {
			return exitUsage
		}
		return exitRun
	}
	printSummary(stdout, res)
	return exitOK
}

// printSummary is the human end-of-run report on stdout.
func printSummary(w io.Writer, res *pipeline.Result) {
	r := res.Report
	fmt.Fprintf(w, "extract %s written to %s\n", r.Extract, res.Dir)
	fmt.Fprintf(w, "internal audit and quarantine: %s\n\n", res.InternalDir)
	fmt.Fprintf(w, "%-15s %9s %9s %9s %11s\n", "record type", "in", "written", "excluded", "quarantined")
	for _, t := range pipeline.RecordTypes() {
		c := r.Records[t]
		ex := 0
		for _, n := range c.Excluded {
			ex += n
		}
		fmt.Fprintf(w, "%-15s %9d %9d %9d %11d\n", t, c.In, c.Written, ex, c.Quarantined)
	}
	fmt.Fprintln(w, "\nrows per dataset:")
	for _, f := range res.Manifest.Files {
		if f.Dataset != "" {
			fmt.Fprintf(w, "  %-45s %9d rows\n", filepath.ToSlash(f.Path), f.Rows)
		}
	}
	if len(r.Redactions) > 0 {
		labels := make([]string, 0, len(r.Redactions))
		for l := range r.Redactions {
			labels = append(labels, l)
		}
		sort.Strings(labels)
		fmt.Fprintln(w, "\nredactions by label:")
		for _, l := range labels {
			fmt.Fprintf(w, "  %-12s %9d\n", l, r.Redactions[l])
		}
	}
	fmt.Fprintf(w, "\nopted out: %d patients excluded (National Data Opt-out applied: %v, research opt-out applied: %v)\n",
		r.OptOuts.PatientsExcluded, r.OptOuts.NationalDataOptOutApplied, r.OptOuts.ResearchOptOutApplied)
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	fmt.Fprintf(w, "took %.1fs\n", res.Timings["total"])
}
