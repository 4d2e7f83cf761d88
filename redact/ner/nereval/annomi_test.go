package nereval

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/redact/ner"
)

const annomiPath = "../../../../shared/eval/dialogue/annomi.jsonl"

func loadAnnoMI(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open(annomiPath)
	if err != nil {
		tb.Skipf("AnnoMI not available: %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	for sc.Scan() {
		var d struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			tb.Fatal(err)
		}
		out = append(out, d.Text)
	}
	return out
}

// TestAnnoMIOverRedaction measures the share of word tokens the model tags
// in real counselling dialogue with few names (AnnoMI; measurement only,
// never copied into the project). Run with -v to see a sample.
func TestAnnoMIOverRedaction(t *testing.T) {
	turns := loadAnnoMI(t)
	m := modelUnderTest(t)
	words, tagged := 0, 0
	var es []ner.Entity
	counts := map[string]int{}
	for _, s := range turns {
		words += len(strings.Fields(s))
		es = m.Entities(s, es[:0])
		for _, e := range es {
			tagged += len(strings.Fields(s[e.Start:e.End]))
			counts[e.Label+":"+strings.ToLower(s[e.Start:e.End])]++
		}
	}
	share := float64(tagged) / float64(words)
	t.Logf("AnnoMI: %d turns, %d words, %d tagged (%.3f%%)", len(turns), words, tagged, 100*share)
	if testing.Verbose() {
		type kv struct {
			k string
			n int
		}
		var top []kv
		for k, n := range counts {
			top = append(top, kv{k, n})
		}
		for i := range top {
			for j := i + 1; j < len(top); j++ {
				if top[j].n > top[i].n || top[j].n == top[i].n && top[j].k < top[i].k {
					top[i], top[j] = top[j], top[i]
				}
			}
			if i == 60 {
				break
			}
		}
		for _, x := range top[:min(60, len(top))] {
			t.Logf("%5d %s", x.n, x.k)
		}
	}
	if share > 0.02 {
		t.Errorf("tagged %.2f%% of word tokens, above 2%%", 100*share)
	}
}

// BenchmarkEntitiesAnnoMI measures throughput on real dialogue turns.
func BenchmarkEntitiesAnnoMI(b *testing.B) {
	turns := loadAnnoMI(b)
	m, err := ner.Default()
	if err != nil {
		b.Fatal(err)
	}
	total := 0
	for _, t := range turns {
		total += len(t)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	var dst []ner.Entity
	for b.Loop() {
		for _, t := range turns {
			dst = m.Entities(t, dst[:0])
		}
	}
}
