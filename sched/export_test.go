package sched

// Hooks for the tests in package sched_test: the run queue driven directly
// with stand-in actors, counters of a live runtime, and heap checks.

import (
	"fmt"
	"unsafe"
)

// RunqProbe is a local run queue holding stand-in actors named by ids.
type RunqProbe struct{ q runq }

// RunqSize is the capacity of a local run queue.
const RunqSize = runqSize

// Put adds id at the tail and reports whether it fit.
func (p *RunqProbe) Put(id uint64) bool { return p.q.put(&actor{pid: id}) }

// Get takes the id at the head.
func (p *RunqProbe) Get() (uint64, bool) {
	a := p.q.get()
	if a == nil {
		return 0, false
	}
	return a.pid, true
}

// Size returns the number of queued ids.
func (p *RunqProbe) Size() int { return p.q.size() }

// Empty reports whether the queue looks empty.
func (p *RunqProbe) Empty() bool { return p.q.empty() }

// StealFrom moves half of victim's ids into p (which must be empty) and
// returns the one to run.
func (p *RunqProbe) StealFrom(victim *RunqProbe) (uint64, bool) {
	a := p.q.steal(&victim.q)
	if a == nil {
		return 0, false
	}
	return a.pid, true
}

// PutBatch takes half of a full queue and id, as putSlow does, and
// returns them, or false when the queue was not full.
func (p *RunqProbe) PutBatch(id uint64) ([]uint64, bool) {
	var batch [runqSize/2 + 1]*actor
	if !p.q.putBatch(&actor{pid: id}, &batch) {
		return nil, false
	}
	ids := make([]uint64, 0, len(batch))
	for _, a := range batch {
		ids = append(ids, a.pid)
	}
	return ids, true
}

// Loops returns how many scheduling rounds the workers have made.
func (rt *Runtime) Loops() uint64 {
	var n uint64
	for _, w := range rt.workers {
		n += w.loops.Load()
	}
	return n
}

// Parked returns how many workers are parked.
func (rt *Runtime) Parked() int { return int(rt.nidle.Load()) }

// Timers returns how many timers are set.
func (rt *Runtime) Timers() int { return rt.tm.len() }

// Randomized reports whether the scheduler randomizes its choices (race builds).
const Randomized = randomized

// VerifyHeaps checks the heap of every live actor (gc.Heap.Verify), with
// its machine's roots, so that every count must be exact. Only after Stop.
func (rt *Runtime) VerifyHeaps() error {
	select {
	case <-rt.stopped:
	default:
		panic("sched: VerifyHeaps before Stop")
	}
	for pid := uint64(1); pid <= rt.nextPid.Load(); pid++ {
		a := rt.pids.lookup(pid)
		if a == nil || a.m == nil || a.sup() != nil {
			continue
		}
		if err := a.m.Heap.Verify(a.m.Roots()...); err != nil {
			return fmt.Errorf("actor %d: %v", pid, err)
		}
	}
	return nil
}

// SharedHeaps returns how many live actors have the shared heap (heap.go)
// and how many a heap of their own. Only after Stop.
func (rt *Runtime) SharedHeaps() (shared, own int) {
	select {
	case <-rt.stopped:
	default:
		panic("sched: SharedHeaps before Stop")
	}
	for pid := uint64(1); pid <= rt.nextPid.Load(); pid++ {
		if a := rt.pids.lookup(pid); a != nil && a.m != nil {
			if a.m.Heap == rt.empty {
				shared++
			} else {
				own++
			}
		}
	}
	return shared, own
}

// ActorSize is the size of the scheduler's actor struct, in bytes.
const ActorSize = unsafe.Sizeof(actor{})

// ActorHotOffsets returns the offsets in the actor struct of the words
// other cores write at every message.
func ActorHotOffsets() (state, flags, mu uintptr) {
	var a actor
	return unsafe.Offsetof(a.state), unsafe.Offsetof(a.flags), unsafe.Offsetof(a.mu)
}
