package sched

// This file defines the run queues: each worker's bounded local ring, which
// its owner fills and empties and other workers steal from, and the global
// queue behind Runtime.mu. The ring is Go's runtime runq (runqput, runqget,
// runqgrab in src/runtime/proc.go) with actors for goroutines.

import "sync/atomic"

// runqSize is the capacity of a local run queue.
const runqSize = 256

// runq is a worker's local run queue: a single-producer, multi-consumer
// ring. The owning worker puts at the tail and gets from the head; thieves
// take from the head. head and tail only grow (they wrap as uint32); the
// ring holds tail-head actors, at buf[head%runqSize] onwards.
type runq struct {
	head atomic.Uint32                   // next to take; CASed by the owner (get) and thieves (grab)
	tail atomic.Uint32                   // next free slot; stored only by the owner, loaded by thieves
	buf  [runqSize]atomic.Pointer[actor] // slots; written by the owner before the tail Store that publishes them
}

// put adds a at the tail and reports whether it fit. Owner only.
func (q *runq) put(a *actor) bool {
	h := q.head.Load() // pairs with the CAS in get and grab: slots before h are free
	t := q.tail.Load() // only the owner stores tail
	if t-h < runqSize {
		q.buf[t%runqSize].Store(a)
		q.tail.Store(t + 1) // publishes the slot to get and grab
		return true
	}
	return false
}

// putBatch moves half of a full queue, and a, into batch and reports
// whether it did (false when a thief emptied some of it meanwhile: put
// again). Owner only. The caller moves the batch to the global queue.
func (q *runq) putBatch(a *actor, batch *[runqSize/2 + 1]*actor) bool {
	h := q.head.Load()
	t := q.tail.Load()
	n := t - h
	if n != runqSize {
		if n > runqSize {
			panic("sched: runq.putBatch: queue is not full")
		}
		return false
	}
	n /= 2
	for i := uint32(0); i < n; i++ {
		batch[i] = q.buf[(h+i)%runqSize].Load()
	}
	if !q.head.CompareAndSwap(h, h+n) { // commits the take; pairs with the loads in grab
		return false
	}
	batch[n] = a
	return true
}

// get takes the actor at the head, or returns nil. Owner only.
func (q *runq) get() *actor {
	for {
		h := q.head.Load() // pairs with the CAS in grab
		t := q.tail.Load()
		if t == h {
			return nil
		}
		a := q.buf[h%runqSize].Load()
		if q.head.CompareAndSwap(h, h+1) { // commits the take against thieves
			return a
		}
	}
}

// empty reports whether the queue looked empty. Any worker.
func (q *runq) empty() bool {
	return q.tail.Load() == q.head.Load() // a hint: pairs with put's tail Store
}

// size returns the number of queued actors (a snapshot). Any worker.
func (q *runq) size() int {
	for {
		h := q.head.Load()
		t := q.tail.Load()
		if h == q.head.Load() {
			return int(t - h)
		}
	}
}

// grab takes half of q's actors (rounded up) into dst starting at index
// dtail, and returns how many. Any worker but the owner of q.
func (q *runq) grab(dst *runq, dtail uint32) uint32 {
	for {
		h := q.head.Load() // pairs with the CAS in get and put
		t := q.tail.Load() // pairs with the tail Store in put: slots before t are written
		n := t - h
		n -= n / 2
		if n == 0 {
			return 0
		}
		if n > runqSize/2 { // read an inconsistent h and t
			continue
		}
		for i := uint32(0); i < n; i++ {
			dst.buf[(dtail+i)%runqSize].Store(q.buf[(h+i)%runqSize].Load())
		}
		if q.head.CompareAndSwap(h, h+n) { // commits the take against the owner and other thieves
			return n
		}
	}
}

// steal moves half of victim's actors to q (which the caller owns and
// which must be empty) and returns one of them to run, or nil.
func (q *runq) steal(victim *runq) *actor {
	t := q.tail.Load()
	n := victim.grab(q, t)
	if n == 0 {
		return nil
	}
	n--
	a := q.buf[(t+n)%runqSize].Load()
	if n == 0 {
		return a
	}
	h := q.head.Load()
	if t-h+n >= runqSize {
		panic("sched: runq.steal: ring overflow")
	}
	q.tail.Store(t + n) // publishes the stolen slots
	return a
}

// globalQueue is the run queue every worker shares: a list of actors
// linked through actor.schedlink. Guarded by Runtime.mu; n is also
// readable without it.
type globalQueue struct {
	head, tail *actor
	n          atomic.Int32 // written under Runtime.mu; loaded without it as a hint (pairs with park's recheck)
}

// push appends a. Runtime.mu must be held.
func (g *globalQueue) push(a *actor) {
	a.schedlink = nil
	if g.tail == nil {
		g.head = a
	} else {
		g.tail.schedlink = a
	}
	g.tail = a
	g.n.Add(1)
}

// pop removes the first actor, or returns nil. Runtime.mu must be held.
func (g *globalQueue) pop() *actor {
	a := g.head
	if a == nil {
		return nil
	}
	g.head = a.schedlink
	if g.head == nil {
		g.tail = nil
	}
	a.schedlink = nil
	g.n.Add(-1)
	return a
}
