package ner

import "testing"

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
