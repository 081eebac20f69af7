package sched

// This file defines the worker: the loop that finds a runnable actor (next
// slot, local queue, global queue, stealing, parking), runs one slice of it
// and settles what the slice left: requeue, wait, or end.

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// maxStreak is how many actors in a row a worker takes from its next slot
// while its queue holds others: two actors that keep sending to each other
// cannot starve the queue.
const maxStreak = 64

// globalEvery is how often (in scheduling rounds) a worker looks at the
// global queue before its own, so that the global queue cannot starve.
const globalEvery = 61

// worker runs actors, one slice at a time. Fields without a comment are
// owned by the worker's goroutine.
type worker struct {
	id int
	rt *Runtime

	runq   runq   // local run queue: the owner puts and gets, thieves grab
	next   *actor // LIFO next slot: the actor this worker last woke by a send
	streak int    // actors taken from next in a row
	tick   uint32 // scheduling rounds
	rnd    uint64 // xorshift state for victim choice

	wake  chan struct{} // cap 1: one token for each removal from Runtime.idle by another goroutine
	idle  bool          // in Runtime.idle; guarded by Runtime.mu
	timer *time.Timer   // the keeper's alarm

	batch   [runqSize/2 + 1]*actor // scratch of putSlow
	expired []*actor               // scratch of fire
	buf     []item                 // scratch of drain: the items taken from an inbox (take may trade it for the inbox's buffer)
	tbuf    []gc.Value             // scratch of drain: the elements of their inline tuples (traded as buf)
	heaps   []*gc.Heap             // unused heaps taken from actors that wait, for the next that runs (heap.go)
	frags   []*gc.Heap             // empty fragment heaps, emptied by this worker, for its next sends (getFrag); owner only

	n        workerCounts     // the counters: owner only, published to st by flush
	st       workerStats      // the counters as last published
	count    *interp.Counters // instruction counts (Options.Count); written by the worker only
	sinceMem int              // slices since the last checkMemory and flush; owner only
	loops    atomic.Uint64    // scheduling rounds as last published (flush), for the test that an idle runtime does not spin; read by tests
}

// workerCounts are a worker's counters, plain fields of its own: an atomic
// add costs a locked instruction, and a message took three (20 ns of
// pingpong's 145 ns a message).
type workerCounts struct {
	spawned, messages, signals, slices, steals, parks, reductions, loops uint64
}

// workerStats are a worker's counters as published for Stats, which reads
// them while the worker runs: the worker stores them (flush) every
// memSlices slices, before it parks and when it stops, so they are exact
// once Stop has returned.
type workerStats struct {
	spawned, messages, signals, slices, steals, parks, reductions atomic.Uint64
}

// flush publishes w's counters to Stats. Owner only.
func (w *worker) flush() {
	n := &w.n
	w.st.spawned.Store(n.spawned) // each Store pairs with a Load in Stats
	w.st.messages.Store(n.messages)
	w.st.signals.Store(n.signals)
	w.st.slices.Store(n.slices)
	w.st.steals.Store(n.steals)
	w.st.parks.Store(n.parks)
	w.st.reductions.Store(n.reductions)
	w.loops.Store(n.loops) // pairs with the Load in the tests' Loops
}

func newWorker(rt *Runtime, id int) *worker {
	t := time.NewTimer(time.Hour)
	t.Stop()
	w := &worker{id: id, rt: rt, rnd: uint64(id)*0x9E3779B97F4A7C15 + 1, wake: make(chan struct{}, 1), timer: t}
	if rt.count {
		w.count = &interp.Counters{}
	}
	return w
}

// random returns a pseudo-random number (xorshift64).
func (w *worker) random() uint64 {
	x := w.rnd
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	w.rnd = x
	return x
}

// loop is the worker's goroutine.
func (w *worker) loop() {
	defer w.rt.wg.Done()
	for {
		a := w.find()
		if a == nil {
			w.flush()
			return
		}
		w.run(a)
		if w.sinceMem++; w.sinceMem >= memSlices {
			w.sinceMem = 0
			w.flush()
			w.rt.checkMemory()
		}
	}
}

// put adds runnable actor a at the tail of w's queue (half of a full queue
// goes to the global queue) and wakes a parked worker to share the work.
// Owner only.
func (w *worker) put(a *actor) {
	if !w.runq.put(a) {
		w.putSlow(a)
	}
	if w.rt.nidle.Load() > 0 { // pairs with the Add in park: after our tail Store, we look for a parked worker
		w.rt.wakeOne()
	}
}

// putYielded queues a that has just used up its slice on w. A parked
// worker is woken only when w's queue holds more than a: alone, a runs
// again on w at once, and waking another worker to find nothing costs two
// futex calls (fib ran 3,808 parks in 7,466 slices before).
func (w *worker) putYielded(a *actor) {
	if !w.runq.put(a) {
		w.putSlow(a)
	}
	if (w.runq.size() > 1 || w.next != nil) && w.rt.nidle.Load() > 0 { // pairs with the Add in park, as in put
		w.rt.wakeOne()
	}
}

// putSlow moves half of w's full queue and a to the global queue.
func (w *worker) putSlow(a *actor) {
	for {
		if w.runq.putBatch(a, &w.batch) {
			n := runqSize / 2
			w.rt.mu.Lock()
			for _, b := range w.batch[:n+1] {
				w.rt.global.push(b)
			}
			w.rt.mu.Unlock()
			clear(w.batch[:])
			return
		}
		if w.runq.put(a) { // a thief made room
			return
		}
	}
}

// find returns the next actor to run, parking while there is none, or nil
// when the runtime stops.
func (w *worker) find() *actor {
	rt := w.rt
	for {
		w.n.loops++
		if rt.stopping.Load() {
			return nil
		}
		if rt.tm.next.Load() != noDeadline { // a hint; due re-checks
			if now := rt.now(); rt.tm.due(now) {
				w.fire(now)
			}
		}
		w.tick++
		if w.tick%globalEvery == 0 && rt.global.n.Load() > 0 {
			if a := w.globalGet(); a != nil {
				return a
			}
		}
		if a := w.next; a != nil {
			w.next = nil
			if w.streak < maxStreak || w.runq.empty() {
				w.streak++
				return a
			}
			w.put(a) // it had its turns: behind the others
		}
		w.streak = 0
		if a := w.runq.get(); a != nil {
			return a
		}
		if rt.global.n.Load() > 0 {
			if a := w.globalGet(); a != nil {
				return a
			}
		}
		if a := w.steal(); a != nil {
			return a
		}
		if a := w.park(); a != nil {
			return a
		}
	}
}

// fire makes the actors whose timers expired at now runnable.
func (w *worker) fire(now int64) {
	w.expired = w.rt.tm.expire(now, w.expired[:0])
	for i, a := range w.expired {
		w.rt.wake(w, a, wakeTimer)
		w.expired[i] = nil
	}
}

// globalGet takes a batch from the global queue: one to run, the rest into
// w's queue.
func (w *worker) globalGet() *actor {
	rt := w.rt
	rt.mu.Lock()
	a := w.globalGetLocked()
	rt.mu.Unlock()
	return a
}

// globalGetLocked is globalGet with Runtime.mu held.
func (w *worker) globalGetLocked() *actor {
	rt := w.rt
	n := int(rt.global.n.Load())
	if n == 0 {
		return nil
	}
	n = min(n, n/len(rt.workers)+1, runqSize/2, runqSize-w.runq.size()+1) // the rest fits w's queue (thieves only shrink it)
	a := rt.global.pop()
	for i := 1; i < n; i++ {
		if !w.runq.put(rt.global.pop()) {
			panic("sched: globalGet: local queue overflow")
		}
	}
	return a
}

// steal takes half of another worker's queue, trying each once from a
// random start.
func (w *worker) steal() *actor {
	ws := w.rt.workers
	n := len(ws)
	if n == 1 {
		return nil
	}
	start := int(w.random() % uint64(n))
	for i := 0; i < n; i++ {
		v := ws[(start+stealStep(w, i, n))%n]
		if v == w {
			continue
		}
		if a := w.runq.steal(&v.runq); a != nil {
			w.n.steals++
			return a
		}
	}
	return nil
}

// park puts w to sleep until another goroutine hands it work (or the
// keeper's timer rings, or the runtime stops). It returns an actor when it
// found one in the global queue on the way, else nil: look again.
// The order of steps is the park protocol in doc.go.
func (w *worker) park() *actor {
	rt := w.rt
	rt.mu.Lock()
	if a := w.globalGetLocked(); a != nil {
		rt.mu.Unlock()
		return a
	}
	if rt.stopping.Load() {
		rt.mu.Unlock()
		return nil
	}
	w.idle = true
	rt.idle = append(rt.idle, w)
	rt.nidle.Add(1) // pairs with the Load in wakeOne and put: then we look at the queues again
	next := rt.tm.next.Load()
	keeper := next != noDeadline && rt.keeper == nil
	if keeper {
		rt.keeper = w
	}
	rt.mu.Unlock()

	if rt.workVisible() {
		w.unpark(false)
		return nil
	}
	if !keeper && next == noDeadline && int(rt.nidle.Load()) == len(rt.workers) {
		rt.checkDeadlock()
	}
	w.n.parks++
	w.flush()
	got := false
	if keeper {
		d := next - rt.now()
		if d <= 0 {
			w.unpark(false)
			return nil
		}
		w.timer.Reset(time.Duration(d))
		select {
		case <-w.wake:
			got = true
			w.timer.Stop()
		case <-w.timer.C:
		}
	} else {
		<-w.wake
		got = true
	}
	w.unpark(got)
	return nil
}

// unpark takes w off the idle list if it is still on it; got says whether
// w already took the token of a waker that removed it (if a waker removed
// it and w has not taken the token, w waits for it: it is on its way).
func (w *worker) unpark(got bool) {
	rt := w.rt
	rt.mu.Lock()
	self := w.idle
	if self {
		for i, x := range rt.idle {
			if x == w {
				rt.idle = append(rt.idle[:i], rt.idle[i+1:]...)
				break
			}
		}
		w.idle = false
		rt.nidle.Add(-1)
	}
	if rt.keeper == w {
		rt.keeper = nil
	}
	rt.mu.Unlock()
	if !self && !got {
		<-w.wake
	}
}

// workVisible reports whether any queue holds an actor or a timer is due.
func (rt *Runtime) workVisible() bool {
	if rt.stopping.Load() || rt.global.n.Load() > 0 {
		return true
	}
	for _, v := range rt.workers {
		if !v.runq.empty() {
			return true
		}
	}
	return rt.tm.next.Load() != noDeadline && rt.tm.due(rt.now())
}

// checkDeadlock ends the run of the main actor with StatusBlocked when it
// waits and nothing can wake it: every worker parked (the caller is the
// last), no queue holds an actor, no timer is set, no input or file
// operation is pending, and no Go code may send (Options.External).
func (rt *Runtime) checkDeadlock() {
	if !rt.mainRun.Load() || rt.tm.next.Load() != noDeadline || rt.ioPending.Load() > 0 || rt.external { // an ending read or write, or Go code, wakes someone
		return
	}
	a := rt.main
	if a.state.CompareAndSwap(uint32(stWaiting), uint32(stIdle)) { // main is ours: no worker holds it
		rt.resetWait(a)
		rt.mainDone <- interp.StatusBlocked
	}
}

// run runs one slice of actor a, which w took from a queue (a is stRunnable).
func (w *worker) run(a *actor) {
	rt := w.rt
	for !a.state.CompareAndSwap(uint32(stRunnable), uint32(stRunning)) { // from now, wakers mark it notified instead of queueing it
		switch s := actorState(a.state.Load()); s {
		case stDelivering:
			runtime.Gosched() // a sender on another worker copies a message into it (deliverDirect): one copy
		case stRunnable: // the copy just ended
		default:
			panic("sched: run: actor taken from a queue is " + s.String())
		}
	}
	if a.w != w { // written only when it changes: a.w's line is shared with a neighbour's (see actor)
		a.w = w
	}
	w.n.slices++
	if a == rt.main && rt.mainStop.Load() {
		rt.giveMain(a, interp.StatusYield)
		return
	}
	rt.ownHeap(w, a.m)
	if a.hasSig() {
		w.drain(a, true)
	}
	var st interp.Status
	switch {
	case a.dying() != nil:
		st = interp.StatusExited
	case a.sup() != nil:
		st = a.x.sup.step(w)
	default:
		a.m.Count = w.count // nil unless counting: each worker counts into its own
		before := a.m.Reductions
		st = a.m.Run(rt.budget)
		if rt.limits.Reductions > 0 {
			rt.chargeReductions(a.m.Reductions - before)
		}
	}
	if a.dying() != nil {
		w.end(a, st)
		return
	}
	switch st {
	case interp.StatusYield:
		w.settleRequests(a)
		if a == rt.main && rt.mainStop.Load() {
			rt.giveMain(a, interp.StatusYield)
			return
		}
		a.state.Store(uint32(stRunnable))
		w.putYielded(a)
	case interp.StatusBlocked:
		if sup := a.sup(); sup != nil && sup.fresh { // supervise: the Raft code is over
			sup.fresh = false
			w.settleRequests(a)
			a.m.Reset()
			a.state.Store(uint32(stRunnable))
			w.put(a)
			return
		}
		if a == rt.main && rt.mainStop.Load() {
			rt.giveMain(a, interp.StatusYield)
			return
		}
		moved := 0
		if a.hasSig() {
			moved = w.drain(a, true)
			if a.dying() != nil {
				w.end(a, st)
				return
			}
		}
		w.settleRequests(a)
		if moved > 0 { // new messages (or supervisor events: step went as far as it could with the old ones)
			a.state.Store(uint32(stRunnable))
			w.put(a)
			return
		}
		w.shareHeap(a)
		to := a.blockAs
		a.blockAs = stWaiting
		if a.state.CompareAndSwap(uint32(stRunning), uint32(to)) { // wakers now queue it; we must not touch it
			return
		}
		// Notified during the slice: something arrived after it looked.
		a.state.Store(uint32(stRunnable))
		w.put(a)
	default:
		w.end(a, st)
	}
}

// settleRequests deals with the supervisor requests a received as a plain
// actor: a supervisor now (supervise) handles them; otherwise they were
// bad requests. They wait for the end of a slice so that an actor that
// runs supervise in its first slice never answers :badarg.
func (w *worker) settleRequests(a *actor) {
	if a.x == nil || len(a.x.pending) == 0 {
		return
	}
	for _, r := range a.x.pending {
		if a.x.sup != nil {
			a.x.sup.events = append(a.x.sup.events, supEvent{req: r})
		} else {
			w.answer(r, gc.SymBadarg, gc.Nil, nil)
		}
	}
	a.x.pending = nil
}

// end settles an actor whose slice ended it (status st), or that a signal
// killed (a.dying). The main actor only ends its run.
func (w *worker) end(a *actor, st interp.Status) {
	rt := w.rt
	m := a.m
	var (
		reason gc.Value
		fi     *failInfo
		failed bool
	)
	switch {
	case a.dying() != nil:
		reason, fi = a.x.dying.reason, a.x.dying.fi
		if a == rt.main {
			m.Heap.Release(m.ExitReason())
			m.SetExitReason(reason)
			m.Failure = nil
			if reason != gc.Sym(gc.SymNormal) {
				m.Failure = &interp.Failure{Reason: reason, Text: rt.text(m.Heap, reason)}
				if fi != nil {
					m.Failure.Word, m.Failure.Pos, m.Failure.Callers = fi.word, fi.pos, fi.callers
				}
			}
			a.x.dying = nil
			a.unshift(a.x.rest) // main lives on (the REPL runs it again): the rest stays queued
			a.x.rest = nil
			rt.giveMain(a, interp.StatusExited)
			return
		}
	case st == interp.StatusDone:
		reason = gc.Sym(gc.SymNormal)
	case st == interp.StatusExited:
		reason = m.ExitReason()
		if m.Failure != nil {
			fi = infoOf(m.Failure)
		}
	case st == interp.StatusFailed:
		reason, fi, failed = m.Failure.Reason, infoOf(m.Failure), true
	default:
		panic("sched: end: status " + st.String())
	}
	if a == rt.main {
		rt.giveMain(a, st)
		return
	}
	w.finish(a, reason, fi, failed)
}

// infoOf returns the heap-free part of a failure.
func infoOf(f *interp.Failure) *failInfo {
	return &failInfo{word: f.Word, pos: f.Pos, callers: f.Callers}
}
