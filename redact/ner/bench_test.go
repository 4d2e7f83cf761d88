package ner

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkEntities measures tagging throughput on committed dialogue-like
// text, one turn per call as the redactor calls it. b.SetBytes makes
// `go test -bench` report MB/s.
func BenchmarkEntities(b *testing.B) {
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	turns := dialogueTurns(b)
	total := 0
	for _, t := range turns {
		total += len(t)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	var dst []Entity
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		for _, t := range turns {
			dst = m.Entities(t, dst[:0])
		}
	}
	reportCPU(b, cpu0)
}

// BenchmarkEntitiesLong tags the whole file as one text (a long note).
func BenchmarkEntitiesLong(b *testing.B) {
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Join(dialogueTurns(b), "\n")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var dst []Entity
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		dst = m.Entities(text, dst[:0])
	}
	reportCPU(b, cpu0)
}

// reportCPU reports the process's CPU time per op ("cpu-ns/op") since
// cpu0: on a shared machine wall time measures the neighbours, CPU time
// much less so.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
