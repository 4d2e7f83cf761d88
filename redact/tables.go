package redact

import (
	_ "embed"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nhs-talking-therapies/deid/gazetteer"
)

//go:embed data/english_common.txt
var englishCommon string

//go:embed data/english_extra.txt
var englishExtra string

// englishRare is SCOWL size 70 less size 50: words too rare to say a name
// or place is also a word, but enough to say an unlisted word is no name
// (daycare, stressors, corticosteroid). Searched in place, as the world
// lists are.
//
//go:embed data/english_rare.txt
var englishRare string

// Word classes of a lower-case token.
const (
	wNone   uint8 = iota // not an English word (a name, typo, slang)
	wCommon              // everyday English word (SCOWL size 35)
	wRare                // less common English word (SCOWL 50 only)
)

// Name flags.
const (
	nFirst     uint8 = 1 << iota // ONS first name above the frequency floor
	nFirstHigh                   // first name common enough to fire in lower case
	nSurname                     // surname list
	nNameFirst                   // a dictionary word that in chat is mostly a name (peter, harry)
	nAmbiguous                   // not common English, but too ambiguous to fire alone (max, chad)
	nFirstLow                    // rare since 1996 (older generations' names: Glenda, Trish): needs a capital or cue
	nFirstTop                    // very frequent: an everyday word that is this name is a name when capitalised mid-sentence
)

// Place kinds, strongest first.
const (
	pkNone uint8 = iota
	pkCountry
	pkCity     // city, town, county, post town, world city
	pkArea     // village, suburb, local area
	pkFacility // named hospital, shopping centre, park, landmark
	pkPub      // pub name: a place after "the"
)

// placePhrase is a multi-token place name keyed by its first token.
type placePhrase struct {
	rest []string // lower-case tokens after the first
	kind uint8
}

// Lexicon bits: which cue and word sets a lower-case token belongs to. One
// hash probe per token fills a lexEntry; every rule then tests bits.
const (
	bNotName uint64 = 1 << iota
	bChat
	bKin
	bTitle
	bNameCue
	bFunction
	bPlaceStrong
	bPlaceVerb
	bPlaceWeak
	bFacility
	bStreet
	bGeneric
	bPlaceMod
	bFacilityOf
	bFacilityMod
	bFacilityAnchor
	bVerbObject
	bStreetCue
	bPersonNoun
	bNameVerb
	bPronoun
	bWeekday
	bDateCue
	bIDCue
	bPCBefore
	bPCAfter
	bNICue
	bMonth
	bPhrase   // first token of a multi-token place
	bAddr     // a word of the address grammar (addrWords)
	bAddrOpen // a word that can open an address (unit, box, street prefix)
	bAddrSite // ward, junction: opens a numbered place (see addressRecognizer)
	bSafe     // on a safelist map (safeWords, safeUpper, safeLower, safeMedicines, eponyms, scaleEponyms, roleWords): look there
	// Bits returned by tables.world, not stored in the lexicon.
	bWorldFirst   // part of a first name of some locale (world lists)
	bWorldSurname // part of a surname of some locale or the US Census
	bWorldPlace   // a one-word GeoNames place
	bWorldCity    // a one-word GeoNames place of 100,000+ people
)

// lexEntry is everything the tables know about one lower-case token.
type lexEntry struct {
	bits  uint64
	wc    uint8 // word class
	nf    uint8 // name flags
	place uint8 // kind as a single-token place
}

func (e *lexEntry) is(b uint64) bool { return e.bits&b != 0 }

// tables are the read-only lookup tables shared by every Redactor.
type tables struct {
	lex       map[string]lexEntry
	nameDel   map[string]bool // frequent first names and every one-letter deletion of them, for typos
	placeDel  map[string]bool // countries, world cities and regions, and their one-letter deletions
	words     map[string]uint8
	names     map[string]uint8
	firstCnt  map[string]int32
	place1    map[string]uint8                    // single-token places
	placeN    map[string][]placePhrase            // multi-token places by first token
	placeN2   map[string]map[string][]placePhrase // the same by first and second token
	countries map[string]bool                     // lower-case country names (single and multi-token first tokens resolved via placeN/place1)
	surrFirst []string                            // surrogate first names (frequent, not English words)
	surrLast  []string                            // surrogate surnames
	surrTown  []string                            // surrogate towns

	worldNames, worldPlaces worldList // world lists, searched in place
	rareWords               worldList // englishRare, searched in place

	// short is lex for every word of one to three letters a-z, indexed
	// by shortIndex: the commonest words of a text ("i", "to", "the")
	// are read from an array instead of hashed into the large map.
	short []lexEntry
}

// shortIndex is the position of w in tables.short, or -1 when w is longer
// than three bytes or has a byte outside a-z.
func shortIndex(w []byte) int {
	if len(w) == 0 || len(w) > 3 {
		return -1
	}
	x := 0
	for _, c := range w {
		if c < 'a' || c > 'z' {
			return -1
		}
		x = x*27 + int(c-'a'+1)
	}
	return x
}

var (
	tabOnce sync.Once
	tab     *tables
)

func getTables() *tables {
	tabOnce.Do(func() { tab = buildTables(gazetteer.Default()) })
	return tab
}

// firstNameFloor is the minimum number of registrations (England and Wales,
// 1996-2024) for a first name to be in the dictionary: below it the ONS
// table is mostly one-off spellings and words. Historic top-100 names are
// always in. firstNameHigh is the count above which a first name that is
// not an English word is redacted even in lower case without context.
const (
	firstNameFloor = 20
	firstNameHigh  = 200
	firstNameTop   = 1500
)

// nameFirstWords are dictionary words that, in conversation, are far more
// often a person's name than the word.
var nameFirstWords = words(`peter martin maria harry jack victor dean warren lee matt mike sally glen derrick
	john tom tony terry jimmy billy bobby sonny bonnie jasper josh phoebe jasmine roger mickey`)

// ambiguousNames are non-dictionary first names that collide with chat,
// abbreviations or brands often enough that they need context.
var ambiguousNames = words(`max pip chad dale beck drake sol zen onyx md cj aj tj jj om yu yi zi bo ty
	al ed di jo nan gran ash mo ko lo la le de da del van von
	ok okay lol omg yeah yep yea ya hmm mm um erm ha haha idk tbh btw nhs gp cbt
	sky tesco asda aldi lidl boots argos costa greggs primark google apple amazon netflix uber
	will may june april august summer autumn winter spring
	christian christmas easter english british scottish irish welsh tai chi`)

// notNames are words that are never taken as names on capitalisation alone
// (months, days, kin terms used as address, religious and civic words).
var notNames = words(`january february march april may june july august september october november december
	monday tuesday wednesday thursday friday saturday sunday
	mum mom mam mummy mommy dad daddy nan nana nanna gran granny grandma grandad granddad grandpa auntie aunty uncle
	god jesus christ lord allah christmas easter ramadan eid diwali bible
	doctor doc nurse sir madam miss mister mrs mr ms dr prof professor king queen prince princess
	english british welsh scottish irish american european asian african
	i im ive id ill guy lad kid man girl boy a an`)

// chatWords are non-dictionary tokens of chat and clinical shorthand that
// a cue phrase must not turn into a name or place.
var chatWords = words(`ok okay lol omg yeah yep yea ya yah nah nope hmm hm mm mmm um umm erm er uh ah aw aww
	haha hahaha lmao tbh idk btw imo fyi asap tho thx ty np pls plz ur u im ive dont cant wont didnt doesnt isnt
	wasnt arent havent hasnt couldnt wouldnt shouldnt thats whats theres youre theyre hes shes lets
	gonna wanna gotta kinda sorta dunno innit ain aint cos coz cuz tv telly uni covid zoom online
	facebook whatsapp instagram insta tiktok snapchat youtube google netflix amazon tesco asda aldi lidl
	nhs gp cbt ptsd ocd adhd phq gad iapt ae ssri mg ml etc ie eg vs cetera
	hadnt wouldve couldve shouldve mightve youve weve theyve youll theyll itll thatll hed shed theyd youd
	wouldnt shouldnt mustnt neednt werent aint whos wheres hows whens yall gotten tryna
	hiya heya urgh argh eugh pfft woohoo wahey ermm errm ahh ohh ooh oof mhmm uhh lmfao rofl omfg`)

// kinWords are relation nouns that precede a name: "my sister Becky".
var kinWords = words(`mum mom mam mother dad father sister brother sis bro son daughter husband wife partner
	boyfriend girlfriend bf gf friend mate pal bestie cousin aunt auntie aunty uncle nan nana nanna gran granny
	grandma grandmother grandad granddad grandpa grandfather niece nephew fiance fiancee ex stepdad stepmum
	stepmom stepson stepdaughter stepbrother stepsister colleague boss manager supervisor neighbour neighbor
	flatmate housemate roommate therapist counsellor counselor worker teacher coach tutor baby twin kid child
	carer nurse midwife vicar landlord landlady hubby missus lad lass sibling cousins bestfriend mentor law
	keyworker caseworker psychiatrist psychologist consultant advocate gp cpn pwp`)

// titleWords precede a name and stay in the text: "Dr [PERSON]".
var titleWords = words(`dr doctor mr mrs ms miss mx prof professor sir dame lord lady rev reverend cllr
	nurse sister father`)

// nameCueWords introduce a name: "called Becky", "named Tom", "name's Sam".
var nameCueWords = words(`called named name`)

// placeCueStrong are the words before a place that make even a lower-case
// common-word place a place: "moved to reading", "lives in bath".
var placeCueStrong = words(`near nearby around outside towards`)

// placeCueVerbs precede "in" / "to" / "from" in strong place cues.
var placeCueVerbs = words(`moved move moving live lives living lived born raised grew based settled relocated
	emigrated commute commutes commuting`)

// verbObject after an everyday-word place shows it is a verb or noun:
// "reading a book", "bath the baby", "bath time".
var verbObject = words(`a an the my your his her our their this that these those it them him me us some
	about up out into with time water tub towel`)

// streetCues before "X Road" make it a street even in lower case: "lives
// on sandy lane".
var streetCues = words(`on off along down up at in live lives to from onto into`)

// placeCueWeak are prepositions before a capitalised place: "in Leeds".
var placeCueWeak = words(`in from to at near around outside towards via into visit visiting visited leave
	leaving left reach reached`)

// facilityWords follow a place or name to make a named facility or street:
// "St James's Hospital", "Acacia Avenue", "Oakwood school".
var facilityWords = words(`hospital hospitals surgery infirmary clinic school academy college university uni
	practice centre center station church chapel mosque temple synagogue gurdwara cathedral abbey crematorium
	cemetery prison estate primary general royal district common heath moor dene seafront beach pier stadium
	arena museum library theatre leisure ward lodge hospice inn arms tavern hotel airport interchange
	barracks campus hall manor house
	street st road rd lane ln avenue ave close drive way crescent cres place pl court ct gardens gdns grove
	terrace square sq row walk mews view rise hill park parade green boulevard wharf quay ` + facilityEveryday)

// facilityEveryday are facility heads that are everyday words ("my room",
// "Mo, gym kit"): they make a named place only when written with a capital
// themselves ("Hull Room", "the Saatchi Gallery", "Croft Interchange").
const facilityEveryday = `room rooms gallery galleries store shop gym pub bar cafe café restaurant club market mall
	zoo cinema tower bridge castle palace pool baths studio studios mill unit wing building field fields
	ground forest wood woods lake reservoir canal valley bay island falls docks dock marina harbour port
	terminal junction roundabout arcade precinct quarter pizza pizzeria diner grill bakery garage memorial
	bridges amphitheatre amphitheater coliseum colosseum auditorium pavilion racecourse velodrome aquarium
	observatory plaza dome fairground showground speedway raceway yard rehab exchange living residence
	residences home ` + geoHeadWords

// geoHeadWords end the names of seas, rivers, hills and coasts. A
// nationality or language may name one ("English Channel", "Irish Sea",
// "Indian Ocean"), though alone it names nobody.
const geoHeadWords = `sea seas ocean channel river mountains hills dales peninsula strait straits gulf desert glacier
	canyon estuary firth coast islands isles lakes moors fells`

var geoHeads = words(geoHeadWords)

var facilityEverydayWords = words(facilityEveryday)

// facilityOf are facility words that may take "of X" after them:
// "University of Durham", "Royal Infirmary of Edinburgh".
var facilityOf = words(`university college infirmary hospital school academy`)

// facilityMods may stand inside a facility name between its anchor and its
// head: "Leeds General Infirmary", "St Joseph's RC Primary", "Bishop's
// Stortford Sixth Form College".
var facilityMods = words(`general royal district community county university children childrens women womens
	c of e rc catholic primary junior infant infants high secondary sixth form grammar metropolitan
	teaching medical health city memorial methodist baptist parish central and national
	care nursing assisted residential retirement senior`)

// facilityAnchors make a facility name specific on their own: "Holy
// Trinity Primary", "Our Lady's", "Christ Church".
var facilityAnchors = words(`st saint holy trinity christ lady sacred heart queen queens king kings prince princess
	bishop bishops`)

// streetWords are the facilityWords that make a street name: a lower-case
// common word before them is still a street when a house number precedes.
var streetWords = words(`street st road rd lane ln avenue ave close drive way crescent cres place court
	gardens grove terrace square mews rise parade boulevard`)

// genericModifiers before a facility word describe rather than name it.
var genericModifiers = words(`the a an my our your his her their this that these those same other main
	local new old big small little long short busy quiet next nearest last first second third high low
	back side front open private public dirt country dual slip ring bypass wrong right left different
	whole entire every each any some no one two three primary secondary junior infant nursery special
	its what which either neither another such wrong memory
	general mental private state catholic village town city council walk in on at to
	bed bedroom bedroomed story storey`)

// placeModifiers may sit inside a facility name: "Leeds General Infirmary".
var placeModifiers = words(`general royal st saint county district city memorial community primary secondary
	junior infant grammar high medical health university teaching childrens women's womens north south east west
	upper lower great little new old of the and`)

// worldRegions are continents, regions old and new, mountain ranges,
// rivers, seas and deserts that no list of towns holds ("the Balkans",
// "Thrace", "the Danube"). Names that are also everyday words or brands
// (Amazon, Po, Inn, Orange, Atlas) and adjectives (Mediterranean) are left
// to context.
var worldRegions = strings.Fields(`africa asia europe antarctica oceania eurasia
	balkans caucasus levant maghreb sahel scandinavia iberia anatolia mesopotamia thrace bohemia moravia
	silesia bavaria prussia transylvania wallachia dalmatia lapland siberia patagonia manchuria tibet kashmir
	bengal kurdistan baluchistan galilee judea sinai arabia persia mesoamerica polynesia melanesia micronesia
	indochina flanders wallonia lombardy tuscany sicily sardinia corsica crete catalonia andalusia brittany
	normandy provence burgundy alsace
	alps andes himalayas himalaya pyrenees rockies appalachians urals carpathians apennines dolomites
	karakoram kilimanjaro everest matterhorn
	danube rhine rhône rhone seine loire nile ganges indus yangtze volga dnieper euphrates tigris
	zambezi mekong elbe vistula tiber ebro tagus douro limpopo orinoco
	adriatic aegean baltic atlantic pacific
	sahara gobi kalahari atacama mojave negev
	antarctic prairies outback caribbean mournes pennines cotswolds chilterns cairngorms mediterranean`)

// regionPhrases are regions, seas and features named by two everyday words
// or more, which in lower case no single-word list finds ("the middle
// east", "the black sea"). They are placed as countries are: whole in any
// case, and kept where a profile keeps country names, being as coarse.
var regionPhrases = lines(`middle east
far east
near east
north sea
black sea
red sea
dead sea
irish sea
english channel
bristol channel
persian gulf
gulf of mexico
west bank
gaza strip
south pole
north pole
arctic circle
great lakes
home counties
west country
black country
east midlands
west midlands
deep south
lake district
peak district
new forest
south downs
north downs
scottish highlands
western isles
isle of wight
isle of skye
great barrier reef
grand canyon
rocky mountains
silicon valley
death valley
central america
south america
north america
latin america
southeast asia
south east asia
east asia
pacific ocean
atlantic ocean
indian ocean
southern ocean
arctic ocean
northern territory
australian capital territory
northwest territories
blue mountains
korean peninsula
`)

// countryNames are every country and nation (lower case, multi-word allowed).
var countryNames = lines(`afghanistan
albania
algeria
andorra
angola
antigua
argentina
armenia
australia
austria
azerbaijan
bahamas
bahrain
bangladesh
barbados
belarus
belgium
belize
benin
bhutan
bolivia
bosnia
botswana
brazil
brunei
bulgaria
burkina faso
burundi
cambodia
cameroon
canada
cape verde
chad
chile
china
colombia
comoros
congo
costa rica
croatia
cuba
cyprus
czech republic
czechia
denmark
djibouti
dominica
dominican republic
ecuador
egypt
el salvador
eritrea
estonia
eswatini
ethiopia
fiji
finland
france
gabon
gambia
georgia
germany
ghana
greece
grenada
guatemala
guinea
guyana
haiti
honduras
hungary
iceland
india
indonesia
iran
iraq
ireland
israel
italy
ivory coast
jamaica
japan
jordan
kazakhstan
kenya
kiribati
kosovo
kuwait
kyrgyzstan
laos
latvia
lebanon
lesotho
liberia
libya
liechtenstein
lithuania
luxembourg
madagascar
malawi
malaysia
maldives
mali
malta
mauritania
mauritius
mexico
moldova
monaco
mongolia
montenegro
morocco
mozambique
myanmar
burma
namibia
nauru
nepal
netherlands
holland
new zealand
nicaragua
niger
nigeria
north korea
north macedonia
macedonia
norway
oman
pakistan
palau
palestine
panama
papua new guinea
paraguay
peru
philippines
poland
portugal
qatar
romania
russia
rwanda
samoa
san marino
saudi arabia
senegal
serbia
seychelles
sierra leone
singapore
slovakia
slovenia
somalia
south africa
south korea
korea
south sudan
spain
sri lanka
sudan
suriname
sweden
switzerland
syria
taiwan
tajikistan
tanzania
thailand
togo
tonga
trinidad
tobago
tunisia
turkey
turkmenistan
tuvalu
uganda
ukraine
united arab emirates
uae
united kingdom
uk
great britain
britain
united states
usa
america
uruguay
uzbekistan
vanuatu
vatican
venezuela
vietnam
yemen
zambia
zimbabwe
england
scotland
wales
northern ireland
hong kong
puerto rico
greenland
jersey
guernsey
isle of man
gibraltar
`)

// worldCities are large or often-mentioned places outside the UK gazetteer.
var worldCities = lines(`new york
los angeles
chicago
boston
san francisco
las vegas
miami
florida
california
texas
toronto
vancouver
sydney
melbourne
auckland
dublin
belfast
cork
galway
paris
berlin
madrid
barcelona
lisbon
rome
milan
venice
amsterdam
brussels
vienna
prague
warsaw
krakow
budapest
bucharest
athens
istanbul
moscow
stockholm
oslo
copenhagen
helsinki
zurich
geneva
benidorm
magaluf
ibiza
majorca
mallorca
tenerife
lanzarote
malaga
alicante
marbella
dubai
delhi
mumbai
karachi
lahore
islamabad
dhaka
lagos
nairobi
cairo
beijing
shanghai
tokyo
bangkok
hong kong
singapore
kabul
tehran
baghdad
riyadh
mecca
jerusalem
tel aviv
`)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// lowerTokens splits s into lower-case tokens exactly as the scanner does.
func lowerTokens(s string) []string {
	sc := getScan(s)
	defer putScan(sc)
	out := make([]string, 0, len(sc.toks))
	for i := range sc.toks {
		out = append(out, string(sc.lw(i)))
	}
	return out
}

func buildTables(g *gazetteer.Gazetteer) *tables {
	t := &tables{
		words:     make(map[string]uint8, 64000),
		names:     map[string]uint8{},
		firstCnt:  map[string]int32{},
		place1:    map[string]uint8{},
		placeN:    map[string][]placePhrase{},
		countries: map[string]bool{},
	}
	for _, w := range strings.Split(englishCommon, "\n") {
		if w != "" {
			t.words[w] = wCommon
		}
	}
	for _, w := range strings.Split(englishExtra, "\n") {
		if w != "" && t.words[w] == 0 {
			t.words[w] = wRare
		}
	}

	// First names: registrations summed over sexes.
	historic := map[string]bool{}
	for _, f := range g.FirstNames {
		k := strings.ToLower(f.Name)
		t.firstCnt[k] += int32(f.Count)
		if f.HistoricTop {
			historic[k] = true
		}
	}
	for k, c := range t.firstCnt {
		if (c < firstNameFloor && !historic[k]) || len(k) < 2 {
			delete(t.firstCnt, k)
			continue
		}
		fl := nFirst
		switch {
		case c >= firstNameHigh || historic[k]:
			fl |= nFirstHigh
		default:
			fl |= nFirstLow
		}
		if c >= firstNameTop || historic[k] {
			fl |= nFirstTop
		}
		t.names[k] |= fl
	}
	for _, s := range g.Surnames {
		for _, tok := range lowerTokens(s) {
			if len(tok) > 1 {
				t.names[tok] |= nSurname
			}
		}
	}
	for w := range nameFirstWords {
		t.names[w] |= nNameFirst | nFirst | nFirstHigh | nFirstTop
	}
	// Short forms from the nickname table (Soph, Babs, Dom) are first names
	// even where the ONS lists never registered them.
	nickOnce.Do(loadNicknames)
	for _, g := range nickGrp {
		for _, n := range g {
			if len(n) >= 2 && t.names[n]&nFirst == 0 {
				t.names[n] |= nFirst | nFirstHigh
				t.names[n] &^= nFirstLow
			}
		}
	}
	for w := range ambiguousNames {
		if t.names[w] != 0 {
			t.names[w] |= nAmbiguous
		}
	}

	addPlace := func(name string, kind uint8) {
		toks := lowerTokens(name)
		if len(toks) == 0 || len(toks) > 6 {
			return
		}
		if len(toks) == 1 {
			if len(toks[0]) < 3 {
				return
			}
			if k := t.place1[toks[0]]; k == pkNone || kind < k {
				t.place1[toks[0]] = kind
			}
			return
		}
		for i, p := range t.placeN[toks[0]] {
			if strings.Join(p.rest, " ") == strings.Join(toks[1:], " ") {
				if kind < p.kind {
					t.placeN[toks[0]][i].kind = kind
				}
				return
			}
		}
		t.placeN[toks[0]] = append(t.placeN[toks[0]], placePhrase{rest: toks[1:], kind: kind})
	}
	for _, p := range g.Places {
		switch p.Type {
		case "City", "Town":
			addPlace(p.Name, pkCity)
		case "Village", "Suburban Area":
			addPlace(p.Name, pkArea)
		}
	}
	for _, c := range g.Counties {
		addPlace(c, pkCity)
	}
	for _, c := range g.AdminAreas {
		addPlace(c, pkCity)
	}
	for _, c := range g.TownAreas {
		addPlace(c, pkArea)
	}
	for _, d := range g.Districts {
		if d.PostTown != "" {
			addPlace(d.PostTown, pkCity)
		}
	}
	for _, c := range worldCities {
		addPlace(c, pkCity)
	}
	for _, c := range g.WorldCities {
		addPlace(c, pkCity)
	}
	for _, c := range worldRegions {
		addPlace(c, pkCity)
	}
	for _, c := range countryNames {
		addPlace(c, pkCountry)
		t.countries[c] = true
	}
	for _, c := range regionPhrases {
		addPlace(c, pkCountry)
	}
	for _, c := range landmarkNames {
		addPlace(strings.TrimPrefix(c, "the "), pkFacility)
	}
	for _, c := range pubNames {
		addPlace(c, pkPub)
	}
	// Longest phrases first, so the first match is the longest.
	t.placeN2 = map[string]map[string][]placePhrase{}
	for k, ps := range t.placeN {
		sortPhrases(ps)
		t.placeN[k] = ps
		m := map[string][]placePhrase{}
		for _, p := range ps {
			m[p.rest[0]] = append(m[p.rest[0]], p)
		}
		t.placeN2[k] = m
	}

	t.buildLexicon()
	t.buildShort()
	t.worldNames, t.worldPlaces = newWorldList(g.WorldNames), newWorldList(g.WorldPlaces)
	t.rareWords = newWorldList(englishRare)
	t.buildNameDeletions()

	// Surrogate pools: frequent names and towns that are not English words,
	// in the gazetteer's fixed order so a key always picks the same one.
	seen := map[string]bool{}
	for _, f := range g.FirstNames {
		k := strings.ToLower(f.Name)
		if seen[k] || t.words[k] != wNone || len(k) < 3 || f.Count < 5000 {
			continue
		}
		seen[k] = true
		t.surrFirst = append(t.surrFirst, f.Name)
		if len(t.surrFirst) == 400 {
			break
		}
	}
	for _, s := range g.Surnames {
		k := strings.ToLower(s)
		if t.words[k] == wNone && len(t.surrLast) < 400 {
			t.surrLast = append(t.surrLast, s)
		}
	}
	for _, p := range g.Places {
		if p.Type == "Town" && t.words[strings.ToLower(p.Name)] == wNone && isPlainWord(p.Name) && len(t.surrTown) < 600 {
			t.surrTown = append(t.surrTown, p.Name)
		}
	}
	return t
}

func sortPhrases(ps []placePhrase) {
	slices.SortStableFunc(ps, func(a, b placePhrase) int {
		if len(a.rest) != len(b.rest) {
			return len(b.rest) - len(a.rest)
		}
		return slices.Compare(a.rest, b.rest)
	})
}

// isPlainWord reports whether s is one ASCII word of letters.
func isPlainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIILetter(s[i]) {
			return false
		}
	}
	return len(s) >= 3
}

// buildLexicon merges every word set and table into one map.
func (t *tables) buildLexicon() {
	t.lex = make(map[string]lexEntry, len(t.words)+len(t.names)+len(t.place1))
	get := func(w string) lexEntry { return t.lex[w] }
	for w, c := range t.words {
		e := get(w)
		e.wc = c
		t.lex[w] = e
	}
	for w, f := range t.names {
		e := get(w)
		e.nf = f
		t.lex[w] = e
	}
	for w, k := range t.place1 {
		e := get(w)
		e.place = k
		t.lex[w] = e
	}
	for w := range t.placeN {
		e := get(w)
		e.bits |= bPhrase
		t.lex[w] = e
	}
	for w := range monthNum {
		e := get(w)
		e.bits |= bMonth
		t.lex[w] = e
	}
	for w, k := range addrWords {
		e := get(w)
		e.bits |= bAddr
		if k&(awUnit|awBox|awPrefix|awLead|awState) != 0 {
			e.bits |= bAddrOpen
		}
		if k&awSite != 0 {
			e.bits |= bAddrSite
		}
		t.lex[w] = e
	}
	for _, set := range []struct {
		b uint64
		m map[string]bool
	}{
		{bNotName, notNames}, {bChat, chatWords}, {bKin, kinWords}, {bTitle, titleWords}, {bNameCue, nameCueWords},
		{bFunction, functionWords}, {bPlaceStrong, placeCueStrong}, {bPlaceVerb, placeCueVerbs}, {bPlaceWeak, placeCueWeak},
		{bFacility, facilityWords}, {bStreet, streetWords}, {bGeneric, genericModifiers}, {bPlaceMod, placeModifiers},
		{bFacilityOf, facilityOf}, {bFacilityMod, facilityMods}, {bFacilityAnchor, facilityAnchors}, {bVerbObject, verbObject},
		{bStreetCue, streetCues}, {bPersonNoun, personNouns}, {bNameVerb, nameVerbs}, {bPronoun, pronouns},
		{bWeekday, weekdays}, {bDateCue, dateCues}, {bIDCue, idCues}, {bPCBefore, postcodeCuesBefore},
		{bPCAfter, postcodeCuesAfter}, {bNICue, niCues}, {bSafe, safeWords}, {bSafe, safeUpper}, {bSafe, safeLower}, {bSafe, safeMedicines}, {bSafe, eponyms}, {bSafe, rareEponyms}, {bSafe, roleWords}, {bSafe, scaleEponyms},
	} {
		for w := range set.m {
			e := get(w)
			e.bits |= set.b
			t.lex[w] = e
		}
	}
}

// buildShort copies the lexicon entries of every word of one to three
// letters a-z into tables.short (absent words stay zero, as in the map).
func (t *tables) buildShort() {
	t.short = make([]lexEntry, 27*27*27)
	var w [3]byte
	for n := 1; n <= 3; n++ {
		for x := 0; x < 1<<(5*n); x++ {
			ok := true
			for k := 0; k < n; k++ {
				c := (x >> (5 * k)) & 31
				if c >= 26 {
					ok = false
					break
				}
				w[k] = byte('a' + c)
			}
			if ok {
				t.short[shortIndex(w[:n])] = t.lex[string(w[:n])]
			}
		}
	}
}

// buildNameDeletions indexes frequent first names of five letters or more
// that are not English words, with each of their one-letter deletions, so
// that a one-edit typo of a name ("natlaie", "jessqca") is found with a few
// probes instead of a scan of the name list.
func (t *tables) buildNameDeletions() {
	t.nameDel = map[string]bool{}
	for w, f := range t.names {
		if f&nFirstHigh == 0 || f&nAmbiguous != 0 || len(w) < 5 || t.words[w] != wNone || !isPlainWord(w) {
			continue
		}
		addDeletions(t.nameDel, w)
	}
	t.placeDel = map[string]bool{}
	for _, l := range [][]string{countryNames, worldCities, worldRegions} {
		for _, w := range l {
			if len(w) >= 5 && t.words[w] == wNone && isPlainWord(w) {
				addDeletions(t.placeDel, w)
			}
		}
	}
}

// addDeletions adds w and every one-letter deletion of it to m.
func addDeletions(m map[string]bool, w string) {
	m[w] = true
	for i := range len(w) {
		m[w[:i]+w[i+1:]] = true
	}
}

// nameTypo reports whether the lower-case ASCII token w is one edit away
// from a frequent first name: a letter dropped, added, changed or two
// swapped. buf is scratch space.
func (t *tables) nameTypo(w []byte, buf []byte) bool {
	return t.typoIn(t.nameDel, w, buf)
}

// placeTypo reports whether w is one edit away from a country, a large
// world city or a region ("Britian", "Germnay"). A place with a letter
// added at its end is its people, not a typo ("Romanian", "Albertan").
func (t *tables) placeTypo(w []byte, buf []byte) bool {
	if n := len(w) - 1; n > 0 && t.place1[string(w[:n])] != pkNone {
		return false
	}
	return t.typoIn(t.placeDel, w, buf)
}

// typoIn reports whether w is one edit from a word whose deletions del
// holds, and not one edit from an everyday word.
func (t *tables) typoIn(del map[string]bool, w []byte, buf []byte) bool {
	if len(w) < 5 || len(w) > 20 {
		return false
	}
	hit := del[string(w)] // w is a listed word with a letter dropped
	for i := 0; !hit && i < len(w); i++ {
		buf = append(append(buf[:0], w[:i]...), w[i+1:]...)
		hit = del[string(buf)] // a letter added, changed or swapped
	}
	// Deletions on both sides reach two edits ("lovin" and "alvin" both
	// lose a letter to "lvin"), so a misspelt everyday word ("somone",
	// "shoul", "meabs") would pass for a misspelt name: one edit from an
	// everyday word, it is that word.
	return hit && !t.wordTypo(w, buf)
}

// wordTypo reports whether one edit (a letter dropped, added, changed, or
// two swapped) turns w into an everyday English word. buf is scratch.
func (t *tables) wordTypo(w []byte, buf []byte) bool {
	common := func(b []byte) bool { return t.words[string(b)] == wCommon }
	for i := range w {
		if buf = append(append(buf[:0], w[:i]...), w[i+1:]...); common(buf) {
			return true
		}
		if i+1 < len(w) {
			buf = append(buf[:0], w...)
			buf[i], buf[i+1] = buf[i+1], buf[i]
			if common(buf) {
				return true
			}
		}
	}
	for i := 0; i <= len(w); i++ {
		for c := byte('a'); c <= 'z'; c++ {
			if i < len(w) && w[i] != c {
				buf = append(buf[:0], w...)
				buf[i] = c
				if common(buf) {
					return true
				}
			}
			buf = append(append(append(buf[:0], w[:i]...), c), w[i:]...)
			if common(buf) {
				return true
			}
		}
	}
	return false
}

// wordTypoAt is wordTypo of token i, remembered per word (see typoAt): a
// word no list knows is tried against every one-edit variant, up to 54
// lookups a letter.
func (t *tables) wordTypoAt(sc *scan, i int) bool { return t.typoAt(sc, i, hasWordTypo) }

// nameTypoAt is nameTypo of token i, remembered per word (see typoAt).
func (t *tables) nameTypoAt(sc *scan, i int) bool { return t.typoAt(sc, i, hasTypo) }

// typoAt answers one of the one-edit checks for token i's word, kind
// hasTypo (nameTypo) or hasWordTypo (wordTypo), from the scan's lexicon
// cache when the word's slot already holds the answer.
func (t *tables) typoAt(sc *scan, i int, kind uint8) bool {
	w := sc.lw(i)
	sl := sc.lxc.filled(t, w)
	if sl != nil && sl.has&kind != 0 {
		return sl.typos&kind != 0
	}
	var v bool
	if kind == hasTypo {
		v = t.nameTypo(w, sc.scratch[:0])
	} else {
		v = t.wordTypo(w, sc.scratch[:0])
	}
	if sl != nil {
		sl.has |= kind
		if v {
			sl.typos |= kind
		}
	}
	return v
}

// phrasesAt returns the multi-token places whose first two tokens are
// tokens i and i+1, longest first.
func (t *tables) phrasesAt(sc *scan, i int) []placePhrase {
	if !sc.has(i, bPhrase) || !sc.joined(i) {
		return nil
	}
	w := sc.lw(i)
	sl := sc.lxc.filled(t, w)
	if sl == nil {
		return t.placeN2[string(w)][string(sc.lw(i+1))]
	}
	if sl.has&hasN2 == 0 {
		sl.n2, sl.has = t.placeN2[string(w)], sl.has|hasN2
	}
	return sl.n2[string(sc.lw(i+1))]
}

// worldCityPop is the population above which a one-word GeoNames place is
// taken in lower case after a place preposition ("in calgary").
const worldCityPop = 100000

// worldList is a sorted "key\tvalue\n" text (see gazetteer.WorldNames)
// searched in place: an offset per line is all it holds.
type worldList struct {
	data string
	off  []uint32
}

func newWorldList(data string) worldList {
	l := worldList{data: data, off: make([]uint32, 0, strings.Count(data, "\n")+1)}
	for p := 0; p < len(data); {
		l.off = append(l.off, uint32(p))
		q := strings.IndexByte(data[p:], '\n')
		if q < 0 {
			break
		}
		p += q + 1
	}
	return l
}

// find returns the value stored for key w, or "".
func (l *worldList) find(w []byte) string {
	v, _ := l.lookup(w)
	return v
}

// has reports whether key w is listed (a plain word list has no values).
func (l *worldList) has(w []byte) bool {
	_, ok := l.lookup(w)
	return ok
}

func (l *worldList) lookup(w []byte) (string, bool) {
	lo, hi := 0, len(l.off)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		line := l.data[l.off[m]:]
		if q := strings.IndexByte(line, '\n'); q >= 0 {
			line = line[:q]
		}
		k, v, _ := strings.Cut(line, "\t")
		switch c := cmpStrBytes(k, w); {
		case c == 0:
			return v, true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return "", false
}

// cmpStrBytes compares a string with a byte slice, without converting
// either (a conversion would allocate on this path).
func cmpStrBytes(a string, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// world returns the world-list bits of token i (bWorldFirst,
// bWorldSurname, bWorldPlace, bWorldCity): evidence for the context rules,
// looked up only for the few tokens that reach them.
func (t *tables) world(sc *scan, i int) uint64 {
	if !sc.alpha(i) {
		return 0
	}
	w := sc.lw(i)
	sl := sc.lxc.filled(t, w)
	if sl != nil && sl.has&hasWorld != 0 {
		return sl.world
	}
	b := t.worldBits(w)
	if sl != nil {
		sl.world, sl.has = b, sl.has|hasWorld
	}
	return b
}

// worldBits looks w up in the world lists.
func (t *tables) worldBits(w []byte) uint64 {
	var b uint64
	if v := t.worldNames.find(w); v != "" {
		if strings.IndexByte(v, 'f') >= 0 {
			b |= bWorldFirst
		}
		if strings.IndexByte(v, 's') >= 0 {
			b |= bWorldSurname
		}
	}
	if v := t.worldPlaces.find(w); v != "" {
		b |= bWorldPlace
		if n, err := strconv.Atoi(v); err == nil && n >= worldCityPop {
			b |= bWorldCity
		}
	}
	return b
}

// heldLetters reports whether w holds a letter three times running, as
// chat stretches words ("soooo", "lmaooo"); no name is spelt so.
func heldLetters(w []byte) bool {
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] {
			return true
		}
	}
	return false
}

// wordForm reports whether w, on no word list itself, is still built from
// English words: a letter held for emphasis ("soooo", "brilll"), an
// inflection or derivation of a listed word ("hipsters", "unsurprisingly",
// "fantastical"), or two everyday words of four letters or more run
// together ("bestselling", "superheroes"), the first no first name
// ("WillSmith" is a name). Names are rarely built this way; "Seagal"
// splits only into words of three letters.
func (t *tables) wordForm(w []byte) bool {
	if heldLetters(w) {
		return true
	}
	// A stem that names someone or somewhere does not make a word: "the
	// Windsors" and "the Middletons" are families.
	known := func(b []byte) bool {
		return len(b) >= 3 && t.words[string(b)] != wNone && t.names[string(b)] == 0 && t.place1[string(b)] == 0
	}
	stem := func(b []byte) bool {
		if known(b) {
			return true
		}
		for _, suf := range wordSuffixes {
			if n := len(b) - len(suf); n >= 3 && string(b[n:]) == suf {
				// A vowel suffix may have taken a stem's "e" ("cultic",
				// "hoping").
				if known(b[:n]) || strings.IndexByte("aeiouy", suf[0]) >= 0 && known(append(b[:n:n], 'e')) {
					return true
				}
			}
		}
		return false
	}
	if n := len(w) - 1; n >= 3 && w[n] == 's' && (t.names[string(w[:n])] != 0 || t.place1[string(w[:n])] != 0) {
		return false // a family: "the Middletons"
	}
	if stem(w) {
		return true
	}
	for _, pre := range wordPrefixes {
		if len(w)-len(pre) >= 4 && string(w[:len(pre)]) == pre && stem(w[len(pre):]) {
			return true
		}
	}
	common := func(b []byte) bool { return t.words[string(b)] == wCommon }
	for k := 4; k <= len(w)-4; k++ {
		if common(w[:k]) && t.names[string(w[:k])] == 0 && (common(w[k:]) || stem(w[k:]) && t.words[string(w[k:])] != wRare) {
			return true
		}
	}
	return false
}

// wordSuffixes and wordPrefixes are the English affixes wordForm strips:
// the inflections and the derivations frequent enough to make a word the
// lists lack.
var (
	wordSuffixes = []string{"s", "es", "ies", "ed", "ing", "ly", "al", "ical", "ic", "er", "ers", "ness", "ism", "ist", "ists", "ish", "y"}
	wordPrefixes = []string{"un", "re", "non", "anti", "bio", "super", "over", "under", "pre", "mis", "out", "post", "micro", "mega", "eco", "cyber", "euro"}
)

// demonym reports whether w names the people of a country or place the
// lists know, by the usual English endings: "dominican" (Dominica),
// "angolan", "mexican" (Mexico), "chilean", "togolese", "corsican". Like
// the nationalities on the safelist, it is no name and no place.
func (t *tables) demonym(w []byte) bool {
	for _, suf := range []string{"n", "an", "ian", "ean", "ese", "i", "ish"} {
		n := len(w) - len(suf)
		if n < 3 || string(w[n:]) != suf {
			continue
		}
		stem := string(w[:n])
		for _, end := range []string{"", "a", "o", "e", "ia", "y"} {
			// Any place of the world lists only by a longer ending: "-n"
			// and "-i" after a town's name make surnames too ("Cormann",
			// "Suzuki").
			if t.countries[stem+end] || len(suf) >= 2 && len(stem) >= 5 && t.worldPlaces.find([]byte(stem+end)) != "" {
				return true
			}
		}
	}
	return false
}
