package redact

import "testing"

func TestNHSNumber(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when refused
	}{
		{"9434765919", "9434765919"},
		{"943 476 5919", "9434765919"},
		{"943-476-5919", "9434765919"},
		{"943.476.5919", "9434765919"},
		{"943/476/5919", "9434765919"},
		{"943\u00a0476\u00a05919", "9434765919"},
		{"943\u2009476\u20095919", "9434765919"},
		{"９４３４７６５９１９", "9434765919"},
		{"943\u200b4765919", "9434765919"},
		{"\ufeff9434765919", "9434765919"},
		{"NHS 943 476 5919", "9434765919"},
		{"nhs no: 9434765919", "9434765919"},
		{"NHS Number 943-476-5919", "9434765919"},
		{"9434765919.0", "9434765919"},
		{"9.434765919E+09", "9434765919"},
		{"9.434766E+09", ""}, // rounded by a spreadsheet: the digits are gone
		{"9.990344E+09", ""}, // rounded, and 9990344000 has a valid check digit
		{"9.99034400E+09", ""},
		{"9.990344000E+09", "9990344000"}, // every digit written
		{"9.990344809e9", "9990344809"},
		{"1.23456789E+08", "0123456789"}, // a numeric column lost the leading zero
		{"9434765919.00", "9434765919"},
		{"9434765918", ""},  // check digit
		{"943476591", ""},   // nine digits
		{"94347659197", ""}, // eleven
		{"", ""},
		{"unknown", ""},
		{"943 476 5919 x", ""},
	}
	for _, tt := range tests {
		got, ok := ParseNHSNumber(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("ParseNHSNumber(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}
