package measures

import (
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
)

// SessionMeasures holds the PHQ-9 and GAD-7 totals recorded at one session.
// A session with both is a paired measure.
type SessionMeasures struct {
	Session int  // session sequence number within the patient's episode
	PHQ9    *int // nil when no PHQ-9 was recorded at this session
	GAD7    *int // nil when no GAD-7 was recorded at this session
}

// SessionScore is one scored questionnaire at a session, the flat form the
// pipeline reads; Pair groups these into SessionMeasures.
type SessionScore struct {
	Session    int
	Instrument string // any spelling Lookup accepts
	Total      int
}

// Pair groups scores by session, keeping PHQ-9 and GAD-7 only, sorted by
// session. When an instrument appears more than once at a session the
// later one in scores wins, so the caller passes scores in completion
// order.
func Pair(scores []SessionScore) []SessionMeasures {
	var t Tracker
	for _, s := range scores {
		t.Add(s.Session, s.Instrument, s.Total)
	}
	return t.Measures()
}

// Tracker is Pair kept as it goes: it holds the PHQ-9 and GAD-7 totals of
// one patient's sessions in 8 bytes a session. An extract keeps one per
// patient for the whole run, where a list of every SessionScore would cost
// ten times as much. The zero Tracker is empty.
type Tracker struct {
	s []tracked // sorted by session
}

type tracked struct {
	session   int32
	phq9, gad int16 // -1: not recorded
}

// Add records a questionnaire total at a session; other instruments than
// PHQ-9 and GAD-7 are ignored, and a later total replaces an earlier one.
func (t *Tracker) Add(session int, instrument string, total int) {
	in, ok := find(instrument)
	if !ok || in.Code != "PHQ9" && in.Code != "GAD7" {
		return
	}
	sess := int32(session)
	i, found := slices.BinarySearchFunc(t.s, sess, func(e tracked, s int32) int { return cmp.Compare(e.session, s) })
	if !found {
		t.s = slices.Insert(t.s, i, tracked{session: sess, phq9: -1, gad: -1})
	}
	if in.Code == "PHQ9" {
		t.s[i].phq9 = int16(total)
	} else {
		t.s[i].gad = int16(total)
	}
}

// Measures returns the sessions recorded, sorted by session.
func (t *Tracker) Measures() []SessionMeasures {
	out := make([]SessionMeasures, len(t.s))
	for i, e := range t.s {
		out[i].Session = int(e.session)
		if e.phq9 >= 0 {
			v := int(e.phq9)
			out[i].PHQ9 = &v
		}
		if e.gad >= 0 {
			v := int(e.gad)
			out[i].GAD7 = &v
		}
	}
	return out
}

// Outcomes are one patient's research outcome columns.
type Outcomes struct {
	PHQ9First, PHQ9Last int
	GAD7First, GAD7Last int
	FirstSession        int // session of the first paired measure
	LastSession         int // session of the last paired measure
	PairedMeasures      int // number of sessions with a paired measure

	CaseAtStart           bool
	FinishedTreatment     bool
	Recovered             bool
	ReliableImprovement   bool
	ReliableDeterioration bool
	ReliableRecovery      bool
}

// Outcome derives the NHS Talking Therapies outcomes from a patient's
// measures and the number of treatment sessions attended. ok is false when
// the patient has no paired measure (no session with both a PHQ-9 and a
// GAD-7); the pipeline then writes no outcomes row. When ok, every boolean
// is defined (see Definitions for each rule and its source).
//
// Measures may come in any order; they are ordered by session, and among
// entries with the same session number the input order decides.
func Outcome(measures []SessionMeasures, treatmentSessions int) (Outcomes, bool) {
	var paired []SessionMeasures
	for _, m := range measures {
		if m.PHQ9 != nil && m.GAD7 != nil {
			paired = append(paired, m)
		}
	}
	if len(paired) == 0 {
		return Outcomes{}, false
	}
	slices.SortStableFunc(paired, func(a, b SessionMeasures) int { return cmp.Compare(a.Session, b.Session) })
	first, last := paired[0], paired[len(paired)-1]
	phq, _ := find("PHQ9")
	gad, _ := find("GAD7")

	o := Outcomes{
		PHQ9First: *first.PHQ9, PHQ9Last: *last.PHQ9,
		GAD7First: *first.GAD7, GAD7Last: *last.GAD7,
		FirstSession: first.Session, LastSession: last.Session,
		PairedMeasures:    len(paired),
		FinishedTreatment: treatmentSessions >= 2,
	}
	o.CaseAtStart = phq.IsCase(o.PHQ9First) || gad.IsCase(o.GAD7First)
	caseAtEnd := phq.IsCase(o.PHQ9Last) || gad.IsCase(o.GAD7Last)
	o.Recovered = o.CaseAtStart && !caseAtEnd

	dPHQ, dGAD := o.PHQ9Last-o.PHQ9First, o.GAD7Last-o.GAD7First
	improved := dPHQ <= -phq.ReliableChange || dGAD <= -gad.ReliableChange
	deteriorated := dPHQ >= phq.ReliableChange || dGAD >= gad.ReliableChange
	// A reliable fall on one measure with a reliable rise on the other is
	// "no reliable change" in NHS Talking Therapies reporting: neither
	// improvement nor deterioration.
	o.ReliableImprovement = improved && !deteriorated
	o.ReliableDeterioration = deteriorated && !improved
	o.ReliableRecovery = o.Recovered && o.ReliableImprovement
	return o, true
}

// Len is the number of sessions recorded.
func (t *Tracker) Len() int { return len(t.s) }

// AppendBinary appends t's encoding (8 bytes a session) to b, for a
// tracker set aside until the outcomes are computed.
func (t *Tracker) AppendBinary(b []byte) []byte {
	for _, e := range t.s {
		b = binary.LittleEndian.AppendUint32(b, uint32(e.session))
		b = binary.LittleEndian.AppendUint16(b, uint16(e.phq9))
		b = binary.LittleEndian.AppendUint16(b, uint16(e.gad))
	}
	return b
}

// ParseTracker reads what AppendBinary wrote.
func ParseTracker(b []byte) (*Tracker, error) {
	if len(b)%8 != 0 {
		return nil, errors.New("measures: tracker encoding has a partial entry")
	}
	t := &Tracker{s: make([]tracked, len(b)/8)}
	for i := range t.s {
		e := b[i*8:]
		t.s[i] = tracked{session: int32(binary.LittleEndian.Uint32(e)), phq9: int16(binary.LittleEndian.Uint16(e[4:])), gad: int16(binary.LittleEndian.Uint16(e[6:]))}
	}
	return t, nil
}
