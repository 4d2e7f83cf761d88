// Package evaluate scores predicted redaction spans against gold spans.
//
// The measures put leaks first:
//   - entity leak recall: a gold entity is caught only when every letter and
//     digit inside it is covered by predicted spans, of any label (a name
//     redacted as a place has not leaked);
//   - token recall: the share of gold tokens (maximal runs of letters and
//     digits overlapping a gold span) whose letters and digits inside the
//     gold span are all covered;
//   - token precision: the share of predicted tokens (tokens overlapping a
//     predicted span) that overlap some gold span; the rest are
//     over-redaction;
//   - when scoring is restricted to some labels, precision against other
//     entities: the same share with predicted tokens that fall on a gold
//     entity of an unscored label (an organisation, a work title) left out
//     of both sides. Such a token is not a PERSON or LOCATION, so strict
//     precision counts it wrong, yet redacting it removes an entity, not an
//     ordinary word: the two figures bound the over-redaction of words;
//   - the share of all word tokens redacted, which on text with no gold
//     spans measures over-redaction directly.
//
// Scoring is deterministic: labels are reported in redact.Labels order then
// any other gold labels sorted, misses in document order.
package evaluate

import (
	"iter"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/redact"
)

// LabelScore is the score of one label (or of all labels, for Total).
type LabelScore struct {
	Label            string  `json:"label"`
	Entities         int     `json:"gold_entities"`
	EntitiesCaught   int     `json:"entities_caught"`
	LeakRecall       float64 `json:"entity_leak_recall"`
	GoldTokens       int     `json:"gold_tokens"`
	GoldTokensCaught int     `json:"gold_tokens_caught"`
	TokenRecall      float64 `json:"token_recall"`
	PredTokens       int     `json:"pred_tokens"`
	PredTokensFP     int     `json:"pred_tokens_fp"`
	TokenPrecision   float64 `json:"token_precision"`
	// PredTokensOther counts the false-positive predicted tokens that fall
	// on a gold entity of a label outside Options.Labels.
	PredTokensOther int `json:"pred_tokens_on_other_entities"`
	// PrecisionExclOther is token precision with PredTokensOther left out
	// of both sides.
	PrecisionExclOther float64 `json:"token_precision_excl_other_entities"`
	F1                 float64 `json:"f1"`
}

// Miss is one gold entity that leaked. Text is the gold surface: evaluation
// runs inside the organisation on gold data, and a miss cannot be fixed
// without seeing it. It must never be copied into an extract or a log.
type Miss struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Source string `json:"gold_source,omitempty"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Text   string `json:"text"`
}

// Report is the result of scoring a set of documents.
type Report struct {
	Docs           int          `json:"docs"`
	Labels         []LabelScore `json:"labels"`
	BySource       []LabelScore `json:"by_gold_source,omitempty"` // gold spans grouped by their Source, when gold has sources
	Total          LabelScore   `json:"total"`
	Tokens         int          `json:"tokens"`
	TokensRedacted int          `json:"tokens_redacted"`
	RedactedShare  float64      `json:"redacted_share"`
	Misses         []Miss       `json:"misses,omitempty"`
	MissesTotal    int          `json:"misses_total"`
}

// Options tune a Scorer.
type Options struct {
	// Labels, when not empty, restricts scoring to these labels: gold and
	// predicted spans of other labels are dropped before scoring.
	Labels []redact.Label
	// MaxMisses is how many misses the report keeps (0 keeps none, -1 all).
	MaxMisses int
}

// Scorer accumulates scores document by document, so that a gold file of
// any size is scored in bounded memory.
type Scorer struct {
	opt     Options
	keep    map[redact.Label]bool
	docs    int
	byLabel map[string]*LabelScore
	bySrc   map[string]*LabelScore
	total   LabelScore
	tokens  int
	redact  int
	misses  []Miss
	nMiss   int
	covered []bool // scratch: byte is covered by a prediction
}

// NewScorer returns an empty Scorer.
func NewScorer(opt Options) *Scorer {
	s := &Scorer{opt: opt, byLabel: map[string]*LabelScore{}, bySrc: map[string]*LabelScore{}}
	if len(opt.Labels) > 0 {
		s.keep = map[redact.Label]bool{}
		for _, l := range opt.Labels {
			s.keep[l] = true
		}
	}
	return s
}

// Score scores docs with find (which returns the predicted spans of one
// document), keeping the first 20 misses.
func Score(docs []redact.Document, find func(redact.Document) []redact.Span) Report {
	return ScoreSeq(slices.Values(docs), find, Options{MaxMisses: 20})
}

// ScoreSeq scores a sequence of documents with options.
func ScoreSeq(docs iter.Seq[redact.Document], find func(redact.Document) []redact.Span, opt Options) Report {
	s := NewScorer(opt)
	for d := range docs {
		s.Add(d, find(d))
	}
	return s.Report()
}

// others returns the spans filter drops: gold entities of unscored labels.
func (s *Scorer) others(spans []redact.Span) []redact.Span {
	if s.keep == nil {
		return nil
	}
	var out []redact.Span
	for _, sp := range spans {
		if !s.keep[sp.Label] {
			out = append(out, sp)
		}
	}
	return out
}

func (s *Scorer) filter(spans []redact.Span) []redact.Span {
	if s.keep == nil {
		return spans
	}
	var out []redact.Span
	for _, sp := range spans {
		if s.keep[sp.Label] {
			out = append(out, sp)
		}
	}
	return out
}

func (s *Scorer) label(m map[string]*LabelScore, l string) *LabelScore {
	ls := m[l]
	if ls == nil {
		ls = &LabelScore{Label: l}
		m[l] = ls
	}
	return ls
}

type tok struct{ s, e int }

// tokens returns the maximal runs of letters and digits of text.
func tokens(text string, dst []tok) []tok {
	in := false
	var cur tok
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		w := r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
		if w && !in {
			cur, in = tok{s: i}, true
		}
		if !w && in {
			cur.e, in = i, false
			dst = append(dst, cur)
		}
		i += n
	}
	if in {
		cur.e = len(text)
		dst = append(dst, cur)
	}
	return dst
}

// alnumCovered reports whether every letter and digit of text[a:b] is
// covered.
func alnumCovered(text string, covered []bool, a, b int) bool {
	for i := a; i < b; {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			for k := i; k < i+n; k++ {
				if !covered[k] {
					return false
				}
			}
		}
		i += n
	}
	return true
}

func clampSpan(sp redact.Span, n int) (int, int, bool) {
	a, b := max(sp.Start, 0), min(sp.End, n)
	return a, b, a < b
}

// Add scores one document against its predicted spans.
func (s *Scorer) Add(doc redact.Document, pred []redact.Span) {
	s.docs++
	text := doc.Text
	gold := s.filter(doc.Spans)
	other := s.others(doc.Spans)
	pred = s.filter(pred)
	if cap(s.covered) < len(text) {
		s.covered = make([]bool, len(text))
	}
	cov := s.covered[:len(text)]
	clear(cov)
	for _, p := range pred {
		if a, b, ok := clampSpan(p, len(text)); ok {
			for i := a; i < b; i++ {
				cov[i] = true
			}
		}
	}
	toks := tokens(text, nil)
	overlaps := func(t tok, a, b int) bool { return t.s < b && a < t.e }

	// Gold entities and gold tokens.
	for _, g := range gold {
		a, b, ok := clampSpan(g, len(text))
		if !ok {
			continue
		}
		groups := []*LabelScore{s.label(s.byLabel, string(g.Label)), &s.total}
		if g.Source != "" {
			groups = append(groups, s.label(s.bySrc, g.Source))
		}
		caught := alnumCovered(text, cov, a, b)
		for _, ls := range groups {
			ls.Entities++
			if caught {
				ls.EntitiesCaught++
			}
		}
		if !caught {
			s.nMiss++
			if s.opt.MaxMisses < 0 || len(s.misses) < s.opt.MaxMisses {
				s.misses = append(s.misses, Miss{ID: doc.ID, Label: string(g.Label), Source: g.Source, Start: a, End: b, Text: text[a:b]})
			}
		}
		for _, t := range toks {
			if !overlaps(t, a, b) {
				continue
			}
			ok := alnumCovered(text, cov, max(t.s, a), min(t.e, b))
			for _, ls := range groups {
				ls.GoldTokens++
				if ok {
					ls.GoldTokensCaught++
				}
			}
		}
	}
	// Predicted tokens: a false positive overlaps no gold span.
	for _, p := range pred {
		a, b, ok := clampSpan(p, len(text))
		if !ok {
			continue
		}
		ls := s.label(s.byLabel, string(p.Label))
		for _, t := range toks {
			if !overlaps(t, a, b) {
				continue
			}
			fp := true
			for _, g := range gold {
				if overlaps(t, g.Start, g.End) {
					fp = false
					break
				}
			}
			ls.PredTokens++
			s.total.PredTokens++
			if !fp {
				continue
			}
			ls.PredTokensFP++
			s.total.PredTokensFP++
			for _, g := range other {
				if overlaps(t, g.Start, g.End) {
					ls.PredTokensOther++
					s.total.PredTokensOther++
					break
				}
			}
		}
	}
	// Share of word tokens redacted.
	for _, t := range toks {
		s.tokens++
		for i := t.s; i < t.e; i++ {
			if cov[i] {
				s.redact++
				break
			}
		}
	}
}

func (ls *LabelScore) finish() {
	ls.LeakRecall = ratio(ls.EntitiesCaught, ls.Entities)
	ls.TokenRecall = ratio(ls.GoldTokensCaught, ls.GoldTokens)
	ls.TokenPrecision = ratio(ls.PredTokens-ls.PredTokensFP, ls.PredTokens)
	ls.PrecisionExclOther = ratio(ls.PredTokens-ls.PredTokensFP, ls.PredTokens-ls.PredTokensOther)
	if ls.TokenRecall+ls.TokenPrecision > 0 {
		ls.F1 = 2 * ls.TokenRecall * ls.TokenPrecision / (ls.TokenRecall + ls.TokenPrecision)
	}
}

// ratio is a/b, and 1 when b is 0 (nothing to catch, nothing wrong).
func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Report returns the scores so far.
func (s *Scorer) Report() Report {
	r := Report{Docs: s.docs, Tokens: s.tokens, TokensRedacted: s.redact, Misses: slices.Clone(s.misses), MissesTotal: s.nMiss}
	r.RedactedShare = 0
	if s.tokens > 0 {
		r.RedactedShare = float64(s.redact) / float64(s.tokens)
	}
	r.Labels = sortedScores(s.byLabel)
	r.BySource = sortedScores(s.bySrc)
	r.Total = s.total
	r.Total.Label = "TOTAL"
	r.Total.finish()
	return r
}

func sortedScores(m map[string]*LabelScore) []LabelScore {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		for i, l := range redact.Labels {
			if string(l) == k {
				return i
			}
		}
		return len(redact.Labels)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
	out := make([]LabelScore, 0, len(keys))
	for _, k := range keys {
		ls := *m[k]
		ls.finish()
		out = append(out, ls)
	}
	return out
}

// Get returns the score of one label, and false if it never occurred.
func (r Report) Get(l redact.Label) (LabelScore, bool) {
	for _, ls := range r.Labels {
		if ls.Label == string(l) {
			return ls, true
		}
	}
	return LabelScore{}, false
}
