package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nhs-talking-therapies/deid/schemas"
	"github.com/parquet-go/parquet-go"
)

// Free-text columns carry no minimum or maximum (two whole texts per page
// header, of use to no query); every other column keeps its statistics
// for readers' filters.
func TestFreeTextColumnsHaveNoBounds(t *testing.T) {
	ds, _ := schemas.Lookup("transcripts")
	var cols []string
	for _, c := range ds.Columns {
		cols = append(cols, c.Name)
	}
	codec, err := newZstdCodec()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w, err := newDatasetWriter(dir, ds, cols, 1000, "test", nil, codec)
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
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	free := map[string]bool{}
	for _, c := range ds.Columns {
		free[c.Name] = c.FreeText
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
