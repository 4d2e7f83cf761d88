package redact

import "strings"

// findHandles finds social-media handles, which name a person as surely as
// a name does: an @-mention ("@jess_xo", "@KimKardashian", "@ judgesarah"
// as tokenised text writes it) and a user name written without the "@"
// but joined by underscores ("meg_librarian", "_mrs_b", "MrsT_2012"). A
// handle is the run of letters and digits joined by "_" or "." after the
// mark; the span leaves the "@" in the text, so a reader still sees that
// someone was mentioned.
//
// An "@" after a letter or digit starts an e-mail address, not a mention
// (findEmails). "@5pm", "@ 10" and "@3rd" are "at", so a run that opens
// with a digit and is a time or an ordinal is not a handle. After "@ " with
// a space, which chat also uses for "at" ("meet @ home"), only a run that
// looks made up is taken: an underscore, a capital inside the word, or no
// English word at all.
func findHandles(dst []Span, sc *scan) []Span {
	t := sc.text
	if strings.IndexByte(t, '@') < 0 && strings.IndexByte(t, '_') < 0 {
		return dst
	}
	for i := 0; i < len(sc.toks); i++ {
		j := i
		for j+1 < len(sc.toks) && sc.toks[j+1].s-sc.toks[j].e == 1 && (t[sc.toks[j].e] == '_' || t[sc.toks[j].e] == '.') {
			j++
		}
		s, e := sc.toks[i].s, sc.toks[j].e
		for s > 0 && t[s-1] == '_' {
			s--
		}
		for e < len(t) && t[e] == '_' {
			e++
		}
		first, last := i, j
		i = j
		under := strings.IndexByte(t[s:e], '_') >= 0
		camel, alpha := false, false
		for k := first; k <= last; k++ {
			camel = camel || sc.toks[k].f&tCamel != 0
			alpha = alpha || sc.toks[k].f&tAlpha != 0
		}
		if !alpha {
			continue
		}
		switch mentionBefore(t, s) {
		case mentionDirect:
			if first == last && isDigit(t[s]) && atWord(sc.low[s:e]) {
				continue
			}
			dst = append(dst, pat(s, e, Person, 0.95))
		case mentionSpaced:
			if under || camel || (first == last && sc.alpha(first) && sc.lex(first).wc == wNone && !sc.has(first, bChat|bFunction|bPronoun)) {
				dst = append(dst, pat(s, e, Person, 0.85))
			}
		default:
			if under && joinedWords(t, s, e) {
				dst = append(dst, pat(s, e, Person, 0.8))
			}
		}
	}
	return dst
}

const (
	mentionNone = iota
	mentionDirect
	mentionSpaced
)

// mentionBefore reports whether an "@" that starts no e-mail address
// stands directly before s, or before the one space before s.
func mentionBefore(t string, s int) int {
	kind, at := mentionDirect, s-1
	if at >= 0 && t[at] == ' ' {
		kind, at = mentionSpaced, at-1
	}
	if at < 0 || t[at] != '@' {
		return mentionNone
	}
	if at > 0 && isEmailLocalASCII(t[at-1]) && t[at-1] != '.' {
		return mentionNone
	}
	return kind
}

// joinedWords reports whether t[s:e] is a user name, not a file name or a
// placeholder: at least two letters, and no underscore run longer than one
// between its parts ("____" lines and "[NAME]___" forms are not names).
func joinedWords(t string, s, e int) bool {
	letters := 0
	for k := s; k < e; k++ {
		c := t[k]
		if c == '_' && k+1 < e && t[k+1] == '_' {
			return false
		}
		if isASCIILetter(c) || c >= 0x80 {
			letters++
		}
	}
	return letters >= 2
}

// atWord reports whether w (lower case, opening with a digit) is "at"
// something rather than a name: a number, a time ("5pm", "10am") or an
// ordinal ("3rd").
func atWord(w []byte) bool {
	k := 0
	for k < len(w) && isDigit(w[k]) {
		k++
	}
	switch string(w[k:]) {
	case "", "am", "pm", "st", "nd", "rd", "th", "h", "hr", "hrs", "ish", "k", "m":
		return true
	}
	return false
}
