package interp

// This file defines the interpreter: one loop, one switch over the opcodes.
//
// Register caching: while the loop runs, the current function's code and
// constants, pc, sp, the top of stack (tos), the locals base and the frame
// pointer live in Go locals. stack[sp] is stale while tos holds the top;
// everything below is in memory. The state is written back to the Machine
// (save) only before something that reads it there: a builtin or host call,
// a yield, a block, a failure. Cases keep the int fast path inline and call
// a named function for the rest (arith, compare, Equal).

import (
	"encoding/binary"

	"github.com/raftvm/raft/gc"
)

func u16(code []byte, pc int) int    { return int(binary.LittleEndian.Uint16(code[pc:])) }
func u32(code []byte, pc int) uint32 { return binary.LittleEndian.Uint32(code[pc:]) }

// DefaultBudget is the reductions an actor runs before it yields (BEAM's figure).
const DefaultBudget = 4000

// Run runs m for at most budget reductions (calls and backward jumps) and
// reports why it stopped. Run again after StatusYield or, once woken, after
// StatusBlocked.
func (m *Machine) Run(budget int) Status {
	if m.fn == nil {
		return StatusDone
	}
	m.funcs = m.Prog.Funcs()
	var (
		funcs  = m.funcs
		h      = m.Heap
		fn     = m.fn
		code   = fn.Code
		k      = fn.Consts
		pc     = m.pc
		stack  = m.stack
		sp     = m.sp
		tos    = stack[sp]
		locals = m.locals
		lbase  = m.lbase
		fp     = m.fp
		ninstr uint64
		err    error
		callee *Func // for doCall
		ret    int   // return pc for doCall
	)

loop:
	for {
		switch Op(code[pc]) {
		case PushConst:
			stack[sp] = tos
			sp++
			tos = k[u32(code, pc+1)] // constants are never heap values
			pc += 5
		case PushInt:
			stack[sp] = tos
			sp++
			tos = gc.Int(int64(int32(u32(code, pc+1))))
			pc += 5
		case PushQuot:
			stack[sp] = tos
			sp++
			tos = gc.Quot(u32(code, pc+1))
			pc += 5
		case Pop:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			h.Release(tos)
			sp--
			tos = stack[sp]
			pc++
		case Dup:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			h.Retain(tos)
			stack[sp] = tos
			sp++
			pc++
		case Swap:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			tos, stack[sp-1] = stack[sp-1], tos
			pc++
		case Peek:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			if tos.K != gc.KInt {
				err = errType
				break loop
			}
			n := tos.AsInt()
			if n < 0 {
				err = errBadarg
				break loop
			}
			if n > int64(sp-2) {
				err = errUnderflow
				break loop
			}
			tos = stack[sp-1-int(n)]
			h.Retain(tos)
			pc++
		case Over:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			v := stack[sp-1]
			h.Retain(v)
			stack[sp] = tos
			sp++
			tos = v
			pc++
		case Rot:
			if sp < 3 {
				err = errUnderflow
				break loop
			}
			a := stack[sp-2]
			stack[sp-2], stack[sp-1], tos = stack[sp-1], tos, a
			pc++
		case MinusRot:
			if sp < 3 {
				err = errUnderflow
				break loop
			}
			b := stack[sp-1]
			stack[sp-2], stack[sp-1], tos = tos, stack[sp-2], b
			pc++
		case Nip:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			h.Release(stack[sp-1])
			sp--
			pc++
		case Tuck:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			h.Retain(tos)
			stack[sp] = stack[sp-1]
			stack[sp-1] = tos
			sp++
			pc++
		case TwoDup:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			a := stack[sp-1]
			h.Retain(a)
			h.Retain(tos)
			stack[sp] = tos
			stack[sp+1] = a
			sp += 2
			pc++
		case TwoDrop:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			h.Release(tos)
			h.Release(stack[sp-1])
			sp -= 2
			tos = stack[sp]
			pc++
		case TwoSwap:
			if sp < 4 {
				err = errUnderflow
				break loop
			}
			a, b, c := stack[sp-3], stack[sp-2], stack[sp-1]
			stack[sp-3], stack[sp-2], stack[sp-1], tos = c, tos, a, b
			pc++
		case Depth:
			stack[sp] = tos
			tos = gc.Int(int64(sp))
			sp++
			pc++

		case Add, Sub, Mul, Div, Mod, Exp, Min, Max:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			a := stack[sp-1]
			op := Op(code[pc])
			if a.K == gc.KInt && tos.K == gc.KInt {
				switch op {
				case Add:
					tos.X = a.X + tos.X
				case Sub:
					tos.X = a.X - tos.X
				case Mul:
					tos.X = uint64(a.AsInt() * tos.AsInt())
				default:
					var r gc.Value
					if r, err = intArith(op, a.AsInt(), tos.AsInt()); err != nil {
						break loop
					}
					tos = r
				}
			} else {
				var r gc.Value
				if r, err = arith(h, op, a, tos); err != nil {
					break loop
				}
				tos = r
			}
			sp--
			pc++
		case Neg, Inc, Dec, Abs:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			if tos, err = unary(Op(code[pc]), tos); err != nil {
				break loop
			}
			pc++

		case Eq, Ne:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			a := stack[sp-1]
			var eq bool
			if a.K == gc.KInt && tos.K == gc.KInt {
				eq = a.X == tos.X
			} else {
				eq = Equal(h, a, tos)
				h.Release(a)
				h.Release(tos)
			}
			tos = gc.Bool(eq == (Op(code[pc]) == Eq))
			sp--
			pc++
		case Lt, Gt, Le, Ge:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			a := stack[sp-1]
			op := Op(code[pc])
			var r bool
			if a.K == gc.KInt && tos.K == gc.KInt {
				x, y := a.AsInt(), tos.AsInt()
				switch op {
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
				var c int
				if c, err = compare(h, a, tos); err != nil {
					break loop
				}
				r = compareOp(op, c)
				h.Release(a)
				h.Release(tos)
			}
			tos = gc.Bool(r)
			sp--
			pc++
		case Not:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			h.Release(tos)
			tos = gc.Bool(!tos.Truthy())
			pc++
		case And, Or, Xor, Lshift, Rshift:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			var r gc.Value
			if r, err = logic(Op(code[pc]), stack[sp-1], tos); err != nil {
				break loop
			}
			tos = r
			sp--
			pc++
		case Invert, ZeroEq, ZeroLt:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			if tos, err = unary(Op(code[pc]), tos); err != nil {
				break loop
			}
			pc++

		case Jump:
			t := int(u32(code, pc+1))
			back := t <= pc
			pc = t
			if back {
				goto backEdge
			}
		case JumpIfFalse:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			c := tos
			h.Release(c)
			sp--
			tos = stack[sp]
			if c.K == gc.KNil || c == gc.False {
				t := int(u32(code, pc+1))
				back := t <= pc
				pc = t
				if back {
					goto backEdge
				}
			} else {
				pc += 5
			}
		case Call:
			callee = funcs[u32(code, pc+1)]
			ret = pc + 5
			goto doCall
		case CallQuot:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			if tos.K == gc.KQuot {
				callee = funcs[tos.X]
				sp--
				tos = stack[sp]
				ret = pc + 1
				goto doCall
			}
			if tos.K != gc.KCurry {
				err = errType
				break loop
			}
			// Unwrap curried values onto the stack, then call the quotation.
			q := tos
			sp--
			tos = stack[sp]
			for q.K == gc.KCurry {
				x, inner := h.CurryParts(q)
				h.Retain(x)
				h.Retain(inner)
				h.Release(q)
				stack[sp] = tos
				m.sp = sp
				if err = m.ensure(1); err != nil {
					h.Release(x)
					h.Release(inner)
					break loop
				}
				stack = m.stack
				sp++
				tos = x
				q = inner
			}
			if q.K != gc.KQuot {
				err = errType
				break loop
			}
			callee = funcs[q.X]
			ret = pc + 1
			goto doCall
		case Return:
			if n := fn.NLocals; n > 0 {
				for i := lbase; i < lbase+n; i++ {
					h.Release(locals[i])
					locals[i] = gc.Nil
				}
			}
			if fp == 0 {
				stack[sp] = tos
				m.sp, m.fp, m.fn = sp, 0, nil
				m.Instructions += ninstr
				return StatusDone
			}
			fp--
			fr := &m.frames[fp]
			fn, pc, lbase = fr.fn, fr.pc, fr.lbase
			fr.fn = nil
			code, k = fn.Code, fn.Consts
			if sp+fn.MaxPush >= len(stack) {
				stack[sp] = tos
				m.sp = sp
				if err = m.ensure(fn.MaxPush); err != nil {
					break loop
				}
				stack = m.stack
			}

		case LocalGet:
			v := locals[lbase+u16(code, pc+1)]
			h.Retain(v)
			stack[sp] = tos
			sp++
			tos = v
			pc += 3
		case LocalSet:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			slot := &locals[lbase+u16(code, pc+1)]
			old := *slot
			*slot = tos
			h.Release(old)
			sp--
			tos = stack[sp]
			pc += 3
		case DoInit, DoInitStep:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			limit, start := stack[sp-1], tos
			if limit.K != gc.KInt || start.K != gc.KInt {
				err = errType
				break loop
			}
			sp -= 2
			tos = stack[sp]
			s := lbase + u16(code, pc+1)
			if start.AsInt() == limit.AsInt() || (Op(code[pc]) == DoInit && start.AsInt() > limit.AsInt()) {
				pc = int(u32(code, pc+3))
			} else {
				locals[s], locals[s+1] = start, limit
				pc += 7
			}
		case Loop:
			s := lbase + u16(code, pc+1)
			idx := &locals[s]
			idx.X++
			if int64(idx.X) < locals[s+1].AsInt() {
				pc = int(u32(code, pc+3))
				goto backEdge
			} else {
				pc += 7
			}
		case PlusLoop:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			if tos.K != gc.KInt {
				err = errType
				break loop
			}
			step := tos.AsInt()
			if step == 0 {
				err = errBadarg
				break loop
			}
			sp--
			tos = stack[sp]
			s := lbase + u16(code, pc+1)
			i := locals[s].AsInt() + step
			locals[s] = gc.Int(i)
			limit := locals[s+1].AsInt()
			if (step > 0 && i < limit) || (step < 0 && i > limit) {
				pc = int(u32(code, pc+3))
				goto backEdge
			} else {
				pc += 7
			}

		case Mark:
			locals[lbase+u16(code, pc+1)] = gc.Int(int64(sp))
			pc += 3
		case MakeArray:
			mark := int(locals[lbase+u16(code, pc+1)].AsInt())
			if mark > sp {
				err = errUnderflow
				break loop
			}
			stack[sp] = tos
			arr, aerr := h.ArrayOf(stack[mark+1 : sp+1])
			if aerr != nil {
				err = allocErr(aerr)
				break loop
			}
			sp = mark + 1
			tos = arr
			pc += 3
		case Get:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			a := stack[sp-1]
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
			h.Release(a)
			sp--
			tos = x
			pc++
		case Set:
			if sp < 3 {
				err = errUnderflow
				break loop
			}
			a, iv := stack[sp-2], stack[sp-1]
			if a.K != gc.KArr || iv.K != gc.KInt {
				err = errType
				break loop
			}
			i := iv.AsInt()
			if uint64(i) >= uint64(h.Len(a)) {
				err = errOutOfBounds
				break loop
			}
			h.Set(a, int(i), tos)
			h.Release(a)
			sp -= 3
			tos = stack[sp]
			pc++
		case Push:
			if sp < 2 {
				err = errUnderflow
				break loop
			}
			a := stack[sp-1]
			if a.K != gc.KArr {
				err = errType
				break loop
			}
			h.Retain(tos) // Push releases x on failure; keep ours for the stack
			if perr := h.Push(a, tos); perr != nil {
				err = allocErr(perr)
				break loop
			}
			h.Release(tos)
			h.Release(a)
			sp -= 2
			tos = stack[sp]
			pc++
		case ArrPop:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			a := tos
			if a.K != gc.KArr {
				err = errType
				break loop
			}
			x, ok := h.Pop(a)
			if !ok {
				err = errOutOfBounds
				break loop
			}
			h.Release(a)
			tos = x
			pc++
		case Len:
			if sp < 1 {
				err = errUnderflow
				break loop
			}
			if tos.K != gc.KArr && !tos.IsString() {
				err = errType
				break loop
			}
			n := h.Len(tos)
			h.Release(tos)
			tos = gc.Int(int64(n))
			pc++

		case Builtin:
			b := &builtins[u16(code, pc+1)]
			stack[sp] = tos
			m.sp, m.pc, m.fn, m.lbase, m.fp = sp, pc, fn, lbase, fp
			if sp < b.in {
				err = errUnderflow
			} else {
				err = b.fn(m)
			}
			stack, sp = m.stack, m.sp
			tos = stack[sp]
			if err != nil {
				if err == ErrYield {
					pc += 3
				}
				break loop
			}
			pc += 3
			if b.out < 0 && sp+fn.MaxPush >= len(stack) {
				if err = m.ensure(fn.MaxPush); err != nil {
					break loop
				}
				stack = m.stack
			}

		case ReceiveMessage:
			if m.Mailbox.Len() == 0 {
				stack[sp] = tos
				m.sp, m.pc, m.fn, m.lbase, m.fp = sp, pc, fn, lbase, fp
				if m.Host == nil || !m.Host.Fetch(m, true) {
					err = ErrBlock
					break loop
				}
			}
			stack[sp] = tos
			sp++
			tos = m.Mailbox.Take(0)
			pc++
		case SpawnActor, SendMessage, SpawnSupervisor, SetStrategy, RestartChild:
			w := opActorWord[Op(code[pc])]
			stack[sp] = tos
			m.sp, m.pc, m.fn, m.lbase, m.fp = sp, pc, fn, lbase, fp
			err = m.hostCall(w)
			stack, sp = m.stack, m.sp
			tos = stack[sp]
			if err != nil {
				if err == ErrYield {
					pc++
				}
				break loop
			}
			pc++

		default:
			panic("interp: bad opcode " + Op(code[pc]).String())
		}
		continue

	backEdge:
		// A backward jump (pc is its target): check headroom, charge a reduction.
		if sp+fn.MaxPush >= len(stack) {
			stack[sp] = tos
			m.sp = sp
			if err = m.ensure(fn.MaxPush); err != nil {
				break loop
			}
			stack = m.stack
		}
		if budget--; budget <= 0 {
			err = ErrYield
			break loop
		}
		continue

	doCall:
		// Enter callee, returning to ret. Depth and headroom are checked
		// before the frame changes, so a failure points at the call.
		if fp+1 >= len(m.frames) {
			if fp+1 >= MaxCallDepth {
				err = errStackOverflow
				break loop
			}
			m.growFrames()
		}
		if nb := lbase + fn.NLocals + callee.NLocals; nb > len(locals) {
			m.ltop = lbase + fn.NLocals
			if err = m.growLocals(nb); err != nil {
				break loop
			}
			locals = m.locals
		}
		if sp+callee.MaxPush >= len(stack) {
			stack[sp] = tos
			m.sp = sp
			if err = m.ensure(callee.MaxPush); err != nil {
				break loop
			}
			stack = m.stack
		}
		m.frames[fp] = frame{fn: fn, pc: ret, lbase: lbase}
		fp++
		lbase += fn.NLocals
		fn, code, k, pc = callee, callee.Code, callee.Consts, 0
		if budget--; budget <= 0 {
			err = ErrYield
			break loop
		}
	}

	// Write the state back and say why we stopped.
	stack[sp] = tos
	m.sp, m.pc, m.fn, m.lbase, m.fp = sp, pc, fn, lbase, fp
	m.Instructions += ninstr
	switch e := err.(type) {
	case nil:
		panic("interp: loop left without a reason")
	case *Exit:
		m.ExitReason = e.Reason
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

// growLocals makes room for n locals, keeping the first m.ltop.
func (m *Machine) growLocals(n int) error {
	if n > 4*MaxCallDepth {
		return errStackOverflow
	}
	nl := make([]gc.Value, 2*n+8)
	copy(nl, m.locals[:m.ltop])
	m.locals = nl
	return nil
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
