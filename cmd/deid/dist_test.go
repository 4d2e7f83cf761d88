package main

// `make dist` is too slow for `make test` (six cross-compiles), so this
// checks its plan instead: `make -n dist` must build every platform a
// partner may run, statically, without build paths, with the version
// stamped, and write checksums.

import (
	"os/exec"
	"strings"
	"testing"
)

func TestMakeDistPlan(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	cmd := exec.Command("make", "-n", "dist", "DIST_DIR=build/dist-plan")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n dist: %v\n%s", err, out)
	}
	plan := string(out)
	for _, want := range []string{
		"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64",
		"CGO_ENABLED=0", "-trimpath", "-X main.version=", "SHA256SUMS", "./cmd/deid",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("make -n dist does not mention %q:\n%s", want, plan)
		}
	}
}
