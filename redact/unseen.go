package redact

import "strings"

// unseen is the common-word rule, in the spirit of Philter: in running
// text, a capitalised word that is no English word (SCOWL up to size 50),
// not on the domain safelist and not a cue or chat word is a name or a
// place, whether or not any gazetteer lists it ("Nowak", "Yefremova",
// "Miramar", "the Kowalskis", "on Kirkgate"). The world name and place
// lists then widen what is decided without a capital mid-sentence:
//
//   - mid-sentence and capitalised: any unknown word; a rarer English word
//     that is a name or place somewhere ("Trump" is common and needs a
//     name list hit and a capital); an everyday word on a surname list as
//     a sentence's subject or before an age ("In 2011, Blunt was named",
//     "Jutting, now 31, is");
//   - at a sentence start, where every word is capitalised: an unknown word
//     that a world list names, any unknown word a person-verb follows
//     ("Nowak said"), or an unknown word of four letters or more that no
//     English words build (wordForm: "Soooo", "Unsurprisingly" and
//     "Bestselling" are built; "Seagal made" is not) and that has no
//     English ending (wordEnding: "Extubated", "Tachycardic"); a month or
//     first-name word followed by such a verb ("April said"); an everyday
//     word on a name list before "was born" or "died" ("Cotton was born");
//   - in lower case: a world city of 100,000+ people that is no English
//     word after a place preposition ("in calgary"); outside capitalised
//     text, a word of five letters or more that no English word explains
//     (on no list up to SCOWL size 70: not "daycare", "stressors", "rota";
//     not built from English words, no English ending, not one edit from
//     an everyday word, not laughter, not broken off) and that a world
//     name list holds ("berlusconi", "trudeau") or that stands in a text
//     that reads as English ("fouseytube", "hangwani");
//   - in any case: a word one letter from a country, a large city or a
//     region ("Britian", "germnay");
//   - in a headline, where every word is capitalised: only a word of
//     four letters or more that no English list knows and a name or place
//     list holds ("Cleveland Kidnapper Found", "Hagel Welcomes China").
//
// A capitalised word after a place preposition is a LOCATION, else a
// PERSON (a name redacted under the other label has not leaked). The people
// of a listed place ("Dominican", "Angolan") are no names (safe). Words in
// capitals only are acronyms or shouting and are left to the other rules,
// and so are their plurals ("MPs", "DVDs").
func (r *contextRecognizer) unseen(sc *scan, i int) (Span, bool) {
	tk := sc.toks[i]
	// A capitalised word spelt with letters English does not use ("Hà",
	// "Phạm", "Kovácsné") is a name even where every word is capitalised
	// and at a sentence start, whatever its length: the English words
	// that keep an accent (café, fiancé) are on the safelist
	// (accentedLoans) or are English words unaccented (naïve).
	foreign := tk.f&(tASCII|tUpper) == 0 && tk.f&(tCap|tAlpha) == tCap|tAlpha && !r.accentedEnglish(sc, i)
	// In a capitalised text that is a list of names rather than a
	// headline ("Ivanisevic ( Croatia ) beat Woodbridge", "Scorers :
	// Vialli 67"), only a word of four letters or more that a world name
	// or place list knows is decided here: "Started Fluvoxamine and
	// Escitalopram" is a note, not a list.
	nameList := sc.capText && !foreign && !sc.headline()
	headline := sc.capText && !foreign && !nameList
	if sc.shout && tk.f&tUpper != 0 {
		return r.shouted(sc, i)
	}
	if tk.e-tk.s < 2 || tk.f&tUpper != 0 || sc.acronymPlural(i) {
		return Span{}, false
	}
	if r.gluedName(sc, i) {
		// "dianeabbott", "#colindoyle": a first name and a surname
		// written as one word, as handles and hashtags do.
		return Span{Start: tk.s, End: tk.e, Label: Person, Source: srcContext, Score: scGazLow}, true
	}
	if tk.s > 0 && sc.text[tk.s-1] == '#' {
		return Span{}, false // a hashtag is a topic, not a mention
	}
	if tk.f&tCamel != 0 && r.camelWords(sc, i) {
		return Span{}, false // a hashtag written without its "#": "ShareTheLove"
	}
	if tk.s > 0 && sc.text[tk.s-1] == '&' {
		// A piece after "&" ("U&Es") is part of another word.
		return Span{}, false
	}
	if r.keepCountries && r.country(sc, i) {
		return Span{}, false
	}
	e := sc.lex(i)
	capital := tk.f&tCap != 0
	if e.is(bNotName|bFunction) && e.nf&nFirst != 0 && capital && !e.is(bChat|bKin|bTitle) {
		// Months, modals and faith words that are also first names: a
		// name only with a person-verb after ("April said", "May said")
		// and no time cue.
		if r.nameVerbAfter(sc, i) && !timeWord(sc, i) {
			return Span{Start: tk.s, End: tk.e, Label: Person, Source: srcContext, Score: scGazLow}, true
		}
		return Span{}, false
	}
	if e.is(bNotName | bChat | bKin | bTitle | bFunction | bPronoun | bGeneric | bNameCue | bPlaceStrong | bPlaceWeak | bPlaceVerb | bFacility | bStreet | bPersonNoun | bVerbObject) {
		return Span{}, false
	}
	if e.wc == wNone && e.nf == 0 && e.place == pkNone && tk.f&tASCII != 0 && tk.e-tk.s >= 5 && !nameList &&
		r.t.placeTypo(sc.lw(i), sc.scratch[:0]) && !safe(sc, i) {
		// One edit from a country, a large city or a region, in any case
		// and wherever it stands: "Britian", "in germnay". English words
		// build some ("Brit" and "-ian"), so this comes first.
		return Span{Start: tk.s, End: tk.e, Label: Location, Source: srcContext, Score: scGazLow}, true
	}
	// The world lists are searched only for the few tokens that need
	// them: capitalised, or an unknown word after a place preposition.
	var wb uint64
	switch {
	case capital && !sc.sentStart(i):
		if e.wc == wRare && e.nf == 0 {
			wb = r.t.world(sc, i)
		}
		if e.wc != wNone && (surnameSubject(sc, i) || ageAfter(sc, i)) && (e.nf&nSurname != 0 || r.t.world(sc, i)&bWorldSurname != 0) {
			break // "In 2011, Blunt was named", "Jutting, now 31, is"
		}
		if !(e.wc == wNone || (e.wc == wRare && (e.nf != 0 || wb&(bWorldFirst|bWorldSurname|bWorldPlace) != 0))) {
			return Span{}, false
		}
	case capital:
		if e.wc == wNone {
			wb = r.t.world(sc, i)
		}
		if !(e.wc == wNone && (wb&(bWorldFirst|bWorldSurname|bWorldPlace) != 0 || foreign || r.nameVerbAfter(sc, i) || tk.e-tk.s >= 4 && !r.t.wordForm(sc.lw(i)) && !wordEnding(sc.lw(i))) ||
			e.wc != wCommon && e.nf&nFirst != 0 && r.nameVerbAfter(sc, i) ||
			e.wc == wCommon && bornAfter(sc, i) && (e.nf&(nFirst|nSurname) != 0 || r.t.world(sc, i)&(bWorldFirst|bWorldSurname) != 0)) {
			return Span{}, false
		}
	case e.wc == wNone && tk.e-tk.s >= 4 && r.placeCue(sc, i) > 0 && r.t.world(sc, i)&(bWorldCity|bWorldFirst|bWorldSurname) == bWorldCity:
		if safe(sc, i) {
			return Span{}, false
		}
		return Span{Start: tk.s, End: tk.e, Label: Location, Source: srcContext, Score: scGazLow}, true
	case e.wc == wNone && e.nf == 0 && e.place == pkNone && tk.f&tASCII != 0 && tk.e-tk.s >= 5 && !sc.capText:
		lw := sc.lw(i)
		if wb = r.t.world(sc, i); r.t.wordForm(lw) || wordEnding(lw) || laughter(lw) || cutOff(sc, i) || r.t.wordTypoAt(sc, i) ||
			r.t.rareWords.has(lw) || wb&(bWorldFirst|bWorldSurname) == 0 && !sc.english() {
			return Span{}, false
		}
	default:
		return Span{}, false
	}
	if safe(sc, i) {
		return Span{}, false
	}
	if wb == 0 && e.wc == wNone {
		wb = r.t.world(sc, i)
	}
	if nameList && (tk.e-tk.s < 4 || e.nf != 0 || e.place != pkNone ||
		wb&(bWorldFirst|bWorldSurname|bWorldPlace) == 0 && (tk.e-tk.s < 5 || e.wc != wNone || r.t.wordForm(sc.lw(i)) || wordEnding(sc.lw(i)))) {
		// The UK lists' words are the gazetteer rules' to decide, and a
		// short one is as often a lab's or a unit's ("Na 138, K 4.2").
		// A longer word no list knows is a name ("Kluivert 12 ,
		// Overmars 56 pen").
		return Span{}, false
	}
	if headline && (!capital || e.wc != wNone || tk.e-tk.s < 4 || e.nf == 0 && e.place == pkNone && wb&(bWorldFirst|bWorldSurname|bWorldPlace) == 0 || r.t.wordForm(sc.lw(i))) {
		// In a headline every word is capitalised, so only a word that
		// no English list knows and a name or place list holds is one.
		return Span{}, false
	}
	if e.wc == wNone && e.nf == 0 && !foreign && wb&(bWorldFirst|bWorldSurname|bWorldPlace) == 0 && tk.e-tk.s >= 4 && (r.t.wordTypoAt(sc, i) || r.t.wordForm(sc.lw(i))) {
		// On no name or place list and one edit from an everyday word
		// ("Ledgend", "Nevermimd"): a misspelling, not a name.
		return Span{}, false
	}
	l := Person
	if r.placeBefore(sc, i) || (wb&bWorldPlace != 0 && wb&(bWorldFirst|bWorldSurname) == 0) {
		l = Location
	}
	return Span{Start: tk.s, End: tk.e, Label: l, Source: srcContext, Score: scGazLow}, true
}

// shouted decides a word of a text written in capitals ("RUGBY UNION -
// CUTTITTA BACK FOR ITALY"), where case says nothing: a word of five
// letters or more that no English word list knows, that English words do
// not build and that has no English ending is a name; acronyms are
// shorter, or on the safelist.
func (r *contextRecognizer) shouted(sc *scan, i int) (Span, bool) {
	tk := sc.toks[i]
	lw := sc.lw(i)
	if tk.e-tk.s < 5 || tk.f&tASCII == 0 || sc.lex(i).wc != wNone || sc.lex(i).bits != 0 || safe(sc, i) || sc.acronymPlural(i) ||
		r.t.wordForm(lw) || wordEnding(lw) || r.t.wordTypoAt(sc, i) {
		return Span{}, false
	}
	if r.keepCountries && r.country(sc, i) {
		return Span{}, false
	}
	l := Person
	if wb := r.t.world(sc, i); r.placeBefore(sc, i) || wb&bWorldPlace != 0 && wb&(bWorldFirst|bWorldSurname) == 0 {
		l = Location
	}
	return Span{Start: tk.s, End: tk.e, Label: l, Source: srcContext, Score: scGazLow}, true
}

// accentedEnglish reports whether token i is an English word written
// with accents ("Naïve", "Façade") or a loanword English writes with them
// ("Café", "Déjà", "Señora"; safeWords). Short words are not read without
// their accents: "Hà", "Lê" and "Vũ" are names, not "ha", "le" and "vu".
func (r *contextRecognizer) accentedEnglish(sc *scan, i int) bool {
	if sc.lex(i).is(bSafe) {
		return true
	}
	w := foldASCII(string(sc.lw(i)))
	return len(w) >= 4 && r.t.lex[w].wc != wNone
}

// ageAfter reports whether an age stands after token i between commas, as
// news gives a person's: "Jutting, now 31, is", "Orr, 42, of Leeds".
func ageAfter(sc *scan, i int) bool {
	k := i + 1
	if k >= len(sc.toks) || strings.TrimSpace(sc.gap(i)) != "," {
		return false
	}
	if (sc.isWord(k, "now") || sc.isWord(k, "aged")) && sc.spaced(k) {
		k++
	}
	if k >= len(sc.toks) || sc.toks[k].f&tAlpha != 0 || sc.toks[k].e-sc.toks[k].s > 3 || !sc.num(k) || strings.TrimSpace(sc.gap(k)) != "," {
		return false
	}
	n := 0
	for _, c := range []byte(sc.raw(k)) {
		n = n*10 + int(c-'0')
	}
	return n >= 1 && n <= 110
}

// surnameSubject reports whether the capitalised everyday word at token i
// stands as a sentence's subject: after a comma or a conjunction, before
// a person-verb or "was", "is", "has", "had" and a word. "the Park was"
// and "in Reading is" have a determiner or a preposition before them.
func surnameSubject(sc *scan, i int) bool {
	p := i - 1
	if p < 0 || !(strings.TrimSpace(sc.gap(p)) == "," || sc.isWord(p, "and") || sc.isWord(p, "but") || sc.isWord(p, "while")) {
		return false
	}
	k := sc.nextWord(i)
	if k < 0 || !sc.spaced(i) {
		return false
	}
	return sc.has(k, bNameVerb) || (sc.isWord(k, "was") || sc.isWord(k, "is") || sc.isWord(k, "has") || sc.isWord(k, "had")) && sc.spaced(k) && sc.alpha(k+1) && sc.toks[k+1].f&tCap == 0
}

// wordEndings are the English endings of verbs, adjectives and abstract
// nouns. A word on no list that ends so is more likely a word the lists
// lack, such as the clinical vocabulary of notes ("Extubated",
// "Diuresing", "Oedematous", "Tachycardic"), than a name. "-ive" is not
// one: it ends surnames too ("Leive").
var wordEndings = []string{"ed", "ing", "ous", "ic", "ics", "able", "ible", "ment", "tion", "sion", "ness", "ism", "ative", "itive", "ively", "ically"}

// wordEnding reports whether w ends in one of wordEndings.
func wordEnding(w []byte) bool {
	for _, e := range wordEndings {
		if hasSuffix(w, e) {
			return true
		}
	}
	return false
}

// placeBefore reports whether the words before token i make it a place:
// a strong cue ("moved to", "near") or a preposition people are in, come
// from or are at ("in", "from", "at"); "to" alone is as often "spoke to".
func (r *contextRecognizer) placeBefore(sc *scan, i int) bool {
	if r.placeCue(sc, i) == 2 {
		return true
	}
	p := sc.prevWord(i)
	return p >= 0 && (sc.isWord(p, "in") || sc.isWord(p, "from") || sc.isWord(p, "at") || sc.isWord(p, "via"))
}

// gluedName reports whether token i is a first name and a surname run
// together: no English word itself, its head a frequent first name that is
// no English word, its tail a surname of some list that is not an everyday
// word ("dianeabbott", "ColinDoyle").
func (r *contextRecognizer) gluedName(sc *scan, i int) bool {
	tk := sc.toks[i]
	n := tk.e - tk.s
	if n < 8 || n > 30 || tk.f&tASCII == 0 || !sc.alpha(i) {
		return false
	}
	e := sc.lex(i)
	if e.wc != wNone || e.nf != 0 {
		return false
	}
	lw := sc.lw(i)
	for k := 3; k <= n-4; k++ {
		head, ok := r.t.lex[string(lw[:k])]
		if !ok || head.wc != wNone || head.nf&nFirstHigh == 0 || head.nf&nAmbiguous != 0 {
			continue
		}
		tail := r.t.lex[string(lw[k:])]
		if tail.wc == wCommon {
			continue
		}
		if tail.nf&nSurname != 0 || r.t.worldNames.find(lw[k:]) != "" && strings.IndexByte(r.t.worldNames.find(lw[k:]), 's') >= 0 {
			return true
		}
	}
	return false
}

// camelWords reports whether token i is everyday English words run
// together with a capital at each word ("FakeNews", "ShareTheLove"): no
// part is a place on the UK lists and the first is no first name, so it
// names nobody ("WillSmith" and "JackBlack" stay names).
func (r *contextRecognizer) camelWords(sc *scan, i int) bool {
	tk := sc.toks[i]
	if tk.f&tASCII == 0 {
		return false
	}
	raw, low := sc.text[tk.s:tk.e], sc.low[tk.s:tk.e]
	parts, a := 0, 0
	for k := 1; k <= len(raw); k++ {
		if k < len(raw) && !(isUpperASCII(raw[k]) && !isUpperASCII(raw[k-1])) {
			continue
		}
		var e lexEntry
		if x := shortIndex(low[a:k]); x >= 0 {
			e = r.t.short[x]
		} else {
			e = r.t.lex[string(low[a:k])]
		}
		if e.wc != wCommon || (parts == 0 && e.nf&nFirst != 0) || e.place != pkNone {
			return false
		}
		parts, a = parts+1, k
	}
	return parts >= 2
}

// laughter reports whether w is written laughter: two "h"-and-vowel
// groups or more, after an optional opening ("hahah", "hhaahaa",
// "ahahahha", "muahaha", "hehehe").
func laughter(w []byte) bool {
	k := 0
	if k < len(w) && (w[k] == 'b' || w[k] == 'm' || w[k] == 'w') {
		k++
	}
	for k < len(w) && isVowel(w[k]) {
		k++
	}
	groups := 0
	for k < len(w) && w[k] == 'h' {
		for k < len(w) && w[k] == 'h' {
			k++
		}
		n := k
		for k < len(w) && isVowel(w[k]) {
			k++
		}
		if k == n {
			break // a closing "h"
		}
		groups++
	}
	return k == len(w) && groups >= 2
}

func isVowel(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
}

// cutOff reports whether token i is a word broken off with a dash, as a
// transcript writes a false start ("the situa-- the thing").
func cutOff(sc *scan, i int) bool {
	rest := sc.text[sc.toks[i].e:]
	if !strings.HasPrefix(rest, "-") {
		return false
	}
	if len(rest) == 1 {
		return true
	}
	c := rest[1] | 0x20
	return rest[1] < 0x80 && !('a' <= c && c <= 'z') // "Smith-Jones", "Zoë-Ann" go on
}
