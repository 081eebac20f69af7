package sched

// This file defines supervisors. A supervisor is an actor whose behaviour
// is written in Go: instead of running bytecode, each of its slices runs
// step, a state machine driven by what its inbox brought (drain turns exit
// signals, DOWN messages and requests into supervisor events). It never
// blocks a worker: waiting for a child to end is a state, and the 1000 ms
// shutdown grace is its actor's timer.
//
// The semantics follow Erlang/OTP's supervisor module (supervisor.erl):
// restart decisions (do_restart), intensity (add_restart), one-for-all and
// rest-for-one (terminate right to left, then start left to right), and
// the shutdown of a child (shutdown/2: monitor, unlink, exit :shutdown,
// wait for the DOWN or the grace, then :kill). What LANGUAGE.md leaves open
// is in docs/decisions.md ("Actors and supervisors").

import (
	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// shutdownGrace is how long a child that traps exits has to end after
// :shutdown before it is killed, in ns.
const shutdownGrace = 1000 * 1e6

// defaultIntensity and defaultPeriod: 3 restarts in 5000 ms.
const (
	defaultIntensity = 3
	defaultPeriod    = 5000
)

// supervisor is the state of a supervisor actor. Owned by the worker
// running the actor, like the rest of the actor.
type supervisor struct {
	a         *actor
	h         *gc.Heap // the actor's heap: names and start quotations live there
	strategy  uint32   // a symbol id: SymOneForOne, SymOneForAll, SymRestForOne, SymSimpleOneForOne
	intensity int64
	period    int64 // ns

	children []*child          // in start order (left to right)
	byPid    map[uint64]*child // running children
	template *child            // the spec of a simple-one-for-one supervisor
	restarts []int64           // times (ns) of the restarts within the period

	events []supEvent // arrived, not yet handled, oldest first
	ops    []supOp    // the steps of the work in hand, done one by one

	// The stop in hand (shutdown of one child).
	stopping *child
	stopPid  uint64
	stopRef  int64 // the monitor on stopPid
	gotDown  bool  // its DOWN arrived
	killSent bool  // the grace passed: :kill was sent

	fresh   bool // made by supervise in this slice: the worker resets the machine
	started bool // the children of the specs were started
}

// child is one child spec of a supervisor and the child running it.
type child struct {
	name    gc.Value // in the supervisor's heap (counted)
	start   gc.Value // quotation, in the supervisor's heap (counted)
	restart uint32   // SymPermanent, SymTransient or SymTemporary
	pid     uint64   // running child, 0 when none
}

// supEvent is an exit signal or a request that reached a supervisor.
type supEvent struct {
	from   uint64
	reason gc.Value // in the supervisor's heap
	linked bool
	req    *request // a request, else an exit signal
}

type opKind uint8

const (
	opStart  opKind = iota // start child c
	opStop                 // stop child c (and wait for its end)
	opRemove               // forget child c's spec
	opReply                // answer req with c's pid (nil when c is nil)
	opExit                 // end the supervisor with reason v
)

// supOp is one step of a supervisor's work in hand.
type supOp struct {
	kind opKind
	c    *child
	req  *request
	v    gc.Value
}

// exit hands an exit signal to the supervisor (from drain).
func (s *supervisor) exit(from uint64, reason gc.Value, linked bool) {
	s.events = append(s.events, supEvent{from: from, reason: reason, linked: linked})
}

// down hands a DOWN to the supervisor (from drain): only the one of the
// stop in hand matters.
func (s *supervisor) down(ref int64) {
	if s.stopping != nil && ref == s.stopRef {
		s.gotDown = true
	}
}

// step runs the supervisor until it must wait, and returns StatusBlocked,
// or StatusExited when it ended (its reason in the machine's ExitReason).
func (s *supervisor) step(w *worker) interp.Status {
	rt, a := w.rt, s.a
	if !s.started {
		s.started = true
		for _, c := range s.children {
			s.ops = append(s.ops, supOp{kind: opStart, c: c})
		}
	}
	for {
		if s.stopping != nil {
			if !s.gotDown {
				if !s.killSent && rt.now() >= a.x.deadline {
					a.x.deadline = 0
					w.sendExit(s.stopPid, a.pid, s.h, gc.Sym(gc.SymKill), nil, false)
					s.killSent = true
				}
				return interp.StatusBlocked
			}
			if a.x.deadline != 0 {
				rt.tm.cancel(a)
				a.x.deadline = 0
			}
			s.purge(s.stopPid)
			s.gone(s.stopping)
			s.stopping = nil
			continue
		}
		if len(s.ops) > 0 {
			op := s.ops[0]
			s.ops = s.ops[1:]
			if len(s.ops) == 0 {
				s.ops = nil
			}
			if s.do(w, op) {
				return interp.StatusExited
			}
			continue
		}
		if len(s.events) > 0 {
			ev := s.events[0]
			s.events = s.events[1:]
			if len(s.events) == 0 {
				s.events = nil
			}
			s.handle(w, ev)
			continue
		}
		return interp.StatusBlocked
	}
}

// do performs one step and reports whether the supervisor ended.
func (s *supervisor) do(w *worker, op supOp) bool {
	rt, a := w.rt, s.a
	switch op.kind {
	case opStart:
		c, err := rt.spawn(w, a, op.c.start, true)
		if err != nil {
			s.shutdownAll(gc.Sym(gc.SymShutdown))
			return false
		}
		op.c.pid = c.pid
		s.byPid[c.pid] = op.c
	case opStop:
		c := op.c
		if c.pid == 0 {
			return false
		}
		s.stopping, s.stopPid, s.gotDown, s.killSent = c, c.pid, false, false
		s.stopRef = rt.nextRef.Add(1)
		a.removeLink(c.pid)
		t := rt.pids.lookup(c.pid)
		if t == nil || !w.signal(t, itemUnlink, a.pid, 0) || !w.signal(t, itemMonitor, a.pid, s.stopRef) {
			s.gotDown = true // it has ended already
			return false
		}
		w.sendExit(c.pid, a.pid, s.h, gc.Sym(gc.SymShutdown), nil, false)
		rt.setTimer(a, rt.now()+shutdownGrace)
	case opRemove:
		for i, c := range s.children {
			if c == op.c {
				s.children = append(s.children[:i], s.children[i+1:]...)
				s.h.Release(c.name)
				s.h.Release(c.start)
				break
			}
		}
	case opReply:
		v := gc.Nil
		if op.c != nil && op.c.pid != 0 {
			v = gc.Pid(op.c.pid)
		}
		w.answer(op.req, 0, v, s.h)
	case opExit:
		a.m.SetExitReason(op.v)
		a.m.Failure = nil
		return true
	}
	return false
}

// abandon answers the requests an ending supervisor still holds, taken
// from its inbox but not yet answered (in its events, or a reply in its
// work in hand), with :noproc, as finish answers those left in the inbox:
// a caller never waits for ever for a supervisor that was killed.
func (s *supervisor) abandon(w *worker) {
	for _, op := range s.ops {
		if op.kind == opReply {
			w.answer(op.req, gc.SymNoproc, gc.Nil, nil)
		}
	}
	for _, ev := range s.events {
		if ev.req != nil {
			w.answer(ev.req, gc.SymNoproc, gc.Nil, nil)
		}
	}
	s.ops, s.events = nil, nil
}

// gone records that child c's process ended.
func (s *supervisor) gone(c *child) {
	if c.pid != 0 {
		delete(s.byPid, c.pid)
		c.pid = 0
	}
}

// purge drops the exit events from pid still queued (the child ended
// before the stop unlinked it).
func (s *supervisor) purge(pid uint64) {
	k := 0
	for _, ev := range s.events {
		if ev.req == nil && ev.from == pid {
			s.h.Release(ev.reason)
			continue
		}
		s.events[k] = ev
		k++
	}
	clear(s.events[k:])
	s.events = s.events[:k]
}

// handle plans the work for one event.
func (s *supervisor) handle(w *worker, ev supEvent) {
	if ev.req != nil {
		s.request(w, ev.req)
		return
	}
	if c := s.byPid[ev.from]; c != nil && ev.linked {
		s.childExit(w, c, ev.reason)
	} else if ev.from == s.a.x.parent && ev.from != 0 {
		// Its parent ended (or told it to): stop the children, end the same way.
		s.h.Retain(ev.reason)
		s.shutdownAll(ev.reason)
	}
	s.h.Release(ev.reason)
}

// childExit decides what follows the end of child c with reason
// (OTP's do_restart and restart).
func (s *supervisor) childExit(w *worker, c *child, reason gc.Value) {
	s.gone(c)
	normal := reason == gc.Sym(gc.SymNormal) || reason == gc.Sym(gc.SymShutdown)
	restart := c.restart == gc.SymPermanent || (c.restart == gc.SymTransient && !normal)
	if !restart {
		if c.restart == gc.SymTemporary || s.strategy == gc.SymSimpleOneForOne {
			s.ops = append(s.ops, supOp{kind: opRemove, c: c})
		}
		return
	}
	if !s.addRestart(w.rt.now()) {
		s.shutdownAll(gc.Sym(gc.SymShutdown)) // escalate
		return
	}
	w.rt.restarts.Add(1)
	switch s.strategy {
	case gc.SymOneForAll:
		s.restartGroup(0, c)
	case gc.SymRestForOne:
		for i, x := range s.children {
			if x == c {
				s.restartGroup(i, c)
				break
			}
		}
	default:
		s.ops = append(s.ops, supOp{kind: opStart, c: c})
	}
}

// restartGroup stops the children from index i on (right to left; the
// temporary ones are forgotten), then starts them again (left to right).
func (s *supervisor) restartGroup(i int, failed *child) {
	g := append([]*child(nil), s.children[i:]...)
	for j := len(g) - 1; j >= 0; j-- {
		if c := g[j]; c != failed {
			s.ops = append(s.ops, supOp{kind: opStop, c: c})
			if c.restart == gc.SymTemporary {
				s.ops = append(s.ops, supOp{kind: opRemove, c: c})
			}
		}
	}
	for _, c := range g {
		if c == failed || c.restart != gc.SymTemporary {
			s.ops = append(s.ops, supOp{kind: opStart, c: c})
		}
	}
}

// shutdownAll stops every child, right to left, then ends the supervisor
// with reason (whose count it takes).
func (s *supervisor) shutdownAll(reason gc.Value) {
	for j := len(s.children) - 1; j >= 0; j-- {
		s.ops = append(s.ops, supOp{kind: opStop, c: s.children[j]})
	}
	s.ops = append(s.ops, supOp{kind: opExit, v: reason})
}

// addRestart counts a restart at now and reports whether the intensity
// still allows it (OTP's add_restart).
func (s *supervisor) addRestart(now int64) bool {
	// The times are in order (one clock, read as they happen): those out
	// of the period are first. Dropping them from the front keeps a
	// restart at O(1) amortized; filtering the whole list made 20,000
	// restarts in one period quadratic (bench/restarts.raft).
	i := 0
	for i < len(s.restarts) && now-s.restarts[i] > s.period {
		i++
	}
	s.restarts = append(s.restarts[i:], now)
	return int64(len(s.restarts)) <= s.intensity
}

// request plans the work for a request.
func (s *supervisor) request(w *worker, r *request) {
	h := s.h
	v := r.arg
	if r.frag != nil {
		c, err := gc.Copy(h, r.frag, r.arg)
		putFrag(r.frag)
		r.frag = nil
		if err != nil {
			w.answer(r, gc.SymHeapLimit, gc.Nil, nil)
			return
		}
		v = c
	}
	defer h.Release(v)
	s1f1 := s.strategy == gc.SymSimpleOneForOne
	switch r.word {
	case interp.AwWhichChildren:
		list := make([]gc.Value, 0, len(s.children))
		for _, c := range s.children {
			h.Retain(c.name)
			p := gc.Nil
			if c.pid != 0 {
				p = gc.Pid(c.pid)
			}
			pair, err := h.ArrayOf([]gc.Value{c.name, p})
			if err != nil {
				for _, x := range list {
					h.Release(x)
				}
				w.answer(r, gc.SymHeapLimit, gc.Nil, nil)
				return
			}
			list = append(list, pair)
		}
		arr, err := h.ArrayOf(list)
		if err != nil {
			w.answer(r, gc.SymHeapLimit, gc.Nil, nil)
			return
		}
		w.answer(r, 0, arr, h)
		h.Release(arr)
	case interp.AwSetStrategy:
		st, in, per, ok := parseStrategy(h, v)
		if !ok || (st == gc.SymSimpleOneForOne) != s1f1 {
			w.answer(r, gc.SymBadarg, gc.Nil, nil)
			return
		}
		s.strategy, s.intensity, s.period = st, in, per
		w.answer(r, 0, gc.Nil, nil)
	case interp.AwTerminateChild:
		c := s.find(v)
		if c == nil {
			w.answer(r, gc.SymBadarg, gc.Nil, nil)
			return
		}
		s.ops = append(s.ops, supOp{kind: opStop, c: c})
		if c.restart == gc.SymTemporary || s1f1 {
			s.ops = append(s.ops, supOp{kind: opRemove, c: c})
		}
		s.ops = append(s.ops, supOp{kind: opReply, req: r})
	case interp.AwRestartChild:
		c := s.find(v)
		if c == nil || s1f1 {
			w.answer(r, gc.SymBadarg, gc.Nil, nil)
			return
		}
		s.ops = append(s.ops, supOp{kind: opStop, c: c}, supOp{kind: opStart, c: c}, supOp{kind: opReply, c: c, req: r})
	case interp.AwStartChild:
		var c *child
		if s1f1 {
			if v.K != gc.KArr {
				w.answer(r, gc.SymBadarg, gc.Nil, nil)
				return
			}
			q := s.template.start
			h.Retain(q)
			for i := h.Len(v) - 1; i >= 0; i-- {
				x := h.Get(v, i) // read afresh: NewCurry may move the slab
				h.Retain(x)
				var err error
				if q, err = h.NewCurry(x, q); err != nil {
					w.answer(r, gc.SymHeapLimit, gc.Nil, nil)
					return
				}
			}
			h.Retain(s.template.name)
			c = &child{name: s.template.name, start: q, restart: s.template.restart}
		} else {
			var ok bool
			if c, ok = parseSpec(h, v); !ok || s.find(c.name) != nil {
				if ok {
					h.Release(c.name)
					h.Release(c.start)
				}
				w.answer(r, gc.SymBadarg, gc.Nil, nil)
				return
			}
		}
		s.children = append(s.children, c)
		s.ops = append(s.ops, supOp{kind: opStart, c: c}, supOp{kind: opReply, c: c, req: r})
	default:
		w.answer(r, gc.SymBadarg, gc.Nil, nil)
	}
}

// find returns the child named v (for simple-one-for-one: the child whose
// pid is v), or nil.
func (s *supervisor) find(v gc.Value) *child {
	if s.strategy == gc.SymSimpleOneForOne {
		if v.K != gc.KPid {
			return nil
		}
		return s.byPid[v.X]
	}
	for _, c := range s.children {
		if interp.Equal(s.h, c.name, v) {
			return c
		}
	}
	return nil
}

// parseStrategy reads a strategy: a symbol, or { symbol intensity period-ms }.
func parseStrategy(h *gc.Heap, v gc.Value) (st uint32, intensity, period int64, ok bool) {
	intensity, period = defaultIntensity, defaultPeriod
	if v.K == gc.KArr {
		if h.Len(v) != 3 {
			return 0, 0, 0, false
		}
		i, p := h.Get(v, 1), h.Get(v, 2)
		if i.K != gc.KInt || p.K != gc.KInt || i.AsInt() < 0 || p.AsInt() <= 0 || p.AsInt() > maxWaitMs {
			return 0, 0, 0, false
		}
		intensity, period = i.AsInt(), p.AsInt()
		v = h.Get(v, 0)
	}
	if v.K != gc.KSym {
		return 0, 0, 0, false
	}
	switch st = uint32(v.X); st {
	case gc.SymOneForOne, gc.SymOneForAll, gc.SymRestForOne, gc.SymSimpleOneForOne:
		return st, intensity, period * 1e6, true
	}
	return 0, 0, 0, false
}

// parseSpec reads a child spec { name quotation restart } of heap h; the
// child takes counts on its name and quotation.
func parseSpec(h *gc.Heap, v gc.Value) (*child, bool) {
	if v.K != gc.KArr || h.Len(v) != 3 {
		return nil, false
	}
	name, q, r := h.Get(v, 0), h.Get(v, 1), h.Get(v, 2)
	if !q.IsQuot() || r.K != gc.KSym {
		return nil, false
	}
	switch uint32(r.X) {
	case gc.SymPermanent, gc.SymTransient, gc.SymTemporary:
	default:
		return nil, false
	}
	h.Retain(name)
	h.Retain(q)
	return &child{name: name, start: q, restart: uint32(r.X)}, true
}

// newSupervisor reads specs and strategy (values of heap h, not consumed)
// into a supervisor for actor a, or reports that they are not valid.
func newSupervisor(a *actor, h *gc.Heap, specs, strategy gc.Value) (*supervisor, bool) {
	st, in, per, ok := parseStrategy(h, strategy)
	if !ok || specs.K != gc.KArr {
		return nil, false
	}
	s := &supervisor{a: a, h: h, strategy: st, intensity: in, period: per, byPid: map[uint64]*child{}}
	n := h.Len(specs)
	for i := 0; i < n; i++ {
		c, ok := parseSpec(h, h.Get(specs, i))
		if ok && s.find(c.name) != nil {
			h.Release(c.name)
			h.Release(c.start)
			ok = false
		}
		if !ok {
			s.release()
			return nil, false
		}
		s.children = append(s.children, c)
	}
	if st == gc.SymSimpleOneForOne {
		if len(s.children) != 1 {
			s.release()
			return nil, false
		}
		s.template, s.children = s.children[0], nil
	}
	return s, true
}

// release drops the counts s holds (a supervisor that never started).
func (s *supervisor) release() {
	for _, c := range s.children {
		s.h.Release(c.name)
		s.h.Release(c.start)
	}
	s.children = nil
}

// startSupervisor: supervisor ( specs strategy -- pid ).
func (rt *Runtime) startSupervisor(w *worker, a *actor) error {
	m := a.m
	specs, _ := m.Peek(1)
	strategy, _ := m.Peek(0)
	if !rt.reserveActor() {
		return errSystemLimit
	}
	sm := interp.NewMachineIn(rt.newHeap(w), rt.prog, rt, rt.out) // its own for good: the supervisor keeps it (s.h)
	cs, err := gc.Copy(sm.Heap, m.Heap, specs)
	if err != nil {
		rt.live.Add(-1)
		return errHeapLimit
	}
	cst, err := gc.Copy(sm.Heap, m.Heap, strategy)
	if err != nil {
		rt.live.Add(-1)
		return errHeapLimit
	}
	s, ok := newSupervisor(nil, sm.Heap, cs, cst)
	sm.Heap.Release(cs)
	sm.Heap.Release(cst)
	if !ok {
		rt.live.Add(-1)
		return errBadarg
	}
	sm.ID = rt.nextPid.Add(1)
	sa := rt.newActor(sm)
	s.a, sa.ext().sup = sa, s
	sa.ext().parent = a.pid
	sa.addLink(a.pid)
	a.addLink(sa.pid)
	rt.pids.add(sa)
	w.n.spawned++
	sa.state.Store(uint32(stRunnable))
	w.put(sa)
	m.Pop()
	m.Pop()
	m.Heap.Release(specs)
	m.Heap.Release(strategy)
	return m.Push(gc.Pid(sa.pid))
}

// supervise: supervise ( specs strategy -- ): the actor becomes a
// supervisor; its Raft code does not go on.
func (rt *Runtime) supervise(a *actor) error {
	m := a.m
	specs, _ := m.Peek(1)
	strategy, _ := m.Peek(0)
	s, ok := newSupervisor(a, m.Heap, specs, strategy)
	if !ok {
		return errBadarg
	}
	m.Pop()
	m.Pop()
	m.Heap.Release(specs)
	m.Heap.Release(strategy)
	s.fresh = true
	a.ext().sup = s
	return interp.ErrBlock // never run again: the worker turns it into a supervisor
}
