package pipeline

import (
	"encoding/binary"
	"encoding/hex"
	"hash/maphash"
	"time"

	"github.com/nhs-talking-therapies/deid/pipeline/measures"
	"github.com/nhs-talking-therapies/deid/redact"
)

// The extract's per-patient and per-session state lives for the whole run,
// so its size is what makes memory grow with the input: it is kept compact.
// Measured at 88,000 patients before compaction: 5.9 KB a patient (maps
// keyed by id strings, whole patient records, numbering maps, every
// questionnaire score); see the bench notes in the README for the figure
// after.

// idKey stands for a source identifier (patient, session or message id) in
// the extract's lookup tables: 128 bits of two independently seeded hashes
// rather than the string. Two distinct ids of one run share a key with odds
// of about n²/2^129, nothing a run can reach, so lookups are exact in
// practice; the seeds are random per run but never affect an output, since
// a key is only ever compared for equality.
type idKey [2]uint64

type idHasher struct{ a, b maphash.Seed }

func newIDHasher() idHasher { return idHasher{a: maphash.MakeSeed(), b: maphash.MakeSeed()} }

func (h idHasher) key(id string) idKey {
	return idKey{maphash.String(h.a, id), maphash.String(h.b, id)}
}

// patientState is what the run keeps of an included patient.
type patientState struct {
	researchID  string
	known       spillRef         // identifiers, packed by packKnown, in the spill store
	therapists  []string         // names of the patient's therapists, also known identifiers
	consistency spillRef         // numbering set aside by the consistency cache; zero: none yet
	scores      measures.Tracker // PHQ-9/GAD-7 totals by session, for outcomes
	referral    time.Time
	discharge   time.Time
	age         int // at referral
	hasDisch    bool
	sessions    int32
	gender      string
	ethnicity   string
	postcode    string
	diagnosis   string
	provider    string
}

func newPatientState(p *patientIn, researchID string, spill *spillStore) (*patientState, error) {
	known, err := spill.put(packKnown(p.Known()))
	if err != nil {
		return nil, err
	}
	return &patientState{
		researchID: researchID, known: known,
		referral: p.referral, discharge: p.discharge, hasDisch: p.hasDischarge, age: ageAt(p.dob, p.referral),
		gender: p.Gender, ethnicity: p.Ethnicity, postcode: p.Postcode, diagnosis: p.Diagnosis, provider: p.Provider,
	}, nil
}

// subject compiles the identifiers the redactor looks for in this
// patient's texts.
func (p *patientState) subject(spill *spillStore) (*redact.Subject, error) {
	b, err := spill.get(p.known)
	if err != nil {
		return nil, err
	}
	k := unpackKnown(b)
	k.TherapistNames = p.therapists
	return redact.NewSubject(k), nil
}

// consistencyCache keeps the numbering of the patients the collector is
// working on and sets the others aside in the spill store (first in, first
// out). A restored Consistency continues exactly where it stopped, so the
// cache's size never changes an output (TestStateCacheSizeDoesNotChangeOutput).
type consistencyCache struct {
	m     map[*patientState]*redact.Consistency
	ring  []*patientState
	next  int
	spill *spillStore
	buf   []byte
}

func newConsistencyCache(size int, spill *spillStore) *consistencyCache {
	return &consistencyCache{m: make(map[*patientState]*redact.Consistency, size), ring: make([]*patientState, size), spill: spill}
}

func (c *consistencyCache) get(p *patientState) (*redact.Consistency, error) {
	if cs, ok := c.m[p]; ok {
		return cs, nil
	}
	if old := c.ring[c.next]; old != nil {
		if cs := c.m[old]; !cs.Empty() {
			c.buf = cs.AppendBinary(c.buf[:0])
			ref, err := c.spill.put(c.buf)
			if err != nil {
				return nil, err
			}
			old.consistency = ref
		}
		delete(c.m, old)
	}
	cs := redact.NewConsistency(p.researchID)
	if p.consistency != (spillRef{}) {
		b, err := c.spill.get(p.consistency)
		if err != nil {
			return nil, err
		}
		if cs, err = redact.ParseConsistency(p.researchID, b); err != nil {
			return nil, err
		}
	}
	c.ring[c.next] = p
	c.next = (c.next + 1) % len(c.ring)
	c.m[p] = cs
	return cs, nil
}

// sessionState is what the run keeps of an included session: 48 bytes.
type sessionState struct {
	patient *patientState
	rid     [16]byte  // research id, raw; researchID formats it
	seq     int32     // session number
	turns   [2]uint64 // turn numbers 0..127 seen, for duplicates; higher ones in extractor.moreTurns
}

func (s *sessionState) researchID() string { return hex.EncodeToString(s.rid[:]) }

// sessionSlab hands out sessionStates from large blocks, so a session
// costs its 48 bytes and not a heap object's header and rounding.
type sessionSlab struct{ block []sessionState }

func (s *sessionSlab) alloc() *sessionState {
	if len(s.block) == cap(s.block) {
		s.block = make([]sessionState, 0, 4096)
	}
	s.block = s.block[:len(s.block)+1]
	return &s.block[len(s.block)-1]
}

// seenTurn records a turn number and reports whether the session already
// had it.
func (x *extractor) seenTurn(s *sessionState, turn int) bool {
	if turn > 1<<20 {
		return false // absurd turn numbers are not tracked (bounded memory)
	}
	var word *uint64
	if turn < 128 {
		word = &s.turns[turn/64]
	} else {
		more := x.moreTurns[s]
		w := turn/64 - 2
		for len(more) <= w {
			more = append(more, 0)
		}
		x.moreTurns[s] = more
		word = &more[w]
	}
	bit := uint64(1) << (turn % 64)
	seen := *word&bit != 0
	*word |= bit
	return seen
}

// packKnown packs a patient's identifiers into one byte slice (uvarint
// lengths and the strings, in a fixed order): a tenth of the memory of the
// record's strings and slices, and nothing for the garbage collector to
// scan.
func packKnown(k redact.Known) []byte {
	n := 0
	for _, s := range knownScalars(&k) {
		n += len(*s) + 1
	}
	for _, s := range k.AddressLines {
		n += len(s) + 1
	}
	for _, c := range k.Contacts {
		n += len(c.Name) + len(c.Relationship) + 2
	}
	b := make([]byte, 0, n+4)
	for _, s := range knownScalars(&k) {
		b = appendPacked(b, *s)
	}
	b = binary.AppendUvarint(b, uint64(len(k.AddressLines)))
	for _, s := range k.AddressLines {
		b = appendPacked(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(k.Contacts)))
	for _, c := range k.Contacts {
		b = appendPacked(appendPacked(b, c.Name), c.Relationship)
	}
	return b
}

func unpackKnown(b []byte) redact.Known {
	var k redact.Known
	for _, s := range knownScalars(&k) {
		*s, b = readPacked(b)
	}
	n, w := binary.Uvarint(b)
	b = b[w:]
	for i := uint64(0); i < n; i++ {
		var s string
		s, b = readPacked(b)
		k.AddressLines = append(k.AddressLines, s)
	}
	n, w = binary.Uvarint(b)
	b = b[w:]
	for i := uint64(0); i < n; i++ {
		var c redact.Contact
		c.Name, b = readPacked(b)
		c.Relationship, b = readPacked(b)
		k.Contacts = append(k.Contacts, c)
	}
	return k
}

// knownScalars lists the string fields packKnown stores, in its order.
func knownScalars(k *redact.Known) [9]*string {
	return [9]*string{&k.GivenName, &k.FamilyName, &k.PreferredName, &k.Postcode, &k.Phone, &k.Email,
		&k.NHSNumber, &k.GPPractice, &k.GPName}
}

func appendPacked(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func readPacked(b []byte) (string, []byte) {
	n, w := binary.Uvarint(b)
	return string(b[w : w+int(n)]), b[w+int(n):]
}
