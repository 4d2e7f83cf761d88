package parquetsink

import (
	"strconv"
	"testing"
)

// TestStringValues: a repeated string comes back as the kept value, with
// no allocation; past the bound strings are still returned, just not kept.
func TestStringValues(t *testing.T) {
	var s StringValues
	b := []byte(`{"PERSON":1}`)
	if v := s.Value(b); v != `{"PERSON":1}` {
		t.Fatalf("Value = %v", v)
	}
	if n := testing.AllocsPerRun(100, func() { _ = s.Value(b) }); n != 0 {
		t.Errorf("a kept string allocates %v times", n)
	}
	for i := range 2 * maxKept {
		if v := s.Value([]byte(strconv.Itoa(i))); v != strconv.Itoa(i) {
			t.Fatalf("Value(%d) = %v", i, v)
		}
	}
	if len(s.kept) != maxKept {
		t.Errorf("kept %d strings, want the bound %d", len(s.kept), maxKept)
	}
}
