package parquetsink

import (
	"errors"
	"fmt"

	"github.com/nhs-talking-therapies/deid/schemas"
)

// Layout resolves the names of a dataset's columns to their places in a
// Row, once, where the code that builds the dataset's rows is set up. Rows
// are then filled by name (row[c.turn] = v, c holding what Col returned)
// at no cost per row, and a column inserted anywhere in the schema moves
// no value into another column's place.
type Layout struct {
	ds   schemas.Dataset
	used []bool
	errs []error
}

// NewLayout returns the layout of ds's rows.
func NewLayout(ds schemas.Dataset) *Layout {
	return &Layout{ds: ds, used: make([]bool, len(ds.Columns))}
}

// Len is the number of values in a row of the dataset.
func (l *Layout) Len() int { return len(l.ds.Columns) }

// Col returns the place of the named column in a row. A name the schema
// does not have, or one asked for twice, is kept for Err and gets -1.
func (l *Layout) Col(name string) int {
	for i := range l.ds.Columns {
		if l.ds.Columns[i].Name != name {
			continue
		}
		if l.used[i] {
			l.errs = append(l.errs, fmt.Errorf("dataset %s: column %s given two values", l.ds.Name, name))
			return -1
		}
		l.used[i] = true
		return i
	}
	l.errs = append(l.errs, fmt.Errorf("dataset %s: no column %s", l.ds.Name, name))
	return -1
}

// Err reports the names Col could not resolve, and every column of the
// schema that Col was never asked for: a column added to a schema but not
// to the code that builds its rows stops the extract before any row, rather
// than being written null without anyone having decided so.
func (l *Layout) Err() error {
	errs := l.errs
	for i, u := range l.used {
		if !u {
			errs = append(errs, fmt.Errorf("dataset %s: column %s is given no value", l.ds.Name, l.ds.Columns[i].Name))
		}
	}
	return errors.Join(errs...)
}

// Reset returns a row of n nulls (n: Layout.Len), in r's array when it is
// large enough, so a row buffer kept across rows allocates once.
func (r Row) Reset(n int) Row {
	if cap(r) < n {
		return make(Row, n)
	}
	r = r[:n]
	clear(r)
	return r
}
