package jit

// This file defines the inlining of small words: a call of a word whose
// body is a few plain instructions (no branches, and no calls but of such
// words; locals are values of the builder) is built as if those
// instructions stood in the caller in place of the call.
// nbody's field words (: x@ 0 get ;) called in its inner loop cost a native
// call each, which writes the caller's registers back to memory; inlined,
// the loop keeps its values in registers.
//
// The inlined body is one instruction of the caller: the call's. Its
// checks leave for the interpreter with the state from before the call, at
// the call, and the interpreter makes the call itself (so a failure inside
// the word is reported in the word, with its call chain, as without
// inlining). That is right only while the body has not changed memory:
// the builder's rule for the parts of any instruction (b.effects). Counts
// do not count as changes: the body takes them at its first change to
// memory (builder.retain), and its locals that copy the caller's take none
// (setLocal). A check the body has made already is not made again
// (builder.prove), so exchange's second set checks nothing. A body that
// still checks after it changed memory is built again with the call left a
// call (hints.whole). A step or a slow path inside the body runs the whole
// call in the interpreter from the state before it.
//
// A redefined word recompiles every function (JIT.update), so a caller
// never keeps an old body. An inlined call makes no frame: native code
// never runs within MaxCallDepth of the limit (see the room in jit.go), so
// the interpreter would not have failed with :stack-overflow there either.

import (
	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

const (
	maxInlineCode  = 128 // bytes of bytecode of a word that is inlined, its Return included: a bound on decoding; maxInlineParts bounds the work (a constant is a Value long)
	maxInlineDepth = 3   // words inlined in words inlined in a call, at most
	maxInlineParts = 32  // plain instructions an inlined call becomes, at most
	inlineSites    = 16  // feedback site numbers per inlined part (operands of one part are fewer)
)

// inlineOps are the plain instructions an inlined body may hold.
var inlineOps = func() (ok [256]bool) {
	for _, op := range []interp.Op{
		interp.PushConst, interp.Pop, interp.Dup, interp.Swap, interp.Over, interp.Rot,
		interp.MinusRot, interp.Nip, interp.Tuck, interp.TwoDup, interp.TwoDrop, interp.TwoSwap,
		interp.Add, interp.Sub, interp.Mul, interp.Div, interp.Mod, interp.Neg, interp.Inc,
		interp.Dec, interp.Abs, interp.Min, interp.Max, interp.Eq, interp.Ne, interp.Lt,
		interp.Gt, interp.Le, interp.Ge, interp.Not, interp.And, interp.Or, interp.Xor,
		interp.Invert, interp.Lshift, interp.Rshift, interp.ZeroEq, interp.ZeroLt,
		interp.AddK, interp.SubK, interp.MulK, interp.DivK, interp.ModK, interp.EqK, interp.NeK,
		interp.LtK, interp.GtK, interp.LeK, interp.GeK, interp.Get, interp.Len, interp.Set,
	} {
		ok[op] = true
	}
	return
}()

// inline returns the parts to build for instruction in when it calls a
// word that is inlined there: its own parts with each such call replaced
// by the word's body; nil when nothing is inlined. vlocals is how many
// locals the bodies use (numbered from the function's NLocals on, see
// body), room the most of them the interpreter's calls would hold at once.
func (b *builder) inline(in *inst) (parts []interp.Instr, vlocals, room int) {
	if b.hints.whole[in.pc] {
		return nil, 0, 0
	}
	for i, p := range in.parts {
		var body []interp.Instr
		r := 0
		if p.Op == interp.Call {
			save := vlocals
			if body, r = b.body(int(p.Fn), 0, &vlocals); body == nil {
				vlocals = save
			}
		}
		if body == nil {
			if parts != nil {
				parts = append(parts, p)
			}
			continue
		}
		if parts == nil {
			parts = append(parts, in.parts[:i]...)
		}
		parts = append(parts, body...)
		room = max(room, r)
	}
	if parts != nil {
		b.f.inlined++
	}
	return parts, vlocals, room
}

// body returns the instructions of function fn without its Return, when
// fn is a word small and plain enough to inline; else nil. A call in it of
// such a word is replaced by that word's body in turn (depth counts the
// words being inlined around fn), up to maxInlineParts in all.
//
// The word's locals become locals of the builder's state past the
// function's own (from NLocals + *next on; *next grows by the word's
// NLocals): values in registers only, never in memory, as no exit from an
// inlined body needs them (its exits leave before the call). The body
// ends with a Return part (Slot: the first of them, Slot2: how many) that
// drops them, as the interpreter's Return would. room is the most locals
// the interpreter's frames would hold within the call: fn's and those of
// the deepest call inside.
func (b *builder) body(fn, depth int, next *int) (body []interp.Instr, room int) {
	if fn < 0 || fn >= len(b.funcs) || depth >= maxInlineDepth {
		return nil, 0
	}
	c := b.funcs[fn]
	if c == nil || c == b.fn || len(c.Code) > maxInlineCode {
		return nil, 0
	}
	base := b.fn.NLocals + *next
	*next += c.NLocals
	inner := 0
	for pc := 0; pc < len(c.Code); {
		in := interp.Decode(c, pc)
		pc += in.Size
		if pc == len(c.Code) {
			if in.Op != interp.Return {
				return nil, 0
			}
			break
		}
		for _, p := range interp.Expand(in) {
			if p.Op == interp.Call {
				sub, r := b.body(int(p.Fn), depth+1, next)
				if sub == nil {
					return nil, 0
				}
				body = append(body, sub...)
				inner = max(inner, r)
				continue
			}
			if p.Op == interp.LocalGet || p.Op == interp.LocalSet {
				p.Slot += base
			} else if p.Target >= 0 || !inlineOps[p.Op] {
				return nil, 0
			}
			body = append(body, p)
		}
	}
	if c.NLocals > 0 {
		body = append(body, interp.Instr{Op: interp.Return, Slot: base, Slot2: c.NLocals, Target: -1})
	}
	if len(body) == 0 || len(body) > maxInlineParts {
		return nil, 0
	}
	return body, c.NLocals + inner
}

// localsRoom checks, before an inlined body whose calls would hold room
// locals, that the interpreter's locals have room for them, as a native
// call checks: where they have not, the interpreter makes the call (and
// grows them, or fails as it would have).
func (b *builder) localsRoom(room int) {
	need := b.emit(opAdd, tInt, b.emit(opLocals, tInt, 0, 0, 0), b.f.constant(int64(b.fn.NLocals+room)), 0)
	b.check(need, cLeU, b.emit(opState, tInt, 0, 0, offLocalsLen), whyRoom)
}

// endLocals drops the locals first..first+n-1 of an inlined word at the
// end of its body.
func (b *builder) endLocals(first, n int) {
	f := b.f
	for i := first; i < first+n; i++ {
		l := b.st.locals[i]
		b.st.locals[i] = slot{k: f.constant(int64(gc.KNil)), p: f.constant(0), memNil: true}
		b.releaseLocal(l, i)
	}
}

// changedMemory is what the builder does when the current instruction
// would check, step or take a slow path after it changed memory: a call
// whose body was inlined is built again as a call; anything else is not
// compiled.
func (b *builder) changedMemory(format string, args ...any) {
	if b.inlined {
		b.hints.whole[b.in.pc] = true
		panic(errRestart)
	}
	panic(unsupported(format, args...))
}

// noStepInline builds a call whose inlined body would leave a part to the
// interpreter again as a call: stepping the whole call from the state
// before it is what the interpreter would do anyway, at the cost of a
// round trip each time.
func (b *builder) noStepInline() {
	if b.inlined {
		b.hints.whole[b.in.pc] = true
		panic(errRestart)
	}
}
