package jit

// This file holds what the back ends (emit_amd64.go, emit_arm64.go) share:
// the offsets of the NativeState fields native code uses, the layout of a
// native frame, the result of compiling a function, and the ordering of
// the moves that pass a jump's arguments to a block's parameters.
//
// A native frame, at the stack pointer:
//
//	+0   uint32  code id (which compiled function: its frame size, its pc table)
//	+4   uint32  pc of the call in progress (written before each call)
//	+8   int64   index of the function's locals in the machine's locals
//	+16  ...     a save slot for each register the function uses (kept over
//	             calls and exits that come back), then the spill slots
//	     (arm64: the return address in the last slot)
//
// On amd64 the caller's return address sits just above the frame; on
// arm64 it is saved in the frame.

import (
	"fmt"
	"sort"
	"sync/atomic"
	"unsafe"

	"github.com/twitchyliquid64/golang-asm/obj"

	"github.com/raftvm/raft/interp"
)

// Offsets of the NativeState fields.
var (
	offStackBase  = int64(unsafe.Offsetof(interp.NativeState{}.StackBase))
	offStackLast  = int64(unsafe.Offsetof(interp.NativeState{}.StackLast))
	offLocalsBase = int64(unsafe.Offsetof(interp.NativeState{}.LocalsBase))
	offLocalsLen  = int64(unsafe.Offsetof(interp.NativeState{}.LocalsLen))
	offRcs        = int64(unsafe.Offsetof(interp.NativeState{}.Rcs))
	offHdrs       = int64(unsafe.Offsetof(interp.NativeState{}.Hdrs))
	offVals       = int64(unsafe.Offsetof(interp.NativeState{}.Vals))
	offBytes      = int64(unsafe.Offsetof(interp.NativeState{}.Bytes))
	offCalls      = int64(unsafe.Offsetof(interp.NativeState{}.Calls))
	offSP         = int64(unsafe.Offsetof(interp.NativeState{}.SP))
	offLB         = int64(unsafe.Offsetof(interp.NativeState{}.LB))
	offBase       = int64(unsafe.Offsetof(interp.NativeState{}.Base))
	offBudget     = int64(unsafe.Offsetof(interp.NativeState{}.Budget))
	offExit       = int64(unsafe.Offsetof(interp.NativeState{}.Exit))
	offWhy        = int64(unsafe.Offsetof(interp.NativeState{}.Why))
	offSite       = int64(unsafe.Offsetof(interp.NativeState{}.Site))
	offPC         = int64(unsafe.Offsetof(interp.NativeState{}.PC))
	offFn         = int64(unsafe.Offsetof(interp.NativeState{}.Fn))
	offAux        = int64(unsafe.Offsetof(interp.NativeState{}.Aux))
	offAuxK       = int64(unsafe.Offsetof(interp.NativeState{}.AuxK))
	offPrivate    = int64(unsafe.Offsetof(interp.NativeState{}.Private))
)

// The private words of the NativeState.
const (
	privGoSP     = iota // the Go stack pointer of the trampoline (written by it)
	privRet             // where in the trampoline native code returns to
	privNativeSP        // the native stack pointer at the last exit (the innermost frame)
	privEntrySP         // the native stack pointer of the entry thunk (above the outermost frame)
	privLimit           // the lowest stack pointer a call may reach
	privCode            // the code id of the function that exited
	privTop             // the top of the native stack (where a run starts)
	privStack           // the index of the native stack in use (JIT.all)
	privEntry           // the entry the thunk calls
	privExit            // the address of the common exit (in the glue)
	privParked          // 1 while a parked run holds the native stack
	privBack            // where a parked run goes on (after the resume stub restored its registers)
	privPending         // 1 while the last exit's write-back is to do (Writeback)
)

// Offsets of the list of frees and the register save area.
var (
	offNFree = int64(unsafe.Offsetof(interp.NativeState{}.NFree))
	offFree  = int64(unsafe.Offsetof(interp.NativeState{}.Free))
)

// Offset of the register save area.
var offRegs = int64(unsafe.Offsetof(interp.NativeState{}.Regs))

func offPriv(i int) int64 { return offPrivate + int64(i)*8 }

// callRow is the size of a row of the call table: the entry of a function
// (0 when it has no native code), the bytes of stack its MaxPush needs,
// and its locals.
const callRow = 3 * 8

// maxFrame bounds a native frame: a call checks for this much room on the
// native stack, whatever the callee.
const maxFrame = 4096

// minFrame is the least room a native frame and its return address take:
// the limit on native frames (MaxCallDepth) is kept by counting bytes.
const minFrame = 32

// frame is the layout of one compiled function's native frame.
type frame struct {
	size  int           // bytes, a multiple of 16
	save  map[int16]int // register -> offset of its save slot
	spill int           // offset of spill slot 0
	lr    int           // arm64: offset of the saved return address
}

func newFrame(a *alloc, regs []int16, lr bool) frame {
	fr := frame{save: map[int16]int{}}
	off := 16
	for _, r := range regs { // in a fixed order, so that frames are alike run to run
		if a.used[r] {
			fr.save[r] = off
			off += 8
		}
	}
	fr.spill = off
	off += 8 * a.spills
	if lr {
		fr.lr = off
		off += 8
	}
	fr.size = (off + 15) &^ 15
	return fr
}

// spillOff returns the frame offset of spill slot i.
func (fr *frame) spillOff(i int32) int64 { return int64(fr.spill) + 8*int64(i) }

// code is one compiled function.
type code struct {
	id      int
	fn      *interp.Func
	mem     []byte // its code memory (read and execute)
	native  int    // offset of the entry for native calls
	entries []goEntry
	frame   int            // frame size
	retAt   int            // where in a frame of this code the return address is
	rets    []callRet      // its calls, by return offset (see Frames)
	exits   []exitRec      // by exit index
	steps   []atomic.Int64 // by exit index: how often it left an instruction to the interpreter (statistics)
	sites   []siteKey      // guard sites for feedback
	size    int
	inlined int // calls built as their callee's body
}

// goEntry is an entry from the interpreter at pc: the offset of its thunk.
type goEntry struct {
	pc  int
	off int
}

// exitRec is what Enter needs of an exit: where to resume (-1: it does
// not), its reason and its feedback site; and for an exit through the
// function's deopt stub (table), what to write back, from where.
type exitRec struct {
	resume int
	why    int
	site   int

	table   bool
	kind    int
	pc      int // the instruction it leaves at (also for steps: statistics)
	top     int
	back    int // for a parked run, where it goes on
	stores  []xstore
	retains [][2]xloc
	guard   xloc // the kind a check failed on
	aux     xloc
}

// xloc is where a value is at an exit: a register (index in the save
// area), a spill slot (its frame offset), or a constant.
type xloc struct {
	kind  locKind // lNone: no value
	at    int64   // save area index, frame offset, or the constant
	float bool
}

// xstore is one value an exit writes back.
type xstore struct {
	local  bool
	idx    int
	k, p   xloc
	memNil bool // a local native code takes to be nil in memory
}

// move is one move of a parallel assignment: dst gets src (a location, or
// the constant value src.v when srcConst).
type move struct {
	dst, src loc
	v        vid // the source value (for constants)
	float    bool
}

// sequence orders the moves of a parallel assignment so that no source is
// overwritten before it is read; a cycle goes through the scratch
// location. It returns the moves in order, where a move from scratch or to
// scratch uses the location scratch.
func sequence(ms []move, scratch loc) []move {
	var out []move
	same := func(a, b loc) bool {
		return a.kind == b.kind && (a.kind == lReg && a.reg == b.reg || a.kind == lStack && a.off == b.off)
	}
	pending := []move{}
	for _, m := range ms {
		if m.src.kind != lConst && same(m.dst, m.src) {
			continue
		}
		pending = append(pending, m)
	}
	for len(pending) > 0 {
		progress := false
		for i := 0; i < len(pending); i++ {
			m := pending[i]
			// m can go when no other pending move reads its destination.
			blocked := false
			for j, o := range pending {
				if j != i && o.src.kind != lConst && same(o.src, m.dst) {
					blocked = true
					break
				}
			}
			if !blocked {
				out = append(out, m)
				pending = append(pending[:i], pending[i+1:]...)
				i--
				progress = true
			}
		}
		if progress {
			continue
		}
		// A cycle: move one source aside.
		m := pending[0]
		out = append(out, move{dst: scratch, src: m.src, float: m.float})
		for j := range pending {
			if same(pending[j].src, m.src) {
				pending[j].src = scratch
			}
		}
	}
	return out
}

// emitter emits one function (or the glue) for the back end of this
// build; the per-instruction methods are in emit_GOARCH.go.
type emitter struct {
	f         *function
	a         *alloc
	b         *progs
	c         *code
	fr        frame
	fnIdx     int64
	labels    []*obj.Prog // by block
	stubs     []*obj.Prog // by exit: its stub
	resume    []*obj.Prog // by exit: where the trampoline re-enters (nil: none)
	back      []*obj.Prog // by exit: where native code goes on after it came back
	saves     [][]vid     // by exit: the registers saved over it
	common    *obj.Prog   // the common exit
	deopt     *obj.Prog   // saves every register, then the common exit (exits through the table)
	resumeAll *obj.Prog   // restores them, for a parked run
	errs      []string
	cur       int         // block being emitted
	lpValid   bool        // S2 holds the current call's locals (see localsCached)
	calls     []labelCall // calls of labels (see callLabel)
	rets      []callRet   // by call, in code order: where it returns to (a label) and its pc
}

// callRet is a call in a function's code: the offset its callee returns
// to, and the call's pc. A frame holds no record of the call it makes:
// Frames finds it from the return address.
type callRet struct {
	ret  int
	pc   int
	prog *obj.Prog // while assembling: the label of ret
}

// selfCall reports whether call ci is of the function itself: it goes
// straight to the native entry (this code is there while it runs).
func (e *emitter) selfCall(ci *callInfo) bool {
	return ci.callee >= 0 && int64(ci.callee) == e.fnIdx
}

// returned marks the end of a call instruction of the call at pc: where
// its callee returns to.
func (e *emitter) returned(pc int) {
	l := e.label()
	e.place(l)
	e.rets = append(e.rets, callRet{pc: pc, prog: l})
}

// callAt returns the pc of c's call that returns to offset ret.
func (c *code) callAt(ret int) (int, bool) {
	i := sort.Search(len(c.rets), func(i int) bool { return c.rets[i].ret >= ret })
	if i == len(c.rets) || c.rets[i].ret != ret {
		return 0, false
	}
	return c.rets[i].pc, true
}

// nativeEntry returns the block native callers enter f at.
func (f *function) nativeEntry() int {
	for _, en := range f.entries {
		if en.native && !en.self {
			return en.blk
		}
	}
	panic("jit: a function without a native entry")
}

// selfTarget returns the block a call of the function itself enters at,
// and the room above the callee's base that the caller checks: the self
// entry checks none, so the caller checks all the function's region
// pushes, not only its MaxPush.
func (f *function) selfTarget(ci *callInfo) (blk, room int) {
	if !ci.fast {
		return f.nativeEntry(), ci.push
	}
	for _, en := range f.entries {
		if en.self {
			return en.blk, max(ci.push, f.regions[0].max)
		}
	}
	panic("jit: a fast call of itself in a function without a self entry")
}

// labelCall is a call of a label in the code, for fixCalls.
type labelCall struct{ at, to *obj.Prog }

func mem(r int16, off int64) obj.Addr { return obj.Addr{Type: obj.TYPE_MEM, Reg: r, Offset: off} }
func reg(r int16) obj.Addr            { return obj.Addr{Type: obj.TYPE_REG, Reg: r} }
func imm(v int64) obj.Addr            { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }
func idx(base, index int16, scale int16, off int64) obj.Addr {
	return obj.Addr{Type: obj.TYPE_MEM, Reg: base, Index: index, Scale: scale, Offset: off}
}

// memAt returns the memory a value at l (inMemory) is read from: its spill
// slot, or its field of the NativeState.
func (e *emitter) memAt(l loc) obj.Addr {
	if l.kind == lState {
		return mem(rST, int64(l.off))
	}
	return mem(rSP, e.fr.spillOff(l.off))
}

func (e *emitter) ins(as obj.As, from, to obj.Addr) *obj.Prog {
	p := e.b.NewProg()
	p.As, p.From, p.To = as, from, to
	e.b.AddInstruction(p)
	return p
}

// label returns a new instruction to branch to (a NOP), not yet added.
func (e *emitter) label() *obj.Prog {
	p := e.b.NewProg()
	p.As = obj.ANOP
	return p
}

func (e *emitter) place(p *obj.Prog) { e.b.AddInstruction(p) }

func (e *emitter) jmp(as obj.As, to *obj.Prog) *obj.Prog {
	p := e.b.NewProg()
	p.As = as
	p.To.Type = obj.TYPE_BRANCH
	p.To.SetTarget(to)
	e.b.AddInstruction(p)
	return p
}

// assemble emits f with allocation a into c's code.
func assemble(f *function, a *alloc, c *code, fnIdx int) ([]byte, error) {
	// The builder allocates its instructions in one block of this many
	// (more come one by one): about what the function takes, not a
	// fixed 1,024 (a fifth of a megabyte) for a word of ten.
	b := newProgs()
	defer b.done()
	e := &emitter{f: f, a: a, b: b, c: c, fnIdx: int64(fnIdx)}
	e.fr = newFrame(a, append(append([]int16(nil), archGPRs...), archFPRs...), archLR)
	if e.fr.size > maxFrame {
		return nil, unsupported("%s: a frame of %d bytes", f.name, e.fr.size)
	}
	e.labels = make([]*obj.Prog, len(f.blocks))
	for i := range e.labels {
		e.labels[i] = e.label()
	}
	n := len(f.exits)
	e.stubs, e.resume, e.back, e.saves = make([]*obj.Prog, n), make([]*obj.Prog, n), make([]*obj.Prog, n), make([][]vid, n)
	for i := range e.stubs {
		e.stubs[i] = e.label()
	}
	e.common = e.label()
	e.deopt, e.resumeAll = e.label(), e.label()
	// Diagnostics of the assembler are errors here.
	first := e.label()
	first.Ctxt.DiagFunc = func(format string, args ...any) { e.errs = append(e.errs, fmt.Sprintf(format, args...)) }
	e.place(first)

	for i, id := range a.order {
		blk := f.blocks[id]
		if blk.term.kind == tkNone {
			continue
		}
		e.cur, e.lpValid = id, false
		e.place(e.labels[id])
		for _, v := range blk.instrs {
			e.value(v)
		}
		next := -1
		if i+1 < len(a.order) {
			next = a.order[i+1]
		}
		e.terminate(blk, next)
	}
	// Cold code: exit stubs, their resumes, the common exit, thunks.
	for i := range f.exits {
		e.stub(i)
	}
	e.deoptStubs()
	e.place(e.common)
	e.commonExit()
	code := b.Assemble()
	if len(e.errs) > 0 {
		return nil, fmt.Errorf("jit: assembler: %s", e.errs[0])
	}
	if len(code) == 0 {
		return nil, fmt.Errorf("jit: assembler produced no code")
	}
	e.fixCalls(code)
	for _, en := range f.entries {
		switch {
		case en.self:
		case en.native:
			c.native = int(e.labels[en.blk].Pc)
		default:
			c.entries = append(c.entries, goEntry{pc: en.pc, off: int(e.labels[en.blk].Pc)})
		}
	}
	c.exits = make([]exitRec, n)
	c.steps = make([]atomic.Int64, n)
	shared := map[*store][]xstore{} // exits that share a write-back (exitCache) share its table
	for i, x := range f.exits {
		r := exitRec{resume: -1, why: x.why, site: x.site, pc: x.pc}
		if e.resume[i] != nil {
			r.resume = int(e.resume[i].Pc)
		}
		if x.guard == 0 {
			r.site = -1
		}
		if tableExit(&x) {
			r.table, r.kind, r.top = true, x.kind, x.top
			if x.kind == interp.ExitFuel {
				r.resume, r.back = int(e.resumeAll.Pc), int(e.back[i].Pc)
			}
			if len(x.stores) > 0 {
				if t, ok := shared[&x.stores[0]]; ok && len(t) == len(x.stores) {
					r.stores = t
				} else {
					for _, st := range x.stores {
						r.stores = append(r.stores, xstore{local: st.local, idx: st.idx, k: e.xloc(st.k), p: e.xloc(st.p), memNil: st.memNil})
					}
					shared[&x.stores[0]] = r.stores
				}
			}
			for _, rt := range x.retains {
				r.retains = append(r.retains, [2]xloc{e.xloc(rt[0]), e.xloc(rt[1])})
			}
			r.guard = e.xloc(x.guard)
			if x.auxV[1] != 0 {
				r.aux = e.xloc(x.auxV[1])
			} else {
				r.aux = xloc{kind: lConst, at: x.aux}
			}
		}
		c.exits[i] = r
	}
	c.frame = e.fr.size
	c.retAt = e.fr.size // amd64: just above the frame, where the call put it
	if archLR {
		c.retAt = e.fr.lr
	}
	for _, r := range e.rets {
		c.rets = append(c.rets, callRet{ret: int(r.prog.Pc), pc: r.pc})
	}
	sort.Slice(c.rets, func(i, j int) bool { return c.rets[i].ret < c.rets[j].ret })
	return code, nil
}

// tableExit reports whether exit x goes through the function's deopt
// stub, its write-back done by Go from the exit's table: all but the
// exits that come back to the instruction they left (steps, frees).
func tableExit(x *exitInfo) bool {
	return x.kind != interp.ExitStep && x.kind != interp.ExitRelease
}

// xloc returns where value v is at an exit.
func (e *emitter) xloc(v vid) xloc {
	if v == 0 {
		return xloc{}
	}
	float := e.f.values[v].typ == tFloat
	l := e.a.loc[v]
	switch l.kind {
	case lReg:
		return xloc{kind: lReg, at: int64(saveIndex(l.reg)), float: float}
	case lStack:
		return xloc{kind: lStack, at: e.fr.spillOff(l.off), float: float}
	case lState:
		return xloc{kind: lState, at: int64(l.off)}
	}
	return xloc{kind: lConst, at: e.f.values[v].imm, float: float}
}

// saveIndex returns the slot of register r in the save area: the value
// registers in order, ints then floats.
func saveIndex(r int16) int {
	for i, g := range archGPRs {
		if g == r {
			return i
		}
	}
	for i, f := range archFPRs {
		if f == r {
			return len(archGPRs) + i
		}
	}
	panic("jit: not a value register")
}

// moves passes a jump's arguments to the target's parameters.
func (e *emitter) moves(from, to int, args []vid) {
	params := e.f.blocks[to].params
	var ints, floats []move
	for i, a := range args {
		m := move{dst: e.a.loc[params[i]], src: e.a.loc[a], v: a, float: e.f.values[params[i]].typ == tFloat}
		if e.a.ivs[params[i]].start < 0 {
			continue // a parameter nothing reads
		}
		if m.float {
			floats = append(floats, m)
		} else {
			ints = append(ints, m)
		}
	}
	for _, m := range sequence(ints, loc{kind: lReg, reg: rMoveGP}) {
		e.move(m)
	}
	for _, m := range sequence(floats, loc{kind: lReg, reg: rMoveFP}) {
		e.move(m)
	}
}
