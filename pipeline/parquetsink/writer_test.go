package parquetsink

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/nhs-talking-therapies/deid/schemas"
	"github.com/parquet-go/parquet-go"
)

// everyColumn returns a dataset, all its column names and a codec, for a
// writer of every column.
func everyColumn(t *testing.T, name string) (schemas.Dataset, []string, *Codec) {
	t.Helper()
	ds, ok := schemas.Lookup(name)
	if !ok {
		t.Fatalf("no dataset %s", name)
	}
	var cols []string
	for _, c := range ds.Columns {
		cols = append(cols, c.Name)
	}
	codec, err := NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	return ds, cols, codec
}

// Free-text and identifier columns carry no minimum or maximum (two whole
// texts per page, of use to no query; hashes whose bounds exclude
// nothing); every other column keeps its statistics for readers' filters.
func TestFreeTextColumnsHaveNoBounds(t *testing.T) {
	ds, cols, codec := everyColumn(t, "transcripts")
	dir := t.TempDir()
	w, err := New(dir, ds, cols, 1000, "test", nil, codec)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"I saw [PERSON] on Monday.", "Fine thanks.", "zzz"} {
		row := Row{"r0123", "s0001", int32(1), int32(i + 1), "patient", int32(3), text, int32(1), `{"PERSON":1}`}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "transcripts", "part-00000.parquet")
	pf, _ := openParquet(t, path)
	free := map[string]bool{}
	for _, c := range ds.Columns {
		free[c.Name] = c.FreeText || isIdentifier(c)
	}
	var checked int
	for _, rg := range pf.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			name := cc.MetaData.PathInSchema[0]
			s := cc.MetaData.Statistics
			has := len(s.MinValue) > 0 || len(s.MaxValue) > 0 || len(s.Min) > 0 || len(s.Max) > 0
			if has == free[name] {
				t.Errorf("column %s (free text %v): bounds present = %v", name, free[name], has)
			}
			checked++
		}
	}
	if checked != len(cols) {
		t.Fatalf("checked %d column chunks, want %d", checked, len(cols))
	}
}

// The writer levels values itself and feeds parquet-go's column writers
// directly, so what it writes is read back here through parquet-go's own
// row reader: nulls, lists with null elements, empty lists, and row groups
// cut at exactly the configured size whatever the batch boundaries.
func TestDatasetWriterRoundTrip(t *testing.T) {
	ds, cols, codec := everyColumn(t, "questionnaires")
	i32 := func(v int32) *int32 { return &v }
	for _, tc := range []struct {
		rows, group int
	}{
		{rows: 1, group: 10},
		{rows: 64, group: 64},
		{rows: 200, group: 70}, // groups end inside a write batch
		{rows: 1000, group: 65536},
	} {
		dir := t.TempDir()
		w, err := New(dir, ds, cols, int64(tc.group), "test", nil, codec)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]Row, tc.rows)
		for r := range want {
			var sid, seq, caseness any
			var items []*int32
			switch r % 3 {
			case 0: // everything present
				sid, seq, caseness = fmt.Sprintf("s%05d", r), int32(r), r%2 == 0
				items = []*int32{i32(int32(r % 4)), i32(1), i32(2)}
			case 1: // nulls, and a list with a null element first
				items = []*int32{nil, i32(3)}
			case 2: // an empty list (written as null)
				sid = "s-empty"
			}
			want[r] = Row{fmt.Sprintf("r%04d", r), sid, seq, "PHQ9", int32(r - 5), items, int32(r % 28), "mild", caseness, r%5 == 0}
			if err := w.Write(want[r]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		pf, _ := openParquet(t, filepath.Join(dir, "questionnaires", "part-00000.parquet"))
		for g, rg := range pf.RowGroups() {
			wantN := min(tc.group, tc.rows-g*tc.group)
			if rg.NumRows() != int64(wantN) {
				t.Errorf("%d rows, groups of %d: group %d has %d rows, want %d", tc.rows, tc.group, g, rg.NumRows(), wantN)
			}
		}
		rd := parquet.NewReader(pf)
		got := make([]parquet.Row, 1)
		for r := 0; r < tc.rows; r++ {
			if n, err := rd.ReadRows(got); n != 1 {
				t.Fatalf("row %d: %v", r, err)
			}
			var items []*int32
			var flat []any
			got[0].Range(func(ci int, vals []parquet.Value) bool {
				if ds.Columns[ci].Type == schemas.Int32List {
					for _, v := range vals {
						if v.IsNull() {
							if v.DefinitionLevel() == 1 {
								items = append(items, nil)
							}
							continue
						}
						items = append(items, i32(v.Int32()))
					}
					flat = append(flat, items)
					return true
				}
				v := vals[0]
				switch {
				case v.IsNull():
					flat = append(flat, nil)
				case v.Kind() == parquet.ByteArray:
					flat = append(flat, string(v.ByteArray()))
				case v.Kind() == parquet.Int32:
					flat = append(flat, v.Int32())
				case v.Kind() == parquet.Boolean:
					flat = append(flat, v.Boolean())
				}
				return true
			})
			if g, w := fmt.Sprint(deref(flat)), fmt.Sprint(deref(want[r])); g != w {
				t.Fatalf("%d rows, groups of %d: row %d = %s, want %s", tc.rows, tc.group, r, g, w)
			}
		}
		rd.Close()
	}
}

// deref prints list elements by value, so rows compare by content.
func deref(r []any) []any {
	out := make([]any, len(r))
	for i, v := range r {
		if items, ok := v.([]*int32); ok {
			var s []any
			for _, it := range items {
				if it == nil {
					s = append(s, nil)
				} else {
					s = append(s, *it)
				}
			}
			v = s
		}
		out[i] = v
	}
	return out
}

// openParquet opens a written file for reading back, as a Parquet file and
// as the file under it (for page headers); both are closed when the test
// ends.
func openParquet(t *testing.T, path string) (*parquet.File, *os.File) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	return pf, f
}
