// Package ner tags PERSON and LOCATION names in conversational, often
// lower-case British English.
//
// The tagger is a first-order structured perceptron (averaged weights, BIO
// tags, Viterbi decoding) over hashed sparse features: the word and its
// neighbours, affixes, shape, capitalisation in context (and whether the
// text uses capitals at all), gazetteer membership (first names by
// frequency, surnames, UK places, counties, frequent ordinary words, and
// world first names, surnames and places) and cue words ("my sister",
// "moved to", "dr"). It is trained by `deid train`; the
// trained model is embedded (model.bin, described in MODEL_CARD.md).
//
// Invariants:
//   - entity offsets are UTF-8 byte offsets into the input, Start < End,
//     on rune boundaries, in text order and non-overlapping;
//   - a Model is immutable after Load or Train and safe for concurrent use;
//     tagging allocates only when a text is longer than any seen before by
//     the pooled buffers;
//   - the same model and text give the same entities and scores;
//   - nothing here logs, and no error message carries input text.
//
// Package ner must not import package redact; it may import gazetteer and
// redact/entity (the entity type it shares with the redactor).
package ner

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/nhs-talking-therapies/deid/redact/entity"
)

// Labels the tagger emits.
const (
	Person   = entity.Person
	Location = entity.Location
)

// Entity is one tagged name (Score: Platt-scaled confidence). It is
// redact/entity's type, which the redactor consumes.
type Entity = entity.Entity

// Example is one training text with its gold spans. Spans whose label is
// not Person or Location are ignored (their tokens train as outside).
type Example struct {
	Text  string
	Spans []Entity
	// Source names the corpus the example comes from ("wnut17", "synth").
	// When Train tunes its decision threshold, every source weighs the
	// same, so a large and easy corpus cannot set the operating point
	// alone. Empty is a source of its own.
	Source string
}

//go:embed model.bin
var embedded []byte

var (
	defOnce  sync.Once
	defModel *Model
	defErr   error
)

// Default returns the embedded trained model, loaded on first use and
// shared read-only afterwards.
func Default() (*Model, error) {
	defOnce.Do(func() {
		defModel, defErr = Load(bytes.NewReader(embedded))
		if defErr != nil {
			defErr = fmt.Errorf("ner: embedded model: %w", defErr)
		}
	})
	return defModel, defErr
}
