package handover

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadKey(t *testing.T) {
	secret := bytes.Repeat([]byte{0xA7, 0x3C}, 16) // 32 bytes
	long := bytes.Repeat([]byte{0x11}, 48)
	short := bytes.Repeat([]byte{0x22}, 16)
	hexKey := hex.EncodeToString(secret)
	b64Key := base64.StdEncoding.EncodeToString(secret)
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	tests := []struct {
		name    string
		env     map[string]string
		spec    KeySpec
		want    []byte
		wantID  string
		wantErr string // substring; "" means success
	}{
		{"hex from env", map[string]string{"K": hexKey}, KeySpec{ID: "p1", Env: "K"}, secret, "p1", ""},
		{"base64 from env with newline", map[string]string{"K": b64Key + "\n"}, KeySpec{Env: "K"}, secret, Fingerprint(secret), ""},
		{"unpadded url base64", map[string]string{"K": base64.RawURLEncoding.EncodeToString(secret)}, KeySpec{Env: "K"}, secret, Fingerprint(secret), ""},
		{"hex file", nil, KeySpec{File: file("hex.key", hexKey+"\n")}, secret, Fingerprint(secret), ""},
		{"base64 file", nil, KeySpec{File: file("b64.key", "  "+b64Key+"  \n")}, secret, Fingerprint(secret), ""},
		{"longer secret is accepted", map[string]string{"K": hex.EncodeToString(long)}, KeySpec{Env: "K"}, long, Fingerprint(long), ""},
		{"unset variable", nil, KeySpec{Env: "DEID_TEST_UNSET_VAR"}, nil, "", "environment variable DEID_TEST_UNSET_VAR"},
		{"empty variable", map[string]string{"K": "  "}, KeySpec{Env: "K"}, nil, "", "key not set"},
		{"short key", map[string]string{"K": hex.EncodeToString(short)}, KeySpec{Env: "K"}, nil, "", "16 bytes after decoding, need at least 32"},
		{"not encoded", map[string]string{"K": "correct horse battery staple!!"}, KeySpec{Env: "K"}, nil, "", "neither hex nor base64"},
		{"missing file", nil, KeySpec{File: filepath.Join(dir, "absent.key")}, nil, "", "absent.key"},
		{"empty file", nil, KeySpec{File: file("empty.key", "\n")}, nil, "", "key not set"},
		{"both sources", map[string]string{"K": hexKey}, KeySpec{ID: "x", Env: "K", File: "f"}, nil, "", "not both"},
		{"no source", nil, KeySpec{ID: "x"}, nil, "", "no environment variable or file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			k, err := LoadKey(tc.spec)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				for _, v := range tc.env {
					if s := strings.TrimSpace(v); s != "" && strings.Contains(err.Error(), s) {
						t.Fatalf("error message contains the key text")
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(k.Bytes, tc.want) || k.ID != tc.wantID {
				t.Fatalf("got ID %q, %d bytes; want ID %q", k.ID, len(k.Bytes), tc.wantID)
			}
		})
	}
}

// TestKeyNeverPrinted: whatever verb or encoder touches a Key, the bytes
// stay out; only the ID and fingerprint show.
func TestKeyNeverPrinted(t *testing.T) {
	k := Key{ID: "partner-a", Bytes: bytes.Repeat([]byte{0xC4, 0x19, 0x7E}, 11)[:32]}
	forms := map[string]string{
		"v":  fmt.Sprintf("%v", k),
		"+v": fmt.Sprintf("%+v", k),
		"#v": fmt.Sprintf("%#v", k),
		"s":  fmt.Sprintf("%s", k),
		"x":  fmt.Sprintf("%x", k),
		"X":  fmt.Sprintf("%X", k),
		"d":  fmt.Sprintf("%d", k),
		"in struct": fmt.Sprintf("%+v", struct {
			K Key
		}{k}),
		"pointer": fmt.Sprintf("%v", &k),
	}
	js, err := json.Marshal(struct{ K Key }{k})
	if err != nil {
		t.Fatal(err)
	}
	forms["json"] = string(js)
	leaks := []string{
		hex.EncodeToString(k.Bytes), strings.ToUpper(hex.EncodeToString(k.Bytes)),
		base64.StdEncoding.EncodeToString(k.Bytes), "196 25 126", "[196",
	}
	for name, s := range forms {
		for _, leak := range leaks {
			if strings.Contains(s, leak) {
				t.Errorf("%s form leaks the key: %s", name, s)
			}
		}
		if !strings.Contains(s, k.Fingerprint()) {
			t.Errorf("%s form does not name the fingerprint: %s", name, s)
		}
	}
}

func TestFingerprint(t *testing.T) {
	a := Fingerprint(bytes.Repeat([]byte{1}, 32))
	b := Fingerprint(bytes.Repeat([]byte{2}, 32))
	if a == b || !strings.HasPrefix(a, "sha256:") || len(a) != len("sha256:")+32 {
		t.Fatalf("fingerprints %q %q", a, b)
	}
	// Pinned: the manifest records fingerprints, so the derivation must
	// never change silently. (Same derivation as pipeline.KeyFingerprint.)
	if got := Fingerprint(bytes.Repeat([]byte{0}, 32)); got != pinnedZeroFingerprint {
		t.Fatalf("Fingerprint(zero key) = %s, want %s", got, pinnedZeroFingerprint)
	}
}

func TestParseKeyErrorsDoNotQuoteInput(t *testing.T) {
	bad := "zz" + strings.Repeat("Q", 40) + "!"
	_, err := ParseKey("", []byte(bad))
	if err == nil {
		t.Fatal("accepted garbage")
	}
	if strings.Contains(err.Error(), bad) || strings.Contains(err.Error(), "QQQ") {
		t.Fatalf("error quotes the input: %v", err)
	}
	if !errors.Is(func() error { _, e := ParseKey("", nil); return e }(), ErrNoKey) {
		t.Fatal("empty key should be ErrNoKey")
	}
}

// pinnedZeroFingerprint is Fingerprint of 32 zero bytes, computed once.
const pinnedZeroFingerprint = "sha256:1984598aa1b9d5412b3f7ad888e08ca0"
