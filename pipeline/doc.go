// Package pipeline runs one extract: one profile (Profile) over one source
// snapshot, into Parquet datasets with a manifest, a data dictionary and
// reports (Extract); and checks an extract before it leaves (Verify) or
// turns an encrypted one into plain Parquet (DecryptExtract). The map of
// the stages, the packages and a record's path from a source line to a
// Parquet row is docs/ARCHITECTURE.md.
//
// Files by what they provide:
//   - the extract: extract.go (Extract, the steps, free-text records),
//     stream.go (the ordered stream over internal/ordered), research.go (questionnaires,
//     patients and outcomes tables), report.go (Report, the record types),
//     state.go and caches.go (what the run keeps per patient and session,
//     over internal/statefile, with the collector's memos of its last
//     lookups: lastLookup, turnTable; countsValues), audit.go, rowcheck.go, generalise.go,
//     keys.go (Pseudonymiser), redactor.go;
//   - reading: source.go (files, formats, line and row readers),
//     jsonscan.go, decode.go (validation into source's record types);
//   - writing: sink.go (Parquet), jsonenc.go, manifest.go (Manifest, seal),
//     outdir.go (staging, locks, what deid may delete);
//   - profile.go (Profile); verify*.go (Verify); decrypt.go.
//
// Invariants:
//   - fail closed: a patient whose opt-out status cannot be read is
//     excluded, and an opt-out or privacy-critical field that cannot be read
//     stops the run; a bad record is quarantined with its file, line and
//     field, never its value;
//   - deterministic: the same snapshot, profile and keys give byte-identical
//     outputs, whatever the worker count or cache sizes (records are
//     admitted, numbered and written in input order);
//   - memory is bounded by batch and cache sizes, never by the snapshot:
//     text streams in batches, per-patient state lives in the run's state
//     file;
//   - no log line, error or panic carries input text, a name or an
//     identifier; nothing is deleted or replaced that deid did not create.
package pipeline
