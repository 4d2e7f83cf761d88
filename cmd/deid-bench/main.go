// Command deid-bench is the harness behind `make bench`: it measures one
// extract's throughput, scaling and peak memory on synthetic snapshots of
// given sizes, and, on the same input, a plain copy (the same extract with a
// redactor that finds nothing) and the redactor alone, so that overheads
// read as ratios.
//
//	deid-bench [--sizes 100,1000] [--cores 1,2] [--repeat 1] [--deid bin/deid] [--dir build/bench]
//	deid-bench redact-scaling [--turns FILE] [--lines 100000] [--repeat 3] (see scaling.go)
//
// For each size it generates (or reuses, when its stamp matches) a snapshot
// with `deid synth --text-mb SIZE --no-gold`, then runs `deid extract` with
// the university profile as a child process once per core count
// (GOMAXPROCS=N, --workers N), taking wall time, CPU time and peak RSS from
// the child's rusage. The copy and the redactor-alone runs are this binary
// re-executed in a hidden child mode, on one core, so their memory and CPU
// are measured the same way. With --repeat N every size is measured in N
// rounds and each run keeps its fastest time (a slower round measures the
// machine's drift, not deid) and its highest peak RSS.
//
// The last line printed is machine-readable:
//
//	bench: mb_s_per_core=<x> scaling_2c=<x> overhead=<x> rss_mb_1g=<x> rss_mb_100m=<x> copy_mb_s=<x>
//
// where every figure is of the largest snapshot except rss_mb_100m (the
// smallest): mb_s_per_core is free text redacted per second of wall time per
// core, the worse of the core counts; scaling_2c is 1-core wall time over
// 2-core wall time; overhead is the 1-core extract's wall time over the
// redactor-alone time per MB of the same text; rss_mb_* are the highest peak
// RSS over the core counts.
//
// The data is synthetic and the keys fixed: nothing here is secret.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nhs-talking-therapies/deid/fixtures/synth"
	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/source"
)

// Fixed bench keys: the snapshots are synthetic, and a fixed key keeps the
// runs comparable (research ids, and so Parquet dictionary sizes, are the
// same every time).
var (
	benchKey       = hex.EncodeToString([]byte("deid bench key: synthetic data only, never real data"))
	benchOutputKey = hex.EncodeToString([]byte("deid bench output key, synthetic"))
)

// childResult is what a hidden child mode prints on stdout.
type childResult struct {
	Seconds   float64 `json:"seconds"`    // the timed work only
	TextBytes int64   `json:"text_bytes"` // free text processed
	Records   int64   `json:"records"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "deid-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "child-extract":
			return childExtract(ctx, args[1:], stdout)
		case "child-redact":
			return childRedact(ctx, args[1:], stdout)
		case "redact-scaling":
			return redactScaling(ctx, args[1:], stdout)
		}
	}
	fs := flag.NewFlagSet("deid-bench", flag.ContinueOnError)
	var o options
	sizes := fs.String("sizes", "100,1000", "snapshot sizes, MB of free text, comma-separated")
	cores := fs.String("cores", "1,2", "core counts (GOMAXPROCS and --workers), comma-separated")
	fs.StringVar(&o.deid, "deid", "bin/deid", "the deid binary to measure")
	fs.StringVar(&o.dir, "dir", "build/bench", "folder for snapshots, outputs and logs")
	fs.StringVar(&o.profile, "profile", "fixtures/profiles/university.yaml", "extract profile")
	fs.Int64Var(&o.seed, "seed", 2024, "synthetic snapshot seed")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "also profile one 1-core extract of the smallest snapshot in-process, write the CPU profile here and print its top functions")
	fs.BoolVar(&o.keep, "keep", false, "keep the extracts written (they are removed after measuring)")
	fs.IntVar(&o.repeat, "repeat", 1, "measure each size this many times, in rounds, and keep each run's fastest wall time and its highest peak RSS (this machine's speed drifts by 5 to 15% over minutes)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if o.sizes, err = parseList(*sizes); err != nil {
		return fmt.Errorf("--sizes: %w", err)
	}
	if o.cores, err = parseList(*cores); err != nil {
		return fmt.Errorf("--cores: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.repeat < 1 {
		return fmt.Errorf("--repeat %d: want 1 or more", o.repeat)
	}
	if o.self, err = os.Executable(); err != nil {
		return err
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	return bench(ctx, o, stdout)
}

type options struct {
	sizes, cores []float64
	deid, dir    string
	profile      string
	seed         int64
	cpuprofile   string
	keep         bool
	repeat       int
	self         string
}

func parseList(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, v)
	}
	sort.Float64s(out)
	return out, nil
}

// measurement is one child process's figures.
type measurement struct {
	wall, cpu float64 // seconds
	rssMB     float64 // peak resident set
	child     childResult
}

// extractRun is one `deid extract` run.
type extractRun struct {
	cores   int
	textMB  float64
	records int64
	m       measurement
}

type sizeResult struct {
	sizeMB   float64
	runs     []extractRun
	copy     measurement
	red      measurement
	copyMB   float64
	redMB    float64
	snapshot string
}

func bench(ctx context.Context, o options, w io.Writer) error {
	var results []sizeResult
	for _, size := range o.sizes {
		snap, err := ensureSnapshot(ctx, o, size)
		if err != nil {
			return err
		}
		var sr sizeResult
		for round := 0; round < o.repeat; round++ {
			r, err := measureSize(ctx, o, snap, size)
			if err != nil {
				return err
			}
			if round == 0 {
				sr = r
			} else {
				sr.keepBest(r)
			}
		}
		results = append(results, sr)
	}
	if o.cpuprofile != "" {
		if err := profileExtract(ctx, o, results[0].snapshot, w); err != nil {
			return err
		}
	}
	printTable(w, o, results)
	return nil
}

// measureSize runs one round on a snapshot: the extract on each core
// count, the plain copy and the redactor alone.
func measureSize(ctx context.Context, o options, snap string, size float64) (sizeResult, error) {
	sr := sizeResult{sizeMB: size, snapshot: snap}
	for _, c := range o.cores {
		r, err := runExtract(ctx, o, snap, size, int(c))
		if err != nil {
			return sr, err
		}
		fmt.Fprintf(os.Stderr, "deid-bench: %g MB on %d core(s): %.1fs, %.0f MB peak RSS\n", size, r.cores, r.m.wall, r.m.rssMB)
		sr.runs = append(sr.runs, r)
	}
	var err error
	out := filepath.Join(o.dir, "out", fmt.Sprintf("%gmb-copy", size))
	if sr.copy, err = runChild(ctx, o, filepath.Join(o.dir, fmt.Sprintf("copy-%gmb.log", size)), 1,
		"child-extract", "--in", snap, "--out", out, "--profile", o.profile, "--redactor", "none"); err != nil {
		return sr, fmt.Errorf("plain copy of %g MB: %w", size, err)
	}
	if !o.keep {
		_ = os.RemoveAll(out)
	}
	sr.copyMB = float64(sr.copy.child.TextBytes) / 1e6
	fmt.Fprintf(os.Stderr, "deid-bench: %g MB plain copy: %.1fs\n", size, sr.copy.wall)
	if sr.red, err = runChild(ctx, o, filepath.Join(o.dir, fmt.Sprintf("redact-%gmb.log", size)), 1,
		"child-redact", "--in", snap, "--profile", o.profile); err != nil {
		return sr, fmt.Errorf("redactor alone on %g MB: %w", size, err)
	}
	sr.redMB = float64(sr.red.child.TextBytes) / 1e6
	fmt.Fprintf(os.Stderr, "deid-bench: %g MB redactor alone: %.1fs\n", size, sr.red.child.Seconds)
	return sr, nil
}

// keepBest merges another round: each run keeps its fastest time, since
// a slower repeat measures the machine, not deid, and its highest peak
// RSS, since memory is a bound to hold on every run.
func (sr *sizeResult) keepBest(r sizeResult) {
	for i := range sr.runs {
		rss := max(sr.runs[i].m.rssMB, r.runs[i].m.rssMB)
		if r.runs[i].m.wall < sr.runs[i].m.wall {
			sr.runs[i] = r.runs[i]
		}
		sr.runs[i].m.rssMB = rss
	}
	rss := max(sr.copy.rssMB, r.copy.rssMB)
	if r.copy.wall < sr.copy.wall {
		sr.copy = r.copy
	}
	sr.copy.rssMB = rss
	if r.red.child.Seconds < sr.red.child.Seconds {
		sr.red = r.red
	}
}

// ensureSnapshot generates the snapshot of a size unless one with a
// matching stamp is there. The stamp names the generator's options and
// version, so a changed generator makes a new snapshot while a change
// elsewhere in deid reuses the (1 GB: several minutes to make) old one.
func ensureSnapshot(ctx context.Context, o options, size float64) (string, error) {
	dir := filepath.Join(o.dir, fmt.Sprintf("snapshot-%gmb", size))
	stamp := fmt.Sprintf("deid synth --text-mb %g --seed %d --no-gold\ngenerator %d\n", size, o.seed, synth.GeneratorVersion)
	stampFile := filepath.Join(o.dir, fmt.Sprintf("snapshot-%gmb.stamp", size))
	if b, err := os.ReadFile(stampFile); err == nil && string(b) == stamp {
		return dir, nil
	}
	_ = os.Remove(stampFile)
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "deid-bench: generating a %g MB snapshot in %s\n", size, dir)
	cmd := exec.CommandContext(ctx, o.deid, "synth", "--text-mb", fmt.Sprint(size), "--seed", fmt.Sprint(o.seed), "--out", dir, "--no-gold")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("deid synth: %w", err)
	}
	fmt.Fprint(os.Stderr, "deid-bench: ", string(out))
	return dir, os.WriteFile(stampFile, []byte(stamp), 0o644)
}

func runExtract(ctx context.Context, o options, snap string, size float64, cores int) (extractRun, error) {
	out := filepath.Join(o.dir, "out", fmt.Sprintf("%gmb-%dc", size, cores))
	if err := os.RemoveAll(out); err != nil {
		return extractRun{}, err
	}
	logPath := filepath.Join(o.dir, fmt.Sprintf("extract-%gmb-%dc.log", size, cores))
	cmd := exec.CommandContext(ctx, o.deid, "extract", "--profile", o.profile, "--in", snap, "--out", out,
		"--id", "bench", "--workers", strconv.Itoa(cores))
	m, err := measure(cmd, logPath, cores)
	if err != nil {
		return extractRun{}, fmt.Errorf("deid extract, %g MB on %d core(s): %w (log: %s)", size, cores, err, logPath)
	}
	r := extractRun{cores: cores, m: m}
	var timings map[string]float64
	if err := readJSON(filepath.Join(out, "bench.internal", "timings.json"), &timings); err != nil {
		return r, err
	}
	r.textMB = timings["text_mb"]
	var report struct {
		Records map[string]struct {
			In int64 `json:"in"`
		} `json:"records"`
	}
	// Records read are counted in the internal report only: the partner's
	// carries no counts that opted-out records are part of.
	if err := readJSON(filepath.Join(out, "bench.internal", "report.json"), &report); err != nil {
		return r, err
	}
	for _, c := range report.Records {
		r.records += c.In
	}
	if !o.keep {
		_ = os.RemoveAll(out)
	}
	return r, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// runChild re-executes this binary in a hidden child mode and reads the
// result it prints.
func runChild(ctx context.Context, o options, logPath string, cores int, args ...string) (measurement, error) {
	cmd := exec.CommandContext(ctx, o.self, args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	m, err := measure(cmd, logPath, cores)
	if err != nil {
		return m, fmt.Errorf("%w (log: %s)", err, logPath)
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &m.child); err != nil {
		return m, fmt.Errorf("child result: %w", err)
	}
	return m, nil
}

// measure runs cmd with the bench keys and GOMAXPROCS=cores, its stderr
// (and stdout, unless captured) to logPath, and returns wall time and the
// child's own CPU time and peak RSS from its rusage.
func measure(cmd *exec.Cmd, logPath string, cores int) (measurement, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return measurement{}, err
	}
	defer logf.Close()
	cmd.Stderr = logf
	if cmd.Stdout == nil {
		cmd.Stdout = logf
	}
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(cores), "DEID_KEY="+benchKey, "DEID_OUTPUT_KEY="+benchOutputKey)
	t0 := time.Now()
	err = cmd.Run()
	m := measurement{wall: time.Since(t0).Seconds()}
	if err != nil {
		return m, err
	}
	m.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	m.rssMB = peakRSSMB(cmd.ProcessState)
	return m, nil
}

// loadProfile loads the profile with the bench keys in the environment.
func loadProfile(path string) (*pipeline.Profile, error) {
	for k, v := range map[string]string{"DEID_KEY": benchKey, "DEID_OUTPUT_KEY": benchOutputKey} {
		if os.Getenv(k) == "" {
			if err := os.Setenv(k, v); err != nil {
				return nil, err
			}
		}
	}
	return pipeline.LoadProfile(path)
}

// childExtract runs one extract in-process: with the profile's redactor
// (for a CPU profile) or with none, the plain copy: the same read, decode,
// pseudonymise, shape and Parquet write (and encryption), and no
// recognizer. The zero redact.Redactor has no recognizers, so it finds
// nothing and every text is copied as it is.
func childExtract(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("child-extract", flag.ContinueOnError)
	in := fs.String("in", "", "snapshot")
	out := fs.String("out", "", "output folder")
	profile := fs.String("profile", "", "profile")
	which := fs.String("redactor", "profile", "profile or none")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the extract here")
	memprofile := fs.String("memprofile", "", "write a heap profile here, taken when the live heap peaks")
	memLimit := fs.Int("memory-limit", 0, "soft Go memory limit in MiB, as deid extract --memory-limit (0: none)")
	memTrace := fs.String("memtrace", "", "write RSS and the Go runtime's memory classes here every 100 ms (for finding what a peak is)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := loadProfile(*profile)
	if err != nil {
		return err
	}
	opt := pipeline.Options{Profile: p, In: *in, Out: *out, ExtractID: "bench", MaxBad: -1, Version: "bench"}
	switch *which {
	case "none":
		opt.Redactor = &redact.Redactor{}
	case "profile":
	default:
		return fmt.Errorf("--redactor %q: want profile or none", *which)
	}
	if err := os.RemoveAll(*out); err != nil {
		return err
	}
	if *memLimit > 0 {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	stopProfile, err := startCPUProfile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	if *memprofile != "" {
		stop := sampleEvery(200*time.Millisecond, heapAtPeak(*memprofile))
		defer stop()
	}
	if *memTrace != "" {
		tr, err := newMemTrace(*memTrace)
		if err != nil {
			return err
		}
		stop := sampleEvery(100*time.Millisecond, tr.sample)
		defer func() { stop(); tr.Close() }()
	}
	t0 := time.Now()
	res, err := pipeline.Extract(ctx, opt)
	if err != nil {
		return err
	}
	r := childResult{Seconds: time.Since(t0).Seconds(), TextBytes: int64(res.Timings["text_mb"] * 1e6)}
	for _, c := range res.Report.Records {
		r.Records += int64(c.In)
	}
	return json.NewEncoder(stdout).Encode(r)
}

// sampleEvery calls sample every interval in a goroutine of its own
// until the returned stop is called; stop waits for the goroutine and
// returns the first error sample gave (which also ends the sampling).
func sampleEvery(interval time.Duration, sample func() error) (stop func() error) {
	quit := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-quit:
				done <- nil
				return
			case <-t.C:
			}
			if err := sample(); err != nil {
				done <- err
				return
			}
		}
	}()
	return func() error { close(quit); return <-done }
}

// heapAtPeak returns a sample that rewrites the heap profile at path
// whenever the live heap reaches a new high, so the profile shows what
// holds memory at the peak rather than at the end.
func heapAtPeak(path string) func() error {
	var peak uint64
	return func() error {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc <= peak+peak/20 {
			return nil
		}
		peak = ms.HeapAlloc
		return writeHeapProfile(path)
	}
}

// memTrace writes, per sample, the process's resident set (anonymous and
// file-backed, from /proc/self/status) beside the Go heap's in-use,
// idle-but-kept and stack memory, so that a peak of RSS can be told apart
// from a peak of the heap.
type memTrace struct {
	f  *os.File
	w  *bufio.Writer
	t0 time.Time
}

func newMemTrace(path string) (*memTrace, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &memTrace{f: f, w: bufio.NewWriter(f), t0: time.Now()}, nil
}

func (m *memTrace) sample() error {
	status, _ := os.ReadFile("/proc/self/status")
	var anon, file string
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "RssAnon:"); ok {
			anon = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
		} else if v, ok := strings.CutPrefix(l, "RssFile:"); ok {
			file = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	_, err := fmt.Fprintf(m.w, "%.1f anon_kb=%s file_kb=%s heap_inuse_mb=%d heap_kept_idle_mb=%d heap_sys_mb=%d stack_mb=%d other_mb=%d\n",
		time.Since(m.t0).Seconds(), anon, file, ms.HeapInuse>>20, (ms.HeapIdle-ms.HeapReleased)>>20, ms.HeapSys>>20, ms.StackSys>>20,
		(ms.MSpanSys+ms.MCacheSys+ms.BuckHashSys+ms.OtherSys+ms.GCSys)>>20)
	return err
}

func (m *memTrace) Close() error {
	err := m.w.Flush()
	if cerr := m.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// startCPUProfile profiles the process into path until the returned
// function is called; with path empty it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = pprof.Lookup("heap").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// childRedact times the redactor alone on the free text the extract
// redacts: every transcript turn, message and note of a patient the
// profile's opt-outs keep, with that patient's known identifiers (the
// record's, plus their therapists' names), through the profile's
// recognizers and operators. Only Find and Apply are timed; texts are read
// in chunks first so that reading and decoding JSON stays outside the
// clock.
func childRedact(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("child-redact", flag.ContinueOnError)
	in := fs.String("in", "", "snapshot")
	profile := fs.String("profile", "", "profile")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run here (reading included; compare the Find subtree)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := loadProfile(*profile)
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	red, err := pipeline.NewRedactor(p)
	if err != nil {
		return err
	}
	pol := redact.Policy{Default: redact.Operator(p.Redaction.Operator), ByLabel: map[redact.Label]redact.Operator{},
		SurrogateKey: []byte("deid-bench surrogate key")}
	for l, op := range p.Redaction.Operators {
		pol.ByLabel[redact.Label(l)] = redact.Operator(op)
	}

	optedOut := map[string]bool{}
	if err := eachLine(ctx, filepath.Join(*in, "opt_outs.jsonl"), func(b []byte) error {
		var o source.OptOut
		if json.Unmarshal(b, &o) == nil {
			optedOut[digits(o.NHSNumber)] = true
		}
		return nil
	}); err != nil {
		return err
	}
	type patient struct {
		known   redact.Known
		subject *redact.Subject
		cons    *redact.Consistency
	}
	patients := map[string]*patient{}
	if err := eachLine(ctx, filepath.Join(*in, "patients.jsonl"), func(b []byte) error {
		var pt source.Patient
		if json.Unmarshal(b, &pt) != nil {
			return nil
		}
		if (*p.OptOuts.NationalDataOptOut && optedOut[digits(pt.NHSNumber)]) || (*p.OptOuts.ResearchOptOut && pt.ResearchOptOut) {
			return nil
		}
		patients[pt.PatientID] = &patient{known: pt.Known()}
		return nil
	}); err != nil {
		return err
	}
	sessions := map[string]*patient{}
	if err := eachLine(ctx, filepath.Join(*in, "sessions.jsonl"), func(b []byte) error {
		var s source.Session
		if json.Unmarshal(b, &s) != nil {
			return nil
		}
		if pt := patients[s.PatientID]; pt != nil {
			sessions[s.SessionID] = pt
			if s.TherapistName != "" && !containsFold(pt.known.TherapistNames, s.TherapistName) {
				pt.known.TherapistNames = append(pt.known.TherapistNames, s.TherapistName)
			}
		}
		return nil
	}); err != nil {
		return err
	}

	type item struct {
		p    *patient
		text string
	}
	var chunk []item
	var chunkBytes int
	var res childResult
	var timed time.Duration
	// Compiled subjects are kept for the most recent patients only, as the
	// pipeline does, so that a large heap of them does not slow this side
	// of the comparison with garbage collection the extract does not pay.
	const keepSubjects = 4096
	var recent []*patient
	redactChunk := func() {
		t0 := time.Now()
		for _, it := range chunk {
			if it.p.subject == nil {
				it.p.subject = redact.NewSubject(it.p.known)
				if len(recent) == keepSubjects {
					recent[0].subject = nil
					recent = recent[1:]
				}
				recent = append(recent, it.p)
			}
			if it.p.cons == nil {
				it.p.cons = redact.NewConsistency("bench")
			}
			it.p.cons.Know(it.p.subject)
			spans := red.Find(it.text, it.p.subject)
			_ = red.Apply(it.text, spans, pol, it.p.cons)
			it.p.cons.Know(nil)
		}
		timed += time.Since(t0)
		chunk, chunkBytes = chunk[:0], 0
	}
	add := func(pt *patient, text string) {
		if pt == nil {
			return
		}
		chunk = append(chunk, item{pt, text})
		chunkBytes += len(text)
		res.TextBytes += int64(len(text))
		res.Records++
		if chunkBytes >= 32<<20 {
			redactChunk()
		}
	}
	var rec struct {
		SessionID string `json:"session_id"`
		PatientID string `json:"patient_id"`
		Text      string `json:"text"`
	}
	for _, kind := range []string{"transcripts", "messages", "notes"} {
		if err := eachLine(ctx, filepath.Join(*in, kind+".jsonl"), func(b []byte) error {
			rec.SessionID, rec.PatientID, rec.Text = "", "", ""
			if json.Unmarshal(b, &rec) != nil {
				return nil
			}
			if rec.PatientID != "" {
				add(patients[rec.PatientID], rec.Text)
			} else {
				add(sessions[rec.SessionID], rec.Text)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	redactChunk()
	res.Seconds = timed.Seconds()
	return json.NewEncoder(stdout).Encode(res)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// eachLine calls fn with every non-blank line of a JSON Lines file; a
// missing file has no lines.
func eachLine(ctx context.Context, path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), source.MaxLineBytes+1)
	for n := 0; sc.Scan(); n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// profileExtract profiles one 1-core extract in-process and prints the
// profile's top functions (go tool pprof -top), for the closing note's
// "where the time goes".
func profileExtract(ctx context.Context, o options, snap string, w io.Writer) error {
	out := filepath.Join(o.dir, "out", "profiled")
	if _, err := runChild(ctx, o, filepath.Join(o.dir, "profiled-extract.log"), 1,
		"child-extract", "--in", snap, "--out", out, "--profile", o.profile, "--cpuprofile", o.cpuprofile); err != nil {
		return fmt.Errorf("profiled extract: %w", err)
	}
	if !o.keep {
		_ = os.RemoveAll(out)
	}
	cmd := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount", "30", o.self, o.cpuprofile)
	top, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go tool pprof: %w", err)
	}
	fmt.Fprintf(w, "CPU profile of one 1-core extract of the %s snapshot (%s):\n%s\n", filepath.Base(snap), o.cpuprofile, top)
	cum := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-cum", "-nodecount", "40", o.self, o.cpuprofile)
	if top, err = cum.Output(); err == nil {
		fmt.Fprintf(w, "by cumulative time:\n%s\n", top)
	}
	return nil
}

func printTable(w io.Writer, o options, results []sizeResult) {
	fmt.Fprintf(w, "deid bench: profile %s, seed %d, %d CPUs, Go %s\n\n", filepath.Base(o.profile), o.seed, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(w, "%-9s %5s %9s %10s %8s %8s %12s %12s %10s %8s\n",
		"snapshot", "cores", "text MB", "records", "wall s", "cpu s", "MB/s/core", "MB/s/cpu-s", "records/s", "RSS MB")
	for _, sr := range results {
		for _, r := range sr.runs {
			fmt.Fprintf(w, "%-9s %5d %9.1f %10d %8.1f %8.1f %12.2f %12.2f %10.0f %8.0f\n",
				fmt.Sprintf("%g MB", sr.sizeMB), r.cores, r.textMB, r.records, r.m.wall, r.m.cpu,
				r.textMB/r.m.wall/float64(r.cores), r.textMB/r.m.cpu, float64(r.records)/r.m.wall, r.m.rssMB)
		}
	}
	fmt.Fprintf(w, "\n%-9s %14s %10s %10s %14s %10s %12s %10s\n", "snapshot", "copy wall s", "copy MB/s", "copy RSS", "redactor s", "red. MB/s", "extract 1c", "overhead")
	for _, sr := range results {
		e := sr.oneCore()
		fmt.Fprintf(w, "%-9s %14.1f %10.2f %10.0f %14.1f %10.2f %12.1f %10.2f\n",
			fmt.Sprintf("%g MB", sr.sizeMB), sr.copy.wall, sr.copyMB/sr.copy.wall, sr.copy.rssMB,
			sr.red.child.Seconds, sr.redMB/sr.red.child.Seconds, e.m.wall, sr.overhead())
	}
	fmt.Fprintln(w, "\nMB/s/core: free text redacted per second of wall time per core. overhead: 1-core extract wall time over redactor-alone time, per MB of the same text.")
	fmt.Fprintln(w, "copy: the same extract with a redactor that finds nothing (1 core). Figures below: the largest snapshot; rss_mb_100m: the smallest.")

	big, small := results[len(results)-1], results[0]
	perCore := 0.0
	for i, r := range big.runs {
		v := r.textMB / r.m.wall / float64(r.cores)
		if i == 0 || v < perCore {
			perCore = v
		}
	}
	scaling := 0.0
	if one, two := big.byCores(1), big.byCores(2); one != nil && two != nil {
		scaling = one.m.wall / two.m.wall
	}
	fmt.Fprintf(w, "bench: mb_s_per_core=%.2f scaling_2c=%.2f overhead=%.2f rss_mb_1g=%.0f rss_mb_100m=%.0f copy_mb_s=%.2f\n",
		perCore, scaling, big.overhead(), big.peakRSS(), small.peakRSS(), big.copyMB/big.copy.wall)
}

func (sr sizeResult) byCores(n int) *extractRun {
	for i := range sr.runs {
		if sr.runs[i].cores == n {
			return &sr.runs[i]
		}
	}
	return nil
}

// oneCore is the 1-core run, or the fewest cores measured.
func (sr sizeResult) oneCore() extractRun {
	if r := sr.byCores(1); r != nil {
		return *r
	}
	return sr.runs[0]
}

// overhead compares seconds per MB, so that a small difference in what
// the two count as text cannot tilt it.
func (sr sizeResult) overhead() float64 {
	e := sr.oneCore()
	if e.textMB == 0 || sr.redMB == 0 || sr.red.child.Seconds == 0 {
		return 0
	}
	return (e.m.wall * float64(e.cores) / e.textMB) / (sr.red.child.Seconds / sr.redMB)
}

func (sr sizeResult) peakRSS() float64 {
	var m float64
	for _, r := range sr.runs {
		m = max(m, r.m.rssMB)
	}
	return m
}
