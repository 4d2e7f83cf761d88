package redact

import "testing"

// Names and places from outside the gazetteers' UK lists, in the shapes the
// common-word rule decides: capitalised mid-sentence, at a sentence start
// before a person-verb, family plurals, glued to emoji, lower-case cities.
func TestUnseenNames(t *testing.T) {
	runCases(t, NewContextRecognizer(false), nil, []caseT{
		{text: "I spoke to Wrzosek about the rota", want: []string{"Wrzosek"}},
		{text: "Szymańska said the bus was late", want: []string{"Szymańska"}, label: Person},
		{text: "we had tea with the Ołowskis again", want: []string{"Ołowskis"}},
		{text: "she messaged Thorvaldsen😂 last night", want: []string{"Thorvaldsen"}},
		{text: "the man next door Quispe shouts", want: []string{"Quispe"}},
		{text: "May said it was fine", want: []string{"May"}, label: Person},
		{text: "Dündar warned the court. Wintour herself appears", want: []string{"Dündar", "Wintour"}, label: Person},
		{text: "June felt long. Summer posted early", not: []string{"June"}},
		{text: "we drove to Zyrardow and back", want: []string{"Zyrardow"}, label: Location},
		{text: "my cousin lives in winnipeg now", want: []string{"winnipeg"}, label: Location},
		// In lower case, a word a world name list holds that no English
		// word explains; a misspelling, a word English builds and a
		// short one stay.
		{text: "yesterday berlusconi met bouchard", want: []string{"berlusconi", "bouchard"}, label: Person},
		{text: "it was horroble, soooo unsurprisingly bad", not: []string{"horroble", "soooo", "unsurprisingly"}},
		// Any lower-case word no English list (SCOWL up to size 70) knows
		// and none of the above explains; laughter, a word broken off, a
		// medicine and a clinician's title stay.
		{text: "watched hangwani and fouseytube again", want: []string{"hangwani", "fouseytube"}, label: Person},
		{text: "my name is visit phunnarungsi", want: []string{"phunnarungsi"}, label: Person},
		{text: "diolch yn fawr am eich help heddiw", not: []string{"diolch", "fawr", "heddiw"}},
		// A country or large city misspelt by one letter, even where it
		// ends as a people does; a people is no misspelling.
		{text: "i live in Britian, we flew to germnay, he is from Scotlnd", want: []string{"Britian", "germnay", "Scotlnd"}, label: Location},
		{text: "the Romanians met an Albertan", not: []string{"Romanians", "Albertan"}},
		{text: "hahahaha the daycare stressors, the situa-- the thing, phenelzine, a respirologist, https", not: []string{"hahahaha", "daycare", "stressors", "situa", "phenelzine", "respirologist", "https"}},
		{text: "she flew in from Tegucigalpa", want: []string{"Tegucigalpa"}},
		{text: "love this from #dianeabbott and ColinDoyle", want: []string{"dianeabbott", "ColinDoyle"}},
		// Decoys: safelisted words, sentence-start words, acronyms,
		// hashtags, months as time, nationalities and faiths.
		{text: "Started Fluvoxamine and Escitalopram", not: []string{"Fluvoxamine", "Escitalopram"}},
		{text: "Honestly I think so. Anyway it went fine", not: []string{"Honestly", "Anyway"}},
		{text: "the NHS and the DWP sent letters", not: []string{"NHS", "DWP"}},
		{text: "loved it #Blessed #Mondays", not: []string{"Blessed", "Mondays"}},
		{text: "since March things are worse, and in June too", not: []string{"March", "June"}},
		{text: "the Palestinians and Sudanese and Methodists", not: []string{"Palestinians", "Sudanese", "Methodists"}},
		{text: "Chechen rebels, Zairean troops, Basque and Pashtun elders", not: []string{"Chechen", "Zairean", "Basque", "Pashtun"}},
		{text: "she speaks Tigrinya and watches Netflix", not: []string{"Tigrinya", "Netflix"}},
		{text: "the markdown file and a jackhammer and headphones", not: []string{"markdown", "jackhammer", "headphones"}},
		// Everyday words run together as a hashtag without its "#"; a
		// first name and a surname run together are still a name.
		{text: "so true FakeNews and SayNoToButter, ShareTheLove", not: []string{"FakeNews", "SayNoToButter", "ShareTheLove"}},
		{text: "thanks to DaveWilson and MaryGreen and WillSmith", want: []string{"DaveWilson", "MaryGreen", "WillSmith"}},
		// Misspellings one edit from an everyday word, on no name list.
		{text: "what a Ledgend, ok Becuase the Diffrence is huge", not: []string{"Ledgend", "Becuase", "Diffrence"}},
		// At a sentence start, a word on no list at all is a name, unless
		// English words build it: held letters, affixes, two words.
		{text: "Wrzesniak made headlines. Then Kowalczuk, whose son left", want: []string{"Wrzesniak", "Kowalczuk"}},
		{text: "Soooo tasty. Unsurprisingly not. Fantastical stuff. Bestselling book", not: []string{"Soooo", "Unsurprisingly", "Fantastical", "Bestselling"}},
		{text: "Ruminative about money. Ruminatively so. Unforgivably late", not: []string{"Ruminative", "Ruminatively", "Unforgivably"}},
		// An age between commas after a name, as news gives it.
		{text: "Two years later, Jutting, now 31, is on trial; in March, 12, met", want: []string{"Jutting"}, not: []string{"March"}, label: Person},
		// Only a person is born: an everyday word that is a name, then.
		{text: "Cotton was born in 1832. The baby was born at 3.", want: []string{"Cotton"}, not: []string{"baby"}, label: Person},
		// An everyday word that is a surname, as a sentence's subject.
		{text: "In 2011, Blunt was named ambassador, and Cotton said no", want: []string{"Blunt", "Cotton"}, label: Person},
		{text: "the Park was busy, and Water is wet", not: []string{"Water"}},
		// Clinical words of notes, by their endings or their parts.
		{text: "Extubated at 2. Diuresing well. Normotensive, Oedematous ankles. Tachycardic. Apyrexial.", not: []string{"Extubated", "Diuresing", "Normotensive", "Oedematous", "Tachycardic", "Apyrexial"}},
		// The people of a country the lists know, by its English ending.
		{text: "Dominican monks and Angolan food, said the Togolese", not: []string{"Dominican", "Angolan", "Togolese"}},
		{text: "a young Corsican officer met Wrzesniakan", want: []string{"Wrzesniakan"}, not: []string{"Corsican"}},
		// Letters English does not use make a name of a capitalised word
		// at a sentence start and where every word is capitalised, however
		// short; English words and loanwords with accents stay.
		{text: "Hà said she would come. Lê too.", want: []string{"Hà", "Lê"}, label: Person},
		{text: "Contact Hà Tấn Vũ Today About The Flat", want: []string{"Hà", "Tấn", "Vũ"}},
		{text: "Café Society. Déjà vu again. Naïve Of Me. Señora Ready?", not: []string{"Café", "Déjà", "Naïve", "Señora"}},
		// A capitalised text that is a list of names, not a headline: the
		// world lists decide; a note's medicines and labs are no names.
		{text: "Results : Crespo ( Argentina ) beat Woodbridge ( Australia ) 6-4", want: []string{"Crespo"}},
		{text: "Goalscorers : Kluivert 12 , Litmanen 88 , Sheringham 90", want: []string{"Kluivert", "Litmanen"}},
		{text: "Meds : Fluvoxamine 100mg , Sertraline 50mg , Olanzapine 5mg", not: []string{"Fluvoxamine", "Sertraline", "Olanzapine"}},
		{text: "Started Fluvoxamine And Escitalopram", not: []string{"Fluvoxamine", "Escitalopram"}},
		{text: "Na 138, K 4.2, Cl 101, Hb 12.4", not: []string{"Na", "Cl", "Hb"}},
		// In a headline, where every word is capitalised, a word no
		// English list knows that a name or place list holds; the
		// headline's other words stay.
		{text: "Cleveland Kidnapper Found Hanging In Prison Cell", want: []string{"Cleveland"}, not: []string{"Kidnapper", "Hanging", "Prison"}},
		{text: "Hagel Welcomes China To Talks On Cyber Security", want: []string{"Hagel"}, not: []string{"Welcomes", "Talks", "Cyber"}},
		{text: "Netflix Unveils New Plans For Streaming Fans", not: []string{"Netflix", "Unveils", "Streaming"}},
		// In a text written in capitals, a long word no English word list
		// knows is a name; acronyms, held letters and a note's words are not.
		{text: "RUGBY UNION - CUTTITTA BACK FOR ITALY AFTER A YEAR", want: []string{"CUTTITTA"}},
		{text: "PT ALERT, PERRLA, AFEBRILE, TACHYCARDIC, EXTUBATED. SOOOO ANGRYYYY", not: []string{"PERRLA", "AFEBRILE", "TACHYCARDIC", "EXTUBATED", "SOOOO", "ANGRYYYY"}},
		// A name one edit from a word stays a name when a list knows it.
		{text: "I spoke to Mabel and Brian about it", want: []string{"Mabel", "Brian"}},
	})
}

// The world lists hold every accented name also as English text writes it
// without accents: "Rúnar" is found as "Runar", "Gdańsk" as "Gdansk".
func TestWorldListsUnaccented(t *testing.T) {
	tb := getTables()
	for _, c := range []struct {
		w    string
		bits uint64
	}{
		{"rúnar", bWorldFirst}, {"runar", bWorldFirst},
		{"gdańsk", bWorldCity}, {"gdansk", bWorldCity},
	} {
		if got := tb.worldBits([]byte(c.w)); got&c.bits == 0 {
			t.Errorf("%q: world bits %b lack %b", c.w, got, c.bits)
		}
	}
}
