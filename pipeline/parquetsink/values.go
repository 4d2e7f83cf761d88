package parquetsink

// maxKept bounds the strings a StringValues keeps.
const maxKept = 4096

// StringValues turns strings that repeat row after row (a text's
// redaction counts, {} above all) into row values, keeping each one's
// value for reuse: converting and boxing it anew would allocate twice per
// row (docs/performance.md). Bounded: past maxKept, new strings are simply
// not kept. The zero value is ready to use, by one goroutine.
type StringValues struct{ kept map[string]any }

// Value returns b as a row value (a string).
func (s *StringValues) Value(b []byte) any {
	if v, ok := s.kept[string(b)]; ok {
		return v
	}
	v := any(string(b))
	if s.kept == nil {
		s.kept = make(map[string]any)
	}
	if len(s.kept) < maxKept {
		s.kept[v.(string)] = v
	}
	return v
}
