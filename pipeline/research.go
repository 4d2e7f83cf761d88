package pipeline

import (
	"context"
	"fmt"

	"github.com/nhs-talking-therapies/deid/pipeline/disclosure"
	"github.com/nhs-talking-therapies/deid/pipeline/geo"
	"github.com/nhs-talking-therapies/deid/pipeline/measures"
)

// The research tables: questionnaires (validated and scored per measure),
// outcomes (one row per patient by the NHS Talking Therapies definitions)
// and the patients table (generalised, then disclosure-controlled).

func (x *extractor) readQuestionnaires(ctx context.Context) error {
	const kind = "questionnaires"
	c := x.report.Records[kind]
	if x.report.Questionnair == nil {
		x.report.Questionnair = map[string]int{}
	}
	_, requested := x.prof.Datasets[kind]
	return x.each(ctx, kind, func(rec rawRecord, d *decoder) error {
		q := decodeQuestionnaire(d)
		if d.err != nil {
			return x.quarantine(kind, rec, d.err.Field, d.err.Reason)
		}
		p, knownPt := x.patients[x.ids.key(q.PatientID)]
		var ss *sessionState
		knownSs := false
		if q.SessionID != "" {
			ss, knownSs = x.sessions[x.ids.key(q.SessionID)]
		}
		if knownPt && p == nil || knownSs && ss == nil {
			c.exclude(ExcludedOptedOutParent)
			return nil
		}
		if p == nil {
			return x.quarantine(kind, rec, "patient_id", "orphan: no valid patient with this patient_id")
		}
		if q.SessionID != "" {
			if ss == nil {
				return x.quarantine(kind, rec, "session_id", "orphan: no valid session with this session_id")
			}
			if ss.patient != p {
				return x.quarantine(kind, rec, "session_id", "session belongs to another patient")
			}
		}
		sc, err := measures.Score(q.Instrument, q.Items)
		if err != nil {
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
		c.UnknownFields += d.unknown()
		var sessID, seq any
		if ss != nil {
			sessID, seq = ss.researchID(), ss.seq
			p.scores.Add(int(ss.seq), sc.Instrument, sc.Total)
		}
		if !requested {
			c.exclude(ExcludedNotRequested)
			return nil
		}
		items := make([]*int32, len(q.Items))
		for i, it := range q.Items {
			if it != nil {
				v := int32(*it)
				items[i] = &v
			}
		}
		var caseness any
		if sc.HasCaseness {
			caseness = sc.Case
		}
		c.Written++
		return x.write(kind, Row{p.researchID, sessID, seq, sc.Instrument, dayOffset(p.referral, q.completed),
			items, int32(sc.Total), sc.Band, caseness, sc.Prorated})
	})
}

func (x *extractor) writeOutcomes(context.Context) error {
	const kind = "outcomes"
	if _, ok := x.prof.Datasets[kind]; !ok {
		return nil
	}
	for _, p := range x.order {
		o, ok := measures.Outcome(p.scores.Measures(), int(p.sessions))
		if !ok {
			x.report.Outcomes[ExcludedNoPairedScores]++
			continue
		}
		x.report.Outcomes["rows"]++
		if err := x.write(kind, Row{p.researchID, int32(o.PHQ9First), int32(o.PHQ9Last), int32(o.GAD7First), int32(o.GAD7Last),
			o.CaseAtStart, o.FinishedTreatment, o.Recovered, o.ReliableImprovement, o.ReliableDeterioration, o.ReliableRecovery}); err != nil {
			return err
		}
	}
	return nil
}

// patientRow is one patients-table row before disclosure control: the
// quasi-identifiers are kept separately so disclosure control can widen
// them.
type patientRow struct {
	p         *patientState
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

func (x *extractor) writePatients(context.Context) error {
	const kind = "patients"
	c := x.report.Records[kind]
	gen := x.postcodeGeneraliser()
	rows := make([]patientRow, 0, len(x.order))
	for _, p := range x.order {
		pc, lvl, reason := gen.Generalise(p.postcode)
		if reason != "" {
			x.report.Postcodes[reason]++
		} else {
			x.report.Postcodes[lvl.String()]++
		}
		rows = append(rows, patientRow{p: p, ageBand: disclosure.AgeBand(p.age, x.prof.Generalise.AgeBandYears),
			gender: p.gender, ethnicity: p.ethnicity, postcode: pc, pcLevel: lvl})
	}
	if err := x.disclosureControl(rows); err != nil {
		return err
	}
	_, requested := x.prof.Datasets[kind]
	for _, r := range rows {
		if !requested {
			c.exclude(ExcludedNotRequested)
			continue
		}
		p := r.p
		var diag, disch, provider, pcLevel any
		if d, ok := diagnosisCode(p.diagnosis, x.prof.Generalise.Diagnosis == "full"); ok {
			diag = d
		}
		if p.hasDisch {
			disch = dayOffset(p.referral, p.discharge)
		}
		if p.provider != "" {
			provider = p.provider
		}
		if r.pcLevel != geo.LevelUnset {
			pcLevel = r.pcLevel.String()
		}
		c.Written++
		if err := x.write(kind, Row{p.researchID, nullable(r.ageBand), nullable(r.gender), nullable(r.ethnicity),
			nullable(r.postcode), pcLevel, diag, int32(p.sessions), disch, provider}); err != nil {
			return err
		}
	}
	return nil
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
		in[i] = disclosure.Row{ID: r.p.researchID, Values: vals}
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
