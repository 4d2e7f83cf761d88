package redact

import "testing"

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
		{text: "LS6 is a district", not: []string{"LS6"}},
		{text: "a B12 deficiency, an A4 page, an mp3", not: []string{"B12", "A4", "mp3"}},
		{text: "QQ1 2AB is not an area", not: []string{"QQ1 2AB"}},
		// National Insurance numbers.
		{text: "ni AB 12 34 56 C", want: []string{"AB 12 34 56 C"}, label: NINumber},
		{text: "nino ab123456c", want: []string{"ab123456c"}, label: NINumber},
		{text: "QQ123456C and DA123456A are invalid", not: []string{"QQ123456C", "DA123456A"}},
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
