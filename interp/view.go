package interp

// This file is the read-only view of compiled code for engines other than
// the interpreter loop (the jit package): instructions decoded from the
// bytecode, superinstructions expanded into the plain instructions they
// stand for, and the effects of builtins. It reads opTable and superFuses,
// the same definitions the compiler, the verifier and the interpreter read,
// so that a new superinstruction needs no code of its own in another engine.

import (
	"github.com/raftvm/raft/gc"
)

// Instr is one decoded instruction.
type Instr struct {
	Op     Op
	PC     int      // where the instruction starts (of an expansion: the superinstruction's pc)
	Size   int      // its length in bytes (0 for all but the last of an expansion)
	Slot   int      // first u16 operand: a local slot, a loop's slot, a Mark slot, a builtin index
	Slot2  int      // second u16 operand
	K      gc.Value // the inline value
	Target int      // the absolute target of a branch; -1 when there is none
	Fn     uint32   // the callee of Call
}

// Decode returns the instruction of fn at pc, which must start one.
func Decode(fn *Func, pc int) Instr {
	code := fn.Code
	op := Op(code[pc])
	in := Instr{Op: op, PC: pc, Size: op.Size(), Target: -1}
	switch opTable[op].Operand {
	case oU16:
		in.Slot = u16(code, pc+1)
	case oU32:
		in.Fn = u32(code, pc+1)
	case oValue:
		in.K = inlineValue(code, pc)
	case oValueRel:
		in.K = inlineValue(code, pc)
	case oU16Rel:
		in.Slot = u16(code, pc+1)
	case oU16U16, oU16U16Rel:
		in.Slot, in.Slot2 = u16(code, pc+1), u16(code, pc+3)
	case oU16U16Value:
		in.Slot, in.Slot2 = u16(code, pc+1), u16(code, pc+3)
		in.K = inlineValue(code, pc+4)
	case oU16Value, oU16ValueRel:
		in.Slot = u16(code, pc+1)
		in.K = inlineValue(code, pc+2)
	}
	if opTable[op].Flags&fBranch != 0 {
		in.Target = jumpTarget(code, pc)
	}
	return in
}

// Expand returns the plain instructions (no superinstructions) that in
// stands for, in order, each with in's pc; only the last has in's size.
// A jump among them to in.PC+in.Size goes on after in. AddIndexStep, the
// first half of an unrolled AddIndexLoop, expands like a superinstruction
// (+ the loop's index, then LoopStep).
func Expand(in Instr) []Instr {
	var out []Instr
	switch {
	case in.Op == AddIndexLoop || in.Op == AddIndexStep: // the slot is shared: + the loop's own index
		step := Loop
		if in.Op == AddIndexStep {
			step = LoopStep
		}
		out = []Instr{
			{Op: LocalGet, Slot: in.Slot, Target: -1},
			{Op: Add, Target: -1},
			{Op: step, Slot: in.Slot, Target: in.Target},
		}
	case in.Op >= ReturnIfEqK && in.Op <= ReturnIfGeK: // a jump over a Return: on to the next instruction
		out = expandOps(superFuses[in.Op][0], &operands{slots: nil, k: in.K, target: in.PC + in.Size})
		out = append(out, Instr{Op: Return, Target: -1})
	case opTable[in.Op].Flags&fSuper != 0:
		var slots []int
		switch opTable[in.Op].Operand {
		case oU16, oU16Rel, oU16Value, oU16ValueRel:
			slots = []int{in.Slot}
		case oU16U16, oU16U16Rel, oU16U16Value:
			slots = []int{in.Slot, in.Slot2}
		}
		out = expandOps(in.Op, &operands{slots: slots, k: in.K, target: in.Target})
	default:
		return []Instr{in}
	}
	for i := range out {
		out[i].PC = in.PC
	}
	out[len(out)-1].Size = in.Size
	return out
}

// operands are what a superinstruction's parts take, in order.
type operands struct {
	slots  []int
	k      gc.Value
	target int
}

func (o *operands) slot() int {
	s := o.slots[0]
	o.slots = o.slots[1:]
	return s
}

// expandOps expands op, taking the operands its parts need from o.
func expandOps(op Op, o *operands) []Instr {
	if pair, ok := superFuses[op]; ok && pair[1] != Return {
		return append(expandOps(pair[0], o), expandOps(pair[1], o)...)
	}
	in := Instr{Op: op, Target: -1}
	switch opTable[op].Operand {
	case oNone:
	case oU16:
		in.Slot = o.slot()
	case oU16U16:
		in.Slot, in.Slot2 = o.slot(), o.slot()
	case oU16Rel:
		in.Slot, in.Target = o.slot(), o.target
	case oValue:
		in.K = o.k
	case oValueRel:
		in.K, in.Target = o.k, o.target
	case oRel:
		in.Target = o.target
	default:
		panic("interp: Expand: no rule for the operands of " + op.String())
	}
	return []Instr{in}
}

// Super reports whether op is a superinstruction (Expand expands it).
func (op Op) Super() bool {
	return opTable[op].Flags&fSuper != 0 || op == AddIndexStep
}

// Effect returns the values op pops and pushes; for opcodes whose effect
// depends on values (Call, CallQuot, Builtin, MakeArray, Peek) the fixed
// part.
func (op Op) Effect() (in, out int) { return opTable[op].In, opTable[op].Out }

// Variable reports whether op's effect depends on values (then Effect's
// In is a minimum, and Out is not known).
func (op Op) Variable() bool { return opTable[op].Flags&fVar != 0 }

// Branches reports whether op may jump; Jumps whether it always does.
func (op Op) Branches() bool { return opTable[op].Flags&fBranch != 0 }

// Jumps reports whether op never falls through to the next instruction
// (Jump; Return ends the function).
func (op Op) Jumps() bool { return opTable[op].Flags&fJump != 0 }

// NumOps is the number of opcodes.
const NumOps = int(numOps)

// BuiltinName returns the word of builtin b.
func BuiltinName(b int) string { return builtins[b].name }

// BuiltinEffect returns the values builtin b pops and pushes, and whether
// that is exact (out < 0: a count that depends on the values).
func BuiltinEffect(b int) (in, out int) { return builtins[b].in, builtins[b].out }

// NumBuiltins returns the number of builtins.
func NumBuiltins() int { return len(builtins) }
