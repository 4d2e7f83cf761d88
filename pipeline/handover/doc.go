// Package handover encrypts finished extract files for a partner and loads
// the keys that do it.
//
// Encryption is Parquet Modular Encryption (the Apache Parquet spec,
// Encryption.md): AES_GCM_V1, uniform (one AES-256 key for the footer and
// every column), encrypted footer ("PARE" magic). The partner reads the files
// directly with pyarrow (pyarrow.parquet.encryption), polars or parquet-java
// (Spark, Hive, Trino) given the key; no deid is needed. See fixtures/interop
// for the partner-side commands that the tests run.
//
// parquet-go v0.32 can write encrypted Parquet itself, but its files are not
// readable by pyarrow or DuckDB (measured: its module type numbers, the
// encrypted page sizes in page headers and the dictionary-page AAD differ
// from the spec, and its plaintext-footer signature is computed differently;
// its nonces are random, too). So this package encrypts after the fact:
// EncryptParquet reads a finished plaintext Parquet file and rewrites every
// module (page headers, pages, column and offset indexes, bloom filters,
// footer) as spec AES-GCM modules, leaving the encoded data untouched.
// DecryptParquet is the exact inverse, for deid verify.
//
// Invariants:
//   - Output is deterministic: the same plaintext file and key give the same
//     bytes. GCM nonces are synthetic (an HMAC of the module's AAD and
//     plaintext under a key derived from the encryption key), so a nonce
//     repeats only where the AAD and plaintext repeat too, which yields the
//     identical ciphertext and reveals nothing new; the per-file AAD
//     identifier is an HMAC of the whole plaintext file's SHA-256, so modules
//     cannot be swapped between files undetected.
//   - Fail closed: a file this package does not fully understand (column
//     chunks in other files, already-encrypted input, unknown page types,
//     bytes not described by the footer) is an error, never copied through.
//   - Only version-1 data pages are encrypted: readers disagree on what an
//     encrypted version-2 page covers (parquet-java leaves its levels in
//     the clear, pyarrow, polars and DuckDB do not), so a v2 page is
//     refused rather than written into a file some partner cannot open.
//     Decryption accepts both.
//   - Keys are never printed: Key's String/Format/MarshalJSON show only its ID
//     and fingerprint; errors name the environment variable or file.
package handover
