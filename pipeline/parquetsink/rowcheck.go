package parquetsink

import (
	"fmt"

	"github.com/nhs-talking-therapies/deid/schemas"
)

// checkRow checks a row against its dataset's schema before Write takes
// it (row: its number in the file): one value per column, each nil or of
// the column's type. A row of another length, or two values swapped, stop
// the run here with the column named instead of shifting values silently
// into the wrong columns. Errors name types, never values.
func checkRow(ds *schemas.Dataset, r Row, row int64) error {
	if len(r) != len(ds.Columns) {
		return fmt.Errorf("dataset %s row %d: %d values for %d columns", ds.Name, row, len(r), len(ds.Columns))
	}
	for i := range ds.Columns {
		c := &ds.Columns[i]
		var ok bool
		switch r[i].(type) {
		case nil:
			ok = true // a null; the sink refuses one in a required column it writes
		case string:
			ok = c.Type == schemas.String
		case int32, int:
			ok = c.Type == schemas.Int32
		case bool:
			ok = c.Type == schemas.Bool
		case []*int32:
			ok = c.Type == schemas.Int32List
		}
		if !ok {
			return fmt.Errorf("dataset %s row %d: column %s (%s) given a %T", ds.Name, row, c.Name, c.Type, r[i])
		}
	}
	return nil
}
