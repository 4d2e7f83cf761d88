package disclosure

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nhs-talking-therapies/deid/pipeline/geo"
)

// The default quasi-identifier columns of the patients table.
const (
	ColAgeBand   = "age_band"
	ColGender    = "gender"
	ColEthnicity = "ethnicity"
	ColPostcode  = "partial_postcode"
)

// DefaultColumns returns the default quasi-identifiers, in key order.
func DefaultColumns() []string { return []string{ColAgeBand, ColGender, ColEthnicity, ColPostcode} }

// Step is one generalisation step on one column. Apply maps a value to its
// coarser form; it maps "" (null) to "", leaves a value that is already at
// least as coarse unchanged, and errors (without quoting the value) on a
// value outside its hierarchy. Apply must be a pure function.
type Step struct {
	Name   string // "column:target", e.g. "age_band:10"
	Column string
	Apply  func(value string) (string, error)
}

// errNotInHierarchy never carries the value.
var errNotInHierarchy = errors.New("value not in the generalisation hierarchy")

// TopAge is the lower bound of the open top age band ("90+"): the oldest
// ages are rare enough to identify, so they always share one band.
const TopAge = 90

// bandFor is the band of width w holding age lo. Bands are aligned to
// multiples of w; the band that would reach TopAge or beyond becomes the
// open band starting at the last multiple of w at or below TopAge, so that
// bands of every width nest (85-89 ⊂ 80-89 ⊂ 80+, 90+ ⊂ 80+).
func bandFor(lo, w int) (start, end int, open bool) {
	top := TopAge / w * w
	if lo >= top {
		return top, 0, true
	}
	start = lo / w * w
	return start, start + w - 1, false
}

func formatBand(start, end int, open bool) string {
	if open {
		return strconv.Itoa(start) + "+"
	}
	return strconv.Itoa(start) + "-" + strconv.Itoa(end)
}

// AgeBand formats an age in whole years as a band of the given width, the
// same bands the age generalisation steps produce: "25-29", and "90+" at
// the top (for width 20 the top band is "80+", since 80-99 would overlap
// 90+). A negative age is banded as 0.
func AgeBand(age, width int) string {
	if width <= 0 {
		width = 5
	}
	return formatBand(bandFor(max(age, 0), width))
}

// parseBand reads "25-29" or "90+".
func parseBand(v string) (lo, hi int, open bool, err error) {
	if s, ok := strings.CutSuffix(v, "+"); ok {
		lo, err = strconv.Atoi(s)
		if err != nil || lo <= 0 || lo > 150 {
			return 0, 0, false, errNotInHierarchy
		}
		return lo, 0, true, nil
	}
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		return 0, 0, false, errNotInHierarchy
	}
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || lo < 0 || hi < lo || hi > 150 {
		return 0, 0, false, errNotInHierarchy
	}
	return lo, hi, false, nil
}

// ageTo widens an age band to width w.
func ageTo(w int) func(string) (string, error) {
	return func(v string) (string, error) {
		if v == "" {
			return "", nil
		}
		lo, hi, open, err := parseBand(v)
		if err != nil {
			return "", err
		}
		ns, ne, nopen := bandFor(lo, w)
		switch {
		case nopen && ns <= lo, !nopen && !open && ns <= lo && hi <= ne:
			return formatBand(ns, ne, nopen), nil // the wider band holds the old one
		case open && lo <= ns, !open && !nopen && lo <= ns && ne <= hi:
			return v, nil // already at least this wide
		}
		return "", errNotInHierarchy // a band not aligned to the hierarchy
	}
}

// ethnicGroups maps NHS Data Dictionary ETHNIC CATEGORY codes (2001 census
// classification, the codes of the NHS Talking Therapies data set) to
// their top-level group: A-C White; D-G Mixed; H, J, K, L Asian or Asian
// British; M, N, P Black or Black British; R (Chinese), S (any other) Other
// ethnic groups; Z not stated. The group names are those of the data
// dictionary of this project (schemas). "99" (not known) is null upstream.
var ethnicGroups = map[string]string{
	"A": "White", "B": "White", "C": "White",
	"D": "Mixed", "E": "Mixed", "F": "Mixed", "G": "Mixed",
	"H": "Asian", "J": "Asian", "K": "Asian", "L": "Asian",
	"M": "Black", "N": "Black", "P": "Black",
	"R": "Other", "S": "Other",
	"Z": "Not stated",
}

// EthnicGroup returns the top-level group of an ethnic category code, or
// of a group name (itself); ok is false for anything else.
func EthnicGroup(v string) (string, bool) {
	if g, ok := ethnicGroups[v]; ok {
		return g, true
	}
	for _, g := range ethnicGroups {
		if g == v {
			return g, true
		}
	}
	return "", false
}

func ethnicityToGroup(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if g, ok := EthnicGroup(v); ok {
		return g, nil
	}
	return "", errNotInHierarchy
}

// postcodeTo widens a partial postcode to at least level l.
func postcodeTo(l geo.Level) func(string) (string, error) {
	return func(v string) (string, error) {
		cur, ok := geo.LevelOf(v)
		if !ok {
			return "", errNotInHierarchy
		}
		for cur < l {
			v, cur = geo.Coarsen(v, cur)
		}
		return v, nil
	}
}

func suppress(string) (string, error) { return "", nil }

// builtin are the named steps of the default columns; "<column>:suppress"
// is available for every column (see StepNamed).
var builtin = map[string]func(string) (string, error){
	ColAgeBand + ":10":        ageTo(10),
	ColAgeBand + ":20":        ageTo(20),
	ColPostcode + ":district": postcodeTo(geo.LevelDistrict),
	ColPostcode + ":area":     postcodeTo(geo.LevelArea),
	ColEthnicity + ":group":   ethnicityToGroup,
}

// defaultOrder is the default order of generalisation steps, chosen to keep
// what researchers use most: geography is widened first, then age to 10
// years, then ethnicity to its group (NHS Talking Therapies reports
// outcomes by top-level group), then age to 20 years; the postcode goes
// before any row is suppressed. Gender is never generalised by default: a
// row still rare after these steps is suppressed whole.
var defaultOrder = []string{
	ColPostcode + ":district",
	ColAgeBand + ":10",
	ColPostcode + ":area",
	ColEthnicity + ":group",
	ColAgeBand + ":20",
	ColPostcode + ":suppress",
}

// DefaultStepNames returns the default step order for the default columns.
func DefaultStepNames() []string { return append([]string(nil), defaultOrder...) }

// DefaultSteps returns the default steps that apply to the given columns,
// in the default order.
func DefaultSteps(columns []string) []Step {
	var out []Step
	for _, name := range defaultOrder {
		s, _ := StepNamed(name)
		for _, c := range columns {
			if c == s.Column {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// StepNamed returns the step called "column:target". Targets: age_band 10,
// 20; partial_postcode district, area; ethnicity group; and suppress for
// any column.
func StepNamed(name string) (Step, error) {
	col, target, ok := strings.Cut(name, ":")
	if !ok || col == "" || target == "" {
		return Step{}, fmt.Errorf("disclosure: step %q: want column:target", name)
	}
	if target == "suppress" {
		return Step{Name: name, Column: col, Apply: suppress}, nil
	}
	f := builtin[name]
	if f == nil {
		return Step{}, fmt.Errorf("disclosure: unknown step %q", name)
	}
	return Step{Name: name, Column: col, Apply: f}, nil
}

// ParseSteps resolves step names in order.
func ParseSteps(names []string) ([]Step, error) {
	out := make([]Step, 0, len(names))
	for _, n := range names {
		s, err := StepNamed(n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
