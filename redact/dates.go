package redact

// Dates: calendar dates more precise than a year, in numeric (12/03/2023,
// 2023-03-12, 12.3.23) and written forms (3rd March, March 3rd 2023, the 5th
// of june, mon 4th, March 2023). A year alone, a month alone, times of day,
// durations and scores are not dates.

// monthNum maps month names and abbreviations to 1..12.
var monthNum = map[string]int{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

// weekdays (full and short) may open a written date: "mon 4th", "Tuesday the 5th".
var weekdays = words(`monday mon tuesday tue tues wednesday wed weds thursday thu thur thurs friday fri
	saturday sat sunday sun`)

// dateCues before a bare day/month ("on 12/03") make it a date.
var dateCues = words(`on from until till til since by before after date dated dob born due between and`)

// ordinalDay parses "3rd", "21st", "4th" (one token) and returns the day.
func ordinalDay(w []byte) (int, bool) {
	n := len(w)
	if n < 3 || n > 4 {
		return 0, false
	}
	suf := string(w[n-2:])
	if suf != "st" && suf != "nd" && suf != "rd" && suf != "th" {
		return 0, false
	}
	d, ok := smallNum(w[:n-2])
	if !ok || d < 1 || d > 31 {
		return 0, false
	}
	return d, true
}

// smallNum parses 1-2 ASCII digits.
func smallNum(w []byte) (int, bool) {
	if len(w) == 0 || len(w) > 2 {
		return 0, false
	}
	n := 0
	for _, c := range w {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// dayTok parses token i as a day of the month: "3", "03", "3rd". ord
// reports an ordinal suffix.
func dayTok(sc *scan, i int) (day int, ord, ok bool) {
	if i < 0 || i >= len(sc.toks) {
		return 0, false, false
	}
	w := sc.lw(i)
	if d, ok := ordinalDay(w); ok {
		return d, true, true
	}
	if d, ok := smallNum(w); ok && d >= 1 && d <= 31 {
		return d, false, true
	}
	return 0, false, false
}

// yearTok parses token i as a four-digit year 1900-2099.
func yearTok(sc *scan, i int) bool {
	if i < 0 || i >= len(sc.toks) {
		return false
	}
	w := sc.lw(i)
	if len(w) != 4 || !allDigitBytes(w) {
		return false
	}
	y := atoiBytes(string(w))
	return y >= 1900 && y <= 2099
}

func findDates(dst []Span, sc *scan) []Span {
	dst = findNumericDates(dst, sc)
	return findWrittenDates(dst, sc)
}

// findNumericDates finds d/m/y, y-m-d and cued d/m.
func findNumericDates(dst []Span, sc *scan) []Span {
	chs := sc.chunks()
	t := sc.text
	for a := 0; a < len(chs); a++ {
		c0 := chs[a]
		if c0.alphaBefore || c0.e >= len(t) {
			continue
		}
		sep := t[c0.e]
		if sep != '/' && sep != '-' && sep != '.' {
			continue
		}
		if a+1 >= len(chs) || chs[a+1].s != c0.e+1 {
			continue
		}
		c1 := chs[a+1]
		three := a+2 < len(chs) && c1.e < len(t) && t[c1.e] == sep && chs[a+2].s == c1.e+1 && !chs[a+2].alphaAfter
		l0, l1 := c0.e-c0.s, c1.e-c1.s
		v0, v1 := atoiBytes(t[c0.s:c0.e]), atoiBytes(t[c1.s:c1.e])
		if three {
			c2 := chs[a+2]
			l2 := c2.e - c2.s
			v2 := atoiBytes(t[c2.s:c2.e])
			ok := false
			switch {
			case l0 == 4 && l1 <= 2 && l2 <= 2: // ISO y-m-d
				ok = v0 >= 1900 && v0 <= 2099 && v1 >= 1 && v1 <= 12 && v2 >= 1 && v2 <= 31
			case l0 <= 2 && l1 <= 2 && (l2 == 2 || l2 == 4):
				dm := v0 >= 1 && v0 <= 31 && v1 >= 1 && v1 <= 12
				md := v0 >= 1 && v0 <= 12 && v1 >= 1 && v1 <= 31
				ok = (dm || md) && (l2 == 2 || (v2 >= 1900 && v2 <= 2099))
			}
			// "1.2.3.4" and "10-20-30-40" are not dates.
			if ok && c2.e < len(t) && t[c2.e] == sep && c2.e+1 < len(t) && isDigit(t[c2.e+1]) {
				ok = false
			}
			if ok && !(c0.s > 0 && (t[c0.s-1] == sep || isDigit(t[c0.s-1]))) {
				dst = append(dst, pat(c0.s, c2.e, Date, 0.9))
				a += 2
			}
			continue
		}
		// d/m without a year: only after a date cue ("on 12/03"), and
		// only with / or . (a dash is a range: "3-4 times").
		if sep == '-' || l0 > 2 || l1 > 2 || c1.alphaAfter || (c1.e < len(t) && (t[c1.e] == sep || t[c1.e] == '%')) {
			continue
		}
		if !(v0 >= 1 && v0 <= 31 && v1 >= 1 && v1 <= 12) {
			continue
		}
		i := tokenBefore(sc, c0.s)
		if i >= 0 && dateCues[string(sc.lw(i))] && sc.toks[i].e < c0.s {
			dst = append(dst, pat(c0.s, c1.e, Date, 0.75))
			a++
		}
	}
	return dst
}

// findWrittenDates finds dates around month names and after weekdays.
func findWrittenDates(dst []Span, sc *scan) []Span {
	last := -1
	for i := 0; i < len(sc.toks); i++ {
		if !sc.alpha(i) {
			continue
		}
		if n := sc.toks[i].e - sc.toks[i].s; n < 3 || n > 9 || !sc.has(i, bMonth|bWeekday) {
			continue
		}
		if sc.has(i, bMonth) {
			s, e, ok := writtenAround(sc, i, last)
			if ok {
				dst = append(dst, pat(s, e, Date, 0.85))
				last = tokenBefore(sc, e)
				i = last
			}
			continue
		}
		if sc.has(i, bWeekday) && i > last {
			// "mon 4th", "Tuesday the 5th": the ordinal is required.
			j := i + 1
			if j < len(sc.toks) && sc.isWord(j, "the") && sc.spaced(i) {
				j++
			}
			if j < len(sc.toks) && sc.prevWord(j) == j-1 {
				if _, ord, ok := dayTok(sc, j); ok && ord {
					// A month after the day is picked up by the month branch.
					if k := j + 1; k < len(sc.toks) && sc.prevWord(k) == j {
						if _, isMonth := monthNum[string(sc.lw(k))]; isMonth || sc.isWord(k, "of") {
							continue
						}
					}
					dst = append(dst, pat(sc.toks[i].s, sc.toks[j].e, Date, 0.8))
					last = j
					i = j
				}
			}
		}
	}
	return dst
}

// writtenAround expands the month token m to a written date, or reports
// false when the month stands alone (or is the verb "may" / "march").
func writtenAround(sc *scan, m, last int) (int, int, bool) {
	w := string(sc.lw(m))
	start, end := m, m
	hasDay, hasYear := false, false
	ordinal := false
	// Before: [weekday] [the] DAY [of] MONTH, also "3rd-5th March".
	j := m - 1
	if j > last && sc.isWord(j, "of") && sc.prevWord(m) == j {
		j--
	}
	if j > last && sc.prevWord(j+1) == j {
		if _, ord, ok := dayTok(sc, j); ok {
			hasDay, ordinal = true, ord
			start = j
			k := j - 1
			// range: "3rd - 5th March", "3 to 5 March", "3rd and 4th march"
			if k > last && k >= 0 {
				g := sc.text[sc.toks[k].e:sc.toks[j].s]
				if trimmed := trimSpaces(g); trimmed == "-" || trimmed == "\u2013" || trimmed == "&" {
					if _, _, ok := dayTok(sc, k); ok {
						start = k
						k--
					}
				} else if (sc.isWord(k, "to") || sc.isWord(k, "and")) && k-1 > last {
					if _, _, ok := dayTok(sc, k-1); ok && sc.prevWord(k) == k-1 {
						start = k - 1
						k -= 2
					}
				}
			}
			if k > last && k >= 0 && sc.isWord(k, "the") && sc.prevWord(k+1) == k {
				start = k
				k--
			}
			if k > last && k >= 0 && weekdays[string(sc.lw(k))] && sc.prevWord(k+1) == k {
				start = k
			}
		}
	}
	// After: MONTH [the] DAY[,] [YEAR] or MONTH YEAR.
	j = m + 1
	if !hasDay && j < len(sc.toks) && sc.prevWord(j) == m {
		k := j
		if sc.isWord(k, "the") && k+1 < len(sc.toks) && sc.prevWord(k+1) == k {
			k++
		}
		if _, ord, ok := dayTok(sc, k); ok && !(k+1 < len(sc.toks) && sc.text[sc.toks[k].e:min(sc.toks[k].e+1, len(sc.text))] == ":") {
			hasDay, ordinal = true, ord
			end = k
			j = k + 1
		}
	}
	if j < len(sc.toks) && sc.prevWord(j) == end && yearTok(sc, j) {
		hasYear = true
		end = j
	}
	if !hasDay && !hasYear {
		return 0, 0, false
	}
	// "may" and "march" are verbs too: "I may 3 times", "they march 2
	// abreast". Trust them with an ordinal, a year, or a capital.
	if (w == "may" || w == "march" || w == "mar") && !ordinal && !hasYear && start == m && sc.toks[m].f&tCap == 0 {
		return 0, 0, false
	}
	return sc.toks[start].s, sc.toks[end].e, true
}

func trimSpaces(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
