package redact

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nhs-talking-therapies/deid/redact/ner"
)

// mangledKnown is the patient whose identifiers the mangled cases hide.
var mangledKnown = Known{
	GivenName: "Dawn", FamilyName: "Rowe", NHSNumber: "999 357 6087", Phone: "07700 900123",
	Email: "dawn.rowe@example.com", Postcode: "LS6 2AB", AddressLines: []string{"12 Kirkstall Lane", "Headingley"},
}

// fullyCovered reports whether every byte of the first occurrence of sub
// in text lies in a span, except ASCII spaces and punctuation between
// parts (the '_' in "Dawn_Rowe" may stay): zero-width characters, entity
// and escape bytes and full-width digits inside the identifier must all
// be covered.
func fullyCovered(text string, spans []Span, sub string) bool {
	k := strings.Index(text, sub)
	if k < 0 {
		panic("test bug: " + sub + " not in text")
	}
	for i := k; i < k+len(sub); i++ {
		c := text[i]
		if c == ' ' || c == '_' || c == '.' || c == ',' {
			continue
		}
		in := false
		for _, s := range spans {
			if s.Start <= i && i < s.End {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return true
}

// TestMangledKnownIdentifiers: the patient's own identifiers are found
// however the text writes them, through the whole redactor and through the
// known recognizer on its own, and the span covers the original bytes.
func TestMangledKnownIdentifiers(t *testing.T) {
	subj := NewSubject(mangledKnown)
	r := mustNew(t, Config{})
	for _, c := range []struct {
		name, id string
		label    Label
	}{
		{"nhs no-break spaces", "999\u00a0357\u00a06087", NHSNumber},
		{"nhs thin spaces", "999\u2009357\u20096087", NHSNumber},
		{"nhs narrow no-break", "999\u202f357\u202f6087", NHSNumber},
		{"nhs slashes", "999/357/6087", NHSNumber},
		{"nhs dots", "999.357.6087", NHSNumber},
		{"nhs spaced slashes", "999 / 357 / 6087", NHSNumber},
		{"nhs en dashes", "999 \u2013 357 \u2013 6087", NHSNumber},
		{"nhs full-width", "\uff19\uff19\uff19\u3000\uff13\uff15\uff17\u3000\uff16\uff10\uff18\uff17", NHSNumber},
		{"nhs zero-width", "999\u200b357\u200b6087", NHSNumber},
		{"nhs entity digit", "9&#57;9 357 6087", NHSNumber},
		{"nhs url-encoded", "999%20357%206087", NHSNumber},
		{"nhs underscores", "999_357_6087", NHSNumber},
		{"phone no-break", "07700\u00a0900123", Phone},
		{"phone thin", "07700\u2009900\u2009123", Phone},
		{"phone slashes", "07700/900/123", Phone},
		{"phone full-width", "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13", Phone},
		{"phone +44 no-break", "+44\u00a07700\u00a0900123", Phone},
		{"phone +44 (0)", "+44\u00a0(0)\u00a07700\u00a0900123", Phone},
		{"name entity", "D&#97;wn", Person},
		{"name hex entity", "D&#x61;wn R&#x6F;we", Person},
		{"name named entity", "Dawn&nbsp;Rowe", Person},
		{"name url-encoded", "D%61wn%20R%6Fwe", Person},
		{"name entity escaped twice", "D&amp;#97;wn", Person},
		{"name url-encoded twice", "D%2561wn%2520R%256Fwe", Person},
		{"name zero-width", "Da\u200bwn", Person},
		{"name word joiner", "Ro\u2060we", Person},
		{"name soft hyphen", "Daw\u00adn", Person},
		{"name combining accent", "Da\u0301wn", Person},
		{"name NUL", "Da\x00wn", Person},
		{"name full-width", "\uff24\uff41\uff57\uff4e", Person},
		{"name cyrillic a", "D\u0430wn", Person},
		{"name cyrillic a and w", "D\u0430\u051dn", Person},
		{"name greek o", "R\u03bfwe", Person},
		{"name spelled out", "D a w n", Person},
		{"name spelled with dots", "R.O.W.E", Person},
		{"name spelled with dashes", "d-a-w-n r-o-w-e", Person},
		{"name glued to year", "dawn1979", Person},
		{"name glued full", "DawnRowe79", Person},
		{"name camel", "RoweDawn", Person},
		{"name underscore", "Dawn_Rowe", Person},
		{"name dotted reversed", "rowe.dawn", Person},
		{"name one word", "dawnrowe", Person},
		{"name in handle", "xx_dawn_rowe_99", Person},
		{"email zero-width", "dawn.rowe\u200b@example.com", Email},
		{"email entity at", "dawn.rowe&#64;example.com", Email},
		{"email escaped at", "dawn.rowe%40example.com", Email},
		{"email (at) (dot)", "dawn.rowe (at) example (dot) com", Email},
		{"email [at]", "dawn.rowe[at]example.com", Email},
		{"email at dot words", "dawn.rowe at example dot com", Email},
		{"email full-width at", "dawn.rowe\uff20example.com", Email},
		{"postcode no-break", "LS6\u00a02AB", Postcode},
		{"postcode thin", "LS6\u20092AB", Postcode},
		{"postcode full-width", "\uff2c\uff33\uff16 \uff12\uff21\uff22", Postcode},
		{"postcode dashed", "LS6-2AB", Postcode},
		{"postcode spelled out", "L S 6 2 A B", Postcode},
		{"postcode zero-width", "LS6\u200b2AB", Postcode},
		{"address entity", "12 Kirkst&#97;ll Lane", Location},
	} {
		text := "hi it's me, " + c.id + " - ok?"
		for _, run := range []struct {
			who   string
			spans []Span
		}{
			{"redactor", r.Find(text, subj)},
			{"known", Merge(text, NewKnownRecognizer().Find(nil, text, subj))},
		} {
			if !fullyCovered(text, run.spans, c.id) {
				t.Errorf("%s: %s: %q not covered; spans %s", c.name, run.who, c.id, describe(text, run.spans))
				continue
			}
			if run.who == "known" {
				if got := labelAt(text, run.spans, c.id); got != c.label {
					t.Errorf("%s: %q labelled %s, want %s", c.name, c.id, got, c.label)
				}
			}
			if touched(text, run.spans, "hi it's me") || touched(text, run.spans, "ok?") {
				t.Errorf("%s: %s: span beyond the identifier: %s", c.name, run.who, describe(text, run.spans))
			}
		}
	}
}

// TestShortKnownNames: a known name of three letters or fewer that is also
// an English word is not redacted where it is plainly the word, and is
// redacted everywhere else (fail closed).
func TestShortKnownNames(t *testing.T) {
	mo := NewSubject(Known{GivenName: "Muhammad", PreferredName: "Mo", FamilyName: "Lamb"})
	kit := NewSubject(Known{GivenName: "Kit", FamilyName: "Harington"})
	rec := NewKnownRecognizer()
	runCases(t, rec, mo, []caseT{
		{text: "hang on, half a mo", not: []string{"mo"}},
		{text: "give me a mo please", not: []string{"mo"}},
		{text: "back in half a mo, Mo said", want: []string{"Mo"}, not: []string{"a mo,"}},
		{text: "see you in the morning, mobile on", not: []string{"morning", "mobile"}},
		{text: "its mo lamb and my date of birth", want: []string{"mo lamb"}},
		{text: "mo said he was tired", want: []string{"mo"}},
		{text: "this is mo", want: []string{"mo"}},
		{text: "Mo is here", want: []string{"Mo"}},
		{text: "my brother mo rang", want: []string{"mo"}},
		{text: "call mo_99 or mo99", want: []string{"mo_99", "mo99"}},
		{text: "a MoLamb fan", want: []string{"MoLamb"}},
	})
	runCases(t, rec, kit, []caseT{
		{text: "forgot my gym kit again", not: []string{"kit"}},
		{text: "a first aid kit and the kits", not: []string{"kit", "kits"}},
		{text: "the kitchen is a mess", not: []string{"kitchen"}},
		{text: "Kitchen roll", not: []string{"Kitchen"}},
		{text: "kit texted me", want: []string{"kit"}},
		{text: "my friend kit came", want: []string{"kit"}},
		{text: "KitH99 and kit2002", want: []string{"KitH99", "kit2002"}},
	})
	// Longer names that are words stay redacted whatever the case.
	dawn := NewSubject(Known{GivenName: "Dawn", FamilyName: "Rowe"})
	runCases(t, rec, dawn, []caseT{{text: "at the crack of dawn", want: []string{"dawn"}}})
}

// TestMangledPrecision: mangled-looking text that is not the patient's
// stays.
func TestMangledPrecision(t *testing.T) {
	subj := NewSubject(mangledKnown)
	runCases(t, NewKnownRecognizer(), subj, []caseT{
		{text: "it fails62abc", not: []string{"fails62abc"}},
		{text: "my score was 999 357 6088", not: []string{"6088"}},
		{text: "dawning on me, rowed a boat", not: []string{"dawning", "rowed"}},
		{text: "tom&#97;to and 100%20 off", not: []string{"tom", "100"}},
		{text: "model t1000 and mp3", not: []string{"t1000", "mp3"}},
		{text: "i row e-bikes, a b c d", not: []string{"row e"}},
		{text: "we ro w e", not: []string{"ro"}},
	})
}

// TestViewOffsets: a span found on the view maps to the original bytes,
// on rune boundaries, whatever the text holds around it.
func TestViewOffsets(t *testing.T) {
	subj := NewSubject(mangledKnown)
	r := mustNew(t, Config{})
	for _, c := range []struct{ text, name string }{
		{"caf\u00e9 &amp; D&#97;wn \u2014 ok", "D&#97;wn"},
		{"\u200b\u200bDawn\u200b\u200b", "Dawn"},
		{"%E2%80%8BDa%E2%80%8Bwn%E2%80%8B", "Da%E2%80%8Bwn"},
		{"\ufb01 Da\u0301wn \ufb02", "Da\u0301wn"},
		{"\xff D%61wn \xfe", "D%61wn"},
		{"Dawn", "Dawn"},
	} {
		spans := r.Find(c.text, subj)
		for _, s := range spans {
			if s.Start < 0 || s.End > len(c.text) || s.Start >= s.End || !validBoundary(c.text, s.Start) || !validBoundary(c.text, s.End) {
				t.Errorf("%q: bad span %+v", c.text, s)
			}
		}
		if !fullyCovered(c.text, spans, c.name) {
			t.Errorf("%q: %q not covered: %s", c.text, c.name, describe(c.text, spans))
		}
	}
}

func textOf(text string, spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(text[s.Start:s.End])
	}
	return b.String()
}

// BenchmarkFindTurnsNER is the full redactor, NER included, one dialogue
// turn at a time: the speed bar (>= 5 MB/s per core) is on this.
func BenchmarkFindTurnsNER(b *testing.B) {
	m, err := ner.Default()
	if err != nil {
		b.Fatal(err)
	}
	r, err := New(Config{NER: m})
	if err != nil {
		b.Fatal(err)
	}
	_, subj, text := benchRedactor(b)
	benchTurns(b, r, subj, text)
}

// BenchmarkFindTurnsMangled is BenchmarkFindTurns on text that is not its
// own view (no-break spaces, entities, zero-width spaces): the slow path.
func BenchmarkFindTurnsMangled(b *testing.B) {
	r, subj, text := benchRedactor(b)
	text = strings.NewReplacer(" you ", "\u00a0you ", " and ", " &amp; ", "becky", "be\u200bcky").Replace(text)
	benchTurns(b, r, subj, text)
}

// BenchmarkFindTurnsPlain is BenchmarkFindTurns with the CPU time
// reported too, for comparing code on a busy machine.
func BenchmarkFindTurnsPlain(b *testing.B) {
	r, subj, text := benchRedactor(b)
	benchTurns(b, r, subj, text)
}

// benchTurns runs r over text one line at a time and reports, besides
// wall time, the process's CPU time per op ("cpu-ns/op"): on a shared
// machine wall time measures the neighbours, CPU time much less so.
func benchTurns(b *testing.B, r *Redactor, subj *Subject, text string) {
	turns := strings.Split(strings.TrimSpace(text), "\n")
	r.Find(text, subj)
	b.SetBytes(int64(len(text) - len(turns)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		for _, t := range turns {
			r.Find(t, subj)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(len(text)-len(turns))*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestMangledPatterns: validated patterns run on the view too, so an
// identifier of someone the record does not know is found however it is
// written.
func TestMangledPatterns(t *testing.T) {
	r := mustNew(t, Config{})
	for _, c := range []struct {
		id    string
		label Label
	}{
		{"943\u00a0476\u00a05919", NHSNumber},
		{"\uff19\uff14\uff13 \uff14\uff17\uff16 \uff15\uff19\uff11\uff19", NHSNumber},
		{"943\u200b476\u200b5919", NHSNumber},
		{"0113\u2009496\u20090000", Phone},
		{"07700\u00a0900\u00a0456", Phone},
		{"\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff14\uff15\uff16", Phone},
		{"jo.bloggs\u200b@mail.com", Email},
		{"jo.bloggs&#64;mail.com", Email},
		{"jo.bloggs%40mail.com", Email},
		{"M1\u00a01AE", Postcode},
		{"\uff2c\uff33\uff16 \uff12\uff21\uff22", Postcode},
		{"JG\u00a012\u00a034\u00a056\u00a0C", NINumber},
		{"\uff11\uff12/\uff10\uff13/\uff12\uff10\uff12\uff13", Date},
		{"12&#47;03&#47;2023", Date},
		{"https://ex&#97;mple.com/x", URL},
		{"192&#46;168.0.1", IP},
	} {
		text := "see " + c.id + " ok"
		for _, run := range []struct {
			who   string
			spans []Span
		}{
			{"redactor", r.Find(text, nil)},
			{"pattern", Merge(text, NewPatternRecognizer().Find(nil, text, nil))},
		} {
			if !fullyCovered(text, run.spans, c.id) {
				t.Errorf("%s: %q not covered: %s", run.who, c.id, describe(text, run.spans))
			} else if got := labelAt(text, run.spans, c.id); got != c.label {
				t.Errorf("%s: %q labelled %s, want %s", run.who, c.id, got, c.label)
			}
		}
	}
}

// TestMojibakeName: an accented name whose UTF-8 was read as Latin-1 or
// Windows-1252 on the way ("RenÃ©e") is still the patient's name.
func TestMojibakeName(t *testing.T) {
	subj := NewSubject(Known{GivenName: "Renée", FamilyName: "Lefèvre"})
	r := mustNew(t, Config{})
	for _, id := range []string{"Ren\u00c3\u00a9e", "Lef\u00c3\u00a8vre", "Ren\u00c3\u00a9e Lef\u00c3\u00a8vre"} {
		text := "this is " + id + " ok"
		if spans := r.Find(text, subj); !fullyCovered(text, spans, id) {
			t.Errorf("%q not covered: %s", id, describe(text, spans))
		}
	}
}
