// Package gazetteer embeds the name and place lists deid ships (UK first
// names, surnames, places, counties, postcode districts with population;
// world first names and surnames, US Census surnames, GeoNames places) and
// parses them once into read-only tables.
//
// Sources and licences: data/LICENSE.md. The tables returned by Default are
// shared and must never be modified by callers.
package gazetteer

import (
	"bufio"
	"bytes"
	"embed"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/uk_*.tsv data/*.txt
var files embed.FS

// The world lists are searched in place (see WorldNames), so they are
// embedded as strings: no copy, no parse.
var (
	//go:embed data/world_names.tsv
	worldNames string
	//go:embed data/world_places.tsv
	worldPlaces string
)

// FirstName is one ONS first name with its frequency.
type FirstName struct {
	Name        string
	Sex         string // "F" or "M"
	Count       int    // registrations 1996–2024
	YearsActive int
	HistoricTop bool // in a historic top-100 list 1904–2024
}

// Place is one OS Open Names populated place.
type Place struct {
	Name    string
	Type    string // City, Town, Village, Hamlet, Suburban Area, Other Settlement
	Country string
}

// District is one postcode district (outward code).
type District struct {
	Outcode    string
	Population int // Census 2011; 0 when unknown (non-geographic, retired)
	PostTown   string
	Areas      []string
	AdminArea  string
	Region     string
}

// Gazetteer holds every parsed list. Read-only after Default returns it.
type Gazetteer struct {
	FirstNames []FirstName         // sorted by descending count
	Surnames   []string            // UK (weighted order) then US census fallback, deduplicated
	SurnameWt  map[string]float64  // UK surname weight in percent, lower-case key
	Places     []Place             // OS Open Names
	Counties   []string            // counties, unitary authorities, nations
	AdminAreas []string            // local authority names
	TownAreas  []string            // towns and areas named by postcode district
	Districts  map[string]District // by upper-case outcode

	// World lists: evidence beside context, never a redaction list on
	// their own (many entries are ordinary English words). Each is the
	// embedded text, one "key\tvalue" line per entry, sorted by the key's
	// UTF-8 bytes with no duplicates, so callers binary-search it in
	// place instead of holding a few hundred thousand map entries.
	WorldNames  string // lower-case name token, then f (first name), s (surname) or fs
	WorldPlaces string // lower-case one-word GeoNames place, then the largest population
	// WorldCities are the GeoNames places of two words or more with
	// 100,000+ people, lower-case ("cape town", "sao paulo"): a phrase is
	// evidence enough to list, where one word is not.
	WorldCities []string
}

var (
	once sync.Once
	def  *Gazetteer
)

// Default returns the embedded gazetteer, parsed on first use. The embedded
// files are part of the binary, so parsing cannot fail at run time; a broken
// file is caught by the package tests.
func Default() *Gazetteer {
	once.Do(func() { def = parse() })
	return def
}

func lines(name string) [][]string {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		panic("gazetteer: embedded file missing: " + name)
	}
	var out [][]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		t := strings.TrimRight(sc.Text(), "\r")
		if t == "" {
			continue
		}
		out = append(out, strings.Split(t, "\t"))
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func parse() *Gazetteer {
	g := &Gazetteer{SurnameWt: map[string]float64{}, Districts: map[string]District{}}
	for i, f := range lines("uk_first_names_counts.tsv") {
		if i == 0 || len(f) < 5 {
			continue
		}
		g.FirstNames = append(g.FirstNames, FirstName{Name: f[0], Sex: f[1], Count: atoi(f[2]), YearsActive: atoi(f[3]), HistoricTop: f[4] == "1"})
	}
	seen := map[string]bool{}
	for i, f := range lines("uk_surnames_faker_en_GB.tsv") {
		if i == 0 || len(f) < 2 {
			continue
		}
		w, _ := strconv.ParseFloat(f[1], 64)
		g.SurnameWt[strings.ToLower(f[0])] = w
		if !seen[strings.ToLower(f[0])] {
			seen[strings.ToLower(f[0])] = true
			g.Surnames = append(g.Surnames, f[0])
		}
	}
	for _, f := range lines("us_census2010_surnames_top1000.txt") {
		if !seen[strings.ToLower(f[0])] {
			seen[strings.ToLower(f[0])] = true
			g.Surnames = append(g.Surnames, f[0])
		}
	}
	for i, f := range lines("uk_places_os_open_names.tsv") {
		if i == 0 || len(f) < 3 {
			continue
		}
		g.Places = append(g.Places, Place{Name: f[0], Type: f[1], Country: f[2]})
	}
	for _, f := range lines("uk_counties.txt") {
		g.Counties = append(g.Counties, f[0])
	}
	for _, f := range lines("uk_admin_areas_doogal.txt") {
		g.AdminAreas = append(g.AdminAreas, f[0])
	}
	for _, f := range lines("uk_towns_areas_doogal.txt") {
		g.TownAreas = append(g.TownAreas, f[0])
	}
	for i, f := range lines("uk_postcode_districts.tsv") {
		if i == 0 || len(f) < 9 {
			continue
		}
		var areas []string
		for _, a := range strings.Split(f[6], ",") {
			if a = strings.TrimSpace(a); a != "" {
				areas = append(areas, a)
			}
		}
		d := District{Outcode: strings.ToUpper(f[0]), Population: atoi(f[1]), PostTown: f[5], Areas: areas, AdminArea: f[7], Region: f[8]}
		g.Districts[d.Outcode] = d
	}
	for _, f := range lines("world_cities.txt") {
		g.WorldCities = append(g.WorldCities, f[0])
	}
	g.WorldNames, g.WorldPlaces = worldNames, worldPlaces
	return g
}
