package nereval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact/ner"
)

// devSplits are the fixed DEV splits of issue 15: scored only, never
// trained or tuned on (MODEL_CARD.md lists the training corpora).
var devSplits = []struct {
	name, path string
	// floors are the leak recalls the committed model must keep, set a
	// little under what it measures so that a retrain that loses ground
	// on unseen text fails here.
	floors map[string]float64
}{
	{"news (wikigold)", "../../../../shared/eval/ner/wikigold.jsonl", map[string]float64{ner.Person: 0.90, ner.Location: 0.88}},
	{"social (btc_h)", "../../../../shared/eval/ner/btc_h.jsonl", map[string]float64{ner.Person: 0.92, ner.Location: 0.76}},
	{"web (uner_ewt_test)", "../../../../shared/eval/ner/uner_ewt_test.jsonl", map[string]float64{ner.Person: 0.92, ner.Location: 0.88}},
}

// modelUnderTest is the embedded model, or the model file named by
// DEID_NER_MODEL, so that a candidate written by `deid train --out` can be
// scored on the DEV splits before it replaces model.bin.
func modelUnderTest(tb testing.TB) *ner.Model {
	tb.Helper()
	path := os.Getenv("DEID_NER_MODEL")
	if path == "" {
		m, err := ner.Default()
		if err != nil {
			tb.Fatal(err)
		}
		return m
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	m, err := ner.Load(f)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// TestDevSplits scores the tagger alone (without the other recognizers of
// package redact) on each DEV split: leak recall and overlap precision per
// label. DEID_NER_EVAL, a comma-separated list of JSON Lines files, scores
// those files instead (and checks no floor). Files that are absent skip.
func TestDevSplits(t *testing.T) {
	m := modelUnderTest(t)
	splits := devSplits
	if env := os.Getenv("DEID_NER_EVAL"); env != "" {
		splits = nil
		for _, p := range strings.Split(env, ",") {
			splits = append(splits, struct {
				name, path string
				floors     map[string]float64
			}{filepath.Base(p), p, nil})
		}
	}
	for _, sp := range splits {
		t.Run(sp.name, func(t *testing.T) {
			docs := loadGold(t, sp.path)
			res := score(docs, m.Entities)
			for _, l := range []string{ner.Person, ner.Location} {
				t.Logf("ner %-8s %v", l, res[l])
				if f, ok := sp.floors[l]; ok && os.Getenv("DEID_NER_MODEL") == "" && res[l].leakRecall() < f {
					t.Errorf("%s: leak recall %.3f below %.2f", l, res[l].leakRecall(), f)
				}
			}
		})
	}
}
