package pipeline

import "testing"

// The decoder's guess (the field after the last one found) only saves a
// scan: in any order of fields and of questions, get answers as a search
// of every field would, and counts each field found once.
func TestDecoderGetAnyOrder(t *testing.T) {
	mk := func(names ...string) fields {
		var fs fields
		for _, n := range names {
			fs = append(fs, field{name: n, val: rawValue{json: []byte(`"` + n + `"`)}})
		}
		return fs
	}
	for _, tc := range []struct {
		fields fields
		ask    []string
	}{
		{mk("a", "b", "c"), []string{"a", "b", "c"}},
		{mk("a", "b", "c"), []string{"c", "b", "a"}},
		{mk("a", "b", "c"), []string{"b", "x", "c", "a"}},
		{mk("a", "b", "c"), []string{"c", "c", "a"}},
		{mk("a"), []string{"b", "a"}},
		{mk(), []string{"a"}},
	} {
		d := &decoder{raw: tc.fields}
		found := 0
		for _, name := range tc.ask {
			got, ok := d.get(name)
			want, wok := tc.fields.get(name)
			if ok != wok || string(got.json) != string(want.json) {
				t.Fatalf("fields %v, get %q = %q %v, want %q %v", tc.fields, name, got.json, ok, want.json, wok)
			}
			if ok {
				found++
			}
		}
		if d.used != found {
			t.Errorf("fields %v asked %v: used %d, want %d", tc.fields, tc.ask, d.used, found)
		}
	}
}
