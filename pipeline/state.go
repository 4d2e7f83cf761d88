package pipeline

import (
	"encoding/binary"
	"encoding/hex"
	"hash/maphash"
	"sync"
	"time"

	"github.com/nhs-talking-therapies/deid/internal/statefile"
	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/source"
)

// The extract's per-patient and per-session state lives for the whole run.
// Held in memory it would grow with the input, so it lives in the state
// file as fixed-size records (patientRec, sessionRec) in a paged index
// (stateDB) and variable-length entries (statefile.Spill), behind caches
// of fixed size (docs/performance.md).

// idKey stands for a source identifier (patient, session or message id) in
// the extract's lookup tables: 128 bits of two independently seeded hashes
// rather than the string. Two distinct ids of one run share a key with odds
// of about n²/2^129, nothing a run can reach, so lookups are exact in
// practice; the seeds are random per run but never affect an output, since
// a key is only ever compared for equality.
type idKey = statefile.Key

type idHasher struct{ a, b maphash.Seed }

func newIDHasher() idHasher { return idHasher{a: maphash.MakeSeed(), b: maphash.MakeSeed()} }

func (h idHasher) key(id string) idKey {
	return idKey{maphash.String(h.a, id), maphash.String(h.b, id)}
}

// patientRec is what the run keeps of an included patient: a fixed-size
// record in the state file, by patient number (input order). Its
// variable-length parts are entries in the spill store.
type patientRec struct {
	rid         [16]byte      // research id, raw; researchID formats it
	packed      statefile.Ref // identifiers and attributes, by packPatient
	therapists  statefile.Ref // names of the patient's therapists, also known identifiers; zero: none
	consistency statefile.Ref // numbering set aside by its cache; zero: none yet
	scores      statefile.Ref // PHQ-9/GAD-7 totals by session, for outcomes; zero: none
	referral    int64         // Unix seconds, UTC
	discharge   int64
	age         int32 // at referral
	sessions    int32
	hasDisch    bool
}

const patientRecSize = 16 + 4*12 + 8 + 8 + 4 + 4 + 1

func (p *patientRec) marshal(b []byte) {
	out := append(b[:0], p.rid[:]...)
	for _, r := range [...]statefile.Ref{p.packed, p.therapists, p.consistency, p.scores} {
		out = statefile.AppendRef(out, r)
	}
	out = binary.LittleEndian.AppendUint64(out, uint64(p.referral))
	out = binary.LittleEndian.AppendUint64(out, uint64(p.discharge))
	out = binary.LittleEndian.AppendUint32(out, uint32(p.age))
	out = binary.LittleEndian.AppendUint32(out, uint32(p.sessions))
	flag := byte(0)
	if p.hasDisch {
		flag = 1
	}
	_ = append(out, flag)
}

func (p *patientRec) unmarshal(b []byte) {
	copy(p.rid[:], b)
	b = b[16:]
	for _, r := range [...]*statefile.Ref{&p.packed, &p.therapists, &p.consistency, &p.scores} {
		*r = statefile.RefAt(b)
		b = b[12:]
	}
	p.referral = int64(binary.LittleEndian.Uint64(b))
	p.discharge = int64(binary.LittleEndian.Uint64(b[8:]))
	p.age = int32(binary.LittleEndian.Uint32(b[16:]))
	p.sessions = int32(binary.LittleEndian.Uint32(b[20:]))
	p.hasDisch = b[24] == 1
}

func (p *patientRec) researchID() string { return hex.EncodeToString(p.rid[:]) }

func (p *patientRec) referralTime() time.Time  { return time.Unix(p.referral, 0).UTC() }
func (p *patientRec) dischargeTime() time.Time { return time.Unix(p.discharge, 0).UTC() }

// patientAttrs are the patient's own columns, read back once, for the
// patients table.
type patientAttrs struct {
	gender, ethnicity, postcode, diagnosis, provider string
}

func (a *patientAttrs) fields() [5]*string {
	return [5]*string{&a.gender, &a.ethnicity, &a.postcode, &a.diagnosis, &a.provider}
}

func newPatientRec(p *source.DecodedPatient, rid [16]byte, spill *statefile.Spill) (patientRec, error) {
	a := patientAttrs{gender: p.Gender, ethnicity: p.Ethnicity, postcode: p.Postcode, diagnosis: p.Diagnosis, provider: p.Provider}
	b := packKnown(p.Known())
	for _, s := range a.fields() {
		b = appendPacked(b, *s)
	}
	ref, err := spill.Put(b)
	if err != nil {
		return patientRec{}, err
	}
	rec := patientRec{rid: rid, packed: ref, referral: p.Referral.Unix(), age: int32(ageAt(p.Birth, p.Referral))}
	if p.HasDischarge {
		rec.discharge, rec.hasDisch = p.Discharge.Unix(), true
	}
	return rec, nil
}

// unpack reads back what newPatientRec set aside.
func (p *patientRec) unpack(spill *statefile.Spill) (redact.Known, patientAttrs, error) {
	b, err := spill.Get(p.packed)
	if err != nil {
		return redact.Known{}, patientAttrs{}, err
	}
	k, rest := unpackKnown(b)
	var a patientAttrs
	for _, s := range a.fields() {
		*s, rest = readPacked(rest)
	}
	return k, a, nil
}

// subject compiles the identifiers the redactor looks for in this
// patient's texts.
func (p *patientRec) subject(spill *statefile.Spill) (*redact.Subject, error) {
	k, _, err := p.unpack(spill)
	if err != nil {
		return nil, err
	}
	if p.therapists != (statefile.Ref{}) {
		b, err := spill.Get(p.therapists)
		if err != nil {
			return nil, err
		}
		k.TherapistNames = unpackStrings(b)
	}
	return redact.NewSubject(k), nil
}

func packStrings(list []string) []byte {
	var b []byte
	for _, s := range list {
		b = appendPacked(b, s)
	}
	return b
}

func unpackStrings(b []byte) []string {
	var out []string
	for len(b) > 0 {
		var s string
		s, b = readPacked(b)
		out = append(out, s)
	}
	return out
}

// sessionRec is what the run keeps of a session: 24 bytes, in the
// session records after the session's key. It does not change after the
// sessions step, so the shared pages are only read while text is
// redacted; the turns seen live in the collector's own table (turnTable).
type sessionRec struct {
	patient int32    // patient number; -1: excluded by its patient's opt-out
	rid     [16]byte // research id, raw; researchID formats it
	seq     int32    // session number
}

const sessionRecSize = 24

func (s *sessionRec) marshal(b []byte) {
	binary.LittleEndian.PutUint32(b, uint32(s.patient))
	copy(b[4:20], s.rid[:])
	binary.LittleEndian.PutUint32(b[20:], uint32(s.seq))
}

func (s *sessionRec) unmarshal(b []byte) {
	s.patient = int32(binary.LittleEndian.Uint32(b))
	copy(s.rid[:], b[4:20])
	s.seq = int32(binary.LittleEndian.Uint32(b[20:]))
}

func (s *sessionRec) researchID() string { return hex.EncodeToString(s.rid[:]) }

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

func unpackKnown(b []byte) (redact.Known, []byte) {
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
	return k, b
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

// stateDB is the run's lookup tables, in one statefile.PageStore: patients and
// sessions by id, the message ids seen, and patient records by number.
// Workers look up; the collector and the record phases write; one mutex
// serialises them, held for a page walk at most.
type stateDB struct {
	mu       sync.Mutex
	ps       *statefile.PageStore
	patients *statefile.Index // id → patient number + 1; 0: excluded by an opt-out
	sessions *statefile.Index // id → session number
	messages *statefile.Index // message ids seen
	optedNHS *statefile.Index // NHS numbers of patient records excluded by an opt-out
	records  *statefile.RecordArray
	// Session records by number, in input order: the key, then the
	// sessionRec. Children mostly come in their sessions' order, so a
	// lookup first tries the session after the one before (a page
	// already in the cache) and walks the index, a random page, only
	// when that guess misses.
	sessionRecs *statefile.RecordArray
	buf         [max(patientRecSize, 16+sessionRecSize)]byte
}

// lookup is what a table knows of an id.
type lookup int8

const (
	absent   lookup = iota // never seen: a child pointing here is an orphan
	excluded               // seen and excluded by an opt-out
	found
)

func openStateDB(dir string, frames int) (*stateDB, error) {
	ps, err := statefile.OpenPageStore(dir, frames)
	if err != nil {
		return nil, err
	}
	db := &stateDB{ps: ps, records: statefile.NewRecordArray(ps, patientRecSize), sessionRecs: statefile.NewRecordArray(ps, 16+sessionRecSize)}
	for _, t := range []struct {
		idx   **statefile.Index
		vsize int
	}{{&db.patients, 4}, {&db.sessions, 4}, {&db.messages, 0}, {&db.optedNHS, 0}} {
		if *t.idx, err = statefile.NewIndex(ps, t.vsize); err != nil {
			ps.Close()
			return nil, err
		}
	}
	return db, nil
}

func (db *stateDB) Close() error { return db.ps.Close() }

// patient returns the number of the patient with key k.
func (db *stateDB) patient(k idKey) (int, lookup, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	ok, err := db.patients.Get(k, db.buf[:4])
	if err != nil || !ok {
		return 0, absent, err
	}
	if n := binary.LittleEndian.Uint32(db.buf[:]); n > 0 {
		return int(n - 1), found, nil
	}
	return 0, excluded, nil
}

// addPatient records a patient: its record, or, with rec nil, its
// exclusion. It returns the patient's number.
func (db *stateDB) addPatient(k idKey, rec *patientRec) (int, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	num := -1
	if rec != nil {
		rec.marshal(db.buf[:])
		n, err := db.records.Add(db.buf[:patientRecSize])
		if err != nil {
			return 0, err
		}
		num = n
	}
	binary.LittleEndian.PutUint32(db.buf[:], uint32(num+1))
	_, err := db.patients.Insert(k, db.buf[:4])
	return num, err
}

func (db *stateDB) numPatients() int {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.records.Len()
}

func (db *stateDB) record(num int) (patientRec, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var rec patientRec
	err := db.records.Get(num, db.buf[:patientRecSize])
	if err == nil {
		rec.unmarshal(db.buf[:])
	}
	return rec, err
}

// updateRecord applies fn to patient num's record.
func (db *stateDB) updateRecord(num int, fn func(*patientRec)) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if err := db.records.Get(num, db.buf[:patientRecSize]); err != nil {
		return err
	}
	var rec patientRec
	rec.unmarshal(db.buf[:])
	fn(&rec)
	rec.marshal(db.buf[:])
	return db.records.Set(num, db.buf[:patientRecSize])
}

// lastLookup is one collector step's view of db that remembers its last
// patient, session and record (with their research ids formatted once):
// a patient's sessions and questionnaires come together, so most need no
// lookup, and the next session is usually the one after (the hint). Only
// a record's research id and referral date are read from the copy, and
// neither changes during a step. Not safe for concurrent use.
type lastLookup struct {
	db            *stateDB
	pkey, skey    idKey
	num, snum     int
	pst, sst      lookup
	ss            sessionRec
	rec           patientRec
	ssRID, recRID string
	pok, sok, rok bool // which of the above hold a lookup
	recNum        int
}

// patient is db.patient(k), remembered.
func (m *lastLookup) patient(k idKey) (int, lookup, error) {
	if !m.pok || m.pkey != k {
		num, st, err := m.db.patient(k)
		if err != nil {
			return 0, absent, err
		}
		m.pkey, m.num, m.pst, m.pok = k, num, st, true
	}
	return m.num, m.pst, nil
}

// session is db.session(k), remembered, hinted with the session after
// the last one; it also returns the session's research id.
func (m *lastLookup) session(k idKey) (sessionRec, string, lookup, error) {
	if !m.sok || m.skey != k {
		hint := -1
		if m.sok {
			hint = m.snum + 1
		}
		ss, num, st, err := m.db.session(k, hint)
		if err != nil {
			return ss, "", absent, err
		}
		m.skey, m.ss, m.snum, m.ssRID, m.sst, m.sok = k, ss, num, ss.researchID(), st, true
	}
	return m.ss, m.ssRID, m.sst, nil
}

// record is db.record(num), remembered; it also returns the patient's
// research id.
func (m *lastLookup) record(num int) (patientRec, string, error) {
	if !m.rok || m.recNum != num {
		rec, err := m.db.record(num)
		if err != nil {
			return rec, "", err
		}
		m.rec, m.recRID, m.recNum, m.rok = rec, rec.researchID(), num, true
	}
	return m.rec, m.recRID, nil
}

// session looks up the session with key k, trying number hint first
// (-1: no guess), and returns it with its number. The guess only saves a
// walk: whether it hits never changes the answer.
func (db *stateDB) session(k idKey, hint int) (sessionRec, int, lookup, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var s sessionRec
	num := hint
	hit := false
	if num >= 0 && num < db.sessionRecs.Len() {
		if err := db.sessionRecs.Get(num, db.buf[:16+sessionRecSize]); err != nil {
			return s, -1, absent, err
		}
		hit = statefile.KeyAt(db.buf[:]) == k
	}
	if !hit {
		ok, err := db.sessions.Get(k, db.buf[:4])
		if err != nil || !ok {
			return s, -1, absent, err
		}
		num = int(binary.LittleEndian.Uint32(db.buf[:]))
		if err := db.sessionRecs.Get(num, db.buf[:16+sessionRecSize]); err != nil {
			return s, -1, absent, err
		}
	}
	s.unmarshal(db.buf[16:])
	if s.patient < 0 {
		return s, num, excluded, nil
	}
	return s, num, found, nil
}

// addSession records a session, or, with patient -1, its exclusion,
// unless its key is already recorded, and reports whether it was.
func (db *stateDB) addSession(k idKey, s *sessionRec) (existed bool, err error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	binary.LittleEndian.PutUint32(db.buf[:], uint32(db.sessionRecs.Len()))
	if existed, err := db.sessions.Insert(k, db.buf[:4]); err != nil || existed {
		return existed, err
	}
	statefile.PutKey(db.buf[:], k)
	s.marshal(db.buf[16:])
	_, err = db.sessionRecs.Add(db.buf[:16+sessionRecSize])
	return false, err
}

// seenMessage records a message id and reports whether it was already
// recorded.
func (db *stateDB) seenMessage(k idKey) (bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.messages.Insert(k, nil)
}

// markNHS records the NHS number of a patient record an opt-out excluded,
// so that every registration under that number is excluded too.
func (db *stateDB) markNHS(k idKey) (existed bool, err error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.optedNHS.Insert(k, nil)
}

// addPatientMark records a patient id as excluded before any of its
// records is admitted; existed reports whether it was already recorded.
func (db *stateDB) addPatientMark(k idKey) (existed bool, err error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var zero [4]byte
	return db.patients.Insert(k, zero[:])
}

// nhsMarked reports whether markNHS recorded the NHS number.
func (db *stateDB) nhsMarked(k idKey) (bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.optedNHS.Get(k, nil)
}

// turnTable holds the turn numbers seen per session (0..127 as two bit
// words), by session number, for duplicate turns. It is the collector's
// alone, in a state file of its own: the turns change with every session
// admitted, and keeping those writes out of the shared pages means the
// workers' lookups never wait on a page being written back. Transcripts
// mostly come in their sessions' order, so its pages are read in order.
type turnTable struct {
	ps   *statefile.PageStore
	arr  *statefile.RecordArray
	buf  [16]byte
	more map[idKey][]uint64 // turns past 127, by session
	// The session whose turns are being admitted, held until another's
	// come: its bits are read and stored once per run of its turns, not
	// once per turn.
	cur  idKey
	num  int // cur's session number
	low  [2]uint64
	held bool
}

func openTurnTable(dir string, frames int) (*turnTable, error) {
	ps, err := statefile.OpenPageStore(dir, frames)
	if err != nil {
		return nil, err
	}
	return &turnTable{ps: ps, arr: statefile.NewRecordArray(ps, 16), more: map[idKey][]uint64{}}, nil
}

// seen records a turn of session key (number num) and reports whether the
// session already had it. flush stores the held session's turns.
func (t *turnTable) seen(key idKey, num, turn int) (bool, error) {
	if !t.held || t.cur != key {
		if err := t.flush(); err != nil {
			return false, err
		}
		low, err := t.get(num)
		if err != nil {
			return false, err
		}
		t.cur, t.num, t.low, t.held = key, num, low, true
	}
	return t.mark(key, turn), nil
}

// flush stores the held session's turns, if any.
func (t *turnTable) flush() error {
	if !t.held {
		return nil
	}
	t.held = false
	return t.put(t.num, t.low)
}

// mark records a turn of the held session key, whose turns 0..127 are the
// bits of t.low, and reports whether the session already had it.
func (t *turnTable) mark(key idKey, turn int) bool {
	if turn > 1<<20 {
		return false // absurd turn numbers are not tracked (bounded memory)
	}
	var word *uint64
	if turn < 128 {
		word = &t.low[turn/64]
	} else {
		more := t.more[key]
		w := turn/64 - 2
		for len(more) <= w {
			more = append(more, 0)
		}
		t.more[key] = more
		word = &more[w]
	}
	bit := uint64(1) << (turn % 64)
	seen := *word&bit != 0
	*word |= bit
	return seen
}

func (t *turnTable) get(num int) ([2]uint64, error) {
	if num >= t.arr.Len() {
		return [2]uint64{}, nil
	}
	if err := t.arr.Get(num, t.buf[:]); err != nil {
		return [2]uint64{}, err
	}
	return [2]uint64{binary.LittleEndian.Uint64(t.buf[:]), binary.LittleEndian.Uint64(t.buf[8:])}, nil
}

func (t *turnTable) put(num int, low [2]uint64) error {
	var none [16]byte
	for t.arr.Len() <= num {
		if _, err := t.arr.Add(none[:]); err != nil {
			return err
		}
	}
	binary.LittleEndian.PutUint64(t.buf[:], low[0])
	binary.LittleEndian.PutUint64(t.buf[8:], low[1])
	return t.arr.Set(num, t.buf[:])
}

func (t *turnTable) Close() error { return t.ps.Close() }
