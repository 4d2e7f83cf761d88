// Package source defines the records of a source snapshot: one Go type per
// record type (patients, opt-outs, sessions, transcripts, messages, notes,
// questionnaires), with the field names of the JSON Lines keys and CSV
// headers (docs/ARCHITECTURE.md, Inputs). The synthetic generator writes
// these types; pipeline decodes input into them.
//
// Invariants: the package does no I/O and holds no state; a field's JSON
// name is the input field name, so encoding a record gives a valid input
// line.
package source
