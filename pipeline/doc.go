// Package pipeline runs one extract: one profile (Profile) over one source
// snapshot, read and decoded by package source, into Parquet datasets with
// a manifest, a data dictionary and reports (Extract); and turns an
// encrypted extract into plain Parquet (DecryptExtract). Checking an
// extract before it leaves is package verify's, which reads the manifest
// from here. The map of the stages, the packages and a record's path from
// a source line to a Parquet row is docs/ARCHITECTURE.md.
//
// Files by what they provide:
//   - the extract: extract.go (Extract, the steps, free-text records),
//     stream.go (the ordered stream over internal/ordered), research.go (questionnaires,
//     patients and outcomes tables), report.go (Report, the record types),
//     state.go and caches.go (what the run keeps per patient and session,
//     over internal/statefile, with the collector's memos of its last
//     lookups: lastLookup, turnTable), audit.go, generalise.go,
//     keys.go (Pseudonymiser), redactor.go;
//   - writing: rows.go (each dataset's columns' places in its rows,
//     resolved by name once), jsonenc.go, manifest.go (Manifest, its seal
//     and what verify checks it by), outdir.go (staging, locks, what deid
//     may delete); the Parquet files themselves are pipeline/parquetsink's;
//   - profile.go (Profile); decrypt.go (DecryptExtract).
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
