package ner

import (
	"unicode"
	"unicode/utf8"
)

// Token kinds. The tagger only ever labels kindWord tokens; the other kinds
// exist so that features can see them and so that a URL or a handle is one
// token rather than a run of fragments.
const (
	kindWord    uint8 = iota // letters (and digits), internal apostrophes and hyphens
	kindNum                  // digits only (with internal separators)
	kindClitic               // possessive 's split off a word
	kindPunct                // one punctuation rune
	kindSym                  // one symbol, emoji or invalid byte
	kindURL                  // http://..., https://..., www....
	kindMention              // @handle
	kindHashtag              // #tag
)

// token is one scanned token. Offsets are byte offsets into the text.
type token struct {
	start, end int32
	kind       uint8
	// sentStart reports that a line break or sentence-final punctuation
	// precedes the token (or that it is first): a capital there says little.
	sentStart bool
}

// isWordRune reports whether r can be part of a word token.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApos(r rune) bool { return r == '\'' || r == '\u2019' }

// hasPrefixFold reports whether s[i:] starts with the ASCII lower-case
// prefix p, ignoring ASCII case.
func hasPrefixFold(s string, i int, p string) bool {
	if len(s)-i < len(p) {
		return false
	}
	for j := 0; j < len(p); j++ {
		c := s[i+j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[j] {
			return false
		}
	}
	return true
}

// spaceEnd returns the index of the first whitespace at or after i.
func spaceEnd(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf && (r == ' ' || r == '\t' || r == '\n' || r == '\r') || r >= utf8.RuneSelf && unicode.IsSpace(r) {
			return i
		}
		i += n
	}
	return i
}

// tokenize appends the tokens of s to dst. It never fails: invalid UTF-8
// bytes become one-byte symbol tokens, and every token starts and ends on a
// rune boundary of s.
func tokenize(s string, dst []token) []token {
	sentStart := true
	i := 0
	for i < len(s) {
		c := s[i]
		// Fast path for ASCII whitespace.
		if c == ' ' || c == '\t' || c == '\r' {
			i++
			continue
		}
		if c == '\n' {
			sentStart = true
			i++
			continue
		}
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError && unicode.IsSpace(r) {
				if r == '\u2028' || r == '\u2029' || r == '\u0085' {
					sentStart = true
				}
				i += n
				continue
			}
		}
		start := i
		kind := kindSym
		switch {
		case (c == 'h' || c == 'H') && (hasPrefixFold(s, i, "http://") || hasPrefixFold(s, i, "https://")),
			(c == 'w' || c == 'W') && hasPrefixFold(s, i, "www."):
			kind = kindURL
			i = spaceEnd(s, i)
		case (c == '@' || c == '#') && i+1 < len(s) && startsWord(s, i+1):
			kind = kindMention
			if c == '#' {
				kind = kindHashtag
			}
			i++
			for i < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[i:])
				if !isWordRune(r2) && r2 != '_' {
					break
				}
				i += n2
			}
		case isWordRune(r):
			i, kind = scanWord(s, i)
		case isApos(r) && startsPossessive(s, i):
			kind = kindClitic
			i += n + 1
		default:
			if r != utf8.RuneError && unicode.IsPunct(r) {
				kind = kindPunct
			}
			i += n
		}
		dst = append(dst, token{start: int32(start), end: int32(i), kind: kind, sentStart: sentStart})
		sentStart = false
		if kind == kindPunct && (c == '.' || c == '!' || c == '?' || r == '\u2026') {
			sentStart = true
		}
	}
	return dst
}

// startsWord reports whether a word rune starts at s[i].
func startsWord(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}

// startsPossessive reports whether s[i:] is an apostrophe followed by s/S
// and then a non-word rune (or the end): "dave's" splits as dave + 's.
func startsPossessive(s string, i int) bool {
	_, n := utf8.DecodeRuneInString(s[i:])
	j := i + n
	if j >= len(s) || (s[j] != 's' && s[j] != 'S') {
		return false
	}
	j++
	if j == len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return !isWordRune(r)
}

// scanWord scans a word starting at s[i] (a word rune). Apostrophes and
// hyphens join word runes on both sides ("o'brien", "stoke-on-trent",
// "don't") except a possessive 's, which is left for its own token.
func scanWord(s string, i int) (end int, kind uint8) {
	digitsOnly := true
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			if digitsOnly && !('0' <= r && r <= '9') {
				digitsOnly = false
			}
			i += n
			continue
		}
		joiner := isApos(r) || r == '-' || r == '\u2010'
		if digitsOnly && (r == '.' || r == ',' || r == ':' || r == '/') {
			joiner = true // 1,000  3.5  10:30  12/03
		}
		if !joiner || i+n >= len(s) || !startsWord(s, i+n) {
			break
		}
		if isApos(r) && startsPossessive(s, i) {
			break
		}
		i += n
	}
	if digitsOnly {
		return i, kindNum
	}
	return i, kindWord
}
