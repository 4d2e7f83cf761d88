package main

import "testing"

// Rounds merge run by run: the fastest time (with its CPU and counts) and
// the highest peak RSS, whichever round each came from.
func TestKeepBest(t *testing.T) {
	run := func(wall, rss float64) extractRun {
		return extractRun{cores: 1, m: measurement{wall: wall, cpu: wall, rssMB: rss}}
	}
	red := func(s float64) measurement { return measurement{child: childResult{Seconds: s}} }
	for _, tc := range []struct {
		name           string
		a, b           sizeResult
		wall, rss, red float64
	}{
		{"second faster, first bigger",
			sizeResult{runs: []extractRun{run(10, 200)}, red: red(8)}, sizeResult{runs: []extractRun{run(9, 150)}, red: red(9)}, 9, 200, 8},
		{"first faster, second bigger",
			sizeResult{runs: []extractRun{run(9, 150)}, red: red(9)}, sizeResult{runs: []extractRun{run(10, 210)}, red: red(7)}, 9, 210, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sr := tc.a
			sr.keepBest(tc.b)
			if got := sr.runs[0].m; got.wall != tc.wall || got.cpu != tc.wall || got.rssMB != tc.rss {
				t.Errorf("run = %+v, want wall %g rss %g", got, tc.wall, tc.rss)
			}
			if sr.red.child.Seconds != tc.red {
				t.Errorf("redactor = %g, want %g", sr.red.child.Seconds, tc.red)
			}
		})
	}
}
