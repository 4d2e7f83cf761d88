package geo

import (
	"errors"
	"fmt"
	"strings"
)

// Level is the precision of a partial postcode. Larger is coarser.
type Level int

// Levels from finest to coarsest. The zero value is unset; Generaliser
// reads it as LevelDistrict, the default (docs/ARCHITECTURE.md, Stages).
const (
	LevelUnset Level = iota
	LevelSector
	LevelDistrict
	LevelArea
	LevelSuppressed
)

var levelNames = [...]string{"", "sector", "district", "area", "suppressed"}

// String is the level's name as written in postcode_level ("" when unset).
func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l]
}

// ParseLevel reads a level name: sector, district, area or suppressed.
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if i > 0 && n == s {
			return Level(i), nil
		}
	}
	return LevelUnset, errors.New("geo: unknown postcode level (want sector, district, area or suppressed)")
}

// DefaultMinPopulation is the district population below which a district
// is too small to publish (the HIPAA Safe Harbor analogue of 20,000).
const DefaultMinPopulation = 20000

// What to do with a district below the population threshold.
const (
	SmallDistrictArea     = "area"     // widen to the postcode area (default)
	SmallDistrictSuppress = "suppress" // null
)

// Generaliser turns full postcodes into partial ones. The zero value is
// the default policy: district level, threshold 20,000, small districts
// widened to their area.
type Generaliser struct {
	MinPopulation int    // <= 0 means DefaultMinPopulation
	Level         Level  // finest level to publish; LevelUnset means LevelDistrict
	SmallDistrict string // SmallDistrictArea ("" too) or SmallDistrictSuppress
}

// Validate reports a policy that Generalise would have to guess about.
// Generalise itself fails closed (suppresses) on such a policy.
func (g Generaliser) Validate() error {
	switch g.SmallDistrict {
	case "", SmallDistrictArea, SmallDistrictSuppress:
	default:
		return errors.New("geo: small_district must be area or suppress")
	}
	if g.Level < LevelUnset || g.Level > LevelSuppressed {
		return errors.New("geo: unknown postcode level")
	}
	return nil
}

func (g Generaliser) minPop() int {
	if g.MinPopulation <= 0 {
		return DefaultMinPopulation
	}
	return g.MinPopulation
}

// Generalise returns the partial postcode to publish for pc, its level,
// and a reason code when the value is coarser than asked or null:
//   - a postcode Parse rejects: "", LevelSuppressed, its Parse reason;
//   - a district below MinPopulation: its area with reason
//     ReasonSmallPopulation when SmallDistrict is "area" and the area itself
//     reaches MinPopulation, otherwise "", LevelSuppressed and the same reason;
//   - otherwise the sector, district or area as Level asks, reason "".
//
// Level LevelSuppressed publishes nothing: "", LevelSuppressed, "". A policy
// that fails Validate suppresses every value with ReasonInvalidPolicy.
func (g Generaliser) Generalise(pc string) (value string, level Level, reason string) {
	if g.Validate() != nil {
		return "", LevelSuppressed, ReasonInvalidPolicy
	}
	p, err := Parse(pc)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return "", LevelSuppressed, pe.Reason
		}
		return "", LevelSuppressed, ReasonInvalidFormat
	}
	want := g.Level
	if want == LevelUnset {
		want = LevelDistrict
	}
	if want == LevelSuppressed {
		return "", LevelSuppressed, ""
	}
	min := g.minPop()
	areaOK := AreaPopulation(p.Area) >= min
	if p.Population < min {
		if g.SmallDistrict != SmallDistrictSuppress && areaOK {
			return p.Area, LevelArea, ReasonSmallPopulation
		}
		return "", LevelSuppressed, ReasonSmallPopulation
	}
	switch want {
	case LevelSector:
		return p.Sector, LevelSector, ""
	case LevelDistrict:
		return p.District, LevelDistrict, ""
	default: // LevelArea; its population is at least the district's
		return p.Area, LevelArea, ""
	}
}

// LevelOf says which level a published partial postcode is at: "" is
// suppressed, "CB" an area, "CB4" a district, "CB4 1" a sector. ok is false
// for anything else, including a full postcode.
func LevelOf(value string) (Level, bool) {
	switch {
	case value == "":
		return LevelSuppressed, true
	case len(value) <= 2 && areaOf(value) == value && isOutward(value+"1"):
		return LevelArea, true
	case isOutward(value):
		return LevelDistrict, true
	}
	out, sec, found := strings.Cut(value, " ")
	if found && len(sec) == 1 && isDigit(sec[0]) && isOutward(out) {
		return LevelSector, true
	}
	return LevelUnset, false
}

// Coarsen widens a partial postcode by one level for disclosure control:
// sector → district → area → suppressed (""). from is the value's level
// (LevelUnset: work it out with LevelOf). A value that is not shaped like
// its level is suppressed, since widening too far is always safe and
// guessing is not.
func Coarsen(value string, from Level) (string, Level) {
	got, ok := LevelOf(value)
	if !ok || from != LevelUnset && from != got {
		return "", LevelSuppressed
	}
	switch got {
	case LevelSector:
		d, _, _ := strings.Cut(value, " ")
		return d, LevelDistrict
	case LevelDistrict:
		return areaOf(value), LevelArea
	default:
		return "", LevelSuppressed
	}
}
