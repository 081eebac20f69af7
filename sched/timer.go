package sched

// This file defines the timers of sleep, receive-timeout and a
// supervisor's shutdown grace: one binary heap for the runtime, of actors
// ordered by deadline (an actor waits for one deadline at a time, so its
// timer is two fields of the actor and costs no allocation). No goroutine
// per timer: workers fire due timers between slices, and a parked worker
// (the timer keeper) sleeps until the earliest deadline.

import (
	"math"
	"sync"
	"sync/atomic"
)

// noDeadline is timers.next when no timer is set.
const noDeadline = math.MaxInt64

// timers is the runtime's timer heap.
type timers struct {
	mu   sync.Mutex   // guards h and the tpos field of the actors in it
	h    []timer      // binary heap by when; guarded by mu
	next atomic.Int64 // earliest deadline, noDeadline when h is empty; stored under mu, loaded anywhere (pairs with due)
}

// timer is one entry of the heap.
type timer struct {
	when int64 // deadline, ns since the runtime's epoch
	a    *actor
}

func (t *timers) init() { t.next.Store(noDeadline) }

// set (re)arms a's timer for when (ns since the epoch) and reports whether
// it is now the earliest. Only a's owner, with a.x made.
func (t *timers) set(a *actor, when int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a.x.tpos != 0 {
		t.removeLocked(a)
	}
	t.h = append(t.h, timer{when, a})
	a.x.tpos = int32(len(t.h))
	t.up(len(t.h) - 1)
	first := t.h[0].a == a
	t.next.Store(t.h[0].when) // publishes the earliest deadline to due and park
	return first
}

// cancel disarms a's timer, if set. Only a's owner (or whoever holds a idle).
func (t *timers) cancel(a *actor) {
	if a.x == nil {
		return
	}
	t.mu.Lock()
	if a.x.tpos != 0 {
		t.removeLocked(a)
		t.publishLocked()
	}
	t.mu.Unlock()
}

// due reports whether a timer may have expired at now. No lock.
func (t *timers) due(now int64) bool {
	return t.next.Load() <= now // pairs with the Stores under mu
}

// expire removes the timers due at now and appends their actors to out.
func (t *timers) expire(now int64, out []*actor) []*actor {
	t.mu.Lock()
	for len(t.h) > 0 && t.h[0].when <= now {
		a := t.h[0].a
		t.removeLocked(a)
		out = append(out, a)
	}
	t.publishLocked()
	t.mu.Unlock()
	return out
}

// len returns the number of armed timers.
func (t *timers) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.h)
}

func (t *timers) publishLocked() {
	if len(t.h) == 0 {
		t.next.Store(noDeadline)
	} else {
		t.next.Store(t.h[0].when)
	}
}

// removeLocked takes a out of the heap. t.mu must be held.
func (t *timers) removeLocked(a *actor) {
	i := int(a.x.tpos) - 1
	last := len(t.h) - 1
	if t.h[i].a != a {
		panic("sched: timers.remove: index out of step")
	}
	if i != last {
		t.h[i] = t.h[last]
		t.h[i].a.x.tpos = int32(i + 1)
	}
	t.h[last] = timer{}
	t.h = t.h[:last]
	a.x.tpos = 0
	if i < last {
		t.down(i)
		t.up(i)
	}
}

func (t *timers) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if t.h[p].when <= t.h[i].when {
			break
		}
		t.swap(i, p)
		i = p
	}
}

func (t *timers) down(i int) {
	n := len(t.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && t.h[r].when < t.h[l].when {
			c = r
		}
		if t.h[i].when <= t.h[c].when {
			return
		}
		t.swap(i, c)
		i = c
	}
}

func (t *timers) swap(i, j int) {
	t.h[i], t.h[j] = t.h[j], t.h[i]
	t.h[i].a.x.tpos = int32(i + 1)
	t.h[j].a.x.tpos = int32(j + 1)
}
