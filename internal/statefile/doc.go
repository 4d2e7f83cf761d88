// Package statefile is the extract's scratch store on disk: what a run
// keeps per patient, session and message lives here instead of in memory,
// so that memory stays the same whatever the snapshot's size and only the
// file grows.
//
// It provides a PageStore (fixed-size pages with a CLOCK cache of a fixed
// number of frames), an Index over it (linear hashing: Key to fixed-size
// value), a RecordArray over it (fixed-size records by number) and a Spill
// (variable-length entries, appended, addressed by Ref).
//
// Invariants:
//   - nothing outlives the process: every file is unlinked as soon as it is
//     created, and every page and entry is sealed with AES-256-GCM under a
//     key made for the run and never written anywhere; nonces never repeat
//     (a counter for pages, the offset for entries) and a page's number is
//     its additional data, so a page cannot be swapped for another;
//   - a corrupt page or entry is an error, never data;
//   - layout never reaches an output: iteration order is never used and
//     keys are compared whole;
//   - PageStore, Index and RecordArray are not safe for concurrent use
//     (the caller serialises them); Spill is.
package statefile

// Key stands for a source identifier (patient, session or message id) in
// an Index: 128 bits, compared whole. The caller makes it (pipeline hashes
// the id with two independently seeded hashes).
type Key [2]uint64
