package ordered

import (
	"context"
	"errors"
	"sync"
)

// Pool describes a run: B is the batch type, S a worker's own state.
type Pool[B, S any] struct {
	// Workers is the number of goroutines running Work; at least 1.
	Workers int
	// InFlight is the most batches sent and not yet consumed; at least
	// Workers. A few per worker keep workers busy while the consumer
	// waits for a slow batch.
	InFlight int
	// NewState makes a worker's state, once per worker; nil gives each
	// worker S's zero value.
	NewState func() S
	// Work runs on a worker: the parallel, pure part of a batch. It must
	// not touch state the consumer changes.
	Work func(st S, b *B)
	// Consume runs on Run's goroutine, once per batch, in the order the
	// batches were sent. After it returns the batch goes back to the
	// producer (Sender.Recycled), so Consume keeps nothing of it.
	Consume func(b *B) error
}

// Sender is the producer's side of a run.
type Sender[B any] struct {
	ctx   context.Context
	slots chan struct{} // one token per batch in flight
	todo  chan job[B]
	free  chan *B
	seq   int
}

// job is a batch and its place in the input.
type job[B any] struct {
	seq int
	b   *B
}

// Send hands a filled batch to the workers, waiting while InFlight batches
// are in flight. It reports false when the run has stopped (ctx done or
// Consume failed); the batch is then dropped and the producer should
// return.
func (s *Sender[B]) Send(b *B) bool {
	if s.ctx.Err() != nil {
		return false // before the select, which may pick a free slot over ctx
	}
	select {
	case s.slots <- struct{}{}:
	case <-s.ctx.Done():
		return false
	}
	// A worker always takes it: workers never wait on anything but todo.
	s.todo <- job[B]{s.seq, b}
	s.seq++
	return true
}

// Recycled returns a consumed batch for the producer to refill, or nil
// when none is free. The batch keeps whatever Work and Consume left in it:
// the producer resets what it reuses.
func (s *Sender[B]) Recycled() *B {
	select {
	case b := <-s.free:
		return b
	default:
		return nil
	}
}

// ErrNoWorkers is returned by Run when Workers is less than 1.
var ErrNoWorkers = errors.New("ordered: Workers must be at least 1")

// Run starts produce on its own goroutine with a context that is done when
// the run stops, runs Work on the workers and Consume on the calling
// goroutine, and returns when all of them have returned: with Consume's
// first error, else produce's error, else ctx's error.
func (p Pool[B, S]) Run(ctx context.Context, produce func(ctx context.Context, s *Sender[B]) error) error {
	if p.Workers < 1 {
		return ErrNoWorkers
	}
	inFlight := max(p.InFlight, p.Workers)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &Sender[B]{
		ctx:   runCtx,
		slots: make(chan struct{}, inFlight),
		todo:  make(chan job[B], p.Workers),
		free:  make(chan *B, inFlight+1),
	}
	// done never blocks a worker: at most inFlight jobs exist.
	done := make(chan job[B], inFlight)

	var prodErr error
	go func() {
		defer close(s.todo)
		prodErr = produce(runCtx, s)
	}()

	var wg sync.WaitGroup
	for range p.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var st S
			if p.NewState != nil {
				st = p.NewState()
			}
			for j := range s.todo {
				p.Work(st, j.b)
				done <- j
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// The sequence numbers in flight are consecutive and fewer than
	// inFlight (a slot is taken before a number is given and freed after
	// consumption, in order), so a ring indexed by seq mod inFlight holds
	// the batches that finished ahead of their turn.
	pending := make([]*B, inFlight)
	next := 0
	var consErr error
	for j := range done {
		if consErr != nil {
			continue // drain so the workers can finish; Send sees runCtx done
		}
		pending[j.seq%inFlight] = j.b
		for i := next % inFlight; pending[i] != nil; i = next % inFlight {
			b := pending[i]
			pending[i] = nil
			next++
			if consErr = p.Consume(b); consErr != nil {
				cancel()
				break
			}
			// Back to the producer before the slot is freed, so that the
			// producer, woken by the slot, finds it.
			select {
			case s.free <- b:
			default:
			}
			<-s.slots
		}
	}
	// done is closed: every worker has returned, and so has the producer
	// (todo was closed before the workers could finish).
	switch {
	case consErr != nil:
		return consErr
	case prodErr != nil:
		return prodErr
	}
	return ctx.Err()
}
