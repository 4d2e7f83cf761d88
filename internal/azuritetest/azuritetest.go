// Package azuritetest starts Azurite, the Azure Blob Storage emulator (npm
// package azurite), on loopback for a test and stops it when the test ends.
// azurite-blob is found on PATH or via AZURITE_BLOB; without it the test
// skips, except under CI, where it fails.
package azuritetest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// AccountKey is Azurite's published development key, not a secret.
const AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

// Start starts Azurite and returns its connection string.
func Start(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("AZURITE_BLOB")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("azurite-blob"); err != nil {
			msg := "azurite-blob not installed (npm install -g azurite@3.37.0, or set AZURITE_BLOB)"
			if os.Getenv("CI") == "" {
				t.Skip(msg)
			}
			t.Fatal(msg)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	cmd := exec.Command(bin, "--blobHost", "127.0.0.1", "--blobPort", fmt.Sprint(port),
		"--location", t.TempDir(), "--silent", "--skipApiVersionCheck")
	// Its own process group, so stopping it also stops anything a wrapper
	// script started, and nothing else.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		// Azurite's graceful stop waits for the SDK's idle keep-alive
		// connections to time out; its data is a temporary folder, so a
		// short grace period and then SIGKILL loses nothing.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	// Node loads Azurite's modules before it listens: on two cores busy
	// with make test's other packages that took over 30 s once.
	const wait = 120 * time.Second
	deadline := time.Now().Add(wait)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-done:
			t.Fatalf("azurite exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("azurite did not listen within %s: %s", wait, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Sprintf("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;BlobEndpoint=http://127.0.0.1:%d/devstoreaccount1;",
		AccountKey, port)
}
