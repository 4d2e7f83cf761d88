package ordered

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// batch is the tests' unit of work: numbers in, squares out.
type batch struct {
	in, out []int
	worker  int
}

type state struct{ id int }

var (
	errProduce = errors.New("produce failed")
	errConsume = errors.New("consume failed")
)

// run produces n numbers in batches of size, squares them on workers
// (sleeping a little at random so batches finish out of order) and
// returns what Consume saw, in order. failProduceAt and failConsumeAt (if
// >= 0) make the producer fail after sending that many numbers, or Consume
// fail on that number. ctxCancelAt cancels ctx once that many are sent.
type runCase struct {
	name          string
	n, size       int
	inFlight      int
	failProduceAt int
	failConsumeAt int
	cancelAt      int
	want          error
}

func (c runCase) run(t *testing.T, workers int) (got []int, maxInFlight int64, err error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var inFlight atomic.Int64
	var states atomic.Int64
	seen := map[*batch]bool{}
	var allocated int
	p := Pool[batch, *state]{
		Workers:  workers,
		InFlight: c.inFlight,
		NewState: func() *state { return &state{id: int(states.Add(1))} },
		Work: func(st *state, b *batch) {
			if st.id < 1 || st.id > workers {
				t.Errorf("worker state %d of %d workers", st.id, workers)
			}
			time.Sleep(time.Duration(rand.Intn(200)) * time.Microsecond)
			b.out = b.out[:0]
			for _, v := range b.in {
				b.out = append(b.out, v*v)
			}
		},
		Consume: func(b *batch) error {
			for _, v := range b.out {
				if c.failConsumeAt >= 0 && v == c.failConsumeAt*c.failConsumeAt {
					return errConsume
				}
				got = append(got, v)
			}
			inFlight.Add(-1)
			return nil
		},
	}
	err = p.Run(ctx, func(ctx context.Context, s *Sender[batch]) error {
		var cur *batch
		for i := 0; i < c.n; i++ {
			if c.cancelAt >= 0 && i == c.cancelAt {
				cancel()
			}
			if c.failProduceAt >= 0 && i == c.failProduceAt {
				return errProduce
			}
			if cur == nil {
				if cur = s.Recycled(); cur == nil {
					cur = &batch{}
					allocated++
				} else if !seen[cur] {
					t.Errorf("recycled a batch never sent")
				}
				cur.in = cur.in[:0]
			}
			cur.in = append(cur.in, i)
			if len(cur.in) == c.size || i == c.n-1 {
				seen[cur] = true
				if n := inFlight.Add(1); n > maxInFlight {
					maxInFlight = n
				}
				if !s.Send(cur) {
					return ctx.Err()
				}
				cur = nil
			}
		}
		return nil
	})
	if c.inFlight > 0 && allocated > max(c.inFlight, workers)+1 {
		t.Errorf("allocated %d batches, want at most InFlight+1 = %d", allocated, max(c.inFlight, workers)+1)
	}
	return got, maxInFlight, err
}

func TestRun(t *testing.T) {
	cases := []runCase{
		{name: "empty", n: 0, size: 4, inFlight: 2, failProduceAt: -1, failConsumeAt: -1, cancelAt: -1},
		{name: "one partial batch", n: 3, size: 4, inFlight: 2, failProduceAt: -1, failConsumeAt: -1, cancelAt: -1},
		{name: "many batches", n: 2000, size: 7, inFlight: 3, failProduceAt: -1, failConsumeAt: -1, cancelAt: -1},
		{name: "in flight below workers", n: 500, size: 3, inFlight: 1, failProduceAt: -1, failConsumeAt: -1, cancelAt: -1},
		{name: "batch of one", n: 300, size: 1, inFlight: 8, failProduceAt: -1, failConsumeAt: -1, cancelAt: -1},
		{name: "producer fails", n: 1000, size: 10, inFlight: 4, failProduceAt: 555, failConsumeAt: -1, cancelAt: -1, want: errProduce},
		{name: "consumer fails", n: 1000, size: 10, inFlight: 4, failProduceAt: -1, failConsumeAt: 333, cancelAt: -1, want: errConsume},
		{name: "consumer fails before producer", n: 1000, size: 10, inFlight: 4, failProduceAt: 900, failConsumeAt: 12, cancelAt: -1, want: errConsume},
		{name: "cancelled", n: 100000, size: 10, inFlight: 4, failProduceAt: -1, failConsumeAt: -1, cancelAt: 5000, want: context.Canceled},
		{name: "cancelled at once", n: 100, size: 10, inFlight: 4, failProduceAt: -1, failConsumeAt: -1, cancelAt: 0, want: context.Canceled},
	}
	for _, c := range cases {
		for workers := 1; workers <= 4; workers++ {
			t.Run(fmt.Sprintf("%s/workers=%d", c.name, workers), func(t *testing.T) {
				before := runtime.NumGoroutine()
				got, maxIn, err := c.run(t, workers)
				if !errors.Is(err, c.want) {
					t.Fatalf("err = %v, want %v", err, c.want)
				}
				// Output is a prefix of the input's squares, in order.
				for i, v := range got {
					if v != i*i {
						t.Fatalf("item %d = %d, want %d (order lost)", i, v, i*i)
					}
				}
				end := c.n
				switch {
				case c.failConsumeAt >= 0:
					end = c.failConsumeAt
				case c.failProduceAt >= 0:
					// Every batch sent before the failure is consumed.
					end = c.failProduceAt / c.size * c.size
				}
				if c.want != context.Canceled && len(got) != end {
					t.Fatalf("consumed %d items, want %d", len(got), end)
				}
				// The count includes the batch waiting in Send for a slot.
				if lim := int64(max(c.inFlight, workers)) + 1; maxIn > lim {
					t.Errorf("%d batches sent or waiting, want at most InFlight+1 = %d", maxIn, lim)
				}
				waitGoroutines(t, before)
			})
		}
	}
}

func TestRunNoWorkers(t *testing.T) {
	err := Pool[batch, struct{}]{Workers: 0, Work: func(struct{}, *batch) {}, Consume: func(*batch) error { return nil }}.
		Run(context.Background(), func(context.Context, *Sender[batch]) error { t.Fatal("produce ran"); return nil })
	if !errors.Is(err, ErrNoWorkers) {
		t.Fatalf("err = %v, want ErrNoWorkers", err)
	}
}

// TestRunStopsProducer: a consume error makes Send report false, so a
// producer with endless input returns.
func TestRunStopsProducer(t *testing.T) {
	for workers := 1; workers <= 4; workers++ {
		before := runtime.NumGoroutine()
		n := 0
		err := Pool[batch, struct{}]{
			Workers:  workers,
			InFlight: 2 * workers,
			Work:     func(struct{}, *batch) {},
			Consume: func(*batch) error {
				if n++; n == 10 {
					return errConsume
				}
				return nil
			},
		}.Run(context.Background(), func(ctx context.Context, s *Sender[batch]) error {
			for s.Send(&batch{}) {
			}
			return ctx.Err()
		})
		if !errors.Is(err, errConsume) {
			t.Fatalf("workers=%d: err = %v, want errConsume", workers, err)
		}
		waitGoroutines(t, before)
	}
}

// waitGoroutines fails unless the goroutine count is back to before: Run
// leaves none behind (the runtime may take a moment to reap them).
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Errorf("%d goroutines after Run, %d before", runtime.NumGoroutine(), before)
}
