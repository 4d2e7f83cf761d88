// Package parquetsink writes an extract's datasets as Parquet files, one
// file per dataset, and publishes each when the extract is done with it.
//
// A Writer takes Rows: one value per column of the dataset's schema
// (schemas.Dataset.Columns, in its order), each nil (a null) or of the
// column's type. It keeps only the columns the profile selected.
//
// Invariants:
//   - Every row is checked at Write: a row with a value too many or too
//     few, or a value of another type than its column's, is an error
//     naming the dataset, row and column, never a value; so is a null in
//     a required column. Nothing shifts silently into the wrong column.
//   - Compression is zstd (Codec), with a window of one page; encodings
//     are chosen per column from the schema, never from the data.
//   - Memory is bounded: rows reach parquet-go's column writers in
//     batches of writeBatch rows, row groups hold at most the profile's
//     rows, pages are about pageBytes, and a free-text column's dictionary
//     is cut off near dictBytes.
//   - Until it is published a file exists only in a spool: a file in the
//     extract's private staging folder, unlinked as soon as it is made and
//     sealed under a key that lives only in the process, so nothing of it
//     is readable on disk or outlives a crash.
//   - Publish writes the finished file to a new path (never over an
//     existing file or through a symlink) and syncs it, encrypted with
//     pipeline/handover (Parquet Modular Encryption) when the writer was
//     given a key.
//   - Output is deterministic: the same rows, schema, selection and
//     options give the same bytes (no timestamps or random values reach
//     the file; the spool's key does not survive it).
package parquetsink
