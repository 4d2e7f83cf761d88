package verify

import (
	"slices"
	"strings"

	"github.com/nhs-talking-therapies/deid/measures"
	"github.com/nhs-talking-therapies/deid/pipeline/disclosure"
	"github.com/nhs-talking-therapies/deid/pipeline/geo"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/source"
)

// valueRule is what verify accepts in one string column of the output
// (schemas describes the same values in words, for people).
type valueRule struct {
	ok      func(string) bool
	allowed string // the allowed values in words, for the problem line
	// closed marks a fixed vocabulary or shape (a pseudonym, a month, a
	// band): a value that passes holds no words or numbers of its own, so
	// the leak scan has nothing to read in it.
	closed bool
}

// columnRule returns the rule of a string column by name (a name means
// the same in every dataset); ok is false for a column verify has no rule
// for, which it reports rather than pass unchecked. Free-text columns have
// no rule: the leak scan reads them.
func columnRule(name string) (valueRule, bool) {
	oneOf := func(vals ...string) valueRule {
		return valueRule{ok: func(v string) bool { return slices.Contains(vals, v) }, allowed: strings.Join(vals, ", "), closed: true}
	}
	switch name {
	case "research_id", "session_id", "therapist_id", "message_id", "author_id":
		return valueRule{ok: isHex32, allowed: "32 lower-case hex characters", closed: true}, true
	case "age_band":
		return valueRule{ok: isAgeBand, allowed: `an age band such as "25-29" or "90+"`, closed: true}, true
	case "gender":
		return oneOf(source.Allowed("gender")...), true
	case "ethnicity":
		cats := source.Allowed("ethnicity")
		return valueRule{ok: func(v string) bool { return isEthnicity(cats, v) }, allowed: "an NHS ethnic category code or group name", closed: true}, true
	case "partial_postcode":
		return valueRule{ok: func(v string) bool { l, ok := geo.LevelOf(v); return ok && l != geo.LevelSuppressed }, allowed: "a postcode area, district or sector"}, true
	case "postcode_level":
		return oneOf("sector", "district", "area", "suppressed"), true
	case "diagnosis":
		return valueRule{ok: func(v string) bool { c, ok := source.ICD10Code(v); return ok && c == v }, allowed: "an ICD-10 code"}, true
	case "provider":
		return valueRule{ok: source.IsODSCode, allowed: "an ODS organisation code"}, true
	case "month":
		return valueRule{ok: isMonth, allowed: "YYYY-MM", closed: true}, true
	case "modality":
		return oneOf(source.Allowed("modality")...), true
	case "speaker":
		return oneOf(source.Allowed("speaker")...), true
	case "sender":
		return oneOf(source.Allowed("sender")...), true
	case "instrument":
		var codes []string
		for _, in := range measures.Instruments() {
			codes = append(codes, in.Code)
		}
		return oneOf(codes...), true
	case "severity":
		var bands []string
		for _, in := range measures.Instruments() {
			for _, b := range in.Bands {
				if !slices.Contains(bands, b.Label) {
					bands = append(bands, b.Label)
				}
			}
		}
		return oneOf(bands...), true
	case "redaction_counts":
		return valueRule{ok: isLabelCounts, allowed: "a JSON object of redaction label to count", closed: true}, true
	}
	return valueRule{}, false
}

func isHex32(v string) bool {
	if len(v) != 32 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isAgeBand accepts "lo-hi" and "lo+" with ages of one to three digits.
func isAgeBand(v string) bool {
	if lo, ok := strings.CutSuffix(v, "+"); ok {
		return len(lo) <= 3 && allDigits(lo)
	}
	lo, hi, ok := strings.Cut(v, "-")
	return ok && len(lo) <= 3 && len(hi) <= 3 && allDigits(lo) && allDigits(hi)
}

// isEthnicity accepts an NHS ethnic category code (cats, lower case) in
// upper case, or a category group's name.
func isEthnicity(cats []string, v string) bool {
	if slices.Contains(cats, strings.ToLower(v)) && v == strings.ToUpper(v) {
		return true
	}
	g, ok := disclosure.EthnicGroup(v)
	return ok && g == v
}

func isMonth(v string) bool {
	return len(v) == 7 && v[4] == '-' && allDigits(v[:4]) && allDigits(v[5:]) && v[5:] >= "01" && v[5:] <= "12"
}

// isLabelCounts accepts {"LABEL":n,...}: redaction labels (redact.Labels)
// to counts, as the extract writes them (no spaces).
func isLabelCounts(v string) bool {
	rest, ok := strings.CutPrefix(v, "{")
	if !ok {
		return false
	}
	if rest == "}" {
		return true
	}
	for {
		var label, count string
		if rest, ok = strings.CutPrefix(rest, `"`); !ok {
			return false
		}
		if label, rest, ok = strings.Cut(rest, `":`); !ok || !slices.Contains(redact.Labels, redact.Label(label)) {
			return false
		}
		i := strings.IndexAny(rest, ",}")
		if i < 0 {
			return false
		}
		count, rest = rest[:i], rest[i:]
		if !allDigits(count) {
			return false
		}
		if rest == "}" {
			return true
		}
		if rest, ok = strings.CutPrefix(rest, ","); !ok {
			return false
		}
	}
}
