package source

import (
	"strings"
	"testing"
	"time"
)

// The decoder's guess (the field after the last one found) only saves a
// scan: in any order of fields and of questions, get answers as a search
// of every field would, and counts each field found once.
func TestDecoderGetAnyOrder(t *testing.T) {
	mk := func(names ...string) Fields {
		var fs Fields
		for _, n := range names {
			fs = append(fs, field{name: n, val: rawValue{json: []byte(`"` + n + `"`)}})
		}
		return fs
	}
	for _, tc := range []struct {
		fields Fields
		ask    []string
	}{
		{mk("a", "b", "c"), []string{"a", "b", "c"}},
		{mk("a", "b", "c"), []string{"c", "b", "a"}},
		{mk("a", "b", "c"), []string{"b", "x", "c", "a"}},
		{mk("a", "b", "c"), []string{"c", "c", "a"}},
		{mk("a"), []string{"b", "a"}},
		{mk(), []string{"a"}},
	} {
		d := &Decoder{raw: tc.fields}
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

func TestNearMissCritical(t *testing.T) {
	for _, tc := range []struct {
		name, want string
	}{
		{"nhs_number", ""}, {"research_opt_out", ""}, {"patient_id", ""}, // exact
		{"NHS_Number", "nhs_number"}, {"nhs number", "nhs_number"}, {"NHSNumber", "nhs_number"}, {"nhs-number", "nhs_number"},
		{"nhs_number ", "nhs_number"}, {" nhs_number", "nhs_number"}, {"\ufeffnhs_number", "nhs_number"},
		{"nhs_number\u00a0", "nhs_number"}, {"ｎｈｓ＿ｎｕｍｂｅｒ", "nhs_number"}, {"nhs\u200b_number", "nhs_number"},
		{"Research_Opt_Out", "research_opt_out"}, {"researchOptOut", "research_opt_out"}, {"RESEARCH OPT OUT", "research_opt_out"},
		{"PatientID", "patient_id"}, {"Patient Id", "patient_id"}, {"patient__id", "patient_id"},
		{"nhs_no", ""}, {"patient", ""}, {"session_id", ""}, {"text", ""}, {"a_much_longer_field_name_than_any_critical_one", ""},
	} {
		got, ok := nearMissCritical(tc.name)
		if ok != (tc.want != "") || ok && got != tc.want {
			t.Errorf("nearMissCritical(%q) = %q %v, want %q", tc.name, got, ok, tc.want)
		}
	}
}

// A near miss is fatal whatever the record type and whatever else failed;
// an unknown field that is not one is only counted.
func TestDecoderFinishNearMiss(t *testing.T) {
	for _, tc := range []struct {
		line  string
		Fatal bool
	}{
		{`{"message_id":"M1","patient_id":"P1","sender":"patient","sent_at":"2024-01-01T00:00:00Z","mood":"ok"}`, false},
		{`{"message_id":"M1","Patient_ID":"P1","sender":"patient","sent_at":"2024-01-01T00:00:00Z"}`, true},
		{`{"message_id":"M1","patient_id":"P1","PatientId":"P2","sender":"patient","sent_at":"2024-01-01T00:00:00Z"}`, true},
		{`{"message_id":"M1","patient_id":"P1","sender":"pigeon","sent_at":"2024-01-01T00:00:00Z","research opt out":true}`, true},
	} {
		fs, err := splitJSON([]byte(tc.line), nil)
		if err != nil {
			t.Fatal(err)
		}
		d := &Decoder{raw: fs, clock: DateRange{Max: time.Now()}}
		DecodeMessage(d)
		if got := d.err != nil && d.err.Fatal; got != tc.Fatal {
			t.Errorf("%s: fatal %v (%v), want %v", tc.line, got, d.err, tc.Fatal)
		}
	}
}

func TestDecodeNHSNumberShapes(t *testing.T) {
	for _, tc := range []struct {
		raw  rawValue
		want string // "" refused
	}{
		{rawValue{json: []byte(`"9434765919"`)}, "9434765919"},
		{rawValue{json: []byte(`9434765919`)}, "9434765919"},
		{rawValue{json: []byte(`9.434765919e9`)}, "9434765919"},
		{rawValue{json: []byte(`123456789`)}, "0123456789"}, // a number lost its leading zero
		{rawValue{json: []byte(`"123456789"`)}, ""},         // a string did not: nine digits
		{rawValue{json: []byte(`"943\u00a0476\u00a05919"`)}, "9434765919"},
		{rawValue{json: []byte(`true`)}, ""},
		{rawValue{json: []byte(`[9434765919]`)}, ""},
		{rawValue{cell: "943 476 5919", isCSV: true}, "9434765919"},
		{rawValue{cell: "9.434766E+09", isCSV: true}, ""},
	} {
		d := &Decoder{raw: Fields{{name: "nhs_number", val: tc.raw}}}
		got, present, ok := d.NHSNumber("nhs_number")
		if !present || ok != (tc.want != "") || got != tc.want {
			t.Errorf("%s%s: %q present %v ok %v, want %q", tc.raw.json, tc.raw.cell, got, present, ok, tc.want)
		}
		if !ok && (d.err == nil || strings.Contains(d.err.Error(), "943")) {
			t.Errorf("%s%s: error %v (missing, or quotes the value)", tc.raw.json, tc.raw.cell, d.err)
		}
	}
}

func TestDecodeOptOutFlag(t *testing.T) {
	for _, tc := range []struct {
		raw          rawValue
		value, known bool
	}{
		{rawValue{json: []byte(`true`)}, true, true},
		{rawValue{json: []byte(`false`)}, false, true},
		{rawValue{json: []byte(`"Yes"`)}, true, true},
		{rawValue{json: []byte(`"n"`)}, false, true},
		{rawValue{json: []byte(`1`)}, true, true},
		{rawValue{json: []byte(`0`)}, false, true},
		{rawValue{cell: "TRUE", isCSV: true}, true, true},
		{rawValue{cell: " f ", isCSV: true}, false, true},
		{rawValue{json: []byte(`null`)}, false, false},
		{rawValue{json: []byte(`""`)}, false, false},
		{rawValue{json: []byte(`"maybe"`)}, false, false},
		{rawValue{json: []byte(`2`)}, false, false},
		{rawValue{json: []byte(`{}`)}, false, false},
	} {
		d := &Decoder{raw: Fields{{name: "research_opt_out", val: tc.raw}}}
		v, known := d.OptOut("research_opt_out")
		if v != tc.value || known != tc.known || d.err != nil {
			t.Errorf("%s%s: %v %v (%v), want %v %v", tc.raw.json, tc.raw.cell, v, known, d.err, tc.value, tc.known)
		}
	}
	d := &Decoder{}
	if _, known := d.OptOut("research_opt_out"); known {
		t.Error("an absent flag is known")
	}
}

func TestDecodePassThroughCodes(t *testing.T) {
	for _, tc := range []struct {
		field, in, want string // want "" and in != "": refused
	}{
		{"diagnosis", "F32", "F32"}, {"diagnosis", "f32.1", "F32.1"}, {"diagnosis", "F321", "F32.1"}, {"diagnosis", "F41.10", "F41.10"},
		{"diagnosis", " F41.1 ", "F41.1"}, {"diagnosis", "F32.", ""}, {"diagnosis", "F32.123", ""}, {"diagnosis", "F32X", ""},
		{"diagnosis", "F32 Dawn Rowe", ""}, {"diagnosis", "F32DAWN", ""}, {"diagnosis", "depression", ""}, {"diagnosis", "32.1", ""},
		{"provider", "RT1", "RT1"}, {"provider", "NQ7", "NQ7"}, {"provider", "RT1AB", "RT1AB"}, {"provider", "rt1", ""},
		{"provider", "RT1A", ""}, {"provider", "Dawn Rowe 9993576087", ""}, {"provider", "DAWN", ""}, {"provider", "R T1", ""},
		{"provider", "A81001", "A81001"}, {"provider", "SMITH", ""}, {"provider", "LAWRIE", ""},
	} {
		d := &Decoder{raw: Fields{{name: tc.field, val: rawValue{cell: tc.in, isCSV: true}}}}
		var got string
		if tc.field == "diagnosis" {
			got = d.diagnosis(tc.field)
		} else {
			got = d.provider(tc.field)
		}
		if got != tc.want || (d.err != nil) != (tc.want == "") {
			t.Errorf("%s %q = %q (%v), want %q", tc.field, tc.in, got, d.err, tc.want)
		}
		if d.err != nil && strings.Contains(d.err.Error(), "Dawn") {
			t.Errorf("error quotes the value: %v", d.err)
		}
	}
}
