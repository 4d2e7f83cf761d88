package parquetsink

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/schemas"
)

// Row holds one output row's values in the dataset's full column order
// (schemas.Dataset.Columns). A nil value is a null; the sink keeps only the
// columns the profile selected, so a row may carry values that are never
// written.
type Row []any

// Writer writes one dataset's Parquet file to a spool (see spoolFile) and
// writes the file itself only when it is published: encrypted for a profile
// that encrypts, so no page of it reaches the disk readable, and a crash
// never leaves a file that looks finished. A Writer is used by one
// goroutine.
type Writer struct {
	ds      schemas.Dataset
	path    string // final path
	spool   *spoolFile
	w       *parquet.GenericWriter[any]
	cols    []*parquet.ColumnWriter // one per written field, in pick order
	pick    []int                   // dataset column index of each written field
	levels  []levels                // of each written field
	rows    int64
	groupN  int64             // rows in the open row group
	groupAt int64             // rows per row group
	pending [][]parquet.Value // per written field: values of rows not yet handed over
	npend   int
	text    []int         // per written field: bytes of free text taken since its last page cut; -1 for other columns
	enc     *handover.Key // nil: plain Parquet
}

// levels are a field's definition levels: of a present value, and of the
// element of a list.
type levels struct{ def, elem int }

// writeBatch is how many rows are handed to parquet-go's column writers at
// once. parquet-go cuts a page only between calls, so this is also the
// granularity of page boundaries; it is what parquet-go's own row writer
// used (64 rows), so pages are cut where they were before.
const writeBatch = 64

// pageBytes is the size of a data page before compression.
const pageBytes = 1 << 20

// dictBytes bounds a column's dictionary, as pyarrow's and parquet-java's
// 1 MB dictionary page limit does: past it the column falls back to PLAIN
// for the rest of the row group. parquet-go checks the bound only when it
// cuts a page, and a dictionary-encoded page holds 4-byte indexes, so a
// free-text column's page would otherwise cover a whole row group's texts.
// The writer therefore cuts free-text pages itself, after every textPage
// bytes of text (counted as the PLAIN page would hold them, an
// overestimate of parquet-go's own count, so that parquet-go never cuts
// one first and leaves a sliver for the writer's cut): the column's
// dictionary stays under dictBytes+textPage, and once it has fallen back
// to PLAIN its pages are still textPage long.
const (
	dictBytes = 1 << 20
	textPage  = pageBytes * 9 / 10
	// textRowBytes is more than parquet-go's per-row bookkeeping of a
	// PLAIN text page (offset, length, row index, definition level).
	textRowBytes = 16
)

// parquetType maps a column to the Go field type parquet-go derives its
// schema from; nullable columns become pointers (OPTIONAL).
//
// The encoding is chosen per column from the schema, never from the data
// of a batch, so the same rows give the same file:
//   - categories, day offsets, scores, counts and redaction counts repeat
//     row after row: dictionary (RLE_DICTIONARY), bounded by a row group's
//     distinct values;
//   - identifiers (columns named *_id) are PLAIN: a patient, session or
//     message has one, so a dictionary holds nearly every value and saves
//     nothing over zstd on PLAIN (which shrinks an id's run of rows just as
//     well), while costing a hash lookup per row;
//   - free text is dictionary-encoded as pyarrow and parquet-java do it:
//     short turns ("yes", "okay") repeat, and a dictionary that outgrows
//     dictBytes falls back to PLAIN for the rest of the row group (see
//     Writer.flush), so it never holds more than a few MB of text;
//     PLAIN's length prefixes compress far better than parquet-go's default
//     DELTA_LENGTH_BYTE_ARRAY, whose bit-packed lengths zstd cannot shrink;
//   - booleans stay bit-packed PLAIN: smaller than a dictionary, and
//     pyarrow refuses a boolean dictionary.
func parquetType(c schemas.Column) (reflect.Type, string) {
	var t reflect.Type
	tag := c.Name
	dict := ""
	switch {
	case isIdentifier(c):
		dict = ",plain"
	case c.Type != schemas.Bool:
		dict = ",dict"
	}
	switch c.Type {
	case schemas.String:
		t = reflect.TypeOf("")
	case schemas.Int32:
		t = reflect.TypeOf(int32(0))
	case schemas.Bool:
		t = reflect.TypeOf(false)
	case schemas.Int32List:
		// parquet-go needs the element's optionality in its own tag.
		return reflect.TypeOf([]*int32(nil)), tag + `,list" parquet-element:",optional` + dict
	default:
		panic("schemas: unknown column type " + string(c.Type))
	}
	if c.Nullable {
		t = reflect.PointerTo(t)
		tag += ",optional"
	}
	return t, tag + dict
}

// isIdentifier reports whether a column holds one pseudonymous id per
// patient, session or message: the schemas name every such column *_id.
func isIdentifier(c schemas.Column) bool {
	return c.Type == schemas.String && strings.HasSuffix(c.Name, "_id")
}

// New opens a writer of dir/<dataset>/part-00000.parquet holding the
// selected columns (in the schema's order): row groups of rowGroupRows
// rows, createdBy in the footer, encrypted under encrypt when it is not
// nil. The file appears only when the writer is published. codec is shared
// by an extract's writers; dir is the extract's private staging folder,
// where the spool is made.
func New(dir string, ds schemas.Dataset, columns []string, rowGroupRows int64, createdBy string, encrypt *handover.Key, codec *Codec) (*Writer, error) {
	want := map[string]bool{}
	for _, c := range columns {
		want[c] = true
	}
	var fields []reflect.StructField
	var pick []int
	var textOpts []parquet.WriterOption
	for i, c := range ds.Columns {
		if !want[c.Name] {
			continue
		}
		if c.FreeText || isIdentifier(c) {
			// Minimum and maximum of free text or of ids help no reader:
			// no query filters text on them, and pseudonymous ids are
			// hashes spread evenly, so every page's bounds span nearly
			// the whole range and exclude nothing. They would put two
			// whole texts in the column index, and comparing every value
			// is a cost per row (docs/performance.md).
			textOpts = append(textOpts, parquet.SkipPageBounds(c.Name))
		}
		t, tag := parquetType(c)
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("F%d", i),
			Type: t,
			Tag:  reflect.StructTag(fmt.Sprintf(`parquet:"%s"`, tag)),
		})
		pick = append(pick, i)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("dataset %s: no columns selected", ds.Name)
	}
	typ := reflect.StructOf(fields)
	final := filepath.Join(dir, ds.Name, "part-00000.parquet")
	sp, err := newSpoolFile(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
	}
	schema := parquet.SchemaOf(reflect.New(typ).Elem().Interface())
	w := parquet.NewGenericWriter[any](sp, append([]parquet.WriterOption{
		schema,
		parquet.Compression(codec),
		// Version-1 data pages: in a version-2 page parquet-java (Spark,
		// Hive, Trino) leaves the levels out of the encrypted module while
		// pyarrow, polars and DuckDB encrypt the whole page, so no
		// encrypted v2 file opens in both. Every reader agrees on v1.
		parquet.DataPageVersion(1),
		// Pages of about 1 MB, as pyarrow and parquet-java cut them: each
		// page is compressed on its own, and free text compresses a third
		// better in 1 MB pages than in parquet-go's default 256 KB. The
		// codec's window (Codec) is a page.
		parquet.PageBufferSize(pageBytes),
		parquet.DictionaryMaxBytes(dictBytes),
		// Minimum and maximum per column chunk (the footer) and per page
		// (the column index) are written; the copy of a page's in its
		// header is not: no reader of the column index or the footer
		// needs it, and computing it again per page is a cost per value
		// (docs/performance.md).
		parquet.DataPageStatistics(false),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy("deid", createdBy, "deterministic"),
		parquet.KeyValueMetadata("deid.schema", ds.SchemaID()),
	}, textOpts...)...)
	d := &Writer{ds: ds, path: final, spool: sp, w: w, cols: w.ColumnWriters(), pick: pick,
		groupAt: rowGroupRows, pending: make([][]parquet.Value, len(pick)), enc: encrypt}
	if len(d.cols) != len(pick) {
		_ = sp.Close()
		return nil, fmt.Errorf("dataset %s: parquet-go made %d column writers for %d columns", ds.Name, len(d.cols), len(pick))
	}
	d.text = make([]int, len(pick))
	for fi, ci := range pick {
		if !ds.Columns[ci].FreeText {
			d.text[fi] = -1
		}
		var lv levels
		if ds.Columns[ci].Nullable {
			lv.def = 1
		}
		if ds.Columns[ci].Type == schemas.Int32List {
			lv = levels{def: 1, elem: 2}
		}
		d.levels = append(d.levels, lv)
	}
	return d, nil
}

// Write appends one row. Values go straight to parquet-go's column writers,
// levelled by hand: parquet-go's reflection cannot deconstruct a list of
// optional elements, and its row writer splits rows back into columns,
// which costs more than building them column by column. A required
// value keeps the zero levels it was made with; a column writer takes no
// column index. The row is first checked against the schema (checkRow),
// so a row of the wrong length or a value of the wrong type stops the run
// with the column named. After an error the writer's columns may be out of
// step: the caller aborts and the file is removed. The writer keeps no
// reference to r, which the caller may reuse.
func (d *Writer) Write(r Row) error {
	if err := checkRow(&d.ds, r, d.rows+1); err != nil {
		return err
	}
	for fi, ci := range d.pick {
		c := &d.ds.Columns[ci]
		col := d.pending[fi]
		val := r[ci]
		lv := d.levels[fi]
		if c.Type == schemas.Int32List {
			items, _ := val.([]*int32)
			if len(items) == 0 {
				d.pending[fi] = append(col, parquet.NullValue())
				continue
			}
			for i, it := range items {
				rep := 1
				if i == 0 {
					rep = 0
				}
				if it == nil {
					col = append(col, parquet.NullValue().Level(rep, lv.def, 0))
				} else {
					col = append(col, parquet.Int32Value(*it).Level(rep, lv.elem, 0))
				}
			}
			d.pending[fi] = col
			continue
		}
		if val == nil {
			if !c.Nullable {
				return fmt.Errorf("dataset %s row %d: column %s: null in a required column", d.ds.Name, d.rows+1, c.Name)
			}
			d.pending[fi] = append(col, parquet.NullValue())
			continue
		}
		var v parquet.Value
		switch x := val.(type) {
		case string:
			// parquet-go copies the bytes into its column buffer, and the
			// string outlives the pending row: no copy is needed here.
			v = parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(x), len(x)))
			if d.text[fi] >= 0 {
				d.text[fi] += len(x)
			}
		case int32:
			v = parquet.Int32Value(x)
		case int:
			v = parquet.Int32Value(int32(x))
		case bool:
			v = parquet.BooleanValue(x)
		default:
			return fmt.Errorf("dataset %s row %d: column %s: unsupported value type %T", d.ds.Name, d.rows+1, c.Name, val)
		}
		if lv.def != 0 {
			v = v.Level(0, lv.def, 0)
		}
		d.pending[fi] = append(col, v)
	}
	d.npend++
	d.rows++
	if d.npend == writeBatch || d.groupN+int64(d.npend) == d.groupAt {
		return d.flush()
	}
	return nil
}

// flush hands the pending rows to the column writers and closes the row
// group when it is full.
func (d *Writer) flush() error {
	if d.npend == 0 {
		return nil
	}
	for fi, cw := range d.cols {
		n, err := cw.WriteRowValues(d.pending[fi])
		if err == nil && n != d.npend {
			err = fmt.Errorf("column %s took %d rows of %d", d.ds.Columns[d.pick[fi]].Name, n, d.npend)
		}
		if err != nil {
			return fmt.Errorf("dataset %s rows %d to %d: %w", d.ds.Name, d.rows-int64(d.npend)+1, d.rows, err)
		}
		// The values hold pointers into row strings; clear them so a
		// finished batch does not keep its texts alive.
		clear(d.pending[fi])
		d.pending[fi] = d.pending[fi][:0]
		if d.text[fi] < 0 {
			continue
		}
		if d.text[fi] += textRowBytes * d.npend; d.text[fi] >= textPage {
			// A page cut is where parquet-go checks the dictionary's
			// size (dictBytes).
			d.text[fi] = 0
			if err := cw.Flush(); err != nil {
				return fmt.Errorf("dataset %s page ending at row %d: %w", d.ds.Name, d.rows, err)
			}
		}
	}
	d.groupN += int64(d.npend)
	d.npend = 0
	if d.groupN == d.groupAt {
		d.groupN = 0
		for fi := range d.text {
			d.text[fi] = min(d.text[fi], 0)
		}
		if err := d.w.Flush(); err != nil {
			return fmt.Errorf("dataset %s row group ending at row %d: %w", d.ds.Name, d.rows, err)
		}
	}
	return nil
}

// Close finishes the file and publishes it (Finish, then Publish).
func (d *Writer) Close(ctx context.Context) error {
	if err := d.Finish(); err != nil {
		d.Abort()
		return err
	}
	return d.Publish(ctx)
}

// Finish completes the Parquet file in the spool, which frees the row
// group's buffers; Publish writes it out. No row may be written after it.
func (d *Writer) Finish() error {
	err := d.flush()
	if err == nil {
		err = d.w.Close()
	}
	if err != nil {
		return fmt.Errorf("dataset %s: finishing file: %w", d.ds.Name, err)
	}
	return nil
}

// Publish writes the finished file (see Finish) to its path, a new file,
// encrypting it when the writer was given a key, and syncs it; the spool is
// then closed (and, being unlinked, gone). The writer is spent either way.
func (d *Writer) Publish(ctx context.Context) (err error) {
	defer d.Abort()
	defer func() {
		if err != nil {
			err = fmt.Errorf("dataset %s: writing file: %w", d.ds.Name, err)
		}
	}()
	if err := os.MkdirAll(filepath.Dir(d.path), 0o750); err != nil {
		return err
	}
	f, err := createFile(d.path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if d.enc != nil {
		err = handover.EncryptParquet(ctx, bw, d.spool, d.spool.size, *d.enc)
	} else {
		_, err = io.Copy(bw, io.NewSectionReader(d.spool, 0, d.spool.size))
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Abort drops the spool; what it held goes with it. It may be called more
// than once, and after Publish.
func (d *Writer) Abort() {
	if d.spool != nil {
		_ = d.spool.Close()
		d.spool = nil
	}
}

// Rows returns the number of rows written so far.
func (d *Writer) Rows() int64 { return d.rows }

// Path returns the file's final path, where Publish writes it.
func (d *Writer) Path() string { return d.path }

// createFile creates a new file for writing: it fails if anything, a
// symlink included, is already at path.
func createFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|oNoFollow, 0o640)
}
