package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/pipeline/deliver"
	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/verify"
)

// cmdDecrypt writes a plain-Parquet copy of an encrypted extract for tools
// that cannot decrypt Parquet. It runs verify's checks with the key first
// and writes nothing unless every one passes.
func cmdDecrypt(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("decrypt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	decEnv := fs.String("decrypt-key-env", "", "environment variable holding the partner's AES-256 key")
	decFile := fs.String("decrypt-key-file", "", "file holding the partner's AES-256 key (alternative to --decrypt-key-env)")
	out := fs.String("out", "", "new folder for the plain copy (must not exist; created 0700)")
	const use = "usage: deid decrypt EXTRACT (--decrypt-key-env VAR | --decrypt-key-file FILE) --out DIR"
	var dir string
	rest := args
	if len(rest) > 0 && len(rest[0]) > 0 && rest[0][0] != '-' {
		dir, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return exitUsage
	}
	if dir == "" && fs.NArg() == 1 {
		dir = fs.Arg(0)
	} else if fs.NArg() > 0 || dir == "" || *out == "" || (*decEnv == "" && *decFile == "") {
		fmt.Fprintln(stderr, use)
		return exitUsage
	}
	key, err := handover.LoadKey(handover.KeySpec{Env: *decEnv, File: *decFile})
	if err != nil {
		fmt.Fprintln(stderr, "deid decrypt:", err)
		return exitUsage
	}
	if _, err := os.Lstat(*out); err == nil {
		fmt.Fprintf(stderr, "deid decrypt: --out %s already exists: give a new folder (nothing was written)\n", *out)
		return exitUsage
	}
	shown := dir
	if deliver.IsRemote(dir) {
		tmp, err := os.MkdirTemp("", "deid-decrypt-")
		if err != nil {
			fmt.Fprintln(stderr, "deid decrypt:", err)
			return exitRun
		}
		defer os.RemoveAll(tmp)
		if err := deliver.Download(ctx, dir, tmp); err != nil {
			fmt.Fprintln(stderr, "deid decrypt:", err)
			return exitRun
		}
		dir = tmp
	}
	probs, err := verify.Extract(ctx, verify.Options{Dir: dir, DecryptKey: &key})
	if err != nil {
		fmt.Fprintln(stderr, "deid decrypt: verify:", err)
		return exitRun
	}
	printProblems(stdout, probs, verify.NotChecked(probs), shown)
	if verify.Failed(probs) {
		fmt.Fprintln(stderr, "deid decrypt: the extract failed verify: nothing was written")
		return exitRun
	}
	dm, err := pipeline.DecryptExtract(ctx, dir, *out, key)
	if err != nil {
		fmt.Fprintln(stderr, "deid decrypt:", err, "(nothing was left behind)")
		if errors.Is(err, pipeline.ErrUsage) {
			return exitUsage
		}
		return exitRun
	}
	fmt.Fprintf(stdout, "decrypt: wrote %d files and manifest.json to %s\n", len(dm.Files), *out)
	fmt.Fprintf(stderr, "deid decrypt: WARNING: %s is NOT encrypted. Keep it where only the project can read it, and delete it when the work is done.\n", *out)
	return exitOK
}
