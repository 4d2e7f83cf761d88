package ner

import (
	"os"
	"strings"
	"testing"
)

// goldTurn is a turn of the committed dialogue sample with its gold spans.
type goldTurn struct {
	Text  string
	Spans []Entity
}

// dialogueGold reads testdata/dialogue.txt, one turn per line, where names
// are marked [text](LABEL), and returns the plain turns with gold spans.
// The sample is written for this package (not drawn from any corpus).
func dialogueGold(tb testing.TB) []goldTurn {
	tb.Helper()
	raw, err := os.ReadFile("testdata/dialogue.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var out []goldTurn
	for _, l := range strings.Split(string(raw), "\n") {
		if l == "" {
			continue
		}
		var g goldTurn
		var b strings.Builder
		for {
			i := strings.IndexByte(l, '[')
			j := strings.Index(l, "](")
			k := strings.IndexByte(l, ')')
			if i < 0 || j < i || k < j {
				b.WriteString(l)
				break
			}
			b.WriteString(l[:i])
			start := b.Len()
			b.WriteString(l[i+1 : j])
			g.Spans = append(g.Spans, Entity{Start: start, End: b.Len(), Label: l[j+2 : k]})
			l = l[k+1:]
		}
		g.Text = b.String()
		out = append(out, g)
	}
	return out
}

// dialogueTurns returns the plain turns of the committed dialogue sample.
func dialogueTurns(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, g := range dialogueGold(tb) {
		out = append(out, g.Text)
	}
	return out
}
