package ner

import (
	"bytes"
	"testing"
)

// FuzzEntities checks that tagging never panics and always returns valid
// spans, whatever the input bytes.
func FuzzEntities(f *testing.F) {
	for _, s := range []string{"", "my sister jen moved to leeds", "Dr O'Brien's \xff 😀", "St. Albans-on-Sea's", "@x #y http://z"} {
		f.Add(s)
	}
	m, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkTokens(t, s, tokenize(s, nil))
		checkEntities(t, s, m.Entities(s, nil))
	})
}

// FuzzLoad checks that a corrupt or hostile model file is an error, never a
// panic, and that whatever loads can tag text.
func FuzzLoad(f *testing.F) {
	f.Add(embedded)
	f.Add(embedded[:len(embedded)/3])
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(bytes.NewReader(b))
		if err != nil {
			return
		}
		checkEntities(t, "my sister jen moved to leeds", m.Entities("my sister jen moved to leeds", nil))
	})
}
