package sched

// This file defines Memory: what each live actor holds, for the tests that
// look for leaks once a runtime has stopped.

// ActorMemory is what one live actor holds (Runtime.Memory).
type ActorMemory struct {
	Pid     uint64
	Objects int // objects alive in its heap (gc.Stats.Live)
	Mailbox int // messages in its mailbox, not yet received
	Inbox   int // messages and signals sent to it, not yet taken into its mailbox
}

// Memory returns what each live actor holds, in pid order. Call it only
// once Stop has returned (it panics before): until then each actor's heap
// belongs to the worker running it. A test stops a runtime when its actors
// should hold no more than when they started, and compares.
func (rt *Runtime) Memory() []ActorMemory {
	select {
	case <-rt.stopped: // every worker has left: the actors are nobody's
	default:
		panic("sched: Memory before Stop")
	}
	var out []ActorMemory
	for pid := uint64(1); pid <= rt.nextPid.Load(); pid++ {
		a := rt.pids.lookup(pid)
		if a == nil || a.m == nil {
			continue
		}
		a.mu.Lock()
		n := len(a.inbox) + len(flatten(a.backlog)) // an inline tuple is one item
		a.mu.Unlock()
		out = append(out, ActorMemory{Pid: pid, Objects: a.m.Heap.Stats().Live, Mailbox: a.m.Mailbox.Len(), Inbox: n})
	}
	return out
}
