package jit

// This file is the amd64 back end: it lays out a function's blocks and
// turns each value into instructions with golang-asm.
//
// Register map (amd64):
//
//	R15  the NativeState
//	R14  DSP: the stack base of the current region (&stack[base])
//	R12  the reduction budget left
//	SP   the native stack (a stack of the jit's own, never the goroutine's)
//	AX CX DX, X14 X15   scratch (IDIV and shifts need AX, DX and CX)
//	BX SI DI R8-R11 R13, X0-X13   values (regalloc.go)
//
// BP is left alone (Go's frame pointer); R14 and X15, which Go's own code
// keeps g and zero in, are restored by the ABI wrapper of the trampoline.

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

const (
	rST  = x86.REG_R15
	rDSP = x86.REG_R14
	rBud = x86.REG_R12
	rS0  = x86.REG_AX
	rS1  = x86.REG_CX
	rS2  = x86.REG_DX
	rF0  = x86.REG_X15
	rF1  = x86.REG_X14
	rSP  = x86.REG_SP

	rMoveGP = rS2 // the scratch registers of parallel moves
	rMoveFP = rF1

	rRetK = rS1 // the top slot a native call returns with (see tkReturn)
	rRetP = rS2
	rArgP = rS2 // the payload of the top slot a native call passes (see opArgP)
)

var (
	archGPRs = []int16{x86.REG_BX, x86.REG_SI, x86.REG_DI, x86.REG_R8, x86.REG_R9, x86.REG_R10, x86.REG_R11, x86.REG_R13}
	archFPRs = []int16{x86.REG_X0, x86.REG_X1, x86.REG_X2, x86.REG_X3, x86.REG_X4, x86.REG_X5, x86.REG_X6,
		x86.REG_X7, x86.REG_X8, x86.REG_X9, x86.REG_X10, x86.REG_X11, x86.REG_X12, x86.REG_X13}
	archName = "amd64"
	archLR   = false // the return address is pushed by CALL, above the frame
)

// retAddrSize is what a call puts between the caller's frame and the
// callee's.
const retAddrSize = 8

func fits32(v int64) bool { return v == int64(int32(v)) }

// gp returns a register holding int value v, loading it into scratch s
// when it is a constant or spilled.
func (e *emitter) gp(v vid, s int16) int16 {
	l := e.a.loc[v]
	switch l.kind {
	case lReg:
		return l.reg
	case lStack, lState:
		e.ins(x86.AMOVQ, e.memAt(l), reg(s))
	default:
		e.movConst(e.f.values[v].imm, s)
	}
	return s
}

// movConst loads c into r (a MOV: the flags are left as they are).
func (e *emitter) movConst(c int64, r int16) {
	e.ins(x86.AMOVQ, imm(c), reg(r))
}

// src returns an operand for int value v: an immediate when it fits, its
// register or its slot.
func (e *emitter) src(v vid) obj.Addr {
	l := e.a.loc[v]
	switch l.kind {
	case lReg:
		return reg(l.reg)
	case lStack, lState:
		return e.memAt(l)
	}
	if c := e.f.values[v].imm; fits32(c) {
		return imm(c)
	}
	e.ins(x86.AMOVQ, imm(e.f.values[v].imm), reg(rS1))
	return reg(rS1)
}

// fp returns a float register holding float value v.
func (e *emitter) fp(v vid, s int16) int16 {
	l := e.a.loc[v]
	switch l.kind {
	case lReg:
		return l.reg
	case lStack:
		e.ins(x86.AMOVSD, mem(rSP, e.fr.spillOff(l.off)), reg(s))
	default:
		e.movConst(e.f.values[v].imm, rS0)
		e.ins(x86.AMOVQ, reg(rS0), reg(s))
	}
	return s
}

// dst returns the register to compute value v into: its own, or scratch s
// when it is spilled (then done stores it).
func (e *emitter) dst(v vid, s int16) int16 {
	if l := e.a.loc[v]; l.kind == lReg {
		return l.reg
	}
	return s
}

func (e *emitter) done(v vid, r int16) {
	l := e.a.loc[v]
	if l.kind != lStack {
		return
	}
	if e.f.values[v].typ == tFloat {
		e.ins(x86.AMOVSD, reg(r), mem(rSP, e.fr.spillOff(l.off)))
	} else {
		e.ins(x86.AMOVQ, reg(r), mem(rSP, e.fr.spillOff(l.off)))
	}
}

// assembleGlue emits the code every run of native code starts and ends
// with, shared by all compiled functions: the entry thunk (the trampoline
// calls it; it calls the entry whose address Enter put in the
// NativeState, so that the outermost frame has a return address, and makes
// that return an ExitReturn), and the common exit at offset exit.
func assembleGlue() (code []byte, exit int, err error) {
	b := newProgs()
	defer b.done()
	e := &emitter{b: b}
	first := e.label()
	var errs []string
	first.Ctxt.DiagFunc = func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	e.place(first)
	e.ins(x86.APOPQ, obj.Addr{}, mem(rST, offPriv(privRet)))
	e.ins(x86.AMOVQ, reg(rSP), mem(rST, offPriv(privEntrySP)))
	e.ins(x86.AMOVQ, imm(0), mem(rST, offPriv(privNativeSP))) // no exit yet (see common)
	e.ins(obj.ACALL, obj.Addr{}, mem(rST, offPriv(privEntry)))
	// The outermost frame returned: DSP is the top of the stack.
	e.ins(x86.AMOVQ, reg(rDSP), reg(rS0))
	e.ins(x86.ASUBQ, mem(rST, offStackBase), reg(rS0))
	e.ins(x86.ASARQ, imm(4), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), mem(rST, offSP))
	e.ins(x86.AMOVQ, imm(interp.ExitReturn), mem(rST, offExit))
	e.ins(x86.AMOVQ, reg(rSP), mem(rST, offPriv(privNativeSP)))
	e.ins(x86.AMOVQ, reg(rBud), mem(rST, offBudget))
	e.ins(x86.AMOVQ, mem(rST, offPriv(privRet)), reg(rS0))
	e.ins(x86.AMOVQ, mem(rST, offPriv(privGoSP)), reg(rSP))
	e.ins(x86.APUSHQ, reg(rS0), obj.Addr{})
	e.ins(obj.ARET, obj.Addr{}, obj.Addr{})
	// The common exit. Its way back to the trampoline minds the return
	// predictor: the trampoline's CALL pushed an entry that a RET should
	// pop. That entry is the predictor's top when native code exits in the
	// frame it was resumed in (at the stack pointer of the last exit), and
	// then it returns; else (a first entry, whose thunk's call is on the
	// predictor still, or deeper or shallower frames) it jumps, as a
	// return would be mispredicted and put the Go returns after it off.
	common := e.label()
	e.place(common)
	e.ins(x86.ACMPQ, reg(rSP), mem(rST, offPriv(privNativeSP)))
	e.ins(x86.AMOVQ, reg(rSP), mem(rST, offPriv(privNativeSP)))
	e.ins(x86.AMOVQ, reg(rBud), mem(rST, offBudget))
	e.ins(x86.AMOVQ, mem(rST, offPriv(privRet)), reg(rS0))
	e.ins(x86.AMOVQ, mem(rST, offPriv(privGoSP)), reg(rSP))
	deep := e.label()
	e.jmp(x86.AJNE, deep)
	e.ins(x86.APUSHQ, reg(rS0), obj.Addr{})
	e.ins(obj.ARET, obj.Addr{}, obj.Addr{})
	e.place(deep)
	e.ins(obj.AJMP, obj.Addr{}, reg(rS0))
	code = b.Assemble()
	if len(errs) > 0 {
		return nil, 0, fmt.Errorf("jit: assembler: %s", errs[0])
	}
	return code, int(common.Pc), nil
}

// ccJump maps an int condition to the jump taken when it holds.
var ccJump = [...]obj.As{cEq: x86.AJEQ, cNe: x86.AJNE, cLt: x86.AJLT, cLe: x86.AJLE, cGt: x86.AJGT, cGe: x86.AJGE,
	cLtU: x86.AJCS, cLeU: x86.AJLS, cGtU: x86.AJHI, cGeU: x86.AJCC}

var ccSet = [...]obj.As{cEq: x86.ASETEQ, cNe: x86.ASETNE, cLt: x86.ASETLT, cLe: x86.ASETLE, cGt: x86.ASETGT, cGe: x86.ASETGE,
	cLtU: x86.ASETCS, cLeU: x86.ASETLS, cGtU: x86.ASETHI, cGeU: x86.ASETCC}

var ccMov = [...]obj.As{cEq: x86.ACMOVQEQ, cNe: x86.ACMOVQNE, cLt: x86.ACMOVQLT, cLe: x86.ACMOVQLE, cGt: x86.ACMOVQGT, cGe: x86.ACMOVQGE}

// cmp compares ints a and b (flags as a - b).
func (e *emitter) cmp(a, b vid) {
	if l := e.a.loc[a]; l.inMemory() {
		// A spilled value is compared where it is.
		if src := e.src(b); src.Type != obj.TYPE_MEM {
			e.ins(x86.ACMPQ, e.src(a), src)
			return
		}
	}
	ra := e.gp(a, rS0)
	e.ins(x86.ACMPQ, reg(ra), e.src(b))
}

// fcmp sets the flags for float condition c on a and b and returns the
// jump taken when it holds (eq and ne need the parity flag too, see
// fjump).
func (e *emitter) fcmp(a, b vid, c cond) {
	x, y := e.fp(a, rF0), e.fp(b, rF1)
	// UCOMISD p, q sets the flags of q compared with p.
	switch c {
	case cLt, cLe:
		e.ins(x86.AUCOMISD, reg(x), reg(y)) // y > x, y >= x
	default:
		e.ins(x86.AUCOMISD, reg(y), reg(x)) // x > y, x >= y, x = y
	}
}

// fjump jumps to to when float condition c held at the last fcmp.
func (e *emitter) fjump(c cond, to *obj.Prog) {
	switch c {
	case cLt, cGt:
		e.jmp(x86.AJHI, to)
	case cLe, cGe:
		e.jmp(x86.AJCC, to)
	case cEq:
		skip := e.label()
		e.jmp(x86.AJPS, skip)
		e.jmp(x86.AJEQ, to)
		e.place(skip)
	case cNe:
		e.jmp(x86.AJPS, to)
		e.jmp(x86.AJNE, to)
	default:
		panic("jit: float condition")
	}
}

// fnotjump jumps to to when float condition c did not hold.
func (e *emitter) fnotjump(c cond, to *obj.Prog) {
	switch c {
	case cLt, cGt:
		e.jmp(x86.AJLS, to)
	case cLe, cGe:
		e.jmp(x86.AJCS, to)
	case cEq:
		e.jmp(x86.AJPS, to)
		e.jmp(x86.AJNE, to)
	case cNe:
		skip := e.label()
		e.jmp(x86.AJPS, skip)
		e.jmp(x86.AJEQ, to)
		e.place(skip)
	default:
		panic("jit: float condition")
	}
}

// value emits one value.
func (e *emitter) value(id vid) {
	f := e.f
	v := &f.values[id]
	if v.op != opLoadLK && v.op != opLoadLP && v.op != opStoreL {
		e.lpValid = false
	}
	switch v.op {
	case opNop, opParam, opConst, opConstF:
	case opEntry:
		e.prologue(v)
	case opLoadK:
		r := e.dst(id, rS0)
		e.ins(x86.AMOVBQZX, mem(rDSP, v.imm*16), reg(r))
		e.done(id, r)
	case opLoadP:
		if v.typ == tFloat {
			r := e.dst(id, rF0)
			e.ins(x86.AMOVSD, mem(rDSP, v.imm*16+8), reg(r))
			e.done(id, r)
		} else {
			r := e.dst(id, rS0)
			e.ins(x86.AMOVQ, mem(rDSP, v.imm*16+8), reg(r))
			e.done(id, r)
		}
	case opStore:
		e.storeValue(rDSP, v.imm*16, v.a, v.b)
	case opLoadLK, opLoadLP:
		e.localsCached()
		if v.op == opLoadLK {
			r := e.dst(id, rS0)
			e.ins(x86.AMOVBQZX, mem(rS2, v.imm*16), reg(r))
			e.done(id, r)
		} else if v.typ == tFloat {
			r := e.dst(id, rF0)
			e.ins(x86.AMOVSD, mem(rS2, v.imm*16+8), reg(r))
			e.done(id, r)
		} else {
			r := e.dst(id, rS0)
			e.ins(x86.AMOVQ, mem(rS2, v.imm*16+8), reg(r))
			e.done(id, r)
		}
	case opStoreL:
		e.localsCached()
		e.storeValue(rS2, v.imm*16, v.a, v.b)
	case opState:
		if e.a.loc[id].kind == lReg {
			e.ins(x86.AMOVQ, mem(rST, v.imm), reg(e.a.loc[id].reg))
		}
	case opLoad:
		base := e.gp(v.a, rS0)
		if v.typ == tFloat {
			r := e.dst(id, rF0)
			e.ins(x86.AMOVSD, mem(base, v.imm), reg(r))
			e.done(id, r)
			break
		}
		r := e.dst(id, rS2)
		switch v.aux {
		case 1:
			e.ins(x86.AMOVBQZX, mem(base, v.imm), reg(r))
		case 4:
			e.ins(x86.AMOVL, mem(base, v.imm), reg(r))
		default:
			e.ins(x86.AMOVQ, mem(base, v.imm), reg(r))
		}
		e.done(id, r)
	case opStoreM:
		base := e.gp(v.a, rS0)
		if f.values[v.b].typ == tFloat {
			e.ins(x86.AMOVSD, reg(e.fp(v.b, rF0)), mem(base, v.imm))
			break
		}
		src := e.src(v.b)
		if src.Type == obj.TYPE_MEM {
			e.ins(x86.AMOVQ, src, reg(rS1))
			src = reg(rS1)
		}
		as := map[int32]obj.As{1: x86.AMOVB, 4: x86.AMOVL, 8: x86.AMOVQ}[v.aux]
		e.ins(as, src, mem(base, v.imm))
	case opDepth:
		r := e.dst(id, rS0)
		e.ins(x86.AMOVQ, reg(rDSP), reg(r))
		e.ins(x86.ASUBQ, mem(rST, offStackBase), reg(r))
		e.ins(x86.ASARQ, imm(4), reg(r))
		e.done(id, r)
	case opLocals:
		r := e.dst(id, rS0)
		e.ins(x86.AMOVQ, mem(rSP, 8), reg(r))
		e.done(id, r)
	case opAdd, opSub, opAnd, opOr, opXor, opMul:
		e.binary(id, v)
	case opShl, opShr, opSar:
		r := e.dst(id, rS0)
		as := map[op]obj.As{opShl: x86.ASHLQ, opShr: x86.ASHRQ, opSar: x86.ASARQ}[v.op]
		if c, ok := f.isConst(v.b); ok {
			if ra := e.gp(v.a, r); ra != r {
				e.ins(x86.AMOVQ, reg(ra), reg(r))
			}
			e.ins(as, imm(c&63), reg(r))
		} else {
			e.ins(x86.AMOVQ, e.src(v.b), reg(rS1)) // the count goes in CX
			if ra := e.gp(v.a, r); ra != r {
				e.ins(x86.AMOVQ, reg(ra), reg(r))
			}
			e.ins(as, reg(rS1), reg(r))
		}
		e.done(id, r)
	case opNeg, opNot:
		r := e.dst(id, rS0)
		if ra := e.gp(v.a, r); ra != r {
			e.ins(x86.AMOVQ, reg(ra), reg(r))
		}
		if v.op == opNeg {
			e.ins(x86.ANEGQ, obj.Addr{}, reg(r))
		} else {
			e.ins(x86.ANOTQ, obj.Addr{}, reg(r))
		}
		e.done(id, r)
	case opDiv, opMod:
		// AX:DX by the divisor (never 0 or -1 here).
		d := e.src(v.b)
		if d.Type == obj.TYPE_CONST {
			e.ins(x86.AMOVQ, d, reg(rS1))
			d = reg(rS1)
		}
		e.ins(x86.AMOVQ, reg(e.gp(v.a, rS0)), reg(rS0))
		e.ins(x86.ACQO, obj.Addr{}, obj.Addr{})
		e.ins(x86.AIDIVQ, d, obj.Addr{})
		r := e.dst(id, rS0)
		if v.op == opDiv {
			e.ins(x86.AMOVQ, reg(rS0), reg(r))
		} else {
			// Floored: a remainder whose sign differs from the divisor's
			// gets the divisor added.
			done := e.label()
			e.ins(x86.ATESTQ, reg(rS2), reg(rS2))
			e.jmp(x86.AJEQ, done)
			e.ins(x86.AMOVQ, reg(rS2), reg(rS0))
			e.ins(x86.AXORQ, d, reg(rS0))
			e.jmp(x86.AJGE, done)
			e.ins(x86.AADDQ, d, reg(rS2))
			e.place(done)
			e.ins(x86.AMOVQ, reg(rS2), reg(r))
		}
		e.done(id, r)
	case opMin, opMax:
		r := e.dst(id, rS0)
		if ra := e.gp(v.a, r); ra != r {
			e.ins(x86.AMOVQ, reg(ra), reg(r))
		}
		y := e.gp(v.b, rS1)
		e.ins(x86.ACMPQ, reg(r), reg(y))
		if v.op == opMin {
			e.ins(x86.ACMOVQGT, reg(y), reg(r))
		} else {
			e.ins(x86.ACMOVQLT, reg(y), reg(r))
		}
		e.done(id, r)
	case opFAdd, opFSub, opFMul, opFDiv:
		r := e.dst(id, rF0)
		as := map[op]obj.As{opFAdd: x86.AADDSD, opFSub: x86.ASUBSD, opFMul: x86.AMULSD, opFDiv: x86.ADIVSD}[v.op]
		y := e.fp(v.b, rF1)
		if x := e.fp(v.a, r); x != r {
			e.ins(x86.AMOVSD, reg(x), reg(r))
		}
		e.ins(as, reg(y), reg(r))
		e.done(id, r)
	case opFNeg, opFAbs:
		mask, as := int64(-1<<63), obj.As(x86.AXORPD)
		if v.op == opFAbs {
			mask, as = math.MaxInt64, x86.AANDPD
		}
		e.ins(x86.AMOVQ, imm(mask), reg(rS0))
		e.ins(x86.AMOVQ, reg(rS0), reg(rF1))
		r := e.dst(id, rF0)
		if x := e.fp(v.a, rF0); x != r {
			e.ins(x86.AMOVSD, reg(x), reg(r))
		}
		e.ins(as, reg(rF1), reg(r))
		e.done(id, r)
	case opFSqrt:
		r := e.dst(id, rF0)
		e.ins(x86.ASQRTSD, reg(e.fp(v.a, rF1)), reg(r))
		e.done(id, r)
	case opFMin, opFMax:
		// min: b < a ? b : a; max: a < b ? b : a (NaN: a).
		r := e.dst(id, rF0)
		x, y := e.fp(v.a, rF0), e.fp(v.b, rF1)
		skip := e.label()
		if v.op == opFMin {
			e.ins(x86.AUCOMISD, reg(y), reg(x)) // x > y?
		} else {
			e.ins(x86.AUCOMISD, reg(x), reg(y)) // y > x?
		}
		if r != x {
			e.ins(x86.AMOVSD, reg(x), reg(r))
		}
		e.jmp(x86.AJLS, skip)
		e.ins(x86.AMOVSD, reg(y), reg(r))
		e.place(skip)
		e.done(id, r)
	case opIToF:
		r := e.dst(id, rF0)
		e.ins(x86.ACVTSQ2SD, reg(e.gp(v.a, rS0)), reg(r))
		e.done(id, r)
	case opFToI:
		r := e.dst(id, rS0)
		e.ins(x86.ACVTTSD2SQ, reg(e.fp(v.a, rF0)), reg(r))
		e.done(id, r)
	case opBitsF:
		r := e.dst(id, rF0)
		e.ins(x86.AMOVQ, reg(e.gp(v.a, rS0)), reg(r))
		e.done(id, r)
	case opFBits:
		r := e.dst(id, rS0)
		e.ins(x86.AMOVQ, reg(e.fp(v.a, rF0)), reg(r))
		e.done(id, r)
	case opCmp:
		r := e.dst(id, rS2)
		e.ins(x86.AXORL, reg(r), reg(r))
		e.cmp(v.a, v.b)
		e.ins(ccSet[v.aux], obj.Addr{}, reg(r))
		e.done(id, r)
	case opFCmp:
		r := e.dst(id, rS2)
		e.ins(x86.AXORL, reg(r), reg(r))
		e.fcmp(v.a, v.b, cond(v.aux))
		skip := e.label()
		e.fnotjump(cond(v.aux), skip)
		e.ins(x86.AMOVL, imm(1), reg(r))
		e.place(skip)
		e.done(id, r)
	case opSel:
		r := e.dst(id, rS2)
		t := e.gp(v.a, rS0)
		e.ins(x86.AMOVQ, e.src(v.c), reg(r))
		y := e.gp(v.b, rS1)
		e.ins(x86.ATESTQ, reg(t), reg(t))
		e.ins(x86.ACMOVQNE, reg(y), reg(r))
		e.done(id, r)
	case opCheck:
		e.cmp(v.a, v.b)
		e.jmp(ccJump[cond(v.aux).negate()], e.stubs[v.imm])
	case opCharge:
		// The budget spent: an exit that may come back (a parked run).
		e.ins(x86.ADECQ, obj.Addr{}, reg(rBud))
		e.jmp(x86.AJLE, e.stubs[v.imm])
		e.back[v.imm] = e.label()
		e.place(e.back[v.imm])
		e.saves[v.imm] = e.a.liveAcross(e.a.pos[id])
	case opRegionCheck:
		r := f.regions[v.aux]
		if r.min <= 0 {
			// The stack holds slot min: DSP + 16*min >= &stack[1].
			e.ins(x86.ALEAQ, mem(rDSP, int64(r.min-1)*16), reg(rS0))
			e.ins(x86.ACMPQ, reg(rS0), mem(rST, offStackBase))
			e.jmp(x86.AJCS, e.stubs[uint32(v.imm)])
		}
		if known := int(v.imm>>32) - 1; r.max > 0 && r.max > known {
			e.ins(x86.ALEAQ, mem(rDSP, int64(r.max)*16), reg(rS0))
			e.ins(x86.ACMPQ, reg(rS0), mem(rST, offStackLast))
			e.jmp(x86.AJHI, e.stubs[uint32(v.imm)])
		}
	case opStep:
		e.comeBack(id, int(v.imm))
	case opRetain:
		e.retain(v.a, v.b)
	case opRelease:
		e.release(id, v)
	case opCall:
		e.call(id, v)
	case opSetDSP:
		e.ins(x86.AADDQ, imm(v.imm*16), reg(rDSP))
	case opCallK, opCallP, opArgP:
		from := int16(rRetK)
		if v.op == opCallP {
			from = rRetP
		} else if v.op == opArgP {
			from = rArgP
		}
		r := e.dst(id, rS0)
		e.ins(x86.AMOVQ, reg(from), reg(r))
		e.done(id, r)
	default:
		panic("jit: amd64: no code for " + opNames[v.op])
	}
}

// binary emits a two-operand int op.
func (e *emitter) binary(id vid, v *value) {
	as := map[op]obj.As{opAdd: x86.AADDQ, opSub: x86.ASUBQ, opAnd: x86.AANDQ, opOr: x86.AORQ, opXor: x86.AXORQ, opMul: x86.AIMULQ}[v.op]
	r := e.dst(id, rS0)
	if ra := e.gp(v.a, r); ra != r {
		e.ins(x86.AMOVQ, reg(ra), reg(r))
	}
	e.ins(as, e.src(v.b), reg(r))
	e.done(id, r)
}

// storeValue stores a Raft value (kind k, payload p) at off(base): the
// kind as a whole word, so that the padding is 0.
func (e *emitter) storeValue(base int16, off int64, k, p vid) {
	if c, ok := e.f.isConst(k); ok {
		e.ins(x86.AMOVQ, imm(c), mem(base, off))
	} else {
		e.ins(x86.AMOVQ, reg(e.gp(k, rS0)), mem(base, off))
	}
	if e.f.values[p].typ == tFloat {
		if e.a.loc[p].kind == lConst {
			e.movConst(e.f.values[p].imm, rS0)
			e.ins(x86.AMOVQ, reg(rS0), mem(base, off+8))
			return
		}
		e.ins(x86.AMOVSD, reg(e.fp(p, rF0)), mem(base, off+8))
		return
	}
	if c, ok := e.f.isConst(p); ok && fits32(c) {
		e.ins(x86.AMOVQ, imm(c), mem(base, off+8))
		return
	}
	e.ins(x86.AMOVQ, reg(e.gp(p, rS0)), mem(base, off+8))
}

// localsCached puts the address of the current call's locals in S2,
// unless the value before did (a run of loads and stores of locals shares
// it; a load's result never goes to S2).
func (e *emitter) localsCached() {
	if !e.lpValid {
		e.localsBase(rS2)
		e.lpValid = true
	}
}

// localsBase puts the address of the current call's locals in r.
func (e *emitter) localsBase(r int16) {
	e.ins(x86.AMOVQ, mem(rSP, 8), reg(r))
	e.ins(x86.ASHLQ, imm(4), reg(r))
	e.ins(x86.AADDQ, mem(rST, offLocalsBase), reg(r))
}

// retain counts one more reference to (k, p) if it is a heap value.
func (e *emitter) retain(k, p vid) {
	skip := e.label()
	if c, ok := e.f.isConst(k); ok {
		if gc.Kind(c) < gc.KStr {
			return
		}
	} else {
		e.ins(x86.ACMPQ, reg(e.gp(k, rS0)), imm(int64(gc.KStr)))
		e.jmp(x86.AJCS, skip)
	}
	e.ins(x86.AMOVQ, mem(rST, offRcs), reg(rS1))
	e.ins(x86.AINCL, obj.Addr{}, idx(rS1, e.gp(p, rS0), 4, 0))
	e.place(skip)
}

// release drops a reference to (k, p); the last one is freed by Go: an
// exit that comes back (its stub saves the registers).
func (e *emitter) release(id vid, v *value) {
	skip := e.label()
	if c, ok := e.f.isConst(v.a); ok {
		if gc.Kind(c) < gc.KStr {
			return
		}
	} else {
		e.ins(x86.ACMPQ, reg(e.gp(v.a, rS0)), imm(int64(gc.KStr)))
		e.jmp(x86.AJCS, skip)
	}
	e.ins(x86.AMOVQ, mem(rST, offRcs), reg(rS1))
	slot := idx(rS1, e.gp(v.b, rS0), 4, 0)
	e.ins(x86.ACMPL, slot, imm(1))
	x := int(v.imm)
	e.jmp(x86.AJLS, e.stubs[x])
	e.ins(x86.ADECL, obj.Addr{}, slot)
	e.place(skip)
	e.back[x] = skip
	e.saves[x] = e.a.liveAcross(e.a.pos[id])
}

// comeBack emits a step: the registers live across it are saved by its
// stub, and restored where native code goes on.
func (e *emitter) comeBack(id vid, x int) {
	e.jmp(obj.AJMP, e.stubs[x])
	e.back[x] = e.label()
	e.place(e.back[x])
	e.saves[x] = e.a.liveAcross(e.a.pos[id])
}

// saveRegs stores the registers of vs in their save slots; restoreRegs
// loads them again.
func (e *emitter) saveRegs(vs []vid) {
	for _, v := range vs {
		r := e.a.loc[v].reg
		if e.f.values[v].typ == tFloat {
			e.ins(x86.AMOVSD, reg(r), mem(rSP, int64(e.fr.save[r])))
		} else {
			e.ins(x86.AMOVQ, reg(r), mem(rSP, int64(e.fr.save[r])))
		}
	}
}

func (e *emitter) restoreRegs(vs []vid) {
	for _, v := range vs {
		r := e.a.loc[v].reg
		if e.f.values[v].typ == tFloat {
			e.ins(x86.AMOVSD, mem(rSP, int64(e.fr.save[r])), reg(r))
		} else {
			e.ins(x86.AMOVQ, mem(rSP, int64(e.fr.save[r])), reg(r))
		}
	}
}

// prologue emits an entry block's start: the frame, and for an entry from
// the interpreter the registers from the NativeState.
func (e *emitter) prologue(v *value) {
	e.ins(x86.ASUBQ, imm(int64(e.fr.size)), reg(rSP))
	if v.a == 0 { // a native call: the locals' index comes in AX
		e.ins(x86.AMOVQ, reg(rS0), mem(rSP, 8))
		return
	}
	en := e.f.entries[v.imm]
	if v.a == 1 {
		en = entry{}
	}
	e.ins(x86.AMOVQ, mem(rST, offLB), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), mem(rSP, 8))
	e.ins(x86.AMOVQ, mem(rST, offBudget), reg(rBud))
	e.ins(x86.AMOVQ, mem(rST, offSP), reg(rS0))
	if en.depth != 0 {
		e.ins(x86.ASUBQ, imm(int64(en.depth)), reg(rS0))
	}
	e.ins(x86.ASHLQ, imm(4), reg(rS0))
	e.ins(x86.AADDQ, mem(rST, offStackBase), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), reg(rDSP))
}

// call emits a call: the callee's row of the call table gives its entry
// (0: no native code, the interpreter makes the call) and the room it
// needs; the registers live across it are saved around it.
func (e *emitter) call(id vid, v *value) {
	ci := &e.f.calls[v.imm]
	stub := e.stubs[ci.exit]
	saves := e.a.liveAcross(e.a.pos[id])
	e.saveRegs(saves)
	// CX: the callee's row; a call of the function itself goes straight
	// to its entry (this code is there while it runs).
	self := e.selfCall(ci)
	target, push := -1, ci.push
	if self {
		target, push = e.f.selfTarget(ci)
	}
	if !self {
		e.ins(x86.AMOVQ, mem(rST, offCalls), reg(rS1))
		if ci.callee >= 0 {
			e.ins(x86.AADDQ, imm(int64(ci.callee)*callRow), reg(rS1))
		} else {
			d := e.gp(ci.dyn, rS0)
			e.ins(x86.ALEAQ, idx(d, d, 2, 0), reg(rS2)) // 3*index
			e.ins(x86.ALEAQ, idx(rS1, rS2, 8, 0), reg(rS1))
		}
		e.ins(x86.ACMPQ, mem(rS1, 0), imm(0))
		e.jmp(x86.AJEQ, stub)
	}
	// Room: data stack, locals, native stack (as the interpreter checks
	// before it makes a frame). AX: the callee's locals index.
	if ci.callee >= 0 {
		e.ins(x86.ALEAQ, mem(rDSP, int64(ci.base+push)*16), reg(rS2))
	} else {
		e.ins(x86.ALEAQ, mem(rDSP, int64(ci.base)*16), reg(rS2))
		e.ins(x86.AADDQ, mem(rS1, 8), reg(rS2))
	}
	e.ins(x86.ACMPQ, reg(rS2), mem(rST, offStackLast))
	e.jmp(x86.AJHI, stub)
	e.ins(x86.AMOVQ, mem(rSP, 8), reg(rS0))
	if ci.nloc != 0 {
		e.ins(x86.AADDQ, imm(int64(ci.nloc)), reg(rS0))
	}
	switch {
	case ci.callee < 0:
		e.ins(x86.AMOVQ, reg(rS0), reg(rS2))
		e.ins(x86.AADDQ, mem(rS1, 16), reg(rS2))
		e.ins(x86.ACMPQ, reg(rS2), mem(rST, offLocalsLen))
		e.jmp(x86.AJHI, stub)
	case ci.cloc > 0:
		e.ins(x86.ALEAQ, mem(rS0, int64(ci.cloc)), reg(rS2))
		e.ins(x86.ACMPQ, reg(rS2), mem(rST, offLocalsLen))
		e.jmp(x86.AJHI, stub)
	}
	e.ins(x86.ALEAQ, mem(rSP, -maxFrame), reg(rS2))
	e.ins(x86.ACMPQ, reg(rS2), mem(rST, offPriv(privLimit)))
	e.jmp(x86.AJCS, stub)
	e.argReg(v.a, ci.base)
	if ci.base != 0 {
		e.ins(x86.AADDQ, imm(int64(ci.base)*16), reg(rDSP))
	}
	if self {
		e.callLabel(e.labels[target])
	} else {
		e.ins(obj.ACALL, obj.Addr{}, mem(rS1, 0))
	}
	e.returned(ci.pc)
	// Back: DSP is the callee's top: the caller's new base, or (the
	// callee's effect known) a known distance above the caller's.
	if !ci.rebase && ci.after != 0 {
		e.ins(x86.AADDQ, imm(-int64(ci.after)*16), reg(rDSP))
	}
	e.restoreRegs(saves)
}

// callLabel emits a CALL rel32 to label to. golang-asm's amd64 CALL takes
// a symbol, not a label: the instruction goes in as bytes, and fixCalls
// writes its displacement once the code is laid out.
func (e *emitter) callLabel(to *obj.Prog) {
	at := e.ins(x86.ABYTE, imm(0xe8), obj.Addr{})
	e.ins(x86.ALONG, imm(0), obj.Addr{})
	e.calls = append(e.calls, labelCall{at, to})
}

// fixCalls writes the displacements of callLabel's calls into code.
func (e *emitter) fixCalls(code []byte) {
	for _, c := range e.calls {
		rel := c.to.Pc - (c.at.Pc + 5)
		binary.LittleEndian.PutUint32(code[c.at.Pc+1:], uint32(int32(rel)))
	}
}

// argReg puts payload p of the callee's top slot, at position pos, in
// the argument register: from memory when p is 0.
func (e *emitter) argReg(p vid, pos int) {
	if p == 0 {
		e.ins(x86.AMOVQ, mem(rDSP, int64(pos)*16+8), reg(rArgP))
		return
	}
	e.intoGP(p, rArgP)
}

// returnRegs puts the top slot, kind k and payload p (0: memory's), in
// the return registers.
func (e *emitter) returnRegs(k, p vid) {
	if k == 0 {
		e.ins(x86.AMOVBQZX, mem(rDSP, 0), reg(rRetK))
		e.ins(x86.AMOVQ, mem(rDSP, 8), reg(rRetP))
		return
	}
	e.intoGP(k, rRetK)
	e.intoGP(p, rRetP)
}

// intoGP puts v in general register r: a float's bits, a constant, or an
// int from wherever it lives.
func (e *emitter) intoGP(v vid, r int16) {
	switch {
	case e.f.values[v].typ != tFloat:
		if g := e.gp(v, r); g != r {
			e.ins(x86.AMOVQ, reg(g), reg(r))
		}
	case e.a.loc[v].kind == lConst:
		e.movConst(e.f.values[v].imm, r)
	default:
		e.ins(x86.AMOVQ, reg(e.fp(v, rF0)), reg(r))
	}
}

// test sets the flags of int a & constant b.
func (e *emitter) test(a, b vid) {
	c, _ := e.f.isConst(b)
	e.ins(x86.ATESTQ, imm(c), reg(e.gp(a, rS0)))
}

// terminate emits a block's end; next is the block laid out after it.
func (e *emitter) terminate(blk *block, next int) {
	t := &blk.term
	switch t.kind {
	case tkJump:
		e.moves(blk.id, t.succ[0], t.args[0])
		if t.succ[0] != next {
			e.jmp(obj.AJMP, e.labels[t.succ[0]])
		}
	case tkBranch:
		if len(t.args[0]) > 0 || len(t.args[1]) > 0 {
			panic("jit: a branch with arguments")
		}
		yes, no := t.succ[0], t.succ[1]
		if t.float {
			e.fcmp(t.a, t.b, t.cond)
			if yes == next {
				e.fnotjump(t.cond, e.labels[no])
				return
			}
			e.fjump(t.cond, e.labels[yes])
		} else {
			if t.test {
				e.test(t.a, t.b)
			} else {
				e.cmp(t.a, t.b)
			}
			if yes == next {
				e.jmp(ccJump[t.cond.negate()], e.labels[no])
				return
			}
			e.jmp(ccJump[t.cond], e.labels[yes])
		}
		if no != next {
			e.jmp(obj.AJMP, e.labels[no])
		}
	case tkReturn:
		if t.regs && !t.held {
			e.returnRegs(t.a, t.b)
		}
		e.ins(x86.AADDQ, imm(int64(e.fr.size)), reg(rSP))
		e.ins(obj.ARET, obj.Addr{}, obj.Addr{})
	case tkExit:
		e.jmp(obj.AJMP, e.stubs[t.exit])
	default:
		panic("jit: a block without an end")
	}
}

// move emits one move between locations (through AX or X15 between two
// slots).
func (e *emitter) move(m move) {
	slot := e.memAt
	if m.float {
		switch {
		case m.src.kind == lConst:
			e.movConst(e.f.values[m.v].imm, rS0)
			if m.dst.kind == lReg {
				e.ins(x86.AMOVQ, reg(rS0), reg(m.dst.reg))
			} else {
				e.ins(x86.AMOVQ, reg(rS0), slot(m.dst))
			}
		case m.src.inMemory() && m.dst.kind == lStack:
			e.ins(x86.AMOVSD, slot(m.src), reg(rF0))
			e.ins(x86.AMOVSD, reg(rF0), slot(m.dst))
		case m.src.inMemory():
			e.ins(x86.AMOVSD, slot(m.src), reg(m.dst.reg))
		case m.dst.kind == lStack:
			e.ins(x86.AMOVSD, reg(m.src.reg), slot(m.dst))
		default:
			e.ins(x86.AMOVSD, reg(m.src.reg), reg(m.dst.reg))
		}
		return
	}
	switch {
	case m.src.kind == lConst:
		c := e.f.values[m.v].imm
		if m.dst.kind == lReg {
			e.movConst(c, m.dst.reg)
		} else if fits32(c) {
			e.ins(x86.AMOVQ, imm(c), slot(m.dst))
		} else {
			e.movConst(c, rS0)
			e.ins(x86.AMOVQ, reg(rS0), slot(m.dst))
		}
	case m.src.inMemory() && m.dst.kind == lStack:
		e.ins(x86.AMOVQ, slot(m.src), reg(rS0))
		e.ins(x86.AMOVQ, reg(rS0), slot(m.dst))
	case m.src.inMemory():
		e.ins(x86.AMOVQ, slot(m.src), reg(m.dst.reg))
	case m.dst.kind == lStack:
		e.ins(x86.AMOVQ, reg(m.src.reg), slot(m.dst))
	default:
		e.ins(x86.AMOVQ, reg(m.src.reg), reg(m.dst.reg))
	}
}

// deoptStubs emits the exits through the table: deopt saves every value
// register in the NativeState (Go reads them there), the stack base and
// the locals' index; resumeAll is where a parked run comes back, with
// them restored.
func (e *emitter) deoptStubs() {
	e.place(e.deopt)
	for i, r := range archGPRs {
		e.ins(x86.AMOVQ, reg(r), mem(rST, offRegs+int64(8*i)))
	}
	for i, r := range archFPRs {
		e.ins(x86.AMOVSD, reg(r), mem(rST, offRegs+int64(8*(len(archGPRs)+i))))
	}
	e.ins(x86.AMOVQ, reg(rDSP), reg(rS0))
	e.ins(x86.ASUBQ, mem(rST, offStackBase), reg(rS0))
	e.ins(x86.ASARQ, imm(4), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), mem(rST, offBase))
	e.ins(x86.AMOVQ, mem(rSP, 8), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), mem(rST, offLB))
	e.ins(x86.AMOVQ, imm(0), mem(rST, offExit))
	e.jmp(obj.AJMP, e.common)
	e.place(e.resumeAll)
	e.ins(x86.APOPQ, obj.Addr{}, mem(rST, offPriv(privRet)))
	e.ins(x86.AMOVQ, mem(rST, offPriv(privNativeSP)), reg(rSP))
	e.ins(x86.AMOVQ, mem(rST, offBudget), reg(rBud))
	e.ins(x86.AMOVQ, mem(rST, offBase), reg(rS0))
	e.ins(x86.ASHLQ, imm(4), reg(rS0))
	e.ins(x86.AADDQ, mem(rST, offStackBase), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), reg(rDSP))
	for i, r := range archGPRs {
		e.ins(x86.AMOVQ, mem(rST, offRegs+int64(8*i)), reg(r))
	}
	for i, r := range archFPRs {
		e.ins(x86.AMOVSD, mem(rST, offRegs+int64(8*(len(archGPRs)+i))), reg(r))
	}
	e.ins(obj.AJMP, obj.Addr{}, mem(rST, offPriv(privBack)))
}

// commonExit ends a function's code: every stub jumps here, and it goes
// on to the glue's common exit with the function's code id.
func (e *emitter) commonExit() {
	e.ins(x86.AMOVQ, imm(int64(e.c.id)), mem(rST, offPriv(privCode)))
	e.ins(obj.AJMP, obj.Addr{}, mem(rST, offPriv(privExit)))
}

// stub emits exit x's stub: the values it writes back, the NativeState
// fields, and the jump to the common exit. An exit that comes back
// saves the registers first, and gets a resume: the trampoline enters
// there, and it restores them and goes back.
func (e *emitter) stub(x int) {
	info := &e.f.exits[x]
	e.place(e.stubs[x])
	if tableExit(info) {
		// Go writes back what this exit leaves, from the table.
		e.ins(x86.AMOVQ, imm(int64(x)), mem(rST, offSite))
		e.jmp(obj.AJMP, e.deopt)
		return
	}
	comes := info.kind == interp.ExitStep || info.kind == interp.ExitRelease || info.kind == interp.ExitFuel
	if info.kind == interp.ExitRelease {
		// Onto the list of frees, while it has room.
		full := e.label()
		e.ins(x86.AMOVQ, mem(rST, offNFree), reg(rS2))
		e.ins(x86.ACMPQ, reg(rS2), imm(interp.MaxFrees))
		e.jmp(x86.AJCC, full)
		e.ins(x86.ASHLQ, imm(4), reg(rS2))
		e.ins(x86.AMOVQ, reg(e.gp(info.auxV[0], rS0)), idx(rST, rS2, 1, offFree))
		e.ins(x86.AMOVQ, reg(e.gp(info.auxV[1], rS0)), idx(rST, rS2, 1, offFree+8))
		e.ins(x86.AINCQ, obj.Addr{}, mem(rST, offNFree))
		e.jmp(obj.AJMP, e.back[x])
		e.place(full)
	}
	if comes {
		e.saveRegs(e.saves[x])
	}
	lp := false
	for _, s := range info.stores {
		if s.local {
			if !lp {
				e.localsBase(rS2)
				lp = true
			}
			e.storeValue(rS2, int64(s.idx)*16, s.k, s.p)
		} else {
			e.storeValue(rDSP, int64(s.idx)*16, s.k, s.p)
		}
	}
	for _, r := range info.retains {
		e.retain(r[0], r[1])
	}
	set := func(off, v int64) { e.ins(x86.AMOVQ, imm(v), mem(rST, off)) }
	set(offExit, int64(info.kind))
	set(offWhy, int64(info.why))
	set(offSite, int64(x))
	set(offPC, int64(info.pc))
	set(offFn, e.fnIdx)
	e.ins(x86.AMOVQ, reg(rDSP), reg(rS0))
	e.ins(x86.ASUBQ, mem(rST, offStackBase), reg(rS0))
	e.ins(x86.ASARQ, imm(4), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), mem(rST, offBase))
	if info.top != 0 {
		e.ins(x86.AADDQ, imm(int64(info.top)), reg(rS0))
	}
	e.ins(x86.AMOVQ, reg(rS0), mem(rST, offSP))
	e.ins(x86.AMOVQ, mem(rSP, 8), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), mem(rST, offLB))
	if info.guard != 0 {
		e.ins(x86.AMOVQ, reg(e.gp(info.guard, rS0)), mem(rST, offAuxK))
	}
	if info.auxV[0] != 0 {
		e.ins(x86.AMOVQ, reg(e.gp(info.auxV[0], rS0)), mem(rST, offAuxK))
	}
	if info.auxV[1] != 0 {
		e.ins(x86.AMOVQ, reg(e.gp(info.auxV[1], rS0)), mem(rST, offAux))
	} else if info.aux != 0 {
		e.movConst(info.aux, rS0)
		e.ins(x86.AMOVQ, reg(rS0), mem(rST, offAux))
	}
	e.jmp(obj.AJMP, e.common)
	if !comes {
		return
	}
	// The way back in.
	e.resume[x] = e.label()
	e.place(e.resume[x])
	e.ins(x86.APOPQ, obj.Addr{}, mem(rST, offPriv(privRet)))
	e.ins(x86.AMOVQ, mem(rST, offPriv(privNativeSP)), reg(rSP))
	e.ins(x86.AMOVQ, mem(rST, offBudget), reg(rBud))
	if info.rebase {
		e.ins(x86.AMOVQ, mem(rST, offSP), reg(rS0)) // a new region at the top
	} else {
		e.ins(x86.AMOVQ, mem(rST, offBase), reg(rS0))
	}
	e.ins(x86.ASHLQ, imm(4), reg(rS0))
	e.ins(x86.AADDQ, mem(rST, offStackBase), reg(rS0))
	e.ins(x86.AMOVQ, reg(rS0), reg(rDSP))
	e.restoreRegs(e.saves[x])
	// The counts the stub added for borrowed values it wrote back: the
	// values are in registers again, and memory's copies are stale.
	for _, r := range info.retains {
		e.unretain(r[0], r[1])
	}
	e.jmp(obj.AJMP, e.back[x])
}

// unretain takes back a count retain added (the object is not freed: its
// holder still has it).
func (e *emitter) unretain(k, p vid) {
	skip := e.label()
	if c, ok := e.f.isConst(k); ok {
		if gc.Kind(c) < gc.KStr {
			return
		}
	} else {
		e.ins(x86.ACMPQ, reg(e.gp(k, rS0)), imm(int64(gc.KStr)))
		e.jmp(x86.AJCS, skip)
	}
	e.ins(x86.AMOVQ, mem(rST, offRcs), reg(rS1))
	e.ins(x86.ADECL, obj.Addr{}, idx(rS1, e.gp(p, rS0), 4, 0))
	e.place(skip)
}
