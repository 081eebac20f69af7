package interp

// This file defines the Machine, the state of one actor's interpreter: its
// data stack, call frames, locals, heap and received messages. The scheduler
// runs many Machines; the interpreter (run.go) runs one for a slice of
// reductions at a time.

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"sync"
	"unsafe"

	"github.com/raftvm/raft/gc"
)

// Limits of one actor (LANGUAGE.md §4: at least 100,000 nested calls).
const (
	MaxCallDepth  = 1_000_000 // call frames
	MaxStackDepth = 1_000_000 // data stack values
)

// Status says why Run returned.
type Status uint8

const (
	StatusYield   Status = iota // the reduction budget ran out or the actor yielded; run again
	StatusBlocked               // waiting (for a message or a timer); the host wakes it
	StatusDone                  // the actor's code returned: it ended with reason :normal
	StatusFailed                // it failed: see Machine.Failure
	StatusExited                // it called exit: see Machine.ExitReason
)

var statusNames = [...]string{"yield", "blocked", "done", "failed", "exited"}

// String returns the status's name.
func (s Status) String() string { return statusNames[s] }

// frame is a suspended caller: where to go back to. The pointers point
// into fn.Code (which never moves) and into m.locals (growLocals moves
// them with the array).
type frame struct {
	ret unsafe.Pointer // return address in fn.Code
	lp  unsafe.Pointer // fn's locals in m.locals
	fn  *Func
}

// pc returns the frame's return address as an offset in its code.
func (fr *frame) pc() int { return int(uintptr(fr.ret) - uintptr(unsafe.Pointer(&fr.fn.Code[0]))) }

// Machine is one actor's interpreter state. Only the worker running the
// actor touches it.
type Machine struct {
	Prog *Program
	// Heap is m's heap. Run needs one of m's own; between runs a host may
	// point it at a shared unused heap (gc.Heap.Share), and then gives m a
	// heap of its own again before it runs or anything allocates into it.
	Heap *gc.Heap
	Host Host    // the actor runtime; nil runs single-actor programs only
	Out  *Output // where . print emit write
	ID   uint64  // pid

	// Mailbox holds messages already copied into Heap, oldest first, not yet
	// taken by receive. The host appends to it (Deliver); the interpreter
	// takes from it.
	Mailbox Queue

	// Data stack. stack[0] is a guard slot that always holds nil; values
	// are stack[1..sp]. So when the loop's tos is an int the stack is not
	// empty, and a case whose fast path checks for an int on top checks
	// for underflow only on its slow path (TestFusionAgrees checks the
	// guard after every golden script). While run executes, the top value
	// lives in a local (tos) and stack[sp] is stale; everywhere else
	// stack[sp] is the top.
	stack     []gc.Value
	sp        int
	stackBase uintptr // address of stack[0] (the loop's underflow checks)
	stackLast uintptr // address of the last slot of stack (the loop's headroom checks)
	room      uintptr // the highest top slot at which the current function's MaxPush fits

	// Call state. The current function, pc and locals base; callers in
	// frames[0:fp].
	fn         *Func
	pc         int
	lbase      int
	frames     []frame
	fp         int
	locals     []gc.Value // locals of all active calls; current ones from lbase
	localsLast uintptr    // address of the last slot of locals
	ltop       int        // first free slot of locals

	funcs  []*Func // the program's functions, loaded at each Run
	budget int     // reductions left in this Run

	// Failure is set when Run returns StatusFailed (the reason of an exit
	// is ExitReason).
	Failure *Failure

	// Counters for --stats. Count, when set, counts every instruction (a
	// slower copy of the loop runs); Reductions is always counted.
	Count      *Counters
	Reductions uint64

	// Ext belongs to the host (the scheduler's per-actor data).
	Ext any

	x *machineExt // what most machines never use, made at first use
}

// machineExt holds the parts of a Machine that most machines never use:
// an idle actor's Machine must stay small (sched's BenchmarkIdleActor).
type machineExt struct {
	exitReason gc.Value // see ExitReason (owned by Heap)
	args       gc.Value // the args word's array (SetArgs), owned by Heap; nil when none

	// Native code (run_native.go): its state block, made at the first
	// entry, and whether native frames are open (on the native stack, not
	// yet in frames).
	nat       *NativeState
	natOpen   bool
	natParked bool // a run of native code yielded with its frames kept (it holds a native stack)

	// The generator of random and random-float (words.go): its state,
	// seeded at the first use from Prog.Seed and ID.
	rngSeeded bool
	rng       uint64
}

// ext returns m's rarely used parts, making them at the first use.
func (m *Machine) ext() *machineExt {
	if m.x == nil {
		m.x = &machineExt{}
	}
	return m.x
}

// ExitReason returns the reason m ended with when Run returned
// StatusExited (a value of m's Heap, which m owns), or nil.
func (m *Machine) ExitReason() gc.Value {
	if m.x == nil {
		return gc.Nil
	}
	return m.x.exitReason
}

// SetExitReason sets ExitReason to v, whose reference m takes over; the
// caller releases the old reason first if it wants it freed. For hosts that
// end an actor on their own (a signal, a supervisor).
func (m *Machine) SetExitReason(v gc.Value) {
	if v == gc.Nil && m.x == nil {
		return
	}
	m.ext().exitReason = v
}

// setExit sets the reason of an exit the loop ran into (SetExitReason, kept
// out of the loop's code, where inlining it moved the loop's registers).
//
//go:noinline
func (m *Machine) setExit(v gc.Value) { m.SetExitReason(v) }

// args returns the args word's array, or nil.
func (m *Machine) args() gc.Value {
	if m.x == nil {
		return gc.Nil
	}
	return m.x.args
}

// NewMachine returns a machine for prog with an empty stack and a new heap.
func NewMachine(prog *Program, host Host, out *Output) *Machine {
	return NewMachineIn(gc.NewHeap(prog.In), prog, host, out)
}

// NewMachineIn returns a machine for prog with an empty stack and heap h,
// which may be a shared unused heap (see Machine.Heap).
func NewMachineIn(h *gc.Heap, prog *Program, host Host, out *Output) *Machine {
	m := &Machine{
		Prog: prog,
		Heap: h,
		Host: host,
		Out:  out,
	}
	m.setStack(make([]gc.Value, 2)) // the guard and one value: an idle actor must stay small (sched's BenchmarkIdleActor); ensure grows it
	return m
}

// setLocals installs l as the locals array.
func (m *Machine) setLocals(l []gc.Value) {
	m.locals = l
	m.localsLast = uintptr(unsafe.Pointer(&l[len(l)-1]))
}

// setStack installs s as the data stack.
func (m *Machine) setStack(s []gc.Value) {
	m.stack = s
	m.stackBase = uintptr(unsafe.Pointer(&s[0]))
	m.stackLast = uintptr(unsafe.Pointer(&s[len(s)-1]))
	if m.fn != nil {
		m.room = m.stackLast - m.fn.pushBytes
	}
}

// Start prepares m to run quotation q (a KQuot or KCurry value of m's heap,
// whose reference m takes over) on its current stack. The next Run begins it.
func (m *Machine) Start(q gc.Value) error {
	m.funcs = m.Prog.Funcs()
	for q.K == gc.KCurry {
		x, inner := m.Heap.CurryParts(q)
		m.Heap.Retain(x)
		m.Heap.Retain(inner)
		m.Heap.Release(q)
		if err := m.ensure(1); err != nil {
			return err
		}
		m.sp++
		m.stack[m.sp] = x
		q = inner
	}
	if q.K != gc.KQuot || int(q.X) >= len(m.funcs) {
		return errType
	}
	fn := m.funcs[q.X]
	m.fn, m.pc, m.fp, m.lbase, m.ltop = fn, 0, 0, 0, fn.NLocals
	m.room = m.stackLast - fn.pushBytes
	if len(m.locals) <= fn.NLocals {
		m.setLocals(make([]gc.Value, fn.NLocals+1)) // small, as the stack; growLocals grows it
	}
	m.Failure = nil
	m.SetExitReason(gc.Nil)
	if err := m.ensure(fn.MaxPush); err != nil {
		m.fail(errStackOverflow.Reason) // reported as a failure at the start
		return err
	}
	return nil
}

// StartFunc prepares m to run function index f of the program.
func (m *Machine) StartFunc(f uint32) error { return m.Start(gc.Quot(f)) }

// ensure makes room for n more values on the stack.
func (m *Machine) ensure(n int) error {
	need := m.sp + n + 1
	if need <= len(m.stack) {
		return nil
	}
	if need > MaxStackDepth+1 {
		return errStackOverflow
	}
	size := 2 * len(m.stack)
	for size < need {
		size *= 2
	}
	ns := make([]gc.Value, size)
	copy(ns, m.stack[:m.sp+1])
	m.setStack(ns)
	return nil
}

// Depth returns the number of values on the stack.
func (m *Machine) Depth() int { return m.sp }

// Push pushes v (the stack takes over its reference). For hosts and
// builtins: the machine's state is written back while they run.
func (m *Machine) Push(v gc.Value) error {
	if m.sp+1 >= len(m.stack) {
		if err := m.ensure(1); err != nil {
			m.Heap.Release(v)
			return err
		}
	}
	m.sp++
	m.stack[m.sp] = v
	return nil
}

// Pop pops the top value; the caller takes over its reference.
func (m *Machine) Pop() (gc.Value, error) {
	if m.sp == 0 {
		return gc.Nil, errUnderflow
	}
	v := m.stack[m.sp]
	m.sp--
	return v, nil
}

// Peek returns the value n below the top (0 is the top), borrowed.
func (m *Machine) Peek(n int) (gc.Value, error) {
	if n < 0 || n >= m.sp {
		return gc.Nil, errUnderflow
	}
	return m.stack[m.sp-n], nil
}

// Need fails with :stack-underflow unless the stack holds n values.
func (m *Machine) Need(n int) error {
	if m.sp < n {
		return errUnderflow
	}
	return nil
}

// Stack returns the values on the stack, bottom first (a view).
func (m *Machine) Stack() []gc.Value { return m.stack[1 : m.sp+1] }

// DropAll releases every value on the stack.
func (m *Machine) DropAll() {
	for m.sp > 0 {
		m.Heap.Release(m.stack[m.sp])
		m.sp--
	}
}

// Roots returns every place m holds heap references, for gc.Heap.Collect.
func (m *Machine) Roots() [][]gc.Value {
	return [][]gc.Value{m.stack[1 : m.sp+1], m.locals, m.Mailbox.Values(), {m.ExitReason(), m.args()}}
}

// collect runs the cycle collector; the machine's state must be written back.
func (m *Machine) collect() { m.Heap.Collect(m.Roots()...) }

// Reset drops the stack and the locals and abandons the running code, as
// the REPL does after a failure. The mailbox is kept.
func (m *Machine) Reset() {
	m.unpark()
	m.DropAll()
	for i, v := range m.locals {
		if v != gc.Nil {
			m.Heap.Release(v)
			m.locals[i] = gc.Nil
		}
	}
	for i := range m.frames[:m.fp] {
		m.frames[i] = frame{}
	}
	m.fn, m.fp, m.lbase, m.ltop = nil, 0, 0, 0
}

// Release frees everything the machine holds (when its actor has ended).
func (m *Machine) Release() {
	m.Reset()
	for m.Mailbox.Len() > 0 {
		m.Heap.Release(m.Mailbox.Take(0))
	}
	if x := m.x; x != nil {
		m.Heap.Release(x.exitReason)
		m.Heap.Release(x.args)
		x.exitReason, x.args = gc.Nil, gc.Nil
	}
}

// Queue is a FIFO of values with removal from the middle (selective receive).
type Queue struct {
	buf  []gc.Value
	head int
}

// Len returns the number of queued values.
func (q *Queue) Len() int { return len(q.buf) - q.head }

// Append adds v at the end. Taken slots at the front are reused when the
// buffer is full, so a queue that never empties does not grow without end.
func (q *Queue) Append(v gc.Value) {
	if q.head > 0 && (q.head == len(q.buf) || len(q.buf) == cap(q.buf) && q.head >= len(q.buf)/2) {
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:])
		q.buf, q.head = q.buf[:n], 0
	}
	if q.buf == nil {
		q.buf = make([]gc.Value, 0, minQueueCap)
	}
	q.buf = append(q.buf, v)
}

// minQueueCap is the capacity of a queue's first buffer: a cache line of
// Values. A sender on another core writes a mailbox's buffer; a buffer of
// the 16- or 32-byte size class would share its line with other actors'
// (independent pingpong pairs on 2 workers paid for it at every message).
const minQueueCap = 4

// At returns the i-th value (0 is the oldest), borrowed.
func (q *Queue) At(i int) gc.Value { return q.buf[q.head+i] }

// Take removes and returns the i-th value.
func (q *Queue) Take(i int) gc.Value {
	v := q.buf[q.head+i]
	if i == 0 {
		q.buf[q.head] = gc.Nil
		q.head++
		if q.head == len(q.buf) {
			q.buf, q.head = q.buf[:0], 0
		}
		return v
	}
	copy(q.buf[q.head+i:], q.buf[q.head+i+1:])
	q.buf[len(q.buf)-1] = gc.Nil
	q.buf = q.buf[:len(q.buf)-1]
	return v
}

// Values returns the queued values, oldest first (a view).
func (q *Queue) Values() []gc.Value { return q.buf[q.head:] }

// Output is the program's standard output, shared by its actors.
type Output struct {
	mu  sync.Mutex    // guards buf
	dst io.Writer     // read-only
	buf *bufio.Writer // made at the first Write: a run that prints nothing allocates no buffer
}

// NewOutput returns an Output writing to w through a buffer.
func NewOutput(w io.Writer) *Output { return &Output{dst: w} }

// Write writes p (whole) to the output.
func (o *Output) Write(p []byte) {
	o.mu.Lock()
	if o.buf == nil {
		o.buf = bufio.NewWriterSize(o.dst, 64<<10)
	}
	o.buf.Write(p)
	o.mu.Unlock()
}

// Flush writes out what is buffered.
func (o *Output) Flush() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.buf == nil {
		return nil
	}
	return o.buf.Flush()
}

// Host is the actor runtime, as the interpreter needs it: the scheduler
// implements it. Every method runs on the worker that runs m, with m's state
// written back, and works on m's stack through Push, Pop and Peek.
//
// A method returns nil when the word is done, ErrBlock when the actor must
// wait (the stack is left as it was; the word runs again when the actor is
// woken), ErrYield when the word is done but the actor should give up its
// turn, an *Exit to end the actor, or any other error to fail it.
type Host interface {
	// Actor performs actor or supervisor word w.
	Actor(m *Machine, w ActorWord) error
	// Fetch moves messages that have arrived for m into m.Mailbox (copied
	// into m.Heap) and reports whether it moved any. When there were none
	// and wait is set, the host arranges for m to be woken by the next
	// message; the interpreter then returns StatusBlocked.
	Fetch(m *Machine, wait bool) bool
}

// Errors a Host or builtin returns to steer the interpreter.
var (
	ErrBlock = errors.New("interp: block")
	ErrYield = errors.New("interp: yield")
)

// Exit is the error that ends an actor with a reason (the exit word).
type Exit struct{ Reason gc.Value }

// Error returns "exit": the reason is a value.
func (e *Exit) Error() string { return "exit" }

// StackText returns the stack as the final-stack line prints it: values in
// .s form, bottom first, separated by one space ("" when empty).
func (m *Machine) StackText() string {
	var b []byte
	for i, v := range m.Stack() {
		if i > 0 {
			b = append(b, ' ')
		}
		b = AppendValue(b, m.Heap, m.Prog.Funcs(), v, true)
	}
	return string(b)
}

// StackLine returns the stack as .s prints it: `<3> 1 2 3`, `<0>` when empty.
func (m *Machine) StackLine() string {
	b := strconv.AppendInt([]byte{'<'}, int64(m.sp), 10)
	b = append(b, '>')
	if s := m.StackText(); s != "" {
		b = append(append(b, ' '), s...)
	}
	return string(b)
}

// SetArgs gives the program its command-line arguments (the args word).
func (m *Machine) SetArgs(args []string) error {
	elems := make([]gc.Value, 0, len(args))
	for _, a := range args {
		s, err := m.Heap.NewString([]byte(a))
		if err != nil {
			return err
		}
		elems = append(elems, s)
	}
	arr, err := m.Heap.ArrayOf(elems)
	if err != nil {
		return err
	}
	x := m.ext()
	m.Heap.Release(x.args)
	x.args = arr
	return nil
}
