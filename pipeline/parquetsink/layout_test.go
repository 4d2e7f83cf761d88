package parquetsink

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/nhs-talking-therapies/deid/schemas"
)

// demoCols is a row builder's view of the demo dataset: places resolved by
// name, as the extract's steps hold them.
type demoCols struct{ n, id, turn, speaker int }

func demoLayout(ds schemas.Dataset) (demoCols, error) {
	l := NewLayout(ds)
	c := demoCols{n: l.Len(), id: l.Col("research_id"), turn: l.Col("turn"), speaker: l.Col("speaker")}
	return c, l.Err()
}

// TestLayoutByName: rows filled by name through a Layout put every value
// in its named column whatever the schema's order, so a column moved or
// inserted in a schema shifts nothing; the file read back by column name
// holds the same values either way.
func TestLayoutByName(t *testing.T) {
	id := schemas.Column{Name: "research_id", Type: schemas.String}
	turn := schemas.Column{Name: "turn", Type: schemas.Int32}
	speaker := schemas.Column{Name: "speaker", Type: schemas.String, Nullable: true}
	codec, err := NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	for _, order := range [][]schemas.Column{{id, turn, speaker}, {speaker, id, turn}, {turn, speaker, id}} {
		ds := schemas.Dataset{Name: "demo", Version: 1, Columns: order}
		c, err := demoLayout(ds)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		w, err := New(dir, ds, []string{"research_id", "turn", "speaker"}, 100, "test", nil, codec)
		if err != nil {
			t.Fatal(err)
		}
		var row Row
		for i := range 3 {
			row = row.Reset(c.n)
			row[c.id], row[c.turn] = "r0001", int32(i)
			if i != 1 {
				row[c.speaker] = "patient"
			}
			if err := w.Write(row); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := readByName(t, filepath.Join(dir, "demo", "part-00000.parquet"))
		want := map[string][]any{
			"research_id": {"r0001", "r0001", "r0001"},
			"turn":        {int32(0), int32(1), int32(2)},
			"speaker":     {"patient", nil, "patient"},
		}
		for name, vals := range want {
			for i, v := range vals {
				if got[name][i] != v {
					t.Errorf("order %v: column %s row %d = %v, want %v", names(order), name, i, got[name][i], v)
				}
			}
		}
	}
}

// TestLayoutErrors: a name the schema lacks, a name resolved twice, and a
// schema column the builder never resolves (one inserted in the schema
// but not in the code) are errors at setup, before any row.
func TestLayoutErrors(t *testing.T) {
	id := schemas.Column{Name: "research_id", Type: schemas.String}
	turn := schemas.Column{Name: "turn", Type: schemas.Int32}
	speaker := schemas.Column{Name: "speaker", Type: schemas.String}
	extra := schemas.Column{Name: "inserted", Type: schemas.Int32, Nullable: true}
	for _, tc := range []struct {
		cols []schemas.Column
		want string
	}{
		{[]schemas.Column{id, turn}, "dataset demo: no column speaker"},
		{[]schemas.Column{id, extra, turn, speaker}, "dataset demo: column inserted is given no value"},
	} {
		_, err := demoLayout(schemas.Dataset{Name: "demo", Columns: tc.cols})
		if err == nil || err.Error() != tc.want {
			t.Errorf("columns %v: err = %v, want %q", names(tc.cols), err, tc.want)
		}
	}
	l := NewLayout(schemas.Dataset{Name: "demo", Columns: []schemas.Column{id, turn, speaker}})
	l.Col("research_id")
	l.Col("turn")
	l.Col("speaker")
	if c := l.Col("turn"); c != -1 {
		t.Errorf("Col of a name asked twice = %d, want -1", c)
	}
	if err := l.Err(); err == nil || !strings.Contains(err.Error(), "column turn given two values") {
		t.Errorf("err = %v, want a column given two values", err)
	}
}

// TestRowReset: Reset gives n nulls and reuses the row's array.
func TestRowReset(t *testing.T) {
	r := Row{"a", int32(1), true}.Reset(2)
	if len(r) != 2 || r[0] != nil || r[1] != nil || cap(r) != 3 {
		t.Errorf("Reset(2) = %v (cap %d)", r, cap(r))
	}
	if r = r.Reset(5); len(r) != 5 {
		t.Errorf("Reset(5) has %d values", len(r))
	}
}

func names(cols []schemas.Column) []string {
	var s []string
	for _, c := range cols {
		s = append(s, c.Name)
	}
	return s
}

// readByName reads a file of string and int32 columns back, by column name.
func readByName(t *testing.T, path string) map[string][]any {
	t.Helper()
	pf, _ := openParquet(t, path)
	fields := pf.Schema().Fields()
	out := map[string][]any{}
	rd := parquet.NewReader(pf)
	defer rd.Close()
	buf := make([]parquet.Row, 1)
	for {
		n, _ := rd.ReadRows(buf)
		if n == 0 {
			break
		}
		buf[0].Range(func(ci int, vals []parquet.Value) bool {
			var v any
			switch x := vals[0]; {
			case x.IsNull():
			case x.Kind() == parquet.ByteArray:
				v = string(x.ByteArray())
			case x.Kind() == parquet.Int32:
				v = x.Int32()
			}
			out[fields[ci].Name()] = append(out[fields[ci].Name()], v)
			return true
		})
	}
	return out
}
