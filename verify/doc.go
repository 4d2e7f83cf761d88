// Package verify checks a finished extract the way a partner or auditor
// would (Extract), and is the gate an extract passes before it leaves
// (`deid verify`, and `deid decrypt` before it writes anything):
//   - the manifest's seal: with an output key, an HMAC under a key derived
//     from the partner's key (pipeline.Manifest.Seal), which nobody editing
//     the folder can recompute; without one, an unkeyed SHA-256, said so on
//     every run;
//   - every file's presence (a regular file inside the folder), size,
//     SHA-256, and nothing unlisted;
//   - each Parquet file's encryption (as the manifest says), schema against
//     package schemas, row count, and every string value against its
//     column's allowed values or shape (columnRule, values.go; the
//     enumerations and code shapes are source's, so verify holds the output
//     to the rules the input was decoded by);
//   - given the source snapshot, read through package source's reader and
//     decoders, a leak scan of every string column of every dataset, on
//     the normalised view of the text (redact/textnorm), against every
//     known identifier of every patient in the source, dates of birth
//     included; given the pseudonym key, opted-out patients' research ids.
//
// Invariants:
//   - fail closed: whatever verify cannot read (a file, a row, the
//     manifest) is a failure, never a skip; a source record that cannot be
//     decoded still gives up its identifiers to the leak scan;
//   - a check that cannot run for want of the source or a key is listed in
//     one "not checked" notice (NotChecked), so an OK never implies more
//     than was checked;
//   - problems name the file, row, column and identifier type, never the
//     identifier or the value;
//   - decrypted bytes never reach the disk in the clear (sealedTemp,
//     sealedtemp.go);
//   - verify writes nothing into the extract; pipeline never imports it.
package verify
