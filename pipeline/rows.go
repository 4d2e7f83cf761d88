package pipeline

import (
	"errors"
	"fmt"

	"github.com/nhs-talking-therapies/deid/pipeline/parquetsink"
	"github.com/nhs-talking-therapies/deid/schemas"
)

// datasetCols holds, for each dataset, the places of its columns in its
// rows, resolved by name once per extract (parquetsink.Layout). The steps
// fill rows by name through them: nothing is looked up per row, and a
// column inserted in a schema shifts no value. It is read by the workers
// and never changed after setup.
type datasetCols struct {
	patients       patientCols
	sessions       sessionCols
	transcripts    transcriptCols
	messages       messageCols
	notes          noteCols
	questionnaires questionnaireCols
	outcomes       outcomeCols
}

// Each dataset's places: n, the length of its rows (parquetsink.Row.Reset),
// and one field per column, named after it.
type patientCols struct {
	n                                                         int
	researchID, ageBand, gender, ethnicity, postcode, pcLevel int
	diagnosis, sessionsAttended, daysToDischarge, provider    int
}

type sessionCols struct {
	n                                                                             int
	researchID, sessionID, seq, therapistID, dayOffset, month, modality, duration int
}

// freeTextCols are the columns a text's redaction fills (finishText).
type freeTextCols struct{ text, redactions, counts int }

type transcriptCols struct {
	n                                                    int
	researchID, sessionID, seq, turn, speaker, dayOffset int
	freeTextCols
}

type messageCols struct {
	n                                               int
	researchID, messageID, sender, dayOffset, month int
	freeTextCols
}

type noteCols struct {
	n                                               int
	researchID, sessionID, seq, authorID, dayOffset int
	freeTextCols
}

type questionnaireCols struct {
	n                                                               int
	researchID, sessionID, seq, instrument, dayOffset, items, total int
	severity, caseness, prorated                                    int
}

type outcomeCols struct {
	n                                                            int
	researchID, phq9First, phq9Last, gad7First, gad7Last         int
	caseAtStart, finishedTreatment, recovered                    int
	reliableImprovement, reliableDeterioration, reliableRecovery int
}

// resolveCols resolves every dataset's columns in the schemas lookup
// returns. A name a schema lacks, or a schema column no step fills, is an
// error: the code and the schemas disagree.
func resolveCols(lookup func(string) (schemas.Dataset, bool)) (datasetCols, error) {
	var c datasetCols
	var errs []error
	layout := func(name string, resolve func(l *parquetsink.Layout)) {
		ds, ok := lookup(name)
		if !ok {
			errs = append(errs, fmt.Errorf("dataset %s: no schema", name))
			return
		}
		l := parquetsink.NewLayout(ds)
		resolve(l)
		errs = append(errs, l.Err())
	}
	text := func(l *parquetsink.Layout) freeTextCols {
		return freeTextCols{text: l.Col("text"), redactions: l.Col("redactions"), counts: l.Col("redaction_counts")}
	}
	layout("patients", func(l *parquetsink.Layout) {
		c.patients = patientCols{n: l.Len(), researchID: l.Col("research_id"), ageBand: l.Col("age_band"), gender: l.Col("gender"),
			ethnicity: l.Col("ethnicity"), postcode: l.Col("partial_postcode"), pcLevel: l.Col("postcode_level"), diagnosis: l.Col("diagnosis"),
			sessionsAttended: l.Col("sessions_attended"), daysToDischarge: l.Col("days_referral_to_discharge"), provider: l.Col("provider")}
	})
	layout("sessions", func(l *parquetsink.Layout) {
		c.sessions = sessionCols{n: l.Len(), researchID: l.Col("research_id"), sessionID: l.Col("session_id"), seq: l.Col("session_seq"),
			therapistID: l.Col("therapist_id"), dayOffset: l.Col("day_offset"), month: l.Col("month"), modality: l.Col("modality"),
			duration: l.Col("duration_minutes")}
	})
	layout("transcripts", func(l *parquetsink.Layout) {
		c.transcripts = transcriptCols{n: l.Len(), researchID: l.Col("research_id"), sessionID: l.Col("session_id"), seq: l.Col("session_seq"),
			turn: l.Col("turn"), speaker: l.Col("speaker"), dayOffset: l.Col("day_offset"), freeTextCols: text(l)}
	})
	layout("messages", func(l *parquetsink.Layout) {
		c.messages = messageCols{n: l.Len(), researchID: l.Col("research_id"), messageID: l.Col("message_id"), sender: l.Col("sender"),
			dayOffset: l.Col("day_offset"), month: l.Col("month"), freeTextCols: text(l)}
	})
	layout("notes", func(l *parquetsink.Layout) {
		c.notes = noteCols{n: l.Len(), researchID: l.Col("research_id"), sessionID: l.Col("session_id"), seq: l.Col("session_seq"),
			authorID: l.Col("author_id"), dayOffset: l.Col("day_offset"), freeTextCols: text(l)}
	})
	layout("questionnaires", func(l *parquetsink.Layout) {
		c.questionnaires = questionnaireCols{n: l.Len(), researchID: l.Col("research_id"), sessionID: l.Col("session_id"), seq: l.Col("session_seq"),
			instrument: l.Col("instrument"), dayOffset: l.Col("day_offset"), items: l.Col("items"), total: l.Col("total"),
			severity: l.Col("severity"), caseness: l.Col("caseness"), prorated: l.Col("prorated")}
	})
	layout("outcomes", func(l *parquetsink.Layout) {
		c.outcomes = outcomeCols{n: l.Len(), researchID: l.Col("research_id"), phq9First: l.Col("phq9_first"), phq9Last: l.Col("phq9_last"),
			gad7First: l.Col("gad7_first"), gad7Last: l.Col("gad7_last"), caseAtStart: l.Col("case_at_start"),
			finishedTreatment: l.Col("finished_treatment"), recovered: l.Col("recovered"), reliableImprovement: l.Col("reliable_improvement"),
			reliableDeterioration: l.Col("reliable_deterioration"), reliableRecovery: l.Col("reliable_recovery")}
	})
	return c, errors.Join(errs...)
}
