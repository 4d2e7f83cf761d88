package main

import (
	"os"
	"syscall"
)

// peakRSSMB is a finished child's peak resident set, from its rusage
// (bytes on macOS).
func peakRSSMB(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / (1 << 20)
	}
	return 0
}
