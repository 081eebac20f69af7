package sched

// This file defines the runtime's resource limits (Limits) and the memory
// check that stops a program passing Limits.Memory before the Go runtime
// would abort it.

import (
	"errors"
	"math"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/internal/sysmem"
	"github.com/raftvm/raft/interp"
)

// Limits bound what a program may use. A zero field takes its default.
// What happens past each limit:
//   - Heap: an allocation that would take an actor's heap past it fails the
//     actor with :heap-limit;
//   - Actors: a spawn (or supervisor) that would make more actors alive at
//     once fails the spawning actor with :system-limit;
//   - Mailbox: a message that would make more messages wait for an actor
//     (in its inbox, or taken and skipped by selective receive) ends that
//     actor with :mailbox-limit, which it cannot trap; the message and what
//     is sent to it after are dropped, as for any ended actor;
//   - Memory: when the process's memory (Go heap, arenas, stacks: what the
//     Go runtime has mapped and not given back) passes it, RunMain returns
//     ErrMemoryLimit, and the caller stops the runtime.
type Limits struct {
	Heap    int   // bytes of one actor's arena; default DefaultHeap, or a quarter of sysmem.Total when that is less
	Actors  int   // actors alive at once, main included; default DefaultActors
	Mailbox int   // messages waiting for one actor; default DefaultMailbox
	Memory  int64 // bytes of the whole process; default: three quarters of sysmem.Total

	// Reductions bounds the reductions (calls and backward jumps) of all
	// the run's actors together; past it RunMain returns
	// ErrReductionLimit. 0: no bound.
	Reductions uint64
}

// Defaults of Limits.
const (
	DefaultHeap    = 1 << 30  // 1 GiB: a program that fills it by mistake fails in about a second, not after minutes of page faults
	DefaultActors  = 2 << 20  // 2,097,152 actors (about 2 GB of idle actors)
	DefaultMailbox = 16 << 20 // 16,777,216 messages (0.5 GB of int messages)
)

// ErrReductionLimit is returned by RunMain when the run has passed
// Limits.Reductions.
var ErrReductionLimit = errors.New("sched: reduction limit passed")

// chargeReductions counts n more reductions against Limits.Reductions,
// and stops the run's main actor when they pass it.
func (rt *Runtime) chargeReductions(n uint64) {
	if rt.reductions.Add(n) > rt.limits.Reductions {
		rt.redOnce.Do(func() { close(rt.redOver) })
	}
}

// ErrMemoryLimit is returned by RunMain when the process has passed
// Limits.Memory.
var ErrMemoryLimit = errors.New("sched: memory limit passed")

// errSystemLimit fails a spawn past Limits.Actors.
var errSystemLimit = interp.Fail(gc.Sym(gc.SymSystemLimit))

// machineMemory is sysmem.Total, read once: it reads files of /proc and
// /sys, and a Go program may start many runs.
var machineMemory = sync.OnceValue(sysmem.Total)

// WithDefaults returns l with its zero fields set to their defaults (New
// does this to its Options.Limits).
func (l Limits) WithDefaults() Limits { return l.withDefaults() }

// withDefaults returns l with its zero fields set to their defaults.
func (l Limits) withDefaults() Limits {
	total := machineMemory()
	if l.Heap <= 0 {
		l.Heap = int(min(total/4, DefaultHeap, math.MaxInt))
	}
	if l.Actors <= 0 {
		l.Actors = DefaultActors
	}
	if l.Mailbox <= 0 {
		l.Mailbox = DefaultMailbox
	}
	if l.Memory <= 0 {
		l.Memory = total / 4 * 3
	}
	return l
}

// memEvery is how often the process's memory is looked at, at most. An
// arena grows at a few GB/s at most, so the process passes the limit by
// tens of MB before it is stopped.
const memEvery = 10 * time.Millisecond

// memSlices is how many slices a worker runs between two calls of
// checkMemory (each reads the clock): a slice is short when actors pass
// messages, and reading the clock after each cost pingpong a few percent.
// A slice does at most a budget's work, so 64 of them take milliseconds.
const memSlices = 64

// memWatch is the state of the memory check.
type memWatch struct {
	next atomic.Int64 // the next check is due at this time (ns since the runtime's epoch)
	once sync.Once    // closes memOver
}

// MemoryInUse returns the bytes of memory the process holds as the memory
// limit counts them: what the Go runtime has mapped (heap, arenas, stacks,
// its own structures) and not given back to the system.
func MemoryInUse() int64 {
	samples := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(samples)
	return int64(samples[0].Value.Uint64() - samples[1].Value.Uint64())
}

// checkMemory closes rt.memOver when the process's memory passes
// Limits.Memory. Workers call it between slices (so there is no goroutine
// and no timer to preempt them: memory grows only while actors run); it
// reads the Go runtime's metrics once per memEvery at most.
func (rt *Runtime) checkMemory() {
	mw := &rt.mem
	now := int64(time.Since(rt.epoch))
	next := mw.next.Load()
	if now < next || !mw.next.CompareAndSwap(next, now+int64(memEvery)) {
		return // not due, or another worker checks
	}
	if MemoryInUse() > rt.limits.Memory {
		mw.once.Do(func() { close(rt.memOver) })
	}
}

// Limits returns the runtime's limits, defaults filled in.
func (rt *Runtime) Limits() Limits { return rt.limits }
