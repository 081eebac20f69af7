package sched

// This file defines how actors get their heaps: an actor that waits with a
// heap it never used gives it back, so that an idle actor costs no heap.
//
// Every actor but main starts with the runtime's shared heap (rt.empty: an
// unused gc.Heap marked gc.Heap.Share, which answers reads and panics at an
// allocation). Whoever owns the actor gives it a heap of its own (ownHeap)
// before anything can allocate into it: the worker, before each slice (the
// interpreter always runs with its own heap); the spawner, before it copies
// curried values into it; a sender that holds it delivering, before it
// copies a message into it. An actor that waits with an unused heap (no
// object ever made, no collection: nothing refers into it and its Stats
// are zero) gives it back to its worker (shareHeap), which hands it to the
// next actor that needs one. An actor that used its heap keeps it.
//
// The cost: a check at each slice start, and at each wait of an actor
// whose heap is unused (a ring of ints) a move to the worker's spares and
// back. The alternative, a heap made at an actor's first allocation,
// needs every allocation site (the interpreter's loop keeps the heap in a
// register) to check for it; this way the interpreter never sees the
// shared heap. The main actor keeps its heap: RunMain's caller reads it.

import (
	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// maxSpareHeaps bounds a worker's spare heaps: one is enough when the
// actors that wait are the ones that ran; more absorb actors woken by a
// message copied in by another worker.
const maxSpareHeaps = 8

// newHeap returns an unused heap for an actor of rt: one of w's spares, or
// a new one. w is the caller's worker, or nil.
func (rt *Runtime) newHeap(w *worker) *gc.Heap {
	if w != nil && len(w.heaps) > 0 {
		h := w.heaps[len(w.heaps)-1]
		w.heaps[len(w.heaps)-1] = nil
		w.heaps = w.heaps[:len(w.heaps)-1]
		return h
	}
	h := gc.NewHeap(rt.prog.In)
	h.Limit = rt.limits.Heap
	h.Hosts = rt.hosts
	return h
}

// ownHeap gives m a heap of its own if it has the shared one, and returns
// m's heap. Only m's owner calls it (the worker running it, its spawner, a
// sender that holds it delivering); w is the caller's worker, or nil.
func (rt *Runtime) ownHeap(w *worker, m *interp.Machine) *gc.Heap {
	if m.Heap == rt.empty {
		m.Heap = rt.newHeap(w)
	}
	return m.Heap
}

// shareHeap takes a's heap back into w's spares, and gives a the shared
// one, if a's heap is unused. a is about to wait; only the worker running
// it calls it. A supervisor keeps its heap (it holds it), and so does main.
func (w *worker) shareHeap(a *actor) {
	h := a.m.Heap
	if h == w.rt.empty || !h.Unused() || a == w.rt.main || a.sup() != nil {
		return
	}
	a.m.Heap = w.rt.empty
	if len(w.heaps) < maxSpareHeaps {
		w.heaps = append(w.heaps, h)
	}
}
