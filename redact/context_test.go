package redact

import "testing"

func TestContextRecognizer(t *testing.T) {
	runCases(t, NewContextRecognizer(false), nil, []caseT{
		// Names that are not English words fire on their own, any case.
		{text: "dave came round with priya", want: []string{"dave", "priya"}, label: Person},
		{text: "went with tasneem and kellan", want: []string{"tasneem", "kellan"}},
		{text: "Kylie minogue feel", want: []string{"Kylie minogue"}},
		{text: "it was Becky Thornbury", want: []string{"Becky Thornbury"}},
		{text: "saw natlaie and Jessqca", want: []string{"natlaie", "Jessqca"}}, // one-edit typos of frequent names
		// A determiner after a name cue, and a verb after "how to", are no names or places.
		{text: "I called my roommates, they know how to hook you", not: []string{"my", "hook"}},
		{text: "we are going to hull, she is called Hope", want: []string{"hull", "Hope"}},
		// Misspelt everyday words are not misspelt names, although two
		// edits link them ("lovin" and "alvin", "somone" and "simone").
		{text: "i am lovin it, wondering if somone could say what shoul i do, that meabs therr is more", not: []string{"lovin", "somone", "shoul", "meabs", "therr"}},
		{text: "on Friday, hadnt we, et cetera", not: []string{"Friday", "hadnt", "cetera"}},
		{text: "i have to flo-floss, the guy had been drinking", not: []string{"flo", "guy"}},
		// Names that are words need context.
		{text: "my sister Grace came", want: []string{"Grace"}, label: Person, not: []string{"sister"}},
		{text: "my cousin lily visited", want: []string{"lily"}},
		{text: "I told Will about it", want: []string{"Will"}},
		{text: "Rose said no", want: []string{"Rose"}},
		{text: "grace's mum is kind", want: []string{"grace"}},
		{text: "went to sol's on thursday", want: []string{"sol"}},
		{text: "Dr Hope and dr okonkwo and Mrs Wood", want: []string{"Hope", "okonkwo", "Wood"}, not: []string{"Dr", "dr ", "Mrs"}},
		{text: "my friend xanthe said", want: []string{"xanthe"}, not: []string{"said"}},
		{text: "her name is Joy", want: []string{"Joy"}},
		{text: "Protective factors: Ivy, Emilia.", want: []string{"Emilia"}},
		// Decoys.
		{text: "i will try", not: []string{"will"}},
		{text: "there is a grace period", not: []string{"grace"}},
		{text: "i like reading a book", not: []string{"reading"}},
		{text: "it may be fine", not: []string{"may"}},
		{text: "i hope so and i mark it", not: []string{"hope", "mark"}},
		{text: "Will you come? May I ask? Hope you're well.", not: []string{"Will", "May", "Hope"}},
		{text: "my sister will help and my mum said", not: []string{"will", "said"}},
		{text: "I saw my doctor in March", not: []string{"doctor", "March"}},
		{text: "the main road and a busy street", not: []string{"main road", "busy street"}},
		{text: "in the way, on its way, in the bath", not: []string{"way", "its", "bath"}},
		{text: "I saw my GP, ok lol", not: []string{"GP", "ok", "lol"}},
		// Places.
		{text: "i moved to leeds last year", want: []string{"leeds"}, label: Location},
		// After "mr" or "mrs", in lower case, any word is a name.
		{text: "petition for mr beast to buy it, and mrs white said no", want: []string{"beast", "white"}, not: []string{"mr", "mrs"}, label: Person},
		{text: "thank you mr, see you", not: []string{"see"}},
		// Everyday facility heads name a place only with their own capital.
		{text: "meet in the Hull Room at the Saatchi Gallery", want: []string{"Hull Room", "Saatchi Gallery"}, label: Location},
		// Care homes by name; the kind of home alone names none.
		{text: "she was admitted from Sunrise Senior Living and then went on to Meadowbank Residence", want: []string{"Sunrise Senior Living", "Meadowbank Residence"}, label: Location},
		{text: "the Care Home staff and the Nursing Home manager", not: []string{"Care Home", "Nursing Home"}},
		{text: "told Mo, gym kit and Dave room is a mess", not: []string{"gym", "room"}},
		{text: "we went to Milton Keynes", want: []string{"Milton Keynes"}, label: Location},
		{text: "stoke-on-trent is far", want: []string{"stoke-on-trent"}},
		{text: "she moved to reading", want: []string{"reading"}},
		// A club named by its town, in lower case.
		{text: "he supports everton, a big fan of everton", want: []string{"everton", "everton"}, label: Location},
		{text: "i support reading the news and they support bath time", not: []string{"reading", "bath"}},
		{text: "the band is supporting The Used, a draft Credit Support Annex", not: []string{"The", "Annex"}},
		{text: "we live in Bath now", want: []string{"Bath"}},
		{text: "went to derby for the day", want: []string{"derby"}},
		{text: "near Ystradgynlais", want: []string{"Ystradgynlais"}},
		{text: "moved to ystradgynlais", want: []string{"ystradgynlais"}},
		{text: "back from Spain and poland", want: []string{"Spain", "poland"}},
		{text: "at St James's Hospital", want: []string{"St James's Hospital"}, label: Location},
		{text: "at leeds general infirmary", want: []string{"leeds general infirmary"}},
		{text: "at the Royal Free", want: []string{"Royal Free"}},
		{text: "kids at holy trinity primary", want: []string{"holy trinity primary"}},
		{text: "at St Joseph's RC Primary", want: []string{"St Joseph's RC Primary"}},
		{text: "the University of Durham", want: []string{"University of Durham"}},
		{text: "she lives at 12 church road", want: []string{"12 church road"}},
		{text: "she lives on sandy lane", want: []string{"sandy lane"}},
		{text: "it has to take place at home, we live very close, so give way", not: []string{"take place", "very close", "way"}},
		{text: "Acacia Avenue is quiet", want: []string{"Acacia Avenue"}},
		{text: "a drink at the red lion", want: []string{"red lion"}},
		{text: "new address is 71 hillside way, sandford po15 2uq", want: []string{"71 hillside way", "sandford"}},
		{text: "the local hospital and my old school", not: []string{"local", "hospital", "old", "school"}},
		// Seas, coasts and hills, a nationality among their names.
		{text: "ferries over the English Channel and the Irish Sea", want: []string{"English Channel", "Irish Sea"}, label: Location},
		{text: "tensions on the Korean Peninsula, walks in the Malvern Hills", want: []string{"Korean Peninsula", "Malvern Hills"}},
		{text: "I love the sea, the channel was on, an English teacher", not: []string{"sea", "channel", "an", "English"}},
		// Shops and sites named with a capitalised head.
		{text: "now home to Slice Pizza, west of the Met Garage, near the Blue Water Bridges", want: []string{"Slice Pizza", "Met Garage", "Blue Water Bridges"}},
		// A pub named as two things joined by "and", after a place cue;
		// plural things and longer titles are not pubs.
		{text: "we drank at the Dog and Partridge till late, then went to the Cat and Fiddle", want: []string{"Dog and Partridge", "Cat and Fiddle"}, label: Location},
		{text: "we talked about the Democrats and Republicans, went to the Arts and Crafts Fair", not: []string{"Democrats", "Republicans", "Arts", "Crafts"}},
		// Abbreviations only places have, wherever they stand; WhatsApp's
		// "WA", the non-tender "NT" and the therapy "ACT" are not places.
		{text: "Qld police and NSW deputy premier, DPRK missiles, back in LDN", want: []string{"Qld", "NSW", "DPRK", "LDN"}, label: Location},
		{text: "Abd soft, NT/ND. Started ACT. Message me on WA", not: []string{"NT", "ACT", "WA"}},
		// Venues named with a capitalised head.
		{text: "a panic attack outside the Corn Exchange", want: []string{"Corn Exchange"}, label: Location},
		{text: "shot at the historic Red Rocks Amphitheatre, then the Sage Pavilion", want: []string{"Red Rocks Amphitheatre", "Sage Pavilion"}, label: Location},
		{text: "in the back yard at the plaza", not: []string{"yard", "plaza"}},
		// A place's abbreviation written with dots, tight or tokenised.
		{text: "snow in B . C . and the U.S., then D.C.", want: []string{"B . C", "U.S", "D.C"}, label: Location},
		// Ireland's "Co." for County names the county after it; a firm's
		// "Co." does not.
		{text: "clouds over Co . Down, then Co. Kerry and Co Clare", want: []string{"Co . Down", "Co. Kerry", "Co Clare"}},
		{text: "Smith & Co. Ltd sent it", not: []string{"Ltd"}},
		// A kin word's possessive written without its apostrophe names
		// a home, not a place.
		{text: "we stayed at my nans house, then my aunties house", not: []string{"nans", "aunties", "house"}},
		// An article is never a name ("An" is one in some lists).
		{text: "An English teacher came", not: []string{"An", "English"}},
		// Regions, ranges and rivers no list of towns holds; a people is
		// no place, but a region that ends as peoples do is.
		{text: "soldiers from the Balkans crossed the Danube into Thrace", want: []string{"Balkans", "Danube", "Thrace"}, label: Location},
		{text: "the Albertans and Palestinians met", not: []string{"Albertans", "Palestinians"}},
		{text: "flooding on the Prairies, walks in the Pennines, a trip to the Antarctic", want: []string{"Prairies", "Pennines", "Antarctic"}, label: Location},
		{text: "it's arctic outside today", not: []string{"arctic"}},
		// A headline's capitals say nothing, but a country that is also a
		// word is the country there.
		{text: "Hagel Welcomes China To Talks In Jordan", want: []string{"China", "Jordan"}, label: Location},
		// A news dateline names its town in capitals, listed or not.
		{text: "Filed.\nTUNCELI 1996-08-22\nSANTA ROSA (Reuters) - Police said", want: []string{"TUNCELI", "SANTA ROSA"}, label: Location},
		{text: "SOCCER - JAPAN WIN\nPOLICE SAID 12 MEN", not: []string{"SOCCER", "POLICE"}},
		// "US" in capitals is the country, unless the text shouts or it
		// names a currency.
		{text: "the US army sent 7 US soldiers", want: []string{"US"}, not: []string{"army", "soldiers"}, label: Location},
		{text: "LET US GO and pay in US $ now", not: []string{"US"}},
		// In lower case, "us" after "the" or before a state's noun is the
		// country; the pronoun is not.
		{text: "the us has said us troops will stay", want: []string{"us"}, label: Location},
		{text: "former us senator gary hart says", want: []string{"us"}, label: Location},
		{text: "kerry: us and russia reach agreement", want: []string{"us"}, label: Location},
		{text: "the northern territory government and the blue mountains", want: []string{"northern territory", "blue mountains"}, label: Location},
		{text: "she told us, give us a call, let us know", not: []string{"us"}},
		{text: "us and the kids, us and mum, tell us journalism is dead", not: []string{"us"}},
		// Dotted country abbreviations in lower case; "b.c." there is the era.
		{text: "delivery in the u.s. and the u.k., built 500 b.c.", want: []string{"u.s", "u.k"}, not: []string{"b.c"}, label: Location},
		{text: "more names in the u.s for areas, and in the U.K too", want: []string{"u.s", "U.K"}, label: Location},
		{text: "storms in nsw and qld, flights from nyc", want: []string{"nsw", "qld", "nyc"}, label: Location},
		// Large world places of two words or more, in lower case: on their
		// own when a word is no English word, after a place cue when every
		// word is one. A country named by two everyday words is the
		// country; by one, it needs more than a preposition.
		{text: "moved to cape town, then sao paulo, and united kingdom has sent aid", want: []string{"cape town", "sao paulo", "united kingdom"}, label: Location},
		{text: "he lives in long beach now", want: []string{"long beach"}, label: Location},
		{text: "tensions in the middle east, a fleet in the black sea, the mediterranean", want: []string{"middle east", "black sea"}, label: Location},
		{text: "it was a long beach walk, it went to china", not: []string{"long beach", "china"}},
	})
}

func TestContextKeepCountries(t *testing.T) {
	runCases(t, NewContextRecognizer(true), nil, []caseT{
		{text: "back from Spain and poland, near Leeds", want: []string{"Leeds"}, not: []string{"Spain", "poland"}},
		{text: "the US army left", not: []string{"US"}},
	})
}
