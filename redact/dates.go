package redact

import "time"

// Dates: calendar dates more precise than a year, in numeric (12/03/2023,
// 2023-03-12, 12.3.23, 05/2021, 2021-05, 20240315, cued 14/05 and
// 15031985), ISO 8601 (date-times 2024-03-15T14:30:00Z and 2024-03-15
// 14:30, ordinal dates 2024-075, week dates 2024-W11-5), hyphenated
// (22-nov-1972, 10-Nov-2008, 21-May, May-2021) and written forms (3rd
// March, March 3rd 2023, Nov. 22, the 5th of june, mon 4th, the 19th, March
// 2023), with a weekday before them included. A year alone, a month alone,
// times of day, durations and scores are not dates; a day/month pair
// without a year ("9/10", "24/7") is taken only with a leading zero, a day
// above 12, or a cue (on, Weds, the, next, dob...), since "9/10" is as
// often a score.

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

// dayMonthCues also make a bare day/month a date ("the 9/10", "next 9/10",
// "appt 14/5"); weekdays do too ("Weds 9/10").
var dayMonthCues = words(`the next last this wc commencing appt appointment session birthday bday dob`)

// afterOrdinal are the words that may follow "the 19th" when it is a day of
// the month; any other word after it ("the 3rd time", "the 21st century")
// makes the ordinal a rank, not a date.
var afterOrdinal = words(`at on in and or to till until then so but because is was for from i we you he she they it
	please if when morning afternoon evening night pm am ok okay maybe too as with after before by instead again
	onwards onward isn't wasn't would will could can cos cause works work suits suit sounds sound seems seem
	looks look fine good great better best perfect free busy booked should might must shall does doesn't don't
	won't can't couldn't wouldn't shouldn't has had have are were be`)

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

// findNumericDates finds d/m/y, y-m-d (with a time after it), m/y, y-m,
// cued d/m, 8-digit dates, ISO ordinal dates and ISO week dates.
func findNumericDates(dst []Span, sc *scan) []Span {
	chs := sc.chunks()
	t := sc.text
	for a := 0; a < len(chs); a++ {
		c0 := chs[a]
		if c0.alphaBefore || c0.e >= len(t) {
			if !c0.alphaBefore && c0.e-c0.s == 8 {
				dst = cuedCompactDate(dst, sc, c0)
			}
			continue
		}
		if c0.e-c0.s == 4 && (t[c0.e] == 'W' || t[c0.e] == 'w' || (t[c0.e] == '-' && c0.e+1 < len(t) && (t[c0.e+1] == 'W' || t[c0.e+1] == 'w'))) {
			if e, ok := isoWeek(t, c0); ok {
				dst = append(dst, pat(weekdayBefore(sc, c0.s), e, Date, 0.9))
				continue
			}
		}
		if c0.e-c0.s == 8 {
			dst = cuedCompactDate(dst, sc, c0)
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
		three := a+2 < len(chs) && c1.e < len(t) && t[c1.e] == sep && chs[a+2].s == c1.e+1 &&
			(!chs[a+2].alphaAfter || timeAfter(t, chs[a+2].e) > chs[a+2].e)
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
				dst = append(dst, pat(weekdayBefore(sc, c0.s), timeAfter(t, c2.e), Date, 0.9))
				a += 2
			}
			continue
		}
		// ISO 8601 ordinal date: "2024-075", "2024-075T08:00" (year and
		// day of the year, always three digits).
		if l0 == 4 && l1 == 3 && sep == '-' && v0 >= 1900 && v0 <= 2099 && v1 >= 1 && (v1 <= 365 || v1 == 366 && validDay(v0, 2, 29)) &&
			!(c0.s > 0 && (t[c0.s-1] == sep || isDigit(t[c0.s-1]))) && !(c1.e < len(t) && t[c1.e] == sep) {
			if e := timeAfter(t, c1.e); !c1.alphaAfter || e > c1.e {
				dst = append(dst, pat(weekdayBefore(sc, c0.s), e, Date, 0.8))
				a++
				continue
			}
		}
		if c1.alphaAfter || (c0.s > 0 && (t[c0.s-1] == sep || isDigit(t[c0.s-1]))) ||
			(c1.e < len(t) && (t[c1.e] == sep || t[c1.e] == '%') && c1.e+1 < len(t) && isDigit(t[c1.e+1])) {
			continue
		}
		// Month and year: "05/2021", "5-2021", "2021-05", "2021/5".
		if (l0 <= 2 && l1 == 4 && v0 >= 1 && v0 <= 12 && v1 >= 1900 && v1 <= 2099) ||
			(l0 == 4 && l1 == 2 && sep != '.' && v0 >= 1900 && v0 <= 2099 && v1 >= 1 && v1 <= 12) {
			dst = append(dst, pat(weekdayBefore(sc, c0.s), c1.e, Date, 0.8))
			a++
			continue
		}
		// d/m without a year: only with / or . (a dash is a range: "3-4
		// times"), and only when a leading zero or a day above 12 says it
		// is a date or a cue does ("on 9/10", "Weds 9/10": "9/10" and "24/7"
		// alone are a score and a phrase).
		if sep == '-' || l0 > 2 || l1 > 2 || (c1.e < len(t) && t[c1.e] == '%') {
			continue
		}
		dm := v0 >= 1 && v0 <= 31 && v1 >= 1 && v1 <= 12
		md := sep == '/' && v0 >= 1 && v0 <= 12 && v1 >= 1 && v1 <= 31 // US "08/13"
		if !dm && !md {
			continue
		}
		sure := sep == '/' && ((l0 == 2 && t[c0.s] == '0') || (l1 == 2 && t[c1.s] == '0') || (dm && v0 > 12 && l1 == 2))
		if !sure {
			i := tokenBefore(sc, c0.s)
			sure = i >= 0 && sc.toks[i].e < c0.s && sc.prevWord(tokenAt(sc, c0.s)) == i &&
				(dateCues[string(sc.lw(i))] || (sep == '/' && dayMonthCues[string(sc.lw(i))]) || weekdays[string(sc.lw(i))])
			// "and" cues a second date only: "on 3/4 and 5/4", not
			// "scored 7/10 and 10/10".
			if sure && sc.isWord(i, "and") {
				sure = len(dst) > 0 && dst[len(dst)-1].Label == Date && dst[len(dst)-1].End <= sc.toks[i].s && sc.toks[i].s-dst[len(dst)-1].End <= 2
			}
		}
		if sure {
			dst = append(dst, pat(weekdayBefore(sc, c0.s), timeAfter(t, c1.e), Date, 0.75))
			a++
		}
	}
	return dst
}

// tokenAt returns the index of the token starting at byte pos (a chunk
// start is always a token start or inside one), or -1.
func tokenAt(sc *scan, pos int) int {
	i := tokenBefore(sc, pos+1)
	if i < 0 || i+1 > len(sc.toks) {
		return -1
	}
	if sc.toks[i].s <= pos && pos < sc.toks[i].e {
		return i
	}
	if i+1 < len(sc.toks) && sc.toks[i+1].s <= pos {
		return i + 1
	}
	return i
}

// weekdayBefore moves a date's start over a weekday written just before it
// ("Weds 9/10", "Tue 22-Nov-2022", "Monday, 12/03/2024").
func weekdayBefore(sc *scan, start int) int {
	i := tokenBefore(sc, start)
	if i < 0 || sc.toks[i].e == start || !weekdays[string(sc.lw(i))] {
		return start
	}
	g := sc.text[sc.toks[i].e:start]
	if g != " " && g != ", " && g != "  " && g != "\t" {
		if !(len(g) >= 2 && g[0] == '.' && trimSpaces(g[1:]) == "") {
			return start
		}
	}
	return sc.toks[i].s
}

// timeAfter extends a date ending at e over a time of day written after
// it: ISO 8601's "T14:30:00Z", "T14:30:00.5+01:00", or " 14:30", " 14:30:05".
// It returns e when no time follows.
func timeAfter(t string, e int) int {
	p := e
	switch {
	case p < len(t) && (t[p] == 'T' || t[p] == 't'):
		p++
	case p+1 < len(t) && t[p] == ' ':
		p++
	default:
		return e
	}
	hh, q, ok := twoDigits(t, p)
	if !ok || hh > 23 || q >= len(t) || t[q] != ':' {
		return e
	}
	mm, q, ok := twoDigits(t, q+1)
	if !ok || mm > 59 {
		return e
	}
	end := q
	if q < len(t) && t[q] == ':' {
		if ss, r, ok := twoDigits(t, q+1); ok && ss <= 60 {
			end = r
			if end+1 < len(t) && (t[end] == '.' || t[end] == ',') && isDigit(t[end+1]) {
				end++
				for end < len(t) && isDigit(t[end]) {
					end++
				}
			}
		}
	}
	switch {
	case end < len(t) && t[end] == 'Z':
		end++
	case end < len(t) && (t[end] == '+' || t[end] == '-'):
		if _, r, ok := twoDigits(t, end+1); ok {
			end = r
			if r < len(t) && t[r] == ':' {
				if _, r2, ok := twoDigits(t, r+1); ok {
					end = r2
				}
			} else if _, r2, ok := twoDigits(t, r); ok {
				end = r2
			}
		}
	}
	if end < len(t) && (isASCIILetter(t[end]) || isDigit(t[end])) && t[end-1] != 'Z' {
		return e
	}
	return end
}

// apostropheYear reports whether a gap ends in the apostrophe of a
// two-digit year ("March '98").
func apostropheYear(g string) bool {
	g = trimSpaces(g)
	return g == "'" || g == "\u2019" || g == "\u2018" || g == ", '" || g == ", \u2019"
}

// timeAfterBasic extends a compact date at e over an ISO 8601 basic-format
// time: "T1430", "T143000", "T143000Z", "T143000+0100". It returns e when
// none follows.
func timeAfterBasic(t string, e int) int {
	if e >= len(t) || (t[e] != 'T' && t[e] != 't') {
		return e
	}
	p := e + 1
	q := p
	for q < len(t) && isDigit(t[q]) {
		q++
	}
	if n := q - p; n != 4 && n != 6 {
		return e
	}
	if hh, mm := atoiBytes(t[p:p+2]), atoiBytes(t[p+2:p+4]); hh > 23 || mm > 59 {
		return e
	}
	switch {
	case q < len(t) && t[q] == 'Z':
		q++
	case q+4 < len(t)+1 && q < len(t) && (t[q] == '+' || t[q] == '-') && q+5 <= len(t) && allDigitBytes([]byte(t[q+1:q+5])):
		q += 5
	}
	if q < len(t) && (isASCIILetter(t[q]) || isDigit(t[q])) {
		return e
	}
	return q
}

// twoDigits parses exactly two ASCII digits at t[p:].
func twoDigits(t string, p int) (int, int, bool) {
	if p+2 > len(t) || !isDigit(t[p]) || !isDigit(t[p+1]) || (p+2 < len(t) && isDigit(t[p+2])) {
		return 0, p, false
	}
	return int(t[p]-'0')*10 + int(t[p+1]-'0'), p + 2, true
}

// isoWeek parses an ISO 8601 week date at a four-digit year chunk:
// 2024-W11, 2024-W11-5, 2024W11, 2024W115.
func isoWeek(t string, c chunk) (int, bool) {
	y := atoiBytes(t[c.s:c.e])
	if y < 1900 || y > 2099 {
		return 0, false
	}
	p := c.e
	ext := t[p] == '-'
	if ext {
		p++
	}
	p++ // the W
	w, q, ok := twoDigits(t, p)
	if !ok {
		// "2024W115": week and day run together.
		if p+3 <= len(t) && isDigit(t[p]) && isDigit(t[p+1]) && isDigit(t[p+2]) && (p+3 == len(t) || !isDigit(t[p+3])) && !ext {
			w = int(t[p]-'0')*10 + int(t[p+1]-'0')
			if w >= 1 && w <= 53 && t[p+2] >= '1' && t[p+2] <= '7' {
				return p + 3, true
			}
		}
		return 0, false
	}
	if w < 1 || w > 53 {
		return 0, false
	}
	if ext && q+1 < len(t) && t[q] == '-' && t[q+1] >= '1' && t[q+1] <= '7' && (q+2 == len(t) || !isDigit(t[q+2])) {
		q += 2
	}
	if q < len(t) && isASCIILetter(t[q]) {
		return 0, false
	}
	return q, true
}

// cuedCompactDate takes an 8-digit chunk as a date when it parses as one:
// year first (ISO 8601's basic form, 20240315) on its own, day first
// (15031985) only when a date cue comes just before ("dob 15031985").
func cuedCompactDate(dst []Span, sc *scan, c chunk) []Span {
	t := sc.text
	basic := c.alphaAfter && timeAfterBasic(t, c.e) > c.e // 20240315T143000Z
	if (c.alphaAfter && !basic) || c.alphaBefore {
		return dst
	}
	d := t[c.s:c.e]
	y1, m1, d1 := atoiBytes(d[:4]), atoiBytes(d[4:6]), atoiBytes(d[6:])
	y2, m2, d2 := atoiBytes(d[4:]), atoiBytes(d[2:4]), atoiBytes(d[:2])
	yearFirst := y1 >= 1900 && y1 <= 2099 && validDay(y1, m1, d1)
	if !yearFirst && !(y2 >= 1900 && y2 <= 2099 && validDay(y2, m2, d2)) {
		return dst
	}
	if basic && yearFirst {
		return append(dst, pat(c.s, timeAfterBasic(t, c.e), Date, 0.9))
	}
	if yearFirst && !c.join && !(c.s > 0 && (isDigit(t[c.s-1]) || t[c.s-1] == '-' || t[c.s-1] == '/')) &&
		!(c.e < len(t) && (t[c.e] == '-' || t[c.e] == '/') && c.e+1 < len(t) && isDigit(t[c.e+1])) {
		// ISO 8601's basic form, year first, needs no cue: "20240315".
		return append(dst, pat(c.s, timeAfter(t, c.e), Date, 0.8))
	}
	i := tokenBefore(sc, c.s)
	for n := 0; i >= 0 && n < 2; i, n = i-1, n+1 {
		w := string(sc.lw(i))
		if dateCues[w] || w == "birth" || w == "dob" || w == "date" || w == "birthday" {
			return append(dst, pat(c.s, timeAfter(t, c.e), Date, 0.8))
		}
	}
	return dst
}

// findWrittenDates finds dates around month names and after weekdays.
func findWrittenDates(dst []Span, sc *scan) []Span {
	last := -1
	for i := 0; i < len(sc.toks); i++ {
		if sc.toks[i].f&tDigit != 0 {
			if i > last {
				if s, e, ok := cuedOrdinal(sc, i); ok {
					dst = append(dst, pat(s, e, Date, 0.75))
					last = i
				}
			}
			continue
		}
		if !sc.alpha(i) {
			continue
		}
		if n := sc.toks[i].e - sc.toks[i].s; n < 3 || n > 9 || !sc.has(i, bMonth|bWeekday) {
			continue
		}
		if sc.has(i, bMonth) {
			if s, e, ok := joinedDate(sc, i, last); ok {
				dst = append(dst, pat(weekdayBefore(sc, s), timeAfter(sc.text, e), Date, 0.85))
				last = tokenBefore(sc, e)
				i = last
				continue
			}
			s, e, ok := writtenAround(sc, i, last)
			if ok {
				dst = append(dst, pat(weekdayBefore(sc, s), e, Date, 0.85))
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

// cuedOrdinal takes an ordinal day alone as a date after "the" or a date
// cue ("on the 19th", "by 3rd", "the 21st."), unless a word follows that
// makes it a rank ("the 3rd time", "the 21st century"); an ordinal before a
// month ("the 19th of May") is left to the month.
func cuedOrdinal(sc *scan, i int) (int, int, bool) {
	if _, ord, ok := dayTok(sc, i); !ok || !ord {
		return 0, 0, false
	}
	p := sc.prevWord(i)
	if p < 0 {
		return 0, 0, false
	}
	start := p
	switch pw := string(sc.lw(p)); {
	case pw == "the":
		if q := sc.prevWord(p); q >= 0 && weekdays[string(sc.lw(q))] {
			return 0, 0, false // the weekday branch takes "Tuesday the 5th"
		}
	case weekdays[pw]:
		return 0, 0, false
	case dateCues[pw] && pw != "and":
		start = i
	default:
		return 0, 0, false
	}
	if n := sc.nextWord(i); n >= 0 && sc.spaced(i) {
		w := string(sc.lw(n))
		if _, isMonth := monthNum[w]; isMonth || w == "of" {
			return 0, 0, false
		}
		if sc.alpha(n) && !afterOrdinal[w] {
			return 0, 0, false
		}
	}
	return sc.toks[start].s, sc.toks[i].e, true
}

// joinedDate finds the month token m joined without spaces to a day and/or
// year by "-", "/" or ".": 22-nov-1972, 10-Nov-2008, 21-May, May-2021,
// 2024-Mar-15, 22/Nov/72.
func joinedDate(sc *scan, m, last int) (int, int, bool) {
	if sc.toks[m].f&tDigit != 0 {
		return 0, 0, false
	}
	start, end := m, m
	if p := m - 1; p > last && joinSep(sc, p) {
		if _, _, ok := dayTok(sc, p); ok {
			start = p
			if q := p - 1; q > last && joinSep(sc, q) && yearTok(sc, q) {
				start = q // 2024-Mar-15
			}
		} else if yearTok(sc, p) {
			start = p
		}
	}
	if n := m + 1; n < len(sc.toks) && joinSep(sc, m) {
		switch {
		case yearTok(sc, n) || (start < m && twoDigitTok(sc, n)):
			end = n
		case start == m:
			if _, _, ok := dayTok(sc, n); ok {
				end = n // May-21: the 21st or 2021, a date either way
				if k := n + 1; k < len(sc.toks) && joinSep(sc, n) && (yearTok(sc, k) || twoDigitTok(sc, k)) {
					end = k
				}
			}
		}
	}
	if start == end {
		return 0, 0, false
	}
	// A digit or letter glued on either side makes it some other code.
	if s := sc.toks[start].s; s > 0 && (isASCIILetter(sc.text[s-1]) || isDigit(sc.text[s-1])) {
		return 0, 0, false
	}
	return sc.toks[start].s, sc.toks[end].e, true
}

// joinSep reports whether tokens i and i+1 are joined by exactly one "-",
// "/" or "." (no spaces).
func joinSep(sc *scan, i int) bool {
	if i < 0 || i+1 >= len(sc.toks) || sc.toks[i+1].s != sc.toks[i].e+1 {
		return false
	}
	c := sc.text[sc.toks[i].e]
	return c == '-' || c == '/' || c == '.'
}

// twoDigitTok reports whether token i is exactly two ASCII digits.
// wordAfter reports whether a word follows token i after a space.
func wordAfter(sc *scan, i int) bool {
	j := i + 1
	return j < len(sc.toks) && sc.alpha(j) && sc.prevWord(j) == i && sc.toks[j].s > sc.toks[i].e && sc.text[sc.toks[i].e] == ' '
}

func twoDigitTok(sc *scan, i int) bool {
	w := sc.lw(i)
	return len(w) == 2 && isDigit(w[0]) && isDigit(w[1])
}

// monthNext returns the token after the month m when it follows as the
// next word, also after an abbreviation's full stop ("Nov. 22"), or -1.
func monthNext(sc *scan, m int) int {
	j := m + 1
	if j >= len(sc.toks) {
		return -1
	}
	if sc.prevWord(j) == m {
		return j
	}
	g := sc.text[sc.toks[m].e:sc.toks[j].s]
	if sc.toks[m].e-sc.toks[m].s <= 4 && len(g) >= 2 && len(g) <= 3 && g[0] == '.' && trimSpaces(g[1:]) == "" {
		return j
	}
	return -1
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
	if j > last && sc.prevWord(j+1) == j && !numberTail(sc.text, sc.toks[j].s) {
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
	// Ordinals in words: [the] twenty-first of MONTH.
	if !hasDay && m-2 > last && sc.isWord(m-1, "of") && sc.prevWord(m) == m-1 && sc.prevWord(m-1) == m-2 {
		if s0, ok := ordinalWordEnding(sc, m-2, last); ok {
			hasDay, ordinal, start = true, true, s0
			if k := s0 - 1; k > last && sc.isWord(k, "the") && sc.prevWord(s0) == k {
				start = k
			}
		}
	}
	// After: MONTH [the] DAY[,] [YEAR] or MONTH YEAR.
	j = m + 1
	if !hasDay && monthNext(sc, m) == j && sc.isWord(j, "the") && sc.prevWord(j+1) == j {
		if e, ok := ordinalWordStarting(sc, j+1); ok {
			hasDay, ordinal, end = true, true, e // "March the first"
			j = e + 1
		}
	}
	if !hasDay && monthNext(sc, m) == j {
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
	if j < len(sc.toks) && (sc.prevWord(j) == end || (end == m && monthNext(sc, m) == j)) && yearTok(sc, j) {
		hasYear = true
		end = j
	} else if j < len(sc.toks) && sc.prevWord(j) == end && twoDigitTok(sc, j) && apostropheYear(sc.text[sc.toks[end].e:sc.toks[j].s]) {
		hasYear = true // "March '98", "3rd Jan ’24"
		end = j
	} else if hasDay && start < m && end == m && j < len(sc.toks) && sc.toks[j].s == sc.toks[m].e+1 && sc.text[sc.toks[m].e] == ' ' &&
		twoDigitTok(sc, j) && !wordAfter(sc, j) {
		hasYear = true // "3 Mar 21", "5 Jun 99.": not "3 March 21 people"
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

// numberTail reports whether the token at byte p ends a number written
// with separators ("2021-05", "12.05", "3/05"): the month of "2021-05,
// March 3rd" is no day of "05 March".
func numberTail(t string, p int) bool {
	return p >= 2 && (t[p-1] == '-' || t[p-1] == '/' || t[p-1] == '.') && isDigit(t[p-2])
}

// ordinalWords are the days of the month written as ordinal words; the
// tens ("twenty", "thirty") join a unit with a hyphen or a space.
var ordinalWords = map[string]int{
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
	"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
	"seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}

// ordinalTens joins "twenty" or "thirty" at token i to the unit ordinal
// at i+1 ("twenty-first", "thirty first") and returns the day.
func ordinalTens(sc *scan, i int) (int, bool) {
	if i+1 >= len(sc.toks) || !(joinSep(sc, i) || sc.spaced(i)) || sc.text[sc.toks[i].e] == '/' || sc.text[sc.toks[i].e] == '.' {
		return 0, false
	}
	u := ordinalWords[string(sc.lw(i+1))]
	if u < 1 || u > 9 {
		return 0, false
	}
	switch string(sc.lw(i)) {
	case "twenty":
		return 20 + u, true
	case "thirty":
		if u == 1 {
			return 31, true
		}
	}
	return 0, false
}

// ordinalWordEnding finds a day in ordinal words ending at token j and
// returns its first token.
func ordinalWordEnding(sc *scan, j, last int) (int, bool) {
	if j-1 > last {
		if _, ok := ordinalTens(sc, j-1); ok {
			return j - 1, true
		}
	}
	if _, ok := ordinalWords[string(sc.lw(j))]; ok {
		return j, true
	}
	return 0, false
}

// ordinalWordStarting finds a day in ordinal words starting at token k
// and returns its last token.
func ordinalWordStarting(sc *scan, k int) (int, bool) {
	if k >= len(sc.toks) {
		return 0, false
	}
	if _, ok := ordinalTens(sc, k); ok {
		return k + 1, true
	}
	if _, ok := ordinalWords[string(sc.lw(k))]; ok {
		return k, true
	}
	return 0, false
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

// titleAbbrevs are the titles written as abbreviations, with a full stop
// in the American and older British style ("Mr. Smith"); a title written
// out ("doctor.") ends a sentence like any word.
var titleAbbrevs = words(`mr mrs ms mx dr prof rev revd cllr fr`)

// titleDot reports whether token i is an abbreviated title followed by its
// full stop and a space ("Mr. ", "Dr. "): the stop does not end a sentence.
func titleDot(sc *scan, i int) bool {
	g := sc.text[sc.toks[i].e:sc.toks[i+1].s]
	return len(g) >= 2 && len(g) <= 3 && g[0] == '.' && trimSpaces(g[1:]) == "" && titleAbbrevs[string(sc.lw(i))]
}

// validDay reports whether d is a day of month m of year y.
func validDay(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
