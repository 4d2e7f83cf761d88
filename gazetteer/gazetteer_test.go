package gazetteer

import (
	"strings"
	"testing"
)

func TestDefaultParses(t *testing.T) {
	g := Default()
	tests := []struct {
		name string
		got  int
		min  int
	}{
		{"first names", len(g.FirstNames), 40000},
		{"surnames", len(g.Surnames), 1000},
		{"places", len(g.Places), 40000},
		{"counties", len(g.Counties), 150},
		{"districts", len(g.Districts), 3000},
		{"town areas", len(g.TownAreas), 8000},
		{"world names", strings.Count(g.WorldNames, "\n"), 150000},
		{"world places", strings.Count(g.WorldPlaces, "\n"), 100000},
	}
	for _, tt := range tests {
		if tt.got < tt.min {
			t.Errorf("%s: %d entries, want at least %d", tt.name, tt.got, tt.min)
		}
	}
	if d := g.Districts["CB4"]; d.Population == 0 || d.PostTown == "" {
		t.Errorf("CB4 district not parsed: %+v", d)
	}
}

// The world lists are binary-searched in place: they must stay sorted by
// bytes, without duplicates, one key and value per line.
func TestWorldListsSorted(t *testing.T) {
	g := Default()
	for name, data := range map[string]string{"world_names": g.WorldNames, "world_places": g.WorldPlaces} {
		prev := ""
		for n, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
			k, v, ok := strings.Cut(line, "\t")
			if !ok || k == "" || v == "" {
				t.Fatalf("%s line %d: want key<TAB>value", name, n+1)
			}
			if k <= prev {
				t.Fatalf("%s line %d: not sorted or duplicate", name, n+1)
			}
			prev = k
		}
	}
}
