package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/nhs-talking-therapies/deid/internal/statefile"
	"github.com/nhs-talking-therapies/deid/measures"
	"github.com/nhs-talking-therapies/deid/pipeline/disclosure"
	"github.com/nhs-talking-therapies/deid/pipeline/geo"
	"github.com/nhs-talking-therapies/deid/source"
)

// The research tables: questionnaires (validated and scored per measure),
// outcomes (one row per patient by the NHS Talking Therapies definitions)
// and the patients table (generalised, then disclosure-controlled).

func (x *extractor) readQuestionnaires(ctx context.Context) error {
	const kind = "questionnaires"
	if x.report.Questionnair == nil {
		x.report.Questionnair = map[string]int{}
	}
	_, requested := x.prof.Datasets[kind]
	// Decoding and scoring run in workers; everything else in order.
	err := decodedStream(ctx, x, kind, func(it *questItem) *decodedItem { return &it.decodedItem },
		func(it *questItem, d *source.Decoder) {
			if it.q = source.DecodeQuestionnaire(d); d.Err() == nil {
				it.sc, it.scErr = measures.Score(it.q.Instrument, it.q.Items)
			}
		},
		func(it *questItem) error { return x.admitQuestionnaire(it, requested) })
	if err != nil {
		return err
	}
	// Outcomes are computed from the records.
	return x.scores.flush()
}

// questItem is one questionnaire on its way through a stream.
type questItem struct {
	decodedItem
	q     source.DecodedQuestionnaire
	sc    measures.Scored
	scErr error
}

// admitQuestionnaire is the collector's share of a decoded, scored
// questionnaire: parents, opt-outs, scores for outcomes, the row.
func (x *extractor) admitQuestionnaire(it *questItem, requested bool) error {
	const kind = "questionnaires"
	c := x.report.Records[kind]
	rec, q, sc := it.rec, &it.q, it.sc
	num, pst, err := x.qparents.patient(x.ids.key(q.PatientID))
	if err != nil {
		return err
	}
	var ss sessionRec
	var ssRID string
	sst := absent
	if q.SessionID != "" {
		if ss, ssRID, sst, err = x.qparents.session(x.ids.key(q.SessionID)); err != nil {
			return err
		}
	}
	if pst == excluded || sst == excluded {
		c.exclude(ExcludedOptedOutParent)
		return nil
	}
	if pst == absent {
		return x.quarantine(kind, rec, "patient_id", "orphan: no valid patient with this patient_id")
	}
	if q.SessionID != "" {
		if sst == absent {
			return x.quarantine(kind, rec, "session_id", "orphan: no valid session with this session_id")
		}
		if int(ss.patient) != num {
			return x.quarantine(kind, rec, "session_id", "session belongs to another patient")
		}
	}
	if err := it.scErr; err != nil {
		se, _ := err.(*measures.ScoreError)
		field, reason := "items", "invalid questionnaire"
		if se != nil {
			field, reason = se.Field, se.Reason
		}
		x.report.Questionnair[reason]++
		return x.quarantine(kind, rec, field, reason)
	}
	if sc.Prorated {
		x.report.Questionnair["prorated"]++
	}
	c.UnknownFields += it.unknown
	var sessID, seq any
	if sst == found {
		sessID, seq = ssRID, ss.seq
		t, err := x.scores.get(num)
		if err != nil {
			return err
		}
		t.Add(int(ss.seq), sc.Instrument, sc.Total)
	}
	if !requested {
		c.exclude(ExcludedNotRequested)
		return nil
	}
	// One backing array for the row's items, not an allocation per item.
	items, vals := make([]*int32, len(q.Items)), make([]int32, len(q.Items))
	for i, it := range q.Items {
		if it != nil {
			vals[i] = int32(*it)
			items[i] = &vals[i]
		}
	}
	var caseness any
	if sc.HasCaseness {
		caseness = sc.Case
	}
	p, rid, err := x.qparents.record(num)
	if err != nil {
		return err
	}
	c.Written++
	qc := &x.cols.questionnaires
	x.row = x.row.Reset(qc.n)
	r := x.row
	r[qc.researchID], r[qc.sessionID], r[qc.seq], r[qc.instrument] = rid, sessID, seq, sc.Instrument
	r[qc.dayOffset], r[qc.items], r[qc.total] = dayOffset(p.referralTime(), q.Completed), items, int32(sc.Total)
	r[qc.severity], r[qc.caseness], r[qc.prorated] = sc.Band, caseness, sc.Prorated
	return x.write(kind, r)
}

func (x *extractor) writeOutcomes(context.Context) error {
	const kind = "outcomes"
	if _, ok := x.prof.Datasets[kind]; !ok {
		return nil
	}
	for num := range x.db.numPatients() {
		p, err := x.db.record(num)
		if err != nil {
			return err
		}
		var t *measures.Tracker
		if p.scores != (statefile.Ref{}) {
			b, err := x.spill.Get(p.scores)
			if err != nil {
				return err
			}
			if t, err = measures.ParseTracker(b); err != nil {
				return err
			}
		} else {
			t = new(measures.Tracker)
		}
		o, ok := measures.Outcome(t.Measures(), int(p.sessions))
		if !ok {
			x.report.Outcomes[ExcludedNoPairedScores]++
			continue
		}
		x.report.Outcomes["rows"]++
		oc := &x.cols.outcomes
		x.row = x.row.Reset(oc.n)
		r := x.row
		r[oc.researchID] = p.researchID()
		r[oc.phq9First], r[oc.phq9Last], r[oc.gad7First], r[oc.gad7Last] = int32(o.PHQ9First), int32(o.PHQ9Last), int32(o.GAD7First), int32(o.GAD7Last)
		r[oc.caseAtStart], r[oc.finishedTreatment], r[oc.recovered] = o.CaseAtStart, o.FinishedTreatment, o.Recovered
		r[oc.reliableImprovement], r[oc.reliableDeterioration], r[oc.reliableRecovery] = o.ReliableImprovement, o.ReliableDeterioration, o.ReliableRecovery
		if err := x.write(kind, r); err != nil {
			return err
		}
	}
	return nil
}

// patientRow is one combination of the patients table's quasi-identifiers
// and how many patients have it, before and after disclosure control
// widens it.
type patientRow struct {
	count     int // patients with these values
	ageBand   string
	gender    string
	ethnicity string
	postcode  string
	pcLevel   geo.Level
}

func (x *extractor) postcodeGeneraliser() geo.Generaliser {
	lvl := geo.LevelDistrict
	if x.prof.Generalise.Postcode == "sector" {
		lvl = geo.LevelSector
	}
	return geo.Generaliser{MinPopulation: x.prof.Generalise.MinDistrictPopulation, Level: lvl, SmallDistrict: x.prof.Generalise.SmallDistrict}
}

// writePatients writes the patients table in two passes over the
// records: the first counts each combination of quasi-identifiers and runs
// disclosure control over the combinations, the second writes every
// patient with their combination's recoding. Memory grows with the
// distinct combinations, never with the patients.
func (x *extractor) writePatients(context.Context) error {
	const kind = "patients"
	c := x.report.Records[kind]
	gen := x.postcodeGeneraliser()
	var combos []patientRow // distinct, first-seen order
	index := map[string]int{}
	var kb []byte
	for num := range x.db.numPatients() {
		_, _, r, reason, err := x.patientRow(num, gen)
		if err != nil {
			return err
		}
		if reason != "" {
			x.report.Postcodes[reason]++
		} else {
			x.report.Postcodes[r.pcLevel.String()]++
		}
		kb = r.key(kb[:0])
		i, ok := index[string(kb)]
		if !ok {
			i = len(combos)
			index[string(kb)] = i
			combos = append(combos, r)
		}
		combos[i].count++
	}
	recoded := slices.Clone(combos)
	if err := x.disclosureControl(recoded); err != nil {
		return err
	}
	_, requested := x.prof.Datasets[kind]
	for num := range x.db.numPatients() {
		if !requested {
			c.exclude(ExcludedNotRequested)
			continue
		}
		p, a, r, _, err := x.patientRow(num, gen)
		if err != nil {
			return err
		}
		r = recoded[index[string(r.key(kb[:0]))]]
		var diag, disch, provider, pcLevel any
		if d, ok := diagnosisCode(a.diagnosis, x.prof.Generalise.Diagnosis == "full"); ok {
			diag = d
		}
		if p.hasDisch {
			disch = dayOffset(p.referralTime(), p.dischargeTime())
		}
		if a.provider != "" {
			provider = a.provider
		}
		if r.pcLevel != geo.LevelUnset {
			pcLevel = r.pcLevel.String()
		}
		c.Written++
		pc := &x.cols.patients
		x.row = x.row.Reset(pc.n)
		row := x.row
		row[pc.researchID], row[pc.ageBand], row[pc.gender], row[pc.ethnicity] = p.researchID(), nullable(r.ageBand), nullable(r.gender), nullable(r.ethnicity)
		row[pc.postcode], row[pc.pcLevel], row[pc.diagnosis] = nullable(r.postcode), pcLevel, diag
		row[pc.sessionsAttended], row[pc.daysToDischarge], row[pc.provider] = int32(p.sessions), disch, provider
		if err := x.write(kind, row); err != nil {
			return err
		}
	}
	return nil
}

// patientRow reads patient num back and generalises its quasi-identifiers;
// reason says why the postcode could not be generalised, if it could not.
func (x *extractor) patientRow(num int, gen geo.Generaliser) (patientRec, patientAttrs, patientRow, string, error) {
	p, err := x.db.record(num)
	if err != nil {
		return p, patientAttrs{}, patientRow{}, "", err
	}
	_, a, err := p.unpack(x.spill)
	if err != nil {
		return p, a, patientRow{}, "", err
	}
	pc, lvl, reason := gen.Generalise(a.postcode)
	return p, a, patientRow{ageBand: disclosure.AgeBand(int(p.age), x.prof.Generalise.AgeBandYears),
		gender: a.gender, ethnicity: a.ethnicity, postcode: pc, pcLevel: lvl}, reason, nil
}

// nullable maps "" (unknown or suppressed) to a null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// disclosureControl makes every combination of the profile's
// quasi-identifiers shared by at least k patients, generalising step by step
// and suppressing only as a last resort. The widened values replace the
// rows' own, so every dataset carrying these columns gets the same ones.
func (x *extractor) disclosureControl(rows []patientRow) error {
	cols := x.prof.Disclosure.QuasiIdentifiers
	in := make([]disclosure.Row, len(rows))
	for i, r := range rows {
		vals := make([]string, len(cols))
		for j, c := range cols {
			vals[j] = *r.field(c)
		}
		in[i] = disclosure.Row{ID: strconv.Itoa(i), Values: vals, Count: r.count}
	}
	res, err := disclosure.Apply(in, disclosure.Config{K: x.prof.Disclosure.K, Columns: cols})
	if err != nil {
		return fmt.Errorf("disclosure control: %w", err)
	}
	for i := range rows {
		rec := res.Rows[i]
		for j, c := range cols {
			*rows[i].field(c) = rec.Values[j]
		}
		if rec.Suppressed {
			rows[i].pcLevel = geo.LevelSuppressed
		} else if lvl, ok := geo.LevelOf(rows[i].postcode); ok {
			rows[i].pcLevel = lvl
		}
	}
	x.report.Disclosure = res.Report
	return nil
}

// key identifies the row's values (count aside) for grouping.
func (r *patientRow) key(b []byte) []byte {
	for _, v := range [...]string{r.ageBand, r.gender, r.ethnicity, r.postcode} {
		b = appendPacked(b, v)
	}
	return append(b, byte(r.pcLevel))
}

// field addresses a quasi-identifier of the row by its column name.
func (r *patientRow) field(col string) *string {
	switch col {
	case disclosure.ColAgeBand:
		return &r.ageBand
	case disclosure.ColGender:
		return &r.gender
	case disclosure.ColEthnicity:
		return &r.ethnicity
	case disclosure.ColPostcode:
		return &r.postcode
	}
	panic("pipeline: quasi-identifier not validated by the profile: " + col)
}
