package jit

// This file holds what each plain instruction does to the builder's state
// (see build.go), in the order of interp's opcode table. Each case follows
// the interpreter's case in interp/run.go: the kinds it accepts natively,
// and what it leaves to the interpreter (an exit before the instruction,
// where the interpreter reports the error or does the rare case) or runs
// there and comes back (step).

import (
	"math"
	"math/bits"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// part builds one plain instruction of the current instruction; it reports
// true when the whole instruction is done (a step ran it).
func (b *builder) part(in *interp.Instr) bool {
	f := b.f
	switch in.Op {
	case interp.PushConst:
		b.push(b.constSlot(in.K))
	case interp.Pop:
		b.drop(b.pop())
	case interp.Dup:
		s := b.peek(0)
		b.push(b.copyOf(s))
	case interp.Swap:
		x, y := b.peek(1), b.peek(0)
		b.put(1, y)
		b.put(0, x)
	case interp.Over:
		b.push(b.copyOf(b.peek(1)))
	case interp.Rot: // a b c -- b c a
		a, bb, c := b.peek(2), b.peek(1), b.peek(0)
		b.put(2, bb)
		b.put(1, c)
		b.put(0, a)
	case interp.MinusRot: // a b c -- c a b
		a, bb, c := b.peek(2), b.peek(1), b.peek(0)
		b.put(2, c)
		b.put(1, a)
		b.put(0, bb)
	case interp.Nip:
		y := b.pop()
		x := b.pop()
		b.push(y)
		b.drop(x)
	case interp.Tuck: // a b -- b a b
		a, bb := b.peek(1), b.peek(0)
		b.put(1, bb)
		b.put(0, a)
		b.push(b.copyOf(bb))
	case interp.TwoDup:
		a, bb := b.peek(1), b.peek(0)
		b.push(b.copyOf(a))
		b.push(b.copyOf(bb))
	case interp.TwoDrop:
		y := b.pop()
		x := b.pop()
		b.drop(y)
		b.drop(x)
	case interp.TwoSwap: // a b c d -- c d a b
		a, bb, c, d := b.peek(3), b.peek(2), b.peek(1), b.peek(0)
		b.put(3, c)
		b.put(2, d)
		b.put(1, a)
		b.put(0, bb)
	case interp.Peek:
		return b.pick()
	case interp.Depth:
		b.push(slot{k: f.constant(int64(gc.KInt)), p: b.depth(b.st.top), dirty: true})

	case interp.Add, interp.Sub, interp.Mul, interp.Div, interp.Mod, interp.Min, interp.Max:
		return b.arith(in.Op)
	case interp.Exp:
		return b.step()
	case interp.Neg, interp.Inc, interp.Dec, interp.Abs:
		return b.unary(in.Op)

	case interp.Eq, interp.Ne:
		return b.equal(in.Op == interp.Eq)
	case interp.Lt, interp.Gt, interp.Le, interp.Ge:
		return b.compare(in.Op)
	case interp.Not:
		x := b.pop()
		t := b.truthy(x)
		b.drop(x)
		b.push(b.boolSlot(b.fold(opXor, t, f.constant(1))))
	case interp.And, interp.Or, interp.Xor:
		return b.logic(in.Op)
	case interp.Invert:
		b.asInt(0, 0)
		x := b.pop()
		b.push(b.intSlot(b.emit(opNot, tInt, x.p, 0, 0)))
	case interp.Lshift, interp.Rshift:
		return b.shift(in.Op == interp.Lshift)
	case interp.ZeroEq, interp.ZeroLt:
		return b.zeroTest(in.Op == interp.ZeroEq)

	case interp.Jump:
		b.branchTo(in.Target, 0, cEq, 0, true)
	case interp.JumpIfFalse:
		b.jumpIfFalse(in.Target)
	case interp.Call:
		b.call(int(in.Fn))
	case interp.CallQuot:
		b.callQuot()
	case interp.Return:
		if b.inlined {
			b.endLocals(in.Slot, in.Slot2) // the end of an inlined word's body
			break
		}
		b.ret()

	case interp.LocalGet:
		l := b.st.locals[in.Slot]
		b.push(slot{k: l.k, p: l.p, dirty: true, borrowed: true})
	case interp.LocalSet:
		b.setLocal(in.Slot, b.pop())
	case interp.DoInit, interp.DoInitStep:
		b.doInit(in)
	case interp.Loop, interp.LoopStep:
		b.loop(in)
	case interp.PlusLoop:
		b.plusLoop(in)

	case interp.Mark:
		b.st.locals[in.Slot] = slot{k: f.constant(int64(gc.KInt)), p: b.depth(b.st.top), dirty: true, memNil: b.st.locals[in.Slot].memNil}
		if b.st.marks == nil {
			b.st.marks = map[int]int{}
		}
		b.st.marks[in.Slot] = b.st.top
	case interp.MakeArray:
		if t, ok := b.st.marks[in.Slot]; ok && b.st.top >= t {
			return b.stepEffect(b.st.top-t, 1)
		}
		return b.stepEffect(-1, -1)
	case interp.Get:
		b.get()
	case interp.Set:
		return b.set()
	case interp.Len:
		return b.length()

	case interp.Builtin:
		return b.builtin(in.Slot)
	case interp.CallHost, interp.MapAt, interp.MapPut: // Go words, and maps: the interpreter runs them
		return b.step()

	case interp.Push:
		return b.push2()
	case interp.ArrPop:
		return b.arrPop()
	case interp.SpawnActor, interp.SendMessage, interp.ReceiveMessage,
		interp.SpawnSupervisor, interp.SetStrategy, interp.RestartChild:
		return b.step()
	default:
		panic(unsupported("%s: no rule for %s", b.fn.Name, in.Op))
	}
	return false
}

// Stack helpers. Positions are read through peek (which loads what the
// state does not hold) and written with put; a slot moved to another
// position is dirty there.

func (b *builder) peek(n int) slot { return b.load(b.st, b.st.top-n) }

func (b *builder) put(n int, s slot) {
	s.dirty = true
	b.st.set(b.st.top-n, s)
}

func (b *builder) push(s slot) {
	b.st.top++
	s.dirty = true
	b.st.set(b.st.top, s)
}

func (b *builder) pop() slot {
	s := b.peek(0)
	b.st.top--
	b.st.trim()
	return s
}

// copyOf returns a copy of s for another position: it borrows s's count.
func (b *builder) copyOf(s slot) slot {
	return slot{k: s.k, p: s.p, dirty: true, borrowed: true}
}

// drop drops the reference a popped slot held.
func (b *builder) drop(s slot) { b.release(s) }

// release drops s's reference: nothing for a borrowed slot or a value
// without a count; a slot borrowing the same value takes it over, if there
// is one; else the count drops (and the object is freed at zero).
func (b *builder) release(s slot) {
	if s.borrowed || !b.maybeHeap(s) {
		return
	}
	for i, o := range b.st.stack {
		if o.borrowed && o.k == s.k && o.p == s.p {
			b.st.stack[i].borrowed = false
			return
		}
	}
	b.emitRelease(s.k, s.p)
}

// emitRelease drops a reference to (k, p): freeing the object, when it
// was the last, is Go's (an exit that comes back).
func (b *builder) emitRelease(k, p vid) {
	pc := 0
	if b.in != nil {
		pc = b.in.pc
	}
	b.f.exits = append(b.f.exits, exitInfo{kind: interp.ExitRelease, why: whyRelease, pc: pc, auxV: [2]vid{k, p}})
	b.f.use(k)
	b.f.use(p)
	b.effect()
	b.emit(opRelease, tVoid, k, p, int64(len(b.f.exits)-1))
}

// own makes s hold a count of its own (a borrowed copy gets one).
func (b *builder) own(s slot) slot {
	if s.borrowed && b.maybeHeap(s) {
		b.retain(s.k, s.p)
	}
	s.borrowed = false
	return s
}

func (b *builder) constSlot(k gc.Value) slot {
	if k.K == gc.KFloat {
		return slot{k: b.f.constant(int64(k.K)), p: b.f.constantF(int64(k.X)), dirty: true}
	}
	return slot{k: b.f.constant(int64(k.K)), p: b.f.constant(int64(k.X)), dirty: true}
}

func (b *builder) intSlot(p vid) slot {
	return slot{k: b.f.constant(int64(gc.KInt)), p: p, dirty: true}
}

func (b *builder) floatSlot(p vid) slot {
	return slot{k: b.f.constant(int64(gc.KFloat)), p: p, dirty: true}
}

func (b *builder) boolSlot(p vid) slot {
	return slot{k: b.f.constant(int64(gc.KBool)), p: p, dirty: true}
}

// kind returns the kind of s when it is known.
func (b *builder) kind(s slot) (gc.Kind, bool) {
	k, ok := b.f.isConst(s.k)
	return gc.Kind(k), ok
}

// depth returns the interpreter's sp at position pos: the index of DSP
// plus pos.
func (b *builder) depth(pos int) vid {
	d := b.emit(opDepth, tInt, 0, 0, 0)
	if pos == 0 {
		return d
	}
	return b.emit(opAdd, tInt, d, b.f.constant(int64(pos)), 0)
}

// refine records that kind value kv is k (a check has passed): every slot
// holding it gets the constant, and a float its payload in a float
// register.
func (b *builder) refine(kv vid, k gc.Kind) {
	c := b.f.constant(int64(k))
	conv := map[vid]vid{}
	fix := func(s *slot) {
		if s.k != kv {
			return
		}
		s.k = c
		if k == gc.KFloat && b.f.values[s.p].typ == tInt {
			if v, ok := conv[s.p]; ok {
				s.p = v
			} else {
				v := b.emit(opBitsF, tFloat, s.p, 0, 0)
				conv[s.p] = v
				s.p = v
			}
		}
	}
	for i := range b.st.stack {
		fix(&b.st.stack[i])
	}
	for i := range b.st.locals {
		fix(&b.st.locals[i])
	}
}

// guardKind checks that the slot n below the top has kind k (leaving for
// the interpreter when it has not) and refines it.
func (b *builder) guardKind(n int, k gc.Kind, operand int) {
	s := b.peek(n)
	if sk, ok := b.kind(s); ok {
		if sk != k {
			b.leave(whyGuard)
		}
		return
	}
	b.guardSite(s.k, k, operand)
	b.refine(s.k, k)
}

// asInt checks that the slot n below the top is an int.
func (b *builder) asInt(n, operand int) { b.guardKind(n, gc.KInt, operand) }

// numKind is the kind an arithmetic operand is taken to have: its own when
// known, else the one feedback saw, else int (or float, beside a float).
func (b *builder) numKind(s slot, operand int, other slot) (gc.Kind, bool) {
	if k, ok := b.kind(s); ok {
		return k, true
	}
	switch seen := b.seen(operand); {
	case seen == 1<<gc.KFloat:
		return gc.KFloat, true
	case seen == 0 || seen == 1<<gc.KInt:
		if k, _ := b.kind(other); k == gc.KFloat && seen == 0 && other.k != 0 {
			return gc.KFloat, true
		}
		if seen == 0 && b.floatBias(s) {
			return gc.KFloat, true
		}
		return gc.KInt, true
	}
	return 0, false // several kinds: leave it to the interpreter
}

// guessed reports whether nothing is known of the kind of s, operand of
// the current instruction, nor has feedback seen one there.
func (b *builder) guessed(s slot, operand int) bool {
	_, ok := b.kind(s)
	return !ok && b.seen(operand) == 0
}

// floatBias reports whether s, a number nothing is known of, is taken to
// be a float, as the function computes with floats: its checks have
// failed on floats and never on ints. Before any check of a number has
// failed, an element read from memory is taken to be a float when the
// function's code holds a float constant or its frame held a float when
// it became hot (a loop that has run holds its values there): guessing
// int for the elements of float arrays costs a compilation more. (Not
// the function's arguments: a word of ints may end in a float.)
func (b *builder) floatBias(s slot) bool {
	var all uint16
	if b.fb != nil {
		for _, k := range b.fb.kinds {
			all |= k
		}
	}
	const nums = 1<<gc.KInt | 1<<gc.KFloat
	if all&nums != 0 {
		return all&nums == 1<<gc.KFloat
	}
	if b.f.values[s.k].op != opLoad {
		return false
	}
	return b.floats || b.fb != nil && b.fb.frame&(1<<gc.KFloat) != 0
}

// Arithmetic modes.
const (
	modeInt = iota
	modeFloat
	modeOther // not two numbers natively: the interpreter does it
)

// numMode decides how to do a binary op on the top two slots, and checks
// the kinds it assumes.
func (b *builder) numMode() int {
	x, y := b.peek(1), b.peek(0)
	kx, okx := b.numKind(x, 0, y)
	ky, oky := b.numKind(y, 1, x)
	if y.k == x.k { // the same value (dup): the same kind
		ky, oky = kx, okx
	}
	// An int guessed for want of anything known, beside a number taken
	// to be a float (known, seen or guessed), is taken to be a float too.
	if okx && oky && kx == gc.KInt && ky == gc.KFloat && b.guessed(x, 0) {
		kx = gc.KFloat
	}
	if okx && oky && ky == gc.KInt && kx == gc.KFloat && b.guessed(y, 1) {
		ky = gc.KFloat
	}
	if !okx || !oky || !isNum(kx) || !isNum(ky) {
		return modeOther
	}
	b.guardKind(1, kx, 0)
	b.guardKind(0, ky, 1)
	if kx == gc.KInt && ky == gc.KInt {
		return modeInt
	}
	return modeFloat
}

// floatBeside converts the slot n below the top, operand of + - * /, to a
// float when the other one is a float and it is an int or a float by
// turns (an accumulator that starts at 0: feedback has seen both kinds, or
// its loop's edges bring both): the interpreter computes a float then
// too, and a check of one kind would fail every other pass.
func (b *builder) floatBeside(n, operand int) {
	s, other := b.peek(n), b.peek(1-n)
	if _, ok := b.kind(s); ok {
		return
	}
	if k, ok := b.kind(other); !ok || k != gc.KFloat {
		return
	}
	const nums = 1<<gc.KInt | 1<<gc.KFloat
	if seen := b.seen(operand); seen != nums && !(seen == 0 && b.varies[s.k]) {
		return
	}
	f := b.f
	// Neither an int nor a float: the interpreter (a type error, or a
	// kind feedback learns).
	b.checkSiteOf(s.k, b.fold(opSub, s.k, f.constant(int64(gc.KInt))), cLtU, 2, operand)
	isInt := b.emit3(opCmp, tInt, s.k, f.constant(int64(gc.KInt)), 0, 0, int32(cEq))
	bits := b.emit3(opSel, tInt, isInt, b.emit(opFBits, tInt, b.emit(opIToF, tFloat, s.p, 0, 0), 0, 0), s.p, 0, 0)
	x := b.floatSlot(b.emit(opBitsF, tFloat, bits, 0, 0))
	b.st.set(b.st.top-n, x)
}

// exactFloat returns the float a number slot s holds exactly: its own,
// or an int constant's within 2^53.
func (b *builder) exactFloat(s slot) (vid, bool) {
	if k, _ := b.kind(s); k == gc.KFloat {
		return s.p, true
	}
	if c, ok := b.f.isConst(s.p); ok && c >= -1<<53 && c <= 1<<53 {
		return b.f.constantF(int64(math.Float64bits(float64(c)))), true
	}
	return 0, false
}

// floatOf returns s's value as a float (an int is converted).
func (b *builder) floatOf(s slot) vid {
	if k, _ := b.kind(s); k == gc.KInt {
		if c, ok := b.f.isConst(s.p); ok {
			return b.f.constantF(int64(math.Float64bits(float64(c))))
		}
		return b.emit(opIToF, tFloat, s.p, 0, 0)
	}
	return s.p
}

// arith builds + - * / mod min max.
func (b *builder) arith(o interp.Op) bool {
	if o == interp.Add || o == interp.Sub || o == interp.Mul || o == interp.Div {
		b.floatBeside(1, 0)
		b.floatBeside(0, 1)
	}
	mode := b.numMode()
	if mode == modeOther {
		x, y := b.peek(1), b.peek(0)
		kx, okx := b.kind(x)
		ky, oky := b.kind(y)
		if okx && oky && !(isStr(kx) && isStr(ky) && (o == interp.Add || o == interp.Min || o == interp.Max)) {
			b.leave(whySlow) // a type error: the interpreter reports it
		}
		return b.step() // strings, or kinds that vary
	}
	x, y := b.peek(1), b.peek(0)
	var r slot
	if mode == modeInt {
		switch o {
		case interp.Add:
			r = b.intSlot(b.fold(opAdd, x.p, y.p))
		case interp.Sub:
			r = b.intSlot(b.fold(opSub, x.p, y.p))
		case interp.Mul:
			r = b.intSlot(b.fold(opMul, x.p, y.p))
		case interp.Min:
			r = b.intSlot(b.fold(opMin, x.p, y.p))
		case interp.Max:
			r = b.intSlot(b.fold(opMax, x.p, y.p))
		case interp.Div, interp.Mod:
			r = b.intSlot(b.divMod(o == interp.Div, x.p, y.p))
		}
	} else {
		fx, fy := b.floatOf(x), b.floatOf(y)
		switch o {
		case interp.Add:
			r = b.floatSlot(b.emit(opFAdd, tFloat, fx, fy, 0))
		case interp.Sub:
			r = b.floatSlot(b.emit(opFSub, tFloat, fx, fy, 0))
		case interp.Mul:
			r = b.floatSlot(b.emit(opFMul, tFloat, fx, fy, 0))
		case interp.Div:
			r = b.floatSlot(b.emit(opFDiv, tFloat, fx, fy, 0))
		case interp.Min, interp.Max:
			kx, _ := b.kind(x)
			ky, _ := b.kind(y)
			if kx != ky {
				return b.step() // min of an int and a float keeps the kind of the one it picks
			}
			op := opFMin
			if o == interp.Max {
				op = opFMax
			}
			r = b.floatSlot(b.emit(op, tFloat, fx, fy, 0))
		default: // mod of floats
			return b.step()
		}
	}
	b.pop()
	b.pop()
	b.push(r)
	return false
}

// fold emits an int op, or its result when both operands are constants.
func (b *builder) fold(o op, x, y vid) vid {
	cx, okx := b.f.isConst(x)
	cy, oky := b.f.isConst(y)
	if okx && oky {
		switch o {
		case opAdd:
			return b.f.constant(cx + cy)
		case opSub:
			return b.f.constant(cx - cy)
		case opMul:
			return b.f.constant(cx * cy)
		case opAnd:
			return b.f.constant(cx & cy)
		case opOr:
			return b.f.constant(cx | cy)
		case opXor:
			return b.f.constant(cx ^ cy)
		case opMin:
			return b.f.constant(min(cx, cy))
		case opMax:
			return b.f.constant(max(cx, cy))
		}
	}
	if oky && cy == 0 && (o == opAdd || o == opSub || o == opOr || o == opXor) {
		return x
	}
	return b.emit(o, tInt, x, y, 0)
}

// divMod is / or mod of ints: by 0 the interpreter fails; by -1 the
// answer is -x (wrapping) or 0.
func (b *builder) divMod(div bool, x, y vid) vid {
	f := b.f
	o := opMod
	if div {
		o = opDiv
	}
	if c, ok := f.isConst(y); ok {
		switch {
		case c == 0:
			b.leave(whySlow)
		case c == -1 && div:
			return b.emit(opNeg, tInt, x, 0, 0)
		case c == -1 || c == 1 && !div:
			return f.constant(0)
		case c == 1:
			return x
		case c > 0 && c&(c-1) == 0: // a power of two: shifts and masks (x mod 2 is common)
			k := int64(0)
			for 1<<k != c {
				k++
			}
			if !div {
				return b.emit(opAnd, tInt, x, f.constant(c-1), 0)
			}
			bias := b.emit(opAnd, tInt, b.emit(opSar, tInt, x, f.constant(63), 0), f.constant(c-1), 0)
			return b.emit(opSar, tInt, b.emit(opAdd, tInt, x, bias, 0), f.constant(k), 0)
		}
		return b.emit(o, tInt, x, y, 0)
	}
	b.check(y, cNe, f.constant(0), whySlow)
	isM1 := b.emit3(opCmp, tInt, y, f.constant(-1), 0, 0, int32(cEq))
	safe := b.emit3(opSel, tInt, isM1, f.constant(1), y, 0, 0)
	r := b.emit(o, tInt, x, safe, 0)
	if div {
		r = b.emit3(opSel, tInt, isM1, b.emit(opNeg, tInt, x, 0, 0), r, 0, 0)
	}
	return r
}

// unary builds neg 1+ 1- abs.
func (b *builder) unary(o interp.Op) bool {
	x := b.peek(0)
	k, ok := b.kind(x)
	if !ok {
		switch seen := b.seen(0); {
		case seen == 1<<gc.KFloat:
			k = gc.KFloat
		case seen == 0 || seen == 1<<gc.KInt:
			k = gc.KInt
		default:
			return b.step()
		}
	}
	if k != gc.KInt && k != gc.KFloat {
		b.leave(whySlow)
	}
	b.guardKind(0, k, 0)
	x = b.peek(0)
	var r slot
	if k == gc.KInt {
		switch o {
		case interp.Neg:
			r = b.intSlot(b.fold(opSub, b.f.constant(0), x.p))
		case interp.Inc:
			r = b.intSlot(b.fold(opAdd, x.p, b.f.constant(1)))
		case interp.Dec:
			r = b.intSlot(b.fold(opSub, x.p, b.f.constant(1)))
		case interp.Abs:
			neg := b.emit3(opCmp, tInt, x.p, b.f.constant(0), 0, 0, int32(cLt))
			r = b.intSlot(b.emit3(opSel, tInt, neg, b.emit(opNeg, tInt, x.p, 0, 0), x.p, 0, 0))
		}
	} else {
		one := b.f.constantF(int64(math.Float64bits(1)))
		switch o {
		case interp.Neg:
			r = b.floatSlot(b.emit(opFNeg, tFloat, x.p, 0, 0))
		case interp.Inc:
			r = b.floatSlot(b.emit(opFAdd, tFloat, x.p, one, 0))
		case interp.Dec:
			r = b.floatSlot(b.emit(opFSub, tFloat, x.p, one, 0))
		case interp.Abs:
			r = b.floatSlot(b.emit(opFAbs, tFloat, x.p, 0, 0))
		}
	}
	b.pop()
	b.push(r)
	return false
}

// zeroTest builds 0= and 0<.
func (b *builder) zeroTest(eq bool) bool {
	x := b.peek(0)
	k, ok := b.kind(x)
	if !ok {
		k = gc.KInt
		if b.seen(0) == 1<<gc.KFloat {
			k = gc.KFloat
		} else if s := b.seen(0); s != 0 && s != 1<<gc.KInt {
			return b.step()
		}
	}
	if k != gc.KInt && k != gc.KFloat {
		b.leave(whySlow)
	}
	b.guardKind(0, k, 0)
	x = b.peek(0)
	c := cLt
	if eq {
		c = cEq
	}
	var t vid
	if k == gc.KInt {
		t = b.emit3(opCmp, tInt, x.p, b.f.constant(0), 0, 0, int32(c))
	} else {
		t = b.emit3(opFCmp, tInt, x.p, b.f.constantF(0), 0, 0, int32(c))
	}
	b.pop()
	b.push(b.boolSlot(t))
	return false
}

// compare builds < > <= >= of numbers.
func (b *builder) compare(o interp.Op) bool {
	mode := b.numMode()
	if mode == modeOther {
		return b.step() // strings, or mixed kinds: the interpreter compares (or fails)
	}
	x, y := b.peek(1), b.peek(0)
	c := map[interp.Op]cond{interp.Lt: cLt, interp.Gt: cGt, interp.Le: cLe, interp.Ge: cGe}[o]
	var t vid
	if mode == modeInt {
		t = b.emit3(opCmp, tInt, x.p, y.p, 0, 0, int32(c))
	} else {
		kx, _ := b.kind(x)
		ky, _ := b.kind(y)
		xp, yp := x.p, y.p
		if kx != ky {
			// An int with a float is compared exactly: as floats when the
			// int is a constant a float holds exactly, else by the
			// interpreter.
			var ok bool
			if xp, ok = b.exactFloat(x); ok {
				yp, ok = b.exactFloat(y)
			}
			if !ok {
				return b.step()
			}
		}
		t = b.emit3(opFCmp, tInt, xp, yp, 0, 0, int32(c))
	}
	b.pop()
	b.pop()
	b.push(b.boolSlot(t))
	return false
}

// isNum reports whether values of kind k are numbers.
func isNum(k gc.Kind) bool { return k == gc.KInt || k == gc.KFloat }

// isStr reports whether values of kind k are strings.
func isStr(k gc.Kind) bool { return k == gc.KStr || k == gc.KStaticStr }

// simpleKind reports whether values of kind k are equal exactly when
// kinds and payloads are (not numbers, strings or containers).
func simpleKind(k gc.Kind) bool {
	switch k {
	case gc.KNil, gc.KBool, gc.KInt, gc.KSym, gc.KPid, gc.KQuot:
		return true
	}
	return false
}

// equal builds = and <>.
func (b *builder) equal(eq bool) bool {
	f := b.f
	b.numEqual()
	x, y := b.peek(1), b.peek(0)
	kx, okx := b.kind(x)
	ky, oky := b.kind(y)
	var t vid
	switch {
	case okx && oky && kx == gc.KFloat && ky == gc.KFloat:
		t = b.emit3(opFCmp, tInt, x.p, y.p, 0, 0, int32(cEq))
	case okx && oky && simpleKind(kx) && simpleKind(ky):
		if kx != ky {
			t = f.constant(0)
		} else {
			t = b.emit3(opCmp, tInt, x.p, y.p, 0, 0, int32(cEq))
		}
	case okx && oky && kx != ky && !(isNum(kx) && isNum(ky)) && !(isStr(kx) && isStr(ky)):
		t = f.constant(0) // different kinds that are never equal
	case okx && oky:
		return b.step() // strings, containers, an int with a float
	case okx && !simpleKind(kx) || oky && !simpleKind(ky):
		// A float, a string or a container against a value of a kind
		// known only at run time: the interpreter compares (a float's
		// payload is not in an integer register).
		return b.step()
	case okx && kx != gc.KInt || oky && ky != gc.KInt:
		// One side is nil, a bool, a symbol, a pid or a quotation: equal
		// exactly to a value of its kind with its payload.
		sameK := b.emit3(opCmp, tInt, x.k, y.k, 0, 0, int32(cEq))
		sameP := b.emit3(opCmp, tInt, x.p, y.p, 0, 0, int32(cEq))
		t = b.emit(opAnd, tInt, sameK, sameP, 0)
	default:
		// Kinds known only at run time (one side may be a known int):
		// nil, bool, int, symbol, pid and quotation compare here (an int
		// with an int too); anything else in the interpreter.
		simple := func(s slot) vid { // s's kind is not known
			lt := b.emit3(opCmp, tInt, s.k, f.constant(int64(gc.KStaticStr)), 0, 0, int32(cLtU))
			nf := b.emit3(opCmp, tInt, s.k, f.constant(int64(gc.KFloat)), 0, 0, int32(cNe))
			return b.emit(opAnd, tInt, lt, nf, 0)
		}
		var fast vid
		switch {
		case okx && kx == gc.KInt:
			// Against an int: only a float needs the exact comparison.
			fast = b.emit3(opCmp, tInt, y.k, f.constant(int64(gc.KFloat)), 0, 0, int32(cNe))
		case oky && ky == gc.KInt:
			fast = b.emit3(opCmp, tInt, x.k, f.constant(int64(gc.KFloat)), 0, 0, int32(cNe))
		default:
			fast = b.fold(opAnd, simple(x), simple(y))
		}
		b.slowUnless(fast)
		x, y = b.peek(1), b.peek(0)
		sameK := b.emit3(opCmp, tInt, x.k, y.k, 0, 0, int32(cEq))
		sameP := b.emit3(opCmp, tInt, x.p, y.p, 0, 0, int32(cEq))
		t = b.emit(opAnd, tInt, sameK, sameP, 0)
	}
	b.pop()
	b.pop()
	b.drop(y)
	b.drop(x)
	if !eq {
		t = b.fold(opXor, t, f.constant(1))
	}
	b.push(b.boolSlot(t))
	return false
}

// numEqual guards = and <> on numbers where nothing else is known: an
// operand whose kind is known only at run time, beside an int or a float
// (or another such operand), is checked to be of that kind (an int, or a
// float in a function that computes with floats) when no check at its site
// has failed yet. The comparison is then one cmp, where the generic one
// tests for floats and compares kinds and payloads, or steps; a check that
// fails records the kind (feedback), and the next compile keeps the
// generic comparison.
func (b *builder) numEqual() {
	x, y := b.peek(1), b.peek(0)
	kx, okx := b.kind(x)
	ky, oky := b.kind(y)
	if okx && !isNum(kx) || oky && !isNum(ky) || okx && oky {
		return
	}
	if !okx && b.seen(0) != 0 || !oky && b.seen(1) != 0 {
		return
	}
	k := kx
	switch {
	case oky:
		k = ky
	case !okx && b.floatBias(x):
		k = gc.KFloat
	case !okx:
		k = gc.KInt
	}
	if !okx {
		b.guardKind(1, k, 0)
	}
	if !oky && y.k != x.k { // dup: the same value, checked once
		b.guardKind(0, k, 1)
	}
}

func b2i(x bool) int64 {
	if x {
		return 1
	}
	return 0
}

// slowUnless splits the current instruction: where t is 0 it runs in the
// interpreter (a step from the state before it) and meets the fast path
// after the instruction; the fast path goes on here.
func (b *builder) slowUnless(t vid) {
	if c, ok := b.f.isConst(t); ok {
		if c == 0 {
			panic("jit: slowUnless of a constant false")
		}
		return
	}
	if b.effects {
		b.changedMemory("%s pc %d: a slow path after a change to memory", b.fn.Name, b.in.pc)
	}
	fast, slow := b.newEdge(), b.newEdge()
	b.f.blocks[b.cur].term = term{kind: tkBranch, cond: cNe, a: t, b: b.f.constant(0), succ: [2]int{fast.id, slow.id}}
	b.f.use(t)
	st, deferred := b.st, b.deferred
	// The slow path: run the instruction from the state before it (it
	// takes none of the counts the fast path put off).
	b.cur, b.st, b.deferred = slow.id, b.pre.copy(), nil
	b.stepFrom()
	b.slow = append(b.slow, b.edgeFrom(b.st))
	b.cur, b.st, b.effects, b.deferred = fast.id, st, false, deferred
}

// truthy returns 1 when s is neither false nor nil, else 0.
func (b *builder) truthy(s slot) vid {
	f := b.f
	if k, ok := b.kind(s); ok {
		switch k {
		case gc.KNil:
			return f.constant(0)
		case gc.KBool:
			return s.p
		}
		return f.constant(1)
	}
	// k > bool, or k & p & 1 (a bool's payload; nil's k is 0). The & 1
	// keeps the result 0 or 1 when k & p has other bits (an array's kind
	// with handle 8: `not` of it was once true).
	gt := b.emit3(opCmp, tInt, s.k, f.constant(int64(gc.KBool)), 0, 0, int32(cGtU))
	kp := b.emit(opAnd, tInt, s.k, s.p, 0)
	kp = b.emit(opAnd, tInt, kp, f.constant(1), 0)
	return b.emit(opOr, tInt, gt, kp, 0)
}

// logic builds and or xor: bools logically, ints bitwise.
func (b *builder) logic(o interp.Op) bool {
	x, y := b.peek(1), b.peek(0)
	kx, okx := b.kind(x)
	ky, oky := b.kind(y)
	ok := func(k gc.Kind) bool { return k == gc.KInt || k == gc.KBool }
	var k gc.Kind
	switch {
	case okx && oky:
		if kx != ky || !ok(kx) {
			b.leave(whySlow) // a type error
		}
		k = kx
	case okx || oky:
		k = kx
		if oky {
			k = ky
		}
		if !ok(k) {
			b.leave(whySlow)
		}
		// The other operand must have been seen of that kind only.
		if s := b.seen(0) | b.seen(1); s&^(1<<k) != 0 {
			return b.step()
		}
	default:
		switch s := b.seen(0) | b.seen(1); s {
		case 0, 1 << gc.KInt:
			k = gc.KInt
		case 1 << gc.KBool:
			k = gc.KBool
		default:
			return b.step()
		}
	}
	b.guardKind(1, k, 0)
	b.guardKind(0, k, 1)
	x, y = b.peek(1), b.peek(0)
	o2 := map[interp.Op]op{interp.And: opAnd, interp.Or: opOr, interp.Xor: opXor}[o]
	r := slot{k: b.f.constant(int64(k)), p: b.fold(o2, x.p, y.p), dirty: true}
	b.pop()
	b.pop()
	b.push(r)
	return false
}

// shift builds lshift and rshift: a negative count is :badarg (the
// interpreter); 64 or more gives 0 (or -1 for a negative rshift).
func (b *builder) shift(left bool) bool {
	b.asInt(1, 0)
	b.asInt(0, 1)
	x, y := b.peek(1), b.peek(0)
	f := b.f
	b.check(y.p, cGe, f.constant(0), whySlow)
	var r vid
	if c, ok := f.isConst(y.p); ok {
		switch {
		case c >= 64 && left:
			r = f.constant(0)
		case left:
			r = b.emit(opShl, tInt, x.p, y.p, 0)
		default:
			r = b.emit(opSar, tInt, x.p, f.constant(min(c, 63)), 0)
		}
	} else {
		big := b.emit3(opCmp, tInt, y.p, f.constant(63), 0, 0, int32(cGtU))
		if left {
			s := b.emit(opShl, tInt, x.p, b.emit(opAnd, tInt, y.p, f.constant(63), 0), 0)
			r = b.emit3(opSel, tInt, big, f.constant(0), s, 0, 0)
		} else {
			n := b.emit3(opSel, tInt, big, f.constant(63), y.p, 0, 0)
			r = b.emit(opSar, tInt, x.p, n, 0)
		}
	}
	b.pop()
	b.pop()
	b.push(b.intSlot(r))
	return false
}

// pick builds pick: a constant n reads the slot n below, any other the
// slot from memory, with the interpreter's checks.
func (b *builder) pick() bool {
	b.asInt(0, 0)
	n := b.peek(0)
	if c, ok := b.f.isConst(n.p); ok && c >= 0 && c < 64 {
		b.pop()
		s := b.peek(int(c))
		b.push(b.copyOf(s))
		return false
	}
	return b.step()
}

// Control.

// edgeTo makes an edge from the current block to the block at pc (a
// backward one is charged a reduction) and returns it.
func (b *builder) edgeTo(to int) int {
	pc := b.in.pc
	e := b.newEdge()
	save, saveSt := b.cur, b.st
	b.cur, b.st = e.id, b.st.copy()
	if to <= pc {
		b.emitExit(opCharge, b.exitHere(interp.ExitFuel, whyBudget, to, b.st))
	}
	b.addEdge(to, pend{from: e.id, st: b.st}, to <= pc)
	b.cur, b.st = save, saveSt
	return e.id
}

// fallEdge makes the edge a branch falls through on: to the next
// instruction, or, inside an expansion (a conditional return), on to the
// rest of it, which goes on being built there. It reports whether the
// building goes on.
func (b *builder) fallEdge() (int, bool) {
	if !b.lastPart {
		e := b.newEdge()
		return e.id, true
	}
	return b.edgeTo(b.in.pc + b.in.size), false
}

// branchTo ends the block: to target when x c y holds (always, for a
// jump), else on. A backward jump is charged a reduction.
func (b *builder) branchTo(target int, x vid, c cond, y vid, always bool) {
	if always {
		t := b.edgeTo(target)
		b.f.blocks[b.cur].term = term{kind: tkJump, succ: [2]int{t}}
		b.cur = -1
		return
	}
	if cx, ok := b.f.isConst(x); ok {
		if cy, ok := b.f.isConst(y); ok {
			if c.eval(cx, cy) {
				b.branchTo(target, 0, cEq, 0, true)
			} else if b.lastPart {
				b.branchTo(b.in.pc+b.in.size, 0, cEq, 0, true)
			}
			return
		}
	}
	blk := b.cur
	t := b.edgeTo(target)
	n, goesOn := b.fallEdge()
	b.f.blocks[blk].term = term{kind: tkBranch, cond: c, a: x, b: y, succ: [2]int{t, n}}
	b.f.use(x)
	b.f.use(y)
	b.cur = -1
	if goesOn {
		b.cur = n
	}
}

// branchFloatFalse ends the block on a float comparison: to target when
// x c y does not hold (as the false branch of an if), else on.
func (b *builder) branchFloatFalse(target int, x vid, c cond, y vid) {
	blk := b.cur
	fails := b.edgeTo(target)
	holds, goesOn := b.fallEdge()
	b.f.blocks[blk].term = term{kind: tkBranch, float: true, cond: c, a: x, b: y, succ: [2]int{holds, fails}}
	b.f.use(x)
	b.f.use(y)
	b.cur = -1
	if goesOn {
		b.cur = holds
	}
}

// jumpIfFalse pops a value and jumps when it is false or nil. A
// comparison just made is branched on directly.
func (b *builder) jumpIfFalse(target int) {
	s := b.pop()
	if k, ok := b.kind(s); ok && k == gc.KBool {
		if v := b.f.values[s.p]; (v.op == opCmp || v.op == opFCmp) && v.blk == int32(b.cur) && v.uses == 0 && !b.st.holds(s.p) {
			c := cond(v.aux)
			b.f.values[s.p].op = opNop // the branch compares
			b.f.values[v.a].uses--
			b.f.values[v.b].uses--
			if v.op == opFCmp {
				b.branchFloatFalse(target, v.a, c, v.b)
			} else {
				b.branchTo(target, v.a, c.negate(), v.b, false)
			}
			return
		}
	}
	t := b.truthy(s)
	b.drop(s)
	b.branchTo(target, t, cEq, b.f.constant(0), false)
}

// call builds a call of function fn.
func (b *builder) call(fn int) {
	b.callWith(fn, 0, b.st.top)
}

// callQuot builds call: a plain quotation is called natively, anything
// else (a curry, a wrong kind) by the interpreter.
func (b *builder) callQuot() {
	q := b.peek(0)
	switch k, ok := b.kind(q); {
	case ok && k == gc.KCurry || !ok && b.seen(0) == 1<<gc.KCurry:
		// Curried quotations come here (feedback says): calling one
		// is calling its quotation with its value pushed.
		b.uncurry()
	case ok && k != gc.KQuot:
		b.leave(whySlow)
	}
	b.guardKind(0, gc.KQuot, 0)
	q = b.peek(0)
	// The quotation stays in its slot: the state a call leaves with is the
	// one before it; the callee's stack starts below it.
	if c, ok := b.f.isConst(q.p); ok {
		b.callWith(int(c), 0, b.st.top-1)
		return
	}
	b.callWith(-1, q.p, b.st.top-1)
}

// uncurry replaces the curried quotation { x q } on top by x and q, a
// plain quotation: calling those is calling it, in native code and in the
// interpreter (a call's exit leaves the state with them). A quotation
// curried more than once is left to the interpreter.
func (b *builder) uncurry() {
	f := b.f
	b.guardKind(0, gc.KCurry, 0)
	c := b.peek(0)
	off := b.load32(b.headerOf(c.p), int64(gc.ArenaHdrOff))
	addr, at := b.valueAt(off, f.constant(0))
	x := slot{k: b.load8(addr, at), p: b.load64(addr, at+8), dirty: true}
	b.check(b.load8(addr, at+16), cEq, f.constant(int64(gc.KQuot)), whySlow)
	q := b.load64(addr, at+24)
	x = b.ownNew(x)
	b.pop()
	b.drop(c)
	b.push(x)
	b.push(slot{k: f.constant(int64(gc.KQuot)), p: q, dirty: true})
}

// callWith builds a call whose callee's stack base is position base: the
// state goes to memory (the callee, or the interpreter when it cannot be
// called natively, reads it there), the call is made, and the caller goes
// on in a new region based at the callee's top.
func (b *builder) callWith(fn int, dyn vid, base int) {
	b.flush(b.st, true)
	e := b.exitHere(interp.ExitInterp, whyCall, b.in.pc, b.st)
	// The callee, for the JIT to compile it (the call likely runs often).
	b.f.exits[e].aux = int64(fn)
	if fn < 0 {
		b.f.exits[e].auxV[1] = dyn
		b.f.use(dyn)
	}
	ci := callInfo{callee: fn, dyn: dyn, base: base, exit: e, pc: b.in.pc, nloc: b.fn.NLocals}
	if fn >= 0 {
		// The callee is known (a changed definition recompiles the caller).
		ci.push, ci.cloc = b.funcs[fn].MaxPush, b.funcs[fn].NLocals
	}
	self := fn == int(b.fn.Index)
	ci.fast = self && b.selfBlk >= 0 && b.provesEntry(base)
	b.calls = append(b.calls, ci)
	// The callee's top slot: its payload goes in the argument register
	// (see run's native entry); 0 when memory has it alone.
	var arg vid
	if s := b.st.at(base); !s.lazy() {
		arg = s.p
	}
	b.emit(opCall, tVoid, arg, dyn, int64(len(b.calls)-1))
	b.effect()
	if fn >= 0 {
		if ce := b.fx.of(b.funcs[fn]); ce.known {
			// The callee's effect is known: the caller's slots below what
			// it changes are as they were (in registers, and memory).
			b.calls[len(b.calls)-1].after = base + ce.top
			// A slot of a kind not known goes too: memory holds it (the
			// flush above), and loading it again where it is used is
			// cheaper than keeping it in a register that the call saves
			// and restores.
			for i, s := range b.st.stack {
				if _, known := b.f.isConst(s.k); b.st.lo+i >= base+ce.min || !known {
					b.st.stack[i] = slot{}
				}
			}
			b.st.top = base + ce.top
			b.st.trim()
			if ce.top >= ce.min {
				// The callee's top is a slot it wrote: it comes back in
				// the return registers (memory holds it too, owned).
				k := b.emit(opCallK, tInt, 0, 0, 0)
				p := b.emit(opCallP, tInt, 0, 0, 0)
				switch {
				case self && b.hints.selfInt:
					// Every return of this code gives back an int (see
					// build); an exit in the callee leaves the caller
					// to the interpreter too.
					k = b.f.constant(int64(gc.KInt))
				case self:
					b.selfKinds[k] = true
				}
				b.st.set(b.st.top, slot{k: k, p: p})
			}
			for k, t := range b.st.marks {
				if t >= base+ce.min {
					delete(b.st.marks, k)
				}
			}
			b.effects = false
			return
		}
	}
	// After: a new region at the callee's top; the locals are as they were
	// (in memory too).
	b.calls[len(b.calls)-1].rebase = true
	b.st.region = len(b.regions)
	b.regions = append(b.regions, newRegion())
	b.st.top, b.st.lo, b.st.stack = 0, 1, nil
	b.st.marks = nil
	b.regionCheck(b.st.region, b.in.pc+b.in.size)
	b.effects = false
}

// ret builds Return: the locals are released and cleared (as the
// interpreter leaves free locals nil), the stack written back, and DSP
// left at the top for the caller.
func (b *builder) ret() {
	f := b.f
	for i := range b.st.locals {
		l := b.st.locals[i]
		b.st.locals[i] = slot{k: f.constant(int64(gc.KNil)), p: f.constant(0), memNil: true}
		b.releaseLocal(l, i)
		if !l.memNil {
			b.emit3(opStoreL, tVoid, f.constant(int64(gc.KNil)), f.constant(0), 0, int64(i), 0)
		}
	}
	b.flush(b.st, false)
	if b.st.top != 0 {
		b.emit(opSetDSP, tVoid, 0, 0, int64(b.st.top))
	}
	// When the function's effect is known and it writes its top slot, the
	// slot goes back in the return registers too (a native caller takes it
	// from there, see callWith); memory holds it as well.
	t := term{kind: tkReturn}
	if ce := b.fx.of(b.fn); ce.known && ce.top >= ce.min {
		t.regs = true
		switch s := b.st.at(b.st.top); {
		case b.justCalled(s):
			t.held = true // the callee's return registers are ours
			b.rets.note(b.selfKinds[s.k] || b.isKind(s.k, gc.KInt))
		case !s.lazy():
			t.a, t.b = s.k, s.p
			b.f.use(s.k)
			b.f.use(s.p)
			b.rets.note(b.selfKinds[s.k] || b.isKind(s.k, gc.KInt))
		default:
			b.rets.note(false)
		}
	} else {
		b.rets.note(false)
	}
	b.f.blocks[b.cur].term = t
	b.cur = -1
}

// note counts a return: of an int, or of something else.
func (r *retKinds) note(isInt bool) {
	if isInt {
		r.ints++
	} else {
		r.others++
	}
}

// isKind reports whether kind value k is the constant kind want.
func (b *builder) isKind(k vid, want gc.Kind) bool {
	c, ok := b.f.isConst(k)
	return ok && gc.Kind(c) == want
}

// provesEntry reports whether a call of the function itself, whose stack
// base is position base, may enter at its self entry: the call is in the
// function's first region (whose start the caller's entry checked: the
// callee reads no deeper) and the slots hints.guards checks hold their
// kinds for sure.
func (b *builder) provesEntry(base int) bool {
	if b.st.region != 0 || base < 0 {
		return false
	}
	for _, g := range b.hints.guards {
		if !b.isKind(b.st.at(base+g.pos).k, g.kind) {
			return false
		}
	}
	return true
}

// justCalled reports whether s is the result of the call the current
// block ends with: nothing has been built since, so the return registers
// still hold it.
func (b *builder) justCalled(s slot) bool {
	in := b.f.blocks[b.cur].instrs
	n := len(in)
	return n >= 3 && b.f.values[in[n-3]].op == opCall && in[n-2] == s.k && in[n-1] == s.p &&
		b.f.values[s.k].op == opCallK && b.f.values[s.p].op == opCallP
}

// releaseLocal drops the reference a local held: a stack slot borrowing
// it takes it over.
func (b *builder) releaseLocal(l slot, i int) {
	if l.borrowed || !b.maybeHeap(l) {
		return // a borrowed local (see setLocal) holds no count
	}
	for j, o := range b.st.stack {
		if o.borrowed && o.k == l.k && o.p == l.p {
			b.st.stack[j].borrowed = false
			return
		}
	}
	b.emitRelease(l.k, l.p)
}

// setLocal stores s into local i: the new value is counted before the old
// one is dropped.
//
// A local of an inlined body may borrow instead: a copy of a caller's
// local, which the body cannot change, keeps its count there for the whole
// body (exchange's `| a p q |` takes no count of the array, and drops none
// at its end).
func (b *builder) setLocal(i int, s slot) {
	if !b.inlined || i < b.fn.NLocals || !s.borrowed || !b.callerLocal(s) {
		s = b.own(s)
	}
	old := b.st.locals[i]
	s.dirty, s.memNil = true, old.memNil
	b.st.locals[i] = s
	b.releaseLocal(old, i)
}

// callerLocal reports whether s is a copy of a local of the function
// being built (not of an inlined body's), which holds a count of it.
func (b *builder) callerLocal(s slot) bool {
	for _, l := range b.st.locals[:b.fn.NLocals] {
		if l.k == s.k && l.p == s.p && !l.borrowed {
			return true
		}
	}
	return false
}

// doInit builds do (+loop's too): two ints, no pass when start >= limit
// (start = limit for +loop), else the loop's locals.
func (b *builder) doInit(in *interp.Instr) {
	b.asInt(1, 0)
	b.asInt(0, 1)
	start, limit := b.pop(), b.pop()
	b.st.locals[in.Slot] = slot{k: start.k, p: start.p, dirty: true, memNil: b.st.locals[in.Slot].memNil}
	b.st.locals[in.Slot+1] = slot{k: limit.k, p: limit.p, dirty: true, memNil: b.st.locals[in.Slot+1].memNil}
	c := cGe
	if in.Op == interp.DoInitStep {
		c = cEq
	}
	// The locals are set on the way in only; the exit path leaves them.
	st := b.st.copy()
	st.locals[in.Slot], st.locals[in.Slot+1] = b.pre.locals[in.Slot], b.pre.locals[in.Slot+1]
	b.branchOn(in.Target, start.p, c, limit.p, st)
}

// branchOn ends the block: to target with state taken when x c y holds,
// else on with the current state. target is forward.
func (b *builder) branchOn(target int, x vid, c cond, y vid, taken *state) {
	if cx, ok := b.f.isConst(x); ok {
		if cy, ok := b.f.isConst(y); ok {
			if c.eval(cx, cy) {
				b.st = taken
				b.jumpTo(target)
			}
			return
		}
	}
	if !b.lastPart {
		panic(unsupported("%s: do in the middle of an instruction", b.fn.Name))
	}
	next := b.in.pc + b.in.size
	blk := b.cur
	t, n := b.newEdge(), b.newEdge()
	b.addEdge(target, pend{from: t.id, st: taken}, false)
	b.addEdge(next, pend{from: n.id, st: b.st.copy()}, false)
	b.f.blocks[blk].term = term{kind: tkBranch, cond: c, a: x, b: y, succ: [2]int{t.id, n.id}}
	b.f.use(x)
	b.f.use(y)
	b.cur = -1
}

// loop builds loop (back while i+1 < limit) and the first half of an
// unrolled one (out when i+1 >= limit). The index's kind is left as it is.
func (b *builder) loop(in *interp.Instr) {
	idx, lim := b.st.locals[in.Slot], b.st.locals[in.Slot+1]
	i := b.fold(opAdd, idx.p, b.f.constant(1))
	if b.f.values[idx.p].typ != tInt || b.f.values[lim.p].typ != tInt {
		panic(unsupported("%s: a loop index that is a float", b.fn.Name))
	}
	b.st.locals[in.Slot] = slot{k: idx.k, p: i, dirty: true, memNil: idx.memNil}
	if in.Op == interp.Loop {
		b.branchTo(in.Target, i, cLt, lim.p, false)
	} else {
		b.branchTo(in.Target, i, cGe, lim.p, false)
	}
}

// plusLoop builds +loop: the step is an int other than 0; the index goes
// on while it has not passed the limit (nor wrapped round).
func (b *builder) plusLoop(in *interp.Instr) {
	f := b.f
	b.asInt(0, 0)
	st := b.peek(0)
	b.check(st.p, cNe, f.constant(0), whySlow)
	b.pop()
	idx, lim := b.st.locals[in.Slot], b.st.locals[in.Slot+1]
	if f.values[idx.p].typ != tInt || f.values[lim.p].typ != tInt {
		panic(unsupported("%s: a loop index that is a float", b.fn.Name))
	}
	i := b.fold(opAdd, idx.p, st.p)
	b.st.locals[in.Slot] = slot{k: f.constant(int64(gc.KInt)), p: i, dirty: true, memNil: idx.memNil}
	up := func() vid {
		a := b.emit3(opCmp, tInt, i, lim.p, 0, 0, int32(cLt))
		return b.emit(opAnd, tInt, a, b.emit3(opCmp, tInt, i, idx.p, 0, 0, int32(cGt)), 0)
	}
	down := func() vid {
		a := b.emit3(opCmp, tInt, i, lim.p, 0, 0, int32(cGt))
		return b.emit(opAnd, tInt, a, b.emit3(opCmp, tInt, i, idx.p, 0, 0, int32(cLt)), 0)
	}
	var t vid
	if c, ok := f.isConst(st.p); ok {
		if c > 0 {
			t = up()
		} else {
			t = down()
		}
	} else {
		pos := b.emit3(opCmp, tInt, st.p, f.constant(0), 0, 0, int32(cGt))
		t = b.emit3(opSel, tInt, pos, up(), down(), 0, 0)
	}
	b.branchTo(in.Target, t, cNe, f.constant(0), false)
}

// Steps: the interpreter runs the current instruction and native code goes
// on after it.

// step runs the whole current instruction in the interpreter (from the
// state before it, with its own stack effect) and reports true: the
// instruction is done.
func (b *builder) step() bool {
	b.noStepInline()
	if b.effects {
		b.changedMemory("%s pc %d: a step after a change to memory", b.fn.Name, b.in.pc)
	}
	b.st = b.pre.copy()
	b.stepFrom()
	return true
}

// stepEffect is step for an instruction that pops in values and pushes
// out (-1: not known, the region ends).
func (b *builder) stepEffect(in, out int) bool {
	b.noStepInline()
	if b.effects {
		b.changedMemory("%s pc %d: a step after a change to memory", b.fn.Name, b.in.pc)
	}
	b.st = b.pre.copy()
	b.stepWith(in, out)
	return true
}

// stepFrom runs the current instruction from the current state, which is
// the one before it.
func (b *builder) stepFrom() {
	in, out := b.effectOf()
	b.stepWith(in, out)
}

// effectOf returns what the current instruction pops and pushes, or -1, -1
// when that is not fixed.
func (b *builder) effectOf() (int, int) {
	op := b.in.op
	switch op {
	case interp.Builtin:
		bi := b.in.parts[0].Slot
		in, out := interp.BuiltinEffect(bi)
		if out < 0 {
			return -1, -1
		}
		return in, out
	case interp.Call:
		// Of a call whose body is inlined, stepped (a slow path, a step in
		// the body): the callee's effect, which inlined bodies have, so
		// that the step keeps the region the fast path is in.
		if fn := int(b.in.parts[0].Fn); b.inlined && len(b.in.parts) == 1 {
			if ce := b.fx.of(b.funcs[fn]); ce.known {
				return 1 - ce.min, ce.top - ce.min + 1
			}
		}
		return -1, -1
	case interp.CallHost:
		if in, out, _, ok := b.fn.HostEffect(b.in.parts[0].Slot); ok {
			return in, out
		}
		return -1, -1
	case interp.MakeArray, interp.CallQuot:
		return -1, -1
	}
	return op.Effect()
}

// stepWith writes the state back, runs the instruction in the interpreter
// and takes up its result: in slots replaced by out ones in memory, or,
// when the effect is not known, a new region at the top.
func (b *builder) stepWith(in, out int) {
	b.flush(b.st, true)
	e := b.exitHere(interp.ExitStep, whyStep, b.in.pc, b.st)
	// The interpreter checks the operands; the region holds them.
	if in > 0 {
		r := &b.regions[b.st.region]
		r.min = min(r.min, b.st.top-in+1)
	}
	if in < 0 {
		b.f.exits[e].rebase = true
		b.emitExit(opStep, e)
		b.effect()
		b.st.region = len(b.regions)
		b.regions = append(b.regions, newRegion())
		b.st.top, b.st.lo, b.st.stack, b.st.marks = 0, 1, nil, nil
		b.regionCheck(b.st.region, b.in.pc+b.in.size)
		return
	}
	b.st.top += out - in
	b.f.exits[e].after = b.st.top
	b.emitExit(opStep, e)
	b.effect()
	b.st.trim()
	for pos := b.st.top - out + 1; pos <= b.st.top; pos++ {
		if i := pos - b.st.lo; i >= 0 && i < len(b.st.stack) {
			b.st.stack[i] = slot{}
		}
	}
	b.wrote(b.st, b.st.top)
	for k := range b.st.marks {
		if b.st.marks[k] > b.st.top-out {
			delete(b.st.marks, k)
		}
	}
}

// builtin builds a builtin word: sqrt, float and int natively on numbers,
// unpack natively on arrays, the others in the interpreter.
func (b *builder) builtin(bi int) bool {
	switch interp.BuiltinName(bi) {
	case "sqrt":
		k, ok := b.numKind(b.peek(0), 0, slot{})
		if !ok || k != gc.KInt && k != gc.KFloat {
			return b.step()
		}
		b.guardKind(0, k, 0)
		x := b.pop()
		b.push(b.floatSlot(b.emit(opFSqrt, tFloat, b.floatOf(x), 0, 0)))
		return false
	case "unpack":
		return b.unpack()
	case "float":
		x := b.peek(0)
		if k, ok := b.kind(x); ok && k == gc.KFloat {
			return false
		} else if ok && k == gc.KInt {
			b.pop()
			b.push(b.floatSlot(b.floatOf(x)))
			return false
		}
		return b.step()
	case "int":
		return b.toInt()
	}
	return b.step()
}

// toInt builds int: an int stays, a float in int64's range is truncated
// (the interpreter reports one out of it, or NaN). A number nothing is
// known of is taken to be a float, what int is for.
func (b *builder) toInt() bool {
	f := b.f
	k, ok := b.kind(b.peek(0))
	if !ok {
		switch seen := b.seen(0); seen {
		case 0, 1 << gc.KFloat:
			k = gc.KFloat
		case 1 << gc.KInt:
			k = gc.KInt
		default:
			return b.step()
		}
		b.guardKind(0, k, 0)
	}
	switch k {
	case gc.KInt:
		return false
	case gc.KFloat:
		x := b.peek(0).p
		lo := b.emit3(opFCmp, tInt, x, f.constantF(int64(math.Float64bits(-0x1p63))), 0, 0, int32(cGe))
		hi := b.emit3(opFCmp, tInt, x, f.constantF(int64(math.Float64bits(0x1p63))), 0, 0, int32(cLt))
		b.check(b.emit(opAnd, tInt, lo, hi, 0), cNe, f.constant(0), whySlow)
		b.pop()
		b.push(b.intSlot(b.emit(opFToI, tInt, x, 0, 0)))
		return false
	}
	return b.step()
}

// Arrays.

// lengthOperand is the feedback site of unpack's length (its kinds bits
// are lengths: bit n for n, lengthMany for that or more).
const (
	lengthOperand = 1 << 20
	lengthMany    = 15
)

// unpack builds unpack ( arr -- x1..xn n ) natively for the one length n
// that feedback has seen at this instruction, so that the stack's depth
// stays known: a check leaves for the interpreter on any other length (and
// teaches the next compile it). Before any feedback the check expects no
// length at all; with several lengths seen, or a packed array about, the
// interpreter runs it.
func (b *builder) unpack() bool {
	seen := uint16(0)
	if b.fb != nil {
		seen = b.fb.kinds[siteKey{b.in.pc, lengthOperand + b.operand}]
	}
	n := int64(-1)
	switch {
	case seen == 0:
	case seen&(seen-1) == 0 && seen&(1<<lengthMany) == 0:
		n = int64(bits.TrailingZeros16(seen))
	default:
		return b.step()
	}
	if k, ok := b.kind(b.peek(0)); ok && k != gc.KArr || b.takesPacked() {
		return b.step()
	}
	f := b.f
	b.guardKind(0, gc.KArr, 0)
	arr := b.peek(0)
	hdr := b.headerOf(arr.p)
	b.unpacked(arr.p, hdr)
	b.checkSite(b.load32(hdr, int64(gc.ArenaHdrLen)), cEq, n, lengthOperand)
	if n < 0 {
		// Nothing gets past the check: the code after it is never run.
		b.leave(whyGuard)
		return true
	}
	off := b.load32(hdr, int64(gc.ArenaHdrOff))
	elems := make([]slot, n)
	for i := range elems {
		addr, at := b.valueAt(off, f.constant(int64(i)))
		elems[i] = b.ownNew(slot{k: b.load8(addr, at), p: b.load64(addr, at+8)})
	}
	b.pop()
	b.drop(arr)
	for _, x := range elems {
		b.push(x)
	}
	b.push(b.intSlot(f.constant(n)))
	return false
}

// headerOf returns the address of the header of the heap object with
// handle p (an array's or a string's).
func (b *builder) headerOf(p vid) vid {
	return b.emit(opAdd, tInt, b.emit(opState, tInt, 0, 0, offHdrs),
		b.emit(opMul, tInt, p, b.f.constant(int64(gc.ArenaHdrSize)), 0), 0)
}

// arrayHeader checks that the slots at a and i below the top are an array
// and an index in range, and returns the address of the array's header
// and its length. (A string is :type, out of range :out-of-bounds: the
// interpreter reports them.)
func (b *builder) arrayHeader(a, i int) (hdr, idx vid) {
	b.guardKind(a, gc.KArr, 0)
	b.guardKind(i, gc.KInt, 1)
	arr, ix := b.peek(a), b.peek(i)
	hdr = b.headerOf(arr.p)
	n := b.load32(hdr, int64(gc.ArenaHdrLen))
	if !b.prove(proof{proofInRange, arr.p, ix.p}) {
		b.check(ix.p, cLtU, n, whySlow)
	}
	return hdr, ix.p
}

func (b *builder) load32(addr vid, off int64) vid {
	v := b.emit(opLoad, tInt, addr, 0, off)
	b.f.values[v].aux = 4
	return v
}

func (b *builder) load64(addr vid, off int64) vid {
	v := b.emit(opLoad, tInt, addr, 0, off)
	b.f.values[v].aux = 8
	return v
}

func (b *builder) load8(addr vid, off int64) vid {
	v := b.emit(opLoad, tInt, addr, 0, off)
	b.f.values[v].aux = 1
	return v
}

// takesPacked reports whether the current instruction's get or set takes
// packed arrays natively: a check that an array is not packed has failed
// here, or at two sites or more of the function (then at every site, else
// each would take a recompile to learn it), or the function's frame held
// one when it became hot. An array made with array is
// packed until its first non-flag element, so one site (a result row
// filled once) often meets one where all others never do.
func (b *builder) takesPacked() bool {
	if b.fb == nil {
		return false
	}
	if b.seen(2)&(1<<gc.ArenaPacked) != 0 {
		return true
	}
	n := 0
	for key, k := range b.fb.kinds {
		if k&(1<<gc.ArenaPacked) != 0 && key.operand < lengthOperand {
			n++
		}
	}
	// Before any check has met one, a packed array in the frame when the
	// function became hot (an array of flags a sieve marks) says that
	// its gets and sets meet them.
	return n >= 2 || n == 0 && b.fb.frame&(1<<gc.ArenaPacked) != 0
}

// unpacked checks, where the instruction does not take packed arrays (see
// takesPacked), that the array whose header is at hdr is not packed
// (leaving for the interpreter, which reads a packed one), and reports
// whether it did: the element is then a Value, and a later get or set of
// the array needs no test (the check is the same value, opt.go's gvn
// drops it).
func (b *builder) unpacked(arr, hdr vid) bool {
	if b.takesPacked() {
		return false
	}
	if b.prove(proof{proofUnpacked, arr, 0}) {
		return true
	}
	b.checkSite(b.load8(hdr, int64(gc.ArenaHdrKind)), cNe, int64(gc.ArenaPacked), 2)
	return true
}

// get builds get: an element of a packed array is a byte (nil, false or
// true), of any other a Value.
func (b *builder) get() {
	f := b.f
	hdr, i := b.arrayHeader(1, 0)
	off := b.load32(hdr, int64(gc.ArenaHdrOff))
	if b.unpacked(b.peek(1).p, hdr) {
		addr, at := b.valueAt(off, i)
		x := b.ownNew(slot{k: b.load8(addr, at), p: b.load64(addr, at+8)})
		arr := b.peek(1)
		b.pop()
		b.pop()
		b.drop(arr)
		b.push(x)
		return
	}
	packed := b.emit3(opCmp, tInt, b.load8(hdr, int64(gc.ArenaHdrKind)), f.constant(int64(gc.ArenaPacked)), 0, 0, int32(cEq))
	// Packed: byte b at bytes[off<<GranShift + i]; kind b != 0, payload b>>1.
	pk, pp := b.diamond(packed, func() (vid, vid) {
		addr := b.emit(opAdd, tInt, b.emit(opState, tInt, 0, 0, offBytes),
			b.emit(opAdd, tInt, b.emit(opShl, tInt, off, f.constant(gc.ArenaGranShift), 0), i, 0), 0)
		by := b.load8(addr, 0)
		return b.emit3(opCmp, tInt, by, f.constant(0), 0, 0, int32(cNe)), b.emit(opShr, tInt, by, f.constant(1), 0)
	}, func() (vid, vid) {
		addr := b.emit(opAdd, tInt, b.emit(opState, tInt, 0, 0, offVals),
			b.emit(opShl, tInt, b.emit(opAdd, tInt, off, i, 0), f.constant(4), 0), 0)
		return b.load8(addr, 0), b.load64(addr, 8)
	})
	x := slot{k: pk, p: pp}
	x = b.ownNew(x)
	arr := b.peek(1)
	b.pop()
	b.pop()
	b.drop(arr)
	b.push(x)
}

// ownNew counts a reference to a value read from memory that a slot is
// going to hold.
func (b *builder) ownNew(s slot) slot {
	if b.maybeHeap(s) {
		b.retain(s.k, s.p)
	}
	return s
}

// diamond builds if t then yes else no within the current instruction and
// returns the pair of values it makes.
func (b *builder) diamond(t vid, yes, no func() (vid, vid)) (vid, vid) {
	f := b.f
	y, n := b.newEdge(), b.newEdge()
	f.blocks[b.cur].term = term{kind: tkBranch, cond: cNe, a: t, b: f.constant(0), succ: [2]int{y.id, n.id}}
	f.use(t)
	j := f.newBlock(-1)
	k, p := b.param(j, tInt), b.param(j, tInt)
	b.cur = y.id
	yk, yp := yes()
	f.blocks[b.cur].term = term{kind: tkJump, succ: [2]int{j.id}, args: [2][]vid{{yk, yp}}}
	j.preds = append(j.preds, b.cur)
	b.cur = n.id
	nk, np := no()
	f.blocks[b.cur].term = term{kind: tkJump, succ: [2]int{j.id}, args: [2][]vid{{nk, np}}}
	j.preds = append(j.preds, b.cur)
	for _, v := range []vid{yk, yp, nk, np} {
		f.use(v)
	}
	b.cur = j.id
	return k, p
}

// set builds set: a Value stored into an unpacked array (its old element
// released), or a flag into a packed one; a packed array that must unpack
// is the interpreter's.
func (b *builder) set() bool {
	f := b.f
	hdr, i := b.arrayHeader(2, 1)
	x := b.peek(0)
	off := b.load32(hdr, int64(gc.ArenaHdrOff))
	if b.unpacked(b.peek(2).p, hdr) {
		x = b.own(b.peek(0))
		arr := b.peek(2)
		b.pop()
		b.pop()
		b.pop()
		b.effect()
		addr, at := b.valueAt(off, i)
		b.storeElem(addr, at, x)
		b.drop(arr)
		return false
	}
	packed := b.emit3(opCmp, tInt, b.load8(hdr, int64(gc.ArenaHdrKind)), f.constant(int64(gc.ArenaPacked)), 0, 0, int32(cEq))
	flag := f.constant(1)
	if k, ok := b.kind(x); ok {
		flag = f.constant(b2i(k <= gc.KBool))
	} else {
		flag = b.emit3(opCmp, tInt, x.k, f.constant(int64(gc.KBool)), 0, 0, int32(cLeU))
	}
	// Packed with a value it cannot hold: the interpreter unpacks it.
	notFlag := b.fold(opXor, flag, f.constant(1))
	if c, ok := f.isConst(notFlag); !ok || c != 0 {
		b.slowUnless(b.fold(opXor, b.emit(opAnd, tInt, packed, notFlag, 0), f.constant(1)))
	}
	x = b.peek(0)
	arr := b.peek(2)
	b.pop()
	b.pop()
	b.pop()
	x = b.own(x)
	b.effect()
	yes := b.newEdge()
	no := b.newEdge()
	f.blocks[b.cur].term = term{kind: tkBranch, cond: cNe, a: packed, b: f.constant(0), succ: [2]int{yes.id, no.id}}
	f.use(packed)
	j := f.newBlock(-1)
	// Packed: the byte of a flag is kind + (kind & payload): 0 nil, 1 false, 2 true.
	b.cur = yes.id
	if k, ok := b.kind(x); !ok || k <= gc.KBool {
		addr := b.emit(opAdd, tInt, b.emit(opState, tInt, 0, 0, offBytes),
			b.emit(opAdd, tInt, b.emit(opShl, tInt, off, f.constant(gc.ArenaGranShift), 0), i, 0), 0)
		by := b.fold(opAdd, x.k, b.fold(opAnd, x.k, x.p))
		b.emit3(opStoreM, tVoid, addr, by, 0, 0, 1)
	}
	f.blocks[b.cur].term = term{kind: tkJump, succ: [2]int{j.id}}
	j.preds = append(j.preds, b.cur)
	b.cur = no.id
	addr, at := b.valueAt(off, i)
	b.storeElem(addr, at, x)
	f.blocks[b.cur].term = term{kind: tkJump, succ: [2]int{j.id}}
	j.preds = append(j.preds, b.cur)
	b.cur = j.id
	b.drop(arr)
	return false
}

// valueAt returns the address of element i of an unpacked array whose
// values start at block offset off, as an address and a displacement: a
// constant index is the displacement, so that the elements of one array
// share their base (gvn) and each costs its loads only.
func (b *builder) valueAt(off, i vid) (vid, int64) {
	f := b.f
	base := b.emit(opAdd, tInt, b.emit(opState, tInt, 0, 0, offVals), b.emit(opShl, tInt, off, f.constant(4), 0), 0)
	if c, ok := f.isConst(i); ok && c >= 0 && c < 256 { // a displacement every load and store takes on both ISAs
		return base, 16 * c
	}
	return b.emit(opAdd, tInt, base, b.emit(opShl, tInt, i, f.constant(4), 0), 0), 0
}

// storeElem stores x (which holds a count of its own) into the Value at
// addr+at, releasing the one it replaces.
func (b *builder) storeElem(addr vid, at int64, x slot) {
	oldK, oldP := b.load8(addr, at), b.load64(addr, at+8)
	b.emit3(opStoreM, tVoid, addr, x.k, 0, at, 8)
	b.emit3(opStoreM, tVoid, addr, x.p, 0, at+8, 8) // a float from its register
	b.emitRelease(oldK, oldP)                       // after the store: a free never moves a slab
}

// length builds len of an array (or a heap string); a static string's is
// the interpreter's.
func (b *builder) length() bool {
	x := b.peek(0)
	k, ok := b.kind(x)
	if !ok {
		if s := b.seen(0); s == 0 || s == 1<<gc.KArr {
			k = gc.KArr
		} else {
			return b.step()
		}
	}
	if k != gc.KArr && k != gc.KStr {
		if k == gc.KStaticStr || k == gc.KMap {
			return b.step()
		}
		b.leave(whySlow)
	}
	b.guardKind(0, k, 0)
	x = b.peek(0)
	hdr := b.headerOf(x.p)
	n := b.load32(hdr, int64(gc.ArenaHdrLen))
	b.pop()
	b.drop(x)
	b.push(b.intSlot(n))
	return false
}

// unpackedHeader checks that the slot n below the top is an array with
// elements of its own (not packed: the interpreter does those), and
// returns its header's address.
func (b *builder) unpackedHeader(n int) vid {
	f := b.f
	b.guardKind(n, gc.KArr, 0)
	arr := b.peek(n)
	hdr := b.headerOf(arr.p)
	b.slowUnless(b.emit3(opCmp, tInt, b.load8(hdr, int64(gc.ArenaHdrKind)), f.constant(int64(gc.KArr)), 0, 0, int32(cEq)))
	return hdr
}

// elemAddr returns the address of element i of the array whose header is
// at hdr.
func (b *builder) elemAddr(hdr, i vid) vid {
	f := b.f
	off := b.load32(hdr, int64(gc.ArenaHdrOff))
	return b.emit(opAdd, tInt, b.emit(opState, tInt, 0, 0, offVals),
		b.emit(opShl, tInt, b.emit(opAdd, tInt, off, i, 0), f.constant(4), 0), 0)
}

// push2 builds push: into an array with room in its block; growing it is
// the interpreter's.
func (b *builder) push2() bool {
	f := b.f
	hdr := b.unpackedHeader(1)
	n := b.load32(hdr, int64(gc.ArenaHdrLen))
	class := b.load8(hdr, int64(gc.ArenaHdrClass))
	// Room: class < 32 (not "no block") and n < 1<<class.
	small := b.emit3(opCmp, tInt, class, f.constant(32), 0, 0, int32(cLtU))
	cap := b.emit(opShl, tInt, f.constant(1), b.emit(opAnd, tInt, class, f.constant(31), 0), 0)
	fits := b.emit3(opCmp, tInt, n, cap, 0, 0, int32(cLtU))
	b.slowUnless(b.emit(opAnd, tInt, small, fits, 0))
	x := b.own(b.peek(0))
	b.effect()
	addr := b.elemAddr(hdr, n)
	xp := x.p
	if f.values[xp].typ == tFloat {
		xp = b.emit(opFBits, tInt, xp, 0, 0)
	}
	b.emit3(opStoreM, tVoid, addr, x.k, 0, 0, 8)
	b.emit3(opStoreM, tVoid, addr, xp, 0, 8, 8)
	b.emit3(opStoreM, tVoid, hdr, b.emit(opAdd, tInt, n, f.constant(1), 0), 0, int64(gc.ArenaHdrLen), 4)
	b.pop()
	arr := b.pop()
	b.drop(arr)
	return false
}

// arrPop builds pop: the last element moves to the stack (its count with
// it); an empty array is :out-of-bounds (the interpreter's).
func (b *builder) arrPop() bool {
	f := b.f
	hdr := b.unpackedHeader(0)
	n := b.load32(hdr, int64(gc.ArenaHdrLen))
	b.check(n, cNe, f.constant(0), whySlow)
	b.effect()
	last := b.emit(opSub, tInt, n, f.constant(1), 0)
	b.emit3(opStoreM, tVoid, hdr, last, 0, int64(gc.ArenaHdrLen), 4)
	addr := b.elemAddr(hdr, last)
	x := slot{k: b.load8(addr, 0), p: b.load64(addr, 8)}
	arr := b.pop()
	b.drop(arr)
	b.push(x)
	return false
}
