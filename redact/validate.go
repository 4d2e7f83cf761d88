package redact

import (
	"strings"
	"sync"

	"github.com/nhs-talking-therapies/deid/gazetteer"
)

// ValidNHSNumber reports whether digits is a 10-digit NHS number whose
// check digit is right (modulus 11, weights 10..2). Spaces and dashes
// between digits are allowed; anything else makes it invalid.
func ValidNHSNumber(digits string) bool {
	var d [10]int
	n := 0
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		switch {
		case c >= '0' && c <= '9':
			if n == 10 {
				return false
			}
			d[n] = int(c - '0')
			n++
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	return n == 10 && nhsCheck(d[:])
}

func nhsCheck(d []int) bool {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += d[i] * (10 - i)
	}
	c := 11 - sum%11
	if c == 11 {
		c = 0
	}
	return c != 10 && c == d[9]
}

// nhsCheckBytes checks a 10-byte ASCII digit string.
func nhsCheckBytes(b []byte) bool {
	if len(b) != 10 {
		return false
	}
	var d [10]int
	for i, c := range b {
		d[i] = int(c - '0')
	}
	return nhsCheck(d[:])
}

// ParsePostcode parses a UK postcode in any case, with or without the space,
// and returns its upper-case outward and inward codes. An outward code alone
// ("LS6") parses with inward "". The format is checked (A9, A99, AA9, AA99,
// A9A, AA9A outward; 9AA inward without C I K M O V) and so is the area: its
// letters must be one of the UK postcode areas.
func ParsePostcode(s string) (outward, inward string, ok bool) {
	var b [8]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		default:
			return "", "", false
		}
		if n == len(b) {
			return "", "", false
		}
		b[n] = c
		n++
	}
	u := b[:n]
	if n >= 5 && isInward(u[n-3:]) && isOutward(u[:n-3]) {
		return string(u[:n-3]), string(u[n-3:]), true
	}
	if isOutward(u) {
		return string(u), "", true
	}
	return "", "", false
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }

// isInward checks 9AA on upper-case bytes.
func isInward(b []byte) bool {
	if len(b) != 3 || !isDigit(b[0]) {
		return false
	}
	for _, c := range b[1:] {
		if !isUpperASCII(c) || strings.IndexByte("CIKMOV", c) >= 0 {
			return false
		}
	}
	return true
}

// isOutward checks the outward formats on upper-case bytes and that the
// area letters are a real postcode area.
func isOutward(b []byte) bool {
	n := len(b)
	if n < 2 || n > 4 || !isUpperASCII(b[0]) {
		return false
	}
	area := 1
	if isUpperASCII(b[1]) {
		area = 2
	}
	rest := b[area:]
	switch len(rest) {
	case 1: // A9, AA9
		if !isDigit(rest[0]) {
			return false
		}
	case 2: // A99, AA99, A9A, AA9A
		if !isDigit(rest[0]) || !(isDigit(rest[1]) || isUpperASCII(rest[1])) {
			return false
		}
	default:
		return false
	}
	return postcodeAreas()[string(b[:area])]
}

var (
	areaOnce sync.Once
	areas    map[string]bool
)

// postcodeAreas is the set of area letters of every district in the
// gazetteer (the 124 UK areas plus the non-geographic ones it lists) and
// the non-geographic BX, GX and XM.
func postcodeAreas() map[string]bool {
	areaOnce.Do(func() {
		areas = map[string]bool{}
		// Non-geographic areas the district list leaves out: BX (bulk
		// mail of banks and government departments), GX (Gibraltar), XM
		// (Royal Mail's XM4 5HQ).
		areas["BX"], areas["GX"], areas["XM"] = true, true, true
		for oc := range gazetteer.Default().Districts {
			i := 0
			for i < len(oc) && isUpperASCII(oc[i]) {
				i++
			}
			if i > 0 {
				areas[oc[:i]] = true
			}
		}
	})
	return areas
}

// knownDistrict reports whether an upper-case outward code is a postcode
// district in the gazetteer, or the whole of one split into sub-districts.
func knownDistrict(oc string) bool {
	d := gazetteer.Default().Districts
	if _, ok := d[oc]; ok {
		return true
	}
	// "WC2", "EC1", "SW1": a district split into sub-districts (WC2A,
	// SW1A) is still written whole.
	if n := len(oc); n >= 2 && n <= 3 && isDigit(oc[n-1]) {
		var b [4]byte
		copy(b[:], oc)
		for c := byte('A'); c <= 'Z'; c++ {
			b[n] = c
			if _, ok := d[string(b[:n+1])]; ok {
				return true
			}
		}
	}
	return false
}

// validNIPrefix reports whether two upper-case letters may start a National
// Insurance number (HMRC: first letter not D F I Q U V, second not D F I O Q
// U V, and not BG GB KN NK NT TN ZZ).
func validNIPrefix(a, b byte) bool {
	if !isUpperASCII(a) || !isUpperASCII(b) {
		return false
	}
	if strings.IndexByte("DFIQUV", a) >= 0 || strings.IndexByte("DFIOQUV", b) >= 0 {
		return false
	}
	switch string([]byte{a, b}) {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	return true
}
