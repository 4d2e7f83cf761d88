package evaluate

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable prints the report as an aligned table: one row per label, the
// total, the by-source rows when gold spans carry sources, the redacted
// share, then the misses.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "label\tgold\tleak recall\ttoken recall\ttoken precision\tF1\tpred tokens\tprecision excl. other entities\t\n")
	row := func(ls LabelScore) {
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%d\t%.4f\t\n", ls.Label, ls.Entities, ls.LeakRecall, ls.TokenRecall, ls.TokenPrecision, ls.F1, ls.PredTokens, ls.PrecisionExclOther)
	}
	for _, ls := range r.Labels {
		row(ls)
	}
	row(r.Total)
	if len(r.BySource) > 0 {
		fmt.Fprintf(tw, "gold source\t\t\t\t\t\t\t\t\n")
		for _, ls := range r.BySource {
			fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t\t\t\t\t\n", ls.Label, ls.Entities, ls.LeakRecall, ls.TokenRecall)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "docs %d, word tokens %d, redacted %d (%.2f%%), misses %d\n", r.Docs, r.Tokens, r.TokensRedacted, 100*r.RedactedShare, r.MissesTotal); err != nil {
		return err
	}
	for _, m := range r.Misses {
		if _, err := fmt.Fprintf(w, "miss\t%s\t%s\t%q\n", m.ID, m.Label, m.Text); err != nil {
			return err
		}
	}
	return nil
}
