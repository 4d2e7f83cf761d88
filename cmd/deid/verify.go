package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/pipeline/deliver"
	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/verify"
)

func cmdVerify(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", "", "source snapshot: scan every string column for its known identifiers")
	keyEnv := fs.String("key-env", "", "environment variable holding the extract's pseudonym key (maps research ids to patients; checks opt-outs)")
	keyFile := fs.String("key-file", "", "file holding the extract's pseudonym key (alternative to --key-env)")
	decEnv := fs.String("decrypt-key-env", "", "environment variable holding the partner's AES-256 key (checks the manifest's keyed seal; opens encrypted files for the content and leak checks)")
	decFile := fs.String("decrypt-key-file", "", "file holding the partner's AES-256 key (alternative to --decrypt-key-env)")
	asJSON := fs.Bool("json", false, "print problems as JSON")
	// Flags may come after the folder: deid verify DIR --source S.
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
	} else if fs.NArg() > 0 || dir == "" {
		fmt.Fprintln(stderr, "usage: deid verify DIR [--source SNAPSHOT] [--key-env VAR | --key-file FILE] [--decrypt-key-env VAR | --decrypt-key-file FILE] [--json]")
		return exitUsage
	}
	var key []byte
	if *keyEnv != "" || *keyFile != "" {
		k, err := pipeline.LoadSecret(*keyEnv, *keyFile)
		if err != nil {
			fmt.Fprintln(stderr, "deid verify:", err)
			return exitUsage
		}
		key = k
	}
	shown := dir // the name the user gave, not a download folder
	if deliver.IsRemote(dir) {
		tmp, err := os.MkdirTemp("", "deid-verify-")
		if err != nil {
			fmt.Fprintln(stderr, "deid verify:", err)
			return exitRun
		}
		defer os.RemoveAll(tmp)
		if err := deliver.Download(ctx, dir, tmp); err != nil {
			fmt.Fprintln(stderr, "deid verify:", err)
			return exitRun
		}
		dir = tmp
	}
	opt := verify.Options{Dir: dir, Source: *source, Key: key}
	if *decEnv != "" || *decFile != "" {
		k, err := handover.LoadKey(handover.KeySpec{Env: *decEnv, File: *decFile})
		if err != nil {
			fmt.Fprintln(stderr, "deid verify:", err)
			return exitUsage
		}
		opt.DecryptKey = &k
	}
	probs, err := verify.Extract(ctx, opt)
	if err != nil {
		fmt.Fprintln(stderr, "deid verify:", err)
		return exitRun
	}
	failed := verify.Failed(probs)
	skipped := verify.NotChecked(probs)
	if *asJSON {
		b, _ := json.MarshalIndent(map[string]any{"ok": !failed, "problems": probs, "not_checked": skipped}, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		printProblems(stdout, probs, skipped, shown)
	}
	if failed {
		return exitRun
	}
	return exitOK
}

// printProblems prints verify's outcome as text: each problem, notices,
// the checks that did not run, and the verdict line.
func printProblems(stdout io.Writer, probs []verify.Problem, skipped []string, shown string) {
	failed := verify.Failed(probs)
	n := 0
	for _, p := range probs {
		switch {
		case p.Notice && p.Check == verify.CheckNotChecked:
		case p.Notice:
			fmt.Fprintln(stdout, "note:", p)
		default:
			n++
			fmt.Fprintln(stdout, p)
		}
	}
	// The checks that did not run are listed on every outcome, so
	// neither an OK nor a failure reads as more than was checked.
	if len(skipped) > 0 {
		fmt.Fprintln(stdout, "not checked:", strings.Join(skipped, "; "))
	}
	switch {
	case failed:
		fmt.Fprintf(stdout, "verify: FAILED: %d problems\n", n)
	case len(skipped) > 0:
		fmt.Fprintf(stdout, "verify: OK for the checks that ran (%d not checked, listed above): %s\n", len(skipped), shown)
	default:
		fmt.Fprintf(stdout, "verify: OK: every check passed: %s\n", shown)
	}
}
