// Package geo generalises UK postcodes to partial postcodes (sector,
// district, area) for research extracts.
//
// A full postcode never leaves this package: Generalise returns at most the
// sector ("CB4 1"). Districts whose Census 2011 population is below a
// threshold are widened to their postcode area or suppressed, and a
// postcode that is malformed, non-geographic (GIR 0AA, BFPO, PO-box and
// retired districts, overseas territories) or not in the district table
// becomes null with a reason code. Everything fails closed: when a
// population is unknown the value is suppressed, never kept.
//
// Populations come from the embedded gazetteer (package
// gazetteer, uk_postcode_districts.tsv, OGL v3; attribution in its
// data/LICENSE.md). The package does no I/O and keeps no mutable state.
package geo

import (
	"strings"
	"sync"
	"unicode"

	"github.com/nhs-talking-therapies/deid/gazetteer"
)

// Reason codes, stable for counting in the extract report.
const (
	ReasonInvalidFormat   = "invalid_format"   // not shaped like a UK postcode
	ReasonNonGeographic   = "non_geographic"   // GIR, BFPO/BF/BX, overseas, or a district with no census population
	ReasonUnknownDistrict = "unknown_district" // well formed, but the outward code is not in the district table
	ReasonSmallPopulation = "small_population" // district (or area) below the population threshold
	ReasonInvalidPolicy   = "invalid_policy"   // the Generaliser's settings fail Validate
)

// ParseError says why a postcode cannot be used. It never carries the
// postcode itself.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return "geo: postcode: " + e.Reason }

// Postcode is a parsed, normalised UK postcode.
type Postcode struct {
	Area       string // "CB"
	District   string // outward code, "CB4"
	Sector     string // "CB4 1"
	Unit       string // full postcode, "CB4 1AB"
	Population int    // Census 2011 population of the district (> 0)
}

// overseas holds the postcodes of British Overseas Territories that share
// the UK format; they have no UK district.
var overseas = map[string]bool{
	"ASCN1ZZ": true, "BBND1ZZ": true, "BIQQ1ZZ": true, "FIQQ1ZZ": true, "GX111AA": true,
	"PCRN1ZZ": true, "SIQQ1ZZ": true, "STHL1ZZ": true, "TDCU1ZZ": true, "TKCA1ZZ": true,
}

// compact upper-cases s and drops all white space.
func compact(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// isOutward reports whether s is a well-formed outward code: A9, A99, A9A,
// AA9, AA99 or AA9A. The first letter is never Q, V or X and the second
// never I, J or Z (Royal Mail's rules); the district table decides the rest.
func isOutward(s string) bool {
	n := len(s)
	if n < 2 || n > 4 || !isLetter(s[0]) || strings.IndexByte("QVX", s[0]) >= 0 {
		return false
	}
	i := 1
	if isLetter(s[1]) {
		if strings.IndexByte("IJZ", s[1]) >= 0 {
			return false
		}
		i = 2
	}
	if i >= n || !isDigit(s[i]) {
		return false
	}
	rest := s[i+1:]
	switch len(rest) {
	case 0:
		return true
	case 1:
		return isDigit(rest[0]) || isLetter(rest[0])
	}
	return false
}

// isInward reports whether s is an inward code: 9AA, where the letters are
// never C, I, K, M, O or V.
func isInward(s string) bool {
	if len(s) != 3 || !isDigit(s[0]) {
		return false
	}
	for _, c := range []byte(s[1:]) {
		if !isLetter(c) || strings.IndexByte("CIKMOV", c) >= 0 {
			return false
		}
	}
	return true
}

// areaOf is the leading letters of an outward code.
func areaOf(outward string) string {
	i := 0
	for i < len(outward) && isLetter(outward[i]) {
		i++
	}
	return outward[:i]
}

// Parse normalises a postcode (upper case, any spacing) and checks it
// against the UK format and the district table. The error is always a
// *ParseError with one of the Reason codes.
func Parse(postcode string) (Postcode, error) {
	s := compact(postcode)
	if strings.HasPrefix(s, "BFPO") || s == "GIR0AA" || overseas[s] {
		return Postcode{}, &ParseError{Reason: ReasonNonGeographic}
	}
	if len(s) < 5 || len(s) > 7 {
		return Postcode{}, &ParseError{Reason: ReasonInvalidFormat}
	}
	out, in := s[:len(s)-3], s[len(s)-3:]
	if !isOutward(out) || !isInward(in) {
		return Postcode{}, &ParseError{Reason: ReasonInvalidFormat}
	}
	area := areaOf(out)
	if area == "BF" || area == "BX" {
		return Postcode{}, &ParseError{Reason: ReasonNonGeographic}
	}
	d, ok := gazetteer.Default().Districts[out]
	if !ok {
		return Postcode{}, &ParseError{Reason: ReasonUnknownDistrict}
	}
	if d.Population <= 0 {
		// PO-box, retired and Crown Dependency districts carry no census
		// population, so no threshold can be checked: treat as non-geographic.
		return Postcode{}, &ParseError{Reason: ReasonNonGeographic}
	}
	return Postcode{
		Area: area, District: out, Sector: out + " " + in[:1], Unit: out + " " + in,
		Population: d.Population,
	}, nil
}

var (
	areaOnce sync.Once
	areaPop  map[string]int
)

// AreaPopulation is the Census 2011 population of a postcode area, the sum
// over its districts; 0 when unknown.
func AreaPopulation(area string) int {
	areaOnce.Do(func() {
		areaPop = map[string]int{}
		for code, d := range gazetteer.Default().Districts {
			areaPop[areaOf(code)] += d.Population
		}
	})
	return areaPop[area]
}
