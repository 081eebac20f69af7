package jit

// This file gives every value of a function a place: a register, or a
// slot of the function's native frame when the registers run out (linear
// scan, after Poletto and Sarkar: one interval per value from its first to
// its last live point in the block layout, the interval that ends last
// spilled). Constants get no place: they are immediates where they are
// used. A value read from the NativeState (opState) that loses its register
// is read from the state again at each use (lState), which costs no store:
// of the values to spill, it goes first. Calls and exits that come back do
// not take registers from the allocator: the code saves the registers live
// across them and restores them after (see emit.go).

import (
	"slices"
	"sort"
)

// locKind says where a value is.
type locKind uint8

const (
	lNone  locKind = iota
	lReg           // in register reg
	lStack         // in the frame slot at off
	lConst         // a constant
	lState         // a field of the NativeState at off, read where it is used
)

type loc struct {
	kind locKind
	reg  int16
	off  int32 // lStack: slot index in the frame's spill area; lState: offset in the NativeState
}

// inMemory reports whether a value at l is read from memory: a spill
// slot or the NativeState.
func (l loc) inMemory() bool { return l.kind == lStack || l.kind == lState }

// interval is the stretch of the layout in which a value is live.
type interval struct {
	v          vid
	start, end int
	float      bool
}

// alloc is the outcome of register allocation.
type alloc struct {
	order  []int      // block layout: hot blocks in order, then the cold ones
	pos    []int      // position of each value's definition (instructions)
	bstart []int      // position of each block's start
	bend   []int      // position of each block's terminator
	loc    []loc      // by value
	ivs    []interval // by value (start -1: none)
	spills int        // frame slots for spilled values
	used   map[int16]bool
}

// layout orders the blocks: depth first from the entries, each block's
// fall-through successor (the second of a branch, the target of a jump)
// next when it can be, cold blocks (exits) last.
func (f *function) layout() []int {
	seen := make([]bool, len(f.blocks))
	var hot, cold []int
	back := func(id int) bool {
		t := f.blocks[id].term
		return !seen[id] && t.kind == tkJump && seen[t.succ[0]]
	}
	var walk func(id int)
	walk = func(id int) {
		for id >= 0 && !seen[id] {
			seen[id] = true
			b := f.blocks[id]
			if b.term.kind == tkExit && len(b.instrs) == 0 || b.cold {
				cold = append(cold, id)
			} else {
				hot = append(hot, id)
			}
			next := -1
			switch b.term.kind {
			case tkJump:
				next = b.term.succ[0]
			case tkBranch:
				// The taken edge is laid out later; the other falls
				// through, but for the edge that goes back to a loop's
				// header: it falls through then, and the loop takes one
				// jump a pass.
				yes, no := b.term.succ[0], b.term.succ[1]
				if back(yes) && !back(no) {
					yes, no = no, yes
				}
				defer walk(yes)
				next = no
			}
			id = next
		}
	}
	// The self entry first: a function that calls itself is mostly
	// entered there (see builder.selfEntry), so it falls through.
	for _, e := range f.entries {
		if e.self {
			walk(e.blk)
		}
	}
	for _, e := range f.entries {
		walk(e.blk)
	}
	return append(hot, cold...)
}

// scanOrder returns the order in which allocate numbers the blocks (the
// layout, but for the edge blocks a branch jumps to, which come just
// after it). An interval spans the numbers from a value's definition to
// its last use: a loop's value passed on its way out, laid out after the
// loop, would hold its register through the loop's rest; numbered at the
// branch, it dies where the loop's next use of it is.
func (f *function) scanOrder(layout []int) []int {
	placed := make([]bool, len(f.blocks))
	out := make([]int, 0, len(layout))
	for _, id := range layout {
		if placed[id] {
			continue
		}
		placed[id] = true
		out = append(out, id)
		if t := &f.blocks[id].term; t.kind == tkBranch {
			for _, s := range t.succ {
				e := f.blocks[s]
				if !placed[s] && len(e.instrs) == 0 && len(e.params) == 0 && e.term.kind == tkJump && len(e.preds) == 1 {
					placed[s] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// allocate runs liveness and linear scan with the registers given.
func (f *function) allocate(gprs, fprs []int16) *alloc {
	a := &alloc{used: map[int16]bool{}}
	a.order = f.layout()
	n := len(f.values)
	a.pos = make([]int, n)
	a.bstart = make([]int, len(f.blocks))
	a.bend = make([]int, len(f.blocks))
	p := 0
	for _, id := range f.scanOrder(a.order) {
		b := f.blocks[id]
		p += 2
		a.bstart[id] = p
		for _, pv := range b.params {
			a.pos[pv] = p
		}
		for _, v := range b.instrs {
			p += 2
			a.pos[v] = p
		}
		p += 2
		a.bend[id] = p
	}
	// Liveness: live-in sets per block, to a fixed point.
	liveIn := make([]map[vid]bool, len(f.blocks))
	for i := range liveIn {
		liveIn[i] = map[vid]bool{}
	}
	isVar := func(v vid) bool { return v != 0 && f.values[v].op != opConst && f.values[v].op != opConstF }
	uses := func(id vid, fn func(vid)) {
		v := &f.values[id]
		fn(v.a)
		fn(v.b)
		fn(v.c)
		if e := f.exitOf(id); e >= 0 {
			f.exitUses(e, fn)
		}
		if v.op == opCall {
			fn(f.calls[v.imm].dyn)
		}
	}
	termUses := func(b *block, fn func(vid)) {
		fn(b.term.a)
		fn(b.term.b)
		if b.term.kind == tkExit {
			f.exitUses(b.term.exit, fn)
		}
	}
	for changed := true; changed; {
		changed = false
		for i := len(a.order) - 1; i >= 0; i-- {
			b := f.blocks[a.order[i]]
			live := map[vid]bool{}
			succs := b.term.succ[:0]
			switch b.term.kind {
			case tkJump:
				succs = b.term.succ[:1]
			case tkBranch:
				succs = b.term.succ[:2]
			}
			for k, s := range succs {
				for v := range liveIn[s] {
					live[v] = true
				}
				for _, pv := range f.blocks[s].params {
					delete(live, pv)
				}
				for _, arg := range b.term.args[k] {
					if isVar(arg) {
						live[arg] = true
					}
				}
			}
			termUses(b, func(v vid) {
				if isVar(v) {
					live[v] = true
				}
			})
			for j := len(b.instrs) - 1; j >= 0; j-- {
				id := b.instrs[j]
				delete(live, id)
				uses(id, func(v vid) {
					if isVar(v) {
						live[v] = true
					}
				})
			}
			for _, pv := range b.params {
				delete(live, pv)
			}
			if len(live) != len(liveIn[b.id]) {
				changed = true
			} else {
				for v := range live {
					if !liveIn[b.id][v] {
						changed = true
						break
					}
				}
			}
			liveIn[b.id] = live
		}
	}
	// Intervals.
	a.ivs = make([]interval, n)
	for i := range a.ivs {
		a.ivs[i] = interval{v: vid(i), start: -1}
	}
	extend := func(v vid, at int) {
		if !isVar(v) {
			return
		}
		iv := &a.ivs[v]
		if iv.start < 0 {
			iv.start, iv.end = at, at
			return
		}
		iv.start = min(iv.start, at)
		iv.end = max(iv.end, at)
	}
	for _, id := range a.order {
		b := f.blocks[id]
		for _, pv := range b.params {
			extend(pv, a.bstart[id])
		}
		for v := range liveIn[id] {
			extend(v, a.bstart[id])
		}
		for _, v := range b.instrs {
			if f.values[v].typ != tVoid {
				extend(v, a.pos[v])
			}
			uses(v, func(u vid) { extend(u, a.pos[v]) })
		}
		end := a.bend[id]
		termUses(b, func(u vid) { extend(u, end) })
		switch b.term.kind {
		case tkJump, tkBranch:
			for k := 0; k < 2; k++ {
				if k == 1 && b.term.kind == tkJump {
					break
				}
				s := b.term.succ[k]
				for _, arg := range b.term.args[k] {
					extend(arg, end)
				}
				for v := range liveIn[s] {
					extend(v, end)
				}
			}
		}
	}
	// Linear scan.
	var ivs []*interval
	for i := range a.ivs {
		if a.ivs[i].start >= 0 {
			a.ivs[i].float = f.values[i].typ == tFloat
			ivs = append(ivs, &a.ivs[i])
		}
	}
	sort.Slice(ivs, func(i, j int) bool {
		if ivs[i].start != ivs[j].start {
			return ivs[i].start < ivs[j].start
		}
		return ivs[i].v < ivs[j].v
	})
	a.loc = make([]loc, n)
	for i := range f.values {
		switch f.values[i].op {
		case opConst, opConstF:
			a.loc[i] = loc{kind: lConst}
		}
	}
	type pool struct {
		free   []int16
		active []*interval
	}
	pools := [2]*pool{{free: append([]int16(nil), gprs...)}, {free: append([]int16(nil), fprs...)}}
	var slotEnd []int // by spill slot: where the last value in it dies
	// Moves between a jump's arguments and the parameters they fill go
	// when the two share a register: each prefers the other's.
	flows := map[vid][]vid{}
	for _, b := range f.blocks {
		t := &b.term
		for k := 0; k < 2; k++ {
			if k == 0 && t.kind != tkJump && t.kind != tkBranch || k == 1 && t.kind != tkBranch {
				continue
			}
			for i, arg := range t.args[k] {
				if p := f.blocks[t.succ[k]].params; i < len(p) && isVar(arg) {
					flows[arg] = append(flows[arg], p[i])
					flows[p[i]] = append(flows[p[i]], arg)
				}
			}
		}
	}
	// Uses by instructions and terminators, weighted by loop depth (the
	// blocks between a back edge and its header in the layout); exits'
	// uses do not count, they are cold.
	depth := make([]int, len(f.blocks))
	at := make([]int, len(f.blocks))
	for i, id := range a.order {
		at[id] = i
	}
	for i, id := range a.order {
		t := &f.blocks[id].term
		for k := 0; k < 2; k++ {
			if k == 0 && t.kind != tkJump && t.kind != tkBranch || k == 1 && t.kind != tkBranch {
				continue
			}
			if h := at[t.succ[k]]; h <= i {
				for j := h; j <= i; j++ {
					depth[a.order[j]]++
				}
			}
		}
	}
	weight := make([]float64, n)
	for _, id := range a.order {
		b := f.blocks[id]
		w := float64(int(1) << (3 * min(depth[id], 3)))
		if b.cold {
			w = 0
		}
		for _, v := range b.instrs {
			x := &f.values[v]
			for _, o := range []vid{x.a, x.b, x.c} {
				if isVar(o) {
					weight[o] += w
				}
			}
		}
		t := &b.term
		for _, o := range []vid{t.a, t.b} {
			if isVar(o) {
				weight[o] += w
			}
		}
		for _, args := range t.args {
			for _, o := range args {
				if isVar(o) {
					weight[o] += w / 2 // a move, when the two do not share a register
				}
			}
		}
	}
	density := func(iv *interval) float64 {
		if f.values[iv.v].op == opState {
			return -1 // read again where it is used
		}
		return weight[iv.v] / float64(iv.end-iv.start+1)
	}
	take := func(pl *pool, r int16) bool {
		for i, fr := range pl.free {
			if fr == r {
				pl.free = append(pl.free[:i], pl.free[i+1:]...)
				return true
			}
		}
		return false
	}
	for _, iv := range ivs {
		pl := pools[0]
		if iv.float {
			pl = pools[1]
		}
		// Expire the intervals that end before this one starts.
		act := pl.active[:0]
		for _, o := range pl.active {
			if o.end < iv.start {
				pl.free = append(pl.free, a.loc[o.v].reg)
			} else {
				act = append(act, o)
			}
		}
		pl.active = act
		// A two-operand instruction computes into its first operand's
		// register when that operand dies there (amd64: no copy first);
		// else a value takes the register of a parameter it fills or of
		// an argument that fills it, when that one is free.
		pref := int16(-1)
		if x := &f.values[iv.v]; reuseOps[x.op] && isVar(x.a) {
			if o := &a.ivs[x.a]; o.end == iv.start && o.float == iv.float && a.loc[x.a].kind == lReg {
				for i, act := range pl.active {
					if act == o {
						pl.active = append(pl.active[:i], pl.active[i+1:]...)
						pl.free = append(pl.free, a.loc[x.a].reg)
						pref = a.loc[x.a].reg
						break
					}
				}
			}
		}
		for _, o := range flows[iv.v] {
			if pref >= 0 {
				break
			}
			if l := a.loc[o]; l.kind == lReg && a.ivs[o].float == iv.float && slices.Contains(pl.free, l.reg) {
				pref = l.reg
			}
		}
		if len(pl.free) > 0 {
			r := pl.free[0]
			if pref >= 0 {
				r = pref
			}
			take(pl, r)
			a.loc[iv.v] = loc{kind: lReg, reg: r}
			a.used[r] = true
			pl.active = append(pl.active, iv)
			continue
		}
		// Spill the interval whose register saves least: the fewest uses
		// (weighted by their loops' depth) for its length; of equals, the
		// one that ends last. A loop's limit read once a pass goes to
		// memory before a base address its body reads seven times.
		far := iv
		fi := -1
		for i, o := range pl.active {
			if d, fd := density(o), density(far); d < fd || d == fd && o.end > far.end {
				far, fi = o, i
			}
		}
		if fi >= 0 {
			a.loc[iv.v] = a.loc[far.v]
			pl.active[fi] = iv
		}
		if x := &f.values[far.v]; x.op == opState {
			a.loc[far.v] = loc{kind: lState, off: int32(x.imm)}
			continue
		}
		// A slot whose last value died before far's starts is free. The
		// slot of a parameter far fills, or of an argument that fills it,
		// goes first: a loop's locals pass from one pass to the next in
		// memory then, not by loads and stores at the back edge.
		slot := -1
		for _, o := range flows[far.v] {
			if l := a.loc[o]; l.kind == lStack && slotEnd[l.off] < far.start {
				slot = int(l.off)
				break
			}
		}
		for i, end := range slotEnd {
			if slot >= 0 {
				break
			}
			if end < far.start {
				slot = i
			}
		}
		if slot < 0 {
			slot = len(slotEnd)
			slotEnd = append(slotEnd, 0)
		}
		slotEnd[slot] = far.end
		a.loc[far.v] = loc{kind: lStack, off: int32(slot)}
	}
	a.spills = len(slotEnd)
	return a
}

// reuseOps are the operations whose result may take the register of their
// first operand where it dies: both back ends read every operand before
// they write the result (not so cmp, which zeroes its result first, or
// sel).
var reuseOps = func() (ok [numIROps]bool) {
	for _, o := range []op{opAdd, opSub, opAnd, opOr, opXor, opMul, opShl, opShr, opSar, opNeg, opNot,
		opMin, opMax, opFAdd, opFSub, opFMul, opFDiv, opFNeg, opFAbs, opFSqrt, opFMin, opFMax} {
		ok[o] = true
	}
	return
}()

// liveAcross returns the values in registers that are live across position
// p (defined before it, used after it).
func (a *alloc) liveAcross(p int) []vid {
	var out []vid
	for i := range a.ivs {
		iv := &a.ivs[i]
		if iv.start >= 0 && iv.start < p && iv.end > p && a.loc[i].kind == lReg {
			out = append(out, vid(i))
		}
	}
	return out
}

// exitOf returns the exit a value refers to, or -1.
func (f *function) exitOf(id vid) int {
	v := &f.values[id]
	switch v.op {
	case opCheck, opFCheck, opCharge, opStep:
		return int(v.imm)
	case opRegionCheck:
		return int(uint32(v.imm)) // the room known above the base is in the high half
	case opCall:
		return f.calls[v.imm].exit
	}
	return -1
}

// exitUses calls fn on the values exit e writes back.
func (f *function) exitUses(e int, fn func(vid)) {
	x := &f.exits[e]
	for _, s := range x.stores {
		fn(s.k)
		fn(s.p)
	}
	for _, r := range x.retains {
		fn(r[0])
		fn(r[1])
	}
	fn(x.guard)
	fn(x.auxV[0])
	fn(x.auxV[1])
}
