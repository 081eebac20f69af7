package jit

// This file defines the compiler's intermediate form: a function of basic
// blocks of SSA values, close to the machine (ints and floats in
// registers, loads and stores of the interpreter's memory, checks that
// leave native code). build.go makes it from bytecode, regalloc.go gives
// every value a place, emit_*.go turn it into machine code.
//
// A Raft value in flight is a pair of values: its kind (an int holding a
// gc.Kind) and its payload (an int, or a float held in a float register).
// A kind known at compile time is a constant, so speculation is no more
// than replacing a kind value by a constant after a check.

import (
	"fmt"
	"strings"
)

// vid names a value of a function; 0 is no value.
type vid int32

// typ is the register class of a value.
type typ uint8

const (
	tVoid  typ = iota // no result
	tInt              // a 64-bit int (kinds, payloads, addresses)
	tFloat            // a float64, in a float register
)

// op is an operation of the intermediate form.
type op uint8

// The operations. a, b, c are operand values, imm the immediate; "slot at
// pos" is the data stack slot pos slots above the function's stack base
// (the DSP register), "local i" the current call's local i.
const (
	opNop    op = iota
	opConst     // imm                       an int constant
	opConstF    // imm: float bits           a float constant
	opParam     //                           a block parameter

	opLoadK  // imm: pos                 the kind byte of slot pos
	opLoadP  // imm: pos                 the payload of slot pos (tInt or tFloat)
	opStore  // a kind, b payload, imm pos      store a value into slot pos
	opLoadLK // imm: local               the kind of a local
	opLoadLP // imm: local               its payload (tInt or tFloat)
	opStoreL // a kind, b payload, imm local    store a value into a local
	opState  // imm: offset              an int of the NativeState
	opLoad   // a address, imm offset, aux size (1, 4 or 8): a zero-extended load (tInt or tFloat)
	opStoreM // a address, b value, imm offset, aux size
	opDepth  //                          the index of the stack base (DSP) in the data stack
	opLocals //                          the index of the current call's locals in the machine's locals

	opAdd // a+b
	opSub // a-b
	opMul // a*b
	opAnd // a&b
	opOr  // a|b
	opXor // a^b
	opShl // a<<b (b in 0..63)
	opShr // a>>b, logical (b in 0..63)
	opSar // a>>b, arithmetic (b in 0..63)
	opNeg // -a
	opNot // ^a
	opDiv // a/b truncated (b not 0, not -1)
	opMod // a mod b floored (b not 0, not -1)
	opMin // min(a, b)
	opMax // max(a, b)

	opFAdd  // a+b
	opFSub  // a-b
	opFMul  // a*b
	opFDiv  // a/b
	opFNeg  // -a
	opFAbs  // |a|
	opFSqrt // sqrt(a)
	opFMin  // b < a ? b : a
	opFMax  // a < b ? b : a
	opIToF  // float64(a)
	opFToI  // int64(a), truncated (a in range)
	opBitsF // the float whose bits are a
	opFBits // the bits of float a

	opCmp  // aux cond: a cond b, 1 or 0
	opFCmp // aux cond: a cond b on floats, 1 or 0 (false when unordered, but for ne)
	opSel  // a != 0 ? b : c

	opCheck  // aux cond, imm exit: go on when a cond b holds, else take the exit
	opFCheck // the same on floats
	opCharge // imm exit: one reduction; the exit when the budget is spent
	opStep   // imm exit: run the instruction in the interpreter and come back
	opRetain // a kind, b payload: count one more reference if a heap value
	opRelease
	// a kind, b payload: drop a reference if a heap value (freeing it is an exit that comes back)
	opCall        // imm: index in function.calls; a: the payload of the callee's top slot (0: in memory only), for the argument register; b: the callee's index for CallQuot
	opEntry       // a 0 native, 1 at pc 0, 2 a loop header (imm: entry index): the prologue of an entry block
	opSetDSP      // imm: slots to move the stack base by (a rebase)
	opRegionCheck // aux region, imm exit (low half) and 1 + room known (high half): the stack holds what region reads below its base, and has room for what it pushes
	opCallK       // the kind of the top slot a native call returned with (the return registers): right after its opCall
	opCallP       // the payload of that slot (tInt)
	opArgP        // the payload of the top slot a native call passes (the argument register): right after a native entry
	numIROps
)

var opNames = [numIROps]string{
	opNop: "nop", opConst: "const", opConstF: "constf", opParam: "param",
	opLoadK: "loadk", opLoadP: "loadp", opStore: "store", opLoadLK: "loadlk", opLoadLP: "loadlp", opStoreL: "storel",
	opState: "state", opLoad: "load", opStoreM: "storem", opDepth: "depth", opLocals: "locals",
	opAdd: "add", opSub: "sub", opMul: "mul", opAnd: "and", opOr: "or", opXor: "xor", opShl: "shl", opShr: "shr",
	opSar: "sar", opNeg: "neg", opNot: "not", opDiv: "div", opMod: "mod", opMin: "min", opMax: "max",
	opFAdd: "fadd", opFSub: "fsub", opFMul: "fmul", opFDiv: "fdiv", opFNeg: "fneg", opFAbs: "fabs", opFSqrt: "fsqrt",
	opFMin: "fmin", opFMax: "fmax", opIToF: "itof", opFToI: "ftoi", opBitsF: "bitsf", opFBits: "fbits",
	opCmp: "cmp", opFCmp: "fcmp", opSel: "sel", opCheck: "check", opFCheck: "fcheck", opCharge: "charge",
	opStep: "step", opRetain: "retain", opRelease: "release", opCall: "call", opEntry: "entry", opSetDSP: "setdsp", opRegionCheck: "regioncheck",
	opCallK: "callk", opCallP: "callp", opArgP: "argp",
}

// cond is a comparison.
type cond uint8

const (
	cEq cond = iota
	cNe
	cLt // signed
	cLe
	cGt
	cGe
	cLtU // unsigned
	cLeU
	cGtU
	cGeU
)

var condNames = [...]string{"eq", "ne", "lt", "le", "gt", "ge", "ltu", "leu", "gtu", "geu"}

// negate returns the condition that holds exactly when c does not (on ints).
func (c cond) negate() cond {
	return [...]cond{cNe, cEq, cGe, cGt, cLe, cLt, cGeU, cGtU, cLeU, cLtU}[c]
}

// swap returns the condition of the operands exchanged.
func (c cond) swap() cond {
	return [...]cond{cEq, cNe, cGt, cGe, cLt, cLe, cGtU, cGeU, cLtU, cLeU}[c]
}

// eval evaluates c on two ints.
func (c cond) eval(x, y int64) bool {
	switch c {
	case cEq:
		return x == y
	case cNe:
		return x != y
	case cLt:
		return x < y
	case cLe:
		return x <= y
	case cGt:
		return x > y
	case cGe:
		return x >= y
	case cLtU:
		return uint64(x) < uint64(y)
	case cLeU:
		return uint64(x) <= uint64(y)
	case cGtU:
		return uint64(x) > uint64(y)
	}
	return uint64(x) >= uint64(y)
}

// value is one SSA value (or an instruction without a result).
type value struct {
	op      op
	typ     typ
	a, b, c vid
	imm     int64
	aux     int32
	blk     int32 // the block it is in; -1 for constants
	uses    int32 // uses by other values, terminators and exits
}

// termKind is how a block ends.
type termKind uint8

const (
	tkNone   termKind = iota
	tkJump            // to succ[0] with args[0]
	tkBranch          // when a cond b (or float: fcond): succ[0], else succ[1]
	tkReturn          // return from the function (the stack is written back); with regs, the top slot also goes in the return registers: a, b its kind and payload, or 0 (then read from memory)
	tkExit            // leave native code: exit
)

// term ends a block.
type term struct {
	kind  termKind
	cond  cond
	float bool // compare floats
	test  bool // branch on a & b (b an int constant): cond eq or ne
	regs  bool // tkReturn: the top slot goes back in the return registers
	held  bool // tkReturn: they hold it already (a call's result returned at once)
	a, b  vid
	succ  [2]int
	args  [2][]vid
	exit  int
}

// block is a basic block.
type block struct {
	id     int
	pc     int // the bytecode pc it starts at (-1: made by the compiler)
	params []vid
	instrs []vid
	term   term
	preds  []int
	cold   bool // laid out after the hot code
}

// store is one value an exit writes back: into slot pos or local idx.
type store struct {
	local  bool
	idx    int
	k, p   vid
	memNil bool // a local whose memory native code takes to be nil (it stays so after a parked run goes on)
}

// exitInfo describes one way out of native code, and what the interpreter
// needs written back first.
type exitInfo struct {
	kind    int     // interp.Exit*
	why     int     // why*: the reason --stats shows
	pc      int     // where the interpreter goes on (or the instruction it runs)
	stores  []store // values to write back
	retains [][2]vid
	top     int   // the position of the top slot (SP)
	guard   vid   // the kind that failed a type check (for feedback), or 0
	aux     int64 // NativeState.Aux
	auxV    [2]vid
	rebase  bool // a step whose effect is not known: the stack base becomes its top
	site    int  // index of the feedback site, for guards
	after   int  // for steps: the position of the stack top after it
}

// Reasons of exits, for --stats and feedback.
const (
	whyGuard       = iota + 1 // a type check failed
	whySlow                   // an error or a case native code leaves to the interpreter (division by 0, out of bounds, ...)
	whyUnsupported            // an instruction native code does not run
	whyBudget                 // the reduction budget ran out
	whyCall                   // a call of a function without native code
	whyRoom                   // the stack, locals or native stack must grow
	whyStep                   // an instruction run by the interpreter (a Go helper): native code goes on after it
	whyRelease                // the last reference to a heap object was dropped
	whyEntry                  // a check at an entry failed
	numWhy
)

var whyNames = [numWhy]string{
	whyGuard: "type guard", whySlow: "slow path", whyUnsupported: "unsupported", whyBudget: "budget",
	whyCall: "call to the interpreter", whyRoom: "room", whyStep: "Go helper", whyRelease: "free", whyEntry: "entry check",
}

// entry is a place where native code is entered: from a native call
// (native), or from the interpreter at pc.
type entry struct {
	native bool
	self   bool // native, for the function's calls of itself that prove its checks (see builder.selfEntry)
	pc     int
	blk    int // its entry block
	depth  int // the position of the stack top there
	region int
}

// function is the intermediate form of one Raft function.
type function struct {
	name    string
	values  []value // values[0] is unused
	blocks  []*block
	exits   []exitInfo
	entries []entry
	consts  map[[2]int64]vid
	calls   []callInfo
	regions []region
	sites   []siteKey
	nlocals int

	// The plain instructions it runs natively and the instructions it
	// leaves to the interpreter (steps), each weighted by its loops
	// (builder.weight): an estimate of where its time goes.
	work, steps float64

	inlined int // calls whose callee's body is built in their place (inline.go)

	// arrays holds the payload parameters of joins whose variable is an
	// array on every edge: a live array's handle (hoist.go).
	arrays map[vid]bool
}

func newFunction(name string) *function {
	return &function{name: name, values: make([]value, 1, 256), consts: map[[2]int64]vid{}, arrays: map[vid]bool{}}
}

// newValue adds a value to block b (-1: none, for constants).
func (f *function) newValue(b int, o op, t typ, a, bb vid, imm int64) vid {
	f.values = append(f.values, value{op: o, typ: t, a: a, b: bb, imm: imm, blk: int32(b)})
	id := vid(len(f.values) - 1)
	f.use(a)
	f.use(bb)
	if b >= 0 {
		f.blocks[b].instrs = append(f.blocks[b].instrs, id)
	}
	return id
}

func (f *function) use(v vid) {
	if v != 0 {
		f.values[v].uses++
	}
}

// constant returns the int constant n.
func (f *function) constant(n int64) vid {
	if v, ok := f.consts[[2]int64{0, n}]; ok {
		return v
	}
	f.values = append(f.values, value{op: opConst, typ: tInt, imm: n, blk: -1})
	v := vid(len(f.values) - 1)
	f.consts[[2]int64{0, n}] = v
	return v
}

// constantF returns the float constant with bits n.
func (f *function) constantF(n int64) vid {
	if v, ok := f.consts[[2]int64{1, n}]; ok {
		return v
	}
	f.values = append(f.values, value{op: opConstF, typ: tFloat, imm: n, blk: -1})
	v := vid(len(f.values) - 1)
	f.consts[[2]int64{1, n}] = v
	return v
}

// isConst reports whether v is an int constant, and its value.
func (f *function) isConst(v vid) (int64, bool) {
	if v != 0 && f.values[v].op == opConst {
		return f.values[v].imm, true
	}
	return 0, false
}

func (f *function) newBlock(pc int) *block {
	b := &block{id: len(f.blocks), pc: pc}
	f.blocks = append(f.blocks, b)
	return b
}

// String prints the function, for tests and debugging.
func (f *function) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "function %s\n", f.name)
	name := func(v vid) string {
		if v == 0 {
			return "_"
		}
		if x := f.values[v]; x.op == opConst {
			return fmt.Sprint(x.imm)
		}
		return fmt.Sprintf("v%d", v)
	}
	for _, b := range f.blocks {
		fmt.Fprintf(&s, "b%d (pc %d) preds %v params", b.id, b.pc, b.preds)
		for _, p := range b.params {
			fmt.Fprintf(&s, " %s", name(p))
		}
		s.WriteString(":\n")
		for _, id := range b.instrs {
			v := f.values[id]
			fmt.Fprintf(&s, "  %s = %s", name(id), opNames[v.op])
			for _, a := range []vid{v.a, v.b, v.c} {
				if a != 0 {
					fmt.Fprintf(&s, " %s", name(a))
				}
			}
			fmt.Fprintf(&s, " [%d %d]\n", v.imm, v.aux)
		}
		t := b.term
		switch t.kind {
		case tkJump:
			fmt.Fprintf(&s, "  jump b%d %v\n", t.succ[0], t.args[0])
		case tkBranch:
			fmt.Fprintf(&s, "  branch %s %s %s (float %v test %v) b%d %v else b%d %v\n", condNames[t.cond], name(t.a), name(t.b), t.float, t.test, t.succ[0], t.args[0], t.succ[1], t.args[1])
		case tkReturn:
			if t.regs {
				fmt.Fprintf(&s, "  return %s %s\n", name(t.a), name(t.b))
			} else {
				s.WriteString("  return\n")
			}
		case tkExit:
			fmt.Fprintf(&s, "  exit %d\n", t.exit)
		}
	}
	return s.String()
}
