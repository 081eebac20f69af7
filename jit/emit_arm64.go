package jit

// This file is the arm64 back end, the twin of emit_amd64.go: the same
// operations, frames and exits, in arm64 instructions.
//
// Register map (arm64):
//
//	R19  the NativeState
//	R20  DSP: the stack base of the current region (&stack[base])
//	R21  the reduction budget left
//	RSP  the native stack (the jit's own); R30 the return address, saved
//	     in each frame (the last slot)
//	R13-R17, F30 F31   scratch
//	R0-R12 R22-R25, F0-F29   values (regalloc.go)
//
// R18 (the platform's), R26 (Go's closure context), R27 (the assembler's
// temporary), R28 (Go's g) and R29 (the frame pointer) are never touched.
//
// golang-asm's arm64 operand order: OP Rm, Rn, Rd computes Rd = Rn op Rm
// (From, Reg, To); CMP Rm, Rn sets the flags of Rn - Rm; CSEL cond, Rn, Rm,
// Rd is Rd = cond ? Rn : Rm (Reg, then From3).

import (
	"fmt"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

const (
	rST  = arm64.REG_R19
	rDSP = arm64.REG_R20
	rBud = arm64.REG_R21
	rS0  = arm64.REG_R16
	rS1  = arm64.REG_R17
	rS2  = arm64.REG_R15
	rS3  = arm64.REG_R14
	rS4  = arm64.REG_R13
	rF0  = arm64.REG_F30
	rF1  = arm64.REG_F31
	rSP  = arm64.REG_RSP
	rLR  = arm64.REG_R30

	rMoveGP = rS2 // the scratch registers of parallel moves
	rMoveFP = rF1

	rRetK = rS1 // the top slot a native call returns with (see tkReturn)
	rRetP = rS2
	rArgP = rS2 // the payload of the top slot a native call passes (see opArgP)
)

var (
	archGPRs = []int16{arm64.REG_R0, arm64.REG_R1, arm64.REG_R2, arm64.REG_R3, arm64.REG_R4, arm64.REG_R5, arm64.REG_R6,
		arm64.REG_R7, arm64.REG_R8, arm64.REG_R9, arm64.REG_R10, arm64.REG_R11, arm64.REG_R12,
		arm64.REG_R22, arm64.REG_R23, arm64.REG_R24, arm64.REG_R25}
	archFPRs = func() []int16 {
		var r []int16
		for i := int16(0); i < 30; i++ {
			r = append(r, arm64.REG_F0+i)
		}
		return r
	}()
	archName = "arm64"
	archLR   = true // the return address is saved in the frame
)

// retAddrSize is what a call puts between the caller's frame and the
// callee's: nothing (BL leaves it in R30).
const retAddrSize = 0

// ins3 adds OP from, r, to.
func (e *emitter) ins3(as obj.As, from obj.Addr, r int16, to obj.Addr) *obj.Prog {
	p := e.ins(as, from, to)
	p.Reg = r
	return p
}

// cond codes of arm64, for the int conditions, and for float ones after
// FCMPD (false when unordered, but for ne).
var ccInt = [...]int16{cEq: arm64.COND_EQ, cNe: arm64.COND_NE, cLt: arm64.COND_LT, cLe: arm64.COND_LE, cGt: arm64.COND_GT,
	cGe: arm64.COND_GE, cLtU: arm64.COND_LO, cLeU: arm64.COND_LS, cGtU: arm64.COND_HI, cGeU: arm64.COND_HS}
var ccFloat = [...]int16{cEq: arm64.COND_EQ, cNe: arm64.COND_NE, cLt: arm64.COND_MI, cLe: arm64.COND_LS, cGt: arm64.COND_GT, cGe: arm64.COND_GE}

// Branches taken on a condition code; the negation of a float condition
// (cond ^ 1) also holds when unordered.
var ccBranch = map[int16]obj.As{arm64.COND_EQ: arm64.ABEQ, arm64.COND_NE: arm64.ABNE, arm64.COND_LT: arm64.ABLT, arm64.COND_LE: arm64.ABLE,
	arm64.COND_GT: arm64.ABGT, arm64.COND_GE: arm64.ABGE, arm64.COND_LO: arm64.ABLO, arm64.COND_LS: arm64.ABLS, arm64.COND_HI: arm64.ABHI,
	arm64.COND_HS: arm64.ABHS, arm64.COND_MI: arm64.ABMI, arm64.COND_PL: arm64.ABPL}

func invertCC(c int16) int16 { return arm64.COND_EQ + (c - arm64.COND_EQ) ^ 1 }

func fits12(v int64) bool { return v >= 0 && v < 4096 }

// small returns the operand of a small immediate: golang-asm encodes $0 as
// register 0 in some forms, so zero is ZR.
func small(c int64) obj.Addr {
	if c == 0 {
		return reg(arm64.REGZERO)
	}
	return imm(c)
}

// gp returns a register holding int value v, loading it into scratch s
// when it is a constant or spilled.
func (e *emitter) gp(v vid, s int16) int16 {
	l := e.a.loc[v]
	switch l.kind {
	case lReg:
		return l.reg
	case lStack, lState:
		e.ins(arm64.AMOVD, e.memAt(l), reg(s))
	default:
		e.movConst(e.f.values[v].imm, s)
	}
	return s
}

func (e *emitter) movConst(c int64, r int16) { e.ins(arm64.AMOVD, imm(c), reg(r)) }

// fp returns a float register holding float value v.
func (e *emitter) fp(v vid, s int16) int16 {
	l := e.a.loc[v]
	switch l.kind {
	case lReg:
		return l.reg
	case lStack:
		e.ins(arm64.AFMOVD, mem(rSP, e.fr.spillOff(l.off)), reg(s))
	default:
		e.movConst(e.f.values[v].imm, rS0)
		e.ins(arm64.AFMOVD, reg(rS0), reg(s))
	}
	return s
}

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
		e.ins(arm64.AFMOVD, reg(r), mem(rSP, e.fr.spillOff(l.off)))
	} else {
		e.ins(arm64.AMOVD, reg(r), mem(rSP, e.fr.spillOff(l.off)))
	}
}

// assembleGlue emits the entry thunk and the common exit (see the amd64
// back end).
func assembleGlue() (code []byte, exit int, err error) {
	b := newProgs()
	defer b.done()
	e := &emitter{b: b}
	first := e.label()
	var errs []string
	first.Ctxt.DiagFunc = func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	e.place(first)
	e.ins(arm64.AMOVD, reg(rLR), mem(rST, offPriv(privRet)))
	e.ins(arm64.AMOVD, reg(rSP), reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offPriv(privEntrySP)))
	e.ins(arm64.AMOVD, reg(arm64.REGZERO), mem(rST, offPriv(privNativeSP))) // no exit yet (see common)
	e.ins(arm64.AMOVD, mem(rST, offPriv(privEntry)), reg(rS0))
	e.ins(obj.ACALL, obj.Addr{}, mem(rS0, 0))
	// The outermost frame returned: DSP is the top of the stack.
	e.ins(arm64.AMOVD, mem(rST, offStackBase), reg(rS1))
	e.ins3(arm64.ASUB, reg(rS1), rDSP, reg(rS0))
	e.ins3(arm64.AASR, imm(4), rS0, reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offSP))
	e.movConst(interp.ExitReturn, rS0)
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offExit))
	e.glueLeave(false)
	// The common exit: it returns to the trampoline or jumps there, as
	// the amd64 back end's says.
	common := e.label()
	e.place(common)
	e.glueLeave(true)
	code = b.Assemble()
	if len(errs) > 0 {
		return nil, 0, fmt.Errorf("jit: assembler: %s", errs[0])
	}
	return code, int(common.Pc), nil
}

// glueLeave goes back to the trampoline from native code's stack (see
// assembleGlue): by a return, or when check says so and the stack
// pointer is not the last exit's, by a jump.
func (e *emitter) glueLeave(check bool) {
	e.ins(arm64.AMOVD, reg(rSP), reg(rS0))
	if check {
		e.ins(arm64.AMOVD, mem(rST, offPriv(privNativeSP)), reg(rS1))
		e.ins3(arm64.ACMP, reg(rS1), rS0, obj.Addr{})
	}
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offPriv(privNativeSP)))
	e.ins(arm64.AMOVD, reg(rBud), mem(rST, offBudget))
	e.ins(arm64.AMOVD, mem(rST, offPriv(privRet)), reg(rS1))
	e.ins(arm64.AMOVD, mem(rST, offPriv(privGoSP)), reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), reg(rSP))
	var deep *obj.Prog
	if check {
		deep = e.label()
		e.jmp(arm64.ABNE, deep)
	}
	e.ins(arm64.AMOVD, reg(rS1), reg(rLR))
	e.ins(obj.ARET, obj.Addr{}, reg(rLR))
	if check {
		e.place(deep)
		e.ins(obj.AJMP, obj.Addr{}, mem(rS1, 0))
	}
}

// cmp compares ints a and b (flags of a - b).
func (e *emitter) cmp(a, b vid) {
	ra := e.gp(a, rS0)
	if c, ok := e.f.isConst(b); ok && fits12(c) {
		e.ins3(arm64.ACMP, small(c), ra, obj.Addr{})
		return
	}
	e.ins3(arm64.ACMP, reg(e.gp(b, rS1)), ra, obj.Addr{})
}

// fcmp sets the flags of floats a and b.
func (e *emitter) fcmp(a, b vid, c cond) {
	e.ins3(arm64.AFCMPD, reg(e.fp(b, rF1)), e.fp(a, rF0), obj.Addr{})
}

func (e *emitter) fjump(c cond, to *obj.Prog) { e.jmp(ccBranch[ccFloat[c]], to) }

func (e *emitter) fnotjump(c cond, to *obj.Prog) {
	cc := ccFloat[c]
	switch c {
	case cLt:
		e.jmp(arm64.ABPL, to)
	case cLe:
		e.jmp(arm64.ABHI, to)
	case cGt:
		e.jmp(arm64.ABLE, to)
	case cGe:
		e.jmp(arm64.ABLT, to)
	default:
		e.jmp(ccBranch[invertCC(cc)], to)
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
		e.ins(arm64.AMOVBU, mem(rDSP, v.imm*16), reg(r))
		e.done(id, r)
	case opLoadP:
		if v.typ == tFloat {
			r := e.dst(id, rF0)
			e.ins(arm64.AFMOVD, mem(rDSP, v.imm*16+8), reg(r))
			e.done(id, r)
		} else {
			r := e.dst(id, rS0)
			e.ins(arm64.AMOVD, mem(rDSP, v.imm*16+8), reg(r))
			e.done(id, r)
		}
	case opStore:
		e.storeValue(rDSP, v.imm*16, v.a, v.b)
	case opLoadLK, opLoadLP:
		e.localsCached()
		switch {
		case v.op == opLoadLK:
			r := e.dst(id, rS0)
			e.ins(arm64.AMOVBU, mem(rS2, v.imm*16), reg(r))
			e.done(id, r)
		case v.typ == tFloat:
			r := e.dst(id, rF0)
			e.ins(arm64.AFMOVD, mem(rS2, v.imm*16+8), reg(r))
			e.done(id, r)
		default:
			r := e.dst(id, rS0)
			e.ins(arm64.AMOVD, mem(rS2, v.imm*16+8), reg(r))
			e.done(id, r)
		}
	case opStoreL:
		e.localsCached()
		e.storeValue(rS2, v.imm*16, v.a, v.b)
	case opState:
		if e.a.loc[id].kind == lReg {
			e.ins(arm64.AMOVD, mem(rST, v.imm), reg(e.a.loc[id].reg))
		}
	case opLoad:
		base := e.gp(v.a, rS1)
		if v.typ == tFloat {
			r := e.dst(id, rF0)
			e.ins(arm64.AFMOVD, mem(base, v.imm), reg(r))
			e.done(id, r)
			break
		}
		r := e.dst(id, rS0)
		as := map[int32]obj.As{1: arm64.AMOVBU, 4: arm64.AMOVWU, 8: arm64.AMOVD}[v.aux]
		e.ins(as, mem(base, v.imm), reg(r))
		e.done(id, r)
	case opStoreM:
		base := e.gp(v.a, rS1)
		if f.values[v.b].typ == tFloat {
			e.ins(arm64.AFMOVD, reg(e.fp(v.b, rF0)), mem(base, v.imm))
			break
		}
		as := map[int32]obj.As{1: arm64.AMOVB, 4: arm64.AMOVW, 8: arm64.AMOVD}[v.aux]
		e.ins(as, reg(e.gp(v.b, rS0)), mem(base, v.imm))
	case opDepth:
		r := e.dst(id, rS0)
		e.ins(arm64.AMOVD, mem(rST, offStackBase), reg(rS1))
		e.ins3(arm64.ASUB, reg(rS1), rDSP, reg(r))
		e.ins3(arm64.AASR, imm(4), r, reg(r))
		e.done(id, r)
	case opLocals:
		r := e.dst(id, rS0)
		e.ins(arm64.AMOVD, mem(rSP, 8), reg(r))
		e.done(id, r)
	case opAdd, opSub, opAnd, opOr, opXor, opMul:
		as := map[op]obj.As{opAdd: arm64.AADD, opSub: arm64.ASUB, opAnd: arm64.AAND, opOr: arm64.AORR, opXor: arm64.AEOR, opMul: arm64.AMUL}[v.op]
		r := e.dst(id, rS0)
		ra := e.gp(v.a, rS0)
		if c, ok := f.isConst(v.b); ok && fits12(c) && (v.op == opAdd || v.op == opSub) {
			e.ins3(as, small(c), ra, reg(r))
		} else {
			e.ins3(as, reg(e.gp(v.b, rS1)), ra, reg(r))
		}
		e.done(id, r)
	case opShl, opShr, opSar:
		as := map[op]obj.As{opShl: arm64.ALSL, opShr: arm64.ALSR, opSar: arm64.AASR}[v.op]
		r := e.dst(id, rS0)
		ra := e.gp(v.a, rS0)
		if c, ok := f.isConst(v.b); ok {
			e.ins3(as, small(c&63), ra, reg(r))
		} else {
			e.ins3(as, reg(e.gp(v.b, rS1)), ra, reg(r))
		}
		e.done(id, r)
	case opNeg, opNot:
		as := obj.As(arm64.ANEG)
		if v.op == opNot {
			as = arm64.AMVN
		}
		r := e.dst(id, rS0)
		e.ins(as, reg(e.gp(v.a, rS0)), reg(r))
		e.done(id, r)
	case opDiv, opMod:
		r := e.dst(id, rS0)
		x, y := e.gp(v.a, rS0), e.gp(v.b, rS1)
		if v.op == opDiv {
			e.ins3(arm64.ASDIV, reg(y), x, reg(r))
			e.done(id, r)
			break
		}
		// x - (x/y)*y, floored: a remainder whose sign differs from the
		// divisor's gets the divisor added.
		e.ins3(arm64.ASDIV, reg(y), x, reg(rS2))
		p := e.ins3(arm64.AMSUB, reg(y), x, reg(rS2))
		p.SetFrom3(reg(rS2))
		done := e.label()
		e.ins3(arm64.ACMP, small(0), rS2, obj.Addr{})
		e.jmp(arm64.ABEQ, done)
		e.ins3(arm64.AEOR, reg(y), rS2, reg(rS3))
		e.ins3(arm64.ACMP, small(0), rS3, obj.Addr{})
		e.jmp(arm64.ABGE, done)
		e.ins3(arm64.AADD, reg(y), rS2, reg(rS2))
		e.place(done)
		e.ins(arm64.AMOVD, reg(rS2), reg(r))
		e.done(id, r)
	case opMin, opMax:
		r := e.dst(id, rS0)
		x, y := e.gp(v.a, rS0), e.gp(v.b, rS1)
		e.ins3(arm64.ACMP, reg(y), x, obj.Addr{})
		cc := int16(arm64.COND_LT)
		if v.op == opMax {
			cc = arm64.COND_GT
		}
		p := e.ins3(arm64.ACSEL, reg(cc), x, reg(r))
		p.SetFrom3(reg(y))
		e.done(id, r)
	case opFAdd, opFSub, opFMul, opFDiv:
		as := map[op]obj.As{opFAdd: arm64.AFADDD, opFSub: arm64.AFSUBD, opFMul: arm64.AFMULD, opFDiv: arm64.AFDIVD}[v.op]
		r := e.dst(id, rF0)
		e.ins3(as, reg(e.fp(v.b, rF1)), e.fp(v.a, rF0), reg(r))
		e.done(id, r)
	case opFNeg, opFAbs, opFSqrt:
		as := map[op]obj.As{opFNeg: arm64.AFNEGD, opFAbs: arm64.AFABSD, opFSqrt: arm64.AFSQRTD}[v.op]
		r := e.dst(id, rF0)
		e.ins(as, reg(e.fp(v.a, rF0)), reg(r))
		e.done(id, r)
	case opFMin, opFMax:
		// min: b < a ? b : a; max: a < b ? b : a (NaN: a).
		r := e.dst(id, rF0)
		x, y := e.fp(v.a, rF0), e.fp(v.b, rF1)
		if v.op == opFMin {
			e.ins3(arm64.AFCMPD, reg(x), y, obj.Addr{}) // y < x?
		} else {
			e.ins3(arm64.AFCMPD, reg(y), x, obj.Addr{}) // x < y?
		}
		if r != x {
			e.ins(arm64.AFMOVD, reg(x), reg(r))
		}
		skip := e.label()
		e.jmp(arm64.ABPL, skip)
		e.ins(arm64.AFMOVD, reg(y), reg(r))
		e.place(skip)
		e.done(id, r)
	case opIToF:
		r := e.dst(id, rF0)
		e.ins(arm64.ASCVTFD, reg(e.gp(v.a, rS0)), reg(r))
		e.done(id, r)
	case opFToI:
		r := e.dst(id, rS0)
		e.ins(arm64.AFCVTZSD, reg(e.fp(v.a, rF0)), reg(r))
		e.done(id, r)
	case opBitsF:
		r := e.dst(id, rF0)
		e.ins(arm64.AFMOVD, reg(e.gp(v.a, rS0)), reg(r))
		e.done(id, r)
	case opFBits:
		r := e.dst(id, rS0)
		e.ins(arm64.AFMOVD, reg(e.fp(v.a, rF0)), reg(r))
		e.done(id, r)
	case opCmp:
		r := e.dst(id, rS2)
		e.cmp(v.a, v.b)
		e.ins(arm64.ACSET, reg(ccInt[v.aux]), reg(r))
		e.done(id, r)
	case opFCmp:
		r := e.dst(id, rS2)
		e.fcmp(v.a, v.b, cond(v.aux))
		e.ins(arm64.ACSET, reg(ccFloat[v.aux]), reg(r))
		e.done(id, r)
	case opSel:
		r := e.dst(id, rS2)
		t := e.gp(v.a, rS0)
		e.ins3(arm64.ACMP, small(0), t, obj.Addr{})
		y, z := e.gp(v.b, rS1), e.gp(v.c, rS3)
		p := e.ins3(arm64.ACSEL, reg(arm64.COND_NE), y, reg(r))
		p.SetFrom3(reg(z))
		e.done(id, r)
	case opCheck:
		e.cmp(v.a, v.b)
		e.jmp(ccBranch[ccInt[cond(v.aux).negate()]], e.stubs[v.imm])
	case opCharge:
		// The budget spent: an exit that may come back (a parked run).
		e.ins3(arm64.ASUBS, imm(1), rBud, reg(rBud))
		e.jmp(arm64.ABLE, e.stubs[v.imm])
		e.back[v.imm] = e.label()
		e.place(e.back[v.imm])
		e.saves[v.imm] = e.a.liveAcross(e.a.pos[id])
	case opRegionCheck:
		r := f.regions[v.aux]
		if r.min <= 0 {
			// The stack holds slot min: DSP + 16*min >= &stack[1].
			e.addImm(rDSP, int64(r.min)*16, rS0)
			e.ins(arm64.AMOVD, mem(rST, offStackBase), reg(rS1))
			e.ins3(arm64.AADD, imm(16), rS1, reg(rS1))
			e.ins3(arm64.ACMP, reg(rS1), rS0, obj.Addr{})
			e.jmp(arm64.ABLO, e.stubs[uint32(v.imm)])
		}
		if known := int(v.imm>>32) - 1; r.max > 0 && r.max > known {
			e.addImm(rDSP, int64(r.max)*16, rS0)
			e.ins(arm64.AMOVD, mem(rST, offStackLast), reg(rS1))
			e.ins3(arm64.ACMP, reg(rS1), rS0, obj.Addr{})
			e.jmp(arm64.ABHI, e.stubs[uint32(v.imm)])
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
		e.addImm(rDSP, v.imm*16, rDSP)
	case opCallK, opCallP, opArgP:
		from := int16(rRetK)
		if v.op == opCallP {
			from = rRetP
		} else if v.op == opArgP {
			from = rArgP
		}
		r := e.dst(id, rS0)
		e.ins(arm64.AMOVD, reg(from), reg(r))
		e.done(id, r)
	default:
		panic("jit: arm64: no code for " + opNames[v.op])
	}
}

// addImm sets d = r + c.
func (e *emitter) addImm(r int16, c int64, d int16) {
	switch {
	case c == 0:
		if r != d {
			e.ins(arm64.AMOVD, reg(r), reg(d))
		}
	case c >= 0 && fits12(c):
		e.ins3(arm64.AADD, imm(c), r, reg(d))
	case c < 0 && fits12(-c):
		e.ins3(arm64.ASUB, imm(-c), r, reg(d))
	default:
		e.movConst(c, rS4)
		e.ins3(arm64.AADD, reg(rS4), r, reg(d))
	}
}

// storeValue stores a Raft value (kind k, payload p) at off(base): the
// kind as a whole word, so that the padding is 0.
func (e *emitter) storeValue(base int16, off int64, k, p vid) {
	e.ins(arm64.AMOVD, reg(e.gp(k, rS0)), mem(base, off))
	if e.f.values[p].typ == tFloat && e.a.loc[p].kind != lConst {
		e.ins(arm64.AFMOVD, reg(e.fp(p, rF0)), mem(base, off+8))
		return
	}
	e.ins(arm64.AMOVD, reg(e.gp(p, rS0)), mem(base, off+8))
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
	e.ins(arm64.AMOVD, mem(rSP, 8), reg(r))
	e.ins3(arm64.ALSL, imm(4), r, reg(r))
	e.ins(arm64.AMOVD, mem(rST, offLocalsBase), reg(rS4))
	e.ins3(arm64.AADD, reg(rS4), r, reg(r))
}

// rcSlot puts the address of the count of payload p in rS1.
func (e *emitter) rcSlot(p vid) {
	e.ins(arm64.AMOVD, mem(rST, offRcs), reg(rS1))
	e.ins3(arm64.ALSL, imm(2), e.gp(p, rS0), reg(rS0))
	e.ins3(arm64.AADD, reg(rS0), rS1, reg(rS1))
}

// retain counts one more reference to (k, p) if it is a heap value.
func (e *emitter) retain(k, p vid) {
	skip := e.label()
	if c, ok := e.f.isConst(k); ok {
		if gc.Kind(c) < gc.KStr {
			return
		}
	} else {
		e.ins3(arm64.ACMP, imm(int64(gc.KStr)), e.gp(k, rS0), obj.Addr{})
		e.jmp(arm64.ABLO, skip)
	}
	e.rcSlot(p)
	e.ins(arm64.AMOVWU, mem(rS1, 0), reg(rS0))
	e.ins3(arm64.AADD, imm(1), rS0, reg(rS0))
	e.ins(arm64.AMOVW, reg(rS0), mem(rS1, 0))
	e.place(skip)
}

// release drops a reference to (k, p); the last one is freed by Go.
func (e *emitter) release(id vid, v *value) {
	skip := e.label()
	if c, ok := e.f.isConst(v.a); ok {
		if gc.Kind(c) < gc.KStr {
			return
		}
	} else {
		e.ins3(arm64.ACMP, imm(int64(gc.KStr)), e.gp(v.a, rS0), obj.Addr{})
		e.jmp(arm64.ABLO, skip)
	}
	e.rcSlot(v.b)
	e.ins(arm64.AMOVWU, mem(rS1, 0), reg(rS0))
	e.ins3(arm64.ACMP, imm(1), rS0, obj.Addr{})
	x := int(v.imm)
	e.jmp(arm64.ABLS, e.stubs[x])
	e.ins3(arm64.ASUB, imm(1), rS0, reg(rS0))
	e.ins(arm64.AMOVW, reg(rS0), mem(rS1, 0))
	e.place(skip)
	e.back[x] = skip
	e.saves[x] = e.a.liveAcross(e.a.pos[id])
}

// comeBack emits a step (see the amd64 back end).
func (e *emitter) comeBack(id vid, x int) {
	e.jmp(arm64.AB, e.stubs[x])
	e.back[x] = e.label()
	e.place(e.back[x])
	e.saves[x] = e.a.liveAcross(e.a.pos[id])
}

func (e *emitter) saveRegs(vs []vid) {
	for _, v := range vs {
		r := e.a.loc[v].reg
		as := obj.As(arm64.AMOVD)
		if e.f.values[v].typ == tFloat {
			as = arm64.AFMOVD
		}
		e.ins(as, reg(r), mem(rSP, int64(e.fr.save[r])))
	}
}

func (e *emitter) restoreRegs(vs []vid) {
	for _, v := range vs {
		r := e.a.loc[v].reg
		as := obj.As(arm64.AMOVD)
		if e.f.values[v].typ == tFloat {
			as = arm64.AFMOVD
		}
		e.ins(as, mem(rSP, int64(e.fr.save[r])), reg(r))
	}
}

// prologue emits an entry block's start: the frame (with the return
// address), and for an entry from the interpreter the registers from the
// NativeState.
func (e *emitter) prologue(v *value) {
	e.addImm(rSP, -int64(e.fr.size), rSP)
	e.ins(arm64.AMOVD, reg(rLR), mem(rSP, int64(e.fr.lr)))
	if v.a == 0 { // a native call: the locals' index comes in S0
		e.ins(arm64.AMOVD, reg(rS0), mem(rSP, 8))
		return
	}
	en := e.f.entries[v.imm]
	if v.a == 1 {
		en = entry{}
	}
	e.ins(arm64.AMOVD, mem(rST, offLB), reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), mem(rSP, 8))
	e.ins(arm64.AMOVD, mem(rST, offBudget), reg(rBud))
	e.ins(arm64.AMOVD, mem(rST, offSP), reg(rS0))
	if en.depth != 0 {
		e.addImm(rS0, -int64(en.depth), rS0)
	}
	e.ins3(arm64.ALSL, imm(4), rS0, reg(rS0))
	e.ins(arm64.AMOVD, mem(rST, offStackBase), reg(rS1))
	e.ins3(arm64.AADD, reg(rS1), rS0, reg(rDSP))
}

// call emits a call (see the amd64 back end); the callee's entry is in
// S3, the locals' index it gets in S0.
func (e *emitter) call(id vid, v *value) {
	ci := &e.f.calls[v.imm]
	stub := e.stubs[ci.exit]
	saves := e.a.liveAcross(e.a.pos[id])
	e.saveRegs(saves)
	self := e.selfCall(ci)
	target, push := -1, ci.push
	if self {
		target, push = e.f.selfTarget(ci)
	}
	if !self {
		e.ins(arm64.AMOVD, mem(rST, offCalls), reg(rS1))
		if ci.callee >= 0 {
			e.addImm(rS1, int64(ci.callee)*callRow, rS1)
		} else {
			d := e.gp(ci.dyn, rS0)
			e.movConst(callRow, rS2)
			e.ins3(arm64.AMUL, reg(rS2), d, reg(rS2))
			e.ins3(arm64.AADD, reg(rS2), rS1, reg(rS1))
		}
		e.ins(arm64.AMOVD, mem(rS1, 0), reg(rS3))
		e.ins3(arm64.ACMP, small(0), rS3, obj.Addr{})
		e.jmp(arm64.ABEQ, stub)
	}
	// Room: data stack, locals, native stack. S0: the callee's locals index.
	if ci.callee >= 0 {
		e.addImm(rDSP, int64(ci.base+push)*16, rS2)
	} else {
		e.addImm(rDSP, int64(ci.base)*16, rS2)
		e.ins(arm64.AMOVD, mem(rS1, 8), reg(rS0))
		e.ins3(arm64.AADD, reg(rS0), rS2, reg(rS2))
	}
	e.ins(arm64.AMOVD, mem(rST, offStackLast), reg(rS4))
	e.ins3(arm64.ACMP, reg(rS4), rS2, obj.Addr{})
	e.jmp(arm64.ABHI, stub)
	e.ins(arm64.AMOVD, mem(rSP, 8), reg(rS0))
	e.addImm(rS0, int64(ci.nloc), rS0)
	if ci.callee < 0 || ci.cloc > 0 {
		if ci.callee < 0 {
			e.ins(arm64.AMOVD, mem(rS1, 16), reg(rS2))
			e.ins3(arm64.AADD, reg(rS0), rS2, reg(rS2))
		} else {
			e.addImm(rS0, int64(ci.cloc), rS2)
		}
		e.ins(arm64.AMOVD, mem(rST, offLocalsLen), reg(rS4))
		e.ins3(arm64.ACMP, reg(rS4), rS2, obj.Addr{})
		e.jmp(arm64.ABHI, stub)
	}
	e.addImm(rSP, -maxFrame, rS2)
	e.ins(arm64.AMOVD, mem(rST, offPriv(privLimit)), reg(rS4))
	e.ins3(arm64.ACMP, reg(rS4), rS2, obj.Addr{})
	e.jmp(arm64.ABLO, stub)
	e.argReg(v.a, ci.base)
	if ci.base != 0 {
		e.addImm(rDSP, int64(ci.base)*16, rDSP)
	}
	if self {
		e.jmp(arm64.ABL, e.labels[target])
	} else {
		e.ins(obj.ACALL, obj.Addr{}, mem(rS3, 0))
	}
	e.returned(ci.pc)
	if !ci.rebase && ci.after != 0 {
		e.addImm(rDSP, -int64(ci.after)*16, rDSP)
	}
	e.restoreRegs(saves)
}

// fixCalls has nothing to do on arm64: a BL to a label is assembled
// as it is.
func (e *emitter) fixCalls(code []byte) {}

// argReg puts payload p of the callee's top slot, at position pos, in
// the argument register: from memory when p is 0.
func (e *emitter) argReg(p vid, pos int) {
	if p == 0 {
		e.ins(arm64.AMOVD, mem(rDSP, int64(pos)*16+8), reg(rArgP))
		return
	}
	e.intoGP(p, rArgP)
}

// returnRegs puts the top slot, kind k and payload p (0: memory's), in
// the return registers.
func (e *emitter) returnRegs(k, p vid) {
	if k == 0 {
		e.ins(arm64.AMOVBU, mem(rDSP, 0), reg(rRetK))
		e.ins(arm64.AMOVD, mem(rDSP, 8), reg(rRetP))
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
			e.ins(arm64.AMOVD, reg(g), reg(r))
		}
	case e.a.loc[v].kind == lConst:
		e.movConst(e.f.values[v].imm, r)
	default:
		e.ins(arm64.AFMOVD, reg(e.fp(v, rF0)), reg(r))
	}
}

// test sets the flags of int a & constant b.
func (e *emitter) test(a, b vid) {
	e.ins3(arm64.ATST, reg(e.gp(b, rS1)), e.gp(a, rS0), obj.Addr{})
}

// terminate emits a block's end; next is the block laid out after it.
func (e *emitter) terminate(blk *block, next int) {
	t := &blk.term
	switch t.kind {
	case tkJump:
		e.moves(blk.id, t.succ[0], t.args[0])
		if t.succ[0] != next {
			e.jmp(arm64.AB, e.labels[t.succ[0]])
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
				e.jmp(ccBranch[ccInt[t.cond.negate()]], e.labels[no])
				return
			}
			e.jmp(ccBranch[ccInt[t.cond]], e.labels[yes])
		}
		if no != next {
			e.jmp(arm64.AB, e.labels[no])
		}
	case tkReturn:
		if t.regs && !t.held {
			e.returnRegs(t.a, t.b)
		}
		e.ins(arm64.AMOVD, mem(rSP, int64(e.fr.lr)), reg(rLR))
		e.addImm(rSP, int64(e.fr.size), rSP)
		e.ins(obj.ARET, obj.Addr{}, reg(rLR))
	case tkExit:
		e.jmp(arm64.AB, e.stubs[t.exit])
	default:
		panic("jit: a block without an end")
	}
}

// move emits one move between locations.
func (e *emitter) move(m move) {
	slot := e.memAt
	as, tmp := obj.As(arm64.AMOVD), int16(rS0)
	if m.float {
		as, tmp = arm64.AFMOVD, rF0
	}
	switch {
	case m.src.kind == lConst:
		e.movConst(e.f.values[m.v].imm, rS0)
		if m.dst.kind == lReg {
			e.ins(as, reg(rS0), reg(m.dst.reg))
		} else {
			e.ins(arm64.AMOVD, reg(rS0), slot(m.dst))
		}
	case m.src.inMemory() && m.dst.kind == lStack:
		e.ins(as, slot(m.src), reg(tmp))
		e.ins(as, reg(tmp), slot(m.dst))
	case m.src.inMemory():
		e.ins(as, slot(m.src), reg(m.dst.reg))
	case m.dst.kind == lStack:
		e.ins(as, reg(m.src.reg), slot(m.dst))
	default:
		e.ins(as, reg(m.src.reg), reg(m.dst.reg))
	}
}

// deoptStubs emits the exits through the table (see the amd64 back end).
func (e *emitter) deoptStubs() {
	e.place(e.deopt)
	for i, r := range archGPRs {
		e.ins(arm64.AMOVD, reg(r), mem(rST, offRegs+int64(8*i)))
	}
	for i, r := range archFPRs {
		e.ins(arm64.AFMOVD, reg(r), mem(rST, offRegs+int64(8*(len(archGPRs)+i))))
	}
	e.ins(arm64.AMOVD, mem(rST, offStackBase), reg(rS1))
	e.ins3(arm64.ASUB, reg(rS1), rDSP, reg(rS0))
	e.ins3(arm64.AASR, imm(4), rS0, reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offBase))
	e.ins(arm64.AMOVD, mem(rSP, 8), reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offLB))
	e.movConst(0, rS0)
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offExit))
	e.jmp(arm64.AB, e.common)
	e.place(e.resumeAll)
	e.ins(arm64.AMOVD, reg(rLR), mem(rST, offPriv(privRet)))
	e.ins(arm64.AMOVD, mem(rST, offPriv(privNativeSP)), reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), reg(rSP))
	e.ins(arm64.AMOVD, mem(rST, offBudget), reg(rBud))
	e.ins(arm64.AMOVD, mem(rST, offBase), reg(rS0))
	e.ins3(arm64.ALSL, imm(4), rS0, reg(rS0))
	e.ins(arm64.AMOVD, mem(rST, offStackBase), reg(rS1))
	e.ins3(arm64.AADD, reg(rS1), rS0, reg(rDSP))
	for i, r := range archGPRs {
		e.ins(arm64.AMOVD, mem(rST, offRegs+int64(8*i)), reg(r))
	}
	for i, r := range archFPRs {
		e.ins(arm64.AFMOVD, mem(rST, offRegs+int64(8*(len(archGPRs)+i))), reg(r))
	}
	e.ins(arm64.AMOVD, mem(rST, offPriv(privBack)), reg(rS0))
	e.ins(obj.AJMP, obj.Addr{}, mem(rS0, 0))
}

// commonExit goes on to the glue's common exit with the function's code id.
func (e *emitter) commonExit() {
	e.movConst(int64(e.c.id), rS0)
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offPriv(privCode)))
	e.ins(arm64.AMOVD, mem(rST, offPriv(privExit)), reg(rS0))
	e.ins(obj.AJMP, obj.Addr{}, mem(rS0, 0))
}

// stub emits exit x's stub (see the amd64 back end).
func (e *emitter) stub(x int) {
	info := &e.f.exits[x]
	e.place(e.stubs[x])
	if tableExit(info) {
		e.movConst(int64(x), rS0)
		e.ins(arm64.AMOVD, reg(rS0), mem(rST, offSite))
		e.jmp(arm64.AB, e.deopt)
		return
	}
	comes := info.kind == interp.ExitStep || info.kind == interp.ExitRelease || info.kind == interp.ExitFuel
	if info.kind == interp.ExitRelease {
		// Onto the list of frees, while it has room.
		full := e.label()
		e.ins(arm64.AMOVD, mem(rST, offNFree), reg(rS2))
		e.ins3(arm64.ACMP, imm(interp.MaxFrees), rS2, obj.Addr{})
		e.jmp(arm64.ABHS, full)
		e.ins3(arm64.ALSL, imm(4), rS2, reg(rS3))
		e.ins3(arm64.AADD, reg(rST), rS3, reg(rS3))
		e.ins(arm64.AMOVD, reg(e.gp(info.auxV[0], rS0)), mem(rS3, offFree))
		e.ins(arm64.AMOVD, reg(e.gp(info.auxV[1], rS0)), mem(rS3, offFree+8))
		e.ins3(arm64.AADD, imm(1), rS2, reg(rS2))
		e.ins(arm64.AMOVD, reg(rS2), mem(rST, offNFree))
		e.jmp(arm64.AB, e.back[x])
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
	set := func(off, v int64) {
		e.movConst(v, rS0)
		e.ins(arm64.AMOVD, reg(rS0), mem(rST, off))
	}
	set(offExit, int64(info.kind))
	set(offWhy, int64(info.why))
	set(offSite, int64(x))
	set(offPC, int64(info.pc))
	set(offFn, e.fnIdx)
	e.ins(arm64.AMOVD, mem(rST, offStackBase), reg(rS1))
	e.ins3(arm64.ASUB, reg(rS1), rDSP, reg(rS0))
	e.ins3(arm64.AASR, imm(4), rS0, reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offBase))
	if info.top != 0 {
		e.addImm(rS0, int64(info.top), rS0)
	}
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offSP))
	e.ins(arm64.AMOVD, mem(rSP, 8), reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), mem(rST, offLB))
	if info.guard != 0 {
		e.ins(arm64.AMOVD, reg(e.gp(info.guard, rS0)), mem(rST, offAuxK))
	}
	if info.auxV[0] != 0 {
		e.ins(arm64.AMOVD, reg(e.gp(info.auxV[0], rS0)), mem(rST, offAuxK))
	}
	if info.auxV[1] != 0 {
		e.ins(arm64.AMOVD, reg(e.gp(info.auxV[1], rS0)), mem(rST, offAux))
	} else if info.aux != 0 {
		e.movConst(info.aux, rS0)
		e.ins(arm64.AMOVD, reg(rS0), mem(rST, offAux))
	}
	e.jmp(arm64.AB, e.common)
	if !comes {
		return
	}
	// The way back in.
	e.resume[x] = e.label()
	e.place(e.resume[x])
	e.ins(arm64.AMOVD, reg(rLR), mem(rST, offPriv(privRet)))
	e.ins(arm64.AMOVD, mem(rST, offPriv(privNativeSP)), reg(rS0))
	e.ins(arm64.AMOVD, reg(rS0), reg(rSP))
	e.ins(arm64.AMOVD, mem(rST, offBudget), reg(rBud))
	if info.rebase {
		e.ins(arm64.AMOVD, mem(rST, offSP), reg(rS0)) // a new region at the top
	} else {
		e.ins(arm64.AMOVD, mem(rST, offBase), reg(rS0))
	}
	e.ins3(arm64.ALSL, imm(4), rS0, reg(rS0))
	e.ins(arm64.AMOVD, mem(rST, offStackBase), reg(rS1))
	e.ins3(arm64.AADD, reg(rS1), rS0, reg(rDSP))
	e.restoreRegs(e.saves[x])
	for _, r := range info.retains {
		e.unretain(r[0], r[1])
	}
	e.jmp(arm64.AB, e.back[x])
}

// unretain takes back a count retain added.
func (e *emitter) unretain(k, p vid) {
	skip := e.label()
	if c, ok := e.f.isConst(k); ok {
		if gc.Kind(c) < gc.KStr {
			return
		}
	} else {
		e.ins3(arm64.ACMP, imm(int64(gc.KStr)), e.gp(k, rS0), obj.Addr{})
		e.jmp(arm64.ABLO, skip)
	}
	e.rcSlot(p)
	e.ins(arm64.AMOVWU, mem(rS1, 0), reg(rS0))
	e.ins3(arm64.ASUB, imm(1), rS0, reg(rS0))
	e.ins(arm64.AMOVW, reg(rS0), mem(rS1, 0))
	e.place(skip)
}
