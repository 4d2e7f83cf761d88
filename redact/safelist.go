package redact

import "strings"

// The domain safelist names words that look like names or places to the
// dictionary-free recognizers (the NER model, a capitalised unknown word,
// a cue phrase) but in health and therapy text are something else:
// clinical shorthand and abbreviations (SI, GAD, NOK, cath, abd), medicines
// (Propranolol, Sertraline, and anything with a drug-class ending),
// apps and brands (Netflix, Zoom), languages and nationalities (Romanian,
// Tigrinya), family words (Mam, Appa), jobs and offices (Lawyer,
// spokesman), eponymous illnesses in their own shape ("Parkinson's
// disease", "has Parkinson's"), acronym plurals (MPs, DVDs), two-word
// terms (Tai Chi) and classifications (Type II, Stage IV), illnesses named
// after places (Ebola, Zika), the Olympics, faiths and peoples (Judaism,
// Slavic, Inuit), decades (the Seventies), holidays (Halloween) and
// interjections (Jeez, Gosh). A speaker's
// false start or a hyphenated compound of everyday words ("I-I'm",
// "full-time") is dropped the same way (disfluent).
//
// dropSafe consults it after the recognizers run: a span from the model,
// a gazetteer or a cue phrase is dropped when every word in it is
// safelisted and it has no digit. Spans of known identifiers and validated
// patterns are never dropped (a patient really called Zoom is still
// redacted by their known name), and a span that mixes a safelisted word
// with any other word stays whole, so the list can only remove whole
// false positives, never shorten a true one.
//
// Months and weekdays are not on the list: "June is always manic" and
// "June said" differ only by context, so they are dropped only with a
// temporal cue around them ("in June", "June 2021", "last Friday").

// safeShorthand and safePeople (safeWords together) are keyed by
// lower-case word. Case matters for some entries:
// safeUpper entries are safe only when written in capitals (an acronym:
// "SI", "NAT", "ESA"), because the same letters are names in mixed case
// ("Nat", "Esa", "Si").
var safeShorthand = words(`
	doc pt pts hx fhx pmh dx ddx rx tx sx obs cath catheter foley abd abdo nbm prn od bd tds qds nocte mane stat po iv im sc
	sob soboe doe  npo nad nkda nka bs  pu   pvr obs ob obgyn gcs mae avpu news2 nocte ttos tto perrla perrl perla aox3 aox4
	dob mrn
	mobilising mobilise mobility ambulant ambulating wbat nwb fwb
	physio physiotherapy ot salt dn dns hca rn rgn rmn sho fy1 fy2 f1 f2 ct1 ct2 st1 st3  spr cons
	 ae a&e  icu itu hdu ccu acu mau amu sau edu opd ooh sdec
	ecg ekg cxr axr  mri usg uss eeg echo ogd ercp pci cabg tavi
	fbc ue lft lfts crp esr inr aptt tft tfts hba1c bnp trop troponin abg vbg bm bms cbg
	copd chf ccf ihd  nstemi stemi acs af htn t1dm t2dm dm ckd aki uti lrti urti cap hap  dvt tia cva
	   mnd pd ibs ibd gord gerd ugib lgib dka hhs
	ptsd ocd gad mdd bpd eupd asd adhd adhd's phq gad7 phq9 wsas core10 core34 cbt dbt emdr  ipt cft
	iapt camhs cmht crht ieip cpn amhp sctt ldt  mha dols lpa ipa lpas dnacpr dnar respect resus treatment
	  dsh od'd nssi lsd mdma thc cbd
	nok nfa dv ipv  fgm cse cce  aces safeguarding mash lado
	  uc jsa dla hb ctb wca
	hcp mdt cpa ctp wrap sop ppe lfd pcr covid covid19 sars
	mg mcg ml mmol mmhg bpm kg cm mm rr hr bp spo2 sats o2 fio2 
	gp gps nhs dwp ssri snri maoi tca nsaid nsaids ppi ace-i arb ccb lmwh doac doacs
	otc prn pov
	jeez geez gosh golly argh urgh mmh mhm woah whoa yikes gotcha gottcha yap yup hey
	twenties thirties forties fifties sixties seventies eighties nineties noughties
	pause pauses silence laughter laughs laughing applause inaudible unintelligible crosstalk overlapping sighs
	halloween thanksgiving hanukkah passover pentecost lent advent hogmanay ramadan eid diwali holi vaisakhi navratri kwanzaa
	aries taurus gemini virgo libra scorpio sagittarius capricorn aquarius pisces brexit
	netflix zoom spotify whatsapp facebook instagram insta tiktok snapchat youtube twitter google amazon
	skype teams ipad iphone android xbox playstation ps4 ps5 nintendo switch kindle   fitbit
	headspace calm sleepio silvercloud kooth shout samaritans mind rethink tinder hinge bumble grindr
	reddit discord twitch uber deliveroo ebay paypal linkedin pinterest gmail outlook messenger imessage
	neuro resp cardiac cardio cvs gi gu renal heme haem onc endo msk integ psych psychosocial dispo hpi ros
	vss sbp dbp tmax afebrile uo cvp etco2 peep cpap bipap nc nrb hfnc trach ett ogt ngt ng og peg picc cvc
	aline cvvh cvvhd cvvhdf crrt wbc rbc hgb hct plt bun creat phos bcx ucx ptt ckmb bili tbili
	cta bilat rll rml rul lll lul crackles rales rhonchi nsr afib aflutter pvc pvcs rrr nt hypoactive
	perrl aox3 rass ciwa oob bsc brp hob scds dsg drsg cdi hemovac pca pcea epidural
	q1h q2h q4h q6h q8h qhs bid tid qid qd clears adat tol tf tpn ppn ivf kvo lr d5w lpn cna
	pacu micu sicu ctic nicu picu tsicu slp sw abx vanc vanco zosyn cefepime ceftriaxone flagyl levophed
	vaso vasopressin dobutamine milrinone precedex propofol fentanyl versed dilaudid toradol lasix kcl
	zofran reglan protonix pepcid colace dulcolax miralax coumadin lovenox plavix lopressor metoprolol
	hydralazine labetalol ntg amio amiodarone dilt diltiazem solumedrol decadron dilantin haldol
	s/p h/o c/o r/o d/c f/u tmrw serosang serous sanguineous
	mh mhm hmm hm mm mmm um umm erm uh huh maam
	qigong pilates zumba yoga
	ebola zika marburg lassa nipah hendra chikungunya dengue norovirus lyme
	bilat bilateral le ue lle rle lue rue bedside commode groin sacrum coccyx cavoatrial ortho orthopaedics
	orthopedics chaplain rehab physio levo flexiseal cardiology neurology nephrology gastroenterology
	pulmonology oncology urology dermatology radiology hepatology endocrinology rheumatology haematology
	hematology geriatrics gynaecology gynecology obstetrics paediatrics pediatrics
	olympic olympics paralympic paralympics
	http https www
	lytes ambulate ambulated ambulating vna hcp pcp
	decub decubitus desat desats desatting pulm sxn suctioned amt wts nepro glucerna osmolite jevity
	angio angiogram vit qtc systmone emis cerner carenotes
	azithro azithromycin duoneb duonebs ceftriax doxy augmentin rec recs lat eval evals crcl egfr pylori
	jobcentre jobcentres wellbeing
	endereço endereco dirección direccion adresse indirizzo anschrift adres adresa adresă адрес адреса
	sn ssn cco rc imha pwp slt nqp
	`)

// safePeople are languages, nationalities, faiths and family words: safe
// alone, but beside a lower-case word they may name a place ("Irish sea")
// or a person ("Papa censor"), so allSafe lets only shorthand take plain
// words with it.
var safePeople = words(`
	english british welsh scottish irish northern american european asian african arab arabic
	polish romanian tigrinya amharic somali urdu punjabi hindi bengali bangla gujarati tamil telugu malayalam
	kannada marathi sinhala nepali pashto dari farsi persian kurdish turkish greek italian spanish portuguese
	french german dutch swedish norwegian danish finnish icelandic russian ukrainian lithuanian latvian estonian
	czech slovak hungarian bulgarian serbian croatian bosnian albanian slovenian macedonian
	chinese mandarin cantonese japanese korean vietnamese thai filipino tagalog indonesian malay
	nigerian yoruba igbo hausa ghanaian twi akan kenyan swahili ugandan eritrean ethiopian sudanese
	zimbabwean shona zulu xhosa afrikaans congolese lingala cameroonian
	pakistani indian bangladeshi  lankan afghan iranian iraqi syrian kurdish lebanese egyptian moroccan
	algerian tunisian libyan yemeni saudi jamaican caribbean barbadian trinidadian
	brazilian mexican colombian venezuelan argentinian chilean peruvian cuban
	canadian australian kiwi scots brit brits yank
	hebrew yiddish latin gaelic cymraeg bsl makaton
	iraqi israeli pakistani bangladeshi saudi kuwaiti omani yemeni somali nepali afghani emirati qatari bahraini
	azerbaijani uzbek kazakh tajik jew jewish arab muslim christians catholic protestant anglican methodist baptist pentecostal sikh hindu jewish buddhist
	muslims islamic islamist islamists sunni sunnis shia shiite shiites hindus sikhs buddhists jews catholics
	mam mammy mammi mummy mommy mama mamma mum mom ma amma ammi ammu  appa  abbu   babaji
	papa pappa pa dada daddy dad nana nanna nan nani dadi dada nanaji dadaji gran granny grandma grandad
	grandpa granda grandmama oma opa babcia babci dziadek dziadzia abuela abuelo abuelita abuelito
	 tato mamusia mamo bubbe bubby zaide ouma oupa mormor morfar farmor farfar  
	aunty auntie uncle chacha chachi  mama-ji khala khalu phupho chachu bhaiya bhai  behen  
	baji bhabhi jiji
	missus hubby wifey fella bae bestie bezzie
	islam judaism hinduism sikhism buddhism christianity catholicism protestantism atheism
	slavic germanic celtic nordic norse latino latinx hispanic semitic sephardic ashkenazi
	bantu inuit amish yazidi uyghur kurds romani
	quaker quakers mormon mormons evangelical evangelicals lutheran presbyterian adventist rastafarian
	chechen chechens lankan lankans zairean kosovar kosovars basque basques catalan catalans flemish walloon
	manx ossetian tatar tatars rohingya hazara pashtun pashtuns baloch sindhi tamils sinhalese malayali hmong
	fulani maasai kikuyu amhara oromo tigrayan berber berbers amazigh bedouin druze maronite coptic copts alawite
	assyrian chaldean kurd uzbeks
	`)

// accentedLoans are the loanwords English writes with their accents: the
// word lists hold only unaccented words ("café", "déjà vu", "señora").
var accentedLoans = words(`attaché attachés blasé café cafés cliché clichés clientèle consommé divorcée divorcées
	débutante débutantes entrée entrées fiancé fiancée fiancées fiancés fête fêtes matinée matinées naïveté née passé
	protégé protégés précis risqué sauté sautéed soufflé soufflés déjà voilà crème brûlée touché olé señor señora
	señorita über doppelgänger éclair éclairs mêlée château jalapeño jalapeños piñata piñatas mañana cortège
	dénouement élite élites régime régimes rôle rôles soirée soirées vis-à-vis naïve façade résumé résumés exposé
	coöperate pâté purée rosé frappé macramé cañón canapé canapés appliqué lamé ingénue ménage négligée sautés
	crêpe crêpes flambé glacé tête-à-tête décor décolleté protégée déclassé émigré émigrés`)

// safeWords is every word of the lists above.
var safeWords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range []map[string]bool{safeShorthand, safePeople, accentedLoans} {
		for w := range l {
			m[w] = true
		}
	}
	return m
}()

// safeUpper are acronyms that are safe only in capitals.
var safeUpper = words(`aa su sus si nat esa rw rvr tlc piv ij pcwp riss sh mi ms pe ra oa ace act sat sats mae bo pr pv pip ct cp ld ed po ga nad pearl pearla md hs ir l r
	ns fs ag
	rif lif ruq luq rlq llq ii iii iv vi vii viii ix xi xii
	osa cad lis asa ub lb mvi sar`)

// safeLower are words of care that are also surnames ("Walker", "Hall"):
// safe only in lower case after a word that takes a thing or a place
// (safeLowerBefore: "with walker", "in hall x2"); chat writes names in
// lower case too, so "walker said" stays a name.
var safeLower = words(`walker walkers zimmer rollator hall corridor`)

var safeLowerBefore = words(`with on using in into to the a an her his their my your own`)

// safeStems are endings of medicine names (INN stems): a capitalised word
// with one of them that is not a known name is a medicine.
var safeStems = []string{"olol", "alol", "pril", "oxamine", "sartan", "statin", "azepam", "azolam", "oxetine",
	"aloprám", "alopram", "triptyline", "ipramine", "prazole", "mycin", "micin", "cillin", "floxacin",
	"cycline", "dipine", "tidine", "gliptin", "gliflozin", "parin", "xaban", "gatran", "afil", "apine",
	"idone", "peridol", "azine", "zepine", "tiapine", "triptan", "setron", "lukast", "terol", "sonide",
	"olone", "asone", "ozide", "thiazide", "semide", "etanide", "profen", "fenac", "coxib", "oxicam",
	"codone", "morphone", "orphine", "etamol", "ytoin", "iracetam", "igine", "amate",
	"proate", "abalin", "apentin", "xetine", "faxine", "vlafaxine", "azodone", "razodone", "pidem",
	"piclone", "mazine", "zapine", "perone", "pramine", "umab", "imab", "zumab", "ximab",
	"tinib", "anib", "ciclovir", "clovir", "navir", "buvir", "conazole", "nazole", "dazole", "floxacin",
	"penem", "vastatin", "formin", "glitazone", "glipizide", "gliclazide", "insulin",
	"thyroxine", "oxine", "ergoline", "amfetamine", "phetamine", "phenidate", "lamide",
	"barbital", "ethasone", "olone", "caine", "trexate", "platin", "rubicin", "dronate", "tretinoin"}

// stemEnds marks the last two bytes of every stem, so that most words are
// ruled out by one array probe.
var stemEnds = func() (t [256][256]bool) {
	for _, st := range safeStems {
		t[st[len(st)-2]][st[len(st)-1]] = true
	}
	return
}()

// safeMedicines are common medicines without a telling stem.
var safeMedicines = words(`paracetamol ibuprofen aspirin codeine morphine oramorph oxycodone tramadol naproxen diclofenac
	metformin insulin gliclazide levothyroxine thyroxine warfarin apixaban rivaroxaban edoxaban dabigatran clopidogrel
	ticagrelor heparin enoxaparin dalteparin amoxicillin flucloxacillin doxycycline clarithromycin erythromycin
	trimethoprim nitrofurantoin metronidazole co-amoxiclav coamoxiclav gentamicin vancomycin tazocin meropenem
	salbutamol ventolin seretide symbicort fostair beclometasone prednisolone hydrocortisone dexamethasone
	omeprazole lansoprazole ranitidine gaviscon senna lactulose movicol laxido docusate loperamide buscopan
	sertraline citalopram escitalopram fluoxetine paroxetine mirtazapine venlafaxine duloxetine amitriptyline
	nortriptyline trazodone vortioxetine agomelatine bupropion propranolol atenolol bisoprolol
	phenelzine tranylcypromine isocarboxazid moclobemide nardil parnate
	diazepam lorazepam clonazepam temazepam zopiclone zolpidem promethazine melatonin pregabalin gabapentin
	quetiapine olanzapine risperidone aripiprazole clozapine haloperidol lithium priadel valproate depakote
	lamotrigine carbamazepine levetiracetam topiramate methylphenidate ritalin concerta elvanse lisdexamfetamine
	atomoxetine guanfacine naltrexone acamprosate disulfiram antabuse methadone buprenorphine subutex espranor
	naloxone nicorette champix varenicline vitamin folic ferrous adcal calcichew
	amlodipine ramipril lisinopril losartan candesartan bendroflumethiazide indapamide furosemide bumetanide
	spironolactone digoxin atorvastatin simvastatin rosuvastatin pravastatin ezetimibe gtn isosorbide
	sumatriptan cetirizine loratadine fexofenadine chlorphenamine piriton sudocrem epipen
	prozac zoloft xanax valium lexapro cipralex effexor cymbalta seroquel abilify zyprexa lyrica
	calpol nurofen lemsip beechams rennie chantix champix wellbutrin zyban suboxone narcan vivitrol adderall
	ambien klonopin ativan lipitor zocor glucophage humalog lantus novorapid ozempic wegovy mounjaro saxenda
	viagra cialis tylenol advil motrin aleve benadryl zyrtec claritin flonase nicoderm nicotinell
	madopar allevyn mepilex aquacel tegaderm duoderm waterlow braden
	weetabix lucozade ribena vimto marmite hovis cadbury haribo nandos kfc mcdonalds starbucks marlboro rizla
	paxil celexa lamictal tegretol keppra neurontin topamax trazadone sinemet aricept
	levaquin flagyl coumadin lasix zosyn vanco dilt diltiazem amiodarone haldol zofran colace lopressor
	percocet vicodin dilaudid norco keflex cipro bactrim augmentin jevity ensure medicaid medicare nomogram
	statin statins
	imodium immodium sudafed voltarol canesten strepsils fybogel dioralyte
	`)

// eraWords follow a year or a century as its era.
var eraWords = words(`bc bce ad ce`)

// safe reports whether token i is on the safelist.
func safe(sc *scan, i int) bool {
	if !sc.alpha(i) {
		return false
	}
	lw, e := sc.lw(i), sc.lex(i)
	if p := sc.prevWord(i); p >= 0 && sc.raw(i) == "US" && ultrasoundSites[string(sc.lw(p))] {
		return true // an ultrasound scan: "renal US"
	}
	if eraWords[string(lw)] && i > 0 && sc.spaced(i-1) && (sc.num(i-1) || sc.isWord(i-1, "century") || sc.isWord(i-1, "centuries") || sc.isWord(i-1, "millennium")) {
		return true // "511 BC", "the 8th century BC": an era, not British Columbia
	}
	if e.is(bSafe) {
		// A single capital is a side only before a lower-case word or a
		// safe acronym: "L groin", "R arm", "L PIV"; not "N.L." or an
		// initial.
		upper := sc.toks[i].f&tUpper != 0 || sc.toks[i].e-sc.toks[i].s == 1 && isUpperASCII(sc.text[sc.toks[i].s]) &&
			sc.spaced(i) && sc.alpha(i+1) && (sc.toks[i+1].f&tCap == 0 || sc.toks[i+1].f&tUpper != 0 && safeUpper[string(sc.lw(i+1))])
		if upper && safeUpper[string(lw)] || sc.toks[i].f&tCap == 0 && safeLower[string(lw)] && i > 0 && safeLowerBefore[string(sc.lw(i-1))] {
			return true
		}
		if safeMedicines[string(lw)] {
			return true
		}
		if scaleEponyms[string(lw)] && sc.spaced(i) && sc.num(i+1) {
			return true // a score: "Braden 16", "Barthel 45"
		}
		if (rareEponyms[string(lw)] && (sc.possessive(i) || eponymHead(sc, i))) || (eponyms[string(lw)] && (eponymHead(sc, i) || illnessBefore(sc, i))) {
			return true // "Crohn's", "Parkinson's disease", "has Parkinson's": a disease, not the man
		}
		if roleWords[string(lw)] && e.nf == 0 {
			return true // "Lawyer says", "Governor Kent": the role, not the name
		}
		if safeWords[string(lw)] {
			// A word that is also a frequent first name (Christian,
			// Shona) stays a name: fail closed.
			return e.nf&(nFirstHigh|nFirstTop) == 0 || sc.toks[i].f&tCap == 0
		}
	}
	if e.nf != 0 {
		return false
	}
	n := len(lw)
	plural := n > 3 && lw[n-1] == 's'
	if plural && (weekdays[string(lw[:n-1])] || monthNum[string(lw[:n-1])] != 0) {
		return true // "Fridays", "Junes": a day or month as a recurring time
	}
	// A people is no place, unless a list says the word is one: "the
	// Balkans" ends as "Albertans" does.
	// "Britian" ends as peoples do, but is a place misspelt.
	people := e.place == pkNone && (groupNoun(lw) || getTables().demonym(lw)) && !getTables().placeTypo(lw, sc.scratch[:0])
	derived := (plural && safeWords[string(lw[:n-1])]) || people || (n >= 7 && (drugStem(lw) || conditionStem(lw)))
	// A derived form is safe only when no name list knows the word
	// (Kardashian is a surname), and a clinical one only when no place
	// list does either (Perivale).
	var lists uint64 = bWorldFirst | bWorldSurname
	if !derived && n >= 7 && e.place == pkNone && clinicalForm(lw) {
		derived, lists = true, lists|bWorldPlace
	}
	return derived && getTables().world(sc, i)&lists == 0
}

// conditionEndings close the names of conditions and procedures
// ("gonorrhea", "stomatitis", "fibromyalgia", "colonoscopy").
var conditionEndings = []string{"itis", "osis", "emia", "aemia", "rrhea", "rrhoea", "algia", "pathy", "ectomy",
	"otomy", "ostomy", "plasty", "scopy", "phobia", "plegia", "megaly", "trophy", "orrhage", "iasis"}

// conditionStem reports whether w ends like a condition or procedure.
func conditionStem(w []byte) bool {
	for _, st := range conditionEndings {
		if hasSuffix(w, st) {
			return true
		}
	}
	return false
}

// clinicalPrefixes and clinicalEndings build the clinical adjectives and
// nouns of notes that no English word list holds ("tachycardic",
// "normotensive", "apyrexial", "oedematous", "eupnoeic", "dysphagia").
var (
	clinicalPrefixes = []string{"hypo", "hyper", "tachy", "brady", "dys", "normo", "eupn", "apyre", "afebr",
		"haemo", "hemo", "neuro", "cardio", "gastro", "hepato", "nephro", "pulmo", "osteo", "arthro", "dermat",
		"thrombo", "leuko", "leuco", "erythro", "cyano", "oedem", "edem", "pneum", "diaphor", "intra", "peri"}
	clinicalEndings = []string{"cardic", "cardia", "tensive", "tension", "pnoea", "pnea", "pnoeic", "pneic", "aemic", "emic",
		"uric", "uria", "phagia", "pyrexial", "pyrexic", "pyrexia", "febrile", "ematous", "oretic", "lytic", "trophic",
		"iatric", "ectal", "ocular", "aneous", "orrhoea", "esis", "ostomy", "oscopic", "lysis", "ologist", "ologists"}
)

// clinicalForm reports whether w is built as clinical vocabulary is.
func clinicalForm(w []byte) bool {
	for _, p := range clinicalPrefixes {
		if len(w) >= len(p)+3 && string(w[:len(p)]) == p {
			return true
		}
	}
	for _, e := range clinicalEndings {
		if hasSuffix(w, e) {
			return true
		}
	}
	return false
}

// drugStem reports whether w ends in a medicine stem.
func drugStem(w []byte) bool {
	if n := len(w); n < 2 || !stemEnds[w[n-2]][w[n-1]] {
		return false
	}
	for _, st := range safeStems {
		if hasSuffix(w, st) {
			return true
		}
	}
	return false
}

// labWords name lab tests and vital signs, which notes write before their
// value: "Na 131, K 5.2, Cl 98, CO2 22", "BP 120/80, HR 88".
var labWords = words(`na k cl co2 hco3 bicarb bun cr creat urea glu gluc glucose ca mg phos po4 alb tbili bili
	alt ast alp ggt ldh ck ckmb inr pt ptt aptt hb hgb hct wbc plt mcv rdw neut lymph trop tni tnt bnp
	lactate lac ph pco2 po2 pao2 paco2 fio2 spo2 sao2 sats sat hr bp sbp dbp map rr temp tmax cvp etco2
	gcs fsbg cbg bm crp esr egfr tsh hba1c ferritin st sr peep ps tv vt ve uo wt bmi`)

// lab reports whether token i names a lab test or vital sign before its
// value in a run of such pairs: two or more on its line ("BUN/Cr 32/1.4,
// Na 131", "ST 100-110s ... BP 100-120/50-60s"). There "Cl 98" is
// chloride, not a Colombian street, "CO2 22" no Colchester postcode and
// "BUN 45" no place. One pair alone says nothing ("Cl. 185 # 3-94").
func (sc *scan) lab(i int) bool {
	if !sc.lb {
		sc.lb = true
		line, pairs := 0, 0
		mark := func(end int) {
			for j := line; j < end; j++ {
				if pairs < 2 {
					sc.toks[j].f &^= tLab
				}
			}
		}
		for j := range sc.toks {
			if j > 0 && strings.IndexByte(sc.text[sc.toks[j-1].e:sc.toks[j].s], '\n') >= 0 {
				mark(j)
				line, pairs = j, 0
			}
			sc.toks[j].f &^= tLab
			if sc.toks[j].f&tAlpha == 0 || sc.toks[j].e-sc.toks[j].s > 7 || j+1 >= len(sc.toks) {
				continue
			}
			if nt := sc.toks[j+1]; isDigit(sc.text[nt.s]) && labGap(sc.text[sc.toks[j].e:nt.s]) && labWords[string(sc.lw(j))] {
				sc.toks[j].f |= tLab
				pairs++
			}
		}
		mark(len(sc.toks))
	}
	if sc.toks[i].f&tLab != 0 {
		return true
	}
	// A scale's name before its score needs no company: "MoCA 22/30".
	return i+1 < len(sc.toks) && scaleEponyms[string(sc.lw(i))] && isDigit(sc.text[sc.toks[i+1].s]) && labGap(sc.text[sc.toks[i].e:sc.toks[i+1].s])
}

// labGap reports whether g may stand between a lab's name and its value.
func labGap(g string) bool {
	switch g {
	case " ", ": ", ":", " <", " >", " <=", " >=", " = ", "=", " ~", "/":
		return true
	}
	return false
}

// labValues reports whether span s is only lab names and their values
// (lab): "BUN 45", "ST 100-110s", "Cr 32/1".
func labValues(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || sc.toks[i].s != s.Start {
		return false
	}
	if !labWords[string(sc.lw(i))] && !scaleEponyms[string(sc.lw(i))] {
		return false // before the scan-wide pass lab makes
	}
	named := false
	for ; i < len(sc.toks) && sc.toks[i].s < s.End; i++ {
		switch {
		case sc.lab(i):
			named = true
		case isDigit(sc.text[sc.toks[i].s]) && named:
		default:
			return false
		}
	}
	return named
}

// numeralsOnly reports whether span s is one number with a unit glued
// on: the tagger's "20cc" or "40mg" names nobody and nowhere. A bare
// number may be a house number the tagger took with its address, and a
// handle may open with digits ("@ 3825pat").
func numeralsOnly(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || sc.toks[i].s != s.Start {
		return false
	}
	if sc.toks[i].e != s.End {
		// "100/hr", tokenized apart.
		return i+1 < len(sc.toks) && sc.toks[i+1].e == s.End && sc.gap(i) == "/" && allDigitBytes(sc.lw(i)) && numberUnits[string(sc.lw(i+1))]
	}
	w := sc.lw(i)
	k := 0
	for k < len(w) && (isDigit(w[k]) || w[k] == '.') {
		k++
	}
	u := w[k:]
	if len(u) > 1 && u[0] == '/' {
		u = u[1:] // "100/hr"
	}
	return k > 0 && k < len(w) && numberUnits[string(u)]
}

// afterTitle reports whether a capitalised span s, not in capitals, comes
// right after a title ("Mrs", "Dr.", "ms.").
func afterTitle(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i <= 0 || sc.toks[i].s != s.Start || sc.toks[i].f&tCap == 0 || sc.toks[i].f&tUpper != 0 {
		return false // "Dr ABG" in a note is shorthand
	}
	g := sc.gap(i - 1)
	return (g == " " || g == ". ") && surnameTitles[string(sc.lw(i-1))] && sc.toks[i-1].f&tUpper == 0 // "MS Teams"
}

// surnameTitles come before a surname, never before a role: "Mrs Aki", but
// "Lord Mayor", "Lord President".
var surnameTitles = words(`mr mrs ms mx miss dr prof`)

// numberUnits are the units notes glue to a number.
var numberUnits = words(`cc ml mls l mg mcg ug g kg mmol meq u iu units hr hrs h min mins cm mm m km ft`)

// dropSafe removes the spans of the model, the gazetteers and cue phrases
// whose every word is safelisted (see the safelist comment above; not a
// capitalised name after a title: "Ms Aki", "Dr. Rennie") or is a
// month or weekday used as a time ("in June", "last Friday"), and a name
// span that is only the cue of an identifier found after it ("reg is AB12
// CDE": Reg is a name, but here the word for a registration).
func dropSafe(sc *scan, spans []Span) []Span {
	idAt := -1 // start of the first identifier a cue can open
	for _, s := range spans {
		if s.Label == ID && s.Source == srcPattern && (idAt < 0 || s.Start < idAt) {
			idAt = s.Start
		}
	}
	k := 0
	for _, s := range spans {
		name := s.Label == Person || s.Label == Location
		if (s.Source == srcNER || s.Source == srcGazetteer || s.Source == srcContext) && s.Label != Org && (allSafe(sc, s) && !(s.Label == Person && afterTitle(sc, s)) || name && (disfluent(sc, s) || everydayUse(sc, s) || s.Source == srcNER && plainWords(sc, s) || placeKind(sc, s) || placeAsModifier(sc, s) || dwelling(sc, s) || peoplesPlace(sc, s) || s.Source == srcNER && numeralsOnly(sc, s)) || labValues(sc, s) || idAt >= 0 && codeCueBefore(sc, s, spans)) {
			continue
		}
		spans[k] = s
		k++
	}
	return spans[:k]
}

// disfluent reports whether span s is a speaker's false start or a
// hyphenated compound of everyday words: words joined by hyphens ("I-I'm",
// "you-you've", "W-why", "a-it", "my-when", "full-time"), each a pronoun,
// a function word, a contraction's ending, the start of the next word or
// an everyday English word that no name list knows. A part that is a
// first name or surname keeps the span ("Chris-Christian", "Grace-May").
func disfluent(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 {
		return false
	}
	hyphen := false
	for ; i < len(sc.toks) && sc.toks[i].s < s.End; i++ {
		if sc.toks[i].e > s.End || sc.toks[i].s < s.Start || !sc.alpha(i) {
			return false
		}
		if sc.toks[i].e < s.End {
			switch sc.gap(i) {
			case "-":
				hyphen = true
			case "'", "\u2019", " ":
			default:
				return false
			}
		}
		e := sc.lex(i)
		switch {
		case i > 0 && sc.toks[i].s > s.Start && sc.apostropheAfter(i-1) != nil && contractionTails[string(sc.lw(i))]:
		case e.is(bPronoun|bFunction) || nameDeterminers[string(sc.lw(i))]: // "my-when", whatever name lists say of "My"
		case stutter(sc, i):
		case e.nf == 0 && e.place == pkNone && e.wc == wCommon && (sc.toks[i].f&tCap == 0 || sc.sentStart(i) || sc.isWord(i, "i")):
		default:
			return false
		}
	}
	return hyphen
}

// plainWords reports whether span s is only lower-case English words that
// no list of names or places knows, in any language: "investigative
// powers", "chorizo", "height", "the stroke ward" (departmentHeads after
// them name a department); or words on no list at all with an
// English ending ("Ambulated"). The tagger alone proposes such spans in
// lower-case text; a real name written in lower case is nearly always on
// a list ("summer", "leeds", "calgary", "rice"), and cue phrases ("a dog
// called biscuit") are the context recognizer's, which this does not drop.
func plainWords(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || sc.toks[i].s != s.Start {
		return false
	}
	t := getTables()
	first := i
	for ; i < len(sc.toks) && sc.toks[i].s < s.End; i++ {
		if sc.toks[i].e > s.End || !sc.alpha(i) || sc.toks[i].f&tUpper != 0 {
			return false
		}
		if sc.toks[i].f&tCap == 0 && i > first && sc.toks[i].e == s.End && departmentHeads[string(sc.lw(i))] {
			// A hospital's department after plain words is no place's
			// name: "the stroke ward", "the oncology unit".
			continue
		}
		if sc.toks[i].f&tCap == 0 && safe(sc, i) && !safePeople[string(sc.lw(i))] {
			// "nicotinic stomatitis": shorthand or a medicine among plain
			// words ("papa censor" may be a person: see safePeople).
			continue
		}
		e := sc.lex(i)
		// A capitalised word counts only when it is on no word list
		// either and ends as English verbs and adjectives do
		// ("Ambulated", "Diaphoretic"): a word the lists lack.
		word := sc.toks[i].f&tCap == 0 && e.wc != wNone ||
			e.wc == wNone && sc.toks[i].e-sc.toks[i].s >= 5 && wordEnding(sc.lw(i)) && !sc.has(sc.nextWord(i), bNameVerb)
		// The world lists hold nearly every English noun as somebody's
		// surname or some hamlet ("courage", "downtown"): for an everyday
		// or rarer word in lower case only their first names count. The UK lists
		// (nf, place) always do.
		lists := bWorldFirst | bWorldSurname | bWorldPlace
		if sc.toks[i].f&tCap == 0 && e.wc != wNone && !geoHeads[string(sc.lw(i))] {
			lists = bWorldFirst // but "the lakes", "the dales" name regions
		}
		if !word || e.nf != 0 || e.place != pkNone || t.world(sc, i)&lists != 0 {
			return false
		}
	}
	return true
}

// departmentHeads name a hospital's departments after a specialty: "the
// stroke ward", "the pain clinic".
var departmentHeads = words(`ward wards unit clinic clinics department dept team service bay`)

// everydayUse reports whether name span s is one word used as an everyday
// word here, whatever the lists say it may name: the tagger's span with no
// letter at all ("meet @ 5"), a lower-case everyday word right after a
// subject pronoun as a person ("i mark my mood": there it is a verb), or
// one after a verb and "to" ("starting to settle in"). A
// number the rules took (a house number) is theirs to keep. "in the bath" stays a place:
// pubs are named so in chat ("a quiz night at the crown").
func everydayUse(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || sc.toks[i].s != s.Start || sc.toks[i].e != s.End {
		return false
	}
	if sc.toks[i].f&tAlpha == 0 {
		return s.Source == srcNER
	}
	e := sc.lex(i)
	if !sc.alpha(i) || sc.toks[i].f&tCap != 0 || e.wc != wCommon {
		return false
	}
	p := i - 1
	if p < 0 || sc.gap(p) != " " || !sc.alpha(p) {
		return false
	}
	if sc.isWord(p, "to") && p > 0 && sc.gap(p-1) == " " && infinitiveCues[string(sc.lw(p-1))] {
		return true // a verb after "starting to", "want to": "starting to settle in"
	}
	return s.Label == Person && subjectPronouns[string(sc.lw(p))]
}

// placeKind reports whether name span s is only a lower-case noun for a
// kind of place after "the" or a possessive, with or without the article:
// "in the bath", "near the park", "in the city", "at my gym". That is a
// description, however many places are also called so; written "The
// Park" or "Bath" it stays a name. Pubs are not kinds of place ("at the
// crown" stays), nor are the plural heads of regions ("the lakes"). With
// words before the head it stays: "the northern general" is a hospital,
// "the peak district" a park. An institution with no article at all ("from
// church", "in hospital") is one too.
func placeKind(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || sc.toks[i].s != s.Start {
		return false
	}
	if sc.isWord(i, "the") && sc.toks[i].f&tCap == 0 && i+1 < len(sc.toks) && sc.spaced(i) {
		i++
	} else if p := i - 1; p >= 0 && sc.gap(p) == " " && bareBefore[string(sc.lw(p))] && bareInstitutions[string(sc.lw(i))] &&
		sc.toks[i].e == s.End && sc.toks[i].f&tCap == 0 {
		return true // an institution with no article is the activity: "my friend from church", "at school"
	} else if p < 0 || sc.gap(p) != " " || !placeDeterminers[string(sc.lw(p))] {
		return false
	}
	if sc.toks[i].e != s.End || !sc.alpha(i) || sc.toks[i].f&tCap != 0 {
		return false
	}
	w := string(sc.lw(i))
	if chatPlaceKinds[w] {
		return true // "the foodbank", "the chippy": on no word list, still a kind of place
	}
	if sc.lex(i).wc != wCommon {
		return false
	}
	return placeKinds[w] || sc.has(i, bFacility) && !geoHeads[w]
}

// bareInstitutions are the places English names with no article for what
// is done there ("from church", "at school", "in hospital"), and
// bareBefore the prepositions before them.
var (
	bareInstitutions = words(`church chapel mosque temple synagogue gurdwara school college uni university hospital prison court`)
	bareBefore       = words(`at from to in into after before for during`)
)

// peoplesPlace reports whether span s is a people's or faith's word and a
// kind of place in lower case: "the Quaker house", "a Sunni mosque", "the
// Polish shop" say what kind of place, not which.
func peoplesPlace(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || i+1 >= len(sc.toks) || sc.toks[i].s != s.Start || !sc.alpha(i) || !safePeople[string(sc.lw(i))] || sc.lex(i).is(bKin) || compassWords[string(sc.lw(i))] {
		return false
	}
	heads := 0
	for j := i + 1; j < len(sc.toks) && sc.toks[j].s < s.End; j++ {
		if sc.toks[j].e > s.End || !sc.spaced(j-1) || !sc.alpha(j) || sc.toks[j].f&tCap != 0 || !sc.has(j, bFacility) || geoHeads[string(sc.lw(j))] || sc.has(j, bStreet) {
			return false
		}
		heads++
	}
	return heads > 0
}

// placeAsModifier reports whether span s is one lower-case everyday word
// that some place is also called, used before a facility noun, with or
// without the noun: "the rugby club", "a reading room", "the bath house".
// There it says what kind of facility, not where; "moved to reading",
// "Rugby Club" and "lake district" stay.
func placeAsModifier(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || i+1 >= len(sc.toks) || sc.toks[i].s != s.Start || !sc.alpha(i) || sc.toks[i].f&tCap != 0 {
		return false
	}
	// The span is the modifier, or the modifier and the head: "the rugby
	// club" either way.
	if end := sc.toks[i].e; end != s.End && !(sc.toks[i+1].e == s.End && sc.spaced(i) && modifiedHeads[string(sc.lw(i+1))]) {
		return false
	}
	e := sc.lex(i)
	return e.wc == wCommon && e.place != pkNone && sc.spaced(i) && sc.alpha(i+1) && sc.toks[i+1].f&tCap == 0 && sc.has(i+1, bFacility)
}

// modifiedHeads are the facility nouns a place word describes when the
// tagger takes both ("the rugby club"); a region's or a street's head
// ("lake district", "coronation walk") makes a name.
var modifiedHeads = words(`club clubs room rooms house pool gym`)

// dwelling reports whether span s describes a home in lower case, maybe
// with a small number: "2 bed flat", "3 bedroom house", "2 story house".
// That says what kind of home, not which.
func dwelling(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || sc.toks[i].s != s.Start {
		return false
	}
	if sc.toks[i].f&tAlpha == 0 && sc.toks[i].e-sc.toks[i].s <= 2 && sc.spaced(i) {
		i++ // the number of beds or storeys
	}
	for ; i < len(sc.toks) && sc.toks[i].e < s.End; i++ {
		if !sc.alpha(i) || sc.toks[i].f&tCap != 0 || !sc.has(i, bGeneric) || !sc.spaced(i) {
			return false
		}
	}
	return i < len(sc.toks) && sc.toks[i].e == s.End && sc.toks[i].f&tCap == 0 && dwellings[string(sc.lw(i))]
}

// dwellings are the kinds of home a description ends in.
var dwellings = words(`flat house bungalow apartment maisonette home room studio`)

// placeDeterminers before a lower-case place noun make it a description.
var placeDeterminers = words(`the my our your his her their`)

// placeKinds are kinds of place that are no facility head: "the city",
// "the bath".
var placeKinds = words(`city town village bath beach countryside seaside coast centre center`)

// chatPlaceKinds are kinds of place British chat names that no word list
// holds: "the foodbank", "the jobcentre", "the chippy".
var chatPlaceKinds = words(`foodbank jobcentre chippy offy bookies launderette takeaway carvery cashpoint`)

// subjectPronouns come right before a verb, never before a name.
var subjectPronouns = words(`i we you they he she`)

// contractionTails end a contraction after its apostrophe.
var contractionTails = words(`m ve ll re s d t`)

// allSafe reports whether every token inside span s is safelisted, an
// acronym's plural or a month or weekday in a temporal context, with at
// most everyday English words and readings ("2L", "x3", "q4h") beside
// them; a span with any other word or number, or with no token, is never
// safe.
func allSafe(sc *scan, s Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 {
		return false
	}
	any, shorthand, plain := false, false, false
	for ; i < len(sc.toks) && sc.toks[i].s < s.End; i++ {
		if sc.toks[i].e > s.End || sc.toks[i].s < s.Start {
			return false
		}
		switch {
		case sc.toks[i].f&tDigit != 0 && i > 0 && scaleEponyms[string(sc.lw(i-1))]:
			// The score of a scale: "Braden 16".
		case sc.toks[i].f&tDigit != 0:
			w := sc.lw(i)
			if !reading(w) {
				return false
			}
			if !isDigit(w[0]) { // "x3", "q4h" are notation, "2l" a number
				any, shorthand = true, true
			}
		case safe(sc, i) || timeWord(sc, i):
			any = true
			shorthand = shorthand || !safePeople[string(sc.lw(i))]
		case sc.acronymPlural(i): // "DVDs", "MPs"
			any, shorthand = true, true
		case joinedShort(sc, i): // the "E" of "A&E", "M&S", "Q&A"; the "s" of "s/p"
			any, shorthand = true, true
		case safePair(sc, i) || i > 0 && safePair(sc, i-1):
			// "Tai Chi": a safelisted two-word term, whatever its words
			// are alone (Tai and Chi are also first names).
			any, shorthand = true, true
		case classNumeral(sc, i) || i > 0 && classNumeral(sc, i-1):
			// "Type II", "Stage IV": a classification, not a regnal
			// number.
			any, shorthand = true, true
		case plainEnglish(sc, i):
			plain = true
		default:
			return false
		}
	}
	return any && (!plain || shorthand)
}

// safePairs are safelisted terms of two tokens, keyed "first_second":
// two words ("tai chi") or one word with an apostrophe inside ("ma'am").
var safePairs = words(`tai_chi ma_am cold_turkey middle_eastern kia_ora yada_yada déjà_vu deja_vu cath_lab sri_lankan sri_lankans new_zealander new_zealanders
	yorkshire_pudding yorkshire_puddings yorkshire_tea brussels_sprouts brussel_sprouts swiss_roll bakewell_tart eccles_cake eccles_cakes
	cumberland_sausage cumberland_sausages lancashire_hotpot cheddar_cheese dijon_mustard victoria_sponge cornish_pasty cornish_pasties
	scotch_egg scotch_eggs welsh_rarebit danish_pastry french_fries french_toast turkish_delight irish_stew
	h_pylori c_diff c_difficile e_coli`)

// safePair reports whether tokens i and i+1, one space or an apostrophe
// apart, are a safe pair.
func safePair(sc *scan, i int) bool {
	if i+1 >= len(sc.toks) || !sc.alpha(i) || !sc.alpha(i+1) {
		return false
	}
	if g := sc.gap(i); g != " " && g != "'" && g != "’" && !(g == ". " && sc.toks[i].e-sc.toks[i].s == 1) { // "H. pylori"
		return false
	}
	return safePairs[string(sc.lw(i))+"_"+string(sc.lw(i+1))]
}

// classWords take a Roman numeral after them as a class: "Type II
// diabetes", "Stage IV", "Grade III", "Class II".
var classWords = words(`type stage grade class phase level category tier`)

// classNumeral reports whether token i is a class word and token i+1,
// one space on, a Roman numeral in capitals.
func classNumeral(sc *scan, i int) bool {
	if i+1 >= len(sc.toks) || sc.gap(i) != " " || !classWords[string(sc.lw(i))] {
		return false
	}
	return sc.toks[i+1].f&tUpper != 0 && romanNumeral(sc.raw(i+1)) || sc.raw(i+1) == "I" || sc.raw(i+1) == "V"
}

// plainEnglish reports whether token i is an everyday English word in
// lower case that no name or place list knows ("stable" in "BP stable",
// "weakly" in "MAE weakly"): beside a safelisted word it does not make a
// span a name. A capital makes it part of a proper name ("Irish Sea",
// "Papa Censor").
func plainEnglish(sc *scan, i int) bool {
	e := sc.lex(i)
	return sc.alpha(i) && sc.toks[i].f&tCap == 0 && e.wc == wCommon && e.nf == 0 && e.place == pkNone
}

// reading reports whether w (lower case, with a digit) is a clinical
// reading rather than part of an identifier: a number with a unit ("2l",
// "650mg"), a frequency ("q4h") or an orientation score ("x3", "aox3").
func reading(w []byte) bool {
	k := 0
	for k < len(w) && !isDigit(w[k]) {
		k++
	}
	switch string(w[:k]) {
	case "", "x", "ox", "aox", "q":
	default:
		return false
	}
	d := k
	for k < len(w) && isDigit(w[k]) {
		k++
	}
	if k-d > 4 {
		return false
	}
	return k == len(w) && d > 0 || readingUnits[string(w[k:])]
}

// firstTokenFrom returns the index of the first token starting at or after byte
// offset p, or -1.
func firstTokenFrom(sc *scan, p int) int {
	lo, hi := 0, len(sc.toks)
	for lo < hi {
		m := (lo + hi) / 2
		if sc.toks[m].s < p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo >= len(sc.toks) {
		return -1
	}
	return lo
}

// timeCues before a month or weekday make it a time: "in June", "last
// Friday", "since April".
var timeCues = words(`in on since until till til by before after during last next this every each early late mid
	of from through throughout around end start beginning middle`)

// timeWord reports whether token i is a month or weekday used as a time:
// a temporal word before it, or a day number or year right after it
// ("June 2021", "March 3rd").
func timeWord(sc *scan, i int) bool {
	if !sc.has(i, bMonth|bWeekday) {
		return false
	}
	if p := sc.prevWord(i); p >= 0 && timeCues[string(sc.lw(p))] {
		return true
	}
	if p := sc.prevWord(i); p >= 0 && sc.toks[p].f&tDigit != 0 { // "3 June"
		return true
	}
	if k := sc.nextWord(i); k >= 0 && sc.toks[k].f&tDigit != 0 {
		return true
	}
	return false
}

// groupSuffixes end nouns and adjectives of peoples, faiths and movements
// ("Palestinian", "Shiites", "Methodists", "Sudanese"). A word with one
// that no name list knows (Kardashian is a surname) is not a name.
var groupSuffixes = []string{"ian", "ians", "ese", "ists", "ites", "ite", "ans"}

func groupNoun(w []byte) bool {
	if len(w) < 6 {
		return false
	}
	for _, suf := range groupSuffixes {
		if hasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// roleWords are jobs and offices, which stand before a name as titles do
// ("Governor Kent", "Defense Secretary Chuck Hagel") and stay when the
// name goes. One that is also a surname on the name lists (Judge,
// Chancellor, Bishop) is not taken: it may be the name.
var roleWords = words(`lawyer lawyers solicitor solicitors barrister attorney governor officer officers
	spokesman spokeswoman spokesperson minister ministers president chairman chairwoman senator senators
	mayor inspector sergeant sgt detective constable commissioner superintendent lieutenant colonel admiral
	ambassador envoy coroner councillor mp mps mep secretary premier chief editor director ceo official
	officials prosecutor prosecutors`)

// eponyms name diseases and scales after people and places. They are
// safe only in the eponym's own shape, "Parkinson's disease", "Glasgow coma
// scale": the same word alone may be a patient's surname or town.
// rareEponyms are rarely anything else, so their possessive alone is
// enough ("Crohn's", "Alzheimer's").
var eponyms = words(`parkinson parkinsons huntington huntingtons addison addisons cushing cushings lyme bell
	bells graves wilson wilsons down downs still stills paget pagets bristol glasgow apgar epworth waterlow
	braden edinburgh hoyer foley swan ganz`)

var rareEponyms = words(`crohn crohns alzheimer alzheimers hodgkin hodgkins asperger aspergers tourette mcburney
	tourettes raynaud raynauds hashimoto hashimotos meniere menieres guillain barre kawasaki jehovah
	munchausen korsakoff wernicke sjogren sjögren dupuytren`)

// scaleEponyms are clinical scales named after people, written with the
// score after them ("Braden 16", "Waterlow 15", "Morse 45").
var scaleEponyms = words(`braden waterlow barthel apgar epworth morse norton
	esi moca mmse nihss gcs ciwa cows rass qsofa sofa mews apache curb wells audit abc phq gad wsas core`)

// eponymHeads follow an eponym: "Parkinson disease", "Glasgow coma scale".
var eponymHeads = words(`disease syndrome palsy lymphoma dementia chorea phenomenon encephalopathy psychosis
	sign test scale score chart stool coma sleepiness postnatal lift catheter`)

func eponymHead(sc *scan, i int) bool {
	k := sc.nextWord(i)
	if k >= 0 && string(sc.apostropheAfter(i)) == "s" {
		k = sc.nextWord(k) // past the "s" of "'s"; "Graves' disease" has none
	}
	return k >= 0 && eponymHeads[string(sc.lw(k))]
}

// illnessBefore reports whether an eponym's possessive at token i ends its
// phrase after a word that has or gets an illness: "dad has Parkinson's",
// "living with Huntington's", "diagnosed with Addison's.". "Parkinson's
// house" and "at Parkinson's" stay a person's.
func illnessBefore(sc *scan, i int) bool {
	if string(sc.apostropheAfter(i)) != "s" {
		return false
	}
	p := sc.prevWord(i)
	if p < 0 || !illnessVerbs[string(sc.lw(p))] {
		return false
	}
	k := sc.nextWord(i + 1)
	return k < 0 || !sc.spaced(i+1) || !sc.alpha(k) || sc.toks[k].f&tCap != 0 || sc.has(k, bFunction) || afterPlace[string(sc.lw(k))]
}

// illnessVerbs come before the name of an illness a person has.
var illnessVerbs = words(`has have had having got gets getting with from developed develops`)

// codeCueBefore reports whether span s is one code cue word (codeCues)
// that an ID span of the pattern recognizer follows within four tokens.
func codeCueBefore(sc *scan, s Span, spans []Span) bool {
	i := firstTokenFrom(sc, s.Start)
	if i < 0 || sc.toks[i].s != s.Start || sc.toks[i].e != s.End || !codeCues[string(sc.lw(i))] {
		return false
	}
	// Only filler words and light punctuation may stand between: "reg is",
	// "reg no:", not "Reg, passport no".
	end := s.End
	for j := i + 1; j < len(sc.toks) && j <= i+4; j++ {
		if !codeGap(sc.text[end:sc.toks[j].s]) {
			return false
		}
		for _, o := range spans {
			if o.Label == ID && o.Source == srcPattern && o.Start == sc.toks[j].s {
				return true
			}
		}
		if !codeFillers[string(sc.lw(j))] {
			return false
		}
		end = sc.toks[j].e
	}
	return false
}

// joinedShort reports whether token i is a part of an abbreviation
// written with "&" and no spaces, every part at most three letters: "A&E",
// "M&S", "B&Q", "Q&A", "AT&T", "R&D"; or with "/" and single letters, as
// notes write "s/p", "c/o", "h/o", "N/V". Such a part names no person or
// place.
func joinedShort(sc *scan, i int) bool {
	for _, c := range []struct {
		sep  string
		most int
	}{{"&", 3}, {"/", 1}} {
		short := func(j int) bool {
			return j >= 0 && j < len(sc.toks) && sc.alpha(j) && sc.toks[j].e-sc.toks[j].s <= c.most
		}
		if !short(i) {
			continue
		}
		before := i > 0 && sc.gap(i-1) == c.sep && short(i-1)
		after := i+1 < len(sc.toks) && sc.gap(i) == c.sep && short(i+1)
		if before && !(i > 1 && sc.gap(i-2) == c.sep) || after && !(i+2 < len(sc.toks) && sc.gap(i+1) == c.sep) {
			return true
		}
	}
	return false
}
