// Package prosener wraps the named-entity extractor of
// github.com/jdkato/prose/v2 (v2.0.0, MIT licence) behind the same
// Entities call as package ner, so that `deid eval` can measure the listed
// library against deid's own model in the same run.
//
// It is a baseline, not a recognizer to rely on: prose is about 30 times
// slower than package ner and misses most lower-case names. Its PERSON maps
// to ner.Person and GPE to ner.Location; other labels are dropped.
//
// Invariants: one prose model is loaded once and shared read-only (prose
// reloads its model on every document unless one is passed in); sentence
// segmentation is off because prose rebuilds its segmenter on every call
// and entities do not need it; entity offsets are UTF-8 byte offsets into
// the input, on rune boundaries, in order and non-overlapping.
package prosener

import (
	"strings"
	"sync"

	"github.com/jdkato/prose/v2"

	"github.com/nhs-talking-therapies/deid/redact/ner"
)

// Model is the shared prose model. Safe for concurrent use: prose only
// reads its model while tagging.
type Model struct {
	m *prose.Model
}

var (
	once sync.Once
	def  *Model
)

// Default returns the prose model, loaded on first use (about half a
// second).
func Default() *Model {
	once.Do(func() {
		// prose exposes no constructor for its built-in model; a document
		// built without one loads it, and we keep that model.
		doc, err := prose.NewDocument("", prose.WithSegmentation(false))
		if err != nil || doc.Model == nil {
			def = &Model{}
			return
		}
		def = &Model{m: doc.Model}
	})
	return def
}

// Score is the fixed score reported for prose entities: prose gives no
// confidence.
const Score = 0.5

// Entities appends the PERSON and LOCATION entities prose finds in text to
// dst and returns it. A prose failure (an error or a panic inside the
// library) yields no entities: this is a baseline for measurement.
func (p *Model) Entities(text string, dst []ner.Entity) []ner.Entity {
	if p == nil || p.m == nil || strings.TrimSpace(text) == "" {
		return dst
	}
	var doc *prose.Document
	func() {
		defer func() {
			if recover() != nil {
				doc = nil
			}
		}()
		d, err := prose.NewDocument(text, prose.UsingModel(p.m), prose.WithSegmentation(false))
		if err == nil {
			doc = d
		}
	}()
	if doc == nil {
		return dst
	}
	clean, orig := sanitize(text)
	toks := doc.Tokens()
	// Locate each token in the sanitised text: prose's tokens are
	// substrings of it, in order.
	starts := make([]int, len(toks))
	ends := make([]int, len(toks))
	cur := 0
	for i, t := range toks {
		j := strings.Index(clean[cur:], t.Text)
		if t.Text == "" || j < 0 {
			starts[i], ends[i] = -1, -1
			continue
		}
		starts[i], ends[i] = cur+j, cur+j+len(t.Text)
		cur = ends[i]
	}
	// prose reports entities as space-joined token texts; match each to
	// the next run of tokens with those texts.
	ti := 0
	for _, e := range doc.Entities() {
		var label string
		switch e.Label {
		case "PERSON":
			label = ner.Person
		case "GPE", "LOCATION", "LOC", "FACILITY":
			label = ner.Location
		}
		parts := strings.Split(e.Text, " ")
		for k := ti; k+len(parts) <= len(toks); k++ {
			ok := true
			for j, p := range parts {
				if toks[k+j].Text != p || starts[k+j] < 0 {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			ti = k + len(parts)
			if label != "" {
				dst = append(dst, ner.Entity{Start: orig[starts[k]], End: orig[ends[k+len(parts)-1]], Label: label, Score: Score})
			}
			break
		}
	}
	return dst
}

// sanitize applies prose's own input replacements (curly quotes and
// &rsquo; to ASCII) and returns the result with a map from each of its
// byte offsets (and its length) to the offset in text.
func sanitize(text string) (string, []int) {
	var b strings.Builder
	b.Grow(len(text))
	orig := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		rep, n := "", 0
		switch {
		case strings.HasPrefix(text[i:], "\u201c"), strings.HasPrefix(text[i:], "\u201d"):
			rep, n = `"`, 3
		case strings.HasPrefix(text[i:], "\u2018"), strings.HasPrefix(text[i:], "\u2019"):
			rep, n = "'", 3
		case strings.HasPrefix(text[i:], "&rsquo;"):
			rep, n = "'", 7
		}
		if n > 0 {
			b.WriteString(rep)
			orig = append(orig, i)
			i += n
			continue
		}
		b.WriteByte(text[i])
		orig = append(orig, i)
		i++
	}
	orig = append(orig, len(text))
	return b.String(), orig
}
