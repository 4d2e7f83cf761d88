package disclosure

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/pipeline/geo"
)

func row(id string, vals ...string) Row { return Row{ID: id, Values: vals} }

func repeat(n int, prefix string, vals ...string) []Row {
	out := make([]Row, n)
	for i := range out {
		out[i] = row(fmt.Sprintf("%s%03d", prefix, i), vals...)
	}
	return out
}

// rareSnapshot: 60 common rows, two groups of 6 that meet at 10-year age
// bands, two groups of 5 that meet only at ethnic group, and 3 rows that
// nothing can save.
func rareSnapshot() []Row {
	var rows []Row
	rows = append(rows, repeat(60, "a", "30-34", "female", "A", "CB4")...)
	rows = append(rows, repeat(6, "b", "20-24", "male", "A", "CB4")...)
	rows = append(rows, repeat(6, "c", "25-29", "male", "A", "CB4")...)
	rows = append(rows, repeat(5, "d", "40-44", "female", "H", "M14")...)
	rows = append(rows, repeat(5, "e", "40-44", "female", "J", "M14")...)
	rows = append(rows,
		row("x1", "70-74", "other", "N", "ZE3"),
		row("x2", "85-89", "male", "R", "AB14"),
		row("x3", "15-19", "female", "Z", ""),
	)
	return rows
}

// checkK verifies the k-anonymity invariant and the report's arithmetic
// independently of the implementation.
func checkK(t *testing.T, res *Result, k, n int) {
	t.Helper()
	sizes := map[string]int{}
	suppressed := 0
	for _, r := range res.Rows {
		if r.Suppressed {
			suppressed++
			for _, v := range r.Values {
				if v != "" {
					t.Fatalf("suppressed row %s keeps a value", r.ID)
				}
			}
			continue
		}
		sizes[strings.Join(r.Values, "\x00")]++
	}
	minSize := 0
	for key, sz := range sizes {
		if sz < k {
			t.Errorf("class %q has %d rows < k=%d", key, sz, k)
		}
		if minSize == 0 || sz < minSize {
			minSize = sz
		}
	}
	rep := res.Report
	if rep.Rows != n || len(res.Rows) != n || rep.Suppressed != suppressed || rep.Classes != len(sizes) || rep.MinClassSize != minSize {
		t.Errorf("report %+v; counted rows %d suppressed %d classes %d min %d", rep, n, suppressed, len(sizes), minSize)
	}
	sum := 0
	for _, s := range rep.Steps {
		sum += s.RowsSuppressed
		if s.RowsChanged > s.RowsInSmallClasses || s.RowsSuppressed > s.RowsInSmallClasses || s.SmallClasses > s.RowsInSmallClasses {
			t.Errorf("step %+v: counts exceed the small rows", s)
		}
	}
	if sum != rep.Suppressed {
		t.Errorf("steps suppress %d rows, report says %d", sum, rep.Suppressed)
	}
}

func TestApplyRareCombinations(t *testing.T) {
	rows := rareSnapshot()
	res, err := Apply(rows, Config{})
	if err != nil {
		t.Fatal(err)
	}
	checkK(t, res, DefaultK, len(rows))

	want := map[string][]string{
		"a000": {"30-34", "female", "A", "CB4"},   // common: untouched
		"b000": {"20-29", "male", "A", "CB4"},     // saved by 10-year bands
		"c005": {"20-29", "male", "A", "CB4"},     //
		"d000": {"40-49", "female", "Asian", "M"}, // saved at ethnic group
		"e004": {"40-49", "female", "Asian", "M"}, //
		"x1":   {"", "", "", ""},                  // suppressed
		"x3":   {"", "", "", ""},                  //
	}
	for id, w := range want {
		r, ok := res.Lookup(id)
		if !ok || !slices.Equal(r.Values, w) || r.Suppressed != (w[0] == "") {
			t.Errorf("%s: got %+v, want %v", id, r, w)
		}
	}
	if v, ok := res.Value("d001", ColPostcode); !ok || v != "M" {
		t.Errorf("Value(d001, postcode) = %q, %v", v, ok)
	}
	if _, ok := res.Value("nobody", ColPostcode); ok {
		t.Error("Value for an unknown id")
	}
	if _, ok := res.Value("a000", "diagnosis"); ok {
		t.Error("Value for an unknown column")
	}

	// Hand-computed per-step report (see rareSnapshot).
	wantSteps := []StepReport{
		{Step: "partial_postcode:district", Column: ColPostcode, SmallClasses: 7, RowsInSmallClasses: 25, RowsChanged: 0},
		{Step: "age_band:10", Column: ColAgeBand, SmallClasses: 7, RowsInSmallClasses: 25, RowsChanged: 25},
		{Step: "partial_postcode:area", Column: ColPostcode, SmallClasses: 5, RowsInSmallClasses: 13, RowsChanged: 12},
		{Step: "ethnicity:group", Column: ColEthnicity, SmallClasses: 5, RowsInSmallClasses: 13, RowsChanged: 13},
		{Step: "age_band:20", Column: ColAgeBand, SmallClasses: 3, RowsInSmallClasses: 3, RowsChanged: 3},
		{Step: "partial_postcode:suppress", Column: ColPostcode, SmallClasses: 3, RowsInSmallClasses: 3, RowsChanged: 2},
		{Step: StepSuppressRow, SmallClasses: 3, RowsInSmallClasses: 3, RowsSuppressed: 3},
	}
	if !reflect.DeepEqual(res.Report.Steps, wantSteps) {
		t.Errorf("steps:\n got %+v\nwant %+v", res.Report.Steps, wantSteps)
	}
	if r := res.Report; r.Suppressed != 3 || r.Classes != 3 || r.MinClassSize != 10 || r.K != 10 {
		t.Errorf("report %+v", r)
	}
	// The input is not modified.
	if rows[60].Values[0] != "20-24" {
		t.Error("Apply changed its input")
	}
}

func TestApplyDeterministicUnderShuffle(t *testing.T) {
	base := append(rareSnapshot(), randomRows(rand.New(rand.NewPCG(1, 2)), 1500)...)
	want, err := Apply(base, Config{K: 5})
	if err != nil {
		t.Fatal(err)
	}
	checkK(t, want, 5, len(base))
	for seed := range uint64(3) {
		rows := slices.Clone(base)
		rand.New(rand.NewPCG(seed, 7)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		got, err := Apply(rows, Config{K: 5})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Report, want.Report) {
			t.Fatalf("seed %d: report differs:\n%+v\n%+v", seed, got.Report, want.Report)
		}
		for _, r := range base {
			a, _ := got.Lookup(r.ID)
			b, _ := want.Lookup(r.ID)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("seed %d: %s differs: %+v vs %+v", seed, r.ID, a, b)
			}
		}
	}
}

// randomRows draws from a skewed distribution so that there are common
// and rare combinations at every level.
func randomRows(rng *rand.Rand, n int) []Row {
	ages := []string{"20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "60-64", "85-89", "90+", ""}
	genders := []string{"female", "female", "male", "male", "other", ""}
	eth := []string{"A", "A", "A", "A", "B", "C", "D", "H", "J", "K", "M", "N", "R", "S", "Z", ""}
	pcs := []string{"CB4", "CB1", "CB4 1", "CB4 2", "M14", "M14 5", "SW11", "E1", "ZE", ""}
	pick := func(xs []string) string {
		i := int(float64(len(xs)) * rng.Float64() * rng.Float64()) // favours the front
		return xs[i]
	}
	out := make([]Row, n)
	for i := range out {
		out[i] = row(fmt.Sprintf("r%05d", i), pick(ages), pick(genders), pick(eth), pick(pcs))
	}
	return out
}

func TestApplyInvariantsRandom(t *testing.T) {
	for _, k := range []int{2, 5, 10, 25} {
		rows := randomRows(rand.New(rand.NewPCG(uint64(k), 9)), 800)
		res, err := Apply(rows, Config{K: k})
		if err != nil {
			t.Fatal(err)
		}
		checkK(t, res, k, len(rows))
		// Generalisation only ever coarsens: a kept row's values are its
		// input values or coarser forms of them.
		for i, r := range res.Rows {
			if r.Suppressed {
				continue
			}
			in := rows[i].Values
			if r.Values[1] != in[1] {
				t.Fatalf("k=%d %s: gender changed without suppression", k, r.ID)
			}
			if r.Values[3] != "" && !strings.HasPrefix(in[3], r.Values[3]) {
				t.Fatalf("k=%d %s: postcode %q not a prefix of %q", k, r.ID, r.Values[3], in[3])
			}
		}
	}
}

func TestApplyKOneChangesNothing(t *testing.T) {
	rows := rareSnapshot()
	res, err := Apply(rows, Config{K: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res.Rows {
		if r.Suppressed || r.ID != rows[i].ID || !slices.Equal(r.Values, rows[i].Values) {
			t.Fatalf("row %d changed: %+v", i, r)
		}
	}
	if len(res.Report.Steps) != 0 || res.Report.Suppressed != 0 || res.Report.MinClassSize != 1 {
		t.Errorf("report %+v", res.Report)
	}
	checkK(t, res, 1, len(rows))
}

func TestApplyNoStepsSuppressesRare(t *testing.T) {
	rows := rareSnapshot()
	res, err := Apply(rows, Config{Steps: []Step{}})
	if err != nil {
		t.Fatal(err)
	}
	checkK(t, res, DefaultK, len(rows))
	if res.Report.Suppressed != len(rows)-60 || len(res.Report.Steps) != 1 {
		t.Errorf("report %+v", res.Report)
	}
}

func TestApplyEverythingSuppressed(t *testing.T) {
	rows := repeat(4, "z", "30-34", "female", "A", "CB4")
	res, err := Apply(rows, Config{})
	if err != nil {
		t.Fatal(err)
	}
	checkK(t, res, DefaultK, 4)
	if res.Report.Suppressed != 4 || res.Report.MinClassSize != 0 || res.Report.Classes != 0 {
		t.Errorf("report %+v", res.Report)
	}
	empty, err := Apply(nil, Config{})
	if err != nil || empty.Report.Rows != 0 || len(empty.Report.Steps) != 0 {
		t.Errorf("empty input: %+v %v", empty, err)
	}
}

func TestApplyCustomColumnsAndSteps(t *testing.T) {
	// Two columns, gender suppressed before the age band widens.
	rows := append(repeat(6, "f", "female", "20-24"), repeat(6, "m", "male", "20-24")...)
	steps, err := ParseSteps([]string{"gender:suppress", "age_band:10"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(rows, Config{Columns: []string{ColGender, ColAgeBand}, Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	checkK(t, res, DefaultK, len(rows))
	if v, _ := res.Value("f000", ColGender); v != "" {
		t.Errorf("gender = %q", v)
	}
	if v, _ := res.Value("m005", ColAgeBand); v != "20-24" {
		t.Errorf("age = %q (the second step was not needed)", v)
	}
	if len(res.Report.Steps) != 1 || res.Report.Steps[0].RowsChanged != 12 {
		t.Errorf("steps %+v", res.Report.Steps)
	}
	// Default steps follow the configured columns.
	if got := DefaultSteps([]string{ColAgeBand, ColGender}); len(got) != 2 || got[0].Name != "age_band:10" || got[1].Name != "age_band:20" {
		t.Errorf("DefaultSteps = %+v", got)
	}
}

func TestApplyErrors(t *testing.T) {
	ok := rareSnapshot()
	tests := []struct {
		name string
		rows []Row
		cfg  Config
		want string
	}{
		{"negative k", ok, Config{K: -1}, "k must be"},
		{"no columns", ok, Config{Columns: []string{}}, "no quasi-identifier"},
		{"empty column name", ok, Config{Columns: []string{"a", ""}}, "columns[1]"},
		{"duplicate column", ok, Config{Columns: []string{"a", "a"}}, "listed twice"},
		{"step on unknown column", ok, Config{Steps: []Step{{Name: "diagnosis:suppress", Column: "diagnosis", Apply: suppress}}}, "not a quasi-identifier"},
		{"step without function", ok, Config{Steps: []Step{{Name: "gender:x", Column: ColGender}}}, "no function"},
		{"empty id", []Row{row("", "20-24", "male", "A", "CB4")}, Config{}, "row 0: empty id"},
		{"duplicate id", []Row{row("p", "20-24", "male", "A", "CB4"), row("p", "20-24", "male", "A", "CB4")}, Config{}, "row 1: duplicate id"},
		{"short row", []Row{row("p", "20-24", "male", "A")}, Config{}, "row 0: 3 values"},
		{"ethnicity not a code", append(slices.Clone(ok), row("bad", "30-34", "female", "Q9", "CB4")), Config{}, "column ethnicity"},
		{"age not a band", []Row{row("p", "about 30", "male", "A", "CB4")}, Config{}, "column age_band"},
		{"misaligned age band", []Row{row("p", "18-24", "male", "A", "CB4")}, Config{}, "column age_band"},
		{"full postcode", []Row{row("p", "20-24", "male", "A", "CB4 1AB")}, Config{}, "column partial_postcode"},
	}
	for _, tt := range tests {
		_, err := Apply(tt.rows, tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
			continue
		}
		for _, leak := range []string{"Q9", "about 30", "CB4 1AB", "18-24"} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("%s: error carries a value: %v", tt.name, err)
			}
		}
	}
}

func TestAgeSteps(t *testing.T) {
	to10, to20 := ageTo(10), ageTo(20)
	tests := []struct {
		in, w10, w20 string
	}{
		{"", "", ""},
		{"0-4", "0-9", "0-19"}, {"15-19", "10-19", "0-19"}, {"20-24", "20-29", "20-39"}, {"25-29", "20-29", "20-39"},
		{"60-64", "60-69", "60-79"}, {"75-79", "70-79", "60-79"}, {"80-84", "80-89", "80+"}, {"85-89", "80-89", "80+"},
		{"90+", "90+", "80+"}, {"80+", "80+", "80+"},
		{"20-29", "20-29", "20-39"}, {"20-39", "20-39", "20-39"}, {"80-99", "80-99", "80+"}, {"0-19", "0-19", "0-19"},
	}
	for _, tt := range tests {
		g10, err1 := to10(tt.in)
		g20, err2 := to20(tt.in)
		if err1 != nil || err2 != nil || g10 != tt.w10 || g20 != tt.w20 {
			t.Errorf("%q: 10 -> %q %v, 20 -> %q %v; want %q, %q", tt.in, g10, err1, g20, err2, tt.w10, tt.w20)
		}
		// Chained steps agree with the direct one.
		if c, _ := to20(g10); c != tt.w20 {
			t.Errorf("%q: via 10 then 20 = %q, want %q", tt.in, c, tt.w20)
		}
	}
	for _, bad := range []string{"18-24", "30-25", "-1-4", "x", "30", "0+", "+", "20-", "25-34"} {
		if _, err := to10(bad); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
	for _, tt := range []struct {
		age, w int
		want   string
	}{
		{0, 5, "0-4"}, {29, 5, "25-29"}, {89, 5, "85-89"}, {90, 5, "90+"}, {104, 10, "90+"}, {85, 10, "80-89"},
		{79, 20, "60-79"}, {80, 20, "80+"}, {-3, 5, "0-4"}, {33, 0, "30-34"},
	} {
		if got := AgeBand(tt.age, tt.w); got != tt.want {
			t.Errorf("AgeBand(%d, %d) = %q, want %q", tt.age, tt.w, got, tt.want)
		}
	}
}

func TestEthnicity(t *testing.T) {
	want := map[string]string{
		"A": "White", "B": "White", "C": "White", "D": "Mixed", "E": "Mixed", "F": "Mixed", "G": "Mixed",
		"H": "Asian", "J": "Asian", "K": "Asian", "L": "Asian", "M": "Black", "N": "Black", "P": "Black",
		"R": "Other", "S": "Other", "Z": "Not stated",
		"White": "White", "Not stated": "Not stated", "": "",
	}
	for in, w := range want {
		if got, err := ethnicityToGroup(in); err != nil || got != w {
			t.Errorf("%q -> %q, %v; want %q", in, got, err, w)
		}
	}
	for _, bad := range []string{"I", "O", "Q", "99", "a", "white", "AB"} {
		if _, err := ethnicityToGroup(bad); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func TestPostcodeSteps(t *testing.T) {
	toD, toA := postcodeTo(geo.LevelDistrict), postcodeTo(geo.LevelArea)
	tests := []struct{ in, d, a string }{
		{"CB4 1", "CB4", "CB"}, {"CB4", "CB4", "CB"}, {"CB", "CB", "CB"}, {"", "", ""}, {"EC1V 9", "EC1V", "EC"},
	}
	for _, tt := range tests {
		d, err1 := toD(tt.in)
		a, err2 := toA(tt.in)
		if err1 != nil || err2 != nil || d != tt.d || a != tt.a {
			t.Errorf("%q: district %q %v, area %q %v", tt.in, d, err1, a, err2)
		}
	}
	for _, bad := range []string{"CB4 1AB", "cb4", "CB4  1", "12"} {
		if _, err := toD(bad); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func TestStepNames(t *testing.T) {
	steps, err := ParseSteps(DefaultStepNames())
	if err != nil || len(steps) != len(defaultOrder) {
		t.Fatalf("default steps: %v", err)
	}
	for _, s := range steps {
		if s.Apply == nil || !strings.HasPrefix(s.Name, s.Column+":") {
			t.Errorf("step %+v", s)
		}
	}
	if s, err := StepNamed("diagnosis:suppress"); err != nil || s.Column != "diagnosis" {
		t.Errorf("generic suppress: %+v %v", s, err)
	}
	for _, bad := range []string{"", "age_band", ":10", "age_band:", "age_band:5", "gender:group", "ethnicity:area"} {
		if _, err := StepNamed(bad); err == nil {
			t.Errorf("StepNamed(%q): want error", bad)
		}
	}
	if _, err := ParseSteps([]string{"age_band:10", "nope"}); err == nil {
		t.Error("ParseSteps accepted an unknown step")
	}
}

// Keys are length-prefixed: values that would collide under naive joining
// stay in different classes.
func TestKeyUnambiguous(t *testing.T) {
	a := key(nil, []string{"a\x00b", "c"})
	b := key(nil, []string{"a", "b\x00c"})
	if string(a) == string(b) {
		t.Fatal("keys collide")
	}
}

func BenchmarkApply100k(b *testing.B) {
	rows := randomRows(rand.New(rand.NewPCG(3, 4)), 100_000)
	for b.Loop() {
		if _, err := Apply(rows, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestApplyCountedRowsMatchExpanded checks that one counted row per
// distinct combination gives every patient the recoding, and the report
// the figures, of passing each patient on their own row.
func TestApplyCountedRowsMatchExpanded(t *testing.T) {
	for _, k := range []int{1, 3, 10} {
		rows := append(rareSnapshot(), randomRows(rand.New(rand.NewPCG(uint64(k), 11)), 2000)...)
		want, err := Apply(rows, Config{K: k})
		if err != nil {
			t.Fatal(err)
		}
		var counted []Row
		index := map[string]int{}
		for _, r := range rows {
			kb := string(key(nil, r.Values))
			i, ok := index[kb]
			if !ok {
				i = len(counted)
				index[kb] = i
				counted = append(counted, Row{ID: fmt.Sprint(i), Values: r.Values})
			}
			counted[i].Count++
		}
		if len(counted) >= len(rows) {
			t.Fatal("no combination repeats: the test proves nothing")
		}
		got, err := Apply(counted, Config{K: k})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Report, want.Report) {
			t.Errorf("k=%d: report\n got %+v\nwant %+v", k, got.Report, want.Report)
		}
		for i, r := range rows {
			c := got.Rows[index[string(key(nil, r.Values))]]
			if w := want.Rows[i]; !reflect.DeepEqual(c.Values, w.Values) || c.Suppressed != w.Suppressed {
				t.Fatalf("k=%d row %d: %+v, want %+v", k, i, c, w)
			}
		}
	}
	if _, err := Apply([]Row{{ID: "a", Values: []string{"", "", "", ""}, Count: -1}}, Config{}); err == nil {
		t.Error("a negative count was accepted")
	}
}
