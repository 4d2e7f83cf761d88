package geo

import (
	"errors"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/gazetteer"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   Postcode // Population checked > 0 only
		reason string
	}{
		{"A9 9AA", "E1 6AN", Postcode{Area: "E", District: "E1", Sector: "E1 6", Unit: "E1 6AN"}, ""},
		{"A99 9AA", "M14 5RT", Postcode{Area: "M", District: "M14", Sector: "M14 5", Unit: "M14 5RT"}, ""},
		{"A9A 9AA", "W1D 3QF", Postcode{Area: "W", District: "W1D", Sector: "W1D 3", Unit: "W1D 3QF"}, ""},
		{"AA9 9AA", "CB4 1AB", Postcode{Area: "CB", District: "CB4", Sector: "CB4 1", Unit: "CB4 1AB"}, ""},
		{"AA99 9AA", "SW11 4NJ", Postcode{Area: "SW", District: "SW11", Sector: "SW11 4", Unit: "SW11 4NJ"}, ""},
		{"AA9A 9AA", "EC1V 9HX", Postcode{Area: "EC", District: "EC1V", Sector: "EC1V 9", Unit: "EC1V 9HX"}, ""},
		{"lower case", "cb4 1ab", Postcode{Area: "CB", District: "CB4", Sector: "CB4 1", Unit: "CB4 1AB"}, ""},
		{"missing space", "CB41AB", Postcode{Area: "CB", District: "CB4", Sector: "CB4 1", Unit: "CB4 1AB"}, ""},
		{"extra spaces and tab", "  sw11\t 4nj ", Postcode{Area: "SW", District: "SW11", Sector: "SW11 4", Unit: "SW11 4NJ"}, ""},
		{"space in the wrong place", "CB 41AB", Postcode{Area: "CB", District: "CB4", Sector: "CB4 1", Unit: "CB4 1AB"}, ""},

		{"empty", "", Postcode{}, ReasonInvalidFormat},
		{"outward only", "CB4", Postcode{}, ReasonInvalidFormat},
		{"too long", "CB44 11AB", Postcode{}, ReasonInvalidFormat},
		{"letters in inward digit", "CB4 AAB", Postcode{}, ReasonInvalidFormat},
		{"digit in inward letters", "CB4 1A1", Postcode{}, ReasonInvalidFormat},
		{"inward letter never used", "CB4 1CB", Postcode{}, ReasonInvalidFormat},
		{"first letter Q", "QA1 1AA", Postcode{}, ReasonInvalidFormat},
		{"second letter Z", "AZ1 1AA", Postcode{}, ReasonInvalidFormat},
		{"no digit in outward", "CBA 1AB", Postcode{}, ReasonInvalidFormat},
		{"punctuation", "CB4-1AB", Postcode{}, ReasonInvalidFormat},
		{"not a postcode", "n/a", Postcode{}, ReasonInvalidFormat},

		{"GIR", "GIR 0AA", Postcode{}, ReasonNonGeographic},
		{"GIR lower case", "gir0aa", Postcode{}, ReasonNonGeographic},
		{"BFPO number", "BFPO 1234", Postcode{}, ReasonNonGeographic},
		{"BF1 outcode", "BF1 4FB", Postcode{}, ReasonNonGeographic},
		{"BX non-geographic", "BX1 1LT", Postcode{}, ReasonNonGeographic},
		{"overseas territory", "STHL 1ZZ", Postcode{}, ReasonNonGeographic},
		{"PO-box district, no population", "W1A 1AA", Postcode{}, ReasonNonGeographic},
		{"PO-box district AB99", "AB99 1AA", Postcode{}, ReasonNonGeographic},
		{"retired district AB1", "AB1 2AA", Postcode{}, ReasonNonGeographic},
		{"Crown dependency, no census population", "GY1 1AA", Postcode{}, ReasonNonGeographic},

		{"well formed, unknown district", "CB99 1AB", Postcode{}, ReasonUnknownDistrict},
		{"unknown area", "YY1 1AA", Postcode{}, ReasonUnknownDistrict},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.reason != "" {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason != tt.reason {
				t.Errorf("%s: Parse(%q) err = %v, want %s", tt.name, tt.in, err, tt.reason)
			}
			if err != nil && strings.Contains(strings.ToUpper(err.Error()), strings.ToUpper(strings.TrimSpace(tt.in))) && tt.in != "" {
				t.Errorf("%s: error text carries the postcode: %q", tt.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", tt.name, tt.in, err)
			continue
		}
		if got.Population <= 0 {
			t.Errorf("%s: population %d", tt.name, got.Population)
		}
		got.Population = 0
		if got != tt.want {
			t.Errorf("%s: Parse(%q) = %+v, want %+v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestGeneralise(t *testing.T) {
	// Populations (Census 2011, from the embedded table): CB4 41,924;
	// SW11 70,601; AB14 4,881; ZE3 432 (area ZE 23,086); N1C 7;
	// EC1V 13,065 (area EC 33,956); W1D 1,242.
	def := Generaliser{}
	sector := Generaliser{Level: LevelSector}
	suppress := Generaliser{SmallDistrict: SmallDistrictSuppress}
	high := Generaliser{MinPopulation: 30000}
	tests := []struct {
		name   string
		g      Generaliser
		in     string
		value  string
		level  Level
		reason string
	}{
		{"large district, default", def, "CB4 1AB", "CB4", LevelDistrict, ""},
		{"large district, lower case no space", def, "cb41ab", "CB4", LevelDistrict, ""},
		{"large district, sector asked", sector, "CB4 1AB", "CB4 1", LevelSector, ""},
		{"large district, area asked", Generaliser{Level: LevelArea}, "SW11 4NJ", "SW", LevelArea, ""},
		{"column suppressed", Generaliser{Level: LevelSuppressed}, "SW11 4NJ", "", LevelSuppressed, ""},
		{"small district to area", def, "AB14 0AA", "AB", LevelArea, ReasonSmallPopulation},
		{"small district, sector asked, still area", sector, "AB14 0AA", "AB", LevelArea, ReasonSmallPopulation},
		{"tiny district to area", def, "ZE3 9JZ", "ZE", LevelArea, ReasonSmallPopulation},
		{"A9A small district to area", def, "N1C 4AA", "N", LevelArea, ReasonSmallPopulation},
		{"AA9A small district to area", def, "W1D 3QF", "W", LevelArea, ReasonSmallPopulation},
		{"small district suppressed", suppress, "AB14 0AA", "", LevelSuppressed, ReasonSmallPopulation},
		{"large district kept when suppress option", suppress, "CB4 1AB", "CB4", LevelDistrict, ""},
		{"higher threshold: district now small", high, "EC1V 9HX", "EC", LevelArea, ReasonSmallPopulation},
		{"higher threshold: area too small as well", high, "ZE3 9JZ", "", LevelSuppressed, ReasonSmallPopulation},
		{"higher threshold: area asked but too small", Generaliser{MinPopulation: 30000, Level: LevelArea}, "ZE2 9AA", "", LevelSuppressed, ReasonSmallPopulation},
		{"lower threshold keeps district", Generaliser{MinPopulation: 4000}, "AB14 0AA", "AB14", LevelDistrict, ""},
		{"invalid", def, "CB4 AAB", "", LevelSuppressed, ReasonInvalidFormat},
		{"GIR", def, "GIR 0AA", "", LevelSuppressed, ReasonNonGeographic},
		{"BFPO", def, "BFPO 57", "", LevelSuppressed, ReasonNonGeographic},
		{"PO box", def, "W1A 1AA", "", LevelSuppressed, ReasonNonGeographic},
		{"unknown district", def, "CB99 1AB", "", LevelSuppressed, ReasonUnknownDistrict},
		{"bad policy fails closed", Generaliser{SmallDistrict: "merge"}, "CB4 1AB", "", LevelSuppressed, ReasonInvalidPolicy},
		{"bad level fails closed", Generaliser{Level: Level(9)}, "CB4 1AB", "", LevelSuppressed, ReasonInvalidPolicy},
	}
	for _, tt := range tests {
		v, l, r := tt.g.Generalise(tt.in)
		if v != tt.value || l != tt.level || r != tt.reason {
			t.Errorf("%s: Generalise(%q) = %q, %v, %q; want %q, %v, %q", tt.name, tt.in, v, l, r, tt.value, tt.level, tt.reason)
		}
	}
}

// The small districts used above really are small in the shipped table,
// and the large ones large, so the tests cannot pass by accident.
func TestTableAssumptions(t *testing.T) {
	d := gazetteer.Default().Districts
	for _, c := range []string{"AB14", "ZE3", "N1C", "W1D", "EC1V"} {
		if p := d[c].Population; p <= 0 || p >= DefaultMinPopulation {
			t.Errorf("%s population %d, want small", c, p)
		}
	}
	for _, c := range []string{"CB4", "SW11", "E1", "M14"} {
		if p := d[c].Population; p < DefaultMinPopulation {
			t.Errorf("%s population %d, want large", c, p)
		}
	}
	if p := AreaPopulation("ZE"); p < DefaultMinPopulation || p >= 30000 {
		t.Errorf("ZE area population %d", p)
	}
	if p := AreaPopulation("EC"); p < 30000 {
		t.Errorf("EC area population %d", p)
	}
	if AreaPopulation("YY") != 0 {
		t.Error("unknown area has a population")
	}
}

func TestValidate(t *testing.T) {
	for _, g := range []Generaliser{{}, {SmallDistrict: "area"}, {SmallDistrict: "suppress", Level: LevelSector}} {
		if err := g.Validate(); err != nil {
			t.Errorf("%+v: %v", g, err)
		}
	}
	for _, g := range []Generaliser{{SmallDistrict: "Area"}, {Level: -1}, {Level: LevelSuppressed + 1}} {
		if g.Validate() == nil {
			t.Errorf("%+v: want error", g)
		}
	}
}

func TestLevels(t *testing.T) {
	for _, l := range []Level{LevelSector, LevelDistrict, LevelArea, LevelSuppressed} {
		got, err := ParseLevel(l.String())
		if err != nil || got != l {
			t.Errorf("ParseLevel(%q) = %v, %v", l.String(), got, err)
		}
	}
	for _, s := range []string{"", "unit", "District"} {
		if _, err := ParseLevel(s); err == nil {
			t.Errorf("ParseLevel(%q): want error", s)
		}
	}
	if Level(7).String() != "Level(7)" {
		t.Error(Level(7).String())
	}
	tests := []struct {
		v    string
		want Level
		ok   bool
	}{
		{"", LevelSuppressed, true}, {"CB", LevelArea, true}, {"E", LevelArea, true},
		{"CB4", LevelDistrict, true}, {"EC1V", LevelDistrict, true}, {"CB4 1", LevelSector, true},
		{"CB4 1AB", LevelUnset, false}, {"CB4 ", LevelUnset, false}, {"cb4", LevelUnset, false},
		{"CBA", LevelUnset, false}, {"Q", LevelUnset, false}, {"CB4 A", LevelUnset, false},
	}
	for _, tt := range tests {
		if got, ok := LevelOf(tt.v); got != tt.want || ok != tt.ok {
			t.Errorf("LevelOf(%q) = %v, %v", tt.v, got, ok)
		}
	}
}

func TestCoarsen(t *testing.T) {
	tests := []struct {
		v     string
		from  Level
		want  string
		level Level
	}{
		{"CB4 1", LevelSector, "CB4", LevelDistrict},
		{"CB4", LevelDistrict, "CB", LevelArea},
		{"EC1V", LevelDistrict, "EC", LevelArea},
		{"W1D", LevelUnset, "W", LevelArea},
		{"CB", LevelArea, "", LevelSuppressed},
		{"", LevelSuppressed, "", LevelSuppressed},
		{"CB4 1", LevelUnset, "CB4", LevelDistrict},
		{"CB4", LevelSector, "", LevelSuppressed},     // mismatch fails closed
		{"CB4 1AB", LevelSector, "", LevelSuppressed}, // a full postcode is never passed on
	}
	for _, tt := range tests {
		v, l := Coarsen(tt.v, tt.from)
		if v != tt.want || l != tt.level {
			t.Errorf("Coarsen(%q, %v) = %q, %v; want %q, %v", tt.v, tt.from, v, l, tt.want, tt.level)
		}
	}
	// Repeated coarsening always ends suppressed within three steps.
	v, l := "SW11 4", LevelSector
	for range 3 {
		v, l = Coarsen(v, l)
	}
	if v != "" || l != LevelSuppressed {
		t.Errorf("three steps from a sector: %q %v", v, l)
	}
}

func BenchmarkGeneralise(b *testing.B) {
	g := Generaliser{}
	pcs := []string{"CB4 1AB", "sw114nj", "AB14 0AA", "GIR 0AA", "CB99 1AB", "bad"}
	for i := 0; b.Loop(); i++ {
		g.Generalise(pcs[i%len(pcs)])
	}
}
