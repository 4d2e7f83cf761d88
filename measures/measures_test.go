package measures

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

func ip(v int) *int { return &v }

// items builds n answered items summing to total, filling from the front
// with max each (so every total is reachable and easy to read).
func items(total, n, max int) []*int {
	out := make([]*int, n)
	for i := range out {
		v := min(total, max)
		total -= v
		out[i] = ip(v)
	}
	return out
}

// withMissing answers the given values and leaves nil where v < 0.
func withMissing(vs ...int) []*int {
	out := make([]*int, len(vs))
	for i, v := range vs {
		if v >= 0 {
			out[i] = ip(v)
		}
	}
	return out
}

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, in := range Instruments() {
		if seen[normCode(in.Code)] {
			t.Errorf("%s: duplicate code", in.Code)
		}
		seen[normCode(in.Code)] = true
		for _, a := range in.Aliases {
			if seen[normCode(a)] {
				t.Errorf("%s: alias %q collides", in.Code, a)
			}
			seen[normCode(a)] = true
		}
		if in.Items <= 0 || in.ItemMax <= in.ItemMin || in.Name == "" || in.Source == "" || in.MissingRule == "" {
			t.Errorf("%s: incomplete entry", in.Code)
		}
		if in.MaxMissing < 0 || in.MaxMissing >= in.Items {
			t.Errorf("%s: MaxMissing %d out of range", in.Code, in.MaxMissing)
		}
		// Bands must tile [MinTotal, MaxTotal] exactly, in order.
		next := in.MinTotal()
		for _, b := range in.Bands {
			if b.Min != next || b.Max < b.Min || b.Label == "" {
				t.Errorf("%s: band %+v does not continue at %d", in.Code, b, next)
			}
			next = b.Max + 1
		}
		if next != in.MaxTotal()+1 {
			t.Errorf("%s: bands end at %d, want %d", in.Code, next-1, in.MaxTotal())
		}
		if in.Caseness < 0 || in.Caseness > in.MaxTotal() || in.ReliableChange < 0 || in.ReliableChange > in.MaxTotal() {
			t.Errorf("%s: thresholds out of range", in.Code)
		}
	}
	codes := []string{}
	for _, in := range Instruments() {
		codes = append(codes, in.Code)
	}
	if !slices.IsSorted(codes) || !slices.Equal(codes, []string{"GAD7", "PHQ9", "WSAS"}) {
		t.Errorf("Instruments() = %v", codes)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" = not found
	}{
		{"PHQ9", "PHQ9"}, {"PHQ-9", "PHQ9"}, {"phq9", "PHQ9"}, {" Phq 9 ", "PHQ9"}, {"PHQ_9", "PHQ9"},
		{"GAD7", "GAD7"}, {"gad-7", "GAD7"},
		{"WSAS", "WSAS"}, {"wasas", "WSAS"}, {"W&SAS", "WSAS"},
		{"", ""}, {"PHQ", ""}, {"PHQ-8", ""}, {"BDI", ""}, {"-", ""},
	}
	for _, tt := range tests {
		in, ok := Lookup(tt.in)
		if got := map[bool]string{true: in.Code}[ok]; got != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tt.in, in.Code, ok, tt.want)
		}
	}
}

func TestLookupReturnsCopy(t *testing.T) {
	in, _ := Lookup("PHQ9")
	in.Bands[0].Label = "changed"
	in.Aliases = append(in.Aliases, "X")
	again, _ := Lookup("PHQ9")
	if again.Bands[0].Label != "minimal" {
		t.Fatal("Lookup exposed the registry's bands")
	}
	all := Instruments()
	all[0].Bands[0].Max = 99
	if again, _ := Lookup(all[0].Code); again.Bands[0].Max == 99 {
		t.Fatal("Instruments exposed the registry's bands")
	}
}

// Every band boundary value, and the caseness edges, for every instrument.
func TestScoreBandEdges(t *testing.T) {
	tests := []struct {
		code     string
		total    int
		band     string
		isCase   bool
		hasCases bool
	}{
		{"PHQ9", 0, "minimal", false, true}, {"PHQ9", 4, "minimal", false, true},
		{"PHQ9", 5, "mild", false, true}, {"PHQ9", 9, "mild", false, true},
		{"PHQ9", 10, "moderate", true, true}, {"PHQ9", 14, "moderate", true, true},
		{"PHQ9", 15, "moderately_severe", true, true}, {"PHQ9", 19, "moderately_severe", true, true},
		{"PHQ9", 20, "severe", true, true}, {"PHQ9", 27, "severe", true, true},

		{"GAD7", 0, "minimal", false, true}, {"GAD7", 4, "minimal", false, true},
		{"GAD7", 5, "mild", false, true}, {"GAD7", 7, "mild", false, true},
		{"GAD7", 8, "mild", true, true}, {"GAD7", 9, "mild", true, true},
		{"GAD7", 10, "moderate", true, true}, {"GAD7", 14, "moderate", true, true},
		{"GAD7", 15, "severe", true, true}, {"GAD7", 21, "severe", true, true},

		{"WSAS", 0, "subclinical", false, false}, {"WSAS", 9, "subclinical", false, false},
		{"WSAS", 10, "significant_impairment", false, false}, {"WSAS", 20, "significant_impairment", false, false},
		{"WSAS", 21, "moderately_severe_or_worse", false, false}, {"WSAS", 40, "moderately_severe_or_worse", false, false},
	}
	for _, tt := range tests {
		in, _ := Lookup(tt.code)
		got, err := Score(tt.code, items(tt.total, in.Items, in.ItemMax))
		if err != nil {
			t.Errorf("%s %d: %v", tt.code, tt.total, err)
			continue
		}
		want := Scored{Instrument: tt.code, Total: tt.total, Band: tt.band, Case: tt.isCase, HasCaseness: tt.hasCases}
		if got != want {
			t.Errorf("%s %d: got %+v, want %+v", tt.code, tt.total, got, want)
		}
	}
}

func TestScoreMissingItems(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		items  []*int
		total  int
		band   string
		reason string // "" = valid
	}{
		// 17 over 8 answered: 17*9/8 = 19.125 -> 19.
		{"phq9 one missing", "PHQ9", withMissing(3, 3, 2, 2, 2, 2, 2, 1, -1), 19, "moderately_severe", ""},
		// 13 over 7 answered: 13*9/7 = 16.71 -> 17.
		{"phq9 two missing", "PHQ9", withMissing(3, -1, 2, 2, 2, 2, 1, 1, -1), 17, "moderately_severe", ""},
		// 4 over 8: 4.5 rounds half up to 5, which crosses minimal -> mild.
		{"phq9 half rounds up", "PHQ9", withMissing(1, 1, 1, 1, 0, 0, 0, 0, -1), 5, "mild", ""},
		{"phq9 three missing", "PHQ9", withMissing(3, -1, 2, -1, 2, 2, 1, 1, -1), 0, "", ReasonTooManyMissing},
		// 9 over 6: 9*7/6 = 10.5 -> 11.
		{"gad7 one missing", "GAD7", withMissing(2, 2, 2, 1, 1, 1, -1), 11, "moderate", ""},
		// 5 over 5: 5*7/5 = 7, exactly; not a case.
		{"gad7 two missing", "GAD7", withMissing(1, 1, -1, 1, 1, -1, 1), 7, "mild", ""},
		{"gad7 three missing", "GAD7", withMissing(-1, 1, -1, 1, 1, -1, 1), 0, "", ReasonTooManyMissing},
		// 6 over 4: 6*5/4 = 7.5 -> 8.
		{"wsas work not applicable", "WSAS", withMissing(-1, 2, 2, 1, 1), 8, "subclinical", ""},
		{"wsas two missing", "WSAS", withMissing(-1, 2, -1, 1, 1), 0, "", ReasonTooManyMissing},
		{"all missing", "PHQ9", make([]*int, 9), 0, "", ReasonTooManyMissing},
	}
	for _, tt := range tests {
		got, err := Score(tt.code, tt.items)
		if tt.reason != "" {
			var se *ScoreError
			if !errors.As(err, &se) || se.Reason != tt.reason || se.Field != "items" {
				t.Errorf("%s: err %v, want items/%s", tt.name, err, tt.reason)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got.Total != tt.total || got.Band != tt.band || !got.Prorated || got.Missing == 0 {
			t.Errorf("%s: got %+v, want total %d band %s prorated", tt.name, got, tt.total, tt.band)
		}
	}
}

func TestScoreErrors(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		items  []*int
		field  string
		reason string
	}{
		{"unknown instrument", "BDI", items(5, 9, 3), "instrument", ReasonUnknownInstrument},
		{"empty instrument", "", items(5, 9, 3), "instrument", ReasonUnknownInstrument},
		{"too few items", "PHQ9", items(5, 8, 3), "items", ReasonItemCount},
		{"too many items", "GAD7", items(5, 8, 3), "items", ReasonItemCount},
		{"no items", "WSAS", nil, "items", ReasonItemCount},
		{"above range", "PHQ9", withMissing(0, 0, 0, 4, 0, 0, 0, 0, 0), "items[3]", ReasonOutOfRange},
		{"negative item", "WSAS", []*int{ip(0), ip(0), ip(0), ip(0), ip(-2)}, "items[4]", ReasonOutOfRange},
		{"wsas 9", "WSAS", []*int{ip(9), ip(0), ip(0), ip(0), ip(0)}, "items[0]", ReasonOutOfRange},
		// Range is checked before the missing count, so the field is exact.
		{"range before missing", "PHQ9", withMissing(-1, -1, -1, 7, 0, 0, 0, 0, 0), "items[3]", ReasonOutOfRange},
	}
	for _, tt := range tests {
		_, err := Score(tt.code, tt.items)
		var se *ScoreError
		if !errors.As(err, &se) || se.Field != tt.field || se.Reason != tt.reason {
			t.Errorf("%s: err %v, want %s/%s", tt.name, err, tt.field, tt.reason)
		}
	}
}

// The error text names field and reason only, never the item value.
func TestScoreErrorCarriesNoValue(t *testing.T) {
	_, err := Score("WSAS", []*int{ip(0), ip(0), ip(0), ip(0), ip(12345)})
	if err == nil || strings.Contains(err.Error(), "12345") {
		t.Fatalf("err = %v", err)
	}
	if err.Error() != "measures: items[4]: item_out_of_range" {
		t.Fatalf("err = %q", err)
	}
}

func sm(session, phq, gad int) SessionMeasures {
	m := SessionMeasures{Session: session}
	if phq >= 0 {
		m.PHQ9 = ip(phq)
	}
	if gad >= 0 {
		m.GAD7 = ip(gad)
	}
	return m
}

func TestOutcome(t *testing.T) {
	type flags struct{ caseAt, finished, rec, ri, rd, rr bool }
	tests := []struct {
		name     string
		measures []SessionMeasures
		sessions int
		ok       bool
		first    [2]int // phq, gad
		last     [2]int
		want     flags
	}{
		{"not a case at start, reliably improved", []SessionMeasures{sm(1, 8, 6), sm(4, 3, 2)}, 4, true,
			[2]int{8, 6}, [2]int{3, 2}, flags{false, true, false, true, false, false}},
		{"recovered but not reliably", []SessionMeasures{sm(1, 11, 7), sm(6, 8, 5)}, 6, true,
			[2]int{11, 7}, [2]int{8, 5}, flags{true, true, true, false, false, false}},
		{"case on GAD-7 only, recovered", []SessionMeasures{sm(1, 9, 8), sm(3, 9, 7)}, 3, true,
			[2]int{9, 8}, [2]int{9, 7}, flags{true, true, true, false, false, false}},
		{"reliably improved but still a case", []SessionMeasures{sm(1, 22, 18), sm(8, 14, 12)}, 8, true,
			[2]int{22, 18}, [2]int{14, 12}, flags{true, true, false, true, false, false}},
		{"still a case on GAD-7 alone", []SessionMeasures{sm(1, 20, 15), sm(8, 5, 8)}, 8, true,
			[2]int{20, 15}, [2]int{5, 8}, flags{true, true, false, true, false, false}},
		{"reliable recovery", []SessionMeasures{sm(1, 18, 15), sm(2, 12, 11), sm(7, 5, 4)}, 7, true,
			[2]int{18, 15}, [2]int{5, 4}, flags{true, true, true, true, false, true}},
		{"PHQ-9 improves, GAD-7 deteriorates, still a case", []SessionMeasures{sm(1, 20, 5), sm(5, 12, 10)}, 5, true,
			[2]int{20, 5}, [2]int{12, 10}, flags{true, true, false, false, false, false}},
		{"mixed change, recovered but not reliably", []SessionMeasures{sm(1, 15, 2), sm(5, 9, 7)}, 5, true,
			[2]int{15, 2}, [2]int{9, 7}, flags{true, true, true, false, false, false}},
		{"GAD-7 improves, PHQ-9 deteriorates", []SessionMeasures{sm(1, 3, 12), sm(5, 9, 8)}, 5, true,
			[2]int{3, 12}, [2]int{9, 8}, flags{true, true, false, false, false, false}},
		{"reliable deterioration", []SessionMeasures{sm(1, 5, 4), sm(4, 12, 6)}, 4, true,
			[2]int{5, 4}, [2]int{12, 6}, flags{false, true, false, false, true, false}},
		{"deterioration on GAD-7 with small PHQ-9 fall", []SessionMeasures{sm(1, 12, 8), sm(4, 7, 12)}, 4, true,
			[2]int{12, 8}, [2]int{7, 12}, flags{true, true, false, false, true, false}},
		{"one session only", []SessionMeasures{sm(1, 16, 14)}, 1, true,
			[2]int{16, 14}, [2]int{16, 14}, flags{true, false, false, false, false, false}},
		{"no treatment session", []SessionMeasures{sm(0, 16, 14)}, 0, true,
			[2]int{16, 14}, [2]int{16, 14}, flags{true, false, false, false, false, false}},
		{"exactly the reliable change indices down", []SessionMeasures{sm(1, 16, 3), sm(2, 10, 0)}, 2, true,
			[2]int{16, 3}, [2]int{10, 0}, flags{true, true, false, true, false, false}},
		{"one short of the indices", []SessionMeasures{sm(1, 16, 11), sm(2, 11, 8)}, 2, true,
			[2]int{16, 11}, [2]int{11, 8}, flags{true, true, false, false, false, false}},
		{"GAD-7 down exactly 4", []SessionMeasures{sm(1, 9, 11), sm(2, 9, 7)}, 2, true,
			[2]int{9, 11}, [2]int{9, 7}, flags{true, true, true, true, false, true}},
		{"exactly the indices up", []SessionMeasures{sm(1, 0, 3), sm(2, 6, 3)}, 2, true,
			[2]int{0, 3}, [2]int{6, 3}, flags{false, true, false, false, true, false}},
		{"unordered, unpaired sessions ignored",
			[]SessionMeasures{sm(9, 2, -1), sm(3, 8, 6), sm(1, 20, -1), sm(2, 14, 12), sm(7, -1, 1)}, 9, true,
			[2]int{14, 12}, [2]int{8, 6}, flags{true, true, true, true, false, true}},
		{"no paired measure", []SessionMeasures{sm(1, 14, -1), sm(2, -1, 9)}, 2, false,
			[2]int{}, [2]int{}, flags{}},
		{"no measures", nil, 3, false, [2]int{}, [2]int{}, flags{}},
	}
	for _, tt := range tests {
		o, ok := Outcome(tt.measures, tt.sessions)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v", tt.name, ok)
			continue
		}
		if !ok {
			if o != (Outcomes{}) {
				t.Errorf("%s: not ok but %+v", tt.name, o)
			}
			continue
		}
		got := flags{o.CaseAtStart, o.FinishedTreatment, o.Recovered, o.ReliableImprovement, o.ReliableDeterioration, o.ReliableRecovery}
		if got != tt.want {
			t.Errorf("%s: flags %+v, want %+v", tt.name, got, tt.want)
		}
		if [2]int{o.PHQ9First, o.GAD7First} != tt.first || [2]int{o.PHQ9Last, o.GAD7Last} != tt.last {
			t.Errorf("%s: first %d/%d last %d/%d", tt.name, o.PHQ9First, o.GAD7First, o.PHQ9Last, o.GAD7Last)
		}
		// Invariants that hold for every patient.
		if o.ReliableImprovement && o.ReliableDeterioration {
			t.Errorf("%s: improved and deteriorated", tt.name)
		}
		if o.Recovered && !o.CaseAtStart || o.ReliableRecovery != (o.Recovered && o.ReliableImprovement) {
			t.Errorf("%s: recovery flags inconsistent %+v", tt.name, o)
		}
	}
}

func TestOutcomeSessionsAndCounts(t *testing.T) {
	o, ok := Outcome([]SessionMeasures{sm(5, 10, 10), sm(2, 12, 9), sm(3, 4, -1), sm(8, 6, 5)}, 7)
	if !ok || o.FirstSession != 2 || o.LastSession != 8 || o.PairedMeasures != 3 {
		t.Fatalf("got %+v", o)
	}
}

func TestPair(t *testing.T) {
	got := Pair([]SessionScore{
		{Session: 3, Instrument: "GAD-7", Total: 9},
		{Session: 1, Instrument: "PHQ9", Total: 14},
		{Session: 1, Instrument: "WSAS", Total: 20}, // not an outcome measure
		{Session: 3, Instrument: "phq-9", Total: 9},
		{Session: 1, Instrument: "gad7", Total: 10},
		{Session: 3, Instrument: "GAD7", Total: 7}, // later duplicate wins
		{Session: 2, Instrument: "BDI", Total: 30}, // unknown, ignored
		{Session: 4, Instrument: "PHQ9", Total: 5},
	})
	want := []SessionMeasures{sm(1, 14, 10), sm(3, 9, 7), sm(4, 5, -1)}
	if len(got) != len(want) {
		t.Fatalf("got %d sessions, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Session != w.Session || !eqp(g.PHQ9, w.PHQ9) || !eqp(g.GAD7, w.GAD7) {
			t.Errorf("session %d: got %v/%v", w.Session, g.PHQ9, g.GAD7)
		}
	}
	o, ok := Outcome(got, 4)
	if !ok || o.PHQ9First != 14 || o.GAD7Last != 7 || !o.Recovered {
		t.Errorf("outcome from Pair: %+v %v", o, ok)
	}
}

func eqp(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func TestDefinitions(t *testing.T) {
	want := map[string][]string{
		"questionnaires": {"instrument", "items", "total", "severity", "caseness", "prorated"},
		"outcomes": {"phq9_first", "phq9_last", "gad7_first", "gad7_last", "case_at_start", "finished_treatment",
			"recovered", "reliable_improvement", "reliable_deterioration", "reliable_recovery"},
	}
	got := map[string][]string{}
	for _, d := range Definitions() {
		if (d.Meaning == "" || d.Derivation == "" || d.Source == "") && (d.Meaning != "" || d.Allowed == "") {
			t.Errorf("%s.%s: empty field", d.Dataset, d.Column)
		}
		got[d.Dataset] = append(got[d.Dataset], d.Column)
	}
	for ds, cols := range want {
		if !slices.Equal(got[ds], cols) {
			t.Errorf("%s columns = %v, want %v", ds, got[ds], cols)
		}
	}
	all := ""
	for _, d := range Definitions() {
		all += d.Derivation
	}
	for _, s := range []string{"PHQ9 total >= 10", "GAD7 total >= 8", "WSAS has no caseness", "PHQ-9 change of 6", "GAD-7 change of 4", "20-27 severe"} {
		if !strings.Contains(all, s) {
			t.Errorf("definitions do not mention %q", s)
		}
	}
}

// TestAllowedFollowsRegistry: the allowed values of the instrument, items
// and total columns are derived from the registry, so every instrument is
// listed with its ranges (the paired measures first) and a new one needs no
// edit elsewhere.
func TestAllowedFollowsRegistry(t *testing.T) {
	allowed := map[string]string{}
	for _, d := range Definitions() {
		if d.Dataset == "questionnaires" && d.Allowed != "" {
			allowed[d.Column] = d.Allowed
		}
	}
	want := map[string]string{
		"instrument": "PHQ9, GAD7, WSAS",
		"items":      "per instrument: PHQ9 and GAD7 0–3, WSAS 0–8",
		"total":      "PHQ9 0–27, GAD7 0–21, WSAS 0–40",
	}
	if !maps.Equal(allowed, want) {
		t.Errorf("allowed = %q, want %q", allowed, want)
	}
	for _, in := range Instruments() {
		for col, a := range allowed {
			if !strings.Contains(a, in.Code) {
				t.Errorf("%s allowed values %q miss %s", col, a, in.Code)
			}
		}
	}
	ordered := displayOrder([]Instrument{{Code: "A"}, {Code: "GAD7"}, {Code: "B"}, {Code: "PHQ9"}})
	var codes []string
	for _, in := range ordered {
		codes = append(codes, in.Code)
	}
	if got := strings.Join(codes, " "); got != "PHQ9 GAD7 A B" {
		t.Errorf("displayOrder = %s, want PHQ9 GAD7 A B", got)
	}
}

func BenchmarkScore(b *testing.B) {
	full := items(14, 9, 3)
	missing := withMissing(3, 3, 2, 2, 2, 2, 2, 1, -1)
	for i := 0; b.Loop(); i++ {
		its := full
		if i%2 == 1 {
			its = missing
		}
		if _, err := Score("PHQ-9", its); err != nil {
			b.Fatal(err)
		}
	}
}
