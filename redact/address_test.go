package redact

import "testing"

// The cases are written from the address formats of each country (not
// from the dev set); decoys are ordinary talk with numbers near street-like
// words and clinical notes with numbers after abbreviations.
func TestAddressRecognizer(t *testing.T) {
	runCases(t, NewAddressRecognizer(), nil, []caseT{
		{text: "send it to Kalevankatu 33 B 12, 00100 Helsinki today", want: []string{"Kalevankatu 33 B 12, 00100 Helsinki"}, not: []string{"today"}, label: Location},
		{text: "she lives at Via Garibaldi 14, 20121 Milano now", want: []string{"Via Garibaldi 14, 20121 Milano"}, not: []string{"now"}},
		{text: "mail goes to PSC 1234, Box 5678, APO AE 09001.", want: []string{"PSC 1234, Box 5678, APO AE 09001"}},
		{text: "we met at Friedrichstraße 43, 10117 Berlin.", want: []string{"Friedrichstraße 43, 10117 Berlin"}},
		{text: "they moved to 7 avenue Victor Hugo last year", want: []string{"7 avenue Victor Hugo"}, not: []string{"last year"}},
		{text: "deliver to 350 Fifth Ave, Suite 3100, New York, NY 10118", want: []string{"350 Fifth Ave, Suite 3100, New York, NY 10118"}},
		{text: "write to Calle de Alcalá 42, 3º izq, Madrid", want: []string{"Calle de Alcalá 42"}},
		{text: "his flat is ul. Marszałkowska 10/12 in Warsaw", want: []string{"ul. Marszałkowska 10/12"}},
		{text: "our house is Prinsengracht 263, Amsterdam", want: []string{"Prinsengracht 263, Amsterdam"}},
		{text: "Apt. 12, 45 Elm Road, Springfield", want: []string{"Apt. 12, 45 Elm Road, Springfield"}},
		{text: "use PO Box 321 for now", want: []string{"PO Box 321"}, not: []string{"now"}},
		{text: "the office is at 3-2-1 Nishi-Shinjuku, Shinjuku-ku", want: []string{"3-2-1 Nishi-Shinjuku, Shinjuku-ku"}},
		{text: "I live at Sveavägen 44 with my sister", want: []string{"Sveavägen 44"}, not: []string{"with my sister"}},
		{text: "she rents Flat 2, 9 Mill Street near the park", want: []string{"Flat 2, 9 Mill Street"}, not: []string{"near the park"}},
		{text: "Rua das Flores 27, 4050-265 Porto", want: []string{"Rua das Flores 27, 4050-265 Porto"}},
		{text: "the clinic is at Karl Johans gate 22, 0159 Oslo.", want: []string{"Karl Johans gate 22, 0159 Oslo"}},
		{text: "they live at Gran Vía 28, 28013 Madrid.", want: []string{"Gran Vía 28, 28013 Madrid"}},
		{text: "deliver to 1 Infinite Loop, Cupertino, CA 95014.", want: []string{"1 Infinite Loop, Cupertino, CA 95014"}},
		{text: "her studio: Sankt Annæ Plads 13, København.", want: []string{"Sankt Annæ Plads 13, København"}},
		{text: "Endereço: Rua das Flores, 123 - Centro, São Paulo - SP, 01001-000.", want: []string{"Rua das Flores, 123 - Centro, São Paulo - SP, 01001-000"}},
		{text: "ship to 123 Main St, Toronto, ON M5V 2T6 thanks", want: []string{"123 Main St, Toronto, ON M5V 2T6"}, not: []string{"thanks"}},
		{text: "he moved to Unit 4, 12 Smith St, Fitzroy VIC 3065 last year", want: []string{"Unit 4, 12 Smith St, Fitzroy VIC 3065"}, not: []string{"last year"}},
		{text: "it is Calle Mayor, 5, Madrid", want: []string{"Calle Mayor, 5, Madrid"}},
		{text: "Mein Büro: Unter den Linden 77, 10117 Berlin.", want: []string{"Unter den Linden 77, 10117 Berlin"}},
		{text: "her place is Osojna steza 8a, near the station", want: []string{"Osojna steza 8a"}, not: []string{"near the station"}},
		{text: "Address: Viedenská cesta 2, 891 63 Turček", want: []string{"Viedenská cesta 2, 891 63 Turček"}},
		{text: "Büro: Karl-Marx-Allee 22, 10243 Berlin", want: []string{"Karl-Marx-Allee 22, 10243 Berlin"}},
		{text: "Address: Carrera 59 # 85-1, Bogotá", want: []string{"Carrera 59 # 85-1, Bogotá"}},
		{text: "vive en Calle 6 N° 951, La Plata", want: []string{"Calle 6 N° 951, La Plata"}},
		{text: "write to Cl. 185 # 3-94 Sur", want: []string{"Cl. 185 # 3-94 Sur"}},
		{text: "mail: USNS Clay, FPO AA 17305", want: []string{"FPO AA 17305"}},
		{text: "Адрес: ул. Тверская, д. 7, кв. 15, Москва, 125009", want: []string{"ул. Тверская, д. 7, кв. 15, Москва, 125009"}},
		{text: "Contact: Hauptstraße 5, 10115 Berlin, Tel. +49 30 1234567", want: []string{"Hauptstraße 5, 10115 Berlin"}, not: []string{"Tel"}},
		{text: "home is 9538 Savannah Neck, Fowlerview", want: []string{"9538 Savannah Neck, Fowlerview"}},
		{text: "they rent 60/8 Sheila Circuit, Port Douglas", want: []string{"60/8 Sheila Circuit, Port Douglas"}},
		{text: "nhà ở 88 đường Ngô Quyền, phường Bình Minh, thành phố Hải Phòng", want: []string{"88 đường Ngô Quyền, phường Bình Minh, thành phố Hải Phòng"}},
		{text: "Girschnerstr. 9/4, 76656 Querfurt", want: []string{"Girschnerstr. 9/4, 76656 Querfurt"}},
		{text: "Isabella-Hirsch-Platz 6, 3340 Waidhofen an der Ybbs", want: []string{"Isabella-Hirsch-Platz 6, 3340 Waidhofen an der Ybbs"}},
		{text: "Address: Gračanska 1, 91205 Lipik", want: []string{"Gračanska 1, 91205 Lipik"}},
		{text: "Darcy Lane 4, D02 X285 Dublin", want: []string{"Darcy Lane 4, D02 X285 Dublin"}},
		{text: "Please send it to Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200 thanks", want: []string{"Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200"}, not: []string{"thanks"}},
		{text: "send it to Jl. Jend. Sudirman Kav. 52-53, Jakarta Selatan 12190 thanks", want: []string{"Jl. Jend. Sudirman Kav. 52-53, Jakarta Selatan 12190"}, not: []string{"thanks"}},
		{text: "adres: İstiklal Caddesi No: 123, Beyoğlu", want: []string{"No: 123, Beyoğlu"}},
		{text: "House 12, Road 5, Dhanmondi, Dhaka 1205 is where we moved", want: []string{"House 12, Road 5, Dhanmondi, Dhaka 1205"}, not: []string{"is where"}},
		{text: "Deliver to Apt. 917, rue de Duvanel 56, Cretton-Dessous 1615", want: []string{"Apt. 917, rue de Duvanel 56, Cretton-Dessous 1615"}},
		// Decoys.
		{text: "we moved 5 Main Road. Then York was 3 weeks", not: []string{"Then", "3 weeks"}},
		{text: "Cl 101, Cr 1.2, R 5, pl 250, TV 2 hours", not: []string{"Cl", "Cr", "R 5", "pl", "TV"}},
		{text: "we got 2 red lights on the way", not: []string{"2 red lights"}},
		{text: "his 5000th Daily Point of Light award", not: []string{"5000th", "Daily Point"}},
		{text: "the Beagle 2 Mars mission failed", not: []string{"2 Mars mission"}},
		{text: "a 7 Day Course of antibiotics after 3 Mechanical Falls", not: []string{"7 Day Course", "3 Mechanical Falls"}},
		{text: "I said rua das flores is nice, and Calle was 5", not: []string{"rua", "5"}},
		{text: "we waited at gate 22 for hours", not: []string{"gate 22"}},
		{text: "I walked 3 miles down the road", not: []string{"3 miles", "road"}},
		{text: "BP 131/84, RR 22, HR 90, BMI 27, GCS 15", not: []string{"BP", "RR", "HR", "BMI", "GCS"}},
		{text: "level 3 anxiety and step 2 of the plan", not: []string{"level 3", "step 2"}},
		{text: "No 1 fan of the show, room for 2 more", not: []string{"No 1", "room for 2"}},
		{text: "Sertraline 100mg od, Propranolol 40mg bd.", not: []string{"Sertraline", "Propranolol"}},
		{text: "PHQ-9 18, GAD-7 15, day 3 of 10", not: []string{"PHQ", "GAD", "day 3"}},
		{text: "it was 2 the other way round", not: []string{"2 the", "way"}},
	})
}

func BenchmarkAddressRecognizer(b *testing.B) {
	r := NewAddressRecognizer()
	text := "she said she would come round on Tuesday about 3 and bring the kids, but then the bus was late again and it was 20 past by the time"
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		r.Find(nil, text, nil)
	}
}

func TestAddressSites(t *testing.T) {
	runCases(t, NewAddressRecognizer(), nil, []caseT{
		{text: "moved to ward 12 overnight", want: []string{"ward 12"}, label: Location},
		{text: "back on Ward 3C after theatre", want: []string{"Ward 3C"}},
		{text: "stuck at Junction 25 for an hour", want: []string{"Junction 25"}},
		{text: "the crash on the A629 near Halifax", want: []string{"A629"}},
		{text: "take the M60 towards Stockport", want: []string{"M60"}},
		{text: "took the a64 home and then the M1 back", want: []string{"a64", "M1"}},
		// A time or a count after an address's comma is not its number.
		{text: "lives at 4 Oak Rd, 10 mins away; meet at 12 Elm Grove, 10:30", want: []string{"4 Oak Rd", "12 Elm Grove"}, not: []string{"10 mins", "10:30"}},
		{text: "B6265 southbound was shut", want: []string{"B6265"}},
		// A postal code after its cue, in any country's form.
		{text: "My zip code is 80001, ZIP: 2807, postal code 02-792, PLZ 10115, post code 281 63", want: []string{"80001", "2807", "02-792", "10115", "281 63"}, label: Location},
		{text: "zip it 2 times, the post 12345, a postal 5", not: []string{"2", "12345", "5"}},
		{text: "print it on A4 paper and take B12 tablets", not: []string{"A4", "B12"}},
		{text: "she got an A1 in maths", not: []string{"A1"}},
		// A numbered street; directions and a saint's day are not one.
		{text: "the shop on 14th st is open, and one on 5th Ave", want: []string{"14th st", "5th Ave"}, not: []string{"is open"}},
		{text: "take the 3rd road on the left, on my 1st st patrick's day", not: []string{"3rd road", "1st st"}},
		// A month, a day and a year are a date, not a street, a house
		// number and a postcode ("Meir 78, 2000 Antwerpen").
		{text: "On October 6, 1999, Kelly Cloud, Senior Vice President of CCNG, Inc. called me", not: []string{"October", "Kelly", "Senior Vice President"}},
		{text: "since March 14, 2023 Dad has been unwell", not: []string{"March", "Dad"}},
	})
}
