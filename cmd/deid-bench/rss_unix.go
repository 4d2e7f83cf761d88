//go:build unix && !darwin

package main

import (
	"os"
	"syscall"
)

// peakRSSMB is a finished child's peak resident set, from its rusage
// (kilobytes on Linux and the BSDs).
func peakRSSMB(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024
	}
	return 0
}
