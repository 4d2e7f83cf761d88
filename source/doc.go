// Package source defines the records of a source snapshot: one Go type per
// record type (patients, opt-outs, sessions, transcripts, messages, notes,
// questionnaires), with the field names of the JSON Lines keys and CSV
// headers (docs/ARCHITECTURE.md, Inputs). The synthetic generator writes
// these types; pipeline decodes input into them. ReadLine is the one line
// reader of JSON Lines input, shared by the extract and `deid redact` and
// `deid eval`.
//
// Invariants: the package opens no file and holds no state; a field's JSON
// name is the input field name, so encoding a record gives a valid input
// line; ReadLine's memory is bounded by its max whatever the input.
package source
