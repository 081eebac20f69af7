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
	"unsafe"

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
)

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
	frame   int       // frame size
	exits   []exitRec // by exit index
	sites   []siteKey // guard sites for feedback
	size    int
}

// goEntry is an entry from the interpreter at pc: the offset of its thunk.
type goEntry struct {
	pc  int
	off int
}

// exitRec is what Enter needs of an exit: where to resume (-1: it does
// not), its reason and its feedback site.
type exitRec struct {
	resume int
	why    int
	site   int
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
