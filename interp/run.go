package interp

// This file defines the interpreter: one loop, one switch over the opcodes.
//
// Register caching: while the loop runs, four things live in Go locals:
// ip (the instruction), sp (the top slot of the data stack), tos (the top
// value itself) and lp (the current call's locals). They are pointers, not slices: the verifier has
// checked every operand and jump, and the headroom rule (verify.go) keeps
// every push inside the stack, so the loop needs no bounds checks, and the
// live set is small enough that the Go compiler keeps it in registers
// (measured: with slices and indexes, 15 values were spilled and reloaded
// around every dispatch). Everything else (the function, frame pointer,
// budget) stays in the Machine.
//
// No register is live across a call. The Go compiler spills a loop
// variable that is live across any call where the loop's paths meet, which
// is the dispatch: before this rule every instruction paid five stores
// (ip, sp, both words of tos, lp). So every call in a case sits between
// spill and reload, which keep the registers in m, or takes the registers
// and gives them back (freeLast, makeRoom, arrayOf); a value read after a
// call is read from what reload returned, not from a copy made before it.
// TestDispatchHasNoSpills checks it with `go tool objdump` on amd64.
// Measured: loop 23% and collatz 7% faster, fib 4-10%.
//
// The slot at sp is stale while tos holds the top value. The state is
// written back to the Machine (save) before anything that reads it there: a
// builtin or host call, a yield, a block, a failure; load reads it again.
// Cases keep the int fast path inline, and for Add Sub Mul Div, AddK...DivK,
// AddLocal and the fused compare-and-branch cases the float one too (two
// floats, or a float and a float constant: mandelbrot 56% and leibniz 35%
// fewer instructions, ints level), and call a named function for the rest
// (arith, compare, Equal). The float code is written out by hand: a call
// (floatOp) keeps the loop's registers across it, and run is too near the
// "big function" size for the compiler to inline one. TwoDup and SetK,
// rare in any loop of bench/, went to cold to make room.

// Measured and dropped (callgrind instruction counts of bench/ workloads,
// see the commit messages for figures):
//   - A call-free fast tier handing every other instruction to a full loop
//     one at a time: the spills at the dispatch went (one of five left) but
//     phi moves and extra checks made fib 15% slower. (No register live
//     across a call, above, got rid of all five spills in the one loop.)
//   - Guard values below the stack bottom instead of comparing sp with the
//     base (the kind check looked cheaper): 7% more instructions.
//   - The locals pointer in the Machine instead of a local: within noise.
//   - Profile-guided optimization (a default.pgo from the bench/ profiles):
//     8-16% more instructions on every workload.
//   - Covering all 256 opcode bytes with cases, to drop the jump table's
//     range check: the compiler made a binary search of the switch instead.
//   - A helper for the slow path shared by DupJumpIfNot*K and ReturnIf*K:
//     collatz +22% instructions.
//   - Wall-time "layout effects" measured before runPhase existed (the
//     AddLocalLoop case placed among the compares: collatz 1.22x, fib
//     1.18x with the same instructions; JumpIfLocalsTrue: sieve 8% fewer
//     instructions, fib 1.13x) were, at least in part, run moving by half
//     a line (see runPhase). JumpIfLocalsTrue, measured again with run in
//     place: sieve 11% fewer instructions and 0.94x, the others level; it
//     stays.
//   - Masking the opcode (& 0x7f, all 128 values with cases) to drop the
//     jump table's range check: the compiler kept the unmasked byte too,
//     and spilled two registers at the dispatch.
//   - The reduction budget in a local of run whose address is taken, for
//     a stack access in place of one through m: 3% more instructions on
//     loop, and loop 0.95x, fib 1.06x, collatz 1.04x (alternating runs, run
//     in the good place; the moves are within what code placement inside
//     run does).
//   - The non-int path of AddIndexLoop in cold: the compiler moved the
//     registers about, 16% more instructions on loop.
//   - No headroom check at a backward jump (a test of the idea only: it is
//     needed): loop 12% fewer instructions, but 3% slower. The loop
//     workload is not bound by instruction count but by the backward jump
//     (see unroll in relink.go).
//   - Unrolling +loop by a local as well (a PlusLoopStep): sieve 3% fewer
//     instructions, 2% faster, within noise; not worth the opcode.
//   - The slow paths' spill, arith and reload folded into one call
//     (arithSlow, passing and returning the registers as cold does), to
//     make room for int fast paths of and/or/xor: fib 9%, loop 16% more
//     instructions with the folding alone, run still under the big size;
//     with and/or/xor, xorshift 0.83x but collatz 1.21x. Dropped.
//   - Room for LocalGetK (p 0 get, an array in a local): CallQuot's
//     curried path as a helper (uncurry) made room, but fib ran 9% more
//     instructions with the same bytecode; MakeArray in cold cost
//     bintrees 4%. MakeArray calls a helper (makeArray) instead: bintrees
//     +0.7%, the rest level. GetK (0 get of an array on the stack) as a
//     case did not fit: it is in cold, and the compiler emits it only
//     inside LocalGetK (fuseLocalGetK).
//   - The frame pointer in a register (a pointer to frames[fp]) to shorten
//     the chain of loads from a return to the next dispatch: one register
//     too many, one spill at the dispatch, 5-20% more instructions. The
//     heap pointer read from m at each use instead of kept in h: 15-30%
//     more.
//
// Room in run: the compiler counts run's size before it inlines, and a
// closure called once is inlined whatever its size (up to 800), its body not
// counted into run's. Code that is rare and does not touch the loop's
// registers in a loop goes there: the end of run (the switch over why it
// stopped). A failure that needs no more than err takes one goto
// (underflow), and every conditional jump one (branch, which charges a
// backward jump). Measured: level instruction counts on bench/; a closure over
// CallQuot's curried loop, which writes the registers, made the compiler
// spill tos at the dispatch (TestDispatchHasNoSpills), so it stays inline.
//   - An int and a float in + - * / in the loop (the binary ops turning
//     the int into a float and running again; AddK...DivK converting an
//     int constant): spectralnorm 6% fewer instructions, the float
//     workloads level in instructions, but leibniz, integrate and heat
//     1.2-1.35x in user time (min of 5, interleaved), the corpus 1.03x.
//     The dispatch's line in the profile doubled: the indirect jump is
//     predicted worse when run's code moves. TestMixedArith keeps the
//     results; they come from arith.
//   - JumpIfLt...JumpIfGe for "< not if" (Lt then JumpIfTrue: not
//     JumpIfNotGe, which differs on NaN), as cases in run or in cold:
//     with more than one new opcode in the switch the compiler spilled sp
//     at the dispatch (TestDispatchHasNoSpills), wherever the labels
//     went and whatever the numbering. LocalJumpIfNotEqK, added after the
//     last opcode, was the one new value the switch took.
//   - Neg (int and float) and Rot as cases in the loop instead of cold:
//     digits 0.92x, popcount 1.03x, heat 1.01x, leibniz 1.02x, fib 1.06x
//     (min of 5): level, they stay in cold.
//
// Two cliffs made added cases look costly before they were understood: a
// register live across a call anywhere spilled at every dispatch, and run
// past the Go compiler's "big function" size stops inlining its helpers
// (TestRunNotBig). A DupModK case once made fib 8% and loop 16% slower;
// with both cliffs avoided it took collatz 15% faster and cost nothing
// elsewhere. It went again to make room for Set's fast path (run has no
// room for both): Set is in 20 of the corpus's 27 programs, DupModK paid
// on collatz and digits. Measure a superinstruction over all of bench/
// and the corpus all the same.

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unsafe"

	"github.com/raftvm/raft/gc"
)

// uintptr(vsize) is the size of a Value in bytes.
const vsize = int(unsafe.Sizeof(gc.Value{}))

func u16(code []byte, pc int) int    { return int(binary.LittleEndian.Uint16(code[pc:])) }
func u32(code []byte, pc int) uint32 { return binary.LittleEndian.Uint32(code[pc:]) }

// jumpTarget returns the absolute target of the jump-like instruction at pc.
func jumpTarget(code []byte, pc int) int {
	return pc + int(int32(u32(code, pc+targetOffset(Op(code[pc])))))
}

// inlineValue returns the value stored in the PushConst instruction at pc.
func inlineValue(code []byte, pc int) gc.Value {
	return gc.Value{K: gc.Kind(code[pc+1]), X: binary.LittleEndian.Uint64(code[pc+2:])}
}

// Unchecked accessors for the loop (little endian, unaligned: amd64, arm64).
func argU16(ip unsafe.Pointer, off uintptr) uintptr { return uintptr(*(*uint16)(unsafe.Add(ip, off))) }
func argU32(ip unsafe.Pointer, off uintptr) uint32  { return *(*uint32)(unsafe.Add(ip, off)) }
func argRel(ip unsafe.Pointer, off uintptr) int     { return int(*(*int32)(unsafe.Add(ip, off))) }

// short reports whether m's stack, whose top slot is sp, holds fewer than n values.
func short(sp unsafe.Pointer, m *Machine, n uintptr) bool {
	return uintptr(sp) < m.stackBase+n*uintptr(vsize)
}

// slot returns the value i slots from p (i may be negative).
func slot(p unsafe.Pointer, i int) *gc.Value { return (*gc.Value)(unsafe.Add(p, i*vsize)) }

// DefaultBudget is the reductions an actor runs before it yields (BEAM's figure).
const DefaultBudget = 4000

// Run runs m for at most budget reductions (calls and backward jumps) and
// reports why it stopped. Run again after StatusYield or, once woken, after
// StatusBlocked. When the program is being profiled, the slice is at most
// ProfileBudget reductions and its stack is sampled at the end.
func (m *Machine) Run(budget int) Status {
	p := m.Prog.Prof
	if p == nil { // direct calls: a method value's wrapper cost an actor switch a call more
		if m.Prog.Native != nil {
			return m.runMixed(budget)
		}
		return m.run(budget)
	}
	run := m.run
	if m.Prog.Native != nil {
		run = m.runMixed
	}
	before := m.Reductions
	st := run(min(budget, ProfileBudget))
	p.record(m, int64(m.Reductions-before))
	return st
}

// runPhase (0 or 1) sets the size of layoutPad, just before run: 32 or 64
// bytes, which moves run by half a 64-byte line of code (amd64 aligns
// functions to 32 bytes). It matters: the dispatch, the few instructions
// every opcode runs, crosses a line at one of the two places, and that cost
// fib 11%, collatz 20% and sieve 6% (alternating runs). It was the "layout
// effect" of earlier notes: any change to the code before run flipped it.
// TestDispatchInOneLine fails when the dispatch of the raft binary crosses
// a line; then flip runPhase.
const runPhase = 1

// layoutPad is 32 or 64 bytes of code (runPhase) that moves run. NewProgram
// calls it so that the linker keeps it; it counts into p.
//
//go:noinline
func layoutPad(p *[8]uint32) {
	p[0]++
	if runPhase == 1 {
		p[1] += p[0]
		p[2] += p[1]
		p[3] += p[2]
	}
}

// run is Run without the profile.
//
//go:generate go run gencount.go
func (m *Machine) run(budget int) Status {
	if m.fn == nil {
		return StatusDone
	}
	if m.Count != nil {
		return m.runCounting(budget)
	}
	m.funcs = m.Prog.Funcs()
	m.budget = budget
	var (
		sp     = unsafe.Add(unsafe.Pointer(&m.stack[0]), m.sp*vsize)
		ip     = unsafe.Pointer(&m.fn.Code[m.pc])
		tos    = *(*gc.Value)(sp)
		lp     = unsafe.Pointer(&m.locals[m.lbase]) // written back to m.lbase when Run returns
		h      = m.Heap
		err    error
		callee *Func          // for doCall
		ret    unsafe.Pointer // return ip for doCall
		off    int            // jump offset for branch
	)

loop:
	for {
		// count: m.Count.op(Op(*(*byte)(ip)))
		switch Op(*(*byte)(ip)) {
		case PushConst:
			*(*gc.Value)(sp) = tos
			sp = unsafe.Add(sp, vsize)
			tos = gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 1))), X: *(*uint64)(unsafe.Add(ip, 2))}
			ip = unsafe.Add(ip, 10)
		case Pop:
			if short(sp, m, 1) {
				goto underflow
			}
			if h.Drop(tos) {
				ip, sp, tos, lp = freeLast(h, tos, ip, sp, tos, lp)
			}
			sp = unsafe.Add(sp, -vsize)
			tos = *(*gc.Value)(sp)
			ip = unsafe.Add(ip, 1)
		case Dup:
			if short(sp, m, 1) {
				goto underflow
			}
			h.Retain(tos)
			*(*gc.Value)(sp) = tos
			sp = unsafe.Add(sp, vsize)
			ip = unsafe.Add(ip, 1)
		case Swap:
			if short(sp, m, 2) {
				goto underflow
			}
			b := slot(sp, -1)
			tos, *b = *b, tos
			ip = unsafe.Add(ip, 1)
		case Over:
			if short(sp, m, 2) {
				goto underflow
			}
			v := *slot(sp, -1)
			h.Retain(v)
			*(*gc.Value)(sp) = tos
			sp = unsafe.Add(sp, vsize)
			tos = v
			ip = unsafe.Add(ip, 1)
		case Nip:
			if short(sp, m, 2) {
				goto underflow
			}
			sp = unsafe.Add(sp, -vsize)
			if h.Drop(*(*gc.Value)(sp)) {
				ip, sp, tos, lp = freeLast(h, *(*gc.Value)(sp), ip, sp, tos, lp)
			}
			ip = unsafe.Add(ip, 1)
		case Add, Sub, Mul, Div, Mod, Exp, Min, Max, And, Or, Xor, Lshift, Rshift:
			// The bitwise words share the two-int path, and and or xor
			// of two bools too; a shift by a count out of 0..63 goes the
			// slow way, to logic.
			if short(sp, m, 2) {
				goto underflow
			}
			a := *slot(sp, -1)
			op := Op(*(*byte)(ip))
			if a.K == gc.KInt && tos.K == gc.KInt || a.K == gc.KBool && tos.K == gc.KBool && op >= And && op <= Xor { // bools are 0 and 1: and or xor bitwise
				switch op {
				case Add:
					tos.X = a.X + tos.X
				case Sub:
					tos.X = a.X - tos.X
				case Mul:
					tos.X = uint64(a.AsInt() * tos.AsInt())
				case And:
					tos.X &= a.X
				case Or:
					tos.X |= a.X
				case Xor:
					tos.X ^= a.X
				case Div, Mod, Lshift, Rshift:
					if y := tos.X; op >= Lshift && y < 64 { // a negative count is not below 64
						if op == Lshift {
							tos.X = a.X << y
						} else {
							tos.X = uint64(a.AsInt() >> y)
						}
						break
					} else if op < Lshift && int64(y) > 0 {
						tos.X = uint64(divModPos(op == Div, a.AsInt(), int64(y)))
						break
					}
					fallthrough
				default:
					var r gc.Value
					m.spill(ip, sp, tos, lp)
					r, err = intArith(op, a.AsInt(), tos.AsInt())
					ip, sp, tos, lp = m.reload()
					if err != nil {
						break loop
					}
					tos = r
				}
			} else if a.K == gc.KFloat && tos.K == gc.KFloat && op <= Div {
				x, y := math.Float64frombits(a.X), math.Float64frombits(tos.X) // floatOp, by hand: a call would make Go keep the loop's registers across it
				switch op {
				case Add:
					x += y
				case Sub:
					x -= y
				case Mul:
					x *= y
				default:
					x /= y
				}
				tos.X = math.Float64bits(x)
			} else {
				var r gc.Value
				m.spill(ip, sp, tos, lp)
				r, err = arith(h, op, a, tos)
				ip, sp, tos, lp = m.reload()
				if err != nil {
					break loop
				}
				tos = r
			}
			sp = unsafe.Add(sp, -vsize)
			ip = unsafe.Add(ip, 1)
		case Inc:
			if tos.K == gc.KInt { // an int is never the guard below the stack
				tos.X++
				ip = unsafe.Add(ip, 1)
				continue
			}
			fallthrough
		case Dec:
			if Op(*(*byte)(ip)) == Dec && tos.K == gc.KInt {
				tos.X--
				ip = unsafe.Add(ip, 1)
				continue
			}
			fallthrough
		case Len:
			// An array or a string (never the guard, a nil, below the
			// stack); a map, an empty stack and a type error in cold.
			if Op(*(*byte)(ip)) == Len && (tos.K == gc.KArr || tos.IsString()) {
				n := h.Len(tos)
				if h.Drop(tos) {
					ip, sp, tos, lp = freeLast(h, tos, ip, sp, tos, lp)
				}
				tos = gc.Int(int64(n))
				ip = unsafe.Add(ip, 1)
				continue
			}
			fallthrough
		case Not:
			// A bool or an int (never the guard below the stack); the
			// rest, which may need a release, in cold.
			if Op(*(*byte)(ip)) == Not && (tos.K == gc.KBool || tos.K == gc.KInt) {
				tos = gc.Bool(tos.K == gc.KBool && tos.X == 0)
				ip = unsafe.Add(ip, 1)
				continue
			}
			fallthrough
		case Set:
			// An int index in range of an array of values or of flags
			// that holds the value; the old element and the array are
			// dropped after the store (a free never moves a slab). The
			// rest (errors, unpacking) in cold.
			if Op(*(*byte)(ip)) == Set && !short(sp, m, 3) {
				a, iv := *slot(sp, -2), *slot(sp, -1)
				if i := iv.AsInt(); a.K == gc.KArr && iv.K == gc.KInt && uint64(i) < uint64(h.Len(a)) {
					old := gc.Value{}
					if e := h.Slot(a, int(i)); e != nil {
						old, *e = *e, tos
					} else if !h.SetFlag(a, int(i), tos) {
						goto slowSet
					}
					sp = unsafe.Add(sp, -3*vsize)
					tos = *(*gc.Value)(sp)
					if h.Drop(old) {
						ip, sp, tos, lp = freeLast(h, old, ip, sp, tos, lp)
					}
					if h.Drop(a) {
						ip, sp, tos, lp = freeLast(h, a, ip, sp, tos, lp)
					}
					ip = unsafe.Add(ip, 1)
					continue
				}
			}
		slowSet:
			fallthrough
		case Neg, Abs, Invert, ZeroEq, ZeroLt, Peek, Rot, MinusRot, Tuck, TwoSwap, Depth,
			Push, ArrPop, Builtin, CallHost, MapAt, MapPut,
			SpawnActor, SendMessage, SpawnSupervisor, SetStrategy, RestartChild,
			ReceiveMessage, Eq, Ne, Lt, Gt, Le, Ge, EqK, NeK, LtK, GtK, LeK, GeK, TwoDrop,
			TwoDup, SetK, GetK: // rare in loops: run stays under the compiler's 'big function' size (see Add)
			// Inc and Dec fall through to here when not on an int, Len
			// when not on an array or a string, Not when not on a bool or
			// an int.
			if ip, sp, tos, lp, err = m.cold(ip, sp, tos, lp); err != nil {
				break loop
			}
		case Jump:
			off = argRel(ip, 1)
			goto branch
		case JumpIfFalse:
			if short(sp, m, 1) {
				goto underflow
			}
			falsy := tos.K == gc.KNil || tos == gc.False // read before the release: tos is not live across its call
			if h.Drop(tos) {
				ip, sp, tos, lp = freeLast(h, tos, ip, sp, tos, lp)
			}
			sp = unsafe.Add(sp, -vsize)
			tos = *(*gc.Value)(sp)
			if falsy {
				off = argRel(ip, 1)
				goto branch
			} else {
				ip = unsafe.Add(ip, 5)
			}
		case Call:
			callee = m.funcs[argU32(ip, 1)]
			ret = unsafe.Add(ip, 5)
			goto doCall
		case CallQuot:
			if short(sp, m, 1) {
				goto underflow
			}
			if tos.K == gc.KQuot {
				callee = m.funcs[tos.X]
				sp = unsafe.Add(sp, -vsize)
				tos = *(*gc.Value)(sp)
				ret = unsafe.Add(ip, 1)
				goto doCall
			}
			if tos.K != gc.KCurry {
				err = errType
				break loop
			}
			// Unwrap curried values onto the stack, then call the quotation.
			q := tos
			sp = unsafe.Add(sp, -vsize)
			tos = *(*gc.Value)(sp)
			for q.K == gc.KCurry {
				x, inner := h.CurryParts(q)
				h.Retain(x)
				h.Retain(inner)
				if h.Drop(q) {
					ip, sp, tos, lp = freeLast(h, q, ip, sp, tos, lp)
				}
				m.spill(ip, sp, tos, lp)
				err = m.ensure(1)
				ip, sp, tos, lp = m.reload()
				if err != nil {
					if h.Drop(x) {
						ip, sp, tos, lp = freeLast(h, x, ip, sp, tos, lp)
					}
					if h.Drop(inner) {
						ip, sp, tos, lp = freeLast(h, inner, ip, sp, tos, lp)
					}
					break loop
				}
				*(*gc.Value)(sp) = tos
				sp = unsafe.Add(sp, vsize)
				tos = x
				q = inner
			}
			if q.K != gc.KQuot {
				err = errType
				break loop
			}
			callee = m.funcs[q.X]
			ret = unsafe.Add(ip, 1)
			goto doCall
		case ReturnIfEqK, ReturnIfNeK, ReturnIfLtK, ReturnIfGtK, ReturnIfLeK, ReturnIfGeK:
			k := gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 1))), X: *(*uint64)(unsafe.Add(ip, 2))}
			var r bool
			if tos.K == gc.KInt && k.K == gc.KInt {
				r = intTest(baseOp[*(*byte)(ip)], tos.AsInt(), k.AsInt())
			} else {
				if short(sp, m, 1) {
					goto underflow
				}
				h.Retain(tos) // test consumes its operands; the value stays
				m.spill(ip, sp, tos, lp)
				r, err = test(h, baseOp[*(*byte)(ip)], tos, k)
				if ip, sp, tos, lp = m.reload(); err != nil {
					if h.Drop(tos) {
						ip, sp, tos, lp = freeLast(h, tos, ip, sp, tos, lp)
					}
					break loop
				}
			}
			if !r {
				ip = unsafe.Add(ip, 10)
				continue
			}
			fallthrough
		case Return:
			fn := m.fn
			if n := fn.NLocals; n > 0 {
				for i := 0; i < n; i++ {
					l := slot(lp, i)
					if h.Drop(*l) {
						ip, sp, tos, lp = freeLast(h, *l, ip, sp, tos, lp)
					}
					*l = gc.Nil
				}
			}
			if m.fp == 0 {
				m.save(ip, sp, tos)
				m.fn = nil
				m.Reductions += uint64(budget - m.budget)
				return StatusDone
			}
			m.fp--
			fr := &m.frames[m.fp]
			ip, lp, m.fn = fr.ret, fr.lp, fr.fn // the frame is left as it is: only frames[:fp] are read
			m.room = m.stackLast - m.fn.pushBytes
			if uintptr(sp) > m.room {
				m.spill(ip, sp, tos, lp)
				err = m.ensure(m.fn.MaxPush)
				if ip, sp, tos, lp = m.reload(); err != nil {
					break loop
				}
			}

		case LocalGet:
			v := *slot(lp, int(argU16(ip, 1)))
			h.Retain(v)
			*(*gc.Value)(sp) = tos
			sp = unsafe.Add(sp, vsize)
			tos = v
			ip = unsafe.Add(ip, 3)
		case LocalSet:
			if short(sp, m, 1) {
				goto underflow
			}
			l := slot(lp, int(argU16(ip, 1)))
			old := *l
			*l = tos
			if h.Drop(old) {
				ip, sp, tos, lp = freeLast(h, old, ip, sp, tos, lp)
			}
			sp = unsafe.Add(sp, -vsize)
			tos = *(*gc.Value)(sp)
			ip = unsafe.Add(ip, 3)
		case DoInit, DoInitStep:
			if short(sp, m, 2) {
				goto underflow
			}
			limit, start := *slot(sp, -1), tos
			if limit.K != gc.KInt || start.K != gc.KInt {
				err = errType
				break loop
			}
			sp = unsafe.Add(sp, -2*vsize)
			tos = *(*gc.Value)(sp)
			if start.AsInt() == limit.AsInt() || (Op(*(*byte)(ip)) == DoInit && start.AsInt() > limit.AsInt()) {
				ip = unsafe.Add(ip, argRel(ip, 3))
			} else {
				l := slot(lp, int(argU16(ip, 1)))
				*l = start
				*slot(unsafe.Pointer(l), 1) = limit
				ip = unsafe.Add(ip, 7)
			}
		case Loop:
			idx := slot(lp, int(argU16(ip, 1)))
			idx.X++
			if int64(idx.X) < slot(unsafe.Pointer(idx), 1).AsInt() {
				ip = unsafe.Add(ip, argRel(ip, 3))
				if m.charge(sp) {
					if ip, sp, tos, lp, err = m.backEdge(ip, sp, tos, lp); err != nil {
						break loop
					}
				}
				continue
			}
			ip = unsafe.Add(ip, 7)
		case LoopStep:
			idx := slot(lp, int(argU16(ip, 1)))
			idx.X++
			if int64(idx.X) >= slot(unsafe.Pointer(idx), 1).AsInt() {
				ip = unsafe.Add(ip, argRel(ip, 3)) // forward, out of the loop
				continue
			}
			ip = unsafe.Add(ip, 7)
		case AddIndexStep:
			if tos.K != gc.KInt {
				if ip, sp, tos, lp, err = m.cold(ip, sp, tos, lp); err != nil {
					break loop
				}
				continue
			}
			idx := slot(lp, int(argU16(ip, 1)))
			tos.X += idx.X
			idx.X++
			if int64(idx.X) >= slot(unsafe.Pointer(idx), 1).AsInt() {
				ip = unsafe.Add(ip, argRel(ip, 3))
				continue
			}
			ip = unsafe.Add(ip, 7)

		case PlusLoop:
			if tos.K != gc.KInt {
				err = errType
				if short(sp, m, 1) {
					err = errUnderflow
				}
				break loop
			}
			step := tos.AsInt()
			if step == 0 {
				err = errBadarg
				break loop
			}
			sp = unsafe.Add(sp, -vsize)
			tos = *(*gc.Value)(sp)
			idx := slot(lp, int(argU16(ip, 1)))
			old := idx.AsInt()
			i := old + step
			*idx = gc.Int(i)
			limit := slot(unsafe.Pointer(idx), 1).AsInt()
			// An index that wraps around has passed the limit.
			if (step > 0 && i < limit && i > old) || (step < 0 && i > limit && i < old) {
				ip = unsafe.Add(ip, argRel(ip, 3))
				if m.charge(sp) {
					if ip, sp, tos, lp, err = m.backEdge(ip, sp, tos, lp); err != nil {
						break loop
					}
				}
				continue
			}
			ip = unsafe.Add(ip, 7)

		case Mark:
			*slot(lp, int(argU16(ip, 1))) = gc.Int(int64(m.depth(sp)))
			ip = unsafe.Add(ip, 3)
		case MakeArray:
			if ip, sp, tos, lp, err = m.makeArray(ip, sp, tos, lp); err != nil {
				break loop
			}
		case Get:
			if short(sp, m, 2) {
				goto underflow
			}
			a := *slot(sp, -1)
			if a.K != gc.KArr || tos.K != gc.KInt {
				err = errType
				break loop
			}
			i := tos.AsInt()
			if uint64(i) >= uint64(h.Len(a)) {
				err = errOutOfBounds
				break loop
			}
			x := h.Get(a, int(i))
			h.Retain(x)
			if h.Drop(a) {
				ip, sp, tos, lp = freeLast(h, a, ip, sp, tos, lp)
			}
			sp = unsafe.Add(sp, -vsize)
			tos = x
			ip = unsafe.Add(ip, 1)

		case AddK, SubK, MulK, DivK, ModK:
			op := Op(*(*byte)(ip))
			kk := gc.Kind(*(*byte)(unsafe.Add(ip, 1)))
			kx := *(*uint64)(unsafe.Add(ip, 2))
			if tos.K == gc.KInt && kk == gc.KInt {
				switch op {
				case AddK:
					tos.X += kx
				case SubK:
					tos.X -= kx
				case MulK:
					tos.X = uint64(tos.AsInt() * int64(kx))
				default:
					if y := int64(kx); y > 0 {
						tos.X = uint64(divModPos(op == DivK, tos.AsInt(), y))
						break
					}
					var r gc.Value
					m.spill(ip, sp, tos, lp)
					r, err = intArith(baseOp[op], tos.AsInt(), int64(kx))
					ip, sp, tos, lp = m.reload()
					if err != nil {
						break loop
					}
					tos = r
				}
			} else if tos.K == gc.KFloat && kk == gc.KFloat && op <= DivK {
				x, y := math.Float64frombits(tos.X), math.Float64frombits(kx) // floatOp, by hand: a call would make Go keep the loop's registers across it
				switch baseOp[op] {
				case Add:
					x += y
				case Sub:
					x -= y
				case Mul:
					x *= y
				default:
					x /= y
				}
				tos.X = math.Float64bits(x)
			} else {
				if short(sp, m, 1) {
					goto underflow
				}
				var r gc.Value
				m.spill(ip, sp, tos, lp)
				r, err = arith(h, baseOp[op], tos, gc.Value{K: kk, X: kx})
				ip, sp, tos, lp = m.reload()
				if err != nil {
					break loop
				}
				tos = r
			}
			ip = unsafe.Add(ip, 10)
		case JumpIfNotEq, JumpIfNotNe, JumpIfNotLt, JumpIfNotGt, JumpIfNotLe, JumpIfNotGe:
			if short(sp, m, 2) {
				goto underflow
			}
			var r bool
			if a := *slot(sp, -1); a.K == gc.KInt && tos.K == gc.KInt {
				r = intTest(baseOp[*(*byte)(ip)], a.AsInt(), tos.AsInt())
			} else if a.K == gc.KFloat && tos.K == gc.KFloat {
				x, y := math.Float64frombits(a.X), math.Float64frombits(tos.X) // floatTest, by hand (see Add)
				switch baseOp[*(*byte)(ip)] {
				case Eq:
					r = x == y
				case Ne:
					r = x != y
				case Lt:
					r = x < y
				case Gt:
					r = x > y
				case Le:
					r = x <= y
				default:
					r = x >= y
				}
			} else {
				m.spill(ip, sp, tos, lp)
				r, err = test(h, baseOp[*(*byte)(ip)], a, tos)
				ip, sp, tos, lp = m.reload()
				if err != nil {
					break loop
				}
			}
			sp = unsafe.Add(sp, -2*vsize)
			tos = *(*gc.Value)(sp)
			if !r {
				off = argRel(ip, 1)
				goto branch
			} else {
				ip = unsafe.Add(ip, 5)
			}
		case JumpIfNotEqK, JumpIfNotNeK, JumpIfNotLtK, JumpIfNotGtK, JumpIfNotLeK, JumpIfNotGeK:
			k := gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 1))), X: *(*uint64)(unsafe.Add(ip, 2))}
			var r bool
			if tos.K == gc.KInt && k.K == gc.KInt {
				r = intTest(baseOp[*(*byte)(ip)], tos.AsInt(), k.AsInt())
			} else if tos.K == gc.KFloat && k.K == gc.KFloat {
				x, y := math.Float64frombits(tos.X), math.Float64frombits(k.X) // floatTest, by hand (see Add)
				switch baseOp[*(*byte)(ip)] {
				case Eq:
					r = x == y
				case Ne:
					r = x != y
				case Lt:
					r = x < y
				case Gt:
					r = x > y
				case Le:
					r = x <= y
				default:
					r = x >= y
				}
			} else if identityKind(k.K) && baseOp[*(*byte)(ip)] <= Ne { // "tag :add = if", "node nil = if" (see Equal)
				if tos.K == gc.KNil && short(sp, m, 1) {
					goto underflow
				}
				r = (tos == k) == (baseOp[*(*byte)(ip)] == Eq)
				if h.Drop(tos) {
					ip, sp, tos, lp = freeLast(h, tos, ip, sp, tos, lp)
				}
			} else {
				if short(sp, m, 1) {
					goto underflow
				}
				m.spill(ip, sp, tos, lp)
				r, err = test(h, baseOp[*(*byte)(ip)], tos, k)
				ip, sp, tos, lp = m.reload()
				if err != nil {
					break loop
				}
			}
			sp = unsafe.Add(sp, -vsize)
			tos = *(*gc.Value)(sp)
			if !r {
				off = argRel(ip, 10)
				goto branch
			} else {
				ip = unsafe.Add(ip, 14)
			}

		case LocalJumpIfNotEqK:
			// LocalGet then JumpIfNotEqK: two ints, or a constant that
			// equals only itself (see Equal), compare by kind and payload;
			// the rest (an int against a float or another kind, strings)
			// through test.
			l := *slot(lp, int(argU16(ip, 1)))
			if k := (gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 3))), X: *(*uint64)(unsafe.Add(ip, 4))}); !(k.K == gc.KInt && l.K == gc.KInt || identityKind(k.K)) {
				if ip, sp, tos, lp, err = m.cold(ip, sp, tos, lp); err != nil {
					break loop
				}
			} else if l != k {
				off = argRel(ip, 12)
				goto branch
			} else {
				ip = unsafe.Add(ip, 16)
			}
		case DupJumpIfNotEqK, DupJumpIfNotNeK, DupJumpIfNotLtK, DupJumpIfNotGtK, DupJumpIfNotLeK, DupJumpIfNotGeK:
			k := gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 1))), X: *(*uint64)(unsafe.Add(ip, 2))}
			var r bool
			if tos.K == gc.KInt && k.K == gc.KInt {
				r = intTest(baseOp[*(*byte)(ip)], tos.AsInt(), k.AsInt())
			} else {
				if short(sp, m, 1) {
					goto underflow
				}
				h.Retain(tos) // test consumes its operands; the value stays
				m.spill(ip, sp, tos, lp)
				r, err = test(h, baseOp[*(*byte)(ip)], tos, k)
				if ip, sp, tos, lp = m.reload(); err != nil {
					if h.Drop(tos) {
						ip, sp, tos, lp = freeLast(h, tos, ip, sp, tos, lp)
					}
					break loop
				}
			}
			if !r {
				off = argRel(ip, 10)
				goto branch
			} else {
				ip = unsafe.Add(ip, 14)
			}
		case AddLocal:
			l := *slot(lp, int(argU16(ip, 1)))
			if tos.K == gc.KInt && l.K == gc.KInt {
				tos.X += l.X
				ip = unsafe.Add(ip, 3)
				continue // not through a block shared with the slow path: one jump less
			} else if tos.K == gc.KFloat && l.K == gc.KFloat {
				tos.X = math.Float64bits(math.Float64frombits(tos.X) + math.Float64frombits(l.X)) // a float is never the guard below the stack
			} else {
				if short(sp, m, 1) {
					goto underflow
				}
				h.Retain(l)
				var r gc.Value
				m.spill(ip, sp, tos, lp)
				r, err = arith(h, Add, tos, l)
				if ip, sp, tos, lp = m.reload(); err != nil {
					if h.Drop(l) {
						ip, sp, tos, lp = freeLast(h, l, ip, sp, tos, lp)
					}
					break loop
				}
				tos = r
			}
			ip = unsafe.Add(ip, 3)
		case GetLocal:
			if short(sp, m, 1) {
				goto underflow
			}
			a, iv := tos, *slot(lp, int(argU16(ip, 1)))
			if a.K != gc.KArr || iv.K != gc.KInt {
				err = errType
				break loop
			}
			i := iv.AsInt()
			if uint64(i) >= uint64(h.Len(a)) {
				err = errOutOfBounds
				break loop
			}
			x := h.Get(a, int(i))
			h.Retain(x)
			if h.Drop(a) {
				ip, sp, tos, lp = freeLast(h, a, ip, sp, tos, lp)
			}
			tos = x
			ip = unsafe.Add(ip, 3)

		case LocalGetK:
			a := *slot(lp, int(argU16(ip, 1)))
			if a.K != gc.KArr || gc.Kind(*(*byte)(unsafe.Add(ip, 3))) != gc.KInt {
				err = errType
				break loop
			}
			i := *(*uint64)(unsafe.Add(ip, 4))
			if i >= uint64(h.Len(a)) {
				err = errOutOfBounds
				break loop
			}
			x := h.Get(a, int(i))
			h.Retain(x)
			*(*gc.Value)(sp) = tos
			sp = unsafe.Add(sp, vsize)
			tos = x
			ip = unsafe.Add(ip, 12)

		case JumpIfTrue:
			if short(sp, m, 1) {
				goto underflow
			}
			falsy := tos.K == gc.KNil || tos == gc.False // read before the release: tos is not live across its call
			if h.Drop(tos) {
				ip, sp, tos, lp = freeLast(h, tos, ip, sp, tos, lp)
			}
			sp = unsafe.Add(sp, -vsize)
			tos = *(*gc.Value)(sp)
			if !falsy {
				off = argRel(ip, 1)
				goto branch
			} else {
				ip = unsafe.Add(ip, 5)
			}
		case JumpIfLocalsTrue:
			a, iv := *slot(lp, int(argU16(ip, 1))), *slot(lp, int(argU16(ip, 3)))
			if a.K != gc.KArr || iv.K != gc.KInt {
				err = errType
				break loop
			}
			i := iv.AsInt()
			if uint64(i) >= uint64(h.Len(a)) {
				err = errOutOfBounds
				break loop
			}
			if x := h.Get(a, int(i)); x.K == gc.KNil || x == gc.False {
				ip = unsafe.Add(ip, 9)
				continue
			}
			off = argRel(ip, 5)
			goto branch
		case LocalGet2:
			a, b := *slot(lp, int(argU16(ip, 1))), *slot(lp, int(argU16(ip, 3)))
			h.Retain(a)
			h.Retain(b)
			*(*gc.Value)(sp) = tos
			*slot(sp, 1) = a
			sp = unsafe.Add(sp, 2*vsize)
			tos = b
			ip = unsafe.Add(ip, 5)
		case SwapInc, IncNos:
			if short(sp, m, 2) {
				goto underflow
			}
			b := slot(sp, -1) // a, incremented in place; SwapInc then swaps
			if b.K == gc.KInt {
				b.X++
			} else {
				m.spill(ip, sp, tos, lp)
				r, e := unary(Inc, *b)
				if ip, sp, tos, lp = m.reload(); e != nil {
					err = e
					break loop
				}
				*slot(sp, -1) = r
			}
			if Op(*(*byte)(ip)) == SwapInc {
				tos, *b = *b, tos
			}
			ip = unsafe.Add(ip, 1)

		case DupDec:
			if tos.K == gc.KInt {
				*(*gc.Value)(sp) = tos
				sp = unsafe.Add(sp, vsize)
				tos.X--
			} else {
				if short(sp, m, 1) {
					goto underflow
				}
				h.Retain(tos)
				*(*gc.Value)(sp) = tos
				sp = unsafe.Add(sp, vsize)
				m.spill(ip, sp, tos, lp)
				r, e := unary(Dec, tos)
				if ip, sp, tos, lp = m.reload(); e != nil {
					err = e
					break loop
				}
				tos = r
			}
			ip = unsafe.Add(ip, 1)
		case LocalsGet:
			a, iv := *slot(lp, int(argU16(ip, 1))), *slot(lp, int(argU16(ip, 3)))
			if a.K != gc.KArr || iv.K != gc.KInt {
				err = errType
				break loop
			}
			i := iv.AsInt()
			if uint64(i) >= uint64(h.Len(a)) {
				err = errOutOfBounds
				break loop
			}
			x := h.Get(a, int(i))
			h.Retain(x)
			*(*gc.Value)(sp) = tos
			sp = unsafe.Add(sp, vsize)
			tos = x
			ip = unsafe.Add(ip, 5)
		case LocalsSetK:
			a, iv := *slot(lp, int(argU16(ip, 1))), *slot(lp, int(argU16(ip, 3)))
			k := gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 5))), X: *(*uint64)(unsafe.Add(ip, 6))}
			if a.K == gc.KArr && iv.K == gc.KInt && h.SetFlagAt(a, iv.AsInt(), k) {
				ip = unsafe.Add(ip, 14)
				continue
			}
			if ip, sp, tos, lp, err = m.localsSetK(ip, sp, tos, lp); err != nil {
				break loop
			}
		case PlusLoopLocal:
			sv := *slot(lp, int(argU16(ip, 1)))
			if sv.K != gc.KInt {
				err = errType
				break loop
			}
			step := sv.AsInt()
			if step == 0 {
				err = errBadarg
				break loop
			}
			idx := slot(lp, int(argU16(ip, 3)))
			old := idx.AsInt()
			i := old + step
			*idx = gc.Int(i)
			limit := slot(unsafe.Pointer(idx), 1).AsInt()
			if (step > 0 && i < limit && i > old) || (step < 0 && i > limit && i < old) {
				ip = unsafe.Add(ip, argRel(ip, 5))
				if m.charge(sp) {
					if ip, sp, tos, lp, err = m.backEdge(ip, sp, tos, lp); err != nil {
						break loop
					}
				}
				continue
			}
			ip = unsafe.Add(ip, 9)

		case AddIndexLoop:
			idx := slot(lp, int(argU16(ip, 1))) // an int: DoInit checked it
			if tos.K == gc.KInt {
				tos.X += idx.X
			} else {
				if short(sp, m, 1) {
					goto underflow
				}
				var r gc.Value
				l := *idx
				m.spill(ip, sp, tos, lp)
				r, err = arith(h, Add, tos, l)
				if ip, sp, tos, lp = m.reload(); err != nil {
					break loop
				}
				tos = r
				idx = slot(lp, int(argU16(ip, 1)))
			}
			idx.X++
			if int64(idx.X) < slot(unsafe.Pointer(idx), 1).AsInt() {
				ip = unsafe.Add(ip, argRel(ip, 3))
				if m.charge(sp) {
					if ip, sp, tos, lp, err = m.backEdge(ip, sp, tos, lp); err != nil {
						break loop
					}
				}
				continue
			}
			ip = unsafe.Add(ip, 7)
		default:
			panic("interp: bad opcode " + Op(*(*byte)(ip)).String())
		}
		continue

	branch:
		// Jump by off from the instruction at ip; a backward jump is
		// charged a reduction.
		ip = unsafe.Add(ip, off)
		if off <= 0 && m.charge(sp) {
			if ip, sp, tos, lp, err = m.backEdge(ip, sp, tos, lp); err != nil {
				break loop
			}
		}
		continue

	doCall:
		// Enter callee, returning to ret. Depth and room are checked before
		// the frame changes, so that a failure points at the call.
		{
			entry := callee.entry
			if tos.K == callee.leafKind {
				if uint64(tos.X)-callee.leafLo > callee.leafSpan {
					// The test is known to fail: the callee starts after it.
					entry = unsafe.Add(entry, returnIfSize)
				} else if uintptr(sp) <= m.room {
					// The callee starts with a conditional return that
					// holds (a recursive word's base case): it would
					// return at once and change nothing, so no frame is
					// made, and the return's check of the caller's room
					// holds too (else the call is made, and its return
					// makes room). It is charged as a call. Where the
					// frames or the stack run out can differ from the
					// plain call's; nothing else.
					ip = ret
					if m.budget--; m.budget <= 0 {
						err = ErrYield
						break loop
					}
					continue
				}
			}
			fn := m.fn
			if m.fp+1 >= len(m.frames) ||
				uintptr(lp)+uintptr((fn.NLocals+callee.NLocals)*vsize) > m.localsLast ||
				uintptr(sp)+callee.pushBytes > m.stackLast {
				callee, ret, ip, sp, tos, lp, err = m.makeRoom(callee, ret, ip, sp, tos, lp)
				if err != nil {
					break loop
				}
				fn = m.fn            // read again: fn is not live across the call
				entry = callee.entry // so is entry; the test runs again
			}
			m.frames[m.fp] = frame{ret: ret, lp: lp, fn: fn}
			m.fp++
			lp = unsafe.Add(lp, fn.NLocals*vsize)
			m.fn = callee
			m.room = m.stackLast - callee.pushBytes
			ip = entry
			if m.budget--; m.budget <= 0 {
				err = ErrYield
				break loop
			}
		}
	}

	goto out
underflow:
	err = errUnderflow
out:
	// Write the state back and say why we stopped.
	m.save(ip, sp, tos)
	m.lbase = m.lbaseOf(lp)
	m.Reductions += uint64(budget - m.budget)
	return func() Status { // called once: not counted into run's size
		switch e := err.(type) {
		case nil:
			panic("interp: loop left without a reason")
		case *Exit:
			m.setExit(e.Reason)
			if e.Reason != gc.Sym(gc.SymNormal) {
				m.fail(e.Reason) // for the report, if nobody else handles it
			}
			return StatusExited
		case *RuntimeError:
			m.fail(e.Reason)
			return StatusFailed
		}
		switch err {
		case ErrYield:
			if h.NeedsCollect() {
				m.collect()
			}
			return StatusYield
		case ErrBlock:
			return StatusBlocked
		}
		panic("interp: unexpected error from a builtin: " + err.Error())
	}()
}

// localsSetK runs a LocalsSetK that is not a flag stored into a packed
// array in range (the loop's fast path): it checks the operands and stores
// the constant (gc's Set releases the old element, and unpacks a packed
// array that cannot hold the constant). It takes the loop's registers and
// gives them back.
//
//go:noinline
func (m *Machine) localsSetK(ip, sp unsafe.Pointer, tos gc.Value, lp unsafe.Pointer) (unsafe.Pointer, unsafe.Pointer, gc.Value, unsafe.Pointer, error) {
	h := m.Heap
	a, iv := *slot(lp, int(argU16(ip, 1))), *slot(lp, int(argU16(ip, 3)))
	if a.K != gc.KArr || iv.K != gc.KInt {
		return ip, sp, tos, lp, errType
	}
	i := iv.AsInt()
	if uint64(i) >= uint64(h.Len(a)) {
		return ip, sp, tos, lp, errOutOfBounds
	}
	k := gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 5))), X: *(*uint64)(unsafe.Add(ip, 6))}
	if err := h.Set(a, int(i), k); err != nil {
		return ip, sp, tos, lp, allocErr(err)
	}
	return unsafe.Add(ip, 14), sp, tos, lp, nil
}

// freeLast frees v, whose last reference the loop drops (h.Drop reported
// true). It takes the loop's registers and gives them back, so that none of
// them is live across the call (see the note on spills at the top).
//
//go:noinline
func freeLast(h *gc.Heap, v gc.Value, ip, sp unsafe.Pointer, tos gc.Value, lp unsafe.Pointer) (unsafe.Pointer, unsafe.Pointer, gc.Value, unsafe.Pointer) {
	h.ReleaseLast(v)
	return ip, sp, tos, lp
}

// cold runs one instruction of the kinds that are rare in hot loops (or
// fused into a jump there, as comparisons are), and Inc and Dec on a value
// that is not an int. It lives outside run so that
// run stays under the size at which the Go compiler calls a function big
// and stops inlining the small helpers the loop is built on (TestRunNotBig).
// It takes the loop's registers and gives them back.
func (m *Machine) cold(ip, sp unsafe.Pointer, tos gc.Value, lp unsafe.Pointer) (unsafe.Pointer, unsafe.Pointer, gc.Value, unsafe.Pointer, error) {
	h := m.Heap
	var err error
	switch Op(*(*byte)(ip)) {
	case GetK:
		if short(sp, m, 1) {
			return ip, sp, tos, lp, errUnderflow
		}
		a := tos
		if a.K != gc.KArr || gc.Kind(*(*byte)(unsafe.Add(ip, 1))) != gc.KInt {
			return ip, sp, tos, lp, errType
		}
		i := *(*uint64)(unsafe.Add(ip, 2))
		if i >= uint64(h.Len(a)) {
			return ip, sp, tos, lp, errOutOfBounds
		}
		x := h.Get(a, int(i))
		h.Retain(x)
		if h.Drop(a) {
			ip, sp, tos, lp = freeLast(h, a, ip, sp, tos, lp)
		}
		tos = x
		ip = unsafe.Add(ip, 10)
	case TwoDup:
		if short(sp, m, 2) {
			return ip, sp, tos, lp, errUnderflow
		}
		a := *slot(sp, -1)
		h.Retain(a)
		h.Retain(tos)
		*(*gc.Value)(sp) = tos
		*slot(sp, 1) = a
		sp = unsafe.Add(sp, 2*vsize)
		ip = unsafe.Add(ip, 1)
	case SetK:
		if short(sp, m, 2) {
			return ip, sp, tos, lp, errUnderflow
		}
		a := *slot(sp, -1)
		if a.K != gc.KArr || tos.K != gc.KInt {
			return ip, sp, tos, lp, errType
		}
		i := tos.AsInt()
		if uint64(i) >= uint64(h.Len(a)) {
			return ip, sp, tos, lp, errOutOfBounds
		}
		k := gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 1))), X: *(*uint64)(unsafe.Add(ip, 2))}
		if e := h.Slot(a, int(i)); e != nil {
			old := *e
			*e = k
			if h.Drop(old) { // after the store: a free never moves a slab
				ip, sp, tos, lp = freeLast(h, old, ip, sp, tos, lp)
			}
		} else if !h.SetFlag(a, int(i), k) {
			// A packed array, and a value it cannot hold: Set unpacks it.
			m.spill(ip, sp, tos, lp)
			err = h.Set(a, int(i), k)
			if ip, sp, tos, lp = m.reload(); err != nil {
				return ip, sp, tos, lp, allocErr(err)
			}
		}
		if h.Drop(a) {
			ip, sp, tos, lp = freeLast(h, a, ip, sp, tos, lp)
		}
		sp = unsafe.Add(sp, -2*vsize)
		tos = *(*gc.Value)(sp)
		ip = unsafe.Add(ip, 10)
	case Peek:
		if short(sp, m, 1) {
			return ip, sp, tos, lp, errUnderflow
		}
		if tos.K != gc.KInt {
			return ip, sp, tos, lp, errType
		}
		n := tos.AsInt()
		if n < 0 {
			return ip, sp, tos, lp, errBadarg
		}
		if n >= int64(m.depth(sp))-1 {
			return ip, sp, tos, lp, errUnderflow
		}
		tos = *slot(sp, -1-int(n))
		h.Retain(tos)
		ip = unsafe.Add(ip, 1)
	case Rot:
		if short(sp, m, 3) {
			return ip, sp, tos, lp, errUnderflow
		}
		a, b := slot(sp, -2), slot(sp, -1)
		*a, *b, tos = *b, tos, *a
		ip = unsafe.Add(ip, 1)
	case MinusRot:
		if short(sp, m, 3) {
			return ip, sp, tos, lp, errUnderflow
		}
		a, b := slot(sp, -2), slot(sp, -1)
		*a, *b, tos = tos, *a, *b
		ip = unsafe.Add(ip, 1)
	case Tuck:
		if short(sp, m, 2) {
			return ip, sp, tos, lp, errUnderflow
		}
		h.Retain(tos)
		a := slot(sp, -1)
		*(*gc.Value)(sp) = *a
		*a = tos
		sp = unsafe.Add(sp, vsize)
		ip = unsafe.Add(ip, 1)
	case TwoSwap:
		if short(sp, m, 4) {
			return ip, sp, tos, lp, errUnderflow
		}
		a, b, c := slot(sp, -3), slot(sp, -2), slot(sp, -1)
		*a, *b, *c, tos = *c, tos, *a, *b
		ip = unsafe.Add(ip, 1)
	case Depth:
		*(*gc.Value)(sp) = tos
		tos = gc.Int(int64(m.depth(sp)))
		sp = unsafe.Add(sp, vsize)
		ip = unsafe.Add(ip, 1)
	case Inc, Dec, Neg, Abs, Invert, ZeroEq, ZeroLt:
		if short(sp, m, 1) {
			return ip, sp, tos, lp, errUnderflow
		}
		if tos, err = unary(Op(*(*byte)(ip)), tos); err != nil {
			return ip, sp, tos, lp, err
		}
		ip = unsafe.Add(ip, 1)
	case Not:
		if short(sp, m, 1) {
			return ip, sp, tos, lp, errUnderflow
		}
		h.Release(tos)
		tos = gc.Bool(!tos.Truthy())
		ip = unsafe.Add(ip, 1)
	case Set:
		if short(sp, m, 3) {
			return ip, sp, tos, lp, errUnderflow
		}
		a, iv := *slot(sp, -2), *slot(sp, -1)
		if a.K != gc.KArr || iv.K != gc.KInt {
			return ip, sp, tos, lp, errType
		}
		i := iv.AsInt()
		if uint64(i) >= uint64(h.Len(a)) {
			return ip, sp, tos, lp, errOutOfBounds
		}
		if h.Slot(a, int(i)) == nil && !h.SetFlag(a, int(i), tos) {
			// A packed array, and a value it cannot hold: unpack it.
			if err := h.Unpack(a); err != nil {
				return ip, sp, tos, lp, allocErr(err)
			}
		}
		if e := h.Slot(a, int(i)); e != nil {
			old := *e
			*e = tos
			h.Release(old) // after the store: a free never moves a slab
		}
		h.Release(a)
		sp = unsafe.Add(sp, -3*vsize)
		tos = *(*gc.Value)(sp)
		ip = unsafe.Add(ip, 1)
	case Push:
		if short(sp, m, 2) {
			return ip, sp, tos, lp, errUnderflow
		}
		a := *slot(sp, -1)
		if a.K != gc.KArr {
			return ip, sp, tos, lp, errType
		}
		h.Retain(tos) // Push releases x on failure; keep ours for the stack
		if err = h.Push(a, tos); err != nil {
			return ip, sp, tos, lp, allocErr(err)
		}
		h.Release(tos)
		h.Release(a)
		sp = unsafe.Add(sp, -2*vsize)
		tos = *(*gc.Value)(sp)
		ip = unsafe.Add(ip, 1)
	case ArrPop:
		if short(sp, m, 1) {
			return ip, sp, tos, lp, errUnderflow
		}
		a := tos
		if a.K != gc.KArr {
			return ip, sp, tos, lp, errType
		}
		x, ok := h.Pop(a)
		if !ok {
			return ip, sp, tos, lp, errOutOfBounds
		}
		h.Release(a)
		tos = x
		ip = unsafe.Add(ip, 1)
	case Builtin, CallHost:
		var in, out int
		var fn BuiltinFunc
		if Op(*(*byte)(ip)) == Builtin {
			b := &builtins[argU16(ip, 1)]
			if b.num != nil && (tos.K == gc.KInt || tos.K == gc.KFloat) { // a number is never the guard below the stack
				if r, ok := b.num(tos); ok {
					tos = r
					ip = unsafe.Add(ip, 3)
					break
				}
			}
			in, out, fn = b.in, b.out, b.fn
		} else {
			w := &m.Prog.hostWords[argU16(ip, 1)]
			in, out, fn = w.In, w.Out, w.Fn
		}
		m.spill(ip, sp, tos, lp)
		if m.sp < in {
			err = errUnderflow
		} else {
			err = fn(m)
		}
		yield := err == ErrYield
		ip, sp, tos, lp = m.reload()
		if err != nil {
			if yield {
				ip = unsafe.Add(ip, 3)
			}
			return ip, sp, tos, lp, err
		}
		ip = unsafe.Add(ip, 3)
		if out < 0 && uintptr(sp) > m.room {
			m.spill(ip, sp, tos, lp)
			err = m.ensure(m.fn.MaxPush)
			if ip, sp, tos, lp = m.reload(); err != nil {
				return ip, sp, tos, lp, err
			}
		}
	case SpawnActor, SendMessage, SpawnSupervisor, SetStrategy, RestartChild:
		w := opActorWord[*(*byte)(ip)]
		m.spill(ip, sp, tos, lp)
		err = m.hostCall(w)
		yield := err == ErrYield
		ip, sp, tos, lp = m.reload()
		if err != nil {
			if yield {
				ip = unsafe.Add(ip, 1)
			}
			return ip, sp, tos, lp, err
		}
		ip = unsafe.Add(ip, 1)
	case AddIndexStep: // on a value that is not an int
		if short(sp, m, 1) {
			return ip, sp, tos, lp, errUnderflow
		}
		idx := slot(lp, int(argU16(ip, 1)))
		r, err := arith(h, Add, tos, *idx)
		if err != nil {
			return ip, sp, tos, lp, err
		}
		tos = r
		idx.X++
		if int64(idx.X) >= slot(unsafe.Pointer(idx), 1).AsInt() {
			return unsafe.Add(ip, argRel(ip, 3)), sp, tos, lp, nil
		}
		ip = unsafe.Add(ip, 7)
	case TwoDrop:
		if short(sp, m, 2) {
			return ip, sp, tos, lp, errUnderflow
		}
		h.Release(tos)
		h.Release(*slot(sp, -1))
		sp = unsafe.Add(sp, -2*vsize)
		tos = *(*gc.Value)(sp)
		ip = unsafe.Add(ip, 1)
	case Eq, Ne:
		if short(sp, m, 2) {
			return ip, sp, tos, lp, errUnderflow
		}
		a := *slot(sp, -1)
		var eq bool
		if a.K == gc.KInt && tos.K == gc.KInt {
			eq = a.X == tos.X
		} else {
			m.spill(ip, sp, tos, lp)
			eq = Equal(h, a, tos)
			ip, sp, tos, lp = m.reload()
			h.Release(a)
			h.Release(tos)
		}
		tos = gc.Bool(eq == (Op(*(*byte)(ip)) == Eq))
		sp = unsafe.Add(sp, -vsize)
		ip = unsafe.Add(ip, 1)
	case LocalJumpIfNotEqK: // a local and a constant that need Equal
		l, k := *slot(lp, int(argU16(ip, 1))), gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 3))), X: *(*uint64)(unsafe.Add(ip, 4))}
		h.Retain(l) // test consumes its operands; the local keeps it
		m.spill(ip, sp, tos, lp)
		r, err := test(h, Eq, l, k)
		if ip, sp, tos, lp = m.reload(); err != nil {
			return ip, sp, tos, lp, err
		}
		if r {
			return unsafe.Add(ip, 16), sp, tos, lp, nil
		}
		off := argRel(ip, 12)
		ip = unsafe.Add(ip, off)
		if off <= 0 && m.charge(sp) {
			return m.backEdge(ip, sp, tos, lp)
		}
	case Lt, Gt, Le, Ge:
		if short(sp, m, 2) {
			return ip, sp, tos, lp, errUnderflow
		}
		a := *slot(sp, -1)
		var r bool
		if a.K == gc.KInt && tos.K == gc.KInt {
			r = intTest(Op(*(*byte)(ip)), a.AsInt(), tos.AsInt())
		} else {
			m.spill(ip, sp, tos, lp)
			r, err = test(h, Op(*(*byte)(ip)), a, tos)
			ip, sp, tos, lp = m.reload()
			if err != nil {
				return ip, sp, tos, lp, err
			}
		}
		tos = gc.Bool(r)
		sp = unsafe.Add(sp, -vsize)
		ip = unsafe.Add(ip, 1)
	case ReceiveMessage:
		if m.Mailbox.Len() == 0 {
			m.spill(ip, sp, tos, lp)
			ok := m.Host != nil && m.Host.Fetch(m, true)
			if ip, sp, tos, lp = m.reload(); !ok {
				return ip, sp, tos, lp, ErrBlock
			}
		}
		*(*gc.Value)(sp) = tos
		sp = unsafe.Add(sp, vsize)
		m.spill(ip, sp, tos, lp)
		x := m.Mailbox.Take(0)
		ip, sp, tos, lp = m.reload()
		tos = x
		ip = unsafe.Add(ip, 1)
	case EqK, NeK, LtK, GtK, LeK, GeK:
		k := gc.Value{K: gc.Kind(*(*byte)(unsafe.Add(ip, 1))), X: *(*uint64)(unsafe.Add(ip, 2))}
		var r bool
		if tos.K == gc.KInt && k.K == gc.KInt {
			r = intTest(baseOp[*(*byte)(ip)], tos.AsInt(), k.AsInt())
		} else if tos.K == gc.KFloat && k.K == gc.KFloat {
			r = floatTest(baseOp[*(*byte)(ip)], tos.AsFloat(), k.AsFloat())
		} else {
			if short(sp, m, 1) {
				return ip, sp, tos, lp, errUnderflow
			}
			m.spill(ip, sp, tos, lp)
			r, err = test(h, baseOp[*(*byte)(ip)], tos, k)
			ip, sp, tos, lp = m.reload()
			if err != nil {
				return ip, sp, tos, lp, err
			}
		}
		tos = gc.Bool(r)
		ip = unsafe.Add(ip, 10)
	case MapAt:
		if short(sp, m, 2) {
			return ip, sp, tos, lp, errUnderflow
		}
		mp := *slot(sp, -1)
		if mp.K != gc.KMap {
			return ip, sp, tos, lp, errType
		}
		v, _, err := h.MapGet(mp, tos)
		if err != nil {
			return ip, sp, tos, lp, keyErr(err)
		}
		h.Retain(v)
		h.Release(tos)
		h.Release(mp)
		sp = unsafe.Add(sp, -vsize)
		tos = v
		ip = unsafe.Add(ip, 1)
	case MapPut:
		if short(sp, m, 3) {
			return ip, sp, tos, lp, errUnderflow
		}
		mp, k := *slot(sp, -2), *slot(sp, -1)
		if mp.K != gc.KMap {
			return ip, sp, tos, lp, errType
		}
		if err := h.MapPut(mp, k, tos); err != nil { // the map takes tos's reference
			return ip, sp, tos, lp, keyErr(err)
		}
		h.Release(k) // the map holds a reference of its own
		h.Release(mp)
		sp = unsafe.Add(sp, -3*vsize)
		tos = *(*gc.Value)(sp)
		ip = unsafe.Add(ip, 1)
	case Len:
		if short(sp, m, 1) {
			return ip, sp, tos, lp, errUnderflow
		}
		if tos.K != gc.KMap {
			return ip, sp, tos, lp, errType
		}
		n := h.MapLen(tos)
		if h.Drop(tos) {
			ip, sp, tos, lp = freeLast(h, tos, ip, sp, tos, lp)
		}
		tos = gc.Int(int64(n))
		ip = unsafe.Add(ip, 1)
	default:
		panic("interp: not a cold opcode: " + Op(*(*byte)(ip)).String())
	}
	return ip, sp, tos, lp, nil
}

// makeArray runs MakeArray: the values above the mark become an array. A
// helper, not code in run: run stays under the compiler's "big function"
// size (TestRunNotBig), and an allocation costs far more than the call.
func (m *Machine) makeArray(ip, sp unsafe.Pointer, tos gc.Value, lp unsafe.Pointer) (unsafe.Pointer, unsafe.Pointer, gc.Value, unsafe.Pointer, error) {
	mark := int(slot(lp, int(argU16(ip, 1))).AsInt())
	depth := int(m.depth(sp))
	if mark > depth {
		return ip, sp, tos, lp, errUnderflow
	}
	*(*gc.Value)(sp) = tos
	arr, err := m.Heap.ArrayOf(unsafe.Slice(slot(unsafe.Pointer(&m.stack[0]), mark+1), depth-mark))
	if err != nil {
		sp = unsafe.Pointer(slot(unsafe.Pointer(&m.stack[0]), depth))
		return ip, sp, *(*gc.Value)(sp), lp, allocErr(err)
	}
	sp = unsafe.Pointer(slot(unsafe.Pointer(&m.stack[0]), mark+1))
	return unsafe.Add(ip, 3), sp, arr, lp, nil
}

// charge charges a backward jump a reduction and reports whether the loop
// must take the slow path (backEdge): the budget is spent, or the stack top
// sp is above the current function's headroom. It is inline in each jumping
// case.
func (m *Machine) charge(sp unsafe.Pointer) bool {
	m.budget--
	return m.budget <= 0 || uintptr(sp) > m.room
}

// backEdge is the slow path of a backward jump (ip is its target), when
// charge found the budget spent or the headroom short: it makes room, or
// reports ErrYield. It takes the loop's registers and gives them back (see
// spill); each jumping case calls it, so that no block shared by them all
// makes the compiler move registers about on the fast path.
//
//go:noinline
func (m *Machine) backEdge(ip, sp unsafe.Pointer, tos gc.Value, lp unsafe.Pointer) (unsafe.Pointer, unsafe.Pointer, gc.Value, unsafe.Pointer, error) {
	if uintptr(sp) > m.room {
		m.spill(ip, sp, tos, lp)
		err := m.ensure(m.fn.MaxPush)
		if ip, sp, tos, lp = m.reload(); err != nil {
			return ip, sp, tos, lp, err
		}
	}
	if m.budget <= 0 {
		return ip, sp, tos, lp, ErrYield
	}
	return ip, sp, tos, lp, nil
}

// makeRoom grows the frames, locals and stack for a call of callee that
// does not fit, taking the loop's registers (and the call's) and giving them
// back, so that none is live across a call (see spill).
//
//go:noinline
func (m *Machine) makeRoom(callee *Func, ret, ip, sp unsafe.Pointer, tos gc.Value, lp unsafe.Pointer) (*Func, unsafe.Pointer, unsafe.Pointer, unsafe.Pointer, gc.Value, unsafe.Pointer, error) {
	fn := m.fn
	if m.fp+1 >= len(m.frames) {
		if m.fp+1 >= MaxCallDepth {
			return callee, ret, ip, sp, tos, lp, errStackOverflow
		}
		m.growFrames()
	}
	if uintptr(lp)+uintptr((fn.NLocals+callee.NLocals)*vsize) > m.localsLast {
		m.ltop = m.lbaseOf(lp) + fn.NLocals
		if err := m.growLocals(m.ltop + callee.NLocals); err != nil {
			return callee, ret, ip, sp, tos, lp, err
		}
		lp = unsafe.Pointer(&m.locals[m.ltop-fn.NLocals])
	}
	if uintptr(sp)+callee.pushBytes > m.stackLast {
		m.save(ip, sp, tos)
		if err := m.ensure(callee.MaxPush); err != nil {
			return callee, ret, ip, sp, tos, lp, err
		}
		sp, tos = m.load()
	}
	return callee, ret, ip, sp, tos, lp, nil
}

// spill writes the loop's registers to m before a call, and reload reads
// them back, from where they are after it (ensure may move the stack). A
// register that is live across any call is spilled by the Go compiler at
// every dispatch (see the note on spills at the top), so every call in the
// loop is between the two, or takes the registers and gives them back
// (freeLast, makeRoom). Offsets, not pointers, are kept in m: no write
// barriers, whose calls clobber a register.
func (m *Machine) spill(ip, sp unsafe.Pointer, tos gc.Value, lp unsafe.Pointer) {
	m.save(ip, sp, tos)
	m.lbase = m.lbaseOf(lp)
}

// reload returns the registers spill wrote, from where they are now.
func (m *Machine) reload() (ip, sp unsafe.Pointer, tos gc.Value, lp unsafe.Pointer) {
	sp, tos = m.load()
	return unsafe.Pointer(&m.fn.Code[m.pc]), sp, tos, unsafe.Pointer(&m.locals[m.lbase])
}

// save writes the loop's state back to m.
func (m *Machine) save(ip, sp unsafe.Pointer, tos gc.Value) {
	*(*gc.Value)(sp) = tos
	m.sp = int(m.depth(sp))
	m.pc = int(uintptr(ip) - uintptr(unsafe.Pointer(&m.fn.Code[0])))
}

// load reads the stack state the loop keeps in locals from m.
func (m *Machine) load() (sp unsafe.Pointer, tos gc.Value) {
	sp = unsafe.Add(unsafe.Pointer(&m.stack[0]), m.sp*vsize)
	return sp, *(*gc.Value)(sp)
}

// depth returns the number of values on the stack whose top slot is sp.
func (m *Machine) depth(sp unsafe.Pointer) int {
	return int((uintptr(sp) - m.stackBase) / uintptr(vsize))
}

// baseOp maps a superinstruction to the arithmetic or comparison opcode it
// performs (AddK -> Add, JumpIfNotLtK -> Lt).
var baseOp = func() (t [numOps]Op) {
	var base func(op Op) Op
	base = func(op Op) Op {
		pair, ok := superFuses[op]
		switch {
		case !ok:
			return op
		case pair[1] == JumpIfFalse || pair[1] == Return:
			return base(pair[0]) // Lt, JumpIfFalse; DupJumpIfNotLtK, Return
		}
		return base(pair[1]) // PushConst k, Lt; Dup, JumpIfNotLtK; LocalGet, Add
	}
	for op := range superFuses {
		t[op] = base(op)
	}
	return t
}()

// divModPos is / (truncating) or mod (floored) of ints by y > 0, with
// shifts and masks when y is a power of two (x/2 and x mod 2 are common;
// a hardware divide costs tens of cycles).
func divModPos(div bool, x, y int64) int64 {
	if y&(y-1) == 0 {
		if div {
			return (x + (x>>63)&(y-1)) >> uint(bits.TrailingZeros64(uint64(y)))
		}
		return x & (y - 1)
	}
	if div {
		return x / y
	}
	if r := x % y; r >= 0 {
		return r
	} else {
		return r + y
	}
}

// intTest evaluates comparison op on two ints (small enough to inline).
func intTest(op Op, x, y int64) bool {
	switch op {
	case Eq:
		return x == y
	case Ne:
		return x != y
	case Lt:
		return x < y
	case Gt:
		return x > y
	case Le:
		return x <= y
	}
	return x >= y
}

// floatTest is test for two floats: Go's comparisons are the language's
// (a NaN is unordered and unequal to everything, itself included).
func floatTest(op Op, x, y float64) bool {
	switch op {
	case Eq:
		return x == y
	case Ne:
		return x != y
	case Lt:
		return x < y
	case Gt:
		return x > y
	case Le:
		return x <= y
	}
	return x >= y
}

// test evaluates comparison op (Eq Ne Lt Gt Le Ge) on a and b, with the int
// case inline; on success it releases a and b.
func test(h *gc.Heap, op Op, a, b gc.Value) (bool, error) {
	if a.K == gc.KInt && b.K == gc.KInt {
		return intTest(op, a.AsInt(), b.AsInt()), nil
	}
	var r bool
	if op == Eq || op == Ne {
		r = Equal(h, a, b) == (op == Eq)
	} else {
		c, err := compare(h, a, b)
		if err != nil {
			return false, err
		}
		r = compareOp(op, c)
	}
	h.Release(a)
	h.Release(b)
	return r, nil
}

// opActorWord maps the actor opcodes to the word the host performs.
var opActorWord = [numOps]ActorWord{
	SpawnActor: AwSpawn, SendMessage: AwSend, SpawnSupervisor: AwSupervisor,
	SetStrategy: AwSetStrategy, RestartChild: AwRestartChild,
}

// growFrames doubles the frame stack.
func (m *Machine) growFrames() {
	n := 2*len(m.frames) + 8
	if n > MaxCallDepth {
		n = MaxCallDepth
	}
	nf := make([]frame, n)
	copy(nf, m.frames)
	m.frames = nf
}

// growLocals makes room for n locals, keeping the first m.ltop, and moves
// the frames' locals pointers to the new array.
func (m *Machine) growLocals(n int) error {
	if n > 4*MaxCallDepth {
		return errStackOverflow
	}
	old := uintptr(unsafe.Pointer(&m.locals[0]))
	nl := make([]gc.Value, 2*n+8)
	copy(nl, m.locals[:m.ltop])
	m.setLocals(nl)
	for i := range m.frames[:m.fp] {
		fr := &m.frames[i]
		fr.lp = unsafe.Pointer(&nl[(uintptr(fr.lp)-old)/uintptr(vsize)])
	}
	return nil
}

// lbaseOf returns the index in m.locals that lp points at.
func (m *Machine) lbaseOf(lp unsafe.Pointer) int {
	return int((uintptr(lp) - uintptr(unsafe.Pointer(&m.locals[0]))) / uintptr(vsize))
}

// unary computes the one-operand opcodes (their operand is released when a
// new value replaces it; none of them accepts a heap value).
func unary(op Op, v gc.Value) (gc.Value, error) {
	switch v.K {
	case gc.KInt:
		n := v.AsInt()
		switch op {
		case Neg:
			return gc.Int(-n), nil
		case Inc:
			return gc.Int(n + 1), nil
		case Dec:
			return gc.Int(n - 1), nil
		case Abs:
			if n < 0 {
				n = -n
			}
			return gc.Int(n), nil
		case Invert:
			return gc.Int(^n), nil
		case ZeroEq:
			return gc.Bool(n == 0), nil
		case ZeroLt:
			return gc.Bool(n < 0), nil
		}
	case gc.KFloat:
		f := v.AsFloat()
		switch op {
		case Neg:
			return gc.Float(-f), nil
		case Inc:
			return gc.Float(f + 1), nil
		case Dec:
			return gc.Float(f - 1), nil
		case Abs:
			if f < 0 || (f == 0 && 1/f < 0) {
				f = -f
			}
			return gc.Float(f), nil
		case ZeroEq:
			return gc.Bool(f == 0), nil
		case ZeroLt:
			return gc.Bool(f < 0), nil
		}
	}
	return v, errType
}

// logic computes and or xor (bools: logical; ints: bitwise) and the shifts.
func logic(op Op, a, b gc.Value) (gc.Value, error) {
	if a.K == gc.KBool && b.K == gc.KBool {
		x, y := a.X != 0, b.X != 0
		switch op {
		case And:
			return gc.Bool(x && y), nil
		case Or:
			return gc.Bool(x || y), nil
		case Xor:
			return gc.Bool(x != y), nil
		}
		return gc.Nil, errType
	}
	if a.K != gc.KInt || b.K != gc.KInt {
		return gc.Nil, errType
	}
	x, y := a.AsInt(), b.AsInt()
	switch op {
	case And:
		return gc.Int(x & y), nil
	case Or:
		return gc.Int(x | y), nil
	case Xor:
		return gc.Int(x ^ y), nil
	case Lshift:
		if y < 0 {
			return gc.Nil, errBadarg
		}
		if y >= 64 {
			return gc.Int(0), nil
		}
		return gc.Int(x << uint(y)), nil
	case Rshift:
		if y < 0 {
			return gc.Nil, errBadarg
		}
		if y >= 64 {
			y = 63
		}
		return gc.Int(x >> uint(y)), nil
	}
	return gc.Nil, errType
}
