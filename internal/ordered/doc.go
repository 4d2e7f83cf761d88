// Package ordered runs work in parallel and hands the results back in input
// order: one producer goroutine fills batches, a pool of workers runs the
// expensive, pure part of each batch, and the caller's goroutine consumes
// the batches strictly in the order they were produced. The extract's
// streams (pipeline) and `deid redact` and `deid eval` (cmd/deid) use it;
// they differ only in what fills a batch (records of source files, lines of
// a reader) and what a worker and the consumer do with it.
//
// Invariants:
//   - Output order is input order, whatever the number of workers: Consume
//     sees the batches in the order the producer sent them, one at a time,
//     on the goroutine that called Run, so it may change state that the
//     workers never touch.
//   - Memory is bounded by the batches in flight: Send blocks while
//     InFlight batches are sent and not yet consumed, so at most InFlight+1
//     batches exist (the one being filled), whatever the input's size.
//     Consumed batches come back to the producer through Recycled, so a
//     steady run allocates no batches.
//   - Each worker has its own state (NewState), touched by no other
//     goroutine; a batch is worked on by exactly one worker.
//   - Cancellation is by context: when ctx is done, Send returns false and
//     the producer stops; batches already sent are still worked on, and Run
//     returns ctx's error unless an earlier one stopped it.
//   - The first error in input order wins: an error from Consume cancels
//     the producer's context and makes Send report false; the workers
//     finish the few batches already sent, which are drained, not
//     consumed; and that error is returned. An error from the producer
//     follows every batch it sent, so those are consumed first and it is
//     returned after them.
//   - No goroutine outlives Run: it returns only after the producer and
//     every worker have returned. The producer must therefore return soon
//     after Send returns false or its ctx is done.
package ordered
