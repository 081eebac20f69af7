package interp

// This file defines the interpreter's side of native code: the Native
// interface a compiler (package jit) implements, the state block native
// code works on, and Run's loop when a program has a compiler. The
// interpreter stays the reference and the tier every function starts in;
// native code runs functions (and loops, entered at their headers) that
// the compiler took, and leaves to the interpreter for whatever it does not
// do itself.
//
// Entering. With a compiler, Run interprets in chunks of at most
// Native.Chunk() reductions. Between chunks it tells the compiler where the
// reductions went (Native.Count: that is how code gets hot) and asks it for
// native code at the current function and pc (Native.Entry); the points a
// chunk ends at are the ones native code can be entered at: function
// entries, loop headers (targets of backward jumps) and returns into a
// function after a call. So a loop that runs long in a word called once is
// entered while it runs, with the interpreter's state handed over.
//
// Leaving. Native code leaves with the machine's state written back: the
// data stack (m.stack up to NativeState.SP), the locals of every frame
// (m.locals), and its own frames on the native stack, which Native.Frames
// lists and materialize turns into interpreter frames. What happens then
// depends on NativeState.Exit:
//
//	ExitInterp     go on in the interpreter at PC (a type guard failed, an
//	               error is coming that the interpreter reports, an
//	               instruction native code does not run, a call of code that
//	               is not native)
//	ExitStep       run the one instruction at PC in the interpreter (a
//	               builtin, an actor word, an allocation), then re-enter at
//	               Resume; its frames stay native
//	ExitFuel       the reduction budget ran out: the actor yields at PC;
//	               deep native frames may be parked (Native.Park) and the
//	               run goes on at Resume in the next Run
//	ExitReturn     the function native code was entered in returned
//	ExitRelease    release the value in Aux/AuxK (its last reference) and
//	               re-enter at Resume
//	ExitGrowStack  make room for Aux values above SP on the data stack, or
//	ExitGrowLocals for Aux locals from LB, and re-enter at Resume; when
//	               that fails, go on in the interpreter at PC
//
// Exits that re-enter keep native code's registers (it saves them on its
// own stack); the stack and the locals may move meanwhile, so native code
// reloads its pointers from the state block after every exit.

import (
	"unsafe"

	"github.com/raftvm/raft/gc"
)

// Native is a compiler of Raft functions to native code, installed in a
// Program (Program.Native). Its methods are called by the machines of the
// program, from any worker, concurrently.
type Native interface {
	// Entry returns the address at which native code for fn starts at pc,
	// or 0 when there is none (not compiled, or no entry at that pc).
	Entry(fn *Func, pc int) uintptr
	// Count tells the compiler that fn, now at pc, ran reductions more in
	// the interpreter: hot functions get compiled. m is the machine that
	// ran them, stopped at pc; a compiler may read m.Frame for a
	// hint of the kinds fn works on, during the call only.
	Count(fn *Func, pc int, reductions int, m *Machine)
	// Begin prepares st for a run of native code (its native stack);
	// End releases that again.
	Begin(st *NativeState)
	End(st *NativeState)
	// Enter runs native code at code with st until it exits.
	Enter(st *NativeState, code uintptr)
	// Chunk returns the most reductions the interpreter runs in fn before
	// it looks for native code again.
	Chunk(fn *Func) int
	// Park reports whether a run that ran out of budget keeps its native
	// frames until it goes on (it then holds its native stack); else its
	// frames are written back to the interpreter's.
	Park(st *NativeState) bool
	// Writeback writes what an exit leaves to write back to memory:
	// values for stack slots (Base plus idx) and locals (LB plus idx), and
	// values whose count must go up (WriteRetain). It does nothing when
	// the last exit had nothing to write. When a parked run goes on,
	// Unwrite says what to take back of that (native code has the values
	// again): locals to make nil again (WriteLocal, gc.Nil), values to
	// release (WriteRetain).
	Writeback(st *NativeState, f func(where WriteTo, idx int, v gc.Value))
	Unwrite(st *NativeState, f func(where WriteTo, idx int, v gc.Value))
	// Frames calls f for each native frame below the innermost one at the
	// last exit, outermost first: the function, the pc of its call in
	// progress, and the index of its locals.
	Frames(st *NativeState, f func(fn uint32, callPC, lbase int))
}

// NativeState is the block native code works on: pointer-free, so that
// native code may read and write it without Go's write barriers. Native
// code finds it in a register; the offsets of its fields are part of the
// protocol (the compiler reads them with unsafe.Offsetof).
type NativeState struct {
	// Written by the machine before every entry and re-entry.
	StackBase  uintptr // &stack[0]: the data stack (values 1..SP)
	StackLast  uintptr // &stack[len-1]: the last slot native code may write
	LocalsBase uintptr // &locals[0]
	LocalsLen  int64   // len(locals)
	Rcs        uintptr // the heap's arena (gc.Heap.Arena): counts
	Hdrs       uintptr // headers
	Vals       uintptr // the slab of Values
	Bytes      uintptr // the slab of bytes
	Calls      uintptr // the compiler's table of entries, one per function (Native's own)

	// In and out: the machine's registers.
	FP     int64 // frames the interpreter holds below native code (MaxCallDepth counts them too)
	Blocks int64 // steps that blocked (receive with nothing to take): the machine counts, for statistics
	SP     int64 // the index of the top of the data stack
	LB     int64 // the index of the current function's locals
	Base   int64 // native code's own stack index, kept over exits that re-enter
	Budget int64 // reductions left

	// Written by native code when it exits.
	Exit   int64   // why (Exit*)
	Why    int64   // the compiler's finer reason, for its statistics
	Site   int64   // the compiler's number of the exit, for its feedback
	PC     int64   // the pc at which the interpreter goes on
	Fn     int64   // the function of the innermost frame
	Aux    uint64  // a helper's argument: a count, or a value's payload
	AuxK   int64   // the kind of that value
	Resume uintptr // where to re-enter after ExitStep, ExitRelease, ExitGrow*

	// Pending is set by the compiler when the last exit left values to
	// write back (Native.Writeback).
	Pending int64

	// Objects native code dropped the last reference to, to free (kind,
	// handle pairs): it frees them here, Go frees them at the next exit;
	// when the list is full, it exits with ExitRelease.
	NFree int64
	Free  [2 * MaxFrees]uint64

	// The compiler's own: its native stack, the trampoline's saved state,
	// and native code's registers at an exit.
	Private [16]uintptr
	Regs    [48]uint64
}

// WriteTo says where Native.Writeback writes a value.
type WriteTo uint8

const (
	WriteStack  WriteTo = iota // the stack slot Base+idx
	WriteLocal                 // the local LB+idx
	WriteRetain                // nowhere: its count goes up
)

// writeback writes what the last exit left to write.
func (m *Machine) writeback(s *NativeState) {
	m.Prog.Native.Writeback(s, func(where WriteTo, idx int, v gc.Value) {
		switch where {
		case WriteStack:
			m.stack[int(s.Base)+idx] = v
		case WriteLocal:
			m.locals[int(s.LB)+idx] = v
		default:
			m.Heap.Retain(v)
		}
	})
}

// MaxFrees is the room of NativeState.Free.
const MaxFrees = 32

// flushFrees frees the objects native code left in s.Free.
func (m *Machine) flushFrees(s *NativeState) {
	for i := 0; i < int(s.NFree); i++ {
		m.Heap.ReleaseLast(gc.Value{K: gc.Kind(s.Free[2*i]), X: s.Free[2*i+1]})
	}
	s.NFree = 0
}

// Exit reasons (NativeState.Exit).
const (
	ExitInterp = iota + 1
	ExitStep
	ExitFuel
	ExitReturn
	ExitRelease
	ExitGrowStack
	ExitGrowLocals
)

// returnWeight is what a return from native code into an interpreted
// caller counts toward the caller's compilation (Native.Count).
const returnWeight = 8

// statusStepped is what runStep returns when it has run its instruction,
// and errStepped what stops its loop there.
const statusStepped Status = 0xff

var errStepped = &stepSignal{}

// stepSignal is errStepped's type: a concrete type, so that comparing an
// error with errStepped is two compares, not a call.
type stepSignal struct{}

func (*stepSignal) Error() string { return "interp: stepped" }

// runMixed is Run when the program has a compiler: native code where there
// is some, the interpreter elsewhere.
func (m *Machine) runMixed(budget int) Status {
	nat := m.Prog.Native
	m.funcs = m.Prog.Funcs()
	left := budget
	noEnter := false // the last native run left at this pc for the interpreter
	if x := m.x; x != nil && x.natParked {
		// Native code yielded with its frames kept: it goes on, and takes
		// back what its exit wrote (native code holds those values).
		x.natParked = false
		s := x.nat
		nat.Unwrite(s, func(where WriteTo, idx int, v gc.Value) {
			if where == WriteLocal {
				m.locals[int(s.LB)+idx] = v
			} else {
				m.Heap.Release(v)
			}
		})
		if st, done := m.runNative(s.Resume, &left, true); done {
			return st
		}
		noEnter = s.Exit != ExitReturn
	}
	for {
		if m.fn == nil {
			return StatusDone
		}
		if left <= 0 {
			if m.Heap.NeedsCollect() {
				m.collect()
			}
			return StatusYield
		}
		if !noEnter {
			if code := nat.Entry(m.fn, m.pc); code != 0 {
				st, done := m.runNative(code, &left, false)
				if done {
					return st
				}
				// Native code left for the interpreter here; but after a
				// return into an interpreted caller, native code may go on
				// at once where the call returns.
				noEnter = m.x.nat.Exit != ExitReturn
				continue
			}
		}
		noEnter = false
		chunk := min(left, nat.Chunk(m.fn))
		before := m.Reductions
		st := m.run(chunk)
		spent := int(m.Reductions - before)
		left -= spent
		if st != StatusYield || m.budget > 0 { // ended, blocked, failed, or a yield of its own
			return st
		}
		nat.Count(m.fn, m.pc, spent, m)
	}
}

// runNative runs native code from code until it leaves for the interpreter
// or the actor must stop. It reports the status and true when Run should
// return it, false when the interpreter goes on from m's state.
func (m *Machine) runNative(code uintptr, left *int, resume bool) (Status, bool) {
	nat := m.Prog.Native
	x := m.ext()
	s := x.nat
	if s == nil {
		s = new(NativeState)
		x.nat = s
	}
	if !resume {
		s.FP = int64(m.fp)
		nat.Begin(s)
		s.SP, s.LB = int64(m.sp), int64(m.lbase)
	}
	x.natOpen = true
	defer func() {
		if !x.natParked {
			x.natOpen = false
			nat.End(s)
		}
	}()
	s.Budget = int64(*left)
	for {
		m.fillNative(s)
		nat.Enter(s, code)
		spent := int(int64(*left) - s.Budget)
		m.Reductions += uint64(spent)
		*left = int(s.Budget)
		if s.NFree > 0 {
			m.flushFrees(s)
		}
		if s.Pending != 0 {
			m.writeback(s)
		}
		switch s.Exit {
		case ExitStep:
			fn, pc := m.funcs[s.Fn], int(s.PC)
			op := Op(fn.Code[pc])
			if fastOps[op] && m.fastStep(s, fn, pc, op) {
				code = s.Resume
				continue
			}
			m.fn, m.pc, m.sp, m.lbase = fn, pc, int(s.SP), int(s.LB)
			m.room = m.stackLast - fn.pushBytes
			back := true
			if x.natOpen && op.changesFrames() {
				// A call made or a return taken goes on from the frames
				// native code keeps: they are the interpreter's first,
				// and the run does not come back to native code.
				m.pushNativeFrames(s)
				back = false
			}
			next, fp := pc+op.Size(), m.fp
			st := m.runStep(*left)
			*left = m.budget
			if back && st == statusStepped && m.fn == fn && m.pc == next && m.fp == fp {
				s.SP = int64(m.sp)
				code = s.Resume
				continue
			}
			if x.natOpen {
				m.pushNativeFrames(s)
			}
			if st == StatusBlocked {
				s.Blocks++
			}
			if st == statusStepped {
				return 0, false
			}
			return st, true
		case ExitRelease:
			m.Heap.ReleaseLast(gc.Value{K: gc.Kind(s.AuxK), X: s.Aux})
			code = s.Resume
			continue
		case ExitGrowStack:
			m.sp = int(s.SP)
			if m.ensure(int(s.Aux)) == nil {
				code = s.Resume
				continue
			}
			return m.leave(s)
		case ExitGrowLocals:
			m.ltop = int(s.LB)
			if n := m.ltop + int(s.Aux); n < len(m.locals) || m.growLocals(n) == nil { // a slot to spare: see fillNative
				code = s.Resume
				continue
			}
			return m.leave(s)
		case ExitInterp:
			return m.leave(s)
		case ExitFuel:
			*left = 0
			// A run parks only when no collection is due: nothing moves
			// the arena of a parked run (native code may hold what it
			// read of array headers before a loop, jit/hoist.go); one
			// that does not park is written back, and enters again.
			if !m.Heap.NeedsCollect() && nat.Park(s) {
				// Deep native frames are kept for the next run (written
				// back, they would come back to native code one return at
				// a time); the machine's memory is as the interpreter's
				// would be, its frames aside.
				x.natParked = true
				fn := m.funcs[s.Fn]
				m.fn, m.pc, m.sp, m.lbase = fn, int(s.PC), int(s.SP), int(s.LB)
				m.room = m.stackLast - fn.pushBytes
				return 0, false
			}
			return m.leave(s)
		case ExitReturn:
			m.sp = int(s.SP)
			if m.fp == 0 {
				m.fn = nil
				return StatusDone, true
			}
			m.fp--
			fr := &m.frames[m.fp]
			m.fn, m.pc, m.lbase = fr.fn, fr.pc(), m.lbaseOf(fr.lp)
			m.room = m.stackLast - m.fn.pushBytes
			// An interpreted caller of native code: its calls count
			// toward making it native too.
			nat.Count(m.fn, m.pc, returnWeight, m)
			if err := m.ensure(m.fn.MaxPush); err != nil {
				m.fail(errStackOverflow.Reason)
				return StatusFailed, true
			}
			return 0, false
		}
		panic("interp: native code exited without a reason")
	}
}

// fastStep runs the commonest instructions native code leaves to the
// interpreter, those that allocate, without the interpreter's loop, as
// its cases do; it reports false, having changed nothing, when the
// instruction is not one of them or would fail (then the interpreter runs
// it, and fails).
func (m *Machine) fastStep(s *NativeState, fn *Func, pc int, op Op) bool {
	sp := int(s.SP)
	h := m.Heap
	switch op {
	case MakeArray:
		mark := int(m.locals[int(s.LB)+u16(fn.Code, pc+1)].AsInt())
		if mark < 0 || mark > sp {
			return false
		}
		arr, err := h.ArrayOf(m.stack[mark+1 : sp+1])
		if err != nil {
			return false
		}
		m.stack[mark+1] = arr
		s.SP = int64(mark + 1)
		return true
	case Push:
		if sp < 2 || m.stack[sp-1].K != gc.KArr {
			return false
		}
		a, x := m.stack[sp-1], m.stack[sp]
		h.Retain(x) // Push releases x when it fails; the stack keeps its own
		if h.Push(a, x) != nil {
			return false
		}
		h.Release(x)
		h.Release(a)
		s.SP = int64(sp - 2)
		return true
	case MapAt: // m k -- v|nil
		if sp < 2 || m.stack[sp-1].K != gc.KMap {
			return false
		}
		mp, k := m.stack[sp-1], m.stack[sp]
		v, _, err := h.MapGet(mp, k)
		if err != nil {
			return false
		}
		h.Retain(v)
		m.stack[sp-1] = v
		h.Release(k)
		h.Release(mp)
		s.SP = int64(sp - 1)
		return true
	case MapPut: // m k v --
		if sp < 3 || m.stack[sp-2].K != gc.KMap {
			return false
		}
		mp, k, v := m.stack[sp-2], m.stack[sp-1], m.stack[sp]
		if h.MapPut(mp, k, v) != nil { // the map takes v's reference
			return false
		}
		h.Release(k)
		h.Release(mp)
		s.SP = int64(sp - 3)
		return true
	case Builtin:
		if b := &builtins[u16(fn.Code, pc+1)]; b.num != nil && sp >= 1 && (m.stack[sp].K == gc.KInt || m.stack[sp].K == gc.KFloat) {
			// A builtin of one number (int of a float, abs, floor ...):
			// its fast path, as the interpreter's loop takes it.
			if r, ok := b.num(m.stack[sp]); ok {
				m.stack[sp] = r
				return true
			}
		}
		if u16(fn.Code, pc+1) != builtinUnpack || sp < 1 || m.stack[sp].K != gc.KArr {
			return false
		}
		// unpack ( arr -- x1..xn n ), as its builtin does.
		a := m.stack[sp]
		n := h.Len(a)
		m.sp = sp
		if m.ensure(n+1) != nil {
			return false
		}
		h.Spread(a, m.stack[sp:sp+n]) // from a's slot up: ensure made the room
		sp += n
		m.stack[sp] = gc.Int(int64(n))
		s.SP = int64(sp)
		return true
	}
	return false
}

// builtinUnpack is the index of the unpack builtin (fastStep), set by the
// init that defines it: a package-level initializer runs before any init,
// when builtinIndex is still empty.
var builtinUnpack = -1

// fastOps are the instructions fastStep may run.
var fastOps = [256]bool{MakeArray: true, Push: true, Builtin: true, MapAt: true, MapPut: true}

// fillNative writes the machine's memory into s before native code runs.
func (m *Machine) fillNative(s *NativeState) {
	s.StackBase, s.StackLast = m.stackBase, m.stackLast
	// One slot is kept back from native code, as the interpreter's calls
	// keep it (a callee's base is inside the array even when it has no
	// locals): a step or an exit in a function of no locals called at the
	// end of the locals would otherwise start the interpreter at
	// m.locals[len].
	s.LocalsBase, s.LocalsLen = uintptr(unsafe.Pointer(&m.locals[0])), int64(len(m.locals)-1)
	s.Rcs, s.Hdrs, s.Vals, s.Bytes = m.Heap.Arena()
	s.Exit = 0
}

// leave makes the interpreter's state from native code's at its last exit
// (materialize) for the interpreter to go on from.
func (m *Machine) leave(s *NativeState) (Status, bool) {
	if !m.materialize(s) {
		return StatusFailed, true
	}
	return 0, false
}

// materialize makes the interpreter's state from native code's at its last
// exit: the frames native code made become interpreter frames, the
// innermost one the current function at s.PC, and the stack gets the room
// the interpreter needs there. It reports false when that room is not to
// be had: then m has failed with :stack-overflow.
func (m *Machine) materialize(s *NativeState) bool {
	m.pushNativeFrames(s)
	fn := m.funcs[s.Fn]
	m.fn, m.pc, m.sp, m.lbase = fn, int(s.PC), int(s.SP), int(s.LB)
	m.ltop = m.lbase + fn.NLocals
	m.room = m.stackLast - fn.pushBytes
	if m.ensure(fn.MaxPush) != nil {
		// Within MaxPush of the stack's limit: the interpreter would have
		// failed at its last check point.
		m.fail(errStackOverflow.Reason)
		return false
	}
	return true
}

// changesFrames reports whether running op may call or return: a step of
// it leaves the frame it started in. These are the ops flagged fCall or
// fEnd and the superinstructions with such a part (TestChangesFrames); a
// table made at init instead moved run's code and its dispatch across a
// line (see runPhase).
func (op Op) changesFrames() bool {
	switch op {
	case Call, CallQuot, Return, ReturnIfEqK, ReturnIfNeK, ReturnIfLtK, ReturnIfGtK, ReturnIfLeK, ReturnIfGeK:
		return true
	}
	return false
}

// pushNativeFrames turns the frames native code made below its innermost
// one into interpreter frames, on top of m's.
func (m *Machine) pushNativeFrames(s *NativeState) {
	m.x.natOpen = false
	m.Prog.Native.Frames(s, func(f uint32, callPC, lbase int) {
		if m.fp+1 >= len(m.frames) {
			m.growFrames()
		}
		fn := m.funcs[f]
		m.frames[m.fp] = frame{ret: unsafe.Pointer(&fn.Code[callPC+Op(fn.Code[callPC]).Size()]), lp: unsafe.Pointer(&m.locals[lbase]), fn: fn}
		m.fp++
	})
}

// unpark abandons a parked run of native code (the actor is being reset or
// released): its memory state is the machine's, its native stack goes back.
func (m *Machine) unpark() {
	if x := m.x; x != nil && x.natParked {
		x.natParked, x.natOpen = false, false
		m.Prog.Native.End(x.nat)
	}
}

// frameTop is how many slots at the top of the data stack Frame returns.
const frameTop = 8

// Frame returns the values the current function holds in its locals and
// the top frameTop values of the data stack (the top last): what a
// compiler may take as a hint of the kinds the function computes with, as
// a loop that has run holds its values there. The slices are m's own: to
// read during Native.Count, never to keep or change.
func (m *Machine) Frame() (locals, top []gc.Value) {
	if m.fn != nil {
		locals = m.locals[m.lbase:min(m.lbase+m.fn.NLocals, len(m.locals))]
	}
	return locals, m.stack[max(1, m.sp-frameTop+1) : m.sp+1]
}
