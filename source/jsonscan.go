package source

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// A single-pass reader for the flat JSON objects of a JSON Lines snapshot.
// encoding/json spent most of a plain copy's time validating each line,
// building a map of raw values and then validating each value again as it
// was unmarshalled (docs/performance.md). This scanner validates
// the line once, against the full JSON grammar, and records where each
// top-level value lies; scalar values are then read straight from the line
// and only nested values (arrays, objects) go through encoding/json. It is
// fuzzed against encoding/json (FuzzSplitJSON): the two must agree on which
// lines are valid and on every value read.

// maxJSONDepth bounds nesting; deeper input is malformed for every record
// type here, and the bound keeps the recursion's stack small.
const maxJSONDepth = 64

// field is one top-level member of a record: its name and raw value.
type field struct {
	name string
	val  rawValue
}

// Fields are a record's members in input order, as a reader split them
// (values undecoded, possibly views of the line); a Decoder reads them. A
// record has a dozen fields at most, so a linear search beats a map and
// allocates nothing.
type Fields []field

func (fs Fields) get(name string) (rawValue, bool) {
	for i := range fs {
		if fs[i].name == name {
			return fs[i].val, true
		}
	}
	return rawValue{}, false
}

// splitJSON splits one JSON Lines record into its top-level fields,
// appended to out[:0] so that a caller can reuse one slice. Values and
// unescaped names alias b: names are only compared, never kept. A
// duplicated name is an error: which of two values a consumer would pick
// is ambiguous, and deid fails closed.
//
// UTF-8 is validated only where it can fail: bytes outside strings must be
// ASCII for the grammar to accept them, so a line whose strings are all
// ASCII (the scanner notices a high byte as it passes) is valid UTF-8
// without a second pass over it. Any other line, and every refused line
// (invalid UTF-8 is reported before any other fault), is checked whole.
func splitJSON(b []byte, out Fields) (Fields, error) {
	out, high, err := splitObject(b, out)
	if (high || err != nil) && !utf8.Valid(b) {
		return nil, reasonBadUTF8
	}
	return out, err
}

// splitObject is splitJSON without the UTF-8 check; high reports a byte
// above 0x7F in a string it scanned (or in a nested value).
func splitObject(b []byte, out Fields) (_ Fields, high bool, _ error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		if json.Valid(b) {
			return nil, false, reasonNotObject
		}
		return nil, false, reasonBadJSON
	}
	if out == nil {
		out = make(Fields, 0, 12) // non-nil even for {}: nil means "not split"
	}
	out = out[:0]
	dup := false
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return nil, high, reasonBadJSON
			}
			end, escaped, hi, ok := scanString(b, i)
			high = high || hi
			if !ok {
				return nil, high, reasonBadJSON
			}
			var name string
			if escaped {
				name = unquote(b[i:end])
			} else if end-i > 2 {
				name = unsafe.String(&b[i+1], end-i-2)
			}
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ':' {
				return nil, high, reasonBadJSON
			}
			i = skipSpace(b, i+1)
			var vend int
			if i < len(b) && b[i] == '"' { // most values: scanned here to learn of high bytes
				vend, _, hi, ok = scanString(b, i)
				high = high || hi
			} else {
				vend, ok = scanValue(b, i, 1)
				high = high || (ok && !ascii(b[i:vend]))
			}
			if !ok {
				return nil, high, reasonBadJSON
			}
			if _, seen := out.get(name); seen {
				dup = true // reported once the whole line is known to be JSON
			}
			out = append(out, field{name: name, val: rawValue{json: b[i:vend]}})
			i = skipSpace(b, vend)
			if i < len(b) && b[i] == ',' {
				i = skipSpace(b, i+1)
				continue
			}
			if i < len(b) && b[i] == '}' {
				i++
				break
			}
			return nil, high, reasonBadJSON
		}
	}
	if skipSpace(b, i) != len(b) {
		return nil, high, reasonBadJSON
	}
	if dup {
		return nil, high, reasonDupField
	}
	return out, high, nil
}

// ascii reports whether b has no byte above 0x7F.
func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanValue returns the end of the JSON value starting at b[i].
func scanValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		end, _, _, ok := scanString(b, i)
		return end, ok
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return i, false
		}
		return scanComposite(b, i, depth+1)
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(b, i)
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	}
	return i, false
}

func literal(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return i, false
}

// scanComposite scans an object or array starting at b[i].
func scanComposite(b []byte, i, depth int) (int, bool) {
	obj := b[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == closer {
		return i + 1, true
	}
	for {
		if obj {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			end, _, _, ok := scanString(b, i)
			if !ok {
				return i, false
			}
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ':' {
				return i, false
			}
			i = skipSpace(b, i+1)
		}
		end, ok := scanValue(b, i, depth)
		if !ok {
			return i, false
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case closer:
			return i + 1, true
		default:
			return i, false
		}
	}
}

// scanString scans the string starting at the quote b[i] and returns the
// index after its closing quote, whether it holds escapes and whether it
// holds a byte above 0x7F. Control characters must be escaped; escapes
// must be well formed. (UTF-8 validity is the caller's: see splitJSON.)
//
// Free text is most of a snapshot's bytes, so the common string, plain
// ASCII up to its closing quote, is found with the vectorised
// bytes.IndexByte and checked eight bytes at a time; any other string is
// read byte by byte.
func scanString(b []byte, i int) (end int, escaped, high, ok bool) {
	if q := bytes.IndexByte(b[i+1:], '"'); q >= 0 && plain(b[i+1:i+1+q]) {
		return i + q + 2, false, false, true
	}
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, escaped, high, true
		case c < 0x20:
			return i, escaped, high, false
		case c >= utf8.RuneSelf:
			high = true
		case c == '\\':
			escaped = true
			i++
			if i >= len(b) {
				return i, escaped, high, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i < 5 {
					return i, escaped, high, false
				}
				for _, h := range b[i+1 : i+5] {
					if hexVal(h) < 0 {
						return i, escaped, high, false
					}
				}
				i += 4
			default:
				return i, escaped, high, false
			}
		}
	}
	return i, escaped, high, false
}

// plain reports whether s is all printable ASCII without a backslash: no
// byte below 0x20 or above 0x7F. Eight bytes at a time, by the classic
// has-less-than trick: a byte below 0x20 borrows into its high bit when
// 0x20 is taken from it, and a byte above 0x7F has the bit set already.
// The test is exact for "any byte", which is all that is asked.
func plain(s []byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	if bytes.IndexByte(s, '\\') >= 0 {
		return false
	}
	for len(s) >= 8 {
		w := binary.LittleEndian.Uint64(s)
		if ((w-lo*0x20)|w)&hi != 0 {
			return false
		}
		s = s[8:]
	}
	for _, c := range s {
		if c < 0x20 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// scanNumber scans a number by the JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digitsEnd(b, i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := digitsEnd(b, i+1)
		if j == i+1 {
			return i, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digitsEnd(b, i)
		if j == i {
			return i, false
		}
		i = j
	}
	return i, true
}

func digitsEnd(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// jsonString returns the string a scanned JSON string literal (quotes
// included) denotes, or false if raw is not a string. With alias, a
// literal without escapes is returned as a view of raw, not a copy.
func jsonString(raw []byte, alias bool) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') >= 0 {
		return unquote(raw), true
	}
	if alias && len(body) > 0 {
		return unsafe.String(&body[0], len(body)), true
	}
	return string(body), true
}

// unquote decodes a scanned (so well-formed) JSON string literal, escapes
// included, as encoding/json does: a lone surrogate becomes U+FFFD.
func unquote(raw []byte) string {
	s := raw[1 : len(raw)-1]
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch s[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(s[i+1:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					r2 = hex4(s[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					out = utf8.AppendRune(out, dec)
					i += 6
					continue
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, s[i])
		}
	}
	return string(out)
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		r = r<<4 | rune(hexVal(c))
	}
	return r
}
