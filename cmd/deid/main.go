// Command deid turns a therapy service's clinical records into
// de-identified research extracts.
//
//	deid extract    --profile P --in DIR --out DIR   run one extract
//	deid redact     JSON Lines in, redacted JSON Lines out
//	deid eval       --gold FILE                      score the redactor
//	deid verify     DIR [--source SNAPSHOT]          check an extract
//	deid decrypt    DIR --decrypt-key-env V --out NEW  plain copy for DuckDB, R
//	deid synth      --patients N --seed S --out DIR  synthetic snapshot
//	deid dictionary                                  print the data dictionary
//	deid train      train the NER model
//
// Exit codes: 0 success, 1 run failed, 2 bad usage or profile. Errors name
// the file, line and field, never a value.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

// Exit codes of the command-line contract (docs/ARCHITECTURE.md, The command-line contract).
const (
	exitOK    = 0
	exitRun   = 1
	exitUsage = 2
)

type command struct {
	name string
	help string
	run  func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"extract", "run one extract: --profile P --in DIR --out DIR", cmdExtract},
		{"redact", "redact JSON Lines {id,text,known} from stdin to stdout", cmdRedact},
		{"eval", "score the redactor against gold spans: --gold FILE", cmdEval},
		{"verify", "check an extract: deid verify DIR [--source SNAPSHOT]", cmdVerify},
		{"decrypt", "write a plain-Parquet copy of a verified encrypted extract: deid decrypt DIR --decrypt-key-env VAR --out NEWDIR", cmdDecrypt},
		{"synth", "write a synthetic source snapshot: --patients N --seed S --out DIR", cmdSynth},
		{"dictionary", "print the data dictionary of every dataset (or --profile P)", cmdDictionary},
		{"train", "train the NER model", cmdTrain},
		{"version", "print the version", func(_ context.Context, _ []string, _ io.Reader, stdout, _ io.Writer) int {
			fmt.Fprintln(stdout, "deid", version)
			return exitOK
		}},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: deid <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.help)
	}
	fmt.Fprintln(w, "\nexit codes: 0 success, 1 run failed, 2 bad usage or profile")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "deid: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}
