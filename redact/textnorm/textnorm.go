// Package textnorm is the one normalised view of text that identifier
// matching runs on: the redactor's known-identifier and pattern recognizers,
// the opt-out list's NHS numbers and verify's leak scan all see text through
// it, so an identifier written oddly is found by every one of them or by
// none.
//
// The view is the text with, in this order:
//   - HTML character references decoded (&#97; &#x61; &amp; and every named
//     reference that ends in a semicolon) and %-escapes decoded where the
//     escaped bytes are UTF-8 (D%61wn, %E2%80%8B);
//   - format and control characters dropped (zero-width space and joiners,
//     soft hyphen, byte-order mark, bidi marks, NUL; tab, line feed and
//     carriage return are kept);
//   - every Unicode space (no-break, thin, ideographic, line separator) made
//     an ASCII space;
//   - Unicode NFKC applied (full-width digits and letters, ligatures,
//     composed accents).
//
// Invariants: every byte of the view comes from a contiguous range of the
// original's bytes, ranges never go backwards, and View.Orig maps a span of
// the view to the smallest span of the original that covers every byte the
// view's span came from, including any dropped characters between them. A
// text that needs none of this (ASCII without '&', '%' or a control byte,
// the common case) is its own view: no copy and no offset table.
package textnorm

import (
	"html"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// View is a normalised text and the map from its bytes to the original's.
// A View from a Folder is valid until that Folder's next Fold.
type View struct {
	// Text is the normalised text.
	Text string
	// start[i] and end[i] bound the original bytes that view byte i came
	// from, unless folded is false: then Text is the original itself.
	start, end []int32
	folded     bool
}

// Identity reports whether the view is the original text unchanged.
func (v View) Identity() bool { return !v.folded }

// Orig maps the view's byte span [s, e) to the original's. An empty span
// maps to an empty span at the original position of s.
func (v View) Orig(s, e int) (int, int) {
	if !v.folded {
		return s, e
	}
	if s >= len(v.Text) {
		if len(v.end) == 0 {
			return 0, 0
		}
		n := int(v.end[len(v.end)-1])
		return n, n
	}
	if e <= s {
		return int(v.start[s]), int(v.start[s])
	}
	return int(v.start[s]), int(v.end[e-1])
}

// Folder builds views, reusing its buffers: one per goroutine.
type Folder struct {
	buf, out         []byte
	start, end       []int32
	ostart, oend     []int32
	segStart, segEnd []int32
	iter             norm.Iter
}

// String returns the normalised view of s as a string of its own.
func String(s string) string {
	var f Folder
	v := f.Fold(s)
	if v.Identity() {
		return s
	}
	return v.Text
}

// Fold returns the view of s. The view aliases f's buffers (or s itself).
func (f *Folder) Fold(s string) View {
	if plain(s) {
		return View{Text: s}
	}
	f.buf, f.start, f.end = f.buf[:0], f.start[:0], f.end[:0]
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '&':
			if r, n := charRef(s[i:]); n > 0 {
				f.emitRunes(r, i, i+n)
				i += n
				continue
			}
		case c == '%':
			if n := f.escapes(s, i); n > 0 {
				i += n
				continue
			}
		}
		if c < utf8.RuneSelf {
			f.emit(rune(c), i, i+1)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			// Invalid UTF-8 is kept byte for byte: it matches nothing, and
			// the original bytes stay covered by any span over them.
			f.buf = append(f.buf, c)
			f.start = append(f.start, int32(i))
			f.end = append(f.end, int32(i+1))
			i++
			continue
		}
		f.emit(r, i, i+n)
		i += n
	}
	if norm.NFKC.IsNormal(f.buf) {
		return View{Text: string(f.buf), start: f.start, end: f.end, folded: true}
	}
	return f.nfkc()
}

// nfkc normalises f.buf segment by segment: each output segment maps to
// the union of the original ranges of the input segment it came from.
func (f *Folder) nfkc() View {
	f.out, f.ostart, f.oend = f.out[:0], f.ostart[:0], f.oend[:0]
	f.iter.Init(norm.NFKC, f.buf)
	for !f.iter.Done() {
		from := f.iter.Pos()
		seg := f.iter.Next()
		to := f.iter.Pos()
		if to <= from {
			// One input rune that expands to several segments ("ﬁ" to
			// "f", "i") reports no progress until its last one.
			if from >= len(f.buf) {
				continue
			}
			_, n := utf8.DecodeRune(f.buf[from:])
			to = from + n
		}
		lo, hi := f.start[from], f.end[to-1]
		for range seg {
			f.ostart = append(f.ostart, lo)
			f.oend = append(f.oend, hi)
		}
		f.out = append(f.out, seg...)
	}
	return View{Text: string(f.out), start: f.ostart, end: f.oend, folded: true}
}

// emitRunes emits the runes of a decoded reference, all mapped to the
// reference's whole original range.
func (f *Folder) emitRunes(decoded string, from, to int) {
	for _, r := range decoded {
		f.emit(r, from, to)
	}
}

// emit appends r's normalised form (dropped, a space, or itself).
func (f *Folder) emit(r rune, from, to int) {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
	case r < 0x20 || r == 0x7f:
		return
	case r < utf8.RuneSelf:
	case folds(r):
		if unicode.In(r, unicode.Cf, unicode.Cc) {
			return
		}
		r = ' '
	}
	n := len(f.buf)
	f.buf = utf8.AppendRune(f.buf, r)
	for j := n; j < len(f.buf); j++ {
		f.start = append(f.start, int32(from))
		f.end = append(f.end, int32(to))
	}
}

// escapes decodes the run of %XX escapes at s[i:] into runes where the
// bytes are UTF-8 and returns how many bytes of s it consumed (0 when s[i:]
// does not start with an escape).
func (f *Folder) escapes(s string, i int) int {
	j := i
	var raw [64]byte
	var pos [64]int
	n := 0
	for j+2 < len(s) && s[j] == '%' && n < len(raw) {
		h, ok1 := unhex(s[j+1])
		l, ok2 := unhex(s[j+2])
		if !ok1 || !ok2 {
			break
		}
		raw[n], pos[n] = h<<4|l, j
		n++
		j += 3
	}
	if n == 0 {
		return 0
	}
	for k := 0; k < n; {
		r, size := utf8.DecodeRune(raw[k:n])
		if r == utf8.RuneError && size <= 1 {
			// Not UTF-8: the escape stays as written.
			at := pos[k]
			for b := at; b < at+3; b++ {
				f.emit(rune(s[b]), b, b+1)
			}
			k++
			continue
		}
		f.emit(r, pos[k], pos[k+size-1]+3)
		k += size
	}
	return j - i
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// charRef decodes an HTML character reference at the start of s ("&#97;",
// "&#x61", "&eacute;") and returns the decoded text and the reference's
// length, or 0 when s does not start with one. Numeric references may omit
// the semicolon, as browsers accept; named ones must have it.
func charRef(s string) (string, int) {
	if len(s) < 3 {
		return "", 0
	}
	if s[1] == '#' {
		i, base := 2, 10
		if s[i] == 'x' || s[i] == 'X' {
			i, base = 3, 16
		}
		v, digits := 0, 0
		for i < len(s) && digits < 8 {
			d, ok := unhex(s[i])
			if !ok || int(d) >= base {
				break
			}
			v = v*base + int(d)
			i++
			digits++
		}
		if digits == 0 || v > unicode.MaxRune || (0xD800 <= v && v <= 0xDFFF) {
			return "", 0
		}
		if i < len(s) && s[i] == ';' {
			i++
		}
		if v == 0 {
			v = utf8.RuneError
		}
		return string(rune(v)), i
	}
	i := 1
	for i < len(s) && i < 34 && (isAlnum(s[i])) {
		i++
	}
	if i == 1 || i >= len(s) || s[i] != ';' {
		return "", 0
	}
	ref := s[:i+1]
	dec := html.UnescapeString(ref)
	if dec == ref {
		return "", 0
	}
	return dec, i + 1
}

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// plainByte marks the bytes that need no folding.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '&' && c != '%'
	}
	t['\t'], t['\n'], t['\r'] = true, true, true
	return t
}()

// plain reports whether s is its own view: ASCII that needs nothing, or
// text whose every other rune needs nothing either and that NFKC leaves
// as it is (curly quotes, accents, emoji: most real text that is not
// ASCII).
func plain(s string) bool {
	i := 0
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	if i == len(s) {
		return true
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if !plainByte[c] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || folds(r) {
			return false
		}
		i += n
	}
	return norm.NFKC.IsNormalString(s)
}

// folds reports whether emit would drop or replace the non-ASCII rune r.
func folds(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Cc) || unicode.IsSpace(r) || unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp)
}

// Compact returns the view of an identifier with every space, separator,
// format character and the punctuation people put inside numbers ('-', '.',
// '/', '(', ')') removed: "９９９ ３５７\u00a06087" and "999.357.6087" both
// give "9993576087". Letters and other characters are kept, so a caller
// can still tell a number from something that is not one.
func Compact(s string) string {
	v := String(s)
	b := make([]byte, 0, len(v))
	for _, r := range v {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		case r == '-' || r == '.' || r == '/' || r == '(' || r == ')' || r == '_':
		case r >= utf8.RuneSelf && (unicode.In(r, unicode.Pd, unicode.Zs) || unicode.IsSpace(r)):
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}
