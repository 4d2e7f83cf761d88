package source

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitJSON(t *testing.T) {
	tests := []struct {
		line string
		want map[string]string // field → raw JSON value
		err  error
	}{
		{`{}`, map[string]string{}, nil},
		{` { "a" : 1 , "b":"x\"y" ,"c":[1,{"d":null}], "e":true} `, map[string]string{"a": `1`, "b": `"x\"y"`, "c": `[1,{"d":null}]`, "e": `true`}, nil},
		{`{"\u0061":-0.5e+3}`, map[string]string{"a": `-0.5e+3`}, nil},
		{`{"a":1,"a":2}`, nil, reasonDupField},
		{`{"a":1,"\u0061":2}`, nil, reasonDupField},
		{`null`, nil, reasonNotObject},
		{`[1]`, nil, reasonNotObject},
		{`"x"`, nil, reasonNotObject},
		{`{"a":1}x`, nil, reasonBadJSON},
		{`{"a":1,}`, nil, reasonBadJSON},
		{`{"a":01}`, nil, reasonBadJSON},
		{`{"a":1.}`, nil, reasonBadJSON},
		{`{"a":"tab	inside"}`, nil, reasonBadJSON},
		{`{"a":"\x"}`, nil, reasonBadJSON},
		{`{"a":"\u12"}`, nil, reasonBadJSON},
		{`{"a":tru}`, nil, reasonBadJSON},
		{`{a:1}`, nil, reasonBadJSON},
		{`{"a":[1,]}`, nil, reasonBadJSON},
		{`{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, nil, reasonBadJSON},
		{"{\"a\":\"caf\xe9\"}", nil, reasonBadUTF8},
		// Invalid UTF-8 wherever it sits, and before any other fault.
		{"{\"a\":\"0123456789\xff\"}", nil, reasonBadUTF8},
		{"{\"caf\xe9\":1}", nil, reasonBadUTF8},
		{"{\"a\":[\"\xff\"]}", nil, reasonBadUTF8},
		{"{\"a\":\"\xff\"", nil, reasonBadUTF8},
		{"{\"a\":\"\xff\",\"a\":1}", nil, reasonBadUTF8},
		{"[\"\xff\"]", nil, reasonBadUTF8},
		// Quotes, escapes and controls on either side of an 8-byte word.
		{`{"a":"0123456789abcdef\"x","b":"é 0123456789 ü"}`, map[string]string{"a": `"0123456789abcdef\"x"`, "b": `"é 0123456789 ü"`}, nil},
		{"{\"a\":\"0123456789abc\x01\"}", nil, reasonBadJSON},
		{`{"a":"01234567`, nil, reasonBadJSON},
		{`{"a"`, nil, reasonBadJSON},
	}
	for _, tt := range tests {
		got, err := splitJSON([]byte(tt.line), nil)
		if err != tt.err {
			t.Errorf("%s: err %v, want %v", tt.line, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: %d fields, want %d", tt.line, len(got), len(tt.want))
		}
		for name, raw := range tt.want {
			if v, ok := got.get(name); !ok || string(v.json) != raw {
				t.Errorf("%s: field %s = %q, want %q", tt.line, name, v.json, raw)
			}
		}
	}
}

// plain must refuse exactly the strings holding a byte scanString has to
// look at, whatever its position and whatever the other bytes are.
func TestPlain(t *testing.T) {
	isSpecial := func(c byte) bool { return c == '\\' || c < 0x20 || c >= 0x80 }
	for _, fill := range []byte{'a', ' ', '~', '!', '#', '[', ']'} {
		for n := 1; n <= 17; n++ {
			for pos := 0; pos < n; pos++ {
				for c := 0; c < 256; c++ {
					s := bytes.Repeat([]byte{fill}, n)
					s[pos] = byte(c)
					if got := plain(s); got == isSpecial(byte(c)) {
						t.Fatalf("byte %#x at %d of %d among %q: plain = %v", c, pos, n, fill, got)
					}
				}
			}
		}
	}
}

func TestJSONStringEscapes(t *testing.T) {
	for _, lit := range []string{
		`"plain"`, `""`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u20ac"`, `"\ud83d\ude00"`,
		`"\ud800"`, `"\udc00x"`, `"\ud800\u0041"`, `"\ud800\\u0041"`, `"\ud83d\ud83d\ude00"`, `"é😀"`,
	} {
		var want string
		if err := json.Unmarshal([]byte(lit), &want); err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		if got, ok := jsonString([]byte(lit), false); !ok || got != want {
			t.Errorf("%s: got %q, want %q", lit, got, want)
		}
		if got, ok := jsonString([]byte(lit), true); !ok || got != want {
			t.Errorf("%s: got %q, want %q", lit, got, want)
		}
	}
}

// FuzzSplitJSON holds the scanner to encoding/json: the same lines are
// valid, the same members are found, and every string reads the same.
func FuzzSplitJSON(f *testing.F) {
	for _, l := range fzSeedLines(f) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, err := splitJSON(line, nil)
		if !utf8.Valid(line) {
			if err != reasonBadUTF8 {
				t.Fatalf("invalid UTF-8: err %v", err)
			}
			return
		}
		valid := json.Valid(line)
		var m map[string]json.RawMessage
		isObject := valid && json.Unmarshal(line, &m) == nil && m != nil
		switch {
		case err == reasonBadJSON:
			// Only nesting deeper than maxJSONDepth may be refused where
			// encoding/json accepts.
			if valid && bytes.Count(line, []byte("["))+bytes.Count(line, []byte("{")) < maxJSONDepth {
				t.Fatalf("valid JSON refused")
			}
			return
		case err == reasonNotObject:
			if !valid || isObject {
				t.Fatalf("not-object verdict wrong: valid %v object %v", valid, isObject)
			}
			return
		case err == reasonDupField:
			if !isObject || len(m) >= countMembers(line) {
				t.Fatalf("duplicate verdict wrong")
			}
			return
		case err != nil:
			t.Fatalf("unexpected error %v", err)
		}
		if !isObject {
			t.Fatalf("accepted what encoding/json refuses as an object")
		}
		if len(got) != len(m) {
			t.Fatalf("%d fields, encoding/json found %d", len(got), len(m))
		}
		for _, fl := range got {
			raw, ok := m[fl.name]
			if !ok {
				t.Fatalf("field %q not found by encoding/json", fl.name)
			}
			if !bytes.Equal(bytes.TrimSpace(raw), fl.val.json) {
				t.Fatalf("field %q: raw values differ", fl.name)
			}
			var want string
			if json.Unmarshal(raw, &want) == nil {
				if s, ok := jsonString(fl.val.json, true); !ok || s != want {
					t.Fatalf("field %q: string %q, encoding/json %q", fl.name, s, want)
				}
			}
		}
	})
}

// countMembers counts top-level members with encoding/json's tokenizer.
func countMembers(line []byte) int {
	dec := json.NewDecoder(bytes.NewReader(line))
	if _, err := dec.Token(); err != nil {
		return 0
	}
	n := 0
	for dec.More() {
		if _, err := dec.Token(); err != nil {
			return n
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return n
		}
		n++
	}
	return n
}

// FuzzIntArray holds intArray to json.Unmarshal: wherever it answers, it
// answers the same.
func FuzzIntArray(f *testing.F) {
	for _, s := range []string{`[1,2,3]`, `[ 0 , null, -3 ]`, `[]`, ` [ ] `, `[01]`, `[1.0]`, `[1e2]`, `[-0]`, `[-]`, `[1,]`, `[,1]`,
		`null`, `[null]`, `[nul]`, `[1] x`, `["1"]`, `[[1]]`, `[123456789]`, `[1234567890123456789012]`, "[1,\n2]", `[true]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := intArray(b)
		if !ok {
			return
		}
		var want []*int
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%q: intArray accepted what encoding/json refuses (%v)", b, err)
		}
		if want == nil {
			want = []*int{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: intArray %v, encoding/json %v", b, got, want)
		}
	})
}
