// Package entity is the shape of a tagged name that a named-entity model
// hands to the redactor: the one type both sides share, so that package
// redact depends on no model and a model depends on nothing of redact.
// redact.NER speaks this type; redact/ner's Model (and redact/prosener's
// adapter) return it.
//
// Invariants: offsets are UTF-8 byte offsets into the tagged text, Start <
// End; Label is Person or Location (a consumer drops any other); Score is
// in 0..1. The package holds no state and imports nothing of the module.
package entity

// Labels a model emits.
const (
	Person   = "PERSON"
	Location = "LOCATION"
)

// Entity is one tagged name.
type Entity struct {
	Start, End int     // UTF-8 byte offsets into the text, End exclusive
	Label      string  // Person or Location
	Score      float64 // 0..1, the model's confidence
}
