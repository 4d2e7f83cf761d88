package redact_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/nhs-talking-therapies/deid/fixtures/synth"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/ner"
)

// BenchmarkFindSynthNER is the full redactor (the tagger included) on the
// free text of 60 synthetic patients, each text with its patient's
// compiled identifiers: the mix `deid-bench`'s "redactor alone" measures
// (many distinct words and names), where the dialogue benchmarks repeat a
// few lines. cpu-MB/s is text per CPU-second, steadier than wall time on
// a shared machine.
func BenchmarkFindSynthNER(b *testing.B) {
	m, err := ner.Default()
	if err != nil {
		b.Fatal(err)
	}
	r, err := redact.New(redact.Config{NER: m})
	if err != nil {
		b.Fatal(err)
	}
	docs := synth.Docs(500, 60)
	subj := make([]*redact.Subject, len(docs))
	size := 0
	for i, d := range docs {
		subj[i] = redact.NewSubject(*d.Known)
		size += len(d.Text)
	}
	b.SetBytes(int64(size))
	cpu0 := cpuNow()
	b.ResetTimer()
	for b.Loop() {
		for i, d := range docs {
			r.Find(d.Text, subj[i])
		}
	}
	b.StopTimer()
	cpu := cpuNow() - cpu0
	b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
