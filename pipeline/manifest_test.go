package pipeline

import (
	"os/exec"
	"strings"
	"testing"
)

// The canonical form is what Python's json.dumps(m, sort_keys=True,
// separators=(",", ":")) prints, so a partner can recompute the seal with
// the standard library.
func TestCanonicalManifest(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b":1,"a":[true,false,null],"c":{"z":"","y":-3}}`, `{"a":[true,false,null],"b":1,"c":{"y":-3,"z":""}}`},
		{`{"s":"q\"b\\s/<>&"}`, `{"s":"q\"b\\s/<>&"}`},
		{`{"s":"\n\r\t\b\f\u0001\u007f"}`, `{"s":"\n\r\t\b\f\u0001\u007f"}`},
		{`{"s":"Wiśniewska 😀 \u2028"}`, `{"s":"Wi\u015bniewska \ud83d\ude00 \u2028"}`},
		{`{"é":1,"e":2,"Z":3}`, `{"Z":3,"e":2,"\u00e9":1}`},
		{`{"manifest_hmac_sha256":"x","k":1}`, `{"k":1}`},
	}
	for _, tt := range tests {
		got, err := canonicalManifest([]byte(tt.in), sealFieldKeyed)
		if err != nil || string(got) != tt.want {
			t.Errorf("canonical(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`{"n":1.5}`, `{"n":1e3}`, `[1]`, `{"a":1} {}`, `{`} {
		if _, err := canonicalManifest([]byte(bad), ""); err == nil {
			t.Errorf("canonical(%s): no error", bad)
		}
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: cross-check with json.dumps skipped")
	}
	for _, tt := range tests[:5] {
		cmd := exec.Command("python3", "-c", `import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), sort_keys=True, separators=(",", ":")))`)
		cmd.Stdin = strings.NewReader(tt.in)
		out, err := cmd.Output()
		if err != nil || string(out) != tt.want {
			t.Errorf("python json.dumps(%s) = %s, %v; deid's canonical form is %s", tt.in, out, err, tt.want)
		}
	}
}
