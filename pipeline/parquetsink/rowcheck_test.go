package parquetsink

import (
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/schemas"
)

// TestCheckRow: a row must hold one value per schema column, each nil or of
// the column's type; the error names the dataset, row and column, never a
// value.
func TestCheckRow(t *testing.T) {
	ds := schemas.Dataset{Name: "demo", Columns: []schemas.Column{
		{Name: "research_id", Type: schemas.String},
		{Name: "turn", Type: schemas.Int32},
		{Name: "caseness", Type: schemas.Bool, Nullable: true},
		{Name: "items", Type: schemas.Int32List},
	}}
	one := int32(1)
	for _, tc := range []struct {
		name string
		row  Row
		want string
	}{
		{"whole row", Row{"ab12", int32(3), true, []*int32{&one, nil}}, ""},
		{"int for int32, nulls", Row{"ab12", 3, nil, nil}, ""},
		{"column added to the schema, not the row", Row{"ab12", int32(3), true}, "dataset demo row 7: 3 values for 4 columns"},
		{"value too many", Row{"ab12", int32(3), true, nil, "x"}, "dataset demo row 7: 5 values for 4 columns"},
		{"values swapped", Row{int32(3), "secret-value", true, nil}, "dataset demo row 7: column research_id (string) given a int32"},
		{"unsupported type", Row{"ab12", int64(3), true, nil}, "dataset demo row 7: column turn (int32) given a int64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRow(&ds, tc.row, 7)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("checkRow = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestWriteChecksRow: Write refuses a row that does not match the schema,
// before any of its values reach the file.
func TestWriteChecksRow(t *testing.T) {
	ds, cols, codec := everyColumn(t, "sessions")
	w, err := New(t.TempDir(), ds, cols, 1000, "test", nil, codec)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	short := make(Row, len(ds.Columns)-1)
	if err := w.Write(short); err == nil || !strings.Contains(err.Error(), "dataset sessions row 1:") {
		t.Fatalf("Write(short row) = %v, want a row-length error", err)
	}
	if w.Rows() != 0 {
		t.Errorf("Rows() = %d after a refused row, want 0", w.Rows())
	}
}
