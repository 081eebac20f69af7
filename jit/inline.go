package jit

// This file defines the inlining of small words: a call of a word whose
// body is a few plain instructions (no locals, no branches, and no calls
// but of such words) is built as if those instructions stood in the caller
// in place of the call.
// nbody's field words (: x@ 0 get ;) called in its inner loop cost a native
// call each, which writes the caller's registers back to memory; inlined,
// the loop keeps its values in registers.
//
// The inlined body is one instruction of the caller: the call's. Its
// checks leave for the interpreter with the state from before the call, at
// the call, and the interpreter makes the call itself (so a failure inside
// the word is reported in the word, with its call chain, as without
// inlining). That is right only while the body has not changed memory:
// the builder's rule for the parts of any instruction (b.effects). A body
// that checks after it changed memory is built again with the call left a
// call (hints.whole). A step or a slow path inside the body runs the whole
// call in the interpreter from the state before it.
//
// A redefined word recompiles every function (JIT.update), so a caller
// never keeps an old body. An inlined call makes no frame: native code
// never runs within MaxCallDepth of the limit (see the room in jit.go), so
// the interpreter would not have failed with :stack-overflow there either.

import "github.com/raftvm/raft/interp"

const (
	maxInlineCode  = 32 // bytes of bytecode of a word that is inlined, its Return included
	maxInlineDepth = 3  // words inlined in words inlined in a call, at most
	maxInlineParts = 32 // plain instructions an inlined call becomes, at most
	inlineSites    = 16 // feedback site numbers per inlined part (operands of one part are fewer)
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
		interp.LtK, interp.GtK, interp.LeK, interp.GeK, interp.Get, interp.Len,
	} {
		ok[op] = true
	}
	return
}()

// inline returns the parts to build for instruction in when it calls a
// word that is inlined there: its own parts with each such call replaced
// by the word's body; nil when nothing is inlined.
func (b *builder) inline(in *inst) []interp.Instr {
	if b.hints.whole[in.pc] {
		return nil
	}
	var parts []interp.Instr
	for i, p := range in.parts {
		var body []interp.Instr
		if p.Op == interp.Call {
			body = b.body(int(p.Fn), 0)
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
	}
	if parts != nil {
		b.f.inlined++
	}
	return parts
}

// body returns the instructions of function fn without its Return, when
// fn is a word small and plain enough to inline; else nil. A call in it of
// such a word is replaced by that word's body in turn (depth counts the
// words being inlined around fn), up to maxInlineParts in all.
func (b *builder) body(fn, depth int) []interp.Instr {
	if fn < 0 || fn >= len(b.funcs) || depth >= maxInlineDepth {
		return nil
	}
	c := b.funcs[fn]
	if c == nil || c == b.fn || c.NLocals != 0 || len(c.Code) > maxInlineCode {
		return nil
	}
	var body []interp.Instr
	for pc := 0; pc < len(c.Code); {
		in := interp.Decode(c, pc)
		pc += in.Size
		if pc == len(c.Code) {
			if in.Op != interp.Return {
				return nil
			}
			break
		}
		for _, p := range interp.Expand(in) {
			if p.Op == interp.Call {
				sub := b.body(int(p.Fn), depth+1)
				if sub == nil {
					return nil
				}
				body = append(body, sub...)
				continue
			}
			if p.Target >= 0 || !inlineOps[p.Op] {
				return nil
			}
			body = append(body, p)
		}
	}
	if len(body) == 0 || len(body) > maxInlineParts {
		return nil
	}
	return body
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
