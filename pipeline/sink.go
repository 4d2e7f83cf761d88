package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/schemas"
)

// Row holds one output row's values in the dataset's full column order
// (schemas.Dataset.Columns). A nil value is a null; the sink keeps only the
// columns the profile selected, so a row may carry values that are never
// written.
type Row []any

// datasetWriter writes one dataset's Parquet file under a temporary name and
// renames it when Close succeeds, so a crash never leaves a file that looks
// finished.
type datasetWriter struct {
	ds   schemas.Dataset
	path string // final path
	tmp  string
	f    *os.File
	w    *parquet.GenericWriter[any]
	typ  reflect.Type
	pick []int // dataset column index of each written field
	rows int64
	row  parquet.Row   // reused between rows
	enc  *handover.Key // nil: plain Parquet
}

// parquetType maps a column to the Go field type parquet-go derives its
// schema from; nullable columns become pointers (OPTIONAL).
func parquetType(c schemas.Column) (reflect.Type, string) {
	var t reflect.Type
	tag := c.Name
	switch c.Type {
	case schemas.String:
		t = reflect.TypeOf("")
	case schemas.Int32:
		t = reflect.TypeOf(int32(0))
	case schemas.Bool:
		t = reflect.TypeOf(false)
	case schemas.Int32List:
		// parquet-go needs the element's optionality in its own tag.
		return reflect.TypeOf([]*int32(nil)), tag + `,list" parquet-element:",optional`
	default:
		panic("schemas: unknown column type " + string(c.Type))
	}
	if c.Nullable {
		t = reflect.PointerTo(t)
		tag += ",optional"
	}
	return t, tag
}

// newDatasetWriter opens dir/<dataset>/part-00000.parquet for the selected
// columns, in dictionary order.
func newDatasetWriter(dir string, ds schemas.Dataset, columns []string, rowGroupRows int64, createdBy string, encrypt *handover.Key) (*datasetWriter, error) {
	want := map[string]bool{}
	for _, c := range columns {
		want[c] = true
	}
	var fields []reflect.StructField
	var pick []int
	for i, c := range ds.Columns {
		if !want[c.Name] {
			continue
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
	sub := filepath.Join(dir, ds.Name)
	if err := os.MkdirAll(sub, 0o750); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
	}
	final := filepath.Join(sub, "part-00000.parquet")
	tmp := final + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
	}
	schema := parquet.SchemaOf(reflect.New(typ).Elem().Interface())
	w := parquet.NewGenericWriter[any](f, schema,
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy("deid", createdBy, "deterministic"),
		parquet.KeyValueMetadata("deid.schema", ds.SchemaID()),
	)
	return &datasetWriter{ds: ds, path: final, tmp: tmp, f: f, w: w, typ: typ, pick: pick, enc: encrypt}, nil
}

// Write appends one row. Values are levelled by hand rather than through
// parquet-go's reflection (which cannot deconstruct a list of optional
// elements) and it is several times faster.
func (d *datasetWriter) Write(r Row) error {
	row := d.row[:0]
	for fi, ci := range d.pick {
		c := d.ds.Columns[ci]
		val := r[ci]
		if c.Type == schemas.Int32List {
			items, _ := val.([]*int32)
			if len(items) == 0 {
				row = append(row, parquet.NullValue().Level(0, 0, fi))
				continue
			}
			for i, it := range items {
				rep := 1
				if i == 0 {
					rep = 0
				}
				if it == nil {
					row = append(row, parquet.NullValue().Level(rep, 1, fi))
				} else {
					row = append(row, parquet.Int32Value(*it).Level(rep, 2, fi))
				}
			}
			continue
		}
		def := 0
		if c.Nullable {
			def = 1
		}
		if val == nil {
			if !c.Nullable {
				return fmt.Errorf("dataset %s row %d: column %s: null in a required column", d.ds.Name, d.rows+1, c.Name)
			}
			row = append(row, parquet.NullValue().Level(0, 0, fi))
			continue
		}
		var v parquet.Value
		switch x := val.(type) {
		case string:
			v = parquet.ByteArrayValue([]byte(x))
		case int32:
			v = parquet.Int32Value(x)
		case int:
			v = parquet.Int32Value(int32(x))
		case bool:
			v = parquet.BooleanValue(x)
		default:
			return fmt.Errorf("dataset %s row %d: column %s: unsupported value type %T", d.ds.Name, d.rows+1, c.Name, val)
		}
		row = append(row, v.Level(0, def, fi))
	}
	d.row = row
	if _, err := d.w.WriteRows([]parquet.Row{row}); err != nil {
		return fmt.Errorf("dataset %s row %d: %w", d.ds.Name, d.rows+1, err)
	}
	d.rows++
	return nil
}

// Close finishes the file, syncs it and moves it into place: renamed, or
// rewritten encrypted (the plain temporary file is then removed).
func (d *datasetWriter) Close(ctx context.Context) error {
	err := d.w.Close()
	if err == nil {
		err = d.f.Sync()
	}
	if cerr := d.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if d.enc != nil {
			err = handover.EncryptParquetFile(ctx, d.tmp, d.path, *d.enc)
		} else {
			err = os.Rename(d.tmp, d.path)
		}
	}
	_ = os.Remove(d.tmp)
	if err != nil {
		return fmt.Errorf("dataset %s: finishing file: %w", d.ds.Name, err)
	}
	return nil
}

// Abort removes the unfinished file.
func (d *datasetWriter) Abort() {
	_ = d.f.Close()
	_ = os.Remove(d.tmp)
}
