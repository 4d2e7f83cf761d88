// Package measures scores outcome questionnaires (PHQ-9, GAD-7, WSAS, ...)
// and derives the NHS Talking Therapies outcomes of one patient.
//
// The instruments are a table: adding one is one Instrument entry in
// registry, with its item count and range, severity bands, caseness
// threshold, reliable change index and missing-item rule. Everything else
// (scoring, validation, the data dictionary text) reads the table.
//
// Invariants: the package does no I/O and keeps no mutable state; errors
// name the field that is wrong and a reason code, never a value; the same
// input always gives the same output.
package measures

import (
	"slices"
	"strings"
)

// Band is one severity band of an instrument's total, inclusive at both ends.
type Band struct {
	Min, Max int
	Label    string
}

// Instrument describes one questionnaire.
type Instrument struct {
	Code    string   // canonical code written to the output, e.g. "PHQ9"
	Name    string   // full name
	Aliases []string // other spellings accepted by Lookup, e.g. "WASAS"
	Items   int      // number of items
	ItemMin int      // lowest item response
	ItemMax int      // highest item response
	Bands   []Band   // severity bands, ascending, covering every possible total
	// Caseness: a total >= Caseness is a clinical case; 0 means the
	// instrument has no caseness threshold.
	Caseness int
	// ReliableChange: a change of at least this many points between two
	// totals is larger than the measurement error; 0 means not defined.
	ReliableChange int
	// MaxMissing is how many unanswered items can be pro-rated; a
	// questionnaire with more is invalid.
	MaxMissing  int
	MissingRule string // the rule in words, for the data dictionary
	Source      string // citation for the bands, thresholds and rule
}

// MaxTotal is the highest possible total.
func (in Instrument) MaxTotal() int { return in.Items * in.ItemMax }

// MinTotal is the lowest possible total.
func (in Instrument) MinTotal() int { return in.Items * in.ItemMin }

// Band returns the label of the severity band holding total, or "" when
// total is outside every band.
func (in Instrument) Band(total int) string {
	for _, b := range in.Bands {
		if total >= b.Min && total <= b.Max {
			return b.Label
		}
	}
	return ""
}

// IsCase reports whether total is at or above the caseness threshold; it
// is false for an instrument without one.
func (in Instrument) IsCase(total int) bool {
	return in.Caseness > 0 && total >= in.Caseness
}

const (
	srcNHSTT = "NHS Talking Therapies for anxiety and depression Manual (NHS England; formerly the IAPT Manual); " +
		"NHS Digital, Psychological Therapies: a guide to IAPT data and publications (2019), measures of outcomes"
	srcMissing = "NHS Data Dictionary (supporting information for the assessment tool)"
)

// missingRule words the pro-rating rule the same way for every instrument.
func missingRule(max int) string {
	n := "one missing item"
	if max == 2 {
		n = "one or two missing items"
	}
	return "Up to " + n + " are each replaced by the mean of the answered items and the total is rounded to the " +
		"nearest whole number (halves rounded up), flagged as pro-rated; a questionnaire with more missing items " +
		"is invalid and quarantined. The rounding is deid's choice; the data dictionary does not specify one."
}

// registry is sorted by Code; TestRegistry checks the table's consistency.
var registry = []Instrument{
	{
		Code: "GAD7", Name: "Generalised Anxiety Disorder scale, 7 items (GAD-7)",
		Items: 7, ItemMin: 0, ItemMax: 3,
		Bands: []Band{
			{0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 21, "severe"},
		},
		Caseness: 8, ReliableChange: 4,
		MaxMissing: 2, MissingRule: missingRule(2),
		Source: "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety " +
			"disorder: the GAD-7. Arch Intern Med 2006;166:1092-7 (bands). Caseness >= 8 and reliable change 4: " +
			srcNHSTT + ". Missing items: " + srcMissing + ", Generalised Anxiety Disorder Questionnaire.",
	},
	{
		Code: "PHQ9", Name: "Patient Health Questionnaire, 9 items (PHQ-9)",
		Items: 9, ItemMin: 0, ItemMax: 3,
		Bands: []Band{
			{0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 19, "moderately_severe"}, {20, 27, "severe"},
		},
		Caseness: 10, ReliableChange: 6,
		MaxMissing: 2, MissingRule: missingRule(2),
		Source: "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. " +
			"J Gen Intern Med 2001;16:606-13 (bands). Caseness >= 10 and reliable change 6: " + srcNHSTT +
			". Missing items: " + srcMissing + ", Patient Health Questionnaire-9.",
	},
	{
		Code: "WSAS", Name: "Work and Social Adjustment Scale (WSAS)", Aliases: []string{"WASAS"},
		Items: 5, ItemMin: 0, ItemMax: 8,
		Bands: []Band{
			{0, 9, "subclinical"}, {10, 20, "significant_impairment"}, {21, 40, "moderately_severe_or_worse"},
		},
		// NHS Talking Therapies defines neither caseness nor a reliable
		// change index for the WSAS, so both stay 0 (not defined) rather
		// than borrowing a figure from a single study.
		Caseness: 0, ReliableChange: 0,
		MaxMissing: 1, MissingRule: missingRule(1) + " An item answered \"not applicable\" (work, when retired or " +
			"not working for reasons unrelated to the problem) arrives as missing and counts towards the limit.",
		Source: "Mundt JC, Marks IM, Shear MK, Greist JH. The Work and Social Adjustment Scale: a simple measure of " +
			"impairment in functioning. Br J Psychiatry 2002;180:461-4 (bands: <10 subclinical, 10-20 significant " +
			"functional impairment, >20 moderately severe or worse). Missing items: " + srcMissing +
			", Work and Social Adjustment Scale Score.",
	},
}

// normCode folds case and drops the separators people put in codes, so
// "PHQ-9", "phq 9" and "PHQ_9" all read as "PHQ9".
func normCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch r {
		case '-', '_', ' ', '.', '&':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Lookup finds an instrument by code or alias. Matching ignores case and
// the separators '-', '_', ' ', '.' and '&', so "PHQ-9", "phq9" and
// "PHQ 9" all find PHQ9, and "W&SAS" or "WASAS" (the IAPT data set's
// spelling) find WSAS. The returned Instrument is a copy.
func Lookup(code string) (Instrument, bool) {
	in, ok := find(code)
	if !ok {
		return Instrument{}, false
	}
	return clone(*in), true
}

// byCode indexes the registry by normalised code and alias. It is built
// once and never changes.
var byCode = func() map[string]int {
	m := map[string]int{}
	for i, in := range registry {
		m[normCode(in.Code)] = i
		for _, a := range in.Aliases {
			m[normCode(a)] = i
		}
	}
	return m
}()

// find is Lookup without the copy, for scoring every questionnaire: the
// caller only reads. A code already in normal form skips normalising.
func find(code string) (*Instrument, bool) {
	i, ok := byCode[code]
	if !ok {
		k := normCode(code)
		if k == "" {
			return nil, false
		}
		if i, ok = byCode[k]; !ok {
			return nil, false
		}
	}
	return &registry[i], true
}

// Instruments returns every registered instrument, sorted by Code.
func Instruments() []Instrument {
	out := make([]Instrument, len(registry))
	for i, in := range registry {
		out[i] = clone(in)
	}
	slices.SortFunc(out, func(a, b Instrument) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// clone copies the slices so that a caller cannot change the registry.
func clone(in Instrument) Instrument {
	in.Aliases = slices.Clone(in.Aliases)
	in.Bands = slices.Clone(in.Bands)
	return in
}
