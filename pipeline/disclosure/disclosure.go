// Package disclosure enforces k-anonymity on the quasi-identifiers of the
// patients table (age band, gender, ethnicity, partial postcode by
// default) by stepwise generalisation and, as a last resort, suppression.
//
// Algorithm (deterministic, local recoding): rows are grouped into
// equivalence classes by their quasi-identifier values. While some class
// has fewer than K rows, the next configured step (e.g. age band 5 → 10
// years) is applied to the rows of the small classes only; rows in classes
// of K or more keep their detail. Once the steps are used up, every row
// still in a small class is suppressed: all its quasi-identifiers become
// null and the row is kept, so research counts stay right. A row's class
// can only grow as the steps proceed, so a class that reaches K stays there.
//
// Invariants: after Apply every class of non-suppressed rows has at least K
// rows; suppressed rows carry no quasi-identifier value and belong to no
// class; the result depends only on the set of rows, never on their order
// or on map iteration; errors name a row index and column, never a value or
// an ID. The package does no I/O.
package disclosure

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// DefaultK is the default minimum class size.
const DefaultK = 10

// StepSuppressRow is the name reported for the final row suppression.
const StepSuppressRow = "suppress_row"

// Row is one patient's quasi-identifiers: Values[i] is the value of
// Config.Columns[i]; "" is null. ID is the key the pipeline uses to apply
// the result to other datasets.
//
// Count, when above 1, makes the row stand for that many patients with the
// same values. Rows with equal values are always recoded alike, so a
// caller may pass one row per distinct combination with its count and get
// the result, and the report, of passing every patient: memory then grows
// with the combinations rather than the patients.
type Row struct {
	ID     string
	Values []string
	Count  int // patients the row stands for; 0 means 1
}

// Config sets the threshold, the columns and the order of steps.
type Config struct {
	K       int      // minimum class size; 0 means DefaultK
	Columns []string // quasi-identifier columns; nil means DefaultColumns()
	// Steps in the order they are tried; nil means DefaultSteps(Columns).
	// A non-nil empty slice means no generalisation: straight to
	// suppression.
	Steps []Step
}

// Recoded is one row after disclosure control.
type Recoded struct {
	ID         string
	Values     []string // aligned with Result.Columns; all "" when Suppressed
	Suppressed bool
	count      int
}

// StepReport says what one step did. Small-class counts are taken just
// before the step. RowsChanged counts rows whose value in Column changed
// (a ":suppress" step changes a value to null: that is counted here, as a
// changed cell, not as a suppressed row). RowsSuppressed is non-zero only
// for the final StepSuppressRow.
type StepReport struct {
	Step               string `json:"step"`
	Column             string `json:"column,omitempty"` // "" for StepSuppressRow
	SmallClasses       int    `json:"small_classes"`
	RowsInSmallClasses int    `json:"rows_in_small_classes"`
	RowsChanged        int    `json:"rows_changed"`
	RowsSuppressed     int    `json:"rows_suppressed"`
}

// Report summarises a run. Classes and MinClassSize are over non-suppressed
// rows only; suppressed rows count in Suppressed and in no class.
// MinClassSize is 0 when every row is suppressed or there are no rows.
type Report struct {
	K            int          `json:"k"`
	Rows         int          `json:"rows"`
	Steps        []StepReport `json:"steps"` // steps applied, in order; none when nothing was rare
	Suppressed   int          `json:"suppressed"`
	Classes      int          `json:"classes"`
	MinClassSize int          `json:"min_class_size"`
}

// Result is the outcome of Apply.
type Result struct {
	Columns []string
	Rows    []Recoded // in input order
	Report  Report
	byID    map[string]int
}

// Lookup returns the recoded row for an ID.
func (r *Result) Lookup(id string) (Recoded, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Recoded{}, false
	}
	return r.Rows[i], true
}

// Value returns the generalised value of one column for an ID, so that
// every dataset carrying that column uses the patient's final value.
func (r *Result) Value(id, column string) (string, bool) {
	i, ok := r.byID[id]
	if !ok {
		return "", false
	}
	c := slices.Index(r.Columns, column)
	if c < 0 {
		return "", false
	}
	return r.Rows[i].Values[c], true
}

// Apply runs disclosure control over rows. It validates everything first:
// K, the columns, the steps, every row's shape and ID, and every value
// against the hierarchy of each step on its column, so that a value
// outside a hierarchy is an error whether or not it happens to be rare.
func Apply(rows []Row, cfg Config) (*Result, error) {
	k := cfg.K
	switch {
	case k < 0:
		return nil, errors.New("disclosure: k must be at least 1")
	case k == 0:
		k = DefaultK
	}
	cols := cfg.Columns
	if cols == nil {
		cols = DefaultColumns()
	}
	if len(cols) == 0 {
		return nil, errors.New("disclosure: no quasi-identifier columns")
	}
	colIdx := map[string]int{}
	for i, c := range cols {
		if c == "" {
			return nil, fmt.Errorf("disclosure: columns[%d] is empty", i)
		}
		if _, dup := colIdx[c]; dup {
			return nil, fmt.Errorf("disclosure: column %s listed twice", c)
		}
		colIdx[c] = i
	}
	steps := cfg.Steps
	if steps == nil {
		steps = DefaultSteps(cols)
	}
	stepCol := make([]int, len(steps))
	for i, s := range steps {
		c, ok := colIdx[s.Column]
		if !ok {
			return nil, fmt.Errorf("disclosure: step %s: column %s is not a quasi-identifier", s.Name, s.Column)
		}
		if s.Apply == nil {
			return nil, fmt.Errorf("disclosure: step %s has no function", s.Name)
		}
		stepCol[i] = c
	}

	n, patients := len(rows), 0
	res := &Result{Columns: slices.Clone(cols), Rows: make([]Recoded, n), byID: make(map[string]int, n)}
	for i, r := range rows {
		if r.ID == "" {
			return nil, fmt.Errorf("disclosure: row %d: empty id", i)
		}
		if _, dup := res.byID[r.ID]; dup {
			return nil, fmt.Errorf("disclosure: row %d: duplicate id", i)
		}
		if len(r.Values) != len(cols) {
			return nil, fmt.Errorf("disclosure: row %d: %d values, want %d", i, len(r.Values), len(cols))
		}
		if r.Count < 0 {
			return nil, fmt.Errorf("disclosure: row %d: negative count", i)
		}
		res.byID[r.ID] = i
		res.Rows[i] = Recoded{ID: r.ID, Values: slices.Clone(r.Values), count: max(r.Count, 1)}
		patients += max(r.Count, 1)
	}
	if err := validate(res.Rows, cols, steps, stepCol); err != nil {
		return nil, err
	}

	rep := Report{K: k, Rows: patients}
	for si, s := range steps {
		small, classes := smallRows(res.Rows, k)
		if len(small) == 0 {
			break
		}
		sr := StepReport{Step: s.Name, Column: s.Column, SmallClasses: classes, RowsInSmallClasses: countOf(res.Rows, small)}
		c := stepCol[si]
		for _, i := range small {
			old := res.Rows[i].Values[c]
			v, err := s.Apply(old)
			if err != nil { // validate ran every step already; kept to fail closed
				return nil, fmt.Errorf("disclosure: row %d column %s step %s: %w", i, s.Column, s.Name, err)
			}
			if v != old {
				res.Rows[i].Values[c] = v
				sr.RowsChanged += res.Rows[i].count
			}
		}
		rep.Steps = append(rep.Steps, sr)
	}
	if small, classes := smallRows(res.Rows, k); len(small) > 0 {
		for _, i := range small {
			r := &res.Rows[i]
			r.Suppressed = true
			for c := range r.Values {
				r.Values[c] = ""
			}
		}
		sup := countOf(res.Rows, small)
		rep.Steps = append(rep.Steps, StepReport{
			Step: StepSuppressRow, SmallClasses: classes, RowsInSmallClasses: sup, RowsSuppressed: sup,
		})
		rep.Suppressed = sup
	}
	sizes := classSizes(res.Rows)
	rep.Classes = len(sizes)
	for _, sz := range sizes {
		if rep.MinClassSize == 0 || sz < rep.MinClassSize {
			rep.MinClassSize = sz
		}
	}
	res.Report = rep
	return res, nil
}

// validate runs every column's steps, chained in order, over each distinct
// value of that column, so a bad value fails the run up front.
func validate(rows []Recoded, cols []string, steps []Step, stepCol []int) error {
	for c, col := range cols {
		seen := map[string]bool{}
		for i, r := range rows {
			v := r.Values[c]
			if seen[v] {
				continue
			}
			seen[v] = true
			for si, s := range steps {
				if stepCol[si] != c {
					continue
				}
				var err error
				if v, err = s.Apply(v); err != nil {
					return fmt.Errorf("disclosure: row %d column %s step %s: %w", i, col, s.Name, err)
				}
			}
		}
	}
	return nil
}

// key encodes a row's values unambiguously (length-prefixed), so that no
// choice of values can make two different rows share a key.
func key(buf []byte, values []string) []byte {
	buf = buf[:0]
	for _, v := range values {
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	return buf
}

// classSizes counts the non-suppressed rows of each class.
func classSizes(rows []Recoded) map[string]int {
	sizes := map[string]int{}
	var buf []byte
	for _, r := range rows {
		if r.Suppressed {
			continue
		}
		buf = key(buf, r.Values)
		sizes[string(buf)] += r.count
	}
	return sizes
}

// countOf is the number of patients the rows at idx stand for.
func countOf(rows []Recoded, idx []int) int {
	n := 0
	for _, i := range idx {
		n += rows[i].count
	}
	return n
}

// smallRows returns the indices, ascending, of non-suppressed rows in
// classes smaller than k, and how many such classes there are.
func smallRows(rows []Recoded, k int) (idx []int, classes int) {
	sizes := classSizes(rows)
	for _, sz := range sizes {
		if sz < k {
			classes++
		}
	}
	if classes == 0 {
		return nil, 0
	}
	var buf []byte
	for i, r := range rows {
		if r.Suppressed {
			continue
		}
		buf = key(buf, r.Values)
		if sizes[string(buf)] < k {
			idx = append(idx, i)
		}
	}
	return idx, classes
}
