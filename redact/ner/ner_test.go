package ner

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

func defaultModel(t testing.TB) *Model {
	t.Helper()
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkEntities asserts the Entities invariants.
func checkEntities(t testing.TB, text string, es []Entity) {
	t.Helper()
	prev := 0
	for _, e := range es {
		if e.Start < prev || e.End <= e.Start || e.End > len(text) {
			t.Fatalf("entity [%d,%d) out of order or bounds (prev end %d, len %d)", e.Start, e.End, prev, len(text))
		}
		if !boundary(text, e.Start) || !boundary(text, e.End) {
			t.Fatalf("entity [%d,%d) not on rune boundaries", e.Start, e.End)
		}
		if e.Label != Person && e.Label != Location {
			t.Fatalf("entity label %q", e.Label)
		}
		if !(e.Score >= 0 && e.Score <= 1) {
			t.Fatalf("entity score %v outside 0..1", e.Score)
		}
		prev = e.End
	}
}

// TestQuality runs the embedded model on committed sentences of the kind
// therapy chat is full of. Each case lists names that must be found (with
// their label) and words that must not be tagged with a score of 0.5 or
// more. (The model's operating point favours recall, so a doubtful word
// may come back as a low-scored candidate; the score says how doubtful.)
func TestQuality(t *testing.T) {
	m := defaultModel(t)
	tests := []struct {
		text string
		want map[string]string // entity text -> label
		not  []string
	}{
		{"my sister jen moved to leeds last year", map[string]string{"jen": Person, "leeds": Location}, []string{"sister", "year"}},
		{"My sister Jen moved to Leeds last year.", map[string]string{"Jen": Person, "Leeds": Location}, nil},
		{"i had a chat with dave about it", map[string]string{"dave": Person}, []string{"chat"}},
		{"we went to manchester on saturday", map[string]string{"manchester": Location}, []string{"saturday"}},
		{"I saw Dr Patel at the surgery", map[string]string{"Patel": Person}, []string{"surgery"}},
		{"she lives in Birmingham with her husband Tom", map[string]string{"Birmingham": Location, "Tom": Person}, []string{"husband"}},
		{"I went to Reading with Grace", map[string]string{"Reading": Location, "Grace": Person}, nil},
		{"it was a frank conversation, by the grace of god we got through it", nil, []string{"frank", "grace", "god"}},
		{"will you be around on wednesday? reading helps me relax", nil, []string{"will", "wednesday", "reading"}},
		{"me and sarah went to the pub in bath after dave's party", map[string]string{"sarah": Person, "bath": Location, "dave": Person}, []string{"pub", "party"}},
		{"we drove from stoke-on-trent to newcastle upon tyne", map[string]string{"stoke-on-trent": Location, "newcastle upon tyne": Location}, nil},
		{"uh, I think it's, um, getting better with Ella and-and the kids", map[string]string{"Ella": Person}, []string{"uh", "um", "and-and", "kids"}},
	}
	for _, tt := range tests {
		es := m.Entities(tt.text, nil)
		checkEntities(t, tt.text, es)
		for w, label := range tt.want {
			i := strings.Index(tt.text, w)
			found := false
			for _, e := range es {
				if e.Start <= i && i+len(w) <= e.End && e.Label == label {
					found = true
				}
			}
			if !found {
				t.Errorf("%q: %q not tagged %s (got %v)", tt.text, w, label, show(tt.text, es))
			}
		}
		for _, w := range tt.not {
			i := strings.Index(tt.text, w)
			for _, e := range es {
				if e.Start < i+len(w) && i < e.End && e.Score >= 0.5 {
					t.Errorf("%q: %q tagged %s with score %.2f", tt.text, w, e.Label, e.Score)
				}
			}
		}
	}
}

func show(text string, es []Entity) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Label+":"+text[e.Start:e.End])
	}
	return out
}

// TestUnseenNames checks names and places from outside the UK lists and
// outside any training sentence: surnames alone before a verb, names of
// other countries, lower-case world cities. A name counts as found when
// every letter is covered by an entity of either label (a leak is what
// matters); these rest on the world lexicon (data/*.txt) and the broader
// training corpora.
func TestUnseenNames(t *testing.T) {
	m := defaultModel(t)
	tests := []struct {
		text  string
		names []string
	}{
		{"Nowak said the meeting was cancelled.", []string{"Nowak"}},
		{"Magnusson was late again this morning", []string{"Magnusson"}},
		{"Kowalczyk and Brennan came round after work", []string{"Kowalczyk", "Brennan"}},
		{"She met Oluwaseun at the station", []string{"Oluwaseun"}},
		{"Dagny moved to Tromsø in the spring", []string{"Dagny", "Tromsø"}},
		{"The mayor of Kraków visited Wrocław.", []string{"Kraków", "Wrocław"}},
		{"we flew to calgary last week", []string{"calgary"}},
		{"went to see mrs okonkwo at the clinic", []string{"okonkwo"}},
	}
	for _, tt := range tests {
		es := m.Entities(tt.text, nil)
		checkEntities(t, tt.text, es)
		for _, w := range tt.names {
			i := strings.Index(tt.text, w)
			covered := 0
			for _, e := range es {
				covered += max(0, min(e.End, i+len(w))-max(e.Start, i))
			}
			if covered < len(w) {
				t.Errorf("%q: %q not covered (got %v)", tt.text, w, show(tt.text, es))
			}
		}
	}
}

// TestStutterNotTagged: a repeated ordinary word joined by hyphens is a
// speaker's stutter in transcribed talk, never a name, whatever its
// position or score.
func TestStutterNotTagged(t *testing.T) {
	m := defaultModel(t)
	for _, text := range []string{
		"I-I don't know what to say to her",
		"i-i just feel like nobody listens",
		"and-and then she walked out",
		"yeah, and-and that was the worst part",
		"They-they told me it would get better",
		"so we-we tried again on Monday",
		"it's-it's hard, you know",
		"Well, I-I-I guess so.",
	} {
		for _, e := range m.Entities(text, nil) {
			if w := text[e.Start:e.End]; strings.Contains(w, "-") {
				t.Errorf("%q: stutter %q tagged %s (%.2f)", text, w, e.Label, e.Score)
			}
		}
	}
}

func TestEntitiesInvariants(t *testing.T) {
	m := defaultModel(t)
	inputs := append(dialogueTurns(t),
		"", " ", "\xff\xfe\xfd", "Jen\xffLeeds", "jen's", "'s", "Dr", "dr. who",
		"St. Albans and King's Lynn and Newcastle upon Tyne",
		strings.Repeat("Leeds ", 2000),
		"Zoë from Łódź met Siân in Llanfairpwllgwyngyll 😀",
	)
	for _, s := range inputs {
		checkEntities(t, s, m.Entities(s, nil))
	}
	// dst is appended to, not overwritten.
	pre := []Entity{{Start: 0, End: 1, Label: Person}}
	got := m.Entities("my friend sarah", pre)
	if len(got) < 1 || got[0] != pre[0] {
		t.Fatalf("Entities dropped the entries already in dst")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m := defaultModel(t)
	var a bytes.Buffer
	if err := m.Save(&a); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m2.Save(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("save(load(save(m))) differs from save(m)")
	}
	if !bytes.Equal(a.Bytes(), embedded) {
		t.Error("re-saved embedded model differs from model.bin")
	}
	for _, s := range dialogueTurns(t) {
		x, y := m.Entities(s, nil), m2.Entities(s, nil)
		if len(x) != len(y) {
			t.Fatalf("loaded model tags differently")
		}
		for i := range x {
			if x[i] != y[i] {
				t.Fatalf("loaded model tags differently")
			}
		}
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	var good bytes.Buffer
	if err := defaultModel(t).Save(&good); err != nil {
		t.Fatal(err)
	}
	g := good.Bytes()
	corrupt := bytes.Clone(g)
	corrupt[len(corrupt)/2] ^= 0x55
	for name, in := range map[string][]byte{
		"empty":     nil,
		"magic":     []byte("NOTAMODEL"),
		"truncated": g[:len(g)/2],
		"header":    g[:len(magic)+5],
		"corrupt":   corrupt,
	} {
		if _, err := Load(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: Load succeeded", name)
		} else if !errors.Is(err, ErrFormat) && name != "corrupt" {
			t.Errorf("%s: error %v does not wrap ErrFormat", name, err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	m := defaultModel(t)
	turns := dialogueTurns(t)
	want := make([][]Entity, len(turns))
	for i, s := range turns {
		want[i] = m.Entities(s, nil)
	}
	var wg sync.WaitGroup
	errs := make(chan int, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 5; rep++ {
				for i, s := range turns {
					got := m.Entities(s, nil)
					if len(got) != len(want[i]) {
						errs <- i
						return
					}
					for j := range got {
						if got[j] != want[i][j] {
							errs <- i
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for i := range errs {
		t.Errorf("turn %d tagged differently under concurrency", i)
	}
}

// trainingSet is a tiny synthetic corpus for training tests.
func trainingSet() []Example {
	var ex []Example
	names := []string{"Jen", "Dave", "Aisha", "Tom", "Priya", "Sam"}
	places := []string{"Leeds", "Bristol", "Whitby", "Glasgow", "Slough", "Cornwall"}
	for i := range 60 {
		n, p := names[i%len(names)], places[(i/2)%len(places)]
		text := "my friend " + n + " lives in " + p + " now"
		a := strings.Index(text, n)
		b := strings.Index(text, p)
		ex = append(ex, Example{Text: text, Spans: []Entity{
			{Start: a, End: a + len(n), Label: Person},
			{Start: b, End: b + len(p), Label: Location},
			{Start: 0, End: 2, Label: "ORG"}, // ignored
		}})
	}
	return ex
}

func TestTrainDeterministic(t *testing.T) {
	opt := TrainOptions{Epochs: 3, Seed: 7, Bits: 16}
	save := func() []byte {
		m, err := Train(context.Background(), trainingSet(), opt)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := m.Save(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b := save(), save()
	if !bytes.Equal(a, b) {
		t.Fatal("two trainings with the same seed differ")
	}
	m, err := Load(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	text := "my friend dave lives in whitby now"
	es := m.Entities(text, nil)
	if got := show(text, es); len(got) != 2 || got[0] != "PERSON:dave" || got[1] != "LOCATION:whitby" {
		t.Errorf("trained model tags %v", got)
	}
}

func TestTrainErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Train(ctx, nil, TrainOptions{}); err == nil {
		t.Error("no examples: no error")
	}
	if _, err := Train(ctx, []Example{{Text: "a", Spans: []Entity{{Start: 0, End: 5, Label: Person}}}}, TrainOptions{Bits: 16}); err == nil {
		t.Error("span out of range: no error")
	}
	if _, err := Train(ctx, []Example{{Text: "a\xff"}}, TrainOptions{Bits: 16}); err == nil {
		t.Error("invalid UTF-8: no error")
	}
	if _, err := Train(ctx, trainingSet(), TrainOptions{Bits: 40}); err == nil {
		t.Error("bits 40: no error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Train(cctx, trainingSet(), TrainOptions{Bits: 16}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestToSeq(t *testing.T) {
	tests := []struct {
		text  string
		spans []Entity
		want  []uint8
	}{
		{"jen moved to leeds", []Entity{{Start: 0, End: 3, Label: Person}, {Start: 13, End: 18, Label: Location}}, []uint8{tagBPer, tagO, tagO, tagBLoc}},
		{"St. Albans", []Entity{{Start: 0, End: 10, Label: Location}}, []uint8{tagBLoc, tagO, tagBLoc}},
		{"new york city", []Entity{{Start: 0, End: 13, Label: Location}}, []uint8{tagBLoc, tagILoc, tagILoc}},
		{"jen's mum", []Entity{{Start: 0, End: 3, Label: Person}}, []uint8{tagBPer, tagO, tagO}},
		{"jen sam", []Entity{{Start: 0, End: 3, Label: Person}, {Start: 4, End: 7, Label: Person}}, []uint8{tagBPer, tagBPer}},
		{"partjen", []Entity{{Start: 4, End: 7, Label: Person}}, []uint8{tagBPer}},
	}
	for _, tt := range tests {
		sq, err := toSeq(Example{Text: tt.text, Spans: tt.spans}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(sq.gold) != string(tt.want) {
			t.Errorf("%q: tags %v, want %v", tt.text, sq.gold, tt.want)
		}
	}
}

func TestPhraseLexicon(t *testing.T) {
	ents := []lexEntry{{"newcastle upon tyne", flagTown}, {"newcastle", flagTown}, {"king's lynn", flagTown}, {"a b c d", flagPlace}, {"a b", flagTown}}
	lx := buildLexicon(len(ents), slices.Values(ents))
	tests := []struct{ text, want string }{
		{"from Newcastle upon Tyne to King's Lynn", "Newcastle|upon|Tyne|King|'s|Lynn"},
		// A proper prefix of an entry is not an entry.
		{"from newcastle upon the hill", ""},
		// The longest entry wins; a prefix that is itself an entry
		// still matches when the longer one does not.
		{"a b c d", "a|b|c|d"},
		{"a b c x", "a|b"},
		{"a c", ""},
	}
	s := &scratch{}
	for _, tt := range tests {
		s.prepare(tt.text, lx)
		var in []string
		for i, tk := range s.toks {
			if s.info[i].flags&flagInPhrase != 0 {
				in = append(in, tt.text[tk.start:tk.end])
			}
		}
		if got := strings.Join(in, "|"); got != tt.want {
			t.Errorf("%q: phrase tokens = %s, want %s", tt.text, got, tt.want)
		}
	}
}

// TestDialogueSample scores the embedded model on the hand-annotated
// dialogue sample: at least 90% of gold names must have all their letters
// covered by entities (leak recall), and at least 80% of the entities
// scored 0.5 or more must overlap a gold name (precision; low-scored
// entities are the recall-biased candidates, see TestQuality).
func TestDialogueSample(t *testing.T) {
	m := defaultModel(t)
	gold := dialogueGold(t)
	var total, caught, pred, right, confPred, confRight int
	for _, g := range gold {
		es := m.Entities(g.Text, nil)
		checkEntities(t, g.Text, es)
		for _, sp := range g.Spans {
			total++
			if covered(es, sp) {
				caught++
			} else {
				t.Logf("missed %s %q in %q", sp.Label, g.Text[sp.Start:sp.End], g.Text)
			}
		}
		for _, e := range es {
			pred++
			ok := false
			for _, sp := range g.Spans {
				if e.Start < sp.End && sp.Start < e.End {
					ok = true
				}
			}
			if e.Score >= 0.5 {
				confPred++
				if ok {
					confRight++
				}
			}
			if ok {
				right++
			} else {
				t.Logf("extra %s %q (%.2f) in %q", e.Label, g.Text[e.Start:e.End], e.Score, g.Text)
			}
		}
	}
	t.Logf("dialogue sample: %d/%d gold names caught; %d/%d entities (%d/%d scored >= 0.5) overlap gold", caught, total, right, pred, confRight, confPred)
	if total < 40 {
		t.Fatalf("sample has %d gold names; the markup parser is broken", total)
	}
	if float64(caught) < 0.9*float64(total) {
		t.Errorf("leak recall %d/%d below 0.9", caught, total)
	}
	if float64(confRight) < 0.8*float64(confPred) {
		t.Errorf("precision %d/%d below 0.8", confRight, confPred)
	}
}

// covered reports whether every letter and digit of sp is inside some
// entity.
func covered(es []Entity, sp Entity) bool {
	for i := sp.Start; i < sp.End; i++ {
		in := false
		for _, e := range es {
			if e.Start <= i && i < e.End {
				in = true
			}
		}
		if !in {
			return false
		}
	}
	return true
}

func TestChunking(t *testing.T) {
	m := defaultModel(t)
	turn := "my sister jen moved to leeds last year and dave came from bristol.\n"
	long := strings.Repeat(turn, 3*maxChunk/len(turn))
	es := m.Entities(long, nil)
	checkEntities(t, long, es)
	// Every repetition is tagged as the single turn is.
	one := m.Entities(turn, nil)
	if len(one) == 0 || len(es) != len(one)*(len(long)/len(turn)) {
		t.Fatalf("long text: %d entities, want %d × %d", len(es), len(one), len(long)/len(turn))
	}
	for i, e := range es {
		o := one[i%len(one)]
		base := (i / len(one)) * len(turn)
		if e.Start != base+o.Start || e.End != base+o.End || e.Label != o.Label {
			t.Fatalf("entity %d = %+v, want %+v shifted by %d", i, e, o, base)
		}
	}
	for _, s := range []string{strings.Repeat("a", 3*maxChunk), strings.Repeat("é", maxChunk), strings.Repeat("jen ", maxChunk/2)} {
		checkEntities(t, s, m.Entities(s, nil))
		for off := 0; off < len(s); {
			end := chunkEnd(s, off)
			if end <= off || end > len(s) || !boundary(s, end) {
				t.Fatalf("chunkEnd(%d) = %d", off, end)
			}
			off = end
		}
	}
}

func TestZeroModel(t *testing.T) {
	var m *Model
	if got := m.Entities("jen", nil); len(got) != 0 {
		t.Fatal("nil model tagged")
	}
	if got := (&Model{}).Entities("jen", nil); len(got) != 0 {
		t.Fatal("zero model tagged")
	}
}

func TestFoldOf(t *testing.T) {
	seqs := []seq{{source: 0}, {source: 1}, {source: 0}, {source: 1}, {source: 0}, {source: 0}, {source: 1}, {source: 1}}
	got := foldOf(seqs, 2, 2)
	want := []int{0, 0, 0, 0, 1, 1, 1, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("foldOf = %v, want %v", got, want)
		}
	}
}
