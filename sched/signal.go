package sched

// This file defines how an actor settles its inbox (drain): messages go to
// its mailbox, signals (exit, link, unlink, monitor, demonitor, down,
// supervisor requests) take effect in the order they arrived; how signals
// are sent; and how an ended actor tells the actors linked to it and
// monitoring it (finish).

import (
	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// drain settles the items in a's inbox (all of them, or with all unset at
// least one segment: see take), oldest first, and returns how many
// new things a has to look at: mailbox messages (so Fetch reports true
// only when the mailbox grew), or supervisor events.
// A fatal exit signal sets a.dying; what came after it is kept in a.rest
// for finish. Only the worker running a (from Fetch, or between slices).
func (w *worker) drain(a *actor, all bool) int {
	if a.dying() != nil {
		return 0
	}
	moved := 0
	for {
		segs, svals, items, vals := a.take(w.buf[:0], w.tbuf[:0], all)
		if len(items) == 0 && segs == nil {
			return moved
		}
		for i, seg := range segs {
			moved += w.settle(a, seg, svals[i])
			clear(seg)
		}
		moved += w.settle(a, items, vals)
		clear(items)
		if cap(items) <= segLen {
			w.buf = items[:0]
		} else {
			w.buf = nil // not buf when take traded it to the inbox: the inbox owns it now
		}
		if cap(vals) <= segLen*maxInline {
			w.tbuf = vals[:0]
		} else {
			w.tbuf = nil // as buf
		}
		if all || moved > 0 || a.dying() != nil {
			return moved
		}
	}
}

// settle is drain for one segment of items, whose inline tuples' elements
// are vals.
func (w *worker) settle(a *actor, items []item, vals []gc.Value) int {
	moved := 0
	for i := range items {
		it := &items[i]
		if a.x != nil && a.x.dying != nil {
			a.x.rest = append(a.x.rest, w.keep(*it, vals))
			continue
		}
		sg := it.sig
		sup := a.sup()
		if sg == nil { // a message
			if sup != nil {
				dropItem(it) // a supervisor takes no messages
				continue
			}
			if a.m.Mailbox.Len() >= w.rt.limits.Mailbox {
				dropItem(it) // taken but not received: too many wait already
				a.die(gc.Sym(gc.SymMailboxLimit), nil)
				continue
			}
			if it.frag == inlineTuple {
				arr, err := a.m.Heap.ArrayOf(inlineElems(*it, vals)) // immediates: no count to take over
				if err != nil {
					a.die(gc.Sym(gc.SymHeapLimit), nil)
					continue
				}
				a.m.Mailbox.Append(arr)
				moved++
				continue
			}
			if v, ok := w.unpack(a, it); ok {
				a.m.Mailbox.Append(v)
				moved++
			}
			continue
		}
		switch sg.kind {
		case itemDown:
			if sup != nil {
				sup.down(sg.ref)
				dropItem(it)
				moved++
				continue
			}
			if a.x == nil || a.x.monitors == nil {
				dropItem(it)
				continue
			}
			if _, ok := a.x.monitors[sg.ref]; !ok {
				dropItem(it) // demonitored: no DOWN after demonitor
				continue
			}
			delete(a.x.monitors, sg.ref)
			if w.deliver(a, it, gc.Sym(gc.SymDOWN), gc.Int(sg.ref), gc.Pid(sg.from)) {
				moved++
			}
		case itemExit:
			if sg.linked && !a.removeLink(sg.from) {
				dropItem(it) // unlinked since: the link has no effect any more
				continue
			}
			if !sg.linked && it.v == gc.Sym(gc.SymKill) {
				a.die(gc.Sym(gc.SymKilled), nil) // cannot be trapped
				continue
			}
			switch {
			case sup != nil:
				if v, ok := w.unpack(a, it); ok {
					sup.exit(sg.from, v, sg.linked)
					moved++
				}
			case a.trap:
				if w.deliver(a, it, gc.Sym(gc.SymEXIT), gc.Pid(sg.from)) {
					moved++
				}
			case it.v == gc.Sym(gc.SymNormal):
				if sg.from == a.pid && !sg.linked {
					a.die(it.v, nil) // kill of itself with :normal
				}
			default:
				if v, ok := w.unpack(a, it); ok {
					a.die(v, sg.fi)
				}
			}
		case itemLink:
			if sg.from != a.pid && !a.hasLink(sg.from) {
				a.addLink(sg.from)
			}
		case itemUnlink:
			a.removeLink(sg.from)
		case itemMonitor:
			x := a.ext()
			x.monitoredBy = append(x.monitoredBy, monitor{ref: sg.ref, from: sg.from})
		case itemDemonitor:
			a.removeMonitoredBy(sg.ref)
		case itemLimit:
			a.die(gc.Sym(gc.SymMailboxLimit), nil)
		case itemRequest:
			if sup != nil {
				sup.events = append(sup.events, supEvent{req: sg.req})
				moved++
			} else {
				x := a.ext()
				x.pending = append(x.pending, sg.req) // settled at the end of the slice (settleRequests)
			}
		}
	}
	return moved
}

// removeMonitoredBy forgets the monitor ref on a. Owner only.
func (a *actor) removeMonitoredBy(ref int64) {
	if a.x == nil {
		return
	}
	for i, mo := range a.x.monitoredBy {
		if mo.ref == ref {
			a.x.monitoredBy = append(a.x.monitoredBy[:i], a.x.monitoredBy[i+1:]...)
			return
		}
	}
}

// unpack returns the value of item it in a's heap, copying it out of its
// fragment (which goes back to the pool). When a's heap is full, a is
// dying with :heap-limit and ok is false.
func (w *worker) unpack(a *actor, it *item) (gc.Value, bool) {
	if it.frag == nil {
		return it.v, true
	}
	v, err := gc.Copy(a.m.Heap, it.frag, it.v)
	w.putFrag(it.frag)
	it.frag = nil
	if err != nil {
		a.die(gc.Sym(gc.SymHeapLimit), nil)
		return gc.Nil, false
	}
	return v, true
}

// deliver puts { head... reason } in a's mailbox, reason being item it's
// value (a DOWN or EXIT message), and reports whether it did.
func (w *worker) deliver(a *actor, it *item, head ...gc.Value) bool {
	v, ok := w.unpack(a, it)
	if !ok {
		return false
	}
	arr, err := a.m.Heap.ArrayOf(append(head, v))
	if err != nil {
		a.die(gc.Sym(gc.SymHeapLimit), nil)
		return false
	}
	a.m.Mailbox.Append(arr)
	return true
}

// keep returns item it, of a segment whose inline tuples' elements are
// vals, in a form that outlives them: an inline tuple moves to a fragment
// heap (the rest of a dying actor's inbox, which main puts back).
func (w *worker) keep(it item, vals []gc.Value) item {
	if it.frag != inlineTuple {
		return it
	}
	f := w.getFrag(w.rt.empty)
	v, err := f.ArrayOf(inlineElems(it, vals))
	if err != nil {
		putFrag(f)
		return item{v: gc.Sym(gc.SymHeapLimit)}
	}
	return item{v: v, frag: f}
}

// dropItem frees what item it holds (an inline tuple holds nothing).
func dropItem(it *item) {
	if it.frag == inlineTuple {
		it.frag = nil
		return
	}
	if it.frag != nil {
		putFrag(it.frag)
		it.frag = nil
	}
}

// pack sets it.v to v, a value of heap h, copied into a fragment heap
// when it is a heap value (when that fails, the value is :heap-limit).
func pack(it *item, h *gc.Heap, v gc.Value) error {
	return packIn(it, nil, h, v)
}

// packIn is pack with the fragment from w's own (w is the caller's worker,
// or nil: from fragPool).
func packIn(it *item, w *worker, h *gc.Heap, v gc.Value) error {
	if !v.IsHeap() {
		it.v = v
		return nil
	}
	var frag *gc.Heap
	if w != nil {
		frag = w.getFrag(h)
	} else {
		frag = getFrag(h.In, h.Hosts)
	}
	c, err := gc.Copy(frag, h, v)
	if err != nil {
		putFrag(frag) // Copy freed what it made
		it.v = gc.Sym(gc.SymHeapLimit)
		return errHeapLimit
	}
	it.v, it.frag = c, frag
	return nil
}

// sendExit sends actor pid an exit signal from actor from with reason (a
// value of h); linked says it comes from a link.
func (w *worker) sendExit(pid, from uint64, h *gc.Heap, reason gc.Value, fi *failInfo, linked bool) {
	t := w.rt.pids.lookup(pid)
	if t == nil {
		return
	}
	it := item{sig: &signal{kind: itemExit, from: from, fi: fi, linked: linked}}
	pack(&it, h, reason)
	if !t.put(it) {
		dropItem(&it)
		return
	}
	w.n.signals++
	w.rt.wake(w, t, wakeSignal)
}

// sendDown tells actor pid that its monitor ref on actor from fired with
// reason (a value of h).
func (w *worker) sendDown(pid uint64, ref int64, from uint64, h *gc.Heap, reason gc.Value) {
	t := w.rt.pids.lookup(pid)
	if t == nil {
		return
	}
	it := item{sig: &signal{kind: itemDown, from: from, ref: ref}}
	pack(&it, h, reason)
	if !t.put(it) {
		dropItem(&it)
		return
	}
	w.rt.wake(w, t, wakeMsg)
}

// signal queues a bodiless signal (link, unlink, monitor, demonitor) for t
// and reports whether t took it (false: t has ended).
func (w *worker) signal(t *actor, kind itemKind, from uint64, ref int64) bool {
	if !t.put(item{sig: &signal{kind: kind, from: from, ref: ref}}) {
		return false
	}
	w.rt.wake(w, t, wakeSignal)
	return true
}

// finish ends actor a (not main) with reason (a value of its heap): its
// inbox closes, it answers the signals it never took (and a supervisor the
// requests it held), a failure nobody
// watched is reported, it is dead (alive? is false), its name is free, and
// the actors linked to it get exit signals and those monitoring it DOWN
// messages.
func (w *worker) finish(a *actor, reason gc.Value, fi *failInfo, failed bool) {
	rt := w.rt
	x := a.x
	if x == nil {
		x = &noExt // read only: an actor without links, monitors or timers
	}
	left := append(x.rest, a.close()...) // from now on, what is sent to a is dropped
	h := a.m.Heap
	noproc := gc.Sym(gc.SymNoproc)
	for i := range left {
		it := &left[i]
		if sg := it.sig; sg != nil {
			switch sg.kind {
			case itemLink: // it linked to an actor that is gone, as Erlang does
				w.sendExit(sg.from, a.pid, h, noproc, nil, true)
			case itemUnlink:
				a.removeLink(sg.from)
			case itemMonitor:
				w.sendDown(sg.from, sg.ref, a.pid, h, noproc)
			case itemDemonitor:
				a.removeMonitoredBy(sg.ref)
			case itemExit:
				if sg.linked {
					a.removeLink(sg.from) // it has ended: no need to tell it
				}
			case itemRequest:
				w.answer(sg.req, gc.SymNoproc, gc.Nil, nil)
			}
		}
		dropItem(it)
	}
	for _, r := range x.pending {
		w.answer(r, gc.SymNoproc, gc.Nil, nil)
	}
	if x.sup != nil {
		x.sup.abandon(w)
	}
	watched := len(x.links) > 0 || len(x.monitoredBy) > 0
	if failed && !watched {
		rt.report(a.m.Failure.ActorReport(a.pid)) // before alive? can see it dead
	}
	a.state.Store(uint32(stDead)) // wakers do nothing from now on; alive? is false
	rt.unregisterActor(a)         // the name is free before anyone hears of the end
	if x.deadline != 0 {
		rt.tm.cancel(a)
	}
	rt.dropIO(a) // a read it waited for goes on, and its result is dropped
	for _, l := range x.links {
		w.sendExit(l, a.pid, h, reason, fi, true)
	}
	for _, mo := range x.monitoredBy {
		w.sendDown(mo.from, mo.ref, a.pid, h, reason)
	}
	a.x = nil
	w.n.reductions += a.m.Reductions
	a.m.Reductions = 0
	a.m.Release()
	rt.freeMachine(a.m)
	a.m = nil
	rt.pids.remove(a)
	rt.live.Add(-1)
}

// noExt stands for the extension of an actor that has none; never written.
var noExt actorExt

// answer gives the caller of request r its answer: the error errSym (a
// symbol id, 0 for none) or the value v of heap h, and wakes it.
func (w *worker) answer(r *request, errSym uint32, v gc.Value, h *gc.Heap) {
	if errSym != 0 {
		r.err = errSym
	} else {
		it := item{}
		if err := pack(&it, h, v); err != nil {
			r.err = gc.SymHeapLimit
		}
		r.result, r.rfrag = it.v, it.frag
	}
	r.done.Store(true) // publishes the answer; pairs with the Load in hostRequest
	w.rt.wake(w, r.from, wakeSignal)
}

// errors the host returns.
var (
	errBadarg    = interp.Fail(gc.Sym(gc.SymBadarg))
	errType      = interp.Fail(gc.Sym(gc.SymType))
	errNoproc    = interp.Fail(gc.Sym(gc.SymNoproc))
	errHeapLimit = interp.Fail(gc.Sym(gc.SymHeapLimit))
)
