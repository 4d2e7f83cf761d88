package measures

import (
	"fmt"
	"strings"
)

// Definition documents one derived column for the data dictionary.
type Definition struct {
	Dataset    string // "questionnaires" or "outcomes"
	Column     string
	Meaning    string
	Derivation string
	Source     string
	Allowed    string // "" leaves the schema's own text
}

// Definitions returns the meaning, derivation and source of every column
// this package derives, in a fixed order. Per-instrument details are read
// from the registry, so a new instrument appears here without edits.
func Definitions() []Definition {
	ins := Instruments()
	phq, _ := Lookup("PHQ9")
	gad, _ := Lookup("GAD7")

	var ranges, bands, caseness, missing, sources []string
	for _, in := range ins {
		ranges = append(ranges, fmt.Sprintf("%s: %d items scored %d-%d, total %d-%d",
			in.Code, in.Items, in.ItemMin, in.ItemMax, in.MinTotal(), in.MaxTotal()))
		var bs []string
		for _, b := range in.Bands {
			bs = append(bs, fmt.Sprintf("%d-%d %s", b.Min, b.Max, b.Label))
		}
		bands = append(bands, in.Code+": "+strings.Join(bs, ", "))
		if in.Caseness > 0 {
			caseness = append(caseness, fmt.Sprintf("%s total >= %d", in.Code, in.Caseness))
		} else {
			caseness = append(caseness, in.Code+" has no caseness threshold (null)")
		}
		missing = append(missing, in.Code+": "+in.MissingRule)
		sources = append(sources, in.Code+": "+in.Source)
	}
	src := strings.Join(sources, " | ")
	paired := "A paired measure is a session with both a PHQ-9 and a GAD-7; first and last are the paired measures " +
		"with the lowest and highest session number."
	rc := fmt.Sprintf("PHQ-9 change of %d or more, GAD-7 change of %d or more (the reliable change indices)",
		phq.ReliableChange, gad.ReliableChange)
	cs := fmt.Sprintf("PHQ-9 >= %d or GAD-7 >= %d", phq.Caseness, gad.Caseness)
	nhstt := srcNHSTT + ". The outcomes use GAD-7 as the anxiety measure; NHS Talking Therapies uses an " +
		"anxiety-disorder-specific measure instead where the provisional diagnosis has one, which this data does not record."
	rates := " Published NHS Talking Therapies rates count only referrals that finished treatment: recovery rate = " +
		"recovered and finished_treatment / case_at_start and finished_treatment; reliable improvement and deterioration " +
		"rates are over all finished_treatment."

	// Allowed values list the paired measures first, as the outcomes
	// columns do, then the rest by code; instruments sharing an item range
	// share one entry ("PHQ9 and GAD7 0–3").
	var codes, itemRanges, totals []string
	for i, in := range displayOrder(ins) {
		codes = append(codes, in.Code)
		totals = append(totals, fmt.Sprintf("%s %d–%d", in.Code, in.MinTotal(), in.MaxTotal()))
		r := fmt.Sprintf(" %d–%d", in.ItemMin, in.ItemMax)
		if n := len(itemRanges); i > 0 && strings.HasSuffix(itemRanges[n-1], r) {
			itemRanges[n-1] = strings.TrimSuffix(itemRanges[n-1], r) + " and " + in.Code + r
			continue
		}
		itemRanges = append(itemRanges, in.Code+r)
	}

	return []Definition{
		{Dataset: "questionnaires", Column: "instrument", Allowed: strings.Join(codes, ", ")},
		{"questionnaires", "items", "Item responses; null is an unanswered item",
			"Validated against the instrument: wrong item count, an out-of-range item or an unknown instrument " +
				"quarantines the record. Missing items: " + strings.Join(missing, " "), src,
			"per instrument: " + strings.Join(itemRanges, ", ")},
		{"questionnaires", "total", "Total score",
			"Sum of the items, pro-rated for missing items as described under items. " + strings.Join(ranges, "; "), src,
			strings.Join(totals, ", ")},
		{"questionnaires", "severity", "Severity band of the total", strings.Join(bands, "; "), src, ""},
		{"questionnaires", "caseness", "Total at or above the clinical caseness threshold",
			strings.Join(caseness, "; "), src, ""},
		{"questionnaires", "prorated", "The total includes pro-rated missing items",
			"true when one or more items were unanswered and the instrument's rule allowed pro-rating", src, ""},

		{"outcomes", "phq9_first", "PHQ-9 total at the first paired measure", paired, nhstt, ""},
		{"outcomes", "phq9_last", "PHQ-9 total at the last paired measure", paired + " Equals phq9_first when there is only one.", nhstt, ""},
		{"outcomes", "gad7_first", "GAD-7 total at the first paired measure", paired, nhstt, ""},
		{"outcomes", "gad7_last", "GAD-7 total at the last paired measure", paired + " Equals gad7_first when there is only one.", nhstt, ""},
		{"outcomes", "case_at_start", "A clinical case at the first paired measure", cs + " at the first paired measure.", nhstt, ""},
		{"outcomes", "finished_treatment", "Finished a course of treatment",
			"At least two treatment sessions attended. NHS Talking Therapies also requires the referral to have ended; " +
				"see the patients table for discharge.", nhstt, ""},
		{"outcomes", "recovered", "Recovery",
			"case_at_start, and below caseness on both measures at the last paired measure (PHQ-9 < " +
				fmt.Sprint(phq.Caseness) + " and GAD-7 < " + fmt.Sprint(gad.Caseness) + "). Recovery is only defined " +
				"for cases; a patient who was not a case at the start is false, never null." + rates, nhstt, ""},
		{"outcomes", "reliable_improvement", "Reliable improvement",
			"A fall of at least the reliable change index on at least one measure (" + rc + ") from first to last " +
				"paired measure, and no reliable rise on the other. A reliable fall on one measure with a reliable " +
				"rise on the other is no reliable change: false here and false for reliable_deterioration." + rates, nhstt, ""},
		{"outcomes", "reliable_deterioration", "Reliable deterioration",
			"A rise of at least the reliable change index on at least one measure (" + rc + ") from first to last " +
				"paired measure, and no reliable fall on the other (the mixed case is no reliable change).", nhstt, ""},
		{"outcomes", "reliable_recovery", "Reliable recovery", "recovered and reliable_improvement.", nhstt, ""},
	}
}

// displayOrder puts the outcome pair (PHQ-9, then GAD-7) first and the
// other instruments after them in ins's order.
func displayOrder(ins []Instrument) []Instrument {
	out := make([]Instrument, 0, len(ins))
	for _, code := range []string{"PHQ9", "GAD7"} {
		for _, in := range ins {
			if in.Code == code {
				out = append(out, in)
			}
		}
	}
	for _, in := range ins {
		if in.Code != "PHQ9" && in.Code != "GAD7" {
			out = append(out, in)
		}
	}
	return out
}
