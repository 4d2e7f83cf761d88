package pipeline

import (
	"encoding/binary"
	"reflect"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/internal/statefile"
	"github.com/nhs-talking-therapies/deid/redact"
)

func TestPackKnownRoundTrip(t *testing.T) {
	for _, k := range []redact.Known{
		{},
		{GivenName: "Ida", FamilyName: "Poole", PreferredName: "Id", Postcode: "WF9 0PJ", Phone: "07700 900136",
			Email: "ida@example.org", NHSNumber: "999 802 6407", GPPractice: "Rose Crescent Health Centre", GPName: "Dr Doherty",
			AddressLines: []string{"13 Rose Crescent", "", "Pontefract"},
			Contacts:     []redact.Contact{{Name: "Maria Poole", Relationship: "mother"}, {Name: "Sam"}}},
		{FamilyName: strings.Repeat("é", 300), AddressLines: []string{strings.Repeat("x", 1000)}},
	} {
		if got, rest := unpackKnown(packKnown(k)); !reflect.DeepEqual(got, k) || len(rest) != 0 {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, k)
		}
	}
}

func TestSeenTurn(t *testing.T) {
	tt := &turnTable{more: map[idKey][]uint64{}}
	for _, tc := range []struct {
		turn int
		seen bool
	}{{0, false}, {1, false}, {1, true}, {63, false}, {64, false}, {127, false}, {127, true}, {128, false}, {5000, false}, {5000, true}, {64, true}, {1<<20 + 1, false}, {1<<20 + 1, false}} {
		if got := tt.mark(idKey{1, 2}, tc.turn); got != tc.seen {
			t.Errorf("turn %d: seen %v, want %v", tc.turn, got, tc.seen)
		}
	}
}

func TestRecordCodecs(t *testing.T) {
	ref := func(off int64, n uint32) statefile.Ref {
		return statefile.RefAt(binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint64(nil, uint64(off)), n))
	}
	p := patientRec{rid: [16]byte{1, 2, 3, 15: 9}, packed: ref(1<<40, 7), therapists: ref(3, 1<<32-1),
		consistency: ref(99, 12), scores: ref(5, 6), referral: -2208988800, discharge: 1764115200,
		age: 103, sessions: 1 << 30, hasDisch: true}
	var b [patientRecSize]byte
	p.marshal(b[:])
	var got patientRec
	got.unmarshal(b[:])
	if got != p {
		t.Errorf("patient record:\n got %+v\nwant %+v", got, p)
	}
	s := sessionRec{patient: -1, rid: [16]byte{7, 15: 1}, seq: 1<<31 - 1}
	var sb [sessionRecSize]byte
	s.marshal(sb[:])
	var gs sessionRec
	gs.unmarshal(sb[:])
	if gs != s {
		t.Errorf("session record:\n got %+v\nwant %+v", gs, s)
	}
	for _, list := range [][]string{nil, {"Georgia Hale"}, {"", "Dr Ó Briain", strings.Repeat("x", 300)}} {
		if got := unpackStrings(packStrings(list)); !reflect.DeepEqual(got, list) {
			t.Errorf("strings %q: got %q", list, got)
		}
	}
}

// TestStateCache checks that values set aside come back, in any order,
// however small the cache.
func TestStateCache(t *testing.T) {
	for _, size := range []int{1, 2, 7} {
		stored := map[int]int{}
		loads := 0
		c := newStateCache(size, func(num int) (*int, error) {
			loads++
			v := stored[num]
			return &v, nil
		}, func(num int, v *int) error { stored[num] = *v; return nil })
		want := map[int]int{}
		for i := 0; i < 200; i++ {
			num := (i * 7919) % 13
			v, err := c.get(num)
			if err != nil {
				t.Fatal(err)
			}
			*v += i
			want[num] += i
		}
		if err := c.flush(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(stored, want) {
			t.Errorf("size %d: stored %v, want %v", size, stored, want)
		}
		if len(c.m) != 0 {
			t.Errorf("size %d: %d values left after flush", size, len(c.m))
		}
	}
}

// A session lookup's hint only saves a walk: right, wrong, stale or out of
// range, the answer is the index's. The cache is one page so that every
// guess that misses also reads a page back.
func TestSessionLookupHint(t *testing.T) {
	db, err := openStateDB(t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 500
	key := func(i int) idKey { return idKey{uint64(i) * 0x9e3779b97f4a7c15, uint64(i)} }
	want := make([]sessionRec, n)
	for i := range n {
		s := sessionRec{patient: int32(i % 7), seq: int32(i)}
		if i%5 == 0 {
			s = sessionRec{patient: -1}
		}
		s.rid[0] = byte(i)
		want[i] = s
		if existed, err := db.addSession(key(i), &s); err != nil || existed {
			t.Fatalf("add %d: existed=%v err=%v", i, existed, err)
		}
	}
	dup := sessionRec{patient: 3}
	if existed, err := db.addSession(key(7), &dup); err != nil || !existed {
		t.Fatalf("duplicate add: existed=%v err=%v", existed, err)
	}
	for i := range n {
		wantSt := found
		if want[i].patient < 0 {
			wantSt = excluded
		}
		for _, hint := range []int{-1, i, i + 1, i - 1, 0, n, n + 10, 1 << 30} {
			s, num, st, err := db.session(key(i), hint)
			if err != nil || st != wantSt || num != i || s != want[i] {
				t.Fatalf("session %d hint %d: %+v num %d %v %v", i, hint, s, num, st, err)
			}
		}
	}
	for _, hint := range []int{-1, 0, 3, n - 1, n} {
		if _, _, st, err := db.session(key(n+1), hint); err != nil || st != absent {
			t.Fatalf("absent key, hint %d: %v %v", hint, st, err)
		}
	}
}

// The turn table grows to any session number asked for; sessions never
// stored read as no turns seen.
func TestTurnTable(t *testing.T) {
	tt, err := openTurnTable(t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer tt.Close()
	model := map[int][2]uint64{}
	for _, num := range []int{0, 5, 1000, 3, 1000, 4095, 2} {
		low := [2]uint64{uint64(num) + 1, uint64(num) << 3}
		if err := tt.put(num, low); err != nil {
			t.Fatal(err)
		}
		model[num] = low
	}
	for num := 0; num < 5000; num++ {
		got, err := tt.get(num)
		if err != nil || got != model[num] {
			t.Fatalf("get %d = %v %v, want %v", num, got, err, model[num])
		}
	}
}
