package ner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhs-talking-therapies/deid/gazetteer"
)

// TrainOptions controls Train. Zero values select the defaults.
type TrainOptions struct {
	Epochs int   // passes over the data (default 10)
	Seed   int64 // shuffling seed (default 1)
	Bits   int   // log2 of the number of feature buckets (default 18)
	// NoLowerCopies turns off the augmentation that adds a lower-cased copy
	// of every example containing capitals, so that the model also learns
	// names in all-lower-case chat.
	NoLowerCopies bool
	// LowerShare is the share (0..1] of examples with capitals that get
	// the lower-cased copy, picked by a hash of the text so that the
	// choice is deterministic and the same in every fold (default 1).
	LowerShare float64
	// Folds is the number of cross-validation folds used to choose the
	// decision threshold and the score calibration (default 4).
	Folds int
	// Beta weighs recall against precision when the decision threshold is
	// tuned on the cross-validation folds (F-beta over name tokens;
	// default 2: a leaked name costs more than an over-redacted word).
	Beta float64
	// Progress, if set, is called after each epoch of the final training
	// pass with the epoch (1-based) and the number of examples the model
	// got wrong during it.
	Progress func(epoch, mistakes int)
}

// Info describes a model (for the training summary and the model card).
type Info struct {
	Bits           int     // log2 of the bucket count
	NonZero        int     // buckets with a non-zero weight
	LexiconEntries int     // words and phrases in the lexicon
	CommonWords    int     // lexicon entries flagged as frequent ordinary words
	OBias          float64 // subtracted from the O score (the operating point)
	PlattA, PlattB float64 // score = sigmoid(A × margin + B)
}

// Info returns facts about the model.
func (m *Model) Info() Info {
	in := Info{Bits: int(m.bits), LexiconEntries: m.packed.n, OBias: float64(m.oBias), PlattA: float64(m.plattA), PlattB: float64(m.plattB)}
	for b := 0; b < len(m.w); b += nTags {
		if nonzero(m.w[b : b+nTags]) {
			in.NonZero++
		}
	}
	for e := range m.packed.all() {
		if e.Flags&flagCommon != 0 {
			in.CommonWords++
		}
	}
	return in
}

// seq is one training example as tokens with gold tags.
type seq struct {
	text   string
	gold   []uint8
	source int // index of the example's Source, in order of first appearance
}

// Train fits a model on examples. It is deterministic: the same examples
// in the same order with the same options give a byte-identical model.
//
// The decision threshold (an offset on the O score, chosen for F-beta) and
// the score calibration (Platt scaling of the tagging margin) are chosen by
// cross-validation: Folds models each tag the examples they were not
// trained on. The final model is then trained on all examples.
func Train(ctx context.Context, examples []Example, opt TrainOptions) (*Model, error) {
	if opt.Epochs <= 0 {
		opt.Epochs = 10
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Bits == 0 {
		// 2^18 buckets hold the ~40k features the perceptron ever
		// updates with few collisions, and the 2.6 MB table stays in
		// cache far better than 2^20 (measured 30% faster, same scores).
		opt.Bits = 18
	}
	if opt.Beta <= 0 {
		opt.Beta = 2
	}
	if opt.Folds < 2 {
		opt.Folds = 4
	}
	if opt.LowerShare <= 0 || opt.LowerShare > 1 {
		opt.LowerShare = 1
	}
	if opt.Bits < minBits || opt.Bits > maxBits {
		return nil, fmt.Errorf("ner: train: bits must be in %d..%d", minBits, maxBits)
	}
	if len(examples) == 0 {
		return nil, errors.New("ner: train: no examples")
	}
	var base []seq
	var toks []token
	sources := map[string]int{}
	for i, ex := range examples {
		if !utf8.ValidString(ex.Text) {
			return nil, fmt.Errorf("ner: train: example %d: invalid UTF-8", i)
		}
		sq, err := toSeq(ex, toks[:0])
		if err != nil {
			return nil, fmt.Errorf("ner: train: example %d: %w", i, err)
		}
		src, ok := sources[ex.Source]
		if !ok {
			src = len(sources)
			sources[ex.Source] = src
		}
		sq.source = src
		base = append(base, sq)
	}
	entries := withCommonWords(gazetteerEntries(gazetteer.Default()), base)
	lex := buildLexicon(len(entries), slices.Values(entries))
	augment := func(in []seq) []seq {
		out := make([]seq, 0, 2*len(in))
		for _, sq := range in {
			out = append(out, sq)
			if !opt.NoLowerCopies && (opt.LowerShare >= 1 || float64(mix(hashBytes([]byte(sq.text)))>>11)/(1<<53) < opt.LowerShare) {
				if lt := lowerSameLen(sq.text); lt != sq.text {
					out = append(out, seq{lt, sq.gold, sq.source})
				}
			}
		}
		return out
	}

	plattA, plattB, oBias := float32(1), float32(0), float32(0)
	if len(base) >= 10*opt.Folds {
		// Cross-validation: each fold's model tags the examples it did
		// not see; the operating point and the calibration are chosen on
		// those predictions.
		//
		// Folds are contiguous blocks within each source, so that the
		// documents of one synthetic patient (who share names) mostly sit
		// in one fold and every fold holds every source.
		models := make([]*Model, opt.Folds)
		helds := make([][]seq, opt.Folds)
		fold := foldOf(base, len(sources), opt.Folds)
		for f := range opt.Folds {
			var fit, held []seq
			for i, sq := range base {
				if fold[i] == f {
					held = append(held, sq)
				} else {
					fit = append(fit, sq)
				}
			}
			mf, err := trainPass(ctx, augment(fit), lex, opt, nil)
			if err != nil {
				return nil, err
			}
			models[f], helds[f] = mf, augment(held)
		}
		oBias = tuneBias(models, helds, opt.Beta, len(sources))
		for _, mf := range models {
			mf.oBias = oBias
		}
		plattA, plattB = calibrate(models, helds)
	}
	m, err := trainPass(ctx, augment(base), lex, opt, opt.Progress)
	if err != nil {
		return nil, err
	}
	m.plattA, m.plattB, m.oBias = plattA, plattB, oBias
	m.packed = packEntries(entries)
	return m, nil
}

// foldOf assigns each sequence to a fold: the k-th of n sequences of a
// source goes to fold k×folds/n.
func foldOf(seqs []seq, nSources, folds int) []int {
	count := make([]int, nSources)
	for _, sq := range seqs {
		count[sq.source]++
	}
	seen := make([]int, nSources)
	out := make([]int, len(seqs))
	for i, sq := range seqs {
		out[i] = seen[sq.source] * folds / count[sq.source]
		seen[sq.source]++
	}
	return out
}

// toSeq tokenizes an example and assigns BIO tags from its gold spans. A
// token overlapping a span is inside it; a span interrupted by a token that
// can never be tagged (punctuation) restarts with B, as the tagger would
// produce.
func toSeq(ex Example, toks []token) (seq, error) {
	spans := make([]Entity, 0, len(ex.Spans))
	for _, sp := range ex.Spans {
		if sp.Label != Person && sp.Label != Location {
			continue
		}
		if sp.Start < 0 || sp.End > len(ex.Text) || sp.Start >= sp.End {
			return seq{}, errors.New("span out of range")
		}
		spans = append(spans, sp)
	}
	slices.SortStableFunc(spans, func(a, b Entity) int { return cmp.Compare(a.Start, b.Start) })
	toks = tokenize(ex.Text, toks)
	gold := make([]uint8, len(toks))
	k := 0
	prevSpan := -1
	for i, t := range toks {
		for k < len(spans) && spans[k].End <= int(t.start) {
			k++
		}
		if k == len(spans) || int(t.end) <= spans[k].Start || !taggable(t.kind) {
			prevSpan = -1
			continue
		}
		if spans[k].Label == Location {
			gold[i] = tagBLoc
		} else {
			gold[i] = tagBPer
		}
		if prevSpan == k {
			gold[i]++ // the I- tag follows its B- tag
		}
		prevSpan = k
	}
	// Titles stay when names go, so a gold span's leading title trains as
	// outside ("Dr Patel" -> O B-PER); so does a leading "the", which
	// WNUT-17 sometimes includes and the synthetic gold never does.
	var buf []byte
	for i := 0; i+1 < len(toks); i++ {
		if (gold[i] == tagBPer || gold[i] == tagBLoc) && gold[i+1] == gold[i]+1 {
			buf = lowerToken(buf[:0], ex.Text[toks[i].start:toks[i].end])
			if string(buf) == "the" || slices.Contains(titles, string(buf)) {
				gold[i], gold[i+1] = tagO, gold[i]
			}
		}
	}
	return seq{text: ex.Text, gold: gold}, nil
}

// withCommonWords adds flagCommon to words that occur at least three times
// in the training text and are inside a name at most one time in ten:
// "will", "reading" and "grace" then carry both a name flag and a common
// flag, and context decides.
func withCommonWords(entries []lexEntry, seqs []seq) []lexEntry {
	type count struct{ all, ent int }
	counts := map[string]*count{}
	var toks []token
	var buf []byte
	for _, sq := range seqs {
		toks = tokenize(sq.text, toks[:0])
		for i, t := range toks {
			if t.kind != kindWord {
				continue
			}
			buf = lowerToken(buf[:0], sq.text[t.start:t.end])
			c := counts[string(buf)]
			if c == nil {
				c = &count{}
				counts[string(buf)] = c
			}
			c.all++
			if sq.gold[i] != tagO {
				c.ent++
			}
		}
	}
	idx := make(map[string]int, len(entries))
	for i, e := range entries {
		idx[e.Text] = i
	}
	out := slices.Clone(entries)
	for w, c := range counts {
		if c.all < 3 || c.ent*10 > c.all || len(w) > maxEntryLen || !utf8.ValidString(w) {
			continue
		}
		if i, ok := idx[w]; ok {
			out[i].Flags |= flagCommon
		} else {
			out = append(out, lexEntry{w, flagCommon})
		}
	}
	slices.SortFunc(out, func(a, b lexEntry) int { return strings.Compare(a.Text, b.Text) })
	return out
}

// lowerSameLen lower-cases s rune by rune, keeping any rune whose lower
// case has a different UTF-8 length, so gold byte offsets stay valid.
func lowerSameLen(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		l := unicode.ToLower(r)
		if utf8.RuneLen(l) != utf8.RuneLen(r) {
			l = r
		}
		b.WriteRune(l)
	}
	return b.String()
}

// trainer holds the perceptron's running and summed weights.
type trainer struct {
	bits  uint
	w     []float32 // current weights
	u     []float64 // sum of c × update, for averaging
	tr    [nTags + 1][nTags]float32
	tu    [nTags + 1][nTags]float64
	c     float64 // examples seen
	feats []uint32
	offs  []int32
}

// trainPass runs the averaged structured perceptron over seqs and returns
// the quantised model (without calibration or saved lexicon entries).
func trainPass(ctx context.Context, seqs []seq, lex *lexicon, opt TrainOptions, progress func(int, int)) (*Model, error) {
	nb := 1 << opt.Bits
	tr := &trainer{bits: uint(opt.Bits), w: make([]float32, nb*nTags), u: make([]float64, nb*nTags)}
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 0x6e6572))
	order := make([]int, len(seqs))
	for i := range order {
		order[i] = i
	}
	s := &scratch{}
	pred := []uint8{}
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		mistakes := 0
		for k, idx := range order {
			if k%512 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, fmt.Errorf("ner: train: %w", err)
				}
			}
			sq := seqs[idx]
			tr.c++
			caseMode := s.prepare(sq.text, lex)
			if len(s.info) != len(sq.gold) {
				return nil, errors.New("ner: train: tokenization changed under augmentation")
			}
			if len(s.info) == 0 {
				continue
			}
			tr.emissions(s, caseMode)
			viterbi(s, &tr.tr)
			pred = append(pred[:0], s.tags...)
			if !slices.Equal(pred, sq.gold) {
				mistakes++
				tr.update(sq.gold, pred)
			}
		}
		if progress != nil {
			progress(epoch, mistakes)
		}
	}
	return tr.model(lex), nil
}

// emissions computes tag scores with the current float weights, keeping
// each token's feature buckets for the update.
func (tr *trainer) emissions(s *scratch, caseMode uint8) {
	n := len(s.info)
	s.emit = grow(s.emit, n*nTags)
	tr.feats = tr.feats[:0]
	tr.offs = append(tr.offs[:0], 0)
	shift := 64 - tr.bits
	for i := 0; i < n; i++ {
		e := s.emit[i*nTags : i*nTags+nTags]
		if !taggable(s.info[i].kind) {
			e[0], e[1], e[2], e[3], e[4] = 0, negInf, negInf, negInf, negInf
			tr.offs = append(tr.offs, int32(len(tr.feats)))
			continue
		}
		s.feats = s.features(i, caseMode, s.feats[:0])
		clear(e)
		for _, f := range s.feats {
			b := uint32(f >> shift)
			tr.feats = append(tr.feats, b)
			ww := tr.w[int(b)*nTags : int(b)*nTags+nTags]
			for t := range nTags {
				e[t] += ww[t]
			}
		}
		tr.offs = append(tr.offs, int32(len(tr.feats)))
	}
}

func (tr *trainer) add(b uint32, t uint8, d float32) {
	i := int(b)*nTags + int(t)
	tr.w[i] += d
	tr.u[i] += tr.c * float64(d)
}

func (tr *trainer) addTrans(p, t uint8, d float32) {
	tr.tr[p][t] += d
	tr.tu[p][t] += tr.c * float64(d)
}

// update applies the structured perceptron step: reward the gold path's
// features and transitions, penalise the predicted path's.
func (tr *trainer) update(gold, pred []uint8) {
	for i := range gold {
		pg, pp := uint8(nTags), uint8(nTags)
		if i > 0 {
			pg, pp = gold[i-1], pred[i-1]
		}
		if gold[i] != pred[i] {
			for _, b := range tr.feats[tr.offs[i]:tr.offs[i+1]] {
				tr.add(b, gold[i], 1)
				tr.add(b, pred[i], -1)
			}
		}
		if gold[i] != pred[i] || pg != pp {
			tr.addTrans(pg, gold[i], 1)
			tr.addTrans(pp, pred[i], -1)
		}
	}
}

// model averages and quantises the weights into a Model.
func (tr *trainer) model(lex *lexicon) *Model {
	c := max(tr.c, 1)
	avg := make([]float64, len(tr.w))
	maxAbs := 0.0
	for i := range tr.w {
		avg[i] = float64(tr.w[i]) - tr.u[i]/c
		maxAbs = max(maxAbs, math.Abs(avg[i]))
	}
	m := &Model{bits: tr.bits, w: make([]int16, len(tr.w)), scale: 1, lex: lex}
	if maxAbs > 0 {
		m.scale = float32(maxAbs / math.MaxInt16)
	}
	for i, a := range avg {
		m.w[i] = int16(math.Round(a / float64(m.scale)))
	}
	for p := range tr.tr {
		for t := range tr.tr[p] {
			m.trans[p][t] = float32(float64(tr.tr[p][t]) - tr.tu[p][t]/c)
		}
	}
	return m
}

// tuneBias picks the O-score offset that maximises F-beta over name
// tokens (a token counts when tagged as any name) on the held-out folds,
// averaged over sources so that each corpus weighs the same. Candidates
// are multiples of the median gap between the O score and the best name
// score, so the grid follows the weights' scale.
func tuneBias(models []*Model, helds [][]seq, beta float64, nSources int) float32 {
	s := &scratch{}
	var gaps []float64
	for f, m := range models {
		for _, sq := range helds[f] {
			m.tag(sq.text, s)
			for i := range s.info {
				if taggable(s.info[i].kind) {
					e := s.emit[i*nTags : i*nTags+nTags]
					gaps = append(gaps, math.Abs(float64(e[tagO]-max(e[1], e[2], e[3], e[4]))))
				}
			}
		}
	}
	if len(gaps) == 0 {
		return 0
	}
	slices.Sort(gaps)
	unit := gaps[len(gaps)/2]
	const steps = 31
	bias := func(step int) float32 { return float32(float64(step) * 0.05 * unit) }
	// tp, fp, fn per candidate and source. Emissions are computed once
	// per example; only the O column moves with the candidate, so each
	// candidate costs one Viterbi pass.
	tp, fp, fn := make([]float64, steps*nSources), make([]float64, steps*nSources), make([]float64, steps*nSources)
	var baseO []float32
	for f, m := range models {
		for _, sq := range helds[f] {
			caseMode := s.prepare(sq.text, m.lex)
			if len(s.info) == 0 {
				continue
			}
			m.emissions(s, caseMode)
			baseO = baseO[:0]
			for i := range s.info {
				baseO = append(baseO, s.emit[i*nTags])
			}
			for step := range steps {
				b := bias(step)
				for i := range s.info {
					if taggable(s.info[i].kind) {
						s.emit[i*nTags] = baseO[i] - b
					}
				}
				viterbi(s, &m.trans)
				k := step*nSources + sq.source
				for i, g := range sq.gold {
					p := s.tags[i]
					switch {
					case g != tagO && p != tagO:
						tp[k]++
					case g != tagO:
						fn[k]++
					case p != tagO:
						fp[k]++
					}
				}
			}
		}
	}
	b2 := beta * beta
	best, bestF := float32(0), -1.0
	for step := range steps {
		f, n := 0.0, 0
		for src := range nSources {
			k := step*nSources + src
			if tp[k]+fn[k]+fp[k] == 0 {
				continue
			}
			f += (1 + b2) * tp[k] / ((1+b2)*tp[k] + b2*fn[k] + fp[k])
			n++
		}
		f /= float64(max(n, 1))
		if f > bestF {
			best, bestF = bias(step), f
		}
	}
	return best
}

// calibrate fits Platt scaling, P(entity right) = sigmoid(a×margin + b),
// on the entities each fold's model predicts in its held-out examples; an
// entity is right when it overlaps a gold entity of the same label.
func calibrate(models []*Model, helds [][]seq) (float32, float32) {
	var xs, ws []float64
	var ys []bool
	var srcs []int
	s := &scratch{}
	for f, m := range models {
		for _, sq := range helds[f] {
			m.tag(sq.text, s)
			n := len(s.tags)
			for i := 0; i < n; {
				t := s.tags[i]
				if t != tagBPer && t != tagBLoc {
					i++
					continue
				}
				j := i + 1
				for j < n && s.tags[j] == t+1 {
					j++
				}
				right := false
				for k := i; k < j; k++ {
					if g := sq.gold[k]; g != tagO && tagLabel[g] == tagLabel[t] {
						right = true
					}
				}
				xs = append(xs, float64(m.margin(s, i, j)))
				ys = append(ys, right)
				srcs = append(srcs, sq.source)
				i = j
			}
		}
	}
	// Each source weighs the same in the fit, as in tuneBias.
	per := map[int]float64{}
	for _, src := range srcs {
		per[src]++
	}
	for _, src := range srcs {
		ws = append(ws, float64(len(srcs))/(float64(len(per))*per[src]))
	}
	a, b := plattFit(xs, ys, ws)
	// Rounded so that floating-point differences between platforms in the
	// fit do not reach the model file.
	return float32(math.Round(a*1e5) / 1e5), float32(math.Round(b*1e4) / 1e4)
}

// plattFit fits a logistic curve by Newton's method with Platt's smoothed
// targets. Too few points, or only one class, gives the identity-ish
// sigmoid(margin).
func plattFit(xs []float64, ys []bool, ws []float64) (float64, float64) {
	np, nn := 0.0, 0.0
	for i, y := range ys {
		if y {
			np += ws[i]
		} else {
			nn += ws[i]
		}
	}
	if np < 5 || nn < 5 {
		return 1, 0
	}
	hi, lo := (np+1)/(np+2), 1/(nn+2)
	a, b := 0.0, math.Log((np+1)/(nn+1))
	for range 100 {
		var g0, g1, h00, h01, h11 float64
		for i, x := range xs {
			t := lo
			if ys[i] {
				t = hi
			}
			p := 1 / (1 + math.Exp(-(a*x + b)))
			d := (p - t) * ws[i]
			w := max(p*(1-p), 1e-12) * ws[i]
			g0 += d * x
			g1 += d
			h00 += w * x * x
			h01 += w * x
			h11 += w
		}
		h00 += 1e-9
		h11 += 1e-9
		det := h00*h11 - h01*h01
		if det <= 0 {
			break
		}
		da := (h11*g0 - h01*g1) / det
		db := (h00*g1 - h01*g0) / det
		a, b = a-da, b-db
		if math.Abs(da) < 1e-9 && math.Abs(db) < 1e-9 {
			break
		}
	}
	return a, b
}
