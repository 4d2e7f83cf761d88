package ner

import (
	_ "embed"
	"encoding/binary"
	"iter"
	"slices"
	"strings"

	"github.com/nhs-talking-therapies/deid/gazetteer"
)

// Lexicon flags: gazetteer membership of a lower-cased word or phrase. The
// model stores its own copy of the lexicon, so a model file behaves the same
// whatever the gazetteer package holds later.
const (
	flagFirst1       uint16 = 1 << iota // first name, 300 most frequent
	flagFirst2                          // first name, next 2,700
	flagFirst3                          // any other first name
	flagSurname                         // surname
	flagTown                            // city or town (OS Open Names), post town
	flagPlace                           // village, hamlet, suburb, other settlement, named area
	flagCounty                          // county, unitary or local authority, nation
	flagCommon                          // frequent non-entity word in the training text
	flagPhraseStart                     // first token of a multi-token lexicon entry
	flagInPhrase                        // token covered by a multi-token entry (set at tagging time)
	flagWorld                           // country, region, US state or large world city (data/world_places.txt)
	flagDict                            // lower-case dictionary word or conversational filler (data/english_words.txt, data/conversational.txt)
	flagTitle                           // title that precedes a name and stays when the name goes ("dr", "mrs")
	flagWorldFirst                      // first name of any of 86 locales (data/world_first_names.txt)
	flagWorldSurname                    // surname of any of 86 locales or the US Census (data/world_surnames.txt, data/us_surnames.txt)
	flagGeo                             // GeoNames place of 1,000+ people or country (data/geonames_places.txt)
	numFlags         = 16
)

// nameFlags are the flags that make a word look like a name.
const nameFlags = flagFirst1 | flagFirst2 | flagFirst3 | flagSurname | flagTown | flagPlace | flagCounty | flagWorld | flagWorldFirst | flagWorldSurname | flagGeo

// lexEntry is one lexicon line: a lower-cased word or phrase and its flags.
type lexEntry struct {
	Text  string
	Flags uint16
}

//go:embed data/world_places.txt
var worldPlaces string

//go:embed data/english_words.txt
var englishWords string

//go:embed data/conversational.txt
var conversational string

// The world lists are broad and noisy (a GeoNames town "Hope", a census
// surname "Will"): they are separate flags so that the model learns how
// far to trust each beside capitalisation and context.

//go:embed data/world_first_names.txt
var worldFirstNames string

//go:embed data/world_surnames.txt
var worldSurnames string

//go:embed data/us_surnames.txt
var usSurnames string

//go:embed data/geonames_places.txt
var geonamesPlaces string

// titles precede names and are kept (docs/ARCHITECTURE.md, Labels:
// "Titles stay; the name goes"). Tagged spans never start with one.
var titles = []string{"dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "lady", "lord", "rev", "revd", "reverend", "fr", "father", "sister", "nurse", "auntie", "aunty", "aunt", "uncle", "nan", "nana", "grandma", "grandad", "cllr", "councillor", "sgt", "capt", "captain"}

// lines returns the non-empty, non-comment lines of an embedded list.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// gazetteerEntries turns the gazetteer tables into lexicon entries, sorted
// by text with flags merged, so the result does not depend on map order.
func gazetteerEntries(g *gazetteer.Gazetteer) []lexEntry {
	m := map[string]uint16{}
	add := func(s string, f uint16) {
		s = strings.ToLower(strings.Join(strings.Fields(s), " "))
		if s != "" {
			m[s] |= f
		}
	}
	rank := 0
	seen := map[string]bool{}
	for _, fn := range g.FirstNames { // sorted by descending count
		k := strings.ToLower(fn.Name)
		if seen[k] {
			continue
		}
		seen[k] = true
		switch {
		case rank < 300:
			add(k, flagFirst1)
		case rank < 3000:
			add(k, flagFirst2)
		default:
			add(k, flagFirst3)
		}
		rank++
	}
	for _, s := range g.Surnames {
		add(s, flagSurname)
	}
	for _, p := range g.Places {
		switch p.Type {
		case "City", "Town":
			add(p.Name, flagTown)
		default:
			add(p.Name, flagPlace)
		}
	}
	for _, c := range g.Counties {
		add(c, flagCounty)
	}
	for _, c := range g.AdminAreas {
		add(c, flagCounty)
	}
	for _, t := range g.TownAreas {
		add(t, flagPlace)
	}
	for _, l := range lines(worldPlaces) {
		add(l, flagWorld)
	}
	for _, l := range lines(worldFirstNames) {
		add(l, flagWorldFirst)
	}
	for _, l := range lines(worldSurnames) {
		add(l, flagWorldSurname)
	}
	for _, l := range lines(usSurnames) {
		add(l, flagWorldSurname)
	}
	for _, l := range lines(geonamesPlaces) {
		add(l, flagGeo)
	}
	for _, l := range lines(englishWords) {
		add(l, flagDict)
	}
	for _, l := range lines(conversational) {
		add(l, flagDict)
	}
	for _, l := range titles {
		add(l, flagTitle)
	}
	outs := make([]string, 0, len(g.Districts))
	for k := range g.Districts {
		outs = append(outs, k)
	}
	slices.Sort(outs)
	for _, k := range outs {
		d := g.Districts[k]
		if d.PostTown != "" {
			add(d.PostTown, flagTown)
		}
		for _, a := range d.Areas {
			add(a, flagPlace)
		}
	}
	out := make([]lexEntry, 0, len(m))
	for k, f := range m {
		out = append(out, lexEntry{k, f})
	}
	slices.SortFunc(out, func(a, b lexEntry) int { return strings.Compare(a.Text, b.Text) })
	return out
}

// lexicon is the runtime form: word and phrase hashes to flags.
type lexicon struct {
	words     *hashTable // single-token entries (and phrase-start marks)
	phrases   *hashTable // multi-token entries (and, with no flags, their proper prefixes), keyed by phraseHash
	maxPhrase int        // longest phrase in tokens
}

// buildLexicon hashes entries exactly as the tagger hashes text: each entry
// is tokenized, and single-token entries go to words, longer ones to
// phrases.
func buildLexicon(n int, entries iter.Seq[lexEntry]) *lexicon {
	words, phrases := make(map[uint64]uint16, n), map[uint64]uint16{}
	maxPhrase := 0
	var toks []token
	var buf []byte
	for e := range entries {
		toks = tokenize(e.Text, toks[:0])
		switch {
		case len(toks) == 0:
			continue
		case len(toks) == 1:
			buf = lowerToken(buf[:0], e.Text[toks[0].start:toks[0].end])
			words[hashBytes(buf)] |= e.Flags
		default:
			if len(toks) > 8 {
				continue
			}
			var ph uint64
			for j, t := range toks {
				buf = lowerToken(buf[:0], e.Text[t.start:t.end])
				h := hashBytes(buf)
				if j == 0 {
					words[h] |= flagPhraseStart
				}
				ph = phraseStep(ph, h)
				if j > 0 && j < len(toks)-1 {
					// A proper prefix is stored with no flags, so
					// that matching stops at the first token that
					// no entry continues with.
					if _, ok := phrases[ph]; !ok {
						phrases[ph] = 0
					}
				}
			}
			phrases[ph] |= e.Flags
			maxPhrase = max(maxPhrase, len(toks))
		}
	}
	return &lexicon{words: newHashTable(words), phrases: newHashTable(phrases), maxPhrase: maxPhrase}
}

// phraseStep folds one token hash into a phrase hash.
func phraseStep(ph, h uint64) uint64 { return mix(ph*0x100000001b3 ^ h) }

// packedLexicon is the lexicon as the model file stores it: for each entry,
// in text order, the text's length (uvarint), its bytes and its flags
// (uvarint). A model keeps its lexicon in this form, one string, because
// it holds hundreds of thousands of short entries that are needed again
// only to save the model: as separate strings they would cost three times
// the memory.
type packedLexicon struct {
	data string
	n    int // entries
}

func packEntries(entries []lexEntry) packedLexicon {
	var b []byte
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(len(e.Text)))
		b = append(b, e.Text...)
		b = binary.AppendUvarint(b, uint64(e.Flags))
	}
	return packedLexicon{string(b), len(entries)}
}

// all yields the entries. The data is well formed: packEntries wrote it,
// or decode checked it entry by entry while reading it.
func (p packedLexicon) all() iter.Seq[lexEntry] {
	return func(yield func(lexEntry) bool) {
		d := p.data
		for len(d) > 0 {
			l, k := uvarintString(d)
			d = d[k:]
			text := d[:l]
			d = d[l:]
			f, k := uvarintString(d)
			d = d[k:]
			if !yield(lexEntry{text, uint16(f)}) {
				return
			}
		}
	}
}

// uvarintString decodes a uvarint at the start of s (well formed, as in
// packedLexicon) and returns it with its length in bytes.
func uvarintString(s string) (uint64, int) {
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1
		}
	}
	return v, len(s)
}
