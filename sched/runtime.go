package sched

// This file defines the Runtime, the public face of the package: New, Main,
// RunMain, Stop and Stats, and the operations every other file shares:
// making an actor runnable (wake, ready), spawning, and the clock.

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// Options configure a Runtime.
type Options struct {
	Workers  int             // workers (OS threads' worth of parallelism); 0: runtime.GOMAXPROCS(0)
	Out      *interp.Output  // the program's standard output
	Stderr   io.Writer       // where failures nobody watches are reported (whole lines); nil: discarded
	Input    io.Reader       // the program's standard input, for read-line and read-all; nil: an empty one
	NoFiles  bool            // read-file and write-file fail with :eacces without touching the file system (fuzzing, sandboxes)
	Budget   int             // reductions per slice; 0: interp.DefaultBudget
	Count    bool            // count instructions and opcode pairs (interp.Counters, for --stats; slower)
	Limits   Limits          // resource limits; zero fields take their defaults (see Limits)
	Hosts    *gc.HostTable   // the Go values of host objects (package raft's Handle); nil: the run has none
	External bool            // Go code may spawn and send from outside the actors (external.go): a main actor that waits is never deadlocked
	Context  context.Context // what host words see as their run's context (Runtime.Context); nil: context.Background()
}

// ErrStopped is returned by RunMain when the runtime was stopped.
var ErrStopped = errors.New("sched: runtime stopped")

// Runtime runs the actors of one program on a fixed set of workers.
//
// A typical use, as raft run does:
//
//	rt := sched.New(prog, sched.Options{Out: out, Stderr: os.Stderr})
//	m := rt.Main()
//	m.SetArgs(args)
//	m.StartFunc(prog.Main)
//	st, err := rt.RunMain(ctx) // the main actor's code has ended (or ctx has)
//	rt.Stop()                  // every other actor ends
//	// print m.StackText(), or m.Failure.Report() when st is StatusFailed ...
type Runtime struct {
	prog   *interp.Program
	ctx    context.Context // Options.Context; read-only
	out    *interp.Output
	budget int
	count  bool      // Options.Count
	epoch  time.Time // the runtime's clock starts here (monotonic)

	errMu  sync.Mutex // serializes writes to stderr
	stderr io.Writer  // guarded by errMu

	workers []*worker
	wg      sync.WaitGroup // one count per running worker

	mu     sync.Mutex   // guards global, idle, keeper and each worker's idle flag
	global globalQueue  // guarded by mu
	idle   []*worker    // parked workers; guarded by mu
	keeper *worker      // the parked worker that sleeps until the earliest timer; guarded by mu
	nidle  atomic.Int32 // len(idle); stored under mu, loaded by submitters without it (the park protocol in doc.go)

	stopping atomic.Bool   // Stop was called; workers leave between slices (set before taking mu in Stop)
	stopped  chan struct{} // closed when every worker has left
	stopOnce sync.Once

	tm      timers
	pids    *pidTable
	nextPid atomic.Uint64 // last pid given
	nextRef atomic.Int64  // last monitor ref given (also make-ref and supervisor stops)
	live    atomic.Int64  // actors alive, main included

	regMu sync.RWMutex      // guards names and every actor's name and named fields
	names map[uint32]*actor // registered name (symbol id) -> actor; guarded by regMu

	main     *actor
	mainDone chan interp.Status // a run of main ended (cap 1): sent by the worker that ended it
	mainRun  atomic.Bool        // a RunMain is waiting (deadlock detection reads it)
	mainStop atomic.Bool        // RunMain's ctx ended: the worker holding main gives it back

	restarts atomic.Uint64 // supervisor restarts

	stdin     ioQueue       // read-line and read-all, one at a time (io.go)
	files     ioQueue       // read-file and write-file (io.go)
	hostCalls ioQueue       // host words that may block (Await, io.go)
	noFiles   bool          // Options.NoFiles; set before the first actor runs, then only read
	external  bool          // Options.External; read-only
	hosts     *gc.HostTable // Options.Hosts; read-only (the table locks itself)
	ioPending atomic.Int64  // input and file requests made and not yet taken or dropped by their actor (the deadlock check reads it)

	limits  Limits        // Options.Limits with the defaults filled in; read-only
	memOver chan struct{} // closed by checkMemory when Limits.Memory is passed

	reductions atomic.Uint64 // reductions charged against Limits.Reductions (when set)
	redOver    chan struct{} // closed when they pass it
	redOnce    sync.Once     // closes redOver
	mem        memWatch      // checkMemory's state

	machines  sync.Pool // *interp.Machine of ended actors, released, for new ones (newMachine)
	empty     *gc.Heap  // the shared unused heap (gc.Heap.Share) of actors that have none of their own (heap.go); read-only
	mailboxes sync.Map  // pid -> *Mailbox of the host mailboxes (external.go)
}

// New returns a runtime for prog with its main actor (pid 1), not yet
// started, and starts the workers, which park until there is work.
func New(prog *interp.Program, opts Options) *Runtime {
	n := opts.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	rt := &Runtime{
		prog:     prog,
		ctx:      opts.Context,
		out:      opts.Out,
		stderr:   opts.Stderr,
		budget:   opts.Budget,
		count:    opts.Count,
		epoch:    time.Now(),
		stopped:  make(chan struct{}),
		pids:     newPidTable(),
		names:    map[uint32]*actor{},
		mainDone: make(chan interp.Status, 1),
		limits:   opts.Limits.withDefaults(),
		memOver:  make(chan struct{}),
		redOver:  make(chan struct{}),
	}
	if rt.budget <= 0 {
		rt.budget = interp.DefaultBudget
	}
	if rt.ctx == nil {
		rt.ctx = context.Background()
	}
	if rt.out == nil {
		rt.out = interp.NewOutput(io.Discard)
	}
	rt.tm.init()
	rt.initIO(opts.Input)
	rt.noFiles = opts.NoFiles
	rt.external = opts.External
	rt.hosts = opts.Hosts
	rt.empty = rt.newHeap(nil)
	rt.empty.Share()
	m := interp.NewMachineIn(rt.newHeap(nil), prog, rt, rt.out) // main's heap is always its own: RunMain's caller uses it
	m.ID = rt.nextPid.Add(1)
	rt.main = rt.newActor(m)
	rt.main.state.Store(uint32(stIdle))
	rt.pids.add(rt.main)
	rt.live.Add(1)
	rt.workers = make([]*worker, n)
	for i := range rt.workers {
		rt.workers[i] = newWorker(rt, i)
	}
	rt.wg.Add(n)
	for _, w := range rt.workers {
		go w.loop()
	}
	return rt
}

// Context returns Options.Context (context.Background() when none was
// given): host words read it to stop their work when the run ends.
func (rt *Runtime) Context() context.Context { return rt.ctx }

// newActor wraps machine m, whose ID is set, in an actor.
func (rt *Runtime) newActor(m *interp.Machine) *actor {
	a := &actor{m: m, pid: m.ID, blockAs: stWaiting}
	m.Ext = a
	return a
}

// Main returns the main actor's machine. The caller starts it (Start or
// StartFunc) before each RunMain, and reads its stack, ExitReason and
// Failure after.
func (rt *Runtime) Main() *interp.Machine { return rt.main.m }

// RunMain runs the main actor from where Start left it until its code
// ends, and returns how: StatusDone, StatusFailed or StatusExited (also
// when a signal killed it, such as the failure of a linked actor: then
// ExitReason and Failure of the machine say why). It returns
// StatusBlocked when the main actor waits for a message that cannot come
// (every actor waits and no timer is set). Other actors keep running
// between calls. When ctx ends first, the main actor is stopped where it
// was (between two slices) and RunMain returns StatusYield and ctx.Err().
//
// Only one RunMain at a time; not after Stop (ErrStopped).
func (rt *Runtime) RunMain(ctx context.Context) (interp.Status, error) {
	a := rt.main
	if rt.stopping.Load() {
		return interp.StatusExited, ErrStopped
	}
	select {
	case <-rt.mainDone: // a result nobody collected
	default:
	}
	rt.mainStop.Store(false)
	rt.mainRun.Store(true)
	defer rt.mainRun.Store(false)
	if !a.state.CompareAndSwap(uint32(stIdle), uint32(stRunnable)) { // pairs with the Store(stIdle) in giveMain
		panic("sched: RunMain: the main actor is already running")
	}
	rt.ready(nil, a, false)
	select {
	case st := <-rt.mainDone:
		return st, nil
	case <-ctx.Done():
	case <-rt.memOver:
	case <-rt.redOver:
	case <-rt.stopped:
		return interp.StatusExited, ErrStopped
	}
	err := ctx.Err()
	switch {
	case err != nil:
	case isClosed(rt.redOver):
		err = ErrReductionLimit
	default:
		err = ErrMemoryLimit
	}
	// Take main back: directly if it waits, else from the worker that has it.
	rt.mainStop.Store(true) // read by the worker at the next slice boundary
	for _, s := range []actorState{stWaiting, stSleeping, stIO} {
		if a.state.CompareAndSwap(uint32(s), uint32(stIdle)) { // no worker has it: it is ours
			rt.resetWait(a)
			return interp.StatusYield, err
		}
	}
	select {
	case <-rt.mainDone:
	case <-rt.stopped:
	}
	return interp.StatusYield, err
}

// isClosed reports whether c is closed.
func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// giveMain ends a run of the main actor with status st: main goes idle and
// RunMain learns st. Called by the worker holding main.
func (rt *Runtime) giveMain(a *actor, st interp.Status) {
	rt.resetWait(a)
	if a.x != nil {
		for _, r := range a.x.pending {
			a.w.answer(r, gc.SymBadarg, gc.Nil, nil)
		}
		a.x.pending = nil
		if a.x.sup != nil {
			a.x.sup.abandon(a.w)
		}
		a.x.sup = nil // a main actor that ran supervise runs Raft code again on its next run
	}
	if st == interp.StatusExited && a.m.Failure == nil && a.m.ExitReason() != gc.Sym(gc.SymNormal) {
		a.m.Failure = &interp.Failure{Reason: a.m.ExitReason(), Text: rt.text(a.m.Heap, a.m.ExitReason())}
	}
	a.state.Store(uint32(stIdle)) // pairs with the CAS in RunMain
	rt.mainDone <- st
}

// resetWait forgets what an actor was waiting for.
func (rt *Runtime) resetWait(a *actor) {
	if a.x != nil {
		if a.x.deadline != 0 {
			rt.tm.cancel(a)
			a.x.deadline = 0
		}
		a.x.req = nil
		rt.dropIO(a)
	}
	a.blockAs = stWaiting
}

// Stop ends every actor and worker: each worker leaves at its next slice
// boundary, and Stop waits for them. Actors are dropped where they are
// (no exit signals, no reports). Safe to call more than once.
func (rt *Runtime) Stop() {
	rt.stopOnce.Do(func() {
		rt.stopping.Store(true) // before taking mu: park re-checks it under mu
		rt.mu.Lock()
		idle := rt.idle
		for _, w := range idle {
			w.idle = false
		}
		rt.idle, rt.keeper = nil, nil
		rt.nidle.Store(0)
		rt.mu.Unlock()
		for _, w := range idle {
			w.wake <- struct{}{} // one token for one removal from idle
		}
		rt.wg.Wait()
		close(rt.stopped)
	})
}

// Counters returns the instructions and opcode pairs counted by every
// worker (Options.Count), summed; nil when not counting. Exact once Stop
// has returned.
func (rt *Runtime) Counters() *interp.Counters {
	if !rt.count {
		return nil
	}
	sum := &interp.Counters{}
	for _, w := range rt.workers {
		sum.Add(w.count)
	}
	return sum
}

// Stats are counts about a runtime's work, for --stats.
type Stats struct {
	Workers    int    // workers
	Spawned    uint64 // actors spawned (main not counted)
	Live       int64  // actors alive now, main included
	Messages   uint64 // messages sent to a live actor
	Signals    uint64 // exit signals sent (links, kill)
	Slices     uint64 // slices run
	Steals     uint64 // successful steals of run queue halves
	Parks      uint64 // times a worker parked
	Restarts   uint64 // children restarted by supervisors
	Reductions uint64 // reductions of the actors that ended, and of the main actor
}

// Stats returns the runtime's counters. Exact once Stop has returned.
func (rt *Runtime) Stats() Stats {
	s := Stats{Workers: len(rt.workers), Live: rt.live.Load(), Restarts: rt.restarts.Load()}
	for _, w := range rt.workers {
		s.Spawned += w.st.spawned.Load()
		s.Messages += w.st.messages.Load()
		s.Signals += w.st.signals.Load()
		s.Slices += w.st.slices.Load()
		s.Steals += w.st.steals.Load()
		s.Parks += w.st.parks.Load()
		s.Reductions += w.st.reductions.Load()
	}
	if actorState(rt.main.state.Load()) == stIdle { // the main actor's machine is not running: its count is stable
		s.Reductions += rt.main.m.Reductions
	}
	return s
}

// now returns the runtime's monotonic clock in ns.
func (rt *Runtime) now() int64 { return int64(time.Since(rt.epoch)) }

// wake tells actor a that something arrived for it (kind says what), and
// makes it runnable if it waits for that. Any goroutine; w is the caller's
// worker, or nil outside the workers. See the protocol in doc.go.
func (rt *Runtime) wake(w *worker, a *actor, kind wakeKind) {
	rt.wakeTo(w, a, kind, kind != wakeTimer)
}

// wakeTo is wake, saying where an actor it makes runnable goes: w's next
// slot when next is set, else the tail of w's queue (ready).
func (rt *Runtime) wakeTo(w *worker, a *actor, kind wakeKind, next bool) {
	for {
		s := actorState(a.state.Load()) // pairs with the worker's Store/CAS at slice boundaries
		switch s {
		case stWaiting:
			if kind == wakeIO {
				return // the end of a request it gave up (dropIO)
			}
		case stSleeping:
			if kind == wakeMsg || kind == wakeIO {
				return // a message does not end a sleep (it stays in the inbox), nor the end of a request given up
			}
		case stIO:
			if kind == wakeMsg || kind == wakeTimer {
				return // messages wait in the inbox until the operation ends
			}
		case stRunning:
			if a.state.CompareAndSwap(uint32(stRunning), uint32(stNotified)) { // the worker sees it when the slice blocks
				return
			}
			continue
		default: // runnable or notified already, idle (main between runs) or dead
			return
		}
		if a.state.CompareAndSwap(uint32(s), uint32(stRunnable)) { // we made it runnable: we queue it
			rt.ready(w, a, next)
			return
		}
	}
}

// ready puts runnable actor a in a run queue: w's next slot when next is
// set (the actor just sent to runs when the sender's slice ends), else the
// tail of w's queue, or the global queue when w is nil. The caller made a
// runnable; a is in no queue.
func (rt *Runtime) ready(w *worker, a *actor, next bool) {
	if w == nil {
		rt.mu.Lock()
		rt.global.push(a)
		rt.mu.Unlock()
		rt.wakeOne()
		return
	}
	if next && useNext(w) {
		old := w.next
		w.next = a
		if old == nil {
			return
		}
		a = old
	}
	w.put(a)
}

// wakeOne unparks a parked worker, if any. Any goroutine.
func (rt *Runtime) wakeOne() {
	if rt.nidle.Load() == 0 { // pairs with the Add in park: see the park protocol in doc.go
		return
	}
	rt.mu.Lock()
	n := len(rt.idle)
	if n == 0 {
		rt.mu.Unlock()
		return
	}
	w := rt.idle[n-1]
	rt.idle = rt.idle[:n-1]
	w.idle = false
	rt.nidle.Add(-1)
	if rt.keeper == w {
		rt.keeper = nil
	}
	rt.mu.Unlock()
	w.wake <- struct{}{} // one token for one removal from idle
}

// kickKeeper wakes the timer keeper so that it sleeps again until the new
// earliest deadline.
func (rt *Runtime) kickKeeper() {
	rt.mu.Lock()
	w := rt.keeper
	if w == nil || !w.idle {
		rt.mu.Unlock()
		return
	}
	rt.keeper = nil
	for i, x := range rt.idle {
		if x == w {
			rt.idle = append(rt.idle[:i], rt.idle[i+1:]...)
			break
		}
	}
	w.idle = false
	rt.nidle.Add(-1)
	rt.mu.Unlock()
	w.wake <- struct{}{}
}

// setTimer sets a's deadline (ns since the epoch) and arms its timer.
// Owner only.
func (rt *Runtime) setTimer(a *actor, deadline int64) {
	a.ext().deadline = deadline
	if rt.tm.set(a, deadline) {
		rt.kickKeeper()
	}
}

// spawn makes a new actor running quotation q (a value of parent's heap,
// not consumed) on an empty stack, with the values curried into q pushed
// first, linked to parent when link is set, and makes it runnable on w.
func (rt *Runtime) spawn(w *worker, parent *actor, q gc.Value, link bool) (*actor, error) {
	if !rt.reserveActor() {
		return nil, errSystemLimit
	}
	m := rt.newMachine()
	h := parent.m.Heap
	fail := func(err error) (*actor, error) {
		rt.freeMachine(m)
		rt.live.Add(-1)
		return nil, err
	}
	for q.K == gc.KCurry {
		x, inner := h.CurryParts(q)
		if x.IsHeap() {
			c, err := gc.Copy(rt.ownHeap(w, m), h, x)
			if err != nil {
				return fail(errHeapLimit)
			}
			x = c
		}
		if err := m.Push(x); err != nil {
			return fail(err)
		}
		q = inner
	}
	if err := m.Start(q); err != nil {
		return fail(err)
	}
	m.ID = rt.nextPid.Add(1)
	a := rt.newActor(m)
	if link {
		a.ext().parent = parent.pid
		a.addLink(parent.pid)
		parent.addLink(a.pid)
	}
	rt.pids.add(a)
	w.n.spawned++
	a.state.Store(uint32(stRunnable)) // published with a by the queue
	w.put(a)
	return a, nil
}

// reserveActor counts one more live actor, or reports false (and counts
// nothing) when Limits.Actors are alive already.
func (rt *Runtime) reserveActor() bool {
	if rt.live.Add(1) > int64(rt.limits.Actors) {
		rt.live.Add(-1)
		return false
	}
	return true
}

// newMachine returns a machine for a new actor: one an ended actor left,
// or a new one, with the shared heap (heap.go). A spawn loop whose actors
// end soon then allocates little.
func (rt *Runtime) newMachine() *interp.Machine {
	m, ok := rt.machines.Get().(*interp.Machine)
	if !ok {
		m = interp.NewMachineIn(rt.empty, rt.prog, rt, rt.out)
	}
	return m
}

// freeMachine keeps m, released (Machine.Release) or never started, for a
// later actor, if it holds nothing: an empty heap and small stacks.
func (rt *Runtime) freeMachine(m *interp.Machine) {
	m.Reset()
	if m.Heap.Stats().Live != 0 || m.Mailbox.Len() != 0 || cap(m.Stack()) > 64 {
		return // a cycle the refcounts could not free, or big: let the Go collector have it
	}
	m.ID, m.Ext, m.Failure = 0, nil, nil
	rt.machines.Put(m)
}

// text returns the printed form of v (a value of h), as .s writes it.
func (rt *Runtime) text(h *gc.Heap, v gc.Value) string {
	return string(interp.AppendValue(nil, h, rt.prog.Funcs(), v, true))
}

// report writes one line to stderr.
func (rt *Runtime) report(line string) {
	rt.out.Flush() // what was printed before the failure comes first on a terminal
	rt.errMu.Lock()
	if rt.stderr != nil {
		io.WriteString(rt.stderr, line)
	}
	rt.errMu.Unlock()
}

// fragPool holds empty fragment heaps: a message that is a heap value
// travels in one, from the sender's copy to the receiver's.
var fragPool sync.Pool

// getFrag returns an empty fragment heap for program interns in and the
// host values of hosts (the run's).
func getFrag(in *gc.Interns, hosts *gc.HostTable) *gc.Heap {
	h, ok := fragPool.Get().(*gc.Heap)
	if !ok || h.In != in {
		h = gc.NewHeap(in)
	}
	h.Hosts = hosts
	return h
}

// putFrag empties fragment h, whose value nobody holds any more, and keeps
// it for reuse.
func putFrag(h *gc.Heap) {
	h.Clear() // everything in it goes, cycles included, and its arena stays for the next message
	h.Hosts = nil
	fragPool.Put(h)
}

// maxWorkerFrags bounds a worker's empty fragment heaps (w.frags): past it
// they go to fragPool, where any worker finds them.
const maxWorkerFrags = 64

// maxWorkerFragBytes: a fragment that once held a bigger message keeps
// its arena, so it goes to fragPool (which the Go collector empties) and
// not to a worker, which would keep it for the whole run.
const maxWorkerFragBytes = 64 << 10

// getFrag returns an empty fragment heap for a message sent from heap h
// (of w's runtime): the last one w emptied, or one from fragPool. Only w's
// goroutine calls it: the message path takes no sync.Pool round trip.
func (w *worker) getFrag(h *gc.Heap) *gc.Heap {
	if n := len(w.frags); n > 0 {
		f := w.frags[n-1]
		w.frags[n-1] = nil
		w.frags = w.frags[:n-1]
		f.Hosts = h.Hosts
		return f
	}
	return getFrag(h.In, h.Hosts)
}

// putFrag empties fragment f, whose value nobody holds any more, and keeps
// it in w's fragments for w's next sends (fragPool when w has enough).
// Only w's goroutine calls it.
func (w *worker) putFrag(f *gc.Heap) {
	if len(w.frags) >= maxWorkerFrags || f.In != w.rt.prog.In || f.Stats().PeakBytes > maxWorkerFragBytes {
		putFrag(f)
		return
	}
	f.Clear()
	w.frags = append(w.frags, f)
}
