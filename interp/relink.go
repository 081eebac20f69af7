package interp

// This file defines the last step of compiling a function: it decodes the
// code into instructions whose jumps point at instructions, rewrites them,
// and encodes them again with new offsets, positions and underflow
// positions. The rewrite is tail duplication: a forward Jump to a short
// block without jumps of its own, which ends in a jump or a return, is
// replaced by a copy of that block. In
//
//	dup 2 mod 0 = if 2 / else 3 * 1+ then swap 1+ swap
//
// inside a loop, the even branch's jump to the code after then becomes that
// code itself, and the loop's jump back: one dispatch less per pass.

import "encoding/binary"

// instr is one instruction while the code is rewritten.
type instr struct {
	op     Op
	args   []byte // operands as in the code; a jump offset is rewritten from target
	pos    Pos
	under  *Pos
	target *instr // a jump-like instruction's target
	pc     int    // its pc in the code being encoded
}

// maxTail is the longest block, in bytes, a jump is replaced by.
const maxTail = 32

// relink applies tail duplication, unrolling, then returnIfs, to fn's code.
func relink(fn *Func) {
	if !hasBranch(fn.Code) {
		return // every rewrite starts at a jump: straight code stays as it is
	}
	ins := decodeFunc(fn)
	out, changed := tailDup(ins)
	if unrolled, ok := unroll(out); ok {
		out, changed = unrolled, true
	}
	if returnIfs(&out) || changed {
		encodeFunc(fn, out)
	}
}

// maxUnroll is the longest loop body, in bytes, that unroll copies.
const maxUnroll = 24

// stepOf maps a counted loop's back edge to the first half of its unrolled
// form: the same step and test, leaving the loop where the back edge
// falls through.
var stepOf = map[Op]Op{Loop: LoopStep, AddIndexLoop: AddIndexStep}

// unroll runs the short body of a do loop twice per backward jump:
//
//	B; Loop s -> B   becomes   B; LoopStep s -> out; B'; Loop s -> B
//
// where B' is a copy of B. A backward jump is where a loop's time goes
// when its body is short: the next instruction's address is read from the
// jump, so the machine waits for that read before it can go on (about six
// cycles on the bench machine, against two for an instruction that does not
// jump). LoopStep jumps only out of the loop. The loop is charged one
// reduction per backward jump, as always: one per two passes here.
//
// A body qualifies when it is at most maxUnroll bytes, has no backward
// jump of its own, and no jump from outside lands inside it. It reports
// whether it changed anything.
func unroll(ins []*instr) ([]*instr, bool) {
	index := make(map[*instr]int, len(ins))
	for i, in := range ins {
		index[in] = i
	}
	var out []*instr
	changed := false
	done := 0 // ins[:done] are in out
	for k, l := range ins {
		step, ok := stepOf[l.op]
		if !ok || l.target == nil || k+1 >= len(ins) {
			continue
		}
		t, ok := index[l.target]
		if !ok || t > k || t < done || !unrollable(ins, t, k) {
			continue
		}
		body := ins[t:k]
		copies := make(map[*instr]*instr, len(body))
		for _, in := range body {
			cp := *in
			copies[in] = &cp
		}
		half := &instr{op: step, args: append([]byte(nil), l.args...), pos: l.pos, target: ins[k+1]}
		for _, in := range body {
			if in.target == l {
				in.target = half // the first half ends at the step
			}
			c := copies[in]
			if to, ok := copies[c.target]; ok {
				c.target = to
			}
		}
		out = append(out, ins[done:k]...)
		out = append(out, half)
		for _, in := range body {
			out = append(out, copies[in])
		}
		out = append(out, l)
		if len(body) == 0 {
			l.target = half // a loop of one instruction: back to the first half
		}
		done = k + 1
		changed = true
	}
	if !changed {
		return ins, false
	}
	return append(out, ins[done:]...), true
}

// unrollable reports whether the loop whose body is ins[t:k], and whose
// backward jump is ins[k], may be unrolled (see unroll).
func unrollable(ins []*instr, t, k int) bool {
	size := 0
	for _, in := range ins[t:k] {
		size += in.op.Size()
		if size > maxUnroll {
			return false
		}
	}
	inside := func(to *instr) bool {
		for _, in := range ins[t+1 : k+1] {
			if in == to {
				return true
			}
		}
		return false
	}
	for i, in := range ins {
		if in.target == nil || i == k {
			continue
		}
		if i >= t && i < k {
			if opTable[in.op].Flags&fBranch != 0 {
				// A jump inside the body must go forward.
				for _, b := range ins[t:i] {
					if b == in.target {
						return false
					}
				}
				if in.target == in {
					return false
				}
			}
			continue
		}
		if inside(in.target) || (in.target == ins[t] && i > k) {
			return false // a jump from outside into the body
		}
	}
	return true
}

// tailDup returns ins with tail duplication applied, and whether it
// changed anything.
func tailDup(ins []*instr) ([]*instr, bool) {
	changed := false
	out := make([]*instr, 0, len(ins)+8)
	replaced := map[*instr]*instr{} // a removed Jump -> the first instruction of its copy
	for i, in := range ins {
		if tail := tailOf(ins, i); tail != nil {
			replaced[in] = tail[0]
			out = append(out, tail...)
			changed = true
			continue
		}
		out = append(out, in)
	}
	if !changed {
		return ins, false
	}
	for _, in := range out {
		for in.target != nil {
			r, ok := replaced[in.target]
			if !ok {
				break
			}
			in.target = r
		}
	}
	return out, true
}

// returnIf maps the conditional jumps that returnIfs folds to what they become.
var returnIf = map[Op]Op{
	DupJumpIfNotEqK: ReturnIfEqK, DupJumpIfNotNeK: ReturnIfNeK,
	DupJumpIfNotLtK: ReturnIfLtK, DupJumpIfNotGtK: ReturnIfGtK,
	DupJumpIfNotLeK: ReturnIfLeK, DupJumpIfNotGeK: ReturnIfGeK,
}

// returnIfs folds a conditional jump over a lone Return ("dup 2 < if
// return then", the base case of a recursive word) into one ReturnIf*
// instruction, when no jump lands on the Return. It reports whether it
// changed *ins.
func returnIfs(ins *[]*instr) bool {
	all := *ins
	landed := map[*instr]bool{}
	for _, in := range all {
		if in.target != nil {
			landed[in.target] = true
		}
	}
	out := all[:0:0]
	changed := false
	for i := 0; i < len(all); i++ {
		in := all[i]
		if r, ok := returnIf[in.op]; ok && i+2 < len(all) && all[i+1].op == Return &&
			in.target == all[i+2] && !landed[all[i+1]] {
			in.op, in.args, in.target = r, in.args[:operandSize[oValue]], nil
			out = append(out, in)
			i++ // the Return
			changed = true
			continue
		}
		out = append(out, in)
	}
	if changed {
		*ins = out
	}
	return changed
}

// tailOf returns the copy that replaces instruction i, or nil: i must be a
// forward Jump to a block of at most maxTail bytes whose instructions do
// not jump, but for the last, which is a Jump, a Return or a conditional
// jump (then a Jump to what follows it is added).
func tailOf(ins []*instr, i int) []*instr {
	j := ins[i]
	if j.op != Jump || j.target == nil {
		return nil
	}
	t := -1
	for k := i + 1; k < len(ins); k++ {
		if ins[k] == j.target {
			t = k
			break
		}
	}
	if t < 0 {
		return nil // a backward jump: loops are left alone
	}
	size := 0
	for k := t; k < len(ins); k++ {
		in := ins[k]
		size += in.op.Size()
		if size > maxTail {
			return nil
		}
		flags := opTable[in.op].Flags
		if in.op == Return || flags&fBranch != 0 {
			if in.op == Jump && in.target == j.target {
				return nil // a jump to itself
			}
			var tail []*instr
			for _, c := range ins[t : k+1] {
				cp := *c
				tail = append(tail, &cp)
			}
			if in.op != Return && flags&fJump == 0 {
				if k+1 >= len(ins) {
					return nil
				}
				tail = append(tail, &instr{op: Jump, args: make([]byte, 4), pos: in.pos, target: ins[k+1]})
			}
			return tail
		}
		if flags&(fCall|fVar) != 0 && in.op != Call {
			return nil // keep blocks simple: no quotations, builtins, arrays
		}
	}
	return nil
}

// hasBranch reports whether code has a jump-like instruction.
func hasBranch(code []byte) bool {
	for pc := 0; pc < len(code); pc += Op(code[pc]).Size() {
		if opTable[code[pc]].Flags&fBranch != 0 {
			return true
		}
	}
	return false
}

// decodeFunc splits fn's code into instructions with their targets.
func decodeFunc(fn *Func) []*instr {
	code := fn.Code
	var ins []*instr
	at := make([]*instr, len(code)) // the instruction starting at each pc
	for pc := 0; pc < len(code); pc += Op(code[pc]).Size() {
		op := Op(code[pc])
		in := &instr{op: op, args: code[pc+1 : pc+op.Size() : pc+op.Size()], pos: fn.PosAt(pc), pc: pc}
		if p, ok := fn.under[int32(pc)]; ok {
			in.under = &p
		}
		ins = append(ins, in)
		at[pc] = in
	}
	for _, in := range ins {
		if opTable[in.op].Flags&fBranch != 0 {
			if t := jumpTarget(code, in.pc); t >= 0 && t < len(at) {
				in.target = at[t]
			}
		}
	}
	return ins
}

// encodeFunc lays ins out as fn's code, with its positions.
func encodeFunc(fn *Func, ins []*instr) {
	pc := 0
	for _, in := range ins {
		in.pc = pc
		pc += in.op.Size()
	}
	code := make([]byte, 0, pc)
	lines := make([]lineEntry, 0, len(ins))
	var under map[int32]Pos
	for _, in := range ins {
		code = append(code, byte(in.op))
		code = append(code, in.args...)
		if in.target != nil {
			binary.LittleEndian.PutUint32(code[in.pc+targetOffset(in.op):], uint32(int32(in.target.pc-in.pc)))
		}
		lines = append(lines, lineEntry{int32(in.pc), in.pos})
		if in.under != nil {
			if under == nil {
				under = map[int32]Pos{}
			}
			under[int32(in.pc)] = *in.under
		}
	}
	fn.Code, fn.lines, fn.under = code, lines, under
}
