package redact_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/evaluate"
	"github.com/nhs-talking-therapies/deid/redact/ner"
)

// The quality tests score the redactor (without NER) on committed gold
// files and fail when a leak bar is missed. The fixtures are small,
// hand-annotated (fixtures/redact, written by make_fixtures.py); the
// snapshot test runs when the synthetic snapshot's gold file is present.

func readGold(t *testing.T, path string) []redact.Document {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open gold: %v", err)
	}
	defer f.Close()
	var docs []redact.Document
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		var d redact.Document
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("%s line %d: %v", path, n, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return docs
}

func finder(t *testing.T) func(redact.Document) []redact.Span {
	r, err := redact.New(redact.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return func(d redact.Document) []redact.Span {
		var s *redact.Subject
		if d.Known != nil {
			s = redact.NewSubject(*d.Known)
		}
		return r.Find(d.Text, s)
	}
}

func logReport(t *testing.T, rep evaluate.Report) {
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
}

func TestQualityFixtures(t *testing.T) {
	find := finder(t)
	for _, c := range []struct {
		file      string
		minRecall float64 // entity leak recall over every label
	}{
		{"known.jsonl", 1},
		{"patterns.jsonl", 1},
		{"context.jsonl", 1},
	} {
		docs := readGold(t, filepath.Join("..", "fixtures", "redact", c.file))
		rep := evaluate.ScoreSeq(func(yield func(redact.Document) bool) {
			for _, d := range docs {
				if !yield(d) {
					return
				}
			}
		}, find, evaluate.Options{MaxMisses: -1})
		if rep.Total.LeakRecall < c.minRecall {
			logReport(t, rep)
			t.Errorf("%s: leak recall %.4f < %.4f", c.file, rep.Total.LeakRecall, c.minRecall)
		}
	}
	// Decoys: nothing in them is an identifier.
	docs := readGold(t, filepath.Join("..", "fixtures", "redact", "decoys.jsonl"))
	rep := evaluate.Score(docs, find)
	if rep.TokensRedacted != 0 {
		r, _ := redact.New(redact.Config{})
		for _, d := range docs {
			for _, s := range r.Find(d.Text, nil) {
				t.Errorf("decoy %s: %q redacted as %s by %s", d.ID, d.Text[s.Start:s.End], s.Label, s.Source)
			}
		}
	}
}

// TestQualityDev holds the issue-15 DEV sets written by hand in
// fixtures/redact/dev (clinical-like notes, international addresses) to
// floors just under what the recognizers without NER score on them, so a
// change that loses unseen names, places or addresses, or that starts
// redacting clinical shorthand, fails here. The sets are for scoring only:
// never tune rules on their misses.
func TestQualityDev(t *testing.T) {
	find := finder(t)
	labels := []redact.Label{redact.Person, redact.Location}
	for _, c := range []struct {
		file                 string
		person, loc, precMin float64
	}{
		{"clinical_notes.jsonl", 0.95, 0.88, 0.90},
		{"intl_addresses.jsonl", 1, 0.85, 0.95},
	} {
		docs := readGold(t, filepath.Join("..", "fixtures", "redact", "dev", c.file))
		rep := evaluate.ScoreSeq(func(yield func(redact.Document) bool) {
			for _, d := range docs {
				if !yield(d) {
					return
				}
			}
		}, find, evaluate.Options{Labels: labels})
		for _, l := range rep.Labels {
			min := c.person
			if l.Label == string(redact.Location) {
				min = c.loc
			}
			if l.Entities > 0 && l.LeakRecall < min {
				logReport(t, rep)
				t.Errorf("%s: %s leak recall %.4f < %.2f", c.file, l.Label, l.LeakRecall, min)
			}
		}
		if rep.Total.TokenPrecision < c.precMin {
			logReport(t, rep)
			t.Errorf("%s: precision %.4f < %.2f", c.file, rep.Total.TokenPrecision, c.precMin)
		}
	}
}

// patternLabels are the labels whose recognizers validate a format: their
// leak recall bar is 1.0.
var patternLabels = []redact.Label{redact.Postcode, redact.Phone, redact.Email, redact.URL, redact.IP, redact.Date,
	redact.NHSNumber, redact.NINumber, redact.ID}

var wordRE = regexp.MustCompile(`[\p{L}\p{N}]+`)

// knownTokens are the lower-case words of a patient's known identifiers.
func knownTokens(k *redact.Known) map[string]bool {
	m := map[string]bool{}
	add := func(s string) {
		for _, w := range wordRE.FindAllString(strings.ToLower(s), -1) {
			m[w] = true
		}
	}
	add(k.GivenName)
	add(k.FamilyName)
	add(k.PreferredName)
	add(k.Postcode)
	add(k.Email)
	add(k.GPPractice)
	add(k.GPName)
	add(k.TherapistName)
	for _, n := range k.TherapistNames {
		add(n)
	}
	for _, c := range k.Contacts {
		add(c.Name)
	}
	for _, a := range k.AddressLines {
		add(a)
	}
	return m
}

// isKnownSpan reports whether a gold span is one of the patient's known
// identifiers: its words are all known words (names, address parts,
// postcode), or its digits are the phone or NHS number.
func isKnownSpan(d redact.Document, s redact.Span, kt map[string]bool) bool {
	surface := d.Text[s.Start:s.End]
	digits := func(x string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, x)
	}
	if ds := digits(surface); len(ds) >= 10 && (strings.HasSuffix(ds, strings.TrimLeft(digits(d.Known.Phone), "0")) || ds == digits(d.Known.NHSNumber)) {
		return true
	}
	ws := wordRE.FindAllString(strings.ToLower(surface), -1)
	if len(ws) == 0 || (s.Label != redact.Person && s.Label != redact.Location && s.Label != redact.Postcode) {
		return false
	}
	for _, w := range ws {
		if !kt[w] {
			return false
		}
	}
	return true
}

func TestQualitySnapshot(t *testing.T) {
	path := filepath.Join("..", "fixtures", "snapshot", "gold.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Skip("no fixtures/snapshot/gold.jsonl")
	}
	if testing.Short() {
		t.Skip("snapshot scoring skipped in -short mode")
	}
	docs := readGold(t, path)
	find := finder(t)
	all := evaluate.NewScorer(evaluate.Options{MaxMisses: 10})
	known := evaluate.NewScorer(evaluate.Options{MaxMisses: -1})
	for _, d := range docs {
		pred := find(d)
		all.Add(d, pred)
		if d.Known == nil {
			continue
		}
		kt := knownTokens(d.Known)
		kd := d
		kd.Spans = nil
		for _, s := range d.Spans {
			if isKnownSpan(d, s, kt) {
				kd.Spans = append(kd.Spans, s)
			}
		}
		known.Add(kd, pred)
	}
	rep := all.Report()
	logReport(t, rep)
	for _, l := range patternLabels {
		if ls, ok := rep.Get(l); ok && ls.LeakRecall < 1 {
			t.Errorf("%s leak recall %.4f < 1", l, ls.LeakRecall)
		}
	}
	krep := known.Report()
	t.Logf("known identifiers: %d entities, leak recall %.4f", krep.Total.Entities, krep.Total.LeakRecall)
	if krep.Total.LeakRecall < 1 {
		for _, m := range krep.Misses {
			t.Logf("known miss %s %s %q", m.ID, m.Label, m.Text)
		}
		t.Errorf("known-identifier leak recall %.4f < 1", krep.Total.LeakRecall)
	}
}

// TestAddressFormats: whole street addresses in the written formats of
// many countries (testdata/address_formats.jsonl, written from the UPU
// address formats for the address grammar's tuning, not a dev split),
// each fully covered by the redactor with its NER model: a regression
// guard for the grammar, not a quality figure.
func TestAddressFormats(t *testing.T) {
	m, err := ner.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, err := redact.New(redact.Config{NER: m})
	if err != nil {
		t.Fatal(err)
	}
	docs := readGold(t, filepath.Join("testdata", "address_formats.jsonl"))
	rep := evaluate.ScoreSeq(func(yield func(redact.Document) bool) {
		for _, d := range docs {
			if !yield(d) {
				return
			}
		}
	}, func(d redact.Document) []redact.Span { return r.Find(d.Text, nil) }, evaluate.Options{MaxMisses: -1})
	if rep.Total.LeakRecall < 1 {
		for _, m := range rep.Misses {
			t.Errorf("address left partly visible: %s %q", m.ID, m.Text)
		}
	}
}
