package redact

import (
	"strings"
	"unicode/utf8"
)

// addressRecognizer finds street addresses in the formats of many
// countries with a small grammar over tokens, not a list of streets:
//
//   - a unit or box word and its number: "Apt. 595", "Flat 3", "Suite 200",
//     "PO Box 4471", "PSC 0413, Box 8144", "Locked Bag 7", "APO AE 09128";
//   - a house number before a street named with a street word:
//     "1600 Pennsylvania Ave NW", "12 rue des Lilas", "123 Đường Lê Lợi",
//     or with one of the USPS and Australian street types after a name
//     that is no everyday word: "9538 Savannah Neck", "60/8 Sheila Circuit";
//     India writes a comma after the number: "18, Ganesh Chowk";
//   - a numbered street and the house number after "#" or "N°", as
//     Colombia and Argentina write them: "Carrera 59 # 85-1", "Calle 6 N° 951";
//   - military mail: "FPO AA 17305";
//   - a street word before a name and a house number, as most of Europe
//     writes them: "Via Franscini 71", "ul. Długa 5/7", "Calle Mayor 3";
//   - a one-word street with a street ending and a house number:
//     "Hauptstraße 5", "Puruntie 82", "Kungsgatan 44", "Keizersgracht 214";
//   - a capitalised name, house number and continental postcode:
//     "Damrak 70-3, 1012 LM Amsterdam";
//   - a block-and-lot number: "2-11-3 Meguro".
//
// Each core is then extended over the parts that follow it in an address
// (further units, numbers, postcodes, capitalised place words, state
// codes, wards and provinces in any case: "phường Bình Minh"), segment by
// segment, and stops at the first ordinary lower-case word or sentence
// end. After every recognizer has run, the redactor widens each place and
// postcode back over the address lines and units written before it
// (addressLines, segmentsBefore, unitsBefore). Everything is LOCATION: an address identifies
// wherever it is. The grammar is deliberately generous inside an address
// and strict about what opens one, because an address is a strong
// identifier and ordinary talk rarely puts a number next to a street word.
type addressRecognizer struct {
	t *tables
}

// NewAddressRecognizer returns the street-address recognizer; its spans
// carry Source "context".
func NewAddressRecognizer() Recognizer { return &addressRecognizer{t: getTables()} }

func (r *addressRecognizer) Name() string { return srcContext }

func (r *addressRecognizer) Find(dst []Span, text string, subj *Subject) []Span {
	sc := getScan(text)
	defer putScan(sc)
	return r.find(dst, sc, subj)
}

// Word kinds in addrWords.
const (
	awUnit        uint16 = 1 << iota // flat, apt, suite: takes a number after it
	awUnitLow                        // a unit word that opens an address in lower case too (apt, psc)
	awBox                            // box, bag: a box number (po box, locked bag)
	awStreet                         // a street word after the name: road, ave, boulevard
	awPrefix                         // a street word before the name: via, rue, calle, ul
	awPrefixAlone                    // a prefix unambiguous enough to open an address without a number
	awJoin                           // connective inside a street name: de, la, van, der
	awNumSuffix                      // after a house number: bis, ter, a
	awDir                            // compass point after a street: nw, se
	awState                          // a military or state code: ae, aa, ap, dpo
	awLead                           // opens a two-word box: po, p, locked, rural, private
	awSite                           // a place inside a facility or on a road, by number: ward 7, junction 27
	awUnitAfter                      // a unit word taken only inside an address: Torre 5, Piano 2, Bl. 85
	awSuffix                         // a street type that closes a street only after a house number: Run, Glen, Neck
	awAdmin                          // a ward, district or province word inside an address, any case: phường, xã, tỉnh
)

var addrWords = func() map[string]uint16 {
	m := map[string]uint16{}
	add := func(k uint16, s string) {
		for _, w := range strings.Fields(s) {
			m[w] |= k
		}
	}
	add(awUnit, `apt apts apartment apartments appt suite ste flat unit room rm lot plot blk block studio
		building bldg house villa stand floor fl level lvl piso sector phase extension no nr
		lgh kv int m dong ho psc cmr site stg`)
	add(awUnitLow, `apt apartment suite ste psc cmr lgh kv blk bldg`)
	add(awBox, `box bag postboks postbox pobox boks apartado caixa casilla`)
	add(awStreet, `street st road rd lane ln avenue ave av drive dr way crescent cres place pl court ct
		terrace tce gardens gdns grove square sq row walk mews hill parade boulevard blvd bvd highway hwy
		parkway pkwy pike circle cir trail trl expressway freeway route rte green rise vale wharf quay close
		broadway esplanade embankment promenade causeway bypass circus alley lane lanes heights drive
		daero ro gil caddesi cad sokak sk sok utca u ut út körút köz kapu fasor ter marg nagar chowk salai cross main loop plaza
		gate gata gatan gade vej vei veg väg vägen plads torv torg platz straße strasse weg allee laan straat
		plein kade steeg gasse cesta steza ulica ulice pot tér tere körtér sétány rakpart puistokatu
		katu kuja ganj path colony`)
	// Street types of the USPS (Publication 28, appendix C1, plurals as it
	// lists them), Australia (AS 4590) and India. Many are everyday words
	// ("Run", "Light", "Mission"), so they close a street only after a house
	// number and a name: "9538 Savannah Neck", "60/8 Sheila Circuit".
	add(awSuffix, `alley annex arcade avenue bayou beach bend bluff bluffs bottom boulevard branch bridge
		brook brooks burg burgs bypass camp canyon cape causeway center centers centre circle circles cliff
		cliffs club common commons corner corners course court courts cove coves creek crescent crest
		crossing crossroad crossroads curve dale dam divide drive drives estate estates expressway extension
		extensions fall falls ferry field fields flat flats ford fords forest forge forges fork forks fort
		freeway garden gardens gateway glen glens green greens grove groves harbor harbors harbour haven
		heights highway hill hills hollow inlet island islands isle junction junctions key keys knoll knolls
		lake lakes land landing lane light lights loaf lock locks lodge loop mall manor manors meadow meadows
		mews mill mills mission motorway mount mountain mountains neck orchard oval overpass park parks
		parkway parkways pass passage path pike pine pines place plain plains plaza point points port ports
		prairie radial ramp ranch rapid rapids rest ridge ridges river road roads route row rue run shoal
		shoals shore shores skyway spring springs spur spurs square squares station stravenue stream street
		streets summit terrace throughway trace track trafficway trail trailer tunnel turnpike underpass
		union unions valley valleys viaduct view views village villages ville vista walk walks wall way ways
		well wells chase circuit close concourse gap turn esplanade parade promenade rise boulevarde brace
		glade outlook retreat round walkway wynd quays link laneway pocket strand grange vale nook
		marg chowk nagar ganj colony`)
	add(awPrefix, `via vía viale vicolo corso piazza piazzale largo calle carrer avenida avda av rua travessa
		rue avenue boulevard bd chemin allée allee impasse quai route ul ulica al aleja plac osiedle os
		strada str bulevardul calea jalan jl đường duong phố pho rechov rehov leoforos odos ulitsa vul
		vulytsya pasaje paseo camino carretera plaza praça praca estrada rambla ronda cesta trg
		náměstí namesti námestie ulice utca gatan gata rua passeig avinguda carrera cra kav
		prospekt pr naberezhnaya pereulok ploshchad sokak aleea acceso andador cerrada diagonal
		urbanización urbanizacion viela trevo rang allé gang gg hẻm ngõ ngách kiệt diag dg cl cr kr tv
		transversal psje pje pl soseaua șoseaua şoseaua sos intrarea bulevardul bd contrada borgo vial
		alameda ladeira loteamento pátio circuito circunvalación circunvalacion privada ampliación
		ampliacion calzada prolongación prolongacion retorno r`)
	add(awPrefixAlone, `calle carrer avenida rua rue chemin allée ulica ul aleja strada jalan jl đường duong
		rechov rehov leoforos odos ulitsa vul vulytsya pasaje paseo camino carretera praça praca estrada
		rambla passeig avinguda carrera viale vicolo piazzale corso travessa náměstí namesti námestie
		ulice prospekt naberezhnaya pereulok alameda ladeira loteamento soseaua șoseaua şoseaua intrarea
		bulevardul contrada circunvalación circunvalacion privada calzada gang`)
	// Wards, districts and provinces inside an address, written in lower
	// case before their name: "phường Bình Minh", "xã An Phú", "tỉnh Lai
	// Châu", "thành phố Hải Phòng".
	add(awAdmin, `phường phuong xã quận quan huyện huyen tỉnh tinh thành thị thôn ấp khu tp kelurahan kecamatan
		kabupaten kota desa provinsi barangay brgy`)
	add(awJoin, `de la del des do da di du dos das van der den von vom zum zur le les el y e of the al dei
		della delle degli sur sous aan het op ter am an im bei en nad pod na pri près lès los las`)
	add(awNumSuffix, `bis ter quater a b c d e f g h`)
	add(awDir, `n s e w ne nw se sw north south east west`)
	add(awState, `ae aa ap dpo apo fpo`)
	add(awLead, `po p locked rural private`)
	add(awSite, `ward wards junction jct jn`)
	// Unit words of other countries' addresses (tower, floor, door, office,
	// staircase, block, department); several are everyday English words,
	// so they only continue an address that something else opened.
	add(awUnitAfter, `torre piano puerta pta dto dpto depto departamento edif edificio oficina ofic local
		interior interno scala esc escalera portal bodega appartamento apto app sala bloco bl sc ap et etaj
		stiege stock top tür bus bte boîte bât bâtiment étage km casa lote quadra manzana mz of
		oficina planta daire kat blok`)
	add(awUnit, `số`)
	// Russian and Ukrainian: "ул. Тверская, д. 7, кв. 15", "вул. Хрещатик, буд. 22".
	add(awPrefix, `ул улица пр проспект пер переулок наб набережная пл площадь бульвар шоссе проезд вул вулиця`)
	add(awPrefixAlone, `ул улица проспект переулок вул вулиця`)
	add(awUnit, `д дом кв квартира корп корпус стр строение буд`)
	return m
}()

// streetEndings close one-word streets in languages that write the street
// word as a suffix: Hauptstraße, Kungsgatan, Puruntie, Nørrebrogade.
var streetEndings = []string{"straße", "strasse", "str", "weg", "gasse", "allee", "platz", "damm", "ufer",
	"gracht", "gade", "gata", "gatan", "vej", "vejen", "veien", "vegen", "vägen", "väg", "vegur", "tie",
	"katu", "kuja", "polku", "laan", "straat", "plein", "kade", "dijk", "steeg", "singel", "utca",
	"caddesi", "sokak", "sokağı", "daero", "gasse", "stig", "bakken", "torget", "torg", "veg"}

func (r *addressRecognizer) aw(sc *scan, i int) uint16 {
	if i < 0 || i >= len(sc.toks) || sc.toks[i].f&tAlpha == 0 || !sc.has(i, bAddr) || sc.lab(i) {
		return 0 // "Cl 98" among lab values is chloride
	}
	w := string(sc.lw(i))
	if dottedOnly[w] && !r.dotted(sc, i) {
		return addrWords[w] &^ (awPrefix | awUnitAfter)
	}
	return addrWords[w]
}

// dottedOnly are street and unit abbreviations that are also clinical or
// everyday abbreviations ("Cl 101" chloride, "Cr 1.2" creatinine, "R"
// right, "pl" platelets, "TV", "u" for "you"): they are address words
// only written with their full stop, "Cl. 185 # 3-94", "R. Gustavo
// Valente", "Király u. 15.".
var dottedOnly = words(`r pl cl cr dg tv kr gg sos psje pje diag of u`)

// gap is the text between tokens i and i+1.
func (sc *scan) gap(i int) string {
	if i+1 >= len(sc.toks) {
		return ""
	}
	return sc.text[sc.toks[i].e:sc.toks[i+1].s]
}

// num reports whether token i is a house or unit number: digits, maybe
// with up to two letters ("12a", "221B", "4B", "3F").
func (sc *scan) num(i int) bool {
	if i < 0 || i >= len(sc.toks) || sc.toks[i].f&tDigit == 0 {
		return false
	}
	t := sc.toks[i]
	letters := 0
	for k := t.s; k < t.e; k++ {
		c := sc.text[k]
		if c >= '0' && c <= '9' {
			continue
		}
		letters++
	}
	return t.e-t.s <= 10 && letters <= 2
}

// numGroup returns the last token of the house number starting at token i:
// numbers joined by "-" or "/" ("5/7", "70-3", "2-11-3", "3/45"). It
// returns -1 when token i is not a number.
func (sc *scan) numGroup(i int) int {
	if !sc.num(i) {
		return -1
	}
	j := i
	for j+1 < len(sc.toks) && (sc.num(j+1) || (sc.toks[j+1].e-sc.toks[j+1].s == 1 && sc.toks[j+1].f&tAlpha != 0)) {
		g := sc.gap(j)
		if g != "-" && g != "/" {
			break
		}
		j++
	}
	return j
}

// dateGroup reports whether the number group i..j is a date with its year
// ("12/03/1984", "1984-03-12", "12/06/24"), which numbers no house; a
// block and lot ("2-11-3", "1-12-24") does.
func dateGroup(sc *scan, i, j int) bool {
	if j != i+2 || sc.gap(i) != sc.gap(i+1) || sc.toks[i].f&tAlpha != 0 || sc.toks[i+1].f&tAlpha != 0 || sc.toks[i+2].f&tAlpha != 0 {
		return false
	}
	y, d := sc.toks[i+2].e-sc.toks[i+2].s, sc.toks[i].e-sc.toks[i].s
	return y == 4 || d == 4 || sc.gap(i) == "/" && y == 2 && d <= 2 && sc.toks[i+1].e-sc.toks[i+1].s <= 2
}

// nameWord reports whether token i can be part of a street or place name:
// a capitalised or all-capital word, or any word that is not English.
func (r *addressRecognizer) nameWord(sc *scan, i int) bool {
	if i < 0 || i >= len(sc.toks) || !sc.alpha(i) {
		return false
	}
	if sc.toks[i].f&tCap != 0 {
		return !sc.isWord(i, "i")
	}
	return sc.lex(i).wc == wNone && !sc.has(i, bChat)
}

// streetEnding reports whether token i is one word ending in a street
// suffix with a name before it ("Hauptstraße", not "tie").
func (r *addressRecognizer) streetEnding(sc *scan, i int) bool {
	if !sc.alpha(i) || sc.toks[i].f&tCap == 0 {
		return false
	}
	w := string(sc.lw(i))
	if sc.lex(i).wc != wNone {
		return false
	}
	for _, e := range streetEndings {
		if len(w) >= len(e)+3 && strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// inSentence reports whether the gap after token i keeps the next token in
// the same address: spaces, a comma, a hyphen, a slash, "#" or the full
// stop of an abbreviation; not a sentence end or a line break.
func (r *addressRecognizer) inSentence(sc *scan, i int) bool {
	if i+1 >= len(sc.toks) {
		return false
	}
	g := sc.gap(i)
	if len(g) == 0 || len(g) > 4 {
		return len(g) == 0
	}
	if g == " (" && stateCode(sc, i+1) && strings.HasPrefix(sc.text[sc.toks[i+1].e:], ")") {
		return true // "Brumano (BG)", Italy's province in brackets
	}
	if g == ": " && r.aw(sc, i)&(awUnit|awUnitAfter) != 0 && sc.num(i+1) {
		return true // Turkey's "İstiklal Caddesi No: 123 Daire: 3"
	}
	if g == "., " && sc.toks[i].f&tDigit != 0 {
		return true // "Soproni utca 242., H-7178": Hungary's house number ends in a full stop
	}
	dot := false
	for k := 0; k < len(g); k++ {
		switch g[k] {
		case ' ', ',', '-', '/', '#', '\t':
		case '.':
			dot = true
		default:
			return false
		}
	}
	if dot {
		// "Apt. 595", "ul. Długa", "Kav. 52", "Jl. Jend. Sudirman": only
		// after an abbreviation.
		// A whole street word ends a sentence there: "5 Main Road. Then".
		w := string(sc.lw(i))
		return sc.toks[i].e-sc.toks[i].s <= 3 && sc.alpha(i) || streetTitles[w] || dotAbbrevs[w] || r.aw(sc, i) != 0 && !hasVowel(w)
	}
	return true
}

func (r *addressRecognizer) find(dst []Span, sc *scan, _ *Subject) []Span {
	n := len(sc.toks)
	if n < 2 || !hasAddressHint(sc) {
		return dst
	}
	for i := 0; i < n; i++ {
		if s, e, ok := zipAfterCue(sc, i); ok {
			dst = append(dst, Span{Start: sc.toks[s].s, End: sc.toks[e].e, Label: Location, Source: srcContext, Score: scCtx})
			i = e
			continue
		}
		s, e, ok := r.core(sc, i)
		if !ok {
			continue
		}
		e = r.extend(sc, e, false)
		dst = append(dst, Span{Start: sc.toks[s].s, End: closeBracket(sc.text, sc.toks[s].s, sc.toks[e].e), Label: Location, Source: srcContext, Score: scCtxHigh})
		i = e
	}
	return dst
}

// zipCues name a postal code: "zip code", "postal code", "PLZ", "CEP".
var zipCues = words(`zip zipcode postcode postal post plz cep pincode`)

// zipAfterCue finds the postal code after a cue at token i: "My zip code
// is 80001", "ZIP: 2807", "postal code 02-792", "PLZ 10115". The code is
// one or two tokens holding digits (letters too: "M5V 2T6", "1012 AB"),
// three to ten characters; a UK postcode there is also the pattern
// recognizer's, whose POSTCODE span wins.
func zipAfterCue(sc *scan, i int) (int, int, bool) {
	if l := sc.toks[i].e - sc.toks[i].s; l < 3 || l > 8 || sc.toks[i].f&tDigit != 0 {
		return 0, 0, false
	}
	if c := sc.low[sc.toks[i].s]; c != 'z' && c != 'p' && c != 'c' || !zipCues[string(sc.lw(i))] {
		return 0, 0, false
	}
	j := i + 1
	if (sc.isWord(i, "postal") || sc.isWord(i, "post") || sc.isWord(i, "zip") || sc.isWord(i, "pin")) && j < len(sc.toks) && sc.isWord(j, "code") {
		j++
	} else if sc.isWord(i, "postal") || sc.isWord(i, "post") {
		return 0, 0, false
	}
	if j < len(sc.toks) && sc.isWord(j, "is") {
		j++
	}
	if j >= len(sc.toks) || sc.toks[j].f&tDigit == 0 || sc.toks[j].f&tASCII == 0 || !codeGap(sc.text[sc.toks[j-1].e:sc.toks[j].s]) {
		return 0, 0, false
	}
	e := j
	if j+1 < len(sc.toks) && (sc.gap(j) == " " || sc.gap(j) == "-") && sc.toks[j+1].f&tASCII != 0 && sc.toks[j+1].e-sc.toks[j+1].s <= 4 &&
		(sc.toks[j+1].f&tDigit != 0 || sc.toks[j+1].f&tUpper != 0) {
		e = j + 1 // "281 63", "02-792", "M5V 2T6", "1012 AB"
	}
	if l := sc.toks[e].e - sc.toks[j].s; l < 3 || l > 10 {
		return 0, 0, false
	}
	return j, e, true
}

// hasAddressHint is a cheap pre-check: every core has a digit or a street
// ending, so a text with no digit is scanned only for street endings and
// prefix words.
func hasAddressHint(sc *scan) bool {
	for _, t := range sc.toks {
		if t.f&tDigit != 0 {
			return true
		}
	}
	return false
}

// core finds an address core starting at token i and returns its first and
// last token.
func (r *addressRecognizer) core(sc *scan, i int) (int, int, bool) {
	n := len(sc.toks)
	tk := sc.toks[i]
	if tk.f&tDigit == 0 && !sc.has(i, bAddrOpen|bAddrSite) && !(i+1 < n && sc.toks[i+1].f&tDigit != 0) {
		return 0, 0, false // every core opens with a number, an address word, or a word before a number
	}
	w := r.aw(sc, i)
	// A unit or box word and its number: "Apt. 595", "PO Box 4471".
	if w&(awUnit|awBox) != 0 && (sc.toks[i].f&tCap != 0 || w&awUnitLow != 0) {
		j := i
		if r.inSentence(sc, j) && j+1 < n {
			k := j + 1
			if sc.toks[k].e-sc.toks[k].s == 1 && sc.alpha(k) && sc.gap(k) == "-" && sc.num(k+1) { // "B-204"
				k++
			}
			if e := sc.numGroup(k); e >= 0 && !r.unitIsQuantity(sc, i, e) {
				return i, e, true
			}
		}
	}
	// A hospital ward or a motorway junction by number, any case: "Ward
	// 7", "ward 4B", "Junction 27".
	if w&awSite != 0 && sc.spaced(i) {
		if e := sc.numGroup(i + 1); e >= 0 {
			return i, e, true
		}
	}
	// A road number with a road context: "the A64", "on the M62", "A61
	// northbound", "M1 junction 5".
	if r.roadNumber(sc, i) {
		return i, i, true
	}
	// "PO Box", "P.O. Box", "Locked Bag", "Rural Route".
	if (sc.isWord(i, "po") || sc.isWord(i, "p") || sc.isWord(i, "locked") || sc.isWord(i, "rural") || sc.isWord(i, "private")) && sc.toks[i].f&tCap != 0 {
		k := i + 1
		if sc.isWord(i, "p") && sc.isWord(k, "o") {
			k++
		}
		if k < n && (sc.isWord(k, "box") || sc.isWord(k, "bag") || sc.isWord(k, "route")) && r.inSentence(sc, k-1) && r.inSentence(sc, k) {
			if e := sc.numGroup(k + 1); e >= 0 {
				return i, e, true
			}
		}
	}
	// A numbered street: "14th st", "5th Ave", "42nd Street"; "the 3rd
	// road on the left" is directions.
	if sc.num(i) && hasOrdinal(sc, i) && isDigit(sc.text[tk.s]) && i+1 < n && sc.spaced(i) && r.aw(sc, i+1)&awStreet != 0 &&
		(sc.toks[i+1].f&tCap != 0 || streetAbbrevs[string(sc.lw(i+1))]) {
		saint := sc.isWord(i+1, "st") && i+2 < n && sc.spaced(i+1) && sc.alpha(i+2) && sc.lex(i+2).nf&nFirst != 0 // "1st st patrick's day"
		if p := sc.prevWord(i); (p < 0 || !sc.isWord(p, "the")) && !saint {
			return i, i + 1, true
		}
	}
	// A house number before a street: "1600 Pennsylvania Ave", "12 rue des
	// Lilas", "45 Kloof Street", "88 Nguyen Hue Boulevard".
	if e := sc.numGroup(i); e >= 0 && sc.toks[i].e-sc.toks[i].s <= 6 && !dateGroup(sc, i, e) && !r.quantityBefore(sc, i) {
		k := e
		if k+1 < n && r.aw(sc, k+1)&awNumSuffix != 0 && sc.spaced(k) && sc.toks[k+1].e-sc.toks[k+1].s > 1 { // "8 bis"
			k++
		}
		if k+1 < n && sc.spaced(k) {
			if end, ok := r.streetAfterNumber(sc, k+1); ok {
				return i, end, true
			}
		}
		// French and Belgian write a comma after the number: "2, rue
		// Tessier", "504, avenue Joséphine Reynaud"; so does India, before
		// a street with its street word: "18, Ganesh Chowk".
		if k+1 < n && sc.gap(k) == ", " {
			if end, ok := r.streetAfterNumber(sc, k+1); ok && (r.aw(sc, k+1)&awPrefixAlone != 0 || r.aw(sc, end)&awStreet != 0 && end > k+1) {
				return i, end, true
			}
		}
		// Block-and-lot: "2-11-3 Meguro".
		if e >= i+2 && k+1 < n && sc.spaced(k) && r.nameWord(sc, k+1) && sc.toks[k+1].f&tCap != 0 {
			return i, k + 1, true
		}
	}
	// Military mail: "FPO AA 17305", "APO AE 09128", "DPO AP 96522".
	if w&awState != 0 && len(sc.lw(i)) == 3 && sc.toks[i].f&tUpper != 0 && sc.spaced(i) && r.aw(sc, i+1)&awState != 0 && sc.toks[i+1].f&tUpper != 0 && sc.spaced(i+1) {
		if e := sc.numGroup(i + 2); e >= 0 {
			return i, e, true
		}
	}
	// A street word before the name: "Via Franscini 71", "ul. Długa 5/7",
	// with the capitalised words before it ("Gran Vía 28").
	if w&awPrefix != 0 && (sc.toks[i].f&tCap != 0 || r.dotted(sc, i)) {
		// A numbered street and the house number after "#" or "N°", as
		// Colombia and Argentina write them: "Carrera 59 # 85-1", "Calle
		// 6 N° 951", "Cl. 185 # 3-94".
		if e := sc.numGroup(i + 1); e >= 0 && r.inSentence(sc, i) && e+1 < n {
			if strings.TrimSpace(sc.gap(e)) == "#" {
				if e2 := sc.numGroup(e + 1); e2 >= 0 {
					return i, e2, true
				}
			}
			if numberSign(sc, e+1) {
				return i, sc.numGroup(e + 2), true
			}
		}
		if end, ok := r.prefixStreet(sc, i); ok {
			return r.namesBefore(sc, i), end, true
		}
		if st := r.namesBefore(sc, i); st < i && sc.spaced(i) {
			if e := sc.numGroup(i + 1); e >= 0 {
				return st, e, true // "Gran Vía 28"
			}
		}
	}
	// Name words, a street word, a house number, as much of Europe writes
	// them: "Karl Johans gate 22", "Sankt Annæ Plads 13", "Beach Road 5".
	// The street word may close a hyphenated name: "Nelly-Schmid-Straße 22".
	if w&awStreet != 0 && i > 0 && (sc.spaced(i-1) || sc.gap(i-1) == "-" && sc.toks[i].f&tCap != 0) && r.nameWord(sc, i-1) &&
		(sc.spaced(i) || sc.gap(i) == ". " && dottedOnly[string(sc.lw(i))]) { // "Király u. 79."
		if e := sc.numGroup(i + 1); e >= 0 && !r.countAfter(sc, e) {
			return r.namesBefore(sc, i), e, true
		}
	}
	// A one-word street with a street ending: "Hauptstraße 5".
	if r.streetEnding(sc, i) && i+1 < n && (sc.gap(i) == " " || sc.gap(i) == ". " && hasSuffix(sc.lw(i), "str")) {
		if e := sc.numGroup(i + 1); e >= 0 {
			return i, e, true
		}
	}
	// A name, a house number and a unit with its number: "Las Hortensias
	// 7257 Dpto. 38", "Privada Sur Olivo 179 Edif. 792", "Tržaška cesta 0c,
	// Apt. 199". Two numbers, the second after a unit word, are an address
	// whatever the street is called.
	if sc.toks[i].f&tCap != 0 && sc.alpha(i) && !sc.sentStart(i) && sc.lex(i).wc != wCommon && i+1 < n && sc.spaced(i) {
		if e := sc.numGroup(i + 1); e >= 0 && e+2 < n && !yearLike(sc, i+1) && (sc.spaced(e) || strings.TrimSpace(sc.gap(e)) == ",") {
			if u := r.aw(sc, e+1); u&(awUnit|awUnitAfter|awBox) != 0 && sc.toks[e+1].f&tCap != 0 && r.inSentence(sc, e+1) && sc.num(e+2) {
				return r.namesBefore(sc, i), e, true
			}
		}
	}
	// A name, a house number and a continental postcode: "Meir 78, 2000
	// Antwerpen".
	if sc.toks[i].f&tCap != 0 && sc.alpha(i) && (!sc.sentStart(i) || sc.lex(i).wc == wNone) && sc.lex(i).wc != wCommon && !sc.has(i, bMonth) && i+1 < n && sc.spaced(i) {
		if e := sc.numGroup(i + 1); e >= 0 && e+1 < n && strings.TrimSpace(sc.gap(e)) == "," && r.postcodeAt(sc, e+1) {
			return r.namesBefore(sc, i), e, true // "Unter den Linden 77, 10117 Berlin"
		}
	}
	return 0, 0, false
}

// streetAbbrevs are street words abbreviated, a street's in any case.
var streetAbbrevs = words(`st rd ave av blvd ln`)

// dotted reports whether token i is an abbreviation followed by a full
// stop: "ul.", "al.", "str.".
func (r *addressRecognizer) dotted(sc *scan, i int) bool {
	return i+1 < len(sc.toks) && strings.HasPrefix(sc.gap(i), ".")
}

// unitIsQuantity rejects a unit word used as a count or a rank: "level 3
// anxiety" is not an address, "Level 3, 100 George St" is; "no 1 fan".
func (r *addressRecognizer) unitIsQuantity(sc *scan, i, e int) bool {
	if fieldNumber(sc, i) {
		return true
	}
	if r.aw(sc, i)&awUnitLow != 0 || r.aw(sc, i)&awBox != 0 {
		return false
	}
	// An ambiguous unit word needs its capital and an address after it or
	// before it: a comma, another number, a capitalised word.
	if sc.toks[i].f&tCap == 0 {
		return true
	}
	k := e + 1
	if k >= len(sc.toks) {
		return sc.isWord(i, "no") || sc.isWord(i, "level") || sc.isWord(i, "floor") || sc.isWord(i, "phase") || sc.isWord(i, "extension") || sc.isWord(i, "stand")
	}
	g := strings.TrimSpace(sc.gap(e))
	if g == "," || g == "#" {
		return false
	}
	if sc.num(k) || (sc.toks[k].f&tCap != 0 && sc.alpha(k)) || r.aw(sc, k)&(awBox|awUnit) != 0 {
		return false
	}
	return true
}

// fieldNumber reports whether the "No" at token i labels a record's
// number, not a house's: a kind of number before it ("NHS No: 943 476
// 5919", "Ref No 5521", "Tel No.") or nothing before it on its line ("No:
// 4471"). After a street it is the house's: "İstiklal Caddesi No: 123".
func fieldNumber(sc *scan, i int) bool {
	if !sc.isWord(i, "no") {
		return false
	}
	p := i - 1
	if p < 0 || strings.ContainsRune(sc.gap(p), '\n') {
		return strings.HasPrefix(strings.TrimSpace(sc.gap(i)), ":")
	}
	return sc.alpha(p) && strings.TrimSpace(sc.gap(p)) == "" && (sc.toks[p].f&tUpper != 0 || numberKinds[string(sc.lw(p))])
}

// numberKinds name the number a "No" after them labels.
var numberKinds = words(`ref reference case tel telephone phone mobile fax account acct policy patient hospital
	id reg registration serial invoice order claim member membership staff employee passport licence license
	contact unit record file`)

// quantityBefore reports whether the number at token i counts something a
// street word could follow in talk ("for 2 hours down the road" does not
// reach here; "at 10 the street" has "the"). Kept as a hook: numbers
// before a capitalised or street word are taken.
func (r *addressRecognizer) quantityBefore(sc *scan, i int) bool {
	p := sc.prevWord(i)
	if p < 0 {
		return false
	}
	return sc.isWord(p, "the") || sc.isWord(p, "of") || sc.isWord(p, "than") || sc.isWord(p, "about")
}

// streetAfterNumber matches the street after a house number starting at
// token k: up to four name words and a street word ("Pennsylvania Ave",
// "Kloof Street"), or a prefix street word and its name ("rue des Lilas",
// "Đường Lê Lợi"), or a word with a street ending ("Banpo-daero").
func (r *addressRecognizer) streetAfterNumber(sc *scan, k int) (int, bool) {
	n := len(sc.toks)
	// Italian writes the number after "Via" ("Via Roma 12"): a number
	// before a lower-case "via" is English ("on 12/06 via Zoom").
	if r.aw(sc, k)&awPrefix != 0 && sc.raw(k) != "via" {
		end := k
		for j := k + 1; j < n && j <= k+5 && (sc.spaced(j-1) || sc.gap(j-1) == "-"); j++ {
			if r.nameWord(sc, j) {
				end = j
				continue
			}
			if r.aw(sc, j)&awJoin != 0 {
				continue
			}
			break
		}
		if end > k {
			return end, true
		}
	}
	words := 0
	for j := k; j < n && j <= k+4; j++ {
		if j > k && !(sc.spaced(j-1) || sc.gap(j-1) == "-") {
			break
		}
		aw := r.aw(sc, j)
		// A USPS-style type that is also an everyday word ("Point",
		// "Course", "Falls") closes a street only with its capital, after
		// a plain house number and a name that is no everyday word: not
		// "5000th Daily Point", "2 Mars mission", "a 7 Day Course".
		if words > 0 && (aw&awStreet != 0 || aw&awSuffix != 0 && sc.toks[j].f&tCap != 0 && !(k > 0 && sc.num(k-1) && hasOrdinal(sc, k-1)) && r.unusualWord(sc, k, j)) {
			end := j
			if j+1 < n && sc.spaced(j) && r.aw(sc, j+1)&awDir != 0 && sc.toks[j+1].f&tUpper != 0 {
				end = j + 1 // "Ave NW"
			}
			return end, true
		}
		if words > 0 && r.streetEnding(sc, j) {
			return j, true
		}
		if r.nameWord(sc, j) && aw&awUnit == 0 {
			if words == 0 && r.streetEnding(sc, j) {
				return j, true
			}
			words++
			continue
		}
		if aw&awDir != 0 && sc.toks[j].f&tCap != 0 {
			words++ // "West 57th Street"
			continue
		}
		if sc.num(j) && words > 0 || (sc.num(j) && j == k && hasOrdinal(sc, j)) {
			words++ // "57th"
			continue
		}
		if words > 0 && aw&awJoin != 0 {
			continue
		}
		break
	}
	return 0, false
}

// monthAfter reports whether the word after token k is a month: the
// number opens a date, not a postcode.
func monthAfter(sc *scan, k int) bool {
	j := sc.nextWord(k)
	return j >= 0 && sc.alpha(j) && sc.has(j, bMonth)
}

// yearLike reports whether token k is four digits from 1900 to 2099.
func yearLike(sc *scan, k int) bool {
	t := sc.toks[k]
	if t.e-t.s != 4 || t.f&tAlpha != 0 {
		return false
	}
	y := sc.text[t.s:t.e]
	return y[:2] == "19" || y[:2] == "20"
}

// hasOrdinal reports whether number token j ends in an ordinal suffix:
// "57th", "3rd".
func hasOrdinal(sc *scan, j int) bool {
	w := sc.lw(j)
	return hasSuffix(w, "th") || hasSuffix(w, "st") || hasSuffix(w, "nd") || hasSuffix(w, "rd")
}

// prefixStreet matches a street opened by a prefix street word at token i:
// up to five name words or connectives, then a house number ("Via
// Franscini 71", "Rue de la Loi 155", "Jalan Sudirman Kav. 52"), or, for an
// unambiguous prefix, the name alone ("Chemin des Vignes").
func (r *addressRecognizer) prefixStreet(sc *scan, i int) (int, bool) {
	n := len(sc.toks)
	end, names, first := i, 0, -1
	for j := i + 1; j < n && j <= i+6; j++ {
		if !r.inSentence(sc, j-1) {
			break
		}
		if strings.Contains(sc.gap(j-1), ",") {
			// The house number after a comma: "Rua das Flores, 123",
			// "Calle Mayor, 5".
			if e := sc.numGroup(j); e >= 0 && names > 0 && sc.toks[j].f&tAlpha == 0 && sc.toks[first].f&tCap != 0 {
				return e, true
			}
			if names > 0 && r.aw(sc, j)&awUnit != 0 && sc.num(j+1) && sc.toks[first].f&tCap != 0 {
				return end, true // "ул. Тверская, д. 7": the house after its word
			}
			break
		}
		if e := sc.numGroup(j); e >= 0 && names > 0 {
			return e, true
		}
		if r.aw(sc, j)&awUnit != 0 && names > 0 && sc.num(j+1) { // "Kav. 52"
			return sc.numGroup(j + 1), true
		}
		if r.aw(sc, j)&awJoin != 0 && sc.toks[j].f&tCap == 0 && names < 4 {
			continue // "das", "de la": a connective, even where no English word
		}
		if r.nameWord(sc, j) {
			if first < 0 {
				first = j
			}
			names++
			end = j
			continue
		}
		if r.aw(sc, j)&awJoin != 0 && names < 4 {
			continue
		}
		break
	}
	// The name's first word carries the capital: "Rua das Flores".
	if names > 0 && r.aw(sc, i)&awPrefixAlone != 0 && sc.toks[i].f&tCap != 0 && sc.toks[first].f&tCap != 0 {
		return end, true
	}
	return 0, false
}

// postcodeAt reports whether a postcode-like group starts at token k: four
// to six digits, maybe with a letter pair ("1012 LM"), or digits with a
// hyphen ("90-926", "1100-053").
func (r *addressRecognizer) postcodeAt(sc *scan, k int) bool {
	if k >= len(sc.toks) {
		return false
	}
	if eircode(sc, k) || dutchPostcode(sc, k) {
		return true
	}
	if letterPostcode(sc, k) {
		return true
	}
	l := sc.toks[k].e - sc.toks[k].s
	if sc.toks[k].f&tAlpha != 0 || sc.toks[k].f&tDigit == 0 {
		return false
	}
	if l >= 4 && l <= 6 {
		return true
	}
	if l == 3 && sc.gap(k) == " " && k+1 < len(sc.toks) && sc.toks[k+1].f&tAlpha == 0 && sc.toks[k+1].e-sc.toks[k+1].s == 2 {
		return true // Czechia, Slovakia, Sweden, Greece: "440 91"
	}
	return l >= 2 && l <= 4 && sc.gap(k) == "-" && k+1 < len(sc.toks) && sc.toks[k+1].f&tAlpha == 0
}

// clockTime reports whether number token k is the hour of a time, "10:30"
// or "9.15am".
func clockTime(sc *scan, k int) bool {
	if k+1 >= len(sc.toks) || sc.toks[k].f&tAlpha != 0 || sc.toks[k].e-sc.toks[k].s > 2 || sc.toks[k+1].f&tDigit == 0 {
		return false
	}
	g := sc.gap(k)
	return g == ":" || g == "." && sc.toks[k+1].e-sc.toks[k+1].s >= 2 && sc.toks[k+1].f&tAlpha != 0 && strings.HasSuffix(sc.raw(k+1), "m")
}

// letterPostcode reports whether tokens k and k+1 are a postcode behind a
// country letter, as Hungary writes them: "H-6406".
func letterPostcode(sc *scan, k int) bool {
	return sc.toks[k].e-sc.toks[k].s == 1 && isUpperASCII(sc.text[sc.toks[k].s]) && sc.gap(k) == "-" && k+1 < len(sc.toks) &&
		sc.toks[k+1].f&tAlpha == 0 && sc.toks[k+1].e-sc.toks[k+1].s == 4
}

// dutchPostcode reports whether token k is a Dutch postcode written
// without its space: four digits and two capitals, "4480VH".
func dutchPostcode(sc *scan, k int) bool {
	w := sc.text[sc.toks[k].s:sc.toks[k].e]
	if len(w) != 6 || !isUpperASCII(w[4]) || !isUpperASCII(w[5]) {
		return false
	}
	for i := 0; i < 4; i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return w[0] != '0'
}

// extend grows an address ending at token e over what follows it in the
// same address: units, numbers, postcodes, capitalised place words, state
// and military codes, compass points. It stops at a lower-case ordinary
// word, a sentence end or a line break. With placeOnly, e ends a place
// name rather than an address core, and words are taken only once a
// number has shown that an address goes on ("Rosario 2000, Santa Fe"):
// a place in a title-case headline is not followed by more place.
func (r *addressRecognizer) extend(sc *scan, e int, placeOnly bool) int {
	n := len(sc.toks)
	opened := !placeOnly // an address core, not a place name, comes before
	for e+1 < n && r.inSentence(sc, e) {
		k := e + 1
		g := sc.gap(e)
		comma := strings.Contains(g, ",")
		aw := r.aw(sc, k)
		if fieldLabels[string(sc.lw(k))] && sc.toks[k].f&tUpper == 0 {
			return e // "10115 Berlin, Tel. +49 ...": the next field
		}
		if placeOnly && sc.toks[k].f&tDigit == 0 && aw&(awUnit|awBox) == 0 && !numberSign(sc, k) && !(comma && letterPostcode(sc, k)) {
			// Before any number only a state or country code set off by
			// a comma, slash or bracket, and not running on into a
			// sentence: "Santos / SP", "Brumano (BG)", not "Leeds, OMG it".
			if stateCode(sc, k) && (comma || strings.ContainsAny(g, "/(")) && !(k+1 < len(sc.toks) && sc.spaced(k) && sc.alpha(k+1) && sc.toks[k+1].f&tCap == 0) {
				e = k
				continue
			}
			return e
		}
		if placeOnly && sc.toks[k].f&tDigit != 0 && (hasOrdinal(sc, k) || !comma && yearLike(sc, k) || monthAfter(sc, k)) {
			return e // "London 8th April", "Live in Stockholm 2012", "Iceland, 24 April 1952": a date
		}
		if placeOnly && (sc.toks[k].f&tDigit != 0 || aw&(awUnit|awBox) != 0 || numberSign(sc, k) || letterPostcode(sc, k)) {
			placeOnly = false
			if aw&(awUnit|awBox) != 0 && !(sc.num(k+1) && r.inSentence(sc, k)) {
				return e
			}
		}
		switch {
		case numberSign(sc, k) && sc.toks[e].f&tDigit == 0:
			e = sc.numGroup(k + 1) // "Güemes N° 74"
		case sc.toks[k].f&tDigit != 0 && sc.toks[k].e-sc.toks[k].s <= 10 && clockTime(sc, k):
			return e // "Aire Court CMHT, 10:30": a time, not a house number
		case sc.toks[k].f&tDigit != 0 && sc.toks[k].e-sc.toks[k].s <= 10:
			// A number, postcode or unit: "10115", "M5R", "12/F", "#08-45".
			if !comma && sc.toks[k].f&tAlpha == 0 && !(r.postcodeAt(sc, k) || sc.num(k)) {
				return e
			}
			// "for 3 weeks" counts; "M5V 2T6 thanks" and "VIC 3065 last
			// year" end an address with a postcode, and so does a number
			// of five digits or more, or of four inside an address the
			// grammar opened ("Dhaka 1205 is", "Moscow 119002 now").
			last := k
			if g := sc.numGroup(k); g > k {
				last = g // "01310-200"
			}
			l := sc.toks[k].e - sc.toks[k].s
			if comma && l == 3 && last == k && sc.gap(k) == " " && k+1 < n && sc.toks[k+1].f&tAlpha == 0 && sc.toks[k+1].e-sc.toks[k+1].s == 2 {
				last = k + 1 // Czechia, Slovakia, Sweden, Greece: ", 281 63"
			}
			postcode := l >= 5 || l == 4 && opened && !yearLike(sc, k)
			if sc.toks[k].f&tAlpha == 0 && !stateCode(sc, e) && (!comma && !postcode || l <= 3) && r.countAfter(sc, last) &&
				!(comma && l == 3 && prepositionsAfter[string(sc.lw(sc.nextWord(last)))]) && !(comma && last > k && r.postcodeAt(sc, k)) {
				return e // "for 3 weeks", "Oak Rd, 10 mins away"
			}
			e = last
		case aw&(awUnit|awBox|awUnitAfter) != 0 && sc.num(k+1) && r.inSentence(sc, k):
			e = sc.numGroup(k + 1)
		case (sc.isWord(k, "po") || sc.isWord(k, "p")) && k+1 < n && (sc.isWord(k+1, "box") || sc.isWord(k+1, "o")):
			e = k + 1
		case aw&awNumSuffix != 0 && sc.toks[e].f&tDigit != 0 && sc.spaced(e) && sc.toks[k].e-sc.toks[k].s > 1:
			e = k // "158 bis"
		case (aw&(awState|awDir) != 0 || sc.toks[k].e-sc.toks[k].s <= 3) && sc.toks[k].f&tUpper != 0 && sc.alpha(k):
			e = k // "CA", "NSW", "NW", "DPO AE", "TP"
		case sc.alpha(k) && sc.toks[k].f&tCap != 0 && !sc.isWord(k, "i") && (comma || sc.lex(k).wc != wCommon || r.placeWordAfter(sc, e)):
			e = k
		case sc.alpha(k) && (aw&(awUnit|awStreet) != 0 || aw&awPrefix != 0 && k+1 < n && sc.spaced(k) && (sc.num(k+1) || r.nameWord(sc, k+1)) || (aw&awJoin != 0 && (sc.toks[e].f&tCap != 0 || r.aw(sc, e)&(awJoin|awPrefix) != 0) && r.joinsName(sc, k))) && !comma && sc.toks[e].f&tAlpha != 0:
			e = k // "Meguro-ku", "kv", "de", "am Albis", "an der Ybbs"
		case sc.alpha(k) && (aw&(awAdmin|awPrefixAlone) != 0 || aw&awPrefix != 0 && !comma) && sc.spaced(k) && k+1 < n &&
			(sc.num(k+1) || r.nameWord(sc, k+1) && sc.toks[k+1].f&tCap != 0 || r.aw(sc, k+1)&(awAdmin|awPrefix|awJoin) != 0):
			e = k // "88 đường Ngô Quyền", ", phường Bình Minh", "thành phố Hà Nội", "Apt. 917, rue de Duvanel"
		case sc.alpha(k) && sc.gap(e) == "-" && utf8.RuneCountInString(sc.text[sc.toks[k].s:sc.toks[k].e]) <= 4:
			e = k // "Shibuya-ku", "Banpo-daero"
		default:
			return e
		}
	}
	return e
}

// segmentsBefore returns the first token of the address lines written
// before token k in the same sentence, each ended by a comma: "Studio 1,
// Katy Squares, North Gemma, CV21 6BG", "Rudoltická 1, 588 42 Nejdek",
// "USNS Clay, FPO AA 17305". A line counts when it holds a unit, street or
// district word, or, with numbers (k opens a postcode, a numbered address
// or a street), a number; with town (k opens a postcode) the line just
// before k may also be capitalised words alone, the town. It returns k
// when no line comes before.
func (r *addressRecognizer) segmentsBefore(sc *scan, k int, town, numbers bool, spans []Span) int {
	start := k
	for line := 0; line < 4; line++ {
		j := start - 1
		if j < 0 || placeAt(spans, sc.toks[j].s) {
			return start // a place before the comma widens itself
		}
		g := sc.gap(j)
		byBreak := lineBreak(g)
		if !byBreak && (strings.TrimSpace(g) != "," || !r.inSentence(sc, j)) {
			return start
		}
		first, street, marked := -1, -1, false
		// Without a postcode or house number after, a number alone ("in
		// 2019, Leeds", "aged 18, Leeds") marks no address line.
		numMarks := numbers
		for t := j; t >= 0 && t >= j-6; t-- {
			if t < j && (!r.inSentence(sc, t) || strings.Contains(sc.gap(t), ",")) {
				break // the line starts after a comma or a line break
			}
			aw := r.aw(sc, t)
			if lineStops[string(sc.lw(t))] || sc.sentStart(t) && sc.lex(t).wc == wCommon && aw == 0 {
				break // "MOVED TO 4783 Bay Rd", "About 1, 400"
			}
			switch {
			case sc.toks[t].f&tDigit != 0 && sc.toks[t].e-sc.toks[t].s <= 10 && !yearLike(sc, t) && !hasOrdinal(sc, t):
				marked = marked || numMarks
			case sc.alpha(t) && aw&(awUnit|awUnitAfter|awBox) != 0 && t < j && sc.num(t+1) && sc.toks[t].f&tCap != 0,
				sc.alpha(t) && aw&(awPrefix|awAdmin) != 0 && t < j:
				marked = true // "Studio 1", "Apt. 552", "phường Bình Minh"
			case sc.alpha(t) && aw&(awStreet|awSuffix) != 0 && sc.toks[t].f&tCap != 0:
				street = t // "Katy Squares": a street word after a name
			case sc.alpha(t) && sc.toks[t].f&tCap != 0 && !sc.isWord(t, "i") && !sc.has(t, bFunction|bPronoun|bTitle):
			case aw&awJoin != 0 && t < j:
			default:
				t = -1 // a lower-case word ends the line before it
				continue
			}
			first = t
			if sc.sentStart(t) {
				break
			}
		}
		for first >= 0 && first < j && r.aw(sc, first)&awJoin != 0 && sc.toks[first].f&tCap == 0 {
			first++
		}
		if first == j && sc.toks[j].f&tAlpha == 0 && sc.toks[j].e-sc.toks[j].s <= 3 && sc.toks[start].e-sc.toks[start].s == 3 && sc.toks[start].f&tAlpha == 0 {
			return start // "1, 400": a thousands separator
		}
		// "Na Staré Vinici 200, Týnec": a name and its house number.
		marked = marked || first >= 0 && street > first && (r.aw(sc, street)&awStreet != 0 || r.unusualWord(sc, first, street)) ||
			first >= 0 && first < j && sc.num(j) && !yearLike(sc, j) && sc.alpha(first) && (sc.lex(first).wc != wCommon || !sc.sentStart(first))
		if first < 0 || !marked && !(line == 0 && town) {
			return start
		}
		// A line of an address written one line under another must be
		// all address: "Studio 54f\nRichardson Groves\nCooperfort\nDD8 4GQ",
		// not "see you at\nLS6 2AB".
		before := ""
		if first > 0 {
			before = sc.gap(first - 1)
		}
		if byBreak && first > 0 && !lineBreak(before) {
			return start
		}
		start = first
		if first == 0 || !lineBreak(before) && (strings.TrimSpace(before) != "," || !r.inSentence(sc, first-1)) {
			return start
		}
	}
	return start
}

// lineBreak reports whether gap g is a line break, with spaces around it.
func lineBreak(g string) bool {
	return strings.IndexByte(g, '\n') >= 0 && strings.TrimSpace(g) == ""
}

// streetTitles are the abbreviated titles of the people streets are named
// after, written with a full stop inside the street's name: "Jl. Jend.
// Sudirman", "Av. Gral. Paz", "Calle Prof. Waksman".
var streetTitles = words(`jend gral prof mgr pdte cnel tte lic arq ing kol letkol`)

// dotAbbrevs are address abbreviations of four letters or more that keep
// their vowels: "Diag. Güemes", "Depto. 718", "Edif. 792".
var dotAbbrevs = words(`diag psje depto dpto apto edif ofic avda apts appt cres expy calz prol priv bloq fracc cond carr trav estr`)

// hasVowel reports whether an ASCII word has a vowel: "blvd", "bldg" and
// "pkwy" have none, so they are abbreviations.
func hasVowel(w string) bool {
	return strings.ContainsAny(w, "aeiou")
}

// lineStops are words that end an address line read backwards: the
// sentence around an address, "moved to", "lives at".
var lineStops = words(`to from at on about around near by for with into onto and or but is was are were has have
	had moved move live lives living lived`)

// unitsBefore returns the first token of the units written just before
// token k, the first of a place or address ("Bl. 14  Sc. 86 Ap. 256,
// Bulevardul Pop", "3347 Unit E Moonstone Street"), or k: each a
// capitalised unit word and its number or letter, and the house number
// before them.
func (r *addressRecognizer) unitsBefore(sc *scan, k int) int {
	for {
		p := k // the unit's number: the first token, or the one before it
		if !(r.unitNumber(sc, p) && p > 0 && r.unitWord(sc, p-1)) {
			p = k - 1
			if p < 1 || !sc.spaced(p) || !r.unitNumber(sc, p) || !r.unitWord(sc, p-1) {
				return k
			}
		}
		k = p - 1
		if j := k - 1; j >= 0 && sc.spaced(j) && sc.num(j) {
			k = j // the house number, or the number of the unit before
		}
	}
}

// unitWord reports whether token i is a capitalised unit word in the
// same address line as the token after it: "Apt.", "Unit", "Sc.".
func (r *addressRecognizer) unitWord(sc *scan, i int) bool {
	return r.aw(sc, i)&(awUnit|awUnitAfter|awBox) != 0 && sc.toks[i].f&tCap != 0 && r.inSentence(sc, i) && !strings.Contains(sc.gap(i), ",")
}

// unitNumber reports whether token i numbers a unit: digits ("256",
// "12a") or one capital letter ("Unit E").
func (r *addressRecognizer) unitNumber(sc *scan, i int) bool {
	return sc.num(i) || sc.toks[i].e-sc.toks[i].s == 1 && isUpperASCII(sc.text[sc.toks[i].s])
}

// eircode reports whether token k is an Irish Eircode, with or without
// its space: a routing key (a letter and two digits, or "D6W") and a
// four-character identifier, "A65 F4E2", "D02X285".
func eircode(sc *scan, k int) bool {
	w := sc.text[sc.toks[k].s:sc.toks[k].e]
	if len(w) == 3 && k+1 < len(sc.toks) && sc.gap(k) == " " {
		w += sc.text[sc.toks[k+1].s:sc.toks[k+1].e]
	}
	if len(w) != 7 || !isUpperASCII(w[0]) || !isDigit(w[1]) || !(isDigit(w[2]) || w[:3] == "D6W") {
		return false
	}
	for i := 3; i < 7; i++ {
		if !isDigit(w[i]) && !isUpperASCII(w[i]) {
			return false
		}
	}
	return true
}

// joinsName reports whether the connectives from token k lead to a
// capitalised word of the same name: "am Albis", "an der Ybbs", "en Donk".
func (r *addressRecognizer) joinsName(sc *scan, k int) bool {
	for j := k; j < len(sc.toks) && j <= k+2 && sc.spaced(j); j++ {
		if sc.toks[j+1].f&tCap != 0 && sc.alpha(j+1) {
			return true
		}
		if r.aw(sc, j+1)&awJoin == 0 {
			return false
		}
	}
	return false
}

// closeBracket returns end, or one byte further when text[start:end]
// opens a bracket that the next byte closes: "Brumano (BG)" is replaced
// whole, not leaving ")" behind.
func closeBracket(text string, start, end int) int {
	if end < len(text) && text[end] == ')' && strings.Count(text[start:end], "(") > strings.Count(text[start:end], ")") {
		return end + 1
	}
	return end
}

// numberSign reports whether tokens k and k+1 are the number sign of
// Spanish, Italian and Portuguese addresses, "N°" or "Nº" (the sign is no
// token: it sits in the gap after "N"), followed by a number: "Diag.
// Güemes N° 74".
func numberSign(sc *scan, k int) bool {
	if k+1 >= len(sc.toks) || !sc.isWord(k, "n") {
		return false
	}
	g := strings.TrimRight(sc.gap(k), " ")
	return (g == "°" || g == "º") && sc.num(k+1)
}

// stateCode reports whether token e is a state or province code in
// capitals ("VIC", "ON", "NSW", "SP"), after which a number is a postcode.
func stateCode(sc *scan, e int) bool {
	l := sc.toks[e].e - sc.toks[e].s
	return l >= 2 && l <= 3 && sc.alpha(e) && sc.toks[e].f&tUpper != 0
}

// placeWordAfter reports whether the capitalised token after e continues a
// place name: the token at e is a capitalised word or a number.
func (r *addressRecognizer) placeWordAfter(sc *scan, e int) bool {
	return sc.toks[e].f&(tCap|tDigit) != 0
}

// countAfter reports whether the number at token k counts what follows it
// ("for 3 weeks") rather than continuing an address.
func (r *addressRecognizer) countAfter(sc *scan, k int) bool {
	if !sc.spaced(k) {
		return false // "Thorseneggen 2, near the station": the comma ends the address
	}
	j := sc.nextWord(k)
	if j >= 0 && (sc.isWord(j, "in") || sc.isWord(j, "near")) && sc.spaced(j) && j+1 < len(sc.toks) && sc.alpha(j+1) && sc.toks[j+1].f&tCap != 0 {
		return false // "Tveitlyngen 3 in Jennydal": the town the street is in
	}
	return j >= 0 && sc.alpha(j) && sc.toks[j].f&tCap == 0 && r.aw(sc, j) == 0 && (sc.lex(j).wc != wNone || countedShort[string(sc.lw(j))]) && !uncounted[string(sc.lw(j))]
}

// countedShort are the short units chat counts in ("10 mins away").
var countedShort = words(`mins min hrs hr secs sec wks wk yrs yr mths mth kms km mls`)

// uncounted words follow a number without being what it counts: the
// number ends an address ("Praha 1 now", "Wien 3 is where").
var uncounted = words(`now then is was are were and or but please thanks thank today tomorrow yesterday tonight so
	too also if when where which who that since as`)

// prepositionsAfter follow the postcode that ends an address in a
// sentence ("Siglufjörður, 580 after the concert", "Lesy, 281 63 for this
// card"); a number set off by a comma and followed by one is a postcode,
// and so is a grouped one whatever follows ("Olsztyn, 10-630 in case").
var prepositionsAfter = words(`after before for at on to from with by until till in`)

// roadCuesAfter follow a road number: "A64 northbound", "M62 junction 27".
var roadCuesAfter = words(`northbound southbound eastbound westbound junction jct j road roadworks traffic
	towards near into exit slip services bridge roundabout`)

// roadTail are words that may follow a road number in a sentence about
// the road: "on the M62 and", "up the A1 again".
var roadTail = words(`and or but was is were near at for again today yesterday tonight all every when because with home back`)

// roadCuesBefore come before one: "the A64", "off the M1", "via the A1(M)".
var roadCuesBefore = words(`the on off along via up down took take taking onto`)

// roadNumber reports whether token i is a British road number (A, B or M
// and one to four digits: "A64", "M62", "B6265") in a road context. On its
// own "A4" is paper and "B12" a vitamin, so a cue word is required.
func (r *addressRecognizer) roadNumber(sc *scan, i int) bool {
	tk := sc.toks[i]
	l := tk.e - tk.s
	if l < 2 || l > 5 || tk.f&tDigit == 0 || tk.f&tAlpha == 0 {
		return false
	}
	c := sc.text[tk.s]
	if c != 'A' && c != 'B' && c != 'M' && c != 'a' && c != 'm' {
		return false
	}
	for k := tk.s + 1; k < tk.e; k++ {
		if sc.text[k] < '0' || sc.text[k] > '9' {
			return false
		}
	}
	if p := sc.prevWord(i); p >= 0 && roadCuesBefore[string(sc.lw(p))] {
		// "on the A64 near", "take the M60 towards": not "on A4 paper",
		// "take B12 tablets", where a noun follows.
		k := sc.nextWord(i)
		return k < 0 || !sc.spaced(i) || !sc.alpha(k) || roadCuesAfter[string(sc.lw(k))] || sc.lex(k).wc == wNone ||
			sc.has(k, bFunction|bVerbObject|bPronoun|bGeneric|bPlaceWeak|bPlaceStrong|bDateCue|bWeekday) || roadTail[string(sc.lw(k))]
	}
	k := sc.nextWord(i)
	return k >= 0 && sc.alpha(k) && roadCuesAfter[string(sc.lw(k))]
}

// namesBefore returns the first of up to three capitalised name words (or
// connectives between them) just before token i, or i.
func (r *addressRecognizer) namesBefore(sc *scan, i int) int {
	start := i
	for k := i - 1; k >= 0 && k >= i-4 && (sc.spaced(k) || sc.gap(k) == "-" && sc.toks[k+1].f&tCap != 0); k-- {
		if sc.alpha(k) && sc.toks[k].f&tCap != 0 && !sc.has(k, bFunction|bPronoun|bGeneric|bPlaceWeak|bPlaceStrong|bPlaceVerb|bTitle) && !sc.isWord(k, "i") {
			start = k
			if sc.sentStart(k) {
				break
			}
			continue
		}
		if r.aw(sc, k)&awJoin != 0 && k > 0 && sc.spaced(k-1) && sc.toks[k-1].f&tCap != 0 {
			continue
		}
		break
	}
	return start
}

// isStreet reports whether the span from token k to byte end names a
// street: a street word after a name ("Ganesh Chowk") or before one
// ("avenue de Jomini"). A number on the line before it is then its house
// number: "18, Ganesh Chowk".
func (r *addressRecognizer) isStreet(sc *scan, k, end int) bool {
	for i := k; i < len(sc.toks) && sc.toks[i].e <= end && i <= k+5; i++ {
		aw := r.aw(sc, i)
		if aw&awPrefix != 0 && i == k && i+1 < len(sc.toks) && sc.toks[i+1].e <= end || aw&(awStreet|awSuffix) != 0 && i > k {
			return true
		}
	}
	return false
}

// unusualWord reports whether a word from token i up to (not including)
// token j is no everyday English word: a name before a street type.
func (r *addressRecognizer) unusualWord(sc *scan, i, j int) bool {
	for ; i < j; i++ {
		if sc.alpha(i) && sc.lex(i).wc != wCommon {
			return true
		}
	}
	return false
}
