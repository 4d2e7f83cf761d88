package redact

import (
	"strconv"
	"strings"

	"github.com/nhs-talking-therapies/deid/redact/textnorm"
)

// ParseNHSNumber reads an NHS number however a system wrote it and returns its
// ten digits, or false when what is written is not a valid NHS number.
// It accepts what real exports hold: any spaces, separators or format
// characters between digits (textnorm.Compact), full-width digits, an
// "NHS", "NHS No" or "NHS number" label before it, and a number written by
// a spreadsheet or a typed column ("9993576087.0", "9.993576087E+09") when
// that number is exactly an integer. Anything else, including a number a
// spreadsheet rounded ("9.993576E+09" is 9993576000), is refused by the
// length or the check digit: callers that must not lose an entry (the
// opt-out list) treat false as an error.
func ParseNHSNumber(s string) (string, bool) {
	c := strings.ToLower(textnorm.Compact(s))
	for _, p := range []string{"nhsnumber", "nhsno", "nhs#", "nhs", "number", "no", "#", ":"} {
		c = strings.TrimPrefix(c, p)
	}
	c = strings.TrimPrefix(c, ":")
	if d, ok := exactInteger(textnorm.String(strings.TrimSpace(s))); ok {
		c = d
	}
	if len(c) != 10 || !ValidNHSNumber(c) {
		return "", false
	}
	return c, true
}

// exactInteger reads a number in exponent or decimal notation whose value
// is an integer of at most ten digits ("9.993576087E+09", "9993576087.0").
// The notation must write every digit of the integer: a mantissa with
// fewer significant digits ("9.993576E+09") was rounded, and the number
// it names is another one, whatever its check digit says.
func exactInteger(s string) (string, bool) {
	if !strings.ContainsAny(s, "eE.") || strings.Count(s, ".") > 1 {
		return "", false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f >= 1e10 || f != float64(int64(f)) {
		return "", false
	}
	d := strconv.FormatInt(int64(f), 10)
	mantissa := s
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mantissa = s[:i]
	}
	sig := strings.TrimLeft(strings.NewReplacer(".", "", "+", "", "-", "").Replace(mantissa), "0")
	if len(sig) < len(d) {
		return "", false
	}
	for len(d) < 10 {
		// Leading zeros are lost by a numeric column.
		d = "0" + d
	}
	return d, true
}
