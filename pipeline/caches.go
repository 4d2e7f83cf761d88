package pipeline

import (
	"sync"

	"github.com/nhs-talking-therapies/deid/internal/statefile"
	"github.com/nhs-talking-therapies/deid/redact"
)

// The collector's and the workers' caches of per-patient state, in front of
// the state file: a fixed number of patients each, so memory does not grow
// with the snapshot.

// stateCacheSize bounds the compiled known-identifier sets, and the
// numberings, kept in memory at once. A patient's texts usually come
// together (turns by session, sessions by patient), so a thousand cover
// the workers' window many times over, while memory stays independent of
// how many patients the snapshot holds.
const stateCacheSize = 1024

// subjectCache compiles a patient's known identifiers on first use and
// keeps the most recently compiled ones (first in, first out). A miss only
// costs a recompile: a Subject is a pure function of the patient record,
// so caching never changes a result.
type subjectCache struct {
	mu    sync.Mutex
	m     map[int]*redact.Subject // by patient number
	ring  []int                   // patient numbers + 1; 0: free
	next  int
	spill *statefile.Spill
}

func newSubjectCache(size int, spill *statefile.Spill) *subjectCache {
	return &subjectCache{m: make(map[int]*redact.Subject, size), ring: make([]int, size), spill: spill}
}

func (c *subjectCache) get(num int, p *patientRec) (*redact.Subject, error) {
	c.mu.Lock()
	s, ok := c.m[num]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := p.subject(c.spill)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[num]; !ok {
		if old := c.ring[c.next] - 1; old >= 0 {
			delete(c.m, old)
		}
		c.ring[c.next] = num + 1
		c.next = (c.next + 1) % len(c.ring)
		c.m[num] = s
	}
	return s, nil
}

// stateCache keeps a piece of mutable per-patient state (numbering,
// therapists, scores) for the patients in recent use and sets the others
// aside through store (first in, first out). A value restored by load
// continues exactly where it stopped, so the cache's size never changes an
// output (TestStateCacheSizeDoesNotChangeOutput). Collector only.
type stateCache[T any] struct {
	m     map[int]T
	ring  []int // patient numbers + 1; 0: free
	next  int
	load  func(num int) (T, error)
	store func(num int, v T) error
}

func newStateCache[T any](size int, load func(int) (T, error), store func(int, T) error) *stateCache[T] {
	return &stateCache[T]{m: make(map[int]T, size), ring: make([]int, size), load: load, store: store}
}

func (c *stateCache[T]) get(num int) (T, error) {
	if v, ok := c.m[num]; ok {
		return v, nil
	}
	if old := c.ring[c.next] - 1; old >= 0 {
		if err := c.store(old, c.m[old]); err != nil {
			var zero T
			return zero, err
		}
		delete(c.m, old)
	}
	v, err := c.load(num)
	if err != nil {
		return v, err
	}
	c.ring[c.next] = num + 1
	c.next = (c.next + 1) % len(c.ring)
	c.m[num] = v
	return v, nil
}

// flush sets every cached value aside, in cache order, and empties the
// cache.
func (c *stateCache[T]) flush() error {
	for i := range c.ring {
		j := (c.next + i) % len(c.ring)
		if num := c.ring[j] - 1; num >= 0 {
			if err := c.store(num, c.m[num]); err != nil {
				return err
			}
			delete(c.m, num)
			c.ring[j] = 0
		}
	}
	return nil
}

// countsValues keeps redaction_counts row values for reuse: most texts
// share a few counts ({} above all), and a kept value is neither
// converted nor boxed again. Bounded: past maxCountsValues new values are
// simply not kept. The collector's alone.
type countsValues struct{ m map[string]any }

const maxCountsValues = 4096

// value returns the counts encoded in b as a row value.
func (c *countsValues) value(b []byte) any {
	if v, ok := c.m[string(b)]; ok {
		return v
	}
	s := string(b)
	if c.m == nil {
		c.m = make(map[string]any)
	}
	if len(c.m) < maxCountsValues {
		c.m[s] = s
	}
	return s
}
