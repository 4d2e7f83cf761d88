package measures

import "strconv"

// Reason codes of a ScoreError, stable for counting in the report.
const (
	ReasonUnknownInstrument = "unknown_instrument"
	ReasonItemCount         = "wrong_item_count"
	ReasonOutOfRange        = "item_out_of_range"
	ReasonTooManyMissing    = "too_many_missing"
)

// ScoreError says why a questionnaire cannot be scored: which field
// ("instrument", "items" or "items[i]", 0-based) and a reason code. It
// never carries the value, so it is safe to log and to quarantine with.
type ScoreError struct {
	Field  string
	Reason string
}

func (e *ScoreError) Error() string { return "measures: " + e.Field + ": " + e.Reason }

// Scored is one validated questionnaire.
type Scored struct {
	Instrument  string // canonical code
	Total       int
	Band        string
	Case        bool // false when the instrument has no caseness threshold
	HasCaseness bool // whether Case means anything (false: write null)
	Prorated    bool // the total includes pro-rated missing items
	Missing     int  // number of unanswered items
}

// Score validates a questionnaire's items and derives its total, band and
// caseness. items holds one entry per item in questionnaire order; nil is
// an unanswered item, handled by the instrument's missing-item rule.
// The error is always a *ScoreError.
func Score(code string, items []*int) (Scored, error) {
	in, ok := find(code)
	if !ok {
		return Scored{}, &ScoreError{Field: "instrument", Reason: ReasonUnknownInstrument}
	}
	if len(items) != in.Items {
		return Scored{}, &ScoreError{Field: "items", Reason: ReasonItemCount}
	}
	sum, answered := 0, 0
	for i, v := range items {
		if v == nil {
			continue
		}
		if *v < in.ItemMin || *v > in.ItemMax {
			return Scored{}, &ScoreError{Field: "items[" + strconv.Itoa(i) + "]", Reason: ReasonOutOfRange}
		}
		sum += *v
		answered++
	}
	missing := in.Items - answered
	if missing > in.MaxMissing || answered == 0 {
		return Scored{}, &ScoreError{Field: "items", Reason: ReasonTooManyMissing}
	}
	total := sum
	if missing > 0 {
		total = prorate(sum, answered, in.Items)
	}
	return Scored{
		Instrument:  in.Code,
		Total:       total,
		Band:        in.Band(total),
		Case:        in.IsCase(total),
		HasCaseness: in.Caseness > 0,
		Prorated:    missing > 0,
		Missing:     missing,
	}, nil
}

// prorate gives each missing item the mean of the answered ones and rounds
// the total half up: round(sum*items/answered), in integers so that no
// float rounding can move a total across a band or caseness edge.
func prorate(sum, answered, items int) int {
	num, den := sum*items, answered
	return (2*num + den) / (2 * den)
}
