package interp

// This file defines the verifier, run on every compiled function before it
// can run: opcodes and operands in range, jump targets on instruction
// starts, no fall-through off the end. It also computes MaxPush, the stack
// headroom the interpreter reserves.
//
// Stack depth in Raft is not static (a loop may push a value per pass), so
// the interpreter checks headroom at check points instead: function entry,
// every backward jump, every return into the function (after a call) and
// after a builtin of variable effect. Between two check points no
// instruction runs twice (that would need a backward jump), so the paths
// from a check point to the next form a graph without cycles, walked in pc
// order: MaxPush is the most any such path grows the stack (maxGrowth).

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/raftvm/raft/gc"
)

// verify checks fn's code for a program of nfuncs functions whose symbols
// and static strings are in, and whose host words are hosts: it returns an
// error for code the interpreter must not run.
func verify(fn *Func, nfuncs int, in *gc.Interns, hosts []HostWord) error {
	code := fn.Code
	if len(code) == 0 {
		return fmt.Errorf("empty code")
	}
	start := make([]bool, len(code)+1)
	var targets []int
	last := Op(0)
	for pc := 0; pc < len(code); {
		op := Op(code[pc])
		if op >= numOps {
			return fmt.Errorf("pc %d: bad opcode %d", pc, op)
		}
		size := op.Size()
		if pc+size > len(code) {
			return fmt.Errorf("pc %d: %s: truncated operand", pc, op)
		}
		start[pc] = true
		info := &opTable[op]
		switch info.Operand {
		case oU16:
			if s := u16(code, pc+1); op == Builtin {
				if s >= len(builtins) {
					return fmt.Errorf("pc %d: builtin %d out of range", pc, s)
				}
			} else if op == CallHost {
				if s >= len(hosts) {
					return fmt.Errorf("pc %d: host word %d out of range", pc, s)
				}
			} else if s >= fn.NLocals {
				return fmt.Errorf("pc %d: %s: slot %d of %d", pc, op, s, fn.NLocals)
			}
		case oU16Value, oU16ValueRel:
			if s := u16(code, pc+1); s >= fn.NLocals {
				return fmt.Errorf("pc %d: %s: slot %d of %d", pc, op, s, fn.NLocals)
			}
			if err := checkConst(code, pc+2, nfuncs, in); err != nil {
				return fmt.Errorf("pc %d: %v", pc, err)
			}
			if info.Operand == oU16ValueRel {
				targets = append(targets, jumpTarget(code, pc))
			}
		case oU16U16, oU16U16Value:
			if a, b := u16(code, pc+1), u16(code, pc+3); a >= fn.NLocals || b >= fn.NLocals {
				return fmt.Errorf("pc %d: %s: slots %d %d of %d", pc, op, a, b, fn.NLocals)
			}
			if info.Operand == oU16U16Value {
				if err := checkConst(code, pc+4, nfuncs, in); err != nil {
					return fmt.Errorf("pc %d: %v", pc, err)
				}
			}
		case oU16U16Rel:
			pair := 1 // the second slot is a loop's index, its limit after it
			if op == JumpIfLocalsTrue {
				pair = 0
			}
			if a, s := u16(code, pc+1), u16(code, pc+3); a >= fn.NLocals || s+pair >= fn.NLocals {
				return fmt.Errorf("pc %d: %s: slots %d %d of %d", pc, op, a, s, fn.NLocals)
			}
			targets = append(targets, jumpTarget(code, pc))
		case oU32:
			if a := int(u32(code, pc+1)); op == Call && a >= nfuncs {
				return fmt.Errorf("pc %d: function %d of %d", pc, a, nfuncs)
			}
		case oValue, oValueRel:
			if info.Operand == oValueRel {
				targets = append(targets, jumpTarget(code, pc))
			}
			if err := checkConst(code, pc, nfuncs, in); err != nil {
				return fmt.Errorf("pc %d: %v", pc, err)
			}
		case oRel:
			targets = append(targets, jumpTarget(code, pc))
		case oU16Rel:
			if s := u16(code, pc+1); s+1 >= fn.NLocals {
				return fmt.Errorf("pc %d: %s: loop slot %d of %d", pc, op, s, fn.NLocals)
			}
			t := jumpTarget(code, pc)
			if (op == DoInit || op == DoInitStep) && t <= pc {
				return fmt.Errorf("pc %d: %s jumps backward", pc, op)
			}
			targets = append(targets, t)
		}
		last = op
		pc += size
	}
	if last != Return && last != Jump {
		return fmt.Errorf("code falls off the end")
	}
	for _, t := range targets {
		if t < 0 || t >= len(code) || !start[t] {
			return fmt.Errorf("jump target %d is not an instruction", t)
		}
	}
	fn.MaxPush = maxGrowth(code, hosts)
	fn.hosts = hosts
	fn.pushBytes = uintptr(fn.MaxPush * vsize)
	fn.entry = unsafe.Pointer(&code[0])
	fn.leafKind, fn.leafLo, fn.leafSpan = leafRange(code)
	return nil
}

// leafRange returns the range of ints for which code's first instruction,
// when it is a conditional return on an int constant, holds: x holds when
// uint64(x)-lo <= span. It returns kind noLeaf when there is no such
// instruction, or its set of ints is not one range (<> k) or is empty.
func leafRange(code []byte) (kind gc.Kind, lo, span uint64) {
	op := Op(code[0])
	if op < ReturnIfEqK || op > ReturnIfGeK || gc.Kind(code[1]) != gc.KInt {
		return noLeaf, 0, 0
	}
	k := inlineValue(code, 0).AsInt()
	first, last := int64(math.MinInt64), int64(math.MaxInt64)
	switch baseOp[op] {
	case Eq:
		first, last = k, k
	case Lt:
		if k == math.MinInt64 {
			return noLeaf, 0, 0
		}
		last = k - 1
	case Gt:
		if k == math.MaxInt64 {
			return noLeaf, 0, 0
		}
		first = k + 1
	case Le:
		last = k
	case Ge:
		first = k
	default: // Ne
		return noLeaf, 0, 0
	}
	return gc.KInt, uint64(first), uint64(last) - uint64(first)
}

// checkConst checks the inline value whose kind byte is at code[at+1].
func checkConst(code []byte, at, nfuncs int, in *gc.Interns) error {
	v := inlineValue(code, at)
	if v.K >= gc.KStr || (v.K == gc.KBool && v.X > 1) {
		return fmt.Errorf("bad constant of kind %d", v.K)
	}
	if v.K == gc.KQuot && v.X >= uint64(nfuncs) {
		return fmt.Errorf("quotation %d of %d", v.X, nfuncs)
	}
	if !in.Has(v) {
		return fmt.Errorf("%v %d not interned", v.K, v.X)
	}
	return nil
}

// maxGrowth returns the most the stack can grow, from a check point, along
// any path of code (already verified) that reaches no other check point.
func maxGrowth(code []byte, hosts []HostWord) int {
	const unreached = math.MinInt
	in := make([]int, len(code)+1) // the most growth on arrival at each pc
	for i := range in {
		in[i] = unreached
	}
	in[0] = 0
	back := map[int]bool{} // targets of backward jumps: check points
	for pc := 0; pc < len(code); pc += Op(code[pc]).Size() {
		if op := Op(code[pc]); opTable[op].Flags&fBranch != 0 {
			if t := jumpTarget(code, pc); t <= pc {
				back[t] = true
			}
		}
	}
	peak := 0
	for pc := 0; pc < len(code); pc += Op(code[pc]).Size() {
		if back[pc] {
			in[pc] = max(in[pc], 0)
		}
		d := in[pc]
		if d == unreached {
			continue
		}
		op := Op(code[pc])
		info := &opTable[op]
		pops, pushes, check := info.In, info.Out, op == Call || op == CallQuot
		if op == Builtin {
			b := &builtins[u16(code, pc+1)]
			pops, pushes, check = b.in, max(b.out, 0), b.out < 0
		} else if op == CallHost {
			w := &hosts[u16(code, pc+1)]
			pops, pushes = w.In, w.Out
		}
		after := d - pops + pushes
		peak = max(peak, d, after)
		if check {
			after = 0 // the return, or the builtin, checked the room again
		}
		next := pc + op.Size()
		if info.Flags&fJump == 0 && op != Return && next < len(in) {
			in[next] = max(in[next], after)
		}
		if info.Flags&fBranch != 0 {
			if t := jumpTarget(code, pc); t > pc {
				in[t] = max(in[t], after)
			}
		}
	}
	return peak
}
