// Package source reads a source snapshot: which files hold a record type
// (Files), the formats (JSON Lines, CSV and Parquet; JSON Lines and CSV
// optionally gzip or zstd compressed), the records they hold (Read,
// ReadLazy: a Record of undecoded Fields, or the fixed reason it could not
// be split), and decoding and validation into one Go type per record type
// (Decoder, DecodePatient ... DecodeQuestionnaire, with the types of
// records.go: patients, opt-outs, sessions, transcripts, messages, notes,
// questionnaires; field names are the JSON Lines keys and CSV headers,
// docs/ARCHITECTURE.md, Inputs). The extract and verify read through it;
// the synthetic generator writes its record types. ReadLine is the one
// line reader of JSON Lines input, shared by the extract and `deid redact`
// and `deid eval`.
//
// Invariants:
//   - memory is bounded per record whatever the input holds: a line (or CSV
//     record) longer than MaxLineBytes is consumed, not buffered, and comes
//     back as a Record with an error; nesting is bounded; a Parquet file's
//     footer is checked before parquet-go allocates what it claims;
//   - every file that could be meant as a record type is read or refused,
//     never skipped; one format per record type;
//   - errors locate (file, line or row, field) and never carry a value: a
//     Record's Err is one of a closed set of reasons, a FieldError names
//     its field and says why in fixed words; a field named like a
//     privacy-critical one (nhs_number, research_opt_out, patient_id) but
//     not exactly is a fatal error, never an unknown field;
//   - unknown fields are counted (Decoder.Unknown), never an error;
//   - JSON Lines, CSV and Parquet share one decoder, so one value means the
//     same in every format; a duplicated field name is an error (fail
//     closed);
//   - splitting and decoding allocate nothing per record beyond the values
//     kept: fields are views of the line, lines are copied into shared
//     slabs, a Decoder can be reset in place; a view (Decoder.View) is for
//     use while the record is handled, never kept;
//   - the package holds no state and opens only the files it is given; a
//     field's JSON name in records.go is the input field name, so encoding
//     a record gives a valid input line.
package source
