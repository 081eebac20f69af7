package sched

// This file lets code outside the workers (an embedding Go program,
// through package raft) take part in a run: spawn actors, send them
// messages, and receive messages at a pid of its own (a host mailbox).
//
// A host mailbox is an ordinary actor running the library word
// (host-mailbox): `begin receive (host-deliver) again`. So links,
// monitors, kill and alive? treat it as any actor. (host-deliver) moves
// each message, packed in a fragment heap as a send packs it, to the
// mailbox's Go-side queue, where Receive takes it.

import (
	"context"
	"errors"
	"sync"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// ErrNoWord is returned by SpawnWord for a name that is not one of the
// program's words.
var ErrNoWord = errors.New("sched: no such word")

// SpawnFunc makes a new actor running function fn of the program, with
// push putting its first stack values into its machine (heap and stack;
// m.ID is the new actor's pid already), and makes it runnable. Any goroutine, while the runtime runs.
func (rt *Runtime) SpawnFunc(fn uint32, push func(m *interp.Machine) error) (uint64, error) {
	if rt.stopping.Load() {
		return 0, ErrStopped
	}
	if !rt.reserveActor() {
		return 0, errSystemLimit
	}
	m := rt.newMachine()
	m.ID = rt.nextPid.Add(1)
	fail := func(err error) (uint64, error) {
		rt.freeMachine(m)
		rt.live.Add(-1)
		return 0, err
	}
	if push != nil {
		rt.ownHeap(nil, m) // push may allocate
		if err := push(m); err != nil {
			return fail(err)
		}
	}
	if err := m.StartFunc(fn); err != nil {
		return fail(err)
	}
	a := rt.newActor(m)
	rt.pids.add(a)
	a.state.Store(uint32(stRunnable)) // published with a by the queue
	rt.ready(nil, a, false)
	return a.pid, nil
}

// SendFrom sends actor pid a message made by build in a fragment heap of
// its own (the heap the message travels in). A send to an actor that has
// ended does nothing, as in Raft. Any goroutine.
func (rt *Runtime) SendFrom(pid uint64, build func(h *gc.Heap) (gc.Value, error)) error {
	frag := getFrag(rt.prog.In, rt.hosts)
	v, err := build(frag)
	if err != nil {
		putFrag(frag) // build may have left objects in it
		return err
	}
	it := item{v: v}
	if v.IsHeap() {
		it.frag = frag
	} else {
		putFrag(frag) // build may have left objects in it
	}
	t := rt.pids.lookup(pid)
	if t == nil {
		dropItem(&it)
		return nil
	}
	rt.post(nil, t, it, nil, true, false)
	return nil
}

// Whereis returns the pid registered under name, if any.
func (rt *Runtime) Whereis(name string) (uint64, bool) {
	a := rt.whereis(uint32(rt.prog.In.Intern(name).X))
	if a == nil {
		return 0, false
	}
	return a.pid, true
}

// Mailbox is a pid whose messages go to Go: Raft code sends to Pid, and
// Receive takes the messages in the order they arrived.
type Mailbox struct {
	rt  *Runtime
	pid uint64

	mu    sync.Mutex    // guards q
	q     []item        // delivered messages, oldest first; guarded by mu
	ready chan struct{} // holds a token while q may be non-empty
	imm   *gc.Heap      // the heap Receive gives with an immediate value (it holds nothing)
}

// NewMailbox starts a host mailbox. Any goroutine, while the runtime runs.
func (rt *Runtime) NewMailbox() (*Mailbox, error) {
	fn, ok := rt.prog.Lookup("(host-mailbox)", true)
	if !ok {
		return nil, ErrNoWord
	}
	mb := &Mailbox{rt: rt, ready: make(chan struct{}, 1), imm: gc.NewHeap(rt.prog.In)}
	mb.imm.Hosts = rt.hosts
	_, err := rt.SpawnFunc(fn, func(m *interp.Machine) error {
		mb.pid = m.ID
		rt.mailboxes.Store(m.ID, mb) // before the actor can run; read by deliver
		return nil
	})
	if err != nil {
		return nil, err
	}
	return mb, nil
}

// Pid returns the mailbox's pid.
func (mb *Mailbox) Pid() uint64 { return mb.pid }

// Receive waits for the next message and calls take with it (a value of
// fragment heap h, valid only during the call), or returns ctx's error,
// or ErrStopped when the run has ended.
func (mb *Mailbox) Receive(ctx context.Context, take func(h *gc.Heap, v gc.Value)) error {
	for {
		mb.mu.Lock()
		if len(mb.q) > 0 {
			it := mb.q[0]
			mb.q[0] = item{}
			mb.q = mb.q[1:]
			if len(mb.q) > 0 {
				mb.signal()
			}
			mb.mu.Unlock()
			h := it.frag
			if h == nil {
				h = mb.imm
			}
			take(h, it.v)
			dropItem(&it)
			return nil
		}
		mb.mu.Unlock()
		select {
		case <-mb.ready:
		case <-ctx.Done():
			return ctx.Err()
		case <-mb.rt.stopped:
			return ErrStopped
		}
	}
}

// signal leaves a token in ready (at most one). Under mu.
func (mb *Mailbox) signal() {
	select {
	case mb.ready <- struct{}{}:
	default:
	}
}

// deliver is (host-deliver): msg -- . It hands msg to the Go side of a's
// mailbox.
func (rt *Runtime) deliver(a *actor) error {
	v, ok := rt.mailboxes.Load(a.pid)
	if !ok {
		return errBadarg
	}
	mb := v.(*Mailbox)
	m := a.m
	msg, _ := m.Peek(0)
	it := item{}
	if err := pack(&it, m.Heap, msg); err != nil {
		return err
	}
	m.Pop()
	m.Heap.Release(msg)
	mb.mu.Lock()
	mb.q = append(mb.q, it)
	mb.signal()
	mb.mu.Unlock()
	return nil
}
