package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/nhs-talking-therapies/deid/internal/statefile"
	"github.com/nhs-talking-therapies/deid/measures"
	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/pipeline/parquetsink"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/schemas"
	"github.com/nhs-talking-therapies/deid/source"
)

// Options configure one extract.
type Options struct {
	Profile     *Profile
	In          string // source snapshot directory
	Out         string // parent of the extract folder
	ExtractID   string // folder name; default the profile name
	InternalDir string // audit, quarantine, timings; default <Out>/<ExtractID>.internal
	MaxBad      int    // fail once more than this many records are quarantined; < 0 = no limit
	Workers     int    // redaction workers; default GOMAXPROCS
	Now         time.Time
	Version     string
	Log         *zap.Logger
	Redactor    *redact.Redactor // default: built from the profile
	Progress    time.Duration    // progress line interval; default 5s

	stateCache  int // per-patient state kept in memory; default stateCacheSize (tests make it tiny)
	stateFrames int // state file pages kept in memory; default statefile.PageFrames (tests make it tiny)
}

// ErrTooManyBad is returned when quarantined records pass Options.MaxBad.
var ErrTooManyBad = errors.New("too many bad records")

// Result is what an extract produced.
type Result struct {
	Dir         string
	InternalDir string
	Report      *Report
	Manifest    *Manifest
	Timings     map[string]float64
}

// extractor is the state of one run. Free text streams through in bounded
// batches; what the run keeps per patient, session and message lives in
// the state file (stateDB, statefile.Spill) behind fixed-size caches, so memory
// grows with neither the text nor the number of patients.
type extractor struct {
	opt     Options
	prof    *Profile
	log     *zap.Logger
	pseudo  Pseudonymiser
	red     *redact.Redactor
	policy  redact.Policy
	report  *Report
	quar    *quarantineLog
	audit   *auditLog
	dirs    *outputDirs // the extract's and internal folder's paths, locks and staging
	stage   string      // staging folder of the extract
	istage  string      // staging folder of the internal folder
	clock   source.DateRange
	optOuts map[string]bool // normalised NHS numbers on the list

	// Lookup tables by source id, and patient records, in the state file.
	ids      idHasher
	db       *stateDB
	turnTab  *turnTable
	qparents lastLookup // questionnaires' parents
	sparents lastLookup // sessions' patients

	writers  map[string]*parquetsink.Writer
	spooled  []*parquetsink.Writer // finished, published at the end of the run
	finished map[string]bool       // datasets whose file is complete
	codec    *parquetsink.Codec    // shared by the writers
	cols     datasetCols           // each dataset's columns' places in its rows
	row      Row                   // the row the collector fills for the datasets without free text
	rows     map[string]int64      // rows per written file, by relative path

	encKey     *handover.Key // handover encryption; nil for plain output
	bytesRead  atomic.Int64
	recsRead   atomic.Int64
	textBytes  int64            // free text redacted, for throughput figures
	spill      *statefile.Spill // per-patient state of variable length (identifiers, numbering, scores)
	subjects   *subjectCache
	cons       *stateCache[*redact.Consistency]
	therapists *stateCache[*[]string]
	scores     *stateCache[*measures.Tracker]
	scratch    []byte                   // the collector's encoding buffer
	counts     parquetsink.StringValues // redaction_counts values, each boxed once
}

// Extract runs one profile over one snapshot.
func Extract(ctx context.Context, opt Options) (*Result, error) {
	if opt.Profile == nil {
		return nil, errors.New("extract: no profile")
	}
	if opt.ExtractID == "" {
		opt.ExtractID = opt.Profile.Name
	}
	if err := CheckName(opt.ExtractID); err != nil {
		return nil, usagef("extract id: %v", err)
	}
	if opt.InternalDir == "" {
		opt.InternalDir = filepath.Join(opt.Out, opt.ExtractID+".internal")
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Log == nil {
		opt.Log = zap.NewNop()
	}
	if opt.Progress <= 0 {
		opt.Progress = 5 * time.Second
	}
	key, encKey, err := opt.Profile.LoadKeys()
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(opt.In); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("input %s: not a readable directory", opt.In)
	}
	// The output folders are checked, locked and staged before any data
	// is read.
	dirs, err := openOutput(opt.In, opt.Out, opt.ExtractID, opt.InternalDir)
	if err != nil {
		return nil, err
	}
	defer dirs.close()
	x := &extractor{
		opt: opt, prof: opt.Profile, log: opt.Log, pseudo: NewPseudonymiser(key),
		report:   newReport(),
		clock:    source.DateRange{Min: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), Max: opt.Now.Add(24 * time.Hour)},
		ids:      newIDHasher(),
		writers:  map[string]*parquetsink.Writer{},
		finished: map[string]bool{},
		rows:     map[string]int64{},
	}
	x.encKey = encKey
	x.dirs, x.stage, x.istage = dirs, dirs.extract.stage, dirs.internal.stage
	if x.codec, err = parquetsink.NewCodec(); err != nil {
		dirs.abort()
		return nil, err
	}
	if x.cols, err = resolveCols(schemas.Lookup); err != nil {
		dirs.abort()
		return nil, err
	}
	x.red = opt.Redactor
	if x.red == nil {
		if x.red, err = NewRedactor(opt.Profile); err != nil {
			dirs.abort()
			return nil, err
		}
	}
	x.policy = redactionPolicy(opt.Profile, key)
	res, err := x.run(ctx, key)
	if err != nil {
		x.abort()
		return nil, err
	}
	return res, nil
}

func (x *extractor) run(ctx context.Context, key []byte) (*Result, error) {
	start := time.Now()
	timings := map[string]float64{}
	lap := func(name string, t0 time.Time) { timings[name] = time.Since(t0).Seconds() }

	final := x.dirs.extract.path
	var err error
	if x.quar, err = openQuarantine(x.istage); err != nil {
		return nil, err
	}
	if x.spill, err = statefile.OpenSpill(x.istage); err != nil {
		return nil, err
	}
	defer x.spill.Close()
	frames := x.opt.stateFrames
	if frames <= 0 {
		frames = statefile.PageFrames
	}
	if x.db, err = openStateDB(x.istage, frames); err != nil {
		return nil, err
	}
	x.qparents, x.sparents = lastLookup{db: x.db}, lastLookup{db: x.db}
	defer x.db.Close()
	// The turn table is read and written in session order: a few pages
	// in memory cover it.
	if x.turnTab, err = openTurnTable(x.istage, max(frames/64, 1)); err != nil {
		return nil, err
	}
	defer x.turnTab.Close()
	size := x.opt.stateCache
	if size <= 0 {
		size = stateCacheSize
	}
	x.subjects = newSubjectCache(size, x.spill)
	x.openStateCaches(size)
	if *x.prof.Redaction.Audit {
		if x.audit, err = openAudit(x.istage); err != nil {
			return nil, err
		}
	}
	r := x.report
	r.Extract, r.Profile, r.Purpose = x.opt.ExtractID, x.prof.Name, x.prof.Purpose
	r.OptOuts = OptOutReport{
		NationalDataOptOutApplied: *x.prof.OptOuts.NationalDataOptOut,
		ResearchOptOutApplied:     *x.prof.OptOuts.ResearchOptOut,
		ListKind:                  x.prof.OptOuts.ListKind,
	}
	if !*x.prof.OptOuts.NationalDataOptOut {
		r.Notes = append(r.Notes, "The National Data Opt-out was not applied: purpose "+x.prof.Purpose+" (internal, not disclosed outside the organisation).")
	}

	done := make(chan struct{})
	defer close(done)
	go x.progress(done, start)

	x.log.Info("extract started", zap.String("profile", x.prof.Name), zap.String("purpose", x.prof.Purpose),
		zap.String("extract", x.opt.ExtractID), zap.Int("workers", x.opt.Workers))
	type step struct {
		name string
		fn   func(context.Context) error
	}
	// One step reads each record type (recordTypes), then the research
	// tables are written from what the run kept.
	var steps []step
	for _, t := range recordTypes() {
		read := t.read
		steps = append(steps, step{t.name, func(ctx context.Context) error { return read(x, ctx) }})
	}
	steps = append(steps, step{"patients_table", x.writePatients}, step{"outcomes", x.writeOutcomes})
	for _, s := range steps {
		t0 := time.Now()
		if err := s.fn(ctx); err != nil {
			return nil, err
		}
		// Each dataset is written by one step: finishing its file now frees
		// its row-group buffers for the steps that follow.
		if err := x.finishWriters(ctx); err != nil {
			return nil, err
		}
		lap(s.name, t0)
		x.log.Debug("step done", zap.String("step", s.name), zap.Duration("took", time.Since(t0)))
		// The step's buffers are garbage now. Collecting them and returning
		// the pages before the next step allocates its own keeps the two
		// from adding up at the boundary, where the peak used to be.
		debug.FreeOSMemory()
	}
	// What the state file grew to: the per-patient state that memory no
	// longer holds.
	pages, reads, writes := x.db.ps.Stats()
	timings["state_file_mb"] = float64(x.spill.Size()+int64(pages)*statefile.DiskPage) / 1e6
	x.log.Debug("state file", zap.Int64("spill_bytes", x.spill.Size()), zap.Uint32("index_pages", pages),
		zap.Int64("page_reads", reads), zap.Int64("page_writes", writes))
	if err := x.closeWriters(ctx); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := x.publishFiles(ctx); err != nil {
		return nil, err
	}
	lap("publish_files", t0)
	if err := x.quar.Close(); err != nil {
		return nil, fmt.Errorf("quarantine file: %w", err)
	}
	if x.audit != nil {
		if err := x.audit.Close(); err != nil {
			return nil, fmt.Errorf("audit file: %w", err)
		}
	}
	for _, t := range recordTypes() {
		if c := r.Records[t.name]; !c.Balanced() {
			// A bug, not bad input: refuse to publish an extract whose
			// accounting is wrong.
			return nil, fmt.Errorf("report: counts for %s do not add up", t.name)
		}
	}
	// The partner's report has no counts of opted-out records; the full
	// one goes to the internal folder.
	if err := writeJSON(filepath.Join(x.stage, "report.json"), r.Partner()); err != nil {
		return nil, fmt.Errorf("report.json: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(x.stage, "DATA_DICTIONARY.md"), []byte(schemas.Dictionary(x.prof.Selected()))); err != nil {
		return nil, fmt.Errorf("DATA_DICTIONARY.md: %w", err)
	}
	schemaOf := map[string]string{}
	for _, d := range schemas.All() {
		schemaOf[d.Name] = d.SchemaID()
	}
	files, err := describeFiles(x.stage, x.rows, schemaOf)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m := &Manifest{
		Format: ManifestFormat, Extract: x.opt.ExtractID, Profile: x.prof.Name, ProfileHash: x.prof.Hash(),
		Purpose: x.prof.Purpose, ToolVersion: x.opt.Version, KeyFingerprint: KeyFingerprint(key), Files: files,
		OptOuts: OptOutsApplied{NationalDataOptOut: *x.prof.OptOuts.NationalDataOptOut, ResearchOptOut: *x.prof.OptOuts.ResearchOptOut, ListKind: x.prof.OptOuts.ListKind},
	}
	if x.encKey != nil {
		m.Encryption = &Encryption{Scheme: EncryptionScheme, KeyID: x.encKey.ID, KeyFingerprint: x.encKey.Fingerprint()}
	}
	if err := m.Seal(x.encKey); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	// The manifest goes last: its presence marks the extract complete.
	if err := writeJSON(filepath.Join(x.stage, "manifest.json"), m); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	timings["total"] = time.Since(start).Seconds()
	timings["text_mb"] = float64(x.textBytes) / 1e6
	if err := writeJSON(filepath.Join(x.istage, "report.json"), r); err != nil {
		return nil, fmt.Errorf("internal report.json: %w", err)
	}
	if err := writeJSON(filepath.Join(x.istage, "timings.json"), timings); err != nil {
		return nil, fmt.Errorf("timings.json: %w", err)
	}
	// Both folders are complete: they replace the previous ones now, and
	// only now.
	if err := x.dirs.commit(); err != nil {
		return nil, err
	}
	if ce := x.log.Check(zap.DebugLevel, "memory"); ce != nil {
		// Where the process's memory went, for sizing and for bench notes.
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		ce.Write(zap.Uint64("sys_mb", m.Sys>>20), zap.Uint64("heap_sys_mb", m.HeapSys>>20), zap.Uint64("heap_inuse_mb", m.HeapInuse>>20),
			zap.Uint64("heap_idle_mb", m.HeapIdle>>20), zap.Uint64("heap_released_mb", m.HeapReleased>>20),
			zap.Uint64("stack_mb", m.StackSys>>20), zap.Uint64("gc_meta_mb", m.GCSys>>20), zap.Uint64("other_mb", (m.MSpanSys+m.MCacheSys+m.BuckHashSys+m.OtherSys)>>20))
	}
	x.log.Info("extract finished", zap.String("dir", final), zap.Duration("took", time.Since(start)),
		zap.Int64("records", x.recsRead.Load()), zap.Int("quarantined", x.quar.n))
	return &Result{Dir: final, InternalDir: x.opt.InternalDir, Report: r, Manifest: m, Timings: timings}, nil
}

// abort removes the staging folders so nothing half-written survives; the
// previous extract and internal folder were never touched.
func (x *extractor) abort() {
	for _, w := range x.writers {
		w.Abort()
	}
	for _, w := range x.spooled {
		w.Abort()
	}
	if x.quar != nil {
		_ = x.quar.Close()
	}
	if x.audit != nil {
		_ = x.audit.Close()
	}
	x.dirs.abort()
}

func (x *extractor) progress(done <-chan struct{}, start time.Time) {
	t := time.NewTicker(x.opt.Progress)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			secs := time.Since(start).Seconds()
			mb := float64(x.bytesRead.Load()) / 1e6
			recs := x.recsRead.Load()
			x.log.Info("progress", zap.Int64("records", recs), zap.Float64("mb_read", mb),
				zap.Float64("records_per_s", float64(recs)/secs), zap.Float64("mb_per_s", mb/secs))
		}
	}
}

// writer returns the dataset's writer, opening it on first use; nil when
// the profile does not ask for the dataset.
func (x *extractor) writer(name string) (*parquetsink.Writer, error) {
	if w, ok := x.writers[name]; ok {
		return w, nil
	}
	if x.finished[name] {
		// A bug, not bad input: reopening would truncate the file.
		return nil, fmt.Errorf("dataset %s: written after its file was finished", name)
	}
	sel, ok := x.prof.Datasets[name]
	if !ok {
		return nil, nil
	}
	ds, _ := schemas.Lookup(name)
	w, err := parquetsink.New(x.stage, ds, sel.Columns, int64(x.prof.Output.RowGroupRows), x.opt.Version, x.encKey, x.codec)
	if err != nil {
		return nil, err
	}
	x.writers[name] = w
	return w, nil
}

// Row is one output row, in its dataset's column order (parquetsink.Row).
type Row = parquetsink.Row

// write hands a row to its dataset's writer, which checks it against the
// schema; a dataset the profile does not ask for takes no rows.
func (x *extractor) write(name string, row Row) error {
	w, err := x.writer(name)
	if err != nil || w == nil {
		return err
	}
	x.report.Rows[name]++
	return w.Write(row)
}

// finishWriters finishes the datasets written so far; their files are
// published at the end of the run (publishFiles).
func (x *extractor) finishWriters(context.Context) error {
	for _, name := range sortedKeys(x.writers) {
		w := x.writers[name]
		delete(x.writers, name)
		x.spooled = append(x.spooled, w)
		if err := w.Finish(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(x.stage, w.Path())
		x.rows[filepath.ToSlash(rel)] = w.Rows()
		x.finished[name] = true
	}
	return nil
}

// publishFiles writes the finished datasets' files into the staging
// folder, encrypted when the profile asks.
func (x *extractor) publishFiles(ctx context.Context) error {
	for _, w := range x.spooled {
		if err := w.Publish(ctx); err != nil {
			return err
		}
	}
	x.spooled = nil
	return nil
}

func (x *extractor) closeWriters(ctx context.Context) error {
	// Every requested dataset gets a file, even an empty one, so a partner
	// never has to guess whether a dataset is missing or empty.
	for _, name := range sortedKeys(x.prof.Datasets) {
		if x.finished[name] {
			continue
		}
		if _, err := x.writer(name); err != nil {
			return err
		}
	}
	return x.finishWriters(ctx)
}

// quarantine records a bad record and enforces --max-bad. A record of the
// opt-out list is never quarantined: an opt-out that cannot be read cannot
// be honoured, so the run stops instead.
func (x *extractor) quarantine(kind string, rec source.Record, field, reason string) error {
	if kind == "opt_outs" {
		return x.fatalRecord(rec, field, reason)
	}
	x.report.Records[kind].Quarantined++
	rel := x.relPath(rec.File)
	if err := x.quar.add(Quarantine{RecordType: kind, File: rel, Line: rec.Line, Field: field, Reason: reason}); err != nil {
		return err
	}
	x.log.Debug("record quarantined", zap.String("record_type", kind), zap.String("file", rel),
		zap.Int("line", rec.Line), zap.String("field", field), zap.String("reason", reason))
	if x.opt.MaxBad >= 0 && x.quar.n > x.opt.MaxBad {
		return fmt.Errorf("%w: %d quarantined, limit %d (last: %s line %d field %q: %s)", ErrTooManyBad, x.quar.n, x.opt.MaxBad, rel, rec.Line, field, reason)
	}
	return nil
}

// reject handles a record that failed to decode: quarantined, or the run
// stopped when the failure bears on an opt-out (ferr.Fatal).
func (x *extractor) reject(kind string, rec source.Record, ferr *source.FieldError) error {
	if ferr.Fatal {
		return x.fatalRecord(rec, "", ferr.Reason)
	}
	return x.quarantine(kind, rec, ferr.Field, ferr.Reason)
}

// ErrOptOutUnreadable is returned when an opt-out, or a field an opt-out
// decision rests on, cannot be read: the run stops rather than guess.
var ErrOptOutUnreadable = errors.New("the run stops: an opt-out that cannot be read cannot be honoured")

// fatalRecord is the error that stops the run on one record: where it is
// and why, never what it holds.
func (x *extractor) fatalRecord(rec source.Record, field, reason string) error {
	unit := "line"
	if source.FormatOf(rec.File) == "parquet" {
		unit = "row"
	}
	where := fmt.Sprintf("%s %s %d", x.relPath(rec.File), unit, rec.Line)
	if field != "" {
		where += " field " + field
	}
	return fmt.Errorf("input %s: %s: %w", where, reason, ErrOptOutUnreadable)
}

func (x *extractor) relPath(file string) string {
	rel, err := filepath.Rel(x.opt.In, file)
	if err != nil {
		rel = filepath.Base(file)
	}
	return filepath.ToSlash(rel)
}

// each reads one record type, decodes every record and hands the good ones
// to fn. Records that fail to split are quarantined here.
func (x *extractor) each(ctx context.Context, kind string, files []string, fn func(rec source.Record, d *source.Decoder) error) error {
	c := x.report.Records[kind]
	return source.Read(ctx, files, func(rec source.Record) error {
		c.In++
		x.recsRead.Add(1)
		x.bytesRead.Add(int64(rec.Bytes))
		if rec.Err != nil {
			return x.quarantine(kind, rec, rec.Field, rec.Err.Error())
		}
		d := source.NewDecoder(rec.Fields, x.clock)
		return fn(rec, d)
	})
}

// inputFiles finds a record type's files; a missing type is noted in the
// report (the caller decides whether that is an error).
func (x *extractor) inputFiles(kind string) ([]string, error) {
	files, err := source.Files(x.opt.In, kind)
	if err == nil && len(files) == 0 {
		x.report.MissingInputs = append(x.report.MissingInputs, kind)
		x.report.Notes = append(x.report.Notes, "No "+kind+" file in the snapshot: no "+kind+" records were read.")
	}
	return files, err
}

// readOptOuts reads the National Data Opt-out list. Every entry is read or
// the run stops; an empty or missing list stops the run too, unless the
// profile says the list may be empty.
func (x *extractor) readOptOuts(ctx context.Context) error {
	// Every record type's files are found, or refused, before any is
	// read: a refused file stops the run before an hour is spent.
	for _, t := range recordTypes() {
		if _, err := source.Files(x.opt.In, t.name); err != nil {
			return err
		}
	}
	ndoo := *x.prof.OptOuts.NationalDataOptOut
	files, err := x.inputFiles("opt_outs")
	if err != nil {
		return err
	}
	x.optOuts = map[string]bool{}
	if len(files) == 0 && ndoo {
		return fmt.Errorf("input %s: no opt_outs file (opt_outs.jsonl, .csv or .parquet, or an opt_outs folder), but the profile applies the National Data Opt-out: %w", x.opt.In, ErrOptOutUnreadable)
	}
	c := x.report.Records["opt_outs"]
	err = x.each(ctx, "opt_outs", files, func(rec source.Record, d *source.Decoder) error {
		o := source.DecodeOptOut(d)
		if d.Err() != nil {
			return x.reject("opt_outs", rec, d.Err())
		}
		c.UnknownFields += d.Unknown()
		x.optOuts[o.NHSNumber] = true
		x.report.OptOuts.ListEntries++
		// Opt-out records are applied, not written: they count as
		// excluded from output by design.
		c.exclude("applied_not_written")
		return nil
	})
	if err != nil {
		return err
	}
	if ndoo && len(x.optOuts) == 0 && !x.prof.OptOuts.AllowEmptyList {
		return fmt.Errorf("input %s: the opt_outs list has no entry, but the profile applies the National Data Opt-out (if the list really is empty, say so in the profile: opt_outs.allow_empty_list: true): %w", x.opt.In, ErrOptOutUnreadable)
	}
	return nil
}

// Why a patient record is excluded, beyond the reasons the report has
// always counted.
const (
	// ExcludedOptOutUnknown: research_opt_out missing, null, empty or not
	// a yes/no value, so the patient is treated as opted out.
	ExcludedOptOutUnknown = "research_opt_out_unknown"
	// ExcludedOtherRecord: another record of the same patient (same
	// patient_id, or same NHS number) was excluded by an opt-out.
	ExcludedOtherRecord = "opted_out_in_another_record"
	// excludedNHSUnreadable is pass one's reason for a record whose NHS
	// number cannot be checked against the list; pass two quarantines it.
	excludedNHSUnreadable = "nhs_number_unreadable"
)

// optedOut says why a patient record is excluded by an opt-out, or "".
func (x *extractor) optedOut(nhs string, nhsOK, flag, flagKnown bool) string {
	ndoo, cleared := *x.prof.OptOuts.NationalDataOptOut, x.prof.OptOuts.ListKind == "cleared"
	research := *x.prof.OptOuts.ResearchOptOut
	switch {
	case ndoo && !nhsOK:
		return excludedNHSUnreadable
	case ndoo && !cleared && x.optOuts[nhs]:
		return ExcludedNationalOptOut
	case ndoo && cleared && !x.optOuts[nhs]:
		return ExcludedNotCleared
	case research && !flagKnown:
		return ExcludedOptOutUnknown
	case research && flag:
		return ExcludedResearchOptOut
	}
	return ""
}

// markOptedOut reads the patients before they are admitted and records,
// in the state file (memory stays bounded), every patient id and NHS
// number that any record excludes; then, pass by pass, the NHS numbers of
// marked ids and the ids of marked NHS numbers, until nothing new is
// marked. The admitting pass then excludes every copy of an opted-out
// patient and every registration linked to one, wherever they come in
// the file. Records that do not split are left to the admitting pass,
// which quarantines them.
func (x *extractor) markOptedOut(ctx context.Context, files []string) error {
	first := true
	for pass := 0; ; pass++ {
		if pass == maxLinkPasses {
			return fmt.Errorf("input %s: patients linked by patient_id and NHS number in chains longer than %d registrations: %w", x.opt.In, maxLinkPasses, ErrOptOutUnreadable)
		}
		marked := 0
		err := source.Read(ctx, files, func(rec source.Record) error {
			if rec.Err != nil {
				return nil
			}
			d := source.NewDecoder(rec.Fields, x.clock)
			id := d.View("patient_id", false)
			nhs, present, nhsOK := d.NHSNumber("nhs_number")
			var markID, markNHS bool
			if first {
				flag, known := d.OptOut("research_opt_out")
				if d.Finish(); d.Err() != nil && d.Err().Fatal {
					return x.reject("patients", rec, d.Err())
				}
				markID = x.optedOut(nhs, present && nhsOK, flag, known) != ""
				markNHS = markID
			} else {
				var idMarked, nhsMarked bool
				if id != "" {
					_, st, err := x.db.patient(x.ids.key(id))
					if err != nil {
						return err
					}
					idMarked = st == excluded
				}
				if nhsOK {
					var err error
					if nhsMarked, err = x.db.nhsMarked(x.ids.key(nhs)); err != nil {
						return err
					}
				}
				markID, markNHS = nhsMarked && !idMarked, idMarked && !nhsMarked
			}
			if markID && id != "" {
				existed, err := x.db.addPatientMark(x.ids.key(id))
				if err != nil {
					return err
				}
				if !existed {
					marked++
				}
			}
			if markNHS && nhsOK {
				existed, err := x.db.markNHS(x.ids.key(nhs))
				if err != nil {
					return err
				}
				if !existed {
					marked++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if marked == 0 {
			return nil
		}
		first = false
	}
}

// maxLinkPasses bounds the passes that follow links between registrations
// (a copy under another NHS number, that number under another id, ...):
// real duplicates chain two or three deep.
const maxLinkPasses = 8

func (x *extractor) readPatients(ctx context.Context) error {
	files, err := source.Files(x.opt.In, "patients")
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("input %s: no patients file (patients.jsonl, .csv or .parquet, or a patients folder): nothing can be extracted without it", x.opt.In)
	}
	if err := x.markOptedOut(ctx, files); err != nil {
		return err
	}
	c := x.report.Records["patients"]
	return x.each(ctx, "patients", files, func(rec source.Record, d *source.Decoder) error {
		p := source.DecodePatient(d)
		if d.Err() != nil {
			return x.reject("patients", rec, d.Err())
		}
		pk := x.ids.key(p.PatientID)
		_, seen, err := x.db.patient(pk)
		if err != nil {
			return err
		}
		reason := x.optedOut(p.NHSNumber, true, p.ResearchOptOut, p.OptOutKnown)
		if reason == "" && seen == excluded {
			reason = ExcludedOtherRecord
		}
		if reason == "" {
			if marked, err := x.db.nhsMarked(x.ids.key(p.NHSNumber)); err != nil {
				return err
			} else if marked {
				reason = ExcludedOtherRecord
			}
		}
		if reason == "" && seen == found {
			return x.quarantine("patients", rec, "patient_id", "duplicate patient_id")
		}
		c.UnknownFields += d.Unknown()
		if reason != "" {
			c.exclude(reason)
			x.report.OptOuts.PatientsExcluded++
			_, err := x.db.addPatient(pk, nil)
			return err
		}
		pr, err := newPatientRec(&p, x.pseudo.raw("patient", p.PatientID), x.spill)
		if err != nil {
			return err
		}
		_, err = x.db.addPatient(pk, &pr)
		return err
	})
}

// readSessions decodes sessions and derives their pseudonyms in workers;
// the index, the patient's counts and the row are done in order.
func (x *extractor) readSessions(ctx context.Context) error {
	err := decodedStream(ctx, x, "sessions", func(it *sessItem) *decodedItem { return &it.decodedItem },
		func(it *sessItem, d *source.Decoder) {
			if it.s = source.DecodeSession(d); d.Err() == nil {
				it.key, it.pkey = x.ids.key(it.s.SessionID), x.ids.key(it.s.PatientID)
				it.rid, it.therapist = x.pseudo.raw("session", it.s.SessionID), x.pseudo.ID("therapist", it.s.TherapistID)
			}
		},
		x.admitSession)
	if err != nil {
		return err
	}
	// Subjects are compiled from the records from here on.
	return x.therapists.flush()
}

// sessItem is one session on its way through a stream.
type sessItem struct {
	decodedItem
	s         source.DecodedSession
	key, pkey idKey
	rid       [16]byte
	therapist string // pseudonym
}

func (x *extractor) admitSession(it *sessItem) error {
	const kind = "sessions"
	c := x.report.Records[kind]
	s, rec := &it.s, it.rec
	num, pst, err := x.sparents.patient(it.pkey)
	if err != nil {
		return err
	}
	// One walk records a new session and finds a duplicate. An orphan is
	// not recorded (its children are orphans too), so it is only looked up.
	var existed bool
	ss := sessionRec{patient: -1}
	switch pst {
	case found:
		ss = sessionRec{patient: int32(num), rid: it.rid, seq: int32(s.SessionNumber)}
		existed, err = x.db.addSession(it.key, &ss)
	case excluded:
		existed, err = x.db.addSession(it.key, &ss)
	default:
		var st lookup
		_, _, st, err = x.db.session(it.key, -1)
		existed = st != absent
	}
	if err != nil {
		return err
	} else if existed {
		return x.quarantine(kind, rec, "session_id", "duplicate session_id")
	}
	c.UnknownFields += it.unknown
	switch pst {
	case excluded:
		c.exclude(ExcludedOptedOutParent)
		return nil
	case absent:
		return x.quarantine(kind, rec, "patient_id", "orphan: no valid patient with this patient_id")
	}
	var p patientRec
	if err := x.db.updateRecord(num, func(r *patientRec) { r.sessions++; p = *r }); err != nil {
		return err
	}
	if s.TherapistName != "" {
		names, err := x.therapists.get(num)
		if err != nil {
			return err
		}
		if !containsFold(*names, s.TherapistName) {
			*names = append(*names, s.TherapistName)
		}
	}
	var dur any
	if s.HasEnded {
		dur = int32(s.Ended.Sub(s.Started).Minutes())
	}
	if _, ok := x.prof.Datasets[kind]; !ok {
		c.exclude(ExcludedNotRequested)
		return nil
	}
	c.Written++
	sc := &x.cols.sessions
	x.row = x.row.Reset(sc.n)
	r := x.row
	r[sc.researchID], r[sc.sessionID], r[sc.seq], r[sc.therapistID] = p.researchID(), ss.researchID(), ss.seq, it.therapist
	r[sc.dayOffset], r[sc.month], r[sc.modality], r[sc.duration] = dayOffset(p.referralTime(), s.Started), monthOf(s.Started), s.Modality, dur
	return x.write(kind, r)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// textKind is one free-text record type's shape in the output.
type textKind struct {
	name string
	cols freeTextCols // the columns finishText fills
}

// The three free-text record types. decode runs in a worker: it decodes
// the record and resolves its parents with lookups that only read (the
// fields a worker reads of a session or patient do not change during the
// text phase). Checks that change state (duplicates) run in order in the
// collector.

func (x *extractor) readTranscripts(ctx context.Context) error {
	err := x.redactStream(ctx, textSpec{
		kind: textKind{name: "transcripts", cols: x.cols.transcripts.freeTextCols},
		decode: func(d *source.Decoder, it *textItem) {
			t := source.DecodeTranscript(d)
			if d.Err() != nil {
				return
			}
			it.text, it.turn = t.Text, t.Turn
			if !x.session(t.SessionID, it) {
				return
			}
			ss, p, c := &it.session, &it.patient, &x.cols.transcripts
			rid, srid := it.sessionIDs(c.researchID, c.sessionID)
			it.row = it.row.Reset(c.n)
			r := it.row
			r[c.researchID], r[c.sessionID], r[c.seq], r[c.turn] = rid, srid, ss.seq, int32(t.Turn)
			r[c.speaker], r[c.dayOffset] = enumValue(t.Speaker), dayOffset(p.referralTime(), t.Sent)
		},
		duplicate: func(it *textItem) (string, string, bool, error) {
			dup, err := x.turnTab.seen(it.id, it.snum, it.turn)
			return "turn", "duplicate turn in session", dup, err
		},
	})
	if err != nil {
		return err
	}
	return x.turnTab.flush()
}

func (x *extractor) readMessages(ctx context.Context) error {
	return x.redactStream(ctx, textSpec{
		kind: textKind{name: "messages", cols: x.cols.messages.freeTextCols},
		decode: func(d *source.Decoder, it *textItem) {
			m := source.DecodeMessage(d)
			if d.Err() != nil {
				return
			}
			it.text, it.id, it.pkey = m.Text, x.ids.key(m.MessageID), x.ids.key(m.PatientID)
			if p := it.prev; p != nil && p.pkey == it.pkey {
				it.pnum, it.patient, it.researchID, it.resolved = p.pnum, p.patient, p.researchID, true
			} else if !x.messagePatient(it) {
				return
			}
			p, c := &it.patient, &x.cols.messages
			rid := it.patientRID(c.researchID)
			it.row = it.row.Reset(c.n)
			r := it.row
			r[c.researchID], r[c.messageID], r[c.sender] = rid, x.pseudo.ID("message", m.MessageID), enumValue(m.Sender)
			r[c.dayOffset], r[c.month] = dayOffset(p.referralTime(), m.Sent), monthOf(m.Sent)
		},
		duplicate: func(it *textItem) (string, string, bool, error) {
			dup, err := x.db.seenMessage(it.id)
			return "message_id", "duplicate message_id", dup, err
		},
	})
}

// messagePatient resolves a message's patient; false when the message is
// excluded, an orphan, or the state file failed (it.err).
func (x *extractor) messagePatient(it *textItem) bool {
	num, st, err := x.db.patient(it.pkey)
	return parentFound(it, st, err, "patient_id") && x.resolvePatient(num, it)
}

func (x *extractor) readNotes(ctx context.Context) error {
	err := x.redactStream(ctx, textSpec{
		kind: textKind{name: "notes", cols: x.cols.notes.freeTextCols},
		decode: func(d *source.Decoder, it *textItem) {
			n := source.DecodeNote(d)
			if d.Err() != nil {
				return
			}
			it.text = n.Text
			if !x.session(n.SessionID, it) {
				return
			}
			ss, p, c := &it.session, &it.patient, &x.cols.notes
			rid, srid := it.sessionIDs(c.researchID, c.sessionID)
			it.row = it.row.Reset(c.n)
			r := it.row
			r[c.researchID], r[c.sessionID], r[c.seq] = rid, srid, ss.seq
			r[c.authorID], r[c.dayOffset] = x.pseudo.ID("therapist", n.AuthorID), dayOffset(p.referralTime(), n.Written)
		},
	})
	if err != nil {
		return err
	}
	// Notes are the last free text: the redactor (its model and lists),
	// the compiled subjects and the numberings are not needed again, and
	// releasing them keeps the research tables' work from adding to the
	// peak.
	x.red, x.subjects, x.cons = nil, nil, nil
	return nil
}

// finishText fills a text item's redacted text and counts into its row.
func (x *extractor) finishText(kind textKind, it *textItem) error {
	cons, err := x.cons.get(it.pnum)
	if err != nil {
		return err
	}
	cons.Know(it.subj)
	// The collector sees a patient's texts in record order, so words
	// learned from earlier texts carry into this one deterministically.
	it.spans = cons.Carry(it.text, it.spans, it.rare)
	out := x.red.Apply(it.text, it.spans, x.policy, cons)
	cons.Know(nil)
	for _, s := range it.spans {
		x.report.Redactions[string(s.Label)]++
	}
	x.scratch = appendCounts(x.scratch[:0], it.spans)
	it.row[kind.cols.text] = out
	it.row[kind.cols.redactions] = int32(len(it.spans))
	it.row[kind.cols.counts] = x.counts.Value(x.scratch)
	x.textBytes += int64(len(it.text))
	if x.audit != nil {
		if err := x.audit.add(kind.name, it, x.opt.In); err != nil {
			return err
		}
	}
	x.report.Records[kind.name].Written++
	return x.write(kind.name, it.row)
}

// sessionIDs returns the research and session ids of a transcript or note
// row (ridCol, sridCol: their columns). Boxing a string into a Row
// allocates, and a session's records share their ids, so an item of the
// same session as the batch's item before it (it.prev, whose row holds the
// same two values) reuses that item's values.
func (it *textItem) sessionIDs(ridCol, sridCol int) (rid, srid any) {
	if p := it.prev; p != nil && p.id == it.id && len(p.row) > max(ridCol, sridCol) {
		return p.row[ridCol], p.row[sridCol]
	}
	return it.researchID, it.sessionRID
}

// patientRID returns the research id of a message row (ridCol: its
// column), reusing the batch's previous item's value for the same patient,
// as sessionIDs does for a session.
func (it *textItem) patientRID(ridCol int) any {
	if p := it.prev; p != nil && p.pkey == it.pkey && len(p.row) > ridCol {
		return p.row[ridCol]
	}
	return it.researchID
}

// enumValue returns a decoded enum value (source's decoders return the allowed
// constants) as a row value without allocating: a constant string's
// interface value is static, any other string's is allocated.
func enumValue(s string) any {
	switch s {
	case "patient":
		return "patient"
	case "therapist":
		return "therapist"
	case "service":
		return "service"
	}
	return s
}

// session resolves a text item's session and patient; false when the item
// is excluded (its session was opted out) or an orphan, or the state file
// failed (it.err).
func (x *extractor) session(id string, it *textItem) bool {
	it.id = x.ids.key(id)
	hint := -1
	if p := it.prev; p != nil {
		if p.id == it.id {
			it.session, it.snum, it.sessionRID, it.pnum, it.patient, it.researchID, it.resolved = p.session, p.snum, p.sessionRID, p.pnum, p.patient, p.researchID, true
			return true
		}
		hint = p.snum + 1
	}
	ss, num, st, err := x.db.session(it.id, hint)
	if !parentFound(it, st, err, "session_id") {
		return false
	}
	it.session, it.snum, it.sessionRID = ss, num, ss.researchID()
	return x.resolvePatient(int(ss.patient), it)
}

// parentFound applies the outcome of looking up a text item's parent
// (named by field): false, with the item marked excluded, orphan or
// failed, unless the parent was found.
func parentFound(it *textItem, st lookup, err error, field string) bool {
	switch {
	case err != nil:
		it.err = err
	case st == excluded:
		it.excluded = true
	case st == absent:
		it.orphan = field
	default:
		return true
	}
	return false
}

// resolvePatient fills a text item's patient.
func (x *extractor) resolvePatient(num int, it *textItem) bool {
	p, err := x.db.record(num)
	if err != nil {
		it.err = err
		return false
	}
	it.pnum, it.patient, it.researchID, it.resolved = num, p, p.researchID(), true
	return true
}

// openStateCaches sets up the collector's per-patient state caches, each
// setting its values aside in the spill store and recording where in the
// patient's record.
func (x *extractor) openStateCaches(size int) {
	record := func(num int) (patientRec, error) { return x.db.record(num) }
	setAside := func(num int, b []byte, field func(*patientRec) *statefile.Ref) error {
		ref, err := x.spill.Put(b)
		if err != nil {
			return err
		}
		return x.db.updateRecord(num, func(r *patientRec) { *field(r) = ref })
	}
	x.cons = newStateCache(size, func(num int) (*redact.Consistency, error) {
		p, err := record(num)
		if err != nil {
			return nil, err
		}
		if p.consistency == (statefile.Ref{}) {
			return redact.NewConsistency(p.researchID()), nil
		}
		b, err := x.spill.Get(p.consistency)
		if err != nil {
			return nil, err
		}
		return redact.ParseConsistency(p.researchID(), b)
	}, func(num int, cs *redact.Consistency) error {
		// Unchanged since loaded (or new and empty): what the patient's
		// record points to is still right, and a patient's messages and
		// notes often name no one new, so it is not stored again.
		if !cs.Changed() {
			return nil
		}
		x.scratch = cs.AppendBinary(x.scratch[:0])
		return setAside(num, x.scratch, func(r *patientRec) *statefile.Ref { return &r.consistency })
	})
	x.therapists = newStateCache(size, func(num int) (*[]string, error) {
		p, err := record(num)
		if err != nil || p.therapists == (statefile.Ref{}) {
			return new([]string), err
		}
		b, err := x.spill.Get(p.therapists)
		if err != nil {
			return nil, err
		}
		names := unpackStrings(b)
		return &names, nil
	}, func(num int, names *[]string) error {
		if len(*names) == 0 {
			return nil
		}
		return setAside(num, packStrings(*names), func(r *patientRec) *statefile.Ref { return &r.therapists })
	})
	x.scores = newStateCache(size, func(num int) (*measures.Tracker, error) {
		p, err := record(num)
		if err != nil || p.scores == (statefile.Ref{}) {
			return new(measures.Tracker), err
		}
		b, err := x.spill.Get(p.scores)
		if err != nil {
			return nil, err
		}
		return measures.ParseTracker(b)
	}, func(num int, t *measures.Tracker) error {
		if t.Len() == 0 {
			return nil
		}
		x.scratch = t.AppendBinary(x.scratch[:0])
		return setAside(num, x.scratch, func(r *patientRec) *statefile.Ref { return &r.scores })
	})
}
