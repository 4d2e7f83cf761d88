package redact

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestApplyPlaceholder(t *testing.T) {
	r := mustNew(t, Config{})
	text := "call Becky on 07700 900123"
	spans := []Span{{Start: 5, End: 10, Label: Person}, {Start: 14, End: 26, Label: Phone}}
	if got := r.Apply(text, spans, Policy{}, nil); got != "call [PERSON] on [PHONE]" {
		t.Errorf("Apply = %q", got)
	}
	// Unsorted and overlapping input is normalised.
	spans = []Span{{Start: 14, End: 26, Label: Phone}, {Start: 5, End: 10, Label: Person}, {Start: 6, End: 8, Label: Person}}
	if got := r.Apply(text, spans, Policy{}, nil); got != "call [PERSON] on [PHONE]" {
		t.Errorf("Apply unsorted = %q", got)
	}
	if got := r.Apply("a\xffb", []Span{{Start: 2, End: 3, Label: ID}}, Policy{}, nil); !utf8.ValidString(got) || got != "a\uFFFD[ID]" {
		t.Errorf("invalid UTF-8 input gave %q", got)
	}
}

func TestApplyNumberedConsistentPerPatient(t *testing.T) {
	r := mustNew(t, Config{})
	subj := NewSubject(Known{GivenName: "Rebecca", PreferredName: "Becky", FamilyName: "Smith",
		Contacts: []Contact{{Name: "Dave Jones"}}})
	c := NewConsistency("patient-1")
	pol := Policy{Default: Numbered}
	texts := []string{
		"becky said dave was late",
		"Rebecca Smith and David met Priya",
		"smith's mum and priya, then rebeca again",
	}
	var outs []string
	for _, tx := range texts {
		outs = append(outs, r.Apply(tx, r.Find(tx, subj), pol, c))
	}
	want := []string{
		"[PERSON_1] said [PERSON_2] was late",
		"[PERSON_1] and [PERSON_2] met [PERSON_3]",
		"[PERSON_1]'s mum and [PERSON_3], then [PERSON_1] again",
	}
	for i := range want {
		if outs[i] != want[i] {
			t.Errorf("text %d: %q, want %q", i, outs[i], want[i])
		}
	}
	// Another patient starts again at 1.
	other := NewConsistency("patient-2")
	if got := r.Apply("priya", r.Find("priya", nil), pol, other); got != "[PERSON_1]" {
		t.Errorf("new patient: %q", got)
	}
	// Per-label policy.
	mixed := Policy{Default: Placeholder, ByLabel: map[Label]Operator{Person: Numbered}}
	if got := r.Apply("priya on 07700 900123", r.Find("priya on 07700 900123", nil), mixed, nil); got != "[PERSON_1] on [PHONE]" {
		t.Errorf("by label: %q", got)
	}
}

func TestApplySurrogate(t *testing.T) {
	r := mustNew(t, Config{})
	subj := NewSubject(Known{GivenName: "Rebecca", FamilyName: "Smith", NHSNumber: "943 476 5919"})
	text := "Rebecca Smith (nhs 943 476 5919) moved to Leeds on 3rd March 2023, email rebecca@gmail.com, call 07700 900123, postcode LS6 2AB, ip 10.0.0.1, NI AB123456C"
	pol := Policy{Default: Surrogate, SurrogateKey: []byte("secret")}
	spans := r.Find(text, subj)
	a := r.Apply(text, spans, pol, NewConsistency("p1"))
	b := r.Apply(text, spans, pol, NewConsistency("p1"))
	if a != b {
		t.Fatalf("surrogates not deterministic:\n%s\n%s", a, b)
	}
	for _, leak := range []string{"Rebecca", "Smith", "943 476 5919", "Leeds", "3rd March", "rebecca@gmail.com", "07700 900123", "LS6 2AB", "10.0.0.1", "AB123456C"} {
		if strings.Contains(a, leak) {
			t.Errorf("surrogate output leaks %q: %s", leak, a)
		}
	}
	for _, want := range []string{"@example.com", "07700 900", "192.0.2.", "QQ", " 2023"} {
		if !strings.Contains(a, want) {
			t.Errorf("surrogate output lacks %q: %s", want, a)
		}
	}
	if other := r.Apply(text, spans, Policy{Default: Surrogate, SurrogateKey: []byte("other")}, NewConsistency("p1")); other == a {
		t.Error("a different key gave the same surrogates")
	}
	// The fake NHS number is valid and in the 999 test range.
	for _, f := range strings.Fields(a) {
		_ = f
	}
	if i := strings.Index(a, "(nhs "); i >= 0 {
		num := a[i+5 : i+5+12]
		if !ValidNHSNumber(num) || !strings.HasPrefix(num, "999") {
			t.Errorf("fake NHS number %q", num)
		}
	}
	// Consistency: the same person gets the same fake across texts, and
	// the given name and family name come from one fake person.
	c := NewConsistency("p1")
	one := r.Apply("Rebecca", r.Find("Rebecca", subj), pol, c)
	two := r.Apply("then rebecca smith", r.Find("then rebecca smith", subj), pol, c)
	if !strings.HasPrefix(strings.ToLower(two), "then "+strings.ToLower(one)+" ") {
		t.Errorf("inconsistent surrogates %q / %q", one, two)
	}
	if two != strings.ToLower(two) {
		t.Errorf("lower-case surface should get a lower-case surrogate: %q", two)
	}
}

// TestSurrogateNeverPrintsARealName: a fake must not be a real name of the
// text it lands in. A new fake avoids the text's real words; a fake chosen
// in an earlier text that turns out to be a real name here is replaced by
// a placeholder for that occurrence (found by FuzzRedact: a gazetteer name
// drew the planted name as its fake).
func TestSurrogateNeverPrintsARealName(t *testing.T) {
	pol := Policy{Default: Surrogate, SurrogateKey: []byte("k")}
	person := func(text, name string) Span {
		i := strings.Index(text, name)
		return Span{Start: i, End: i + len(name), Label: Person, Source: "test"}
	}
	c := NewConsistency("p1")
	first := "I saw Dave"
	fake := Apply(first, []Span{person(first, "Dave")}, pol, c)[len("I saw "):]
	if fake == "" || fake == "Dave" {
		t.Fatalf("fake for Dave: %q", fake)
	}
	// Dave's fake is now a real person in this text.
	second := "Dave met " + fake + " today"
	out := Apply(second, []Span{person(second, "Dave"), {Start: 9, End: 9 + len(fake), Label: Person, Source: "test"}}, pol, c)
	if strings.Contains(strings.ToLower(out), strings.ToLower(fake)) {
		t.Errorf("a real name %q is printed as a fake: %q", fake, out)
	}
	if !strings.HasPrefix(out, "[PERSON] met ") {
		t.Errorf("Dave's clashing fake should fall back to a placeholder: %q", out)
	}
	// Street and facility words are kept: they are not names.
	for _, place := range []string{"Leeds Road", "St James Infirmary"} {
		text := "near " + place
		out := Apply(text, []Span{{Start: 5, End: len(text), Label: Location, Source: "test"}}, pol, NewConsistency("p2"))
		if strings.Contains(out, "[LOCATION]") || strings.Contains(out, place) {
			t.Errorf("%q: want a fake place, got %q", place, out)
		}
	}
	// Ten one-digit IDs share a pool of ten fakes: none keeps its own
	// value and no two share a fake (a placeholder is the only repeat
	// allowed, should the draws run out).
	pool := NewConsistency("p3")
	fakes := map[string]string{}
	for d := range 10 {
		text := strconv.Itoa(d)
		out := Apply(text, []Span{{Start: 0, End: 1, Label: ID, Source: "test"}}, pol, pool)
		if out == text {
			t.Errorf("ID %s: fake equals the real value", text)
		}
		if prev, dup := fakes[out]; dup && out != "[ID]" {
			t.Errorf("IDs %s and %s share the fake %q", prev, text, out)
		}
		fakes[out] = text
	}
	// A fake never uses a word of the patient's known names, even in a
	// text that does not mention them. The patient is named after the fake
	// a friend gets when nothing is known, so the check can fail.
	for i := range 50 {
		key := Policy{Default: Surrogate, SurrogateKey: []byte{'n', byte(i)}}
		text := "I saw Tom"
		spans := []Span{person(text, "Tom")}
		fake := Apply(text, spans, key, NewConsistency("p4"))[len("I saw "):]
		given := strings.Fields(fake)[0]
		if given == "[PERSON]" {
			continue
		}
		c := NewConsistency("p4")
		c.Know(NewSubject(Known{GivenName: given, FamilyName: "Okonkwo", GPName: "Dr Aleksandra Nowak"}))
		out := Apply(text, spans, key, c)
		for _, w := range []string{given, "Okonkwo", "Aleksandra", "Nowak"} {
			if strings.Contains(strings.ToLower(out), strings.ToLower(w)) {
				t.Fatalf("key %d: the patient's known name %q is printed as a fake: %q", i, w, out)
			}
		}
	}
	// A fake chosen fresh avoids every real word of its text, across many keys.
	for i := range 200 {
		text := "Rebecca and Molly and Alfred and Dave"
		var spans []Span
		for _, n := range strings.Split(text, " and ") {
			spans = append(spans, person(text, n))
		}
		out := Apply(text, spans, Policy{Default: Surrogate, SurrogateKey: []byte{byte(i), byte(i >> 8)}}, NewConsistency("p"))
		for _, n := range []string{"rebecca", "molly", "alfred", "dave"} {
			if strings.Contains(strings.ToLower(out), n) {
				t.Fatalf("key %d: real name %q printed: %q", i, n, out)
			}
		}
	}
}

func TestDateShiftKeepsFormAndIntervals(t *testing.T) {
	c := NewConsistency("p")
	key := []byte("k")
	shift := c.dateShift(key)
	if shift == 0 || shift < -180 || shift > 180 {
		t.Fatalf("shift %d", shift)
	}
	for _, in := range []string{"12/03/2023", "2023-03-12", "3rd March 2023", "March 3rd", "the 5th of june", "March 2023", "12.3.23"} {
		d, ok := parseDate(in)
		if !ok {
			t.Errorf("parseDate(%q) failed", in)
			continue
		}
		out := d.shifted(shift).format()
		if out == in {
			t.Errorf("%q not shifted", in)
		}
		if _, ok := parseDate(out); !ok {
			t.Errorf("shifted %q -> %q does not parse", in, out)
		}
	}
	a, _ := parseDate("01/03/2023")
	b, _ := parseDate("08/03/2023")
	sa, sb := a.shifted(shift), b.shifted(shift)
	if da, db := dayNumber(sa), dayNumber(sb); db-da != 7 {
		t.Errorf("interval not kept: %v %v", sa.format(), sb.format())
	}
}

func dayNumber(d date) int {
	return int(dateTime(d).Unix() / 86400)
}

// TestNumberingManyKeys holds the compact numbering to its contract over
// many identifiers: numbers count up per label in order of first
// appearance, and an identifier keeps its number however many follow.
func TestNumberingManyKeys(t *testing.T) {
	c := NewConsistency("p")
	const n = 3000
	for round := 0; round < 2; round++ {
		for i := 0; i < n; i++ {
			for _, l := range []Label{Person, Location} {
				if got := c.number(l, "w:name"+strconv.Itoa(i)); got != i+1 {
					t.Fatalf("round %d %s key %d: number %d, want %d", round, l, i, got, i+1)
				}
			}
		}
	}
	if got := c.number(Org, "w:name0"); got != 1 {
		t.Errorf("a new label starts at 1, got %d", got)
	}
}

func TestLabelIndexCoversLabels(t *testing.T) {
	if len(Labels) >= numLabels {
		t.Fatalf("%d labels need more than %d counters", len(Labels), numLabels-1)
	}
	if labelIndex("CUSTOM") != numLabels-1 || labelIndex(Person) == labelIndex(Location) {
		t.Error("label indices are not distinct")
	}
}

// TestParseDateMonthPrecision: numeric year-and-month forms carry no day
// to shift, so parseDate refuses them (the surrogate operator then writes
// a placeholder) instead of reading a day that is not there; "2000-10"
// indexed a third part and panicked (found by FuzzRedact).
func TestParseDateMonthPrecision(t *testing.T) {
	for _, in := range []string{"2000-10", "2021-05", "05/2021", "5-2022"} {
		if _, ok := parseDate(in); ok {
			t.Errorf("parseDate(%q) = ok, want refused", in)
		}
	}
}
