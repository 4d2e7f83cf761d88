package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/nhs-talking-therapies/deid/pipeline"
	"github.com/nhs-talking-therapies/deid/schemas"
)

func cmdDictionary(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dictionary", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profile := fs.String("profile", "", "only the datasets and columns this profile receives")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitUsage
	}
	ds := schemas.All()
	if *profile != "" {
		p, err := pipeline.LoadProfile(*profile)
		if err != nil {
			fmt.Fprintln(stderr, "deid dictionary:", err)
			return exitUsage
		}
		ds = p.Selected()
	}
	fmt.Fprint(stdout, schemas.Dictionary(ds))
	return exitOK
}
