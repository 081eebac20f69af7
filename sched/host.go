package sched

// This file defines the Runtime's side of interp.Host: the actor and
// supervisor words, and Fetch. Every method runs on the worker that runs
// the machine's actor (a.w), with the machine's state written back.

import (
	"sync/atomic"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// maxWaitMs bounds the milliseconds of sleep and receive-timeout (about
// 292 years: the clock in ns must not overflow).
const maxWaitMs = 1 << 43

// Fetch moves the messages that arrived for m's actor into its mailbox and
// settles the signals that came with them (interp.Host).
func (rt *Runtime) Fetch(m *interp.Machine, wait bool) bool {
	a := m.Ext.(*actor)
	moved := a.w.drain(a, false)
	if moved == 0 && wait {
		a.blockAs = stWaiting
	}
	return moved > 0
}

// Actor performs actor or supervisor word word for m's actor (interp.Host).
// The interpreter has checked that the stack holds the word's inputs.
func (rt *Runtime) Actor(m *interp.Machine, word interp.ActorWord) error {
	a := m.Ext.(*actor)
	w := a.w
	switch word {
	case interp.AwSpawn, interp.AwSpawnLink:
		q, _ := m.Peek(0)
		if !q.IsQuot() {
			return errType
		}
		c, err := rt.spawn(w, a, q, word == interp.AwSpawnLink)
		if err != nil {
			return err
		}
		m.Pop()
		m.Heap.Release(q)
		if err := m.Push(gc.Pid(c.pid)); err != nil {
			return err
		}
		if w.runq.size() >= runqSize/2 {
			// Backpressure: a loop of spawns makes actors faster than a
			// worker runs them; without this, they pile up in the global
			// queue (a million of them: 1 GB) before any runs.
			return interp.ErrYield
		}
		return nil
	case interp.AwSend:
		return rt.send(w, a)
	case interp.AwReceiveTimeout:
		return rt.receiveTimeout(a)
	case interp.AwLink:
		return rt.link(w, a)
	case interp.AwUnlink:
		p, _ := m.Peek(0)
		if p.K != gc.KPid {
			return errType
		}
		if a.removeLink(p.X) {
			if t := rt.pids.lookup(p.X); t != nil {
				w.signal(t, itemUnlink, a.pid, 0)
			}
		}
		m.Pop()
		return nil
	case interp.AwMonitor:
		p, _ := m.Peek(0)
		if p.K != gc.KPid {
			return errType
		}
		ref := rt.nextRef.Add(1)
		x := a.ext()
		if x.monitors == nil {
			x.monitors = map[int64]uint64{}
		}
		x.monitors[ref] = p.X
		if t := rt.pids.lookup(p.X); t == nil || !w.signal(t, itemMonitor, a.pid, ref) {
			a.put(item{v: gc.Sym(gc.SymNoproc), sig: &signal{kind: itemDown, from: p.X, ref: ref}}) // already gone
		}
		m.Pop()
		return m.Push(gc.Int(ref))
	case interp.AwMakeRef:
		// A ref from the counter of monitor refs: no two refs of a run are
		// equal, whichever word made them.
		return m.Push(gc.Int(rt.nextRef.Add(1)))
	case interp.AwDemonitor:
		r, _ := m.Peek(0)
		if r.K != gc.KInt {
			return errType
		}
		if a.x != nil {
			if pid, ok := a.x.monitors[r.AsInt()]; ok {
				delete(a.x.monitors, r.AsInt())
				if t := rt.pids.lookup(pid); t != nil {
					w.signal(t, itemDemonitor, a.pid, r.AsInt())
				}
			}
		}
		m.Pop()
		return nil
	case interp.AwTrapExit:
		b, _ := m.Peek(0)
		if b.K != gc.KBool {
			return errType
		}
		a.trap = b.X != 0
		m.Pop()
		return nil
	case interp.AwKill:
		p, _ := m.Peek(1)
		reason, _ := m.Peek(0)
		if p.K != gc.KPid {
			return errType
		}
		w.sendExit(p.X, a.pid, m.Heap, reason, nil, false)
		m.Pop()
		m.Pop()
		m.Heap.Release(reason)
		if p.X == a.pid {
			return interp.ErrYield // the signal takes effect now
		}
		return nil
	case interp.AwRegister:
		p, _ := m.Peek(1)
		name, _ := m.Peek(0)
		if p.K != gc.KPid {
			return errType
		}
		if name.K != gc.KSym {
			return errBadarg
		}
		if !rt.register(p.X, uint32(name.X)) {
			return errBadarg
		}
		m.Pop()
		m.Pop()
		return nil
	case interp.AwUnregister:
		name, _ := m.Peek(0)
		if name.K != gc.KSym || !rt.unregister(uint32(name.X)) {
			return errBadarg
		}
		m.Pop()
		return nil
	case interp.AwWhereis:
		name, _ := m.Peek(0)
		if name.K != gc.KSym {
			return errBadarg
		}
		m.Pop()
		if t := rt.whereis(uint32(name.X)); t != nil {
			return m.Push(gc.Pid(t.pid))
		}
		return m.Push(gc.Nil)
	case interp.AwAlive:
		p, _ := m.Peek(0)
		if p.K != gc.KPid {
			return errType
		}
		t := rt.pids.lookup(p.X)
		m.Pop()
		return m.Push(gc.Bool(t != nil && actorState(t.state.Load()) != stDead))
	case interp.AwSleep:
		return rt.sleep(a)
	case interp.AwSupervisor:
		return rt.startSupervisor(w, a)
	case interp.AwSupervise:
		return rt.supervise(a)
	case interp.AwSetStrategy, interp.AwRestartChild, interp.AwStartChild, interp.AwTerminateChild, interp.AwWhichChildren:
		return rt.request(w, a, word)
	case interp.AwReadLine, interp.AwReadAll, interp.AwReadFile, interp.AwWriteFile:
		return rt.io(a, word)
	case interp.AwDeliver:
		return rt.deliver(a)
	}
	panic("sched: Actor: unknown word " + word.String())
}

// send: msg pid|name -- .
func (rt *Runtime) send(w *worker, a *actor) error {
	m := a.m
	dst, _ := m.Peek(0)
	msg, _ := m.Peek(1)
	var t *actor
	switch dst.K {
	case gc.KPid:
		t = rt.pids.lookup(dst.X)
	case gc.KSym:
		if t = rt.whereis(uint32(dst.X)); t == nil {
			return errBadarg
		}
	default:
		return errType
	}
	near := a.idleNext()
	if t != nil && t != a && rt.deliverDirect(w, t, m.Heap, msg, near) {
		w.n.messages++
		m.Pop()
		m.Pop()
		m.Heap.Release(msg)
		return nil
	}
	if t != nil {
		it := item{}
		elems := tupleElems(m.Heap, msg)
		if elems == nil {
			if err := packIn(&it, w, m.Heap, msg); err != nil {
				return err
			}
		}
		if rt.post(w, t, it, elems, t != a, near) {
			w.n.messages++
		}
	}
	m.Pop()
	m.Pop()
	m.Heap.Release(msg)
	return nil
}

// post puts message it in t's inbox and, with wake set, wakes t (a sender
// sending to itself does not). With elems set, the message is instead the
// tuple of those elements (tupleElems), carried in the inbox itself. It
// reports whether t took it: an actor past Limits.Mailbox gets a limit
// signal instead (and ends), one that has ended gets nothing; either way
// the message is dropped. w is the caller's worker, nil outside the
// workers.
func (rt *Runtime) post(w *worker, t *actor, it item, elems []gc.Value, wake, near bool) bool {
	switch t.putMsg(it, elems, rt.limits.Mailbox) {
	case putTaken:
		if wake {
			rt.wakeTo(w, t, wakeMsg, near)
		}
		return true
	case putOver:
		dropItem(&it) // t ends with :mailbox-limit
		if wake {
			rt.wake(w, t, wakeSignal)
		}
	default:
		dropItem(&it) // it has ended: a send to it does nothing
	}
	return false
}

// tupleElems returns the elements of msg, a value of h, when it is a
// tuple that travels in an inbox itself (inlineTuple): an array, not
// packed, of 1 to maxInline elements that are all immediates. Otherwise
// nil. The elements are a view of h.
func tupleElems(h *gc.Heap, msg gc.Value) []gc.Value {
	if msg.K != gc.KArr || uint(h.Len(msg)-1) >= maxInline || h.Packed(msg) {
		return nil
	}
	elems := h.Elems(msg)
	for _, e := range elems {
		if e.IsHeap() {
			return nil
		}
	}
	return elems
}

// deliverDirect delivers msg, a value of the sender's heap h, to t in one
// copy, straight into t's heap and mailbox, when t waits for a message or
// is runnable in a queue of w: the sender takes t (waiting or runnable ->
// delivering), so that nobody else runs or touches it, copies, and makes
// it runnable: a waiting t it queues (to run next on w, as a woken
// receiver does, when near is set); a runnable t is in a queue already. It
// reports false, having changed nothing, when t neither waits nor is
// runnable, is a supervisor (its messages are events of its state
// machine), holds Limits.Mailbox messages already, or has no room in its
// heap; a runnable t also when it last ran on another worker (its heap is
// in that core's cache: the inbox carries less from core to core) or its
// inbox holds items. Then the message goes through t's inbox.
//
// Order holds. A waiting t has seen every item an earlier send of this
// sender put in its inbox (that send's wake-up made it runnable, and t
// drained before it waited again). A runnable t whose inbox holds no item
// (flagItems, stored under t.mu by every put before it unlocks, cleared
// only by a take of every item) has taken them into its mailbox before it
// last stopped running (its worker's Store of runnable, which our CAS
// reads, publishes that). Items in the inbox now are of other senders
// still between their append and their wake-up (which sees delivering and
// leaves t to us, as it leaves a runnable actor): no order holds between
// two senders, and t drains them when it runs.
//
// A worker that takes a delivering t from a queue waits until the sender
// stores runnable (run): a copy of one message, on another worker (the
// sender's worker runs the sender, so it cannot take t meanwhile).
func (rt *Runtime) deliverDirect(w *worker, t *actor, h *gc.Heap, msg gc.Value, near bool) bool {
	// A load first: a receiver that runs (on another core, most often)
	// keeps its state's cache line; a failed CAS would take it.
	from := actorState(t.state.Load())
	if from != stWaiting && from != stRunnable || !t.state.CompareAndSwap(uint32(from), uint32(stDelivering)) { // t is ours until the Store below
		return false
	}
	v := msg
	ok := (t.x == nil || t.x.sup == nil) && t.m.Mailbox.Len() < rt.limits.Mailbox // past the limit, drain ends it
	if from == stRunnable {
		ok = ok && t.w == w && t.flags.Load()&flagItems == 0 // t.w: written by t's last worker before its Store of runnable, which our CAS read; flags pairs with the Or in putMsg
	}
	if ok && msg.IsHeap() {
		c, err := gc.Copy(rt.ownHeap(w, t.m), h, msg)
		ok = err == nil
		v = c
	}
	if !ok {
		t.state.Store(uint32(from)) // the caller's inbox send wakes it, and with it anyone whose wake-up found it delivering
		return false
	}
	t.m.Mailbox.Append(v)
	t.state.Store(uint32(stRunnable)) // published with t by the queue (a waiting t), or to the worker that takes t from its queue (run)
	if from == stWaiting {
		rt.ready(w, t, near)
	}
	return true
}

// receiveTimeout: ms -- msg true | false.
func (rt *Runtime) receiveTimeout(a *actor) error {
	m := a.m
	v, _ := m.Peek(0)
	if v.K != gc.KInt {
		return errType
	}
	if m.Mailbox.Len() == 0 {
		a.w.drain(a, false)
	}
	if a.dying() != nil {
		return interp.ErrBlock // a signal ends it at the end of the slice
	}
	if m.Mailbox.Len() > 0 {
		if a.deadline() != 0 {
			rt.tm.cancel(a)
			a.x.deadline = 0
		}
		m.Pop()
		if err := m.Push(m.Mailbox.Take(0)); err != nil {
			return err
		}
		return m.Push(gc.True)
	}
	if a.deadline() == 0 {
		ms := v.AsInt()
		if ms <= 0 {
			m.Pop()
			return m.Push(gc.False)
		}
		rt.setTimer(a, rt.now()+min(ms, maxWaitMs)*1e6)
	} else if rt.now() >= a.x.deadline {
		a.x.deadline = 0
		m.Pop()
		return m.Push(gc.False)
	}
	a.blockAs = stWaiting
	return interp.ErrBlock
}

// sleep: ms -- .
func (rt *Runtime) sleep(a *actor) error {
	m := a.m
	v, _ := m.Peek(0)
	if v.K != gc.KInt {
		return errType
	}
	if a.deadline() == 0 {
		ms := v.AsInt()
		if ms <= 0 {
			m.Pop()
			return interp.ErrYield
		}
		rt.setTimer(a, rt.now()+min(ms, maxWaitMs)*1e6)
	} else if rt.now() >= a.x.deadline {
		a.x.deadline = 0
		m.Pop()
		return nil
	}
	a.blockAs = stSleeping
	return interp.ErrBlock
}

// link: pid -- .
func (rt *Runtime) link(w *worker, a *actor) error {
	m := a.m
	p, _ := m.Peek(0)
	if p.K != gc.KPid {
		return errType
	}
	m.Pop()
	if p.X == a.pid || a.hasLink(p.X) {
		return nil
	}
	a.addLink(p.X)
	if t := rt.pids.lookup(p.X); t != nil && w.signal(t, itemLink, a.pid, 0) {
		return nil
	}
	// It is gone: the caller gets an exit signal :noproc through the link, as in Erlang.
	a.put(item{v: gc.Sym(gc.SymNoproc), sig: &signal{kind: itemExit, from: p.X, linked: true}})
	return interp.ErrYield
}

// request is a synchronous request to a supervisor. The caller makes it
// and waits; the supervisor (or whoever ends up with it) answers once.
type request struct {
	word interp.ActorWord
	from *actor   // the caller
	arg  gc.Value // the argument (name, spec, args or strategy), in frag when a heap value
	frag *gc.Heap

	// The answer, written before done is set and read after.
	err    uint32   // a symbol id to fail with, 0 for none
	result gc.Value // in rfrag when a heap value
	rfrag  *gc.Heap
	done   atomic.Bool // the answer is written; stored by answer, loaded by the caller
}

// request performs a supervisor request word: the first call sends the
// request and blocks; the call after the answer arrived takes it.
func (rt *Runtime) request(w *worker, a *actor, word interp.ActorWord) error {
	m := a.m
	nargs := 2
	if word == interp.AwWhichChildren {
		nargs = 1
	}
	if r := a.ext().req; r != nil {
		if !r.done.Load() { // pairs with the Store in answer
			a.blockAs = stWaiting
			return interp.ErrBlock
		}
		a.x.req = nil
		if r.err != 0 {
			if r.rfrag != nil {
				putFrag(r.rfrag)
			}
			return interp.Fail(gc.Sym(r.err))
		}
		v := r.result
		if r.rfrag != nil {
			c, err := gc.Copy(m.Heap, r.rfrag, v)
			putFrag(r.rfrag)
			if err != nil {
				return errHeapLimit
			}
			v = c
		}
		for range nargs {
			x, _ := m.Pop()
			m.Heap.Release(x)
		}
		if word == interp.AwSetStrategy || word == interp.AwTerminateChild {
			return nil
		}
		return m.Push(v)
	}
	sup, _ := m.Peek(nargs - 1)
	if sup.K != gc.KPid {
		return errType
	}
	if sup.X == a.pid {
		return errBadarg // an actor running Raft code is no supervisor
	}
	t := rt.pids.lookup(sup.X)
	if t == nil {
		return errNoproc
	}
	r := &request{word: word, from: a}
	if nargs == 2 {
		arg, _ := m.Peek(0)
		it := item{}
		if err := pack(&it, m.Heap, arg); err != nil {
			return err
		}
		r.arg, r.frag = it.v, it.frag
	}
	if !t.put(item{sig: &signal{kind: itemRequest, from: a.pid, req: r}}) {
		if r.frag != nil {
			putFrag(r.frag)
		}
		return errNoproc
	}
	rt.wake(w, t, wakeSignal)
	a.x.req = r
	a.blockAs = stWaiting
	return interp.ErrBlock
}
