package redact

import (
	"strings"
	"testing"
)

func TestPatternRecognizer(t *testing.T) {
	runCases(t, NewPatternRecognizer(), nil, []caseT{
		// NHS numbers: mod 11, any spacing.
		{text: "my nhs number is 943 476 5919 ok", want: []string{"943 476 5919"}, label: NHSNumber},
		{text: "nhs 9434765919.", want: []string{"9434765919"}, label: NHSNumber},
		{text: "no 943-476-5919", want: []string{"943-476-5919"}, label: NHSNumber},
		{text: "i got 9434765918 back", want: []string{"9434765918"}, label: ID}, // fails mod 11: a long number, not NHS_NUMBER
		{text: "ref 1234567890 please", want: []string{"1234567890"}, label: ID}, // fails mod 11, cued: ID
		// Phones.
		{text: "call 07700 900123", want: []string{"07700 900123"}, label: Phone},
		{text: "call 07700900123!", want: []string{"07700900123"}, label: Phone},
		{text: "or +44 7700 900123", want: []string{"+44 7700 900123"}, label: Phone},
		{text: "or +44 (0)113 496 0000", want: []string{"+44 (0)113 496 0000"}, label: Phone},
		{text: "landline 0113 496 0000", want: []string{"0113 496 0000"}, label: Phone},
		{text: "(0113) 496-0000", want: []string{"0113) 496-0000"}, label: Phone},
		{text: "0800 123 4567 free", want: []string{"0800 123 4567"}, label: Phone},
		{text: "ring 999 or 111 or 116 123", not: []string{"999", "111", "116 123"}},
		// Email, URL, IP.
		{text: "email me: jo.bloggs+nhs@mail.co.uk.", want: []string{"jo.bloggs+nhs@mail.co.uk"}, label: Email, not: []string{"me"}},
		{text: "see https://www.nhs.uk/mental-health/ today", want: []string{"https://www.nhs.uk/mental-health/"}, label: URL, not: []string{"today"}},
		{text: "www.mind.org.uk, or facebook.com/groups/xyz", want: []string{"www.mind.org.uk", "facebook.com/groups/xyz"}, label: URL},
		{text: "i was tired.Then i slept", not: []string{"tired", "Then"}},
		{text: "from 192.168.0.12 and 2001:db8::ff00:42:8329", want: []string{"192.168.0.12", "2001:db8::ff00:42:8329"}, label: IP},
		{text: "version 1.2.3 at 10:30:15", not: []string{"1.2.3", "10:30:15"}},
		// Postcodes.
		{text: "LS6 2AB", want: []string{"LS6 2AB"}, label: Postcode},
		{text: "i'm at ls62ab now", want: []string{"ls62ab"}, label: Postcode},
		{text: "sw1a 1aa or EC1A 1BB", want: []string{"sw1a 1aa", "EC1A 1BB"}},
		{text: "i live in LS6 now", want: []string{"LS6"}, label: Postcode},
		{text: "the LS6 area", want: []string{"LS6"}, label: Postcode},
		{text: "LS6 is a district", want: []string{"LS6"}, label: Postcode},
		{text: "moved from M1 to SW19, WC2 area", want: []string{"M1", "SW19", "WC2"}, label: Postcode},
		{text: "on the M1, took B12, an A4 page, ls6 alone, CH4 news", not: []string{"M1", "B12", "A4", "ls6", "CH4"}},
		{text: "codes LS6-2 and AB/LS6 stay", not: []string{"LS6"}},
		// Non-geographic postcodes.
		{text: "to GIR 0AA or BX1 1LT or bx11lt", want: []string{"GIR 0AA", "BX1 1LT", "bx11lt"}, label: Postcode},
		{text: "to XM4 5HQ, BS98 1TL or NE98 1ZZ", want: []string{"XM4 5HQ", "BS98 1TL", "NE98 1ZZ"}, label: Postcode},
		{text: "write to BFPO 105, BFPO105, or SAN TA1, ASCN 1ZZ, STHL1ZZ, GX11 1AA", want: []string{"BFPO 105", "BFPO105", "SAN TA1", "ASCN 1ZZ", "STHL1ZZ", "GX11 1AA"}, label: Postcode},
		{text: "a B12 deficiency, an A4 page, an mp3", not: []string{"B12", "A4", "mp3"}},
		{text: "QQ1 2AB is not an area", not: []string{"QQ1 2AB"}},
		// National Insurance numbers.
		{text: "ni AB 12 34 56 C", want: []string{"AB 12 34 56 C"}, label: NINumber},
		{text: "nino ab123456c", want: []string{"ab123456c"}, label: NINumber},
		// Invalid prefixes: not NI numbers, but still redacted as codes.
		{text: "QQ123456C is invalid", want: []string{"QQ123456C"}, label: ID},
		{text: "DA123456A is invalid", want: []string{"DA123456A"}, label: ID},
		{text: "ni number AB123456", want: []string{"AB123456"}, label: NINumber},
		// Dates.
		{text: "on 12/03/2023 and 2023-03-12 and 1.4.22", want: []string{"12/03/2023", "2023-03-12", "1.4.22"}, label: Date},
		{text: "since 3rd March", want: []string{"3rd March"}, label: Date},
		{text: "March 3rd 2023", want: []string{"March 3rd 2023"}, label: Date},
		{text: "the 5th of june", want: []string{"the 5th of june"}, label: Date},
		{text: "mon 4th", want: []string{"mon 4th"}, label: Date},
		{text: "Tuesday the 5th", want: []string{"Tuesday the 5th"}, label: Date},
		{text: "started in March 2023", want: []string{"March 2023"}, label: Date},
		{text: "on 5 may", want: []string{"5 may"}, label: Date},
		{text: "from 3rd-5th march", want: []string{"3rd-5th march"}, label: Date},
		{text: "on 12/03 at 3pm", want: []string{"12/03"}, label: Date, not: []string{"3pm"}},
		{text: "moved in 2019 at 10pm, scored 14, scored 14/27", not: []string{"2019", "10pm", "14", "14/27"}},
		{text: "3-4 times a week for 2 weeks, 10:30", not: []string{"3-4", "2", "10:30"}},
		{text: "it may be fine, i may 3 times", not: []string{"may be", "may 3"}},
		{text: "in march, in May", not: []string{"march", "May"}},
		{text: "march 3 weeks", not: []string{"march"}},
	})
}

// Phone numbers with any country code (ITU-T E.164: up to 15 digits, in
// the groupings countries use), North American 3-3-4, and cued numbers.
func TestPatternPhones(t *testing.T) {
	runCases(t, NewPatternRecognizer(), nil, []caseT{
		{text: "call +1 212 555 0123 now", want: []string{"+1 212 555 0123"}, label: Phone},
		{text: "or +1 (212) 555-0123.", want: []string{"+1 (212) 555-0123"}, label: Phone},
		{text: "+33 1 23 45 67 89 in paris", want: []string{"+33 1 23 45 67 89"}, label: Phone},
		{text: "+49 30 12345678, +49-30-1234-5678", want: []string{"+49 30 12345678", "+49-30-1234-5678"}, label: Phone},
		{text: "my number +353 87 123 4567", want: []string{"+353 87 123 4567"}, label: Phone},
		{text: "+61 4 1234 5678 or +61.412.345.678", want: []string{"+61 4 1234 5678", "+61.412.345.678"}, label: Phone},
		{text: "E.164 +14155552671 and +919876543210", want: []string{"+14155552671", "+919876543210"}, label: Phone},
		{text: "ring 0033 1 23 45 67 89", want: []string{"0033 1 23 45 67 89"}, label: Phone},
		{text: "+86 10 1234 5678 and +7 495 123-45-67", want: []string{"+86 10 1234 5678", "+7 495 123-45-67"}, label: Phone},
		{text: "us office 212-555-0123 or (415) 555 2671 or 1-800-555-0199", want: []string{"212-555-0123", "(415) 555 2671", "1-800-555-0199"}, label: Phone},
		{text: "tel: 612 345 678", want: []string{"612 345 678"}, label: Phone},
		{text: "at 425 882-9090, 555-123-4567 or 212 555 0123", want: []string{"425 882-9090", "555-123-4567", "212 555 0123"}, label: Phone},
		{text: "placeholder 123-456-7890 ok", want: []string{"123-456-7890"}, label: Phone},
		{text: "call 555-1234", want: []string{"555-1234"}, label: Phone},
		// The national part of an international number is not an NHS
		// number, whatever its check digit (943 476 5919 passes it).
		{text: "call +1 943 476 5919 or +1 (943) 476-5919", want: []string{"+1 943 476 5919", "+1 (943) 476-5919"}, label: Phone},
		{text: "+353 943 476 5919", want: []string{"+353 943 476 5919"}, label: Phone},
		// UK forms keep working.
		{text: "call +44 7700 900123 or 07700 900123 or 0044 20 7946 0123", want: []string{"+44 7700 900123", "07700 900123", "0044 20 7946 0123"}, label: Phone},
		// Other countries' national formats, and a short one in a field.
		{text: "to 0480 46 08 85, 04.47.64.53.88, 06-56626026 or 21 218 920 4879", want: []string{"0480 46 08 85", "04.47.64.53.88", "06-56626026", "21 218 920 4879"}, label: Phone},
		{text: "Desk: 94 50 72\nPhone: 35 86 37", want: []string{"94 50 72", "35 86 37"}, label: Phone},
		{text: "messages to (42) 508-193 or (91) 4696-3487", want: []string{"(42) 508-193", "(91) 4696-3487"}, label: Phone},
		// Not phones: scores, short numbers, a plus sum, a ZIP+4 code.
		{text: "scored +5 and +12, 3 + 4 = 7, 1 2 3 4 5 6 7 8", not: []string{"5", "12", "4", "7", "8"}},
		{text: "PHQ 18 16 14 12 10, DGO 08279-8871, desk 94 50 72", not: []string{"18 16 14 12 10", "08279-8871", "94 50 72"}},
	})
}

// NHS numbers: whole or 3-3-4, or any grouping after "nhs"; ten digits in
// another grouping that happen to pass the check digit are an ID.
func TestPatternNHSGrouping(t *testing.T) {
	runCases(t, NewPatternRecognizer(), nil, []caseT{
		{text: "9434765919", want: []string{"9434765919"}, label: NHSNumber},
		{text: "943 476 5919", want: []string{"943 476 5919"}, label: NHSNumber},
		{text: "my nhs number is 94347 65919", want: []string{"94347 65919"}, label: NHSNumber},
		{text: "nhs no. 9434 765 919", want: []string{"9434 765 919"}, label: NHSNumber},
		{text: "order 94347 65919", want: []string{"94347 65919"}, label: ID},
		{text: "it was 9434 765 919 i think", want: []string{"9434 765 919"}, label: ID},
	})
}

// Identifiers with letters: DVLA licence numbers (surname, decade, month
// +50 for women, day, year, initials, digit, check characters), UK
// registrations (current format anywhere in capitals, older formats after
// a cue), passports and licences after a cue, and reference numbers with
// letter parts, covered whole.
func TestPatternCodes(t *testing.T) {
	runCases(t, NewPatternRecognizer(), nil, []caseT{
		{text: "licence MORGA753116SM9IJ 35 ok", want: []string{"MORGA753116SM9IJ 35"}, label: ID},
		// ICAO 9303's specimen machine-readable zone, whole or cut short.
		{text: "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
			want: []string{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"}, label: ID},
		{text: "it says P<GBRSMITH<<JOHN<<<< on it", want: []string{"P<GBRSMITH<<JOHN<<<<"}, label: ID},
		{text: "a <<<<<<<<<<<<<<<<<<<<<<<< line, A<<B", not: []string{"<<<<<<<<", "A<<B"}},
		{text: "it's JONES 610255 AB9CD on it", want: []string{"JONES 610255 AB9CD"}, label: ID},
		{text: "mine is li999 852291 j99xy", want: []string{"li999 852291 j99xy"}, label: ID},
		{text: "SMITH712318JJ9AB", want: []string{"SMITH712318JJ9AB"}, label: ID},
		{text: "parked AB12 CDE outside, or BD51SMR", want: []string{"AB12 CDE", "BD51SMR"}, label: ID},
		{text: "my car reg is ab12 cde", want: []string{"ab12 cde"}, label: ID},
		{text: "reg: X123 ABC and the number plate is ABC 123D", want: []string{"X123 ABC", "ABC 123D"}, label: ID},
		{text: "registration K7 XYZ", want: []string{"K7 XYZ"}, label: ID},
		{text: "wk12 day and the QI12 ABC", not: []string{"wk12", "day", "QI12"}},
		{text: "my passport number is 533401372", want: []string{"533401372"}, label: ID},
		{text: "passport no: C01X00T47 expires", want: []string{"C01X00T47"}, label: ID, not: []string{"expires"}},
		{text: "passport A1234567 and licence number 1234-567-890", want: []string{"A1234567", "1234-567-890"}, label: ID},
		{text: "my passport is in the drawer, licence was renewed", not: []string{"in", "drawer", "renewed"}},
		{text: "refs MR-24-0817, HSG-004417 and SL/22/90412.", want: []string{"MR-24-0817", "HSG-004417", "SL/22/90412"}, label: ID},
		{text: "SBP 110-130s, UO 40-60cc/hr, 5-10mg, 1000-1500ml", not: []string{"110", "40", "5-10", "1000"}},
		{text: "vent AC 500x14, a 10x10cm dressing, 2x3 grid; ref AB500X1400", not: []string{"500x14", "10x10cm", "2x3"}, want: []string{"AB500X1400"}},
		// Among lab values, "CO2" is carbon dioxide, not a Colchester
		// postcode district; alone in capitals it is one.
		{text: "Na 131, K 5.2, Cl 98, CO2 22, BUN 45", not: []string{"CO2", "Cl", "BUN"}},
		{text: "she moved to CO2 last year", want: []string{"CO2"}, label: Postcode},
		// A cue in the sentence before is no cue: "no ectopy. SBP 110-130".
		{text: "no ectopy. SBP 110-130. Ref no. 12345", want: []string{"12345"}, not: []string{"110"}, label: ID},
		{text: "case ABC-123 and ref XY_9876", want: []string{"ABC-123", "XY_9876"}, label: ID},
		{text: "case 22/1234 and claim 2023-00042", want: []string{"22/1234", "2023-00042"}, label: ID},
		{text: "COVID-19, PHQ-9, GAD-7, ICD-10, 1000mg, 20mg, mp3, B12, 3rd", not: []string{"COVID-19", "PHQ-9", "GAD-7", "ICD-10", "1000mg", "mp3", "B12", "3rd"}},
	})
}

// Account, device and log-in identifiers: IBANs (ISO 13616, the
// standard's own examples and their mod-97 check), US social security and
// taxpayer numbers (3-2-4), Canadian SINs and UK sort codes after a cue,
// MAC addresses (IEEE 802 in its three notations) and credentials after a
// cue (scrubadub's username and password cases).
func TestPatternAccountsAndCredentials(t *testing.T) {
	runCases(t, NewPatternRecognizer(), nil, []caseT{
		{text: "IBAN GB82 WEST 1234 5698 7654 32 please", want: []string{"GB82 WEST 1234 5698 7654 32"}, label: ID, not: []string{"please"}},
		{text: "pay DE89370400440532013000.", want: []string{"DE89370400440532013000"}, label: ID},
		{text: "to NO93 8601 1117 947 and FR14 2004 1010 0505 0001 3M02 606", want: []string{"NO93 8601 1117 947", "FR14 2004 1010 0505 0001 3M02 606"}, label: ID},
		// A check that fails is still taken after the cue; without one
		// only its digits are an ID.
		{text: "iban GB82 WEST 1234 5698 7654 33", want: []string{"GB82 WEST 1234 5698 7654 33"}, label: ID},
		{text: "ssn 078-05-1120, ITIN 911-70-1234 and 078 05 1120", want: []string{"078-05-1120", "911-70-1234", "078 05 1120"}, label: ID},
		{text: "SIN 046 454 286; sort code 12-34-56", want: []string{"046 454 286", "12-34-56"}, label: ID},
		{text: "Callejón Porras 532, Nueva Noruega, SIN 31324", not: []string{"31324"}},
		{text: "my tfn is 123 456 782, PAN ABCDE1234F", want: []string{"123 456 782", "ABCDE1234F"}, label: ID},
		{text: "COVID19, RTX3080, PHQ9 and GAD7", not: []string{"COVID19", "RTX3080", "PHQ9", "GAD7"}},
		{text: "mac 00:1B:44:11:3A:B7, 00-1b-44-11-3a-b7 or 001b.4411.3ab7", want: []string{"00:1B:44:11:3A:B7", "00-1b-44-11-3a-b7", "001b.4411.3ab7"}, label: ID},
		{text: "at 10:30-11:45, 12:34:56:78:9a, 2001:db8::1", not: []string{"10:30-11:45", "12:34:56:78:9a"}},
		{text: "username: bob.smith password: hunter2", want: []string{"bob.smith", "hunter2"}, label: ID},
		{text: "login jsmith88 pw: Tr0ub4dor&3, user id = alice", want: []string{"jsmith88", "Tr0ub4dor&3", "alice"}, label: ID},
		{text: "my password is Summer2024! and my PIN is 4921", want: []string{"Summer2024", "4921"}, label: ID},
		{text: "my password is really long, the pin is broken, log in to the portal, the user is 5", not: []string{"really", "broken", "portal", "5"}},
		{text: "West Elizabethhaven, PW 86032", not: []string{"86032"}},
	})
}

// E-mail addresses: RFC 5321/5322 local parts, internationalised ones
// (RFC 6531), IDNA domains in Unicode or xn-- form, address literals.
func TestPatternEmails(t *testing.T) {
	runCases(t, NewPatternRecognizer(), nil, []caseT{
		{text: "mail info@example.xn--p1ai now", want: []string{"info@example.xn--p1ai"}, label: Email},
		{text: "at jo@xn--bcher-kva.example.", want: []string{"jo@xn--bcher-kva.example"}, label: Email},
		{text: "write to josé.garcía@correo.es today", want: []string{"josé.garcía@correo.es"}, label: Email},
		{text: "用户@例子.广告 or пользователь@пример.рф, θσερ@παράδειγμα.δοκιμή", want: []string{"用户@例子.广告", "пользователь@пример.рф", "θσερ@παράδειγμα.δοκιμή"}, label: Email},
		{text: "or 用户@例子。广告 too", want: []string{"用户@例子。广告"}, label: Email},
		{text: "also jo@bücher.de and Dörte@Sörensen.example.com", want: []string{"jo@bücher.de", "Dörte@Sörensen.example.com"}, label: Email},
		{text: "odd: o'brien+tag=1!x#y@mail.co.uk.", want: []string{"o'brien+tag=1!x#y@mail.co.uk"}, label: Email},
		{text: "literal jo@[192.0.2.1] and jo@[IPv6:2001:db8::1]", want: []string{"jo@[192.0.2.1]", "jo@[IPv6:2001:db8::1]"}, label: Email},
		{text: "(jo.b@example.org), “jo@example.org”", want: []string{"jo.b@example.org", "jo@example.org"}, label: Email, not: []string{"(", "“"}},
		{text: `quoted "john doe"@example.com and "j.o@x"@example.org.`, want: []string{`"john doe"@example.com`, `"j.o@x"@example.org`}, label: Email},
		{text: `she said "hi"@ 5`, not: []string{`"hi"`}},
		{text: "meet @ 5, me@home, a@b.c", not: []string{"@ 5", "me@home", "a@b.c"}},
	})
}

// Dates in every written form more precise than a year (ISO 8601 and the
// forms the peer tools' tests use); years, times, scores and ranks alone
// stay.
func TestPatternDates(t *testing.T) {
	runCases(t, NewPatternRecognizer(), nil, []caseT{
		// Hyphenated and slashed month names, with 2- and 4-digit years.
		{text: "dob 22-nov-1972 ok", want: []string{"22-nov-1972"}, label: Date},
		{text: "seen 10-Nov-2008.", want: []string{"10-Nov-2008"}, label: Date},
		{text: "back on 21-May then", want: []string{"21-May"}, label: Date},
		{text: "since May-2021", want: []string{"May-2021"}, label: Date},
		{text: "22-nov-72 and 3/Jan/2020 and 2024-Mar-15", want: []string{"22-nov-72", "3/Jan/2020", "2024-Mar-15"}, label: Date},
		{text: "Tue 22-Nov-2022 at 3", want: []string{"Tue 22-Nov-2022"}, label: Date},
		{text: "Sept-05 was the start", want: []string{"Sept-05"}, label: Date},
		// Month and year, numeric.
		{text: "started 05/2021, left 5-2022, and 2021-05", want: []string{"05/2021", "5-2022", "2021-05"}, label: Date},
		// Day and month without a year: leading zero, day above 12, or a cue.
		{text: "see you 14/05 then", want: []string{"14/05"}, label: Date},
		{text: "Weds 9/10 at 2", want: []string{"Weds 9/10"}, label: Date},
		{text: "booked for the 9/10 and on 3/4", want: []string{"9/10", "3/4"}, label: Date},
		{text: "on 3/4 and 5/4 too", want: []string{"3/4", "5/4"}, label: Date},
		{text: "scored 7/10 and 10/10", not: []string{"7/10", "10/10"}},
		{text: "it's 04/7 now, then 25/12", want: []string{"04/7", "25/12"}, label: Date},
		{text: "rate it 9/10, 24/7 support, scored 7/10, 10/10 would", not: []string{"9/10", "24/7", "7/10", "10/10"}},
		{text: "costs 12.05 or 1.5 mg, blew the 2.8", not: []string{"12.05", "1.5", "2.8"}},
		// Ordinals alone.
		{text: "see you on the 19th.", want: []string{"the 19th"}, label: Date},
		{text: "by the 21st at the latest", want: []string{"the 21st"}, label: Date},
		{text: "the 19th of May and 19th May", want: []string{"the 19th of May", "19th May"}, label: Date},
		{text: "since 3rd, fine", want: []string{"3rd"}, label: Date},
		{text: "the 19th works for me, the 20th suits, the 21st is fine", want: []string{"the 19th", "the 20th", "the 21st"}, label: Date},
		{text: "the 3rd time, the 21st century, the 2nd session, came 3rd", not: []string{"3rd", "21st", "2nd"}},
		// Ordinal words with "of" before or "the" after the month.
		{text: "on the twenty-first of March and the first of May, March the second", want: []string{"the twenty-first of March", "the first of May", "March the second"}, label: Date},
		{text: "born thirty first of December 1990", want: []string{"thirty first of December 1990"}, label: Date},
		{text: "my first March in Leeds, the first May bank holiday, second of all", not: []string{"first", "March", "May", "second"}},
		// Abbreviations with a full stop, weekdays.
		{text: "on Nov. 22, 2023 we met", want: []string{"Nov. 22, 2023"}, label: Date},
		{text: "on 22 Sept. 2023", want: []string{"22 Sept. 2023"}, label: Date},
		{text: "Weds 5th and Thurs 6th June", want: []string{"Weds 5th", "Thurs 6th June"}, label: Date},
		{text: "Monday 12/03/2024 was", want: []string{"Monday 12/03/2024"}, label: Date},
		{text: "Tuesday, August 13, 2019 and on 08/13 and by 3/15", want: []string{"Tuesday, August 13, 2019", "08/13", "3/15"}, label: Date},
		// ISO 8601 date-times, week dates, compact dates after a cue.
		{text: "at 2024-03-15T14:30:00Z ok", want: []string{"2024-03-15T14:30:00Z"}, label: Date},
		{text: "at 2024-03-15T14:30:00.123+01:00.", want: []string{"2024-03-15T14:30:00.123+01:00"}, label: Date},
		{text: "logged 2024-03-15 14:30 then", want: []string{"2024-03-15 14:30"}, label: Date},
		{text: "12/03/2024 09:15:00 start", want: []string{"12/03/2024 09:15:00"}, label: Date},
		{text: "week 2024-W11, day 2024-W11-5, compact 2024W115 or 2024W11", want: []string{"2024-W11", "2024-W11-5", "2024W115", "2024W11"}, label: Date},
		{text: "dob 15031985, date: 20240315", want: []string{"15031985", "20240315"}, label: Date},
		{text: "at 20240315T143000Z and 20240315T1430+0100.", want: []string{"20240315T143000Z", "20240315T1430+0100"}, label: Date},
		{text: "since March '98 or 3rd Jan \u201924", want: []string{"March '98", "3rd Jan \u201924"}, label: Date},
		{text: "filed 20240315, leap 20240229", want: []string{"20240315", "20240229"}, label: Date},
		{text: "scored 12345678 points, 20241340 and 20230229", not: []string{"12345678", "20241340", "20230229"}},
		// ISO 8601 ordinal dates: year and day of the year.
		{text: "day 2024-075 and 2024-366T08:00", want: []string{"2024-075", "2024-366T08:00"}, label: Date},
		{text: "ran 2024-400 and 1800-075", not: []string{"2024-400", "1800-075"}},
		// A two-digit year after a day and month, unless a word follows.
		{text: "on 3 Mar 21, then 5 Jun 99.", want: []string{"3 Mar 21", "5 Jun 99"}, label: Date},
		{text: "on 3 March 21 people came", want: []string{"3 March"}, not: []string{"21"}, label: Date},
		// A month-year before a written date is not its day.
		{text: "2021-05, March 3rd 2021", want: []string{"2021-05", "March 3rd 2021"}, label: Date},
		{text: "2024W60", want: []string{"2024W60"}, label: ID}, // no week 60: a code, not a date
		// Years and times of day alone stay.
		{text: "in 2019 at 14:30, 2019-20 season", not: []string{"2019", "14:30", "2019-20"}},
	})
}

func TestValidNHSNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"9434765919", true}, {"943 476 5919", true}, {"943-476-5919", true}, {"4010232137", true},
		{"9434765918", false}, {"943476591", false}, {"94347659190", false}, {"943x4765919", false},
		{"1234567890", false}, {"0000000000", true}, {"", false},
	} {
		if got := ValidNHSNumber(c.in); got != c.want {
			t.Errorf("ValidNHSNumber(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParsePostcode(t *testing.T) {
	for _, c := range []struct {
		in, out, inw string
		ok           bool
	}{
		{"LS6 2AB", "LS6", "2AB", true}, {"ls62ab", "LS6", "2AB", true}, {" sw1a 1aa ", "SW1A", "1AA", true},
		{"M1 1AE", "M1", "1AE", true}, {"LS6", "LS6", "", true}, {"EC1A1BB", "EC1A", "1BB", true},
		{"QQ1 2AB", "", "", false}, {"LS6 2CB", "", "", false}, {"LS6 2A", "", "", false}, {"LS", "", "", false},
		{"LS6-2AB", "", "", false}, {"", "", "", false},
	} {
		o, i, ok := ParsePostcode(c.in)
		if o != c.out || i != c.inw || ok != c.ok {
			t.Errorf("ParsePostcode(%q) = %q %q %v, want %q %q %v", c.in, o, i, ok, c.out, c.inw, c.ok)
		}
	}
}

func TestValidDVLA(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"MORGA753116SM9IJ", true}, {"JONES610255AB9CD", true}, {"LI999852291J99XY", true}, {"SMITH712318JJ9AB", true},
		{"SMITH713318JJ9AB", false}, // month 33
		{"SMITH712003JJ9AB", false}, // day 00
		{"SMITH7123189J9AB", false}, // first initial 9
		{"SM9TH712318JJ9AB", false}, // letter after padding
		{"9MITH712318JJ9AB", false}, // starts with padding
		{"SMITH712318JJAAB", false}, // letter where the digit goes
		{"SMITH712318JJ9A", false},  // short
	} {
		if got := validDVLA([]byte(c.in)); got != c.want {
			t.Errorf("validDVLA(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestValidCurrentReg(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"AB12CDE", true}, {"BD51SMR", true}, {"LA02XYZ", true}, {"YK79ABC", true},
		{"AB30CDE", false}, {"AB50CDE", false}, {"AB01CDE", false}, {"IB12CDE", false}, {"AQ12CDE", false},
		{"AB12CIE", false}, {"AB12CD", false}, {"A112CDE", false},
	} {
		if got := validCurrentReg([]byte(c.in)); got != c.want {
			t.Errorf("validCurrentReg(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// A title's full stop does not end the sentence: "Mr. Smith" is a name as
// "Mr Smith" is.
func TestTitleWithFullStop(t *testing.T) {
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	runCases(t, r.recs[2], nil, []caseT{
		{text: "I saw Mr. Kowalczyk today", want: []string{"Kowalczyk"}, label: Person},
		{text: "i saw Mrs. Brown at the shop and then spoke to Ms. Hope about it", want: []string{"Brown", "Hope"}, label: Person},
		{text: "the letter from Dr. Okonkwo came", want: []string{"Okonkwo"}, label: Person},
		{text: "mr. kowalczyk rang", want: []string{"kowalczyk"}, label: Person},
		{text: "to go on and become a doctor. Study psychology. I saw the nurse. Why not", not: []string{"Study", "Why"}},
	})
}

// Surrogates of licence numbers and registrations are valid fakes of the
// same layout: spacing and case kept, deterministic per key.
func TestSurrogateLicenceAndReg(t *testing.T) {
	for _, surface := range []string{"MORGA753116SM9IJ", "MORGA 753116 SM9IJ 35", "li999 852291 j99xy", "AB12 CDE", "bd51smr"} {
		text := "id " + surface + " ok"
		spans := []Span{{Start: 3, End: 3 + len(surface), Label: ID, Source: srcPattern}}
		pol := Policy{Default: Surrogate, SurrogateKey: []byte("k")}
		a := Apply(text, spans, pol, NewConsistency("p1"))
		b := Apply(text, spans, pol, NewConsistency("p1"))
		if a != b {
			t.Errorf("%q: surrogate not deterministic: %q vs %q", surface, a, b)
		}
		fake := strings.TrimSuffix(strings.TrimPrefix(a, "id "), " ok")
		if fake == surface || len(fake) != len(surface) || shapeOf(fake) != shapeOf(surface) {
			t.Errorf("%q: fake %q is not a different value of the same shape", surface, fake)
		}
		u := upperInto(nil, strings.ReplaceAll(fake, " ", ""))
		if len(u) >= dvlaLen && !validDVLA(u[:dvlaLen]) || len(u) == 7 && !validCurrentReg(u) {
			t.Errorf("%q: fake %q is not valid in its layout", surface, fake)
		}
	}
}

// BenchmarkPatterns measures the validated-pattern recognizer alone on the
// dialogue text of BenchmarkFind.
func BenchmarkPatterns(b *testing.B) {
	text := strings.Repeat(benchDialogue, 4)
	p := NewPatternRecognizer()
	var dst []Span
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		dst = p.Find(dst[:0], text, nil)
	}
}

// The scanners look ahead and behind by bytes: every prefix and suffix of
// the new forms (cut mid-token, mid-rune) must scan without a panic and
// give spans in bounds.
func TestPatternFragments(t *testing.T) {
	p := NewPatternRecognizer()
	for _, s := range []string{
		"dob 22-nov-1972, Weds 9/10, the 19th, Nov. 22, 2023, March '98 2024-03-15T14:30:00.123+01:00 20240315T1430+0100 2024-W11-5 2024W115",
		"+1 (212) 555-0123 0033 1 23 45 67 89 1-800-555-0199 tel: 612 345 678 nhs 94347 65919",
		"MORGA 753116 SM9IJ 35 reg: X123 ABC passport no: C01X00T47 SL/22/90412 HSG-004417",
		"GIR 0AA BFPO105 SAN TA1 in M1 WC2 area jo@[IPv6:2001:db8::1] 用户@例子。广告 josé@correo.es x@y.xn--p1ai",
	} {
		for i := 0; i <= len(s); i++ {
			for _, frag := range []string{s[:i], s[i:]} {
				for _, sp := range p.Find(nil, frag, nil) {
					if sp.Start < 0 || sp.End > len(frag) || sp.Start >= sp.End {
						t.Fatalf("%q: span out of bounds %+v", frag, sp)
					}
				}
			}
		}
	}
}
