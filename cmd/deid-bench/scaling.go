package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// redactScaling is `deid-bench redact-scaling`: it measures `deid redact`
// on short dialogue turns on one core (GOMAXPROCS=1, --workers 1) and on
// two (GOMAXPROCS=2, --workers 2), alternating the two in every round so
// that drift of a shared machine falls on both alike, keeps each one's
// fastest wall time, and prints
//
//	redact-scaling: lines=<n> mb=<x> source=<f> wall_1c=<s> wall_2c=<s> cpu_1c=<s> cpu_2c=<s> scaling_2c=<x> cpu_bound_2c=<x> load=<x>
//
// scaling_2c is the 1-core wall time over the 2-core wall time;
// cpu_bound_2c is 2 x cpu_1c / cpu_2c, what scaling_2c would be on two idle
// cores if the 2-core run's CPU time spread evenly over both; load is the
// one-minute load average when it finished. The turns
// are AnnoMI utterances when --turns names a readable file (the shared
// evaluation set), otherwise the texts of the committed redaction fixtures,
// repeated to --lines lines.
func redactScaling(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("redact-scaling", flag.ContinueOnError)
	deid := fs.String("deid", "bin/deid", "the deid binary to measure")
	dir := fs.String("dir", "build/bench", "folder for the input and logs")
	turns := fs.String("turns", "../shared/eval/dialogue/annomi.jsonl", "JSON Lines with a \"text\" field per turn; the committed fixtures when unreadable")
	fixtures := fs.String("fixtures", "fixtures/redact", "folder of the committed redaction fixtures (the fallback)")
	lines := fs.Int("lines", 100000, "input lines (turns are repeated to reach it)")
	repeat := fs.Int("repeat", 3, "rounds; each core count keeps its fastest")
	noNER := fs.Bool("no-ner", false, "measure without the NER model")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *lines < 1 || *repeat < 1 {
		return fmt.Errorf("redact-scaling: unexpected arguments, --lines < 1 or --repeat < 1")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	texts, source, err := scalingTexts(*turns, *fixtures)
	if err != nil {
		return err
	}
	in := filepath.Join(*dir, "redact-scaling.jsonl")
	mb, err := writeTurns(in, texts, *lines)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "deid-bench: redact-scaling on %d turns of %s (%.1f MB)\n", *lines, source, mb)
	best := map[int]measurement{}
	for round := 0; round < *repeat; round++ {
		order := []int{1, 2}
		if round%2 == 1 {
			order = []int{2, 1}
		}
		for _, cores := range order {
			m, err := runRedact(ctx, *deid, in, filepath.Join(*dir, fmt.Sprintf("redact-scaling-%dc.log", cores)), cores, *noNER)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "deid-bench: redact on %d core(s): %.2fs wall, %.2fs cpu\n", cores, m.wall, m.cpu)
			if b, ok := best[cores]; !ok || m.wall < b.wall {
				best[cores] = m
			}
		}
	}
	one, two := best[1], best[2]
	fmt.Fprintf(stdout, "redact-scaling: lines=%d mb=%.2f source=%s wall_1c=%.2f wall_2c=%.2f cpu_1c=%.2f cpu_2c=%.2f scaling_2c=%.2f cpu_bound_2c=%.2f load=%s\n",
		*lines, mb, source, one.wall, two.wall, one.cpu, two.cpu, one.wall/two.wall, 2*one.cpu/two.cpu, loadAvg())
	return nil
}

// loadAvg is the machine's one-minute load average ("?" where unknown):
// on a shared machine the wall-time ratio means little when it is above
// the core count, while cpu_bound_2c (the ratio two idle cores would give
// the 2-core run's CPU time, start-up included) still does.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// scalingTexts reads the turns file, or the fixtures' texts when it cannot.
func scalingTexts(turns, fixtures string) ([]string, string, error) {
	if texts, err := readTexts(turns); err == nil && len(texts) > 0 {
		return texts, filepath.Base(turns), nil
	}
	var texts []string
	for _, f := range []string{"known.jsonl", "patterns.jsonl", "context.jsonl", "decoys.jsonl"} {
		t, err := readTexts(filepath.Join(fixtures, f))
		if err != nil {
			return nil, "", fmt.Errorf("redact-scaling: no turns file and no fixtures: %w", err)
		}
		texts = append(texts, t...)
	}
	return texts, "fixtures", nil
}

func readTexts(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var d struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		if d.Text != "" {
			texts = append(texts, d.Text)
		}
	}
	return texts, sc.Err()
}

// writeTurns writes n lines {"id","text"} cycling through texts and
// returns the MB of text written.
func writeTurns(path string, texts []string, n int) (float64, error) {
	if len(texts) == 0 {
		return 0, errors.New("redact-scaling: no texts")
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(f)
	var bytes int
	for i := range n {
		t := texts[i%len(texts)]
		bytes += len(t)
		b, _ := json.Marshal(struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}{strconv.Itoa(i), t})
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return float64(bytes) / 1e6, f.Close()
}

func runRedact(ctx context.Context, deid, in, logPath string, cores int, noNER bool) (measurement, error) {
	f, err := os.Open(in)
	if err != nil {
		return measurement{}, err
	}
	defer f.Close()
	args := []string{"redact", "--workers", strconv.Itoa(cores)}
	if noNER {
		args = append(args, "--no-ner")
	}
	cmd := exec.CommandContext(ctx, deid, args...)
	cmd.Stdin = f
	cmd.Stdout = io.Discard
	m, err := measure(cmd, logPath, cores)
	if err != nil {
		return m, fmt.Errorf("deid redact on %d core(s): %w (log: %s)", cores, err, logPath)
	}
	return m, nil
}
