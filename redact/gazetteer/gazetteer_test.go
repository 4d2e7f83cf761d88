package gazetteer

import "testing"

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
		{"world names", len(g.WorldNames), 150000},
		{"world places", len(g.WorldPlaces), 100000},
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
