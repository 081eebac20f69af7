package jit

// This file finds values computed twice and checks made twice, over the
// dominator tree (global value numbering): a pure operation whose operands
// are the same values as one that dominates it is that value; a load is,
// when no store to its part of memory can have run between them on any
// path; a check or a branch that one dominating it already decided goes.
// The builder emits each instruction alone, so two gets of one array
// compute its header twice, and test twice that it is not packed; nbody
// reads seven fields of two arrays each pass of its inner loop.
//
// Memory is in classes: the NativeState's fields, the arena's headers, its
// values, its bytes. A store into the arena clobbers its class (the class
// of its address's base); a call, a step or a reduction charge (a parked
// run may meet a collection) clobber all. A free does not: it changes only
// the memory of the object it frees, which no later load reads (that one
// held a count, it was not freed).

import (
	"math"

	"github.com/raftvm/raft/gc"
)

// Memory classes of loads and stores.
const (
	memState = iota
	memHdrs
	memVals
	memBytes
	numMem
)

// gvnKey identifies a computation: the operation, its operands, and for a
// load the state of its memory.
type gvnKey struct {
	op      op
	typ     typ
	a, b, c vid
	imm     int64
	aux     int32
	epoch   int
}

// fact is a comparison known to hold: a cond b, b an int constant.
type factKey struct {
	a vid
	c cond
}

// gvn runs value numbering, drops the checks and branches it decides, and
// leaves the rest to the clean-up passes.
func (f *function) gvn() {
	order, idom := f.dominators()
	if order == nil {
		return
	}
	// Epochs: each clobber of a class makes a new one; a block starts with
	// its predecessors' when they all end with the same (a loop header,
	// whose back edges come later, never does).
	next := 0
	fresh := func() int { next++; return next }
	type epochs [numMem]int
	end := map[int]epochs{}
	at := map[vid]int{} // the epoch of each load's class where it is
	index := map[int]int{}
	for i, id := range order {
		index[id] = i
	}
	for _, id := range order {
		b := f.blocks[id]
		var ep epochs
		same := len(b.preds) > 0 && !f.isEntry(id)
		for k, p := range b.preds {
			pe, done := end[p]
			if !done || index[p] >= index[id] {
				same = false
				break
			}
			if k == 0 {
				ep = pe
			} else if pe != ep {
				same = false
				break
			}
		}
		if !same {
			for c := range ep {
				ep[c] = fresh()
			}
		}
		for _, v := range b.instrs {
			x := &f.values[v]
			switch x.op {
			case opState:
				at[v] = ep[memState]
			case opLoad:
				if c := f.memClass(x.a); c >= 0 {
					at[v] = ep[c]
				}
			case opStoreM:
				if c := f.memClass(x.a); c >= 0 {
					ep[c] = fresh()
				} else {
					for c := range ep {
						ep[c] = fresh()
					}
				}
			case opCall, opStep, opCharge, opEntry:
				for c := range ep {
					ep[c] = fresh()
				}
			}
		}
		end[id] = ep
	}

	// The walk down the dominator tree, with scoped tables.
	kids := map[int][]int{}
	for _, id := range order {
		if p := idom[id]; p >= 0 {
			kids[p] = append(kids[p], id)
		}
	}
	repl := replacements{}
	find := repl.find
	avail := map[gvnKey]vid{}
	exact := map[[3]int64]bool{} // a, cond, b of checks that hold
	lower := map[factKey]int64{} // a >u c or a > c, the largest c known
	var undo []func()
	holds := func(a vid, c cond, bv vid) (bool, bool) {
		if exact[[3]int64{int64(a), int64(c), int64(bv)}] {
			return true, true
		}
		if exact[[3]int64{int64(a), int64(c.negate()), int64(bv)}] {
			return false, true
		}
		if k, ok := f.isConst(bv); ok {
			// a > m known: a > k for k <= m, a >= k for k <= m+1 (for
			// unsigned conditions, of numbers that are not negative).
			for _, g := range [...]cond{cGtU, cGt} {
				m, ok := lower[factKey{a, g}]
				if !ok || g == cGtU && (k < 0 || m < 0) {
					continue
				}
				if c == g && k <= m || c == g+1 && m < math.MaxInt64 && k <= m+1 {
					return true, true
				}
			}
		}
		return false, false
	}
	scalar := map[vid]bool{} // kinds a check proved hold no heap value
	learn := func(a vid, c cond, bv vid) {
		if k, ok := f.isConst(bv); ok && !scalar[a] && (c == cEq && k < int64(gc.KStr) || c == cLtU && k <= int64(gc.KStr)) {
			scalar[a] = true
			undo = append(undo, func() { delete(scalar, a) })
		}
		key := [3]int64{int64(a), int64(c), int64(bv)}
		if !exact[key] {
			exact[key] = true
			undo = append(undo, func() { delete(exact, key) })
		}
		k, ok := f.isConst(bv)
		if !ok || c != cGtU && c != cGt {
			return
		}
		fk := factKey{a, c}
		if m, had := lower[fk]; !had || k > m {
			lower[fk] = k
			undo = append(undo, func() {
				if had {
					lower[fk] = m
				} else {
					delete(lower, fk)
				}
			})
		}
	}
	var walk func(id int)
	walk = func(id int) {
		mark := len(undo)
		b := f.blocks[id]
		// A branch decided the way into a block it alone leads to.
		if len(b.preds) == 1 {
			t := &f.blocks[b.preds[0]].term
			if t.kind == tkBranch && !t.float && !t.test && t.succ[0] != t.succ[1] {
				if t.succ[0] == id {
					learn(t.a, t.cond, t.b)
				} else {
					learn(t.a, t.cond.negate(), t.b)
				}
			}
		}
		for _, v := range b.instrs {
			x := &f.values[v]
			f.operands(x, func(p *vid) { *p = find(*p) })
			switch x.op {
			case opCheck, opCmp:
				f.canonCompare(&x.a, &x.b, (*cond)(nil), x)
			}
			if x.op == opCheck {
				if ok, known := holds(x.a, cond(x.aux), x.b); known && ok {
					x.op = opNop
					continue
				}
				learn(x.a, cond(x.aux), x.b)
				continue
			}
			if (x.op == opRetain || x.op == opRelease) && scalar[x.a] {
				x.op = opNop // a count of a value a check proved is not on the heap
				continue
			}
			if r := f.simplify(v); r != 0 {
				repl[v] = r
				x.op = opNop
				continue
			}
			key, ok := f.gvnKeyOf(v, at)
			if !ok {
				continue
			}
			if w, seen := avail[key]; seen {
				repl[v] = w
				x.op = opNop
				continue
			}
			avail[key] = v
			undo = append(undo, func() { delete(avail, key) })
		}
		t := &b.term
		t.a, t.b = find(t.a), find(t.b)
		for k := range t.args {
			for i := range t.args[k] {
				t.args[k][i] = find(t.args[k][i])
			}
		}
		if t.kind == tkBranch && !t.float && !t.test {
			f.canonCompare(&t.a, &t.b, &t.cond, nil)
			if ok, known := holds(t.a, t.cond, t.b); known {
				s := t.succ[1]
				if ok {
					s = t.succ[0]
				}
				*t = term{kind: tkJump, succ: [2]int{s}}
			}
		}
		for _, k := range kids[id] {
			walk(k)
		}
		for len(undo) > mark {
			undo[len(undo)-1]()
			undo = undo[:len(undo)-1]
		}
	}
	for _, id := range order {
		if idom[id] < 0 {
			walk(id)
		}
	}
	if len(repl) > 0 {
		f.eachUse(func(v *vid) {
			if *v != 0 {
				*v = find(*v)
			}
		})
	}
	f.repred()
}

// canonCompare puts an int constant second in a comparison (a check, a
// cmp value, or a branch when c is given), swapping the condition.
func (f *function) canonCompare(a, b *vid, c *cond, x *value) {
	if _, ok := f.isConst(*a); !ok {
		return
	}
	if _, ok := f.isConst(*b); ok {
		return
	}
	*a, *b = *b, *a
	if c != nil {
		*c = c.swap()
	} else {
		x.aux = int32(cond(x.aux).swap())
	}
}

// memClass returns the memory class of an address: the class of the
// NativeState base it is computed from (a sum of it and offsets: an
// element's address is the slab's base, its block's and its own), or -1
// when that is not seen.
func (f *function) memClass(addr vid) int {
	for depth := 0; depth < 4; depth++ {
		x := &f.values[addr]
		if x.op != opAdd {
			return -1
		}
		next := vid(0)
		for _, o := range []vid{x.a, x.b} {
			switch y := &f.values[o]; {
			case o == 0:
			case y.op == opState:
				switch y.imm {
				case offHdrs:
					return memHdrs
				case offVals:
					return memVals
				case offBytes:
					return memBytes
				}
				return -1
			case y.op == opAdd:
				next = o
			}
		}
		if next == 0 {
			return -1
		}
		addr = next
	}
	return -1
}

// gvnKeyOf returns the key of value v when it is a computation that two
// values with one key may share.
func (f *function) gvnKeyOf(v vid, at map[vid]int) (gvnKey, bool) {
	x := &f.values[v]
	k := gvnKey{op: x.op, typ: x.typ, a: x.a, b: x.b, c: x.c, imm: x.imm, aux: x.aux}
	switch x.op {
	case opAdd, opMul, opAnd, opOr, opXor, opMin, opMax:
		if k.a > k.b { // commutative (on ints)
			k.a, k.b = k.b, k.a
		}
	case opSub, opShl, opShr, opSar, opNeg, opNot, opDiv, opMod,
		opFAdd, opFSub, opFMul, opFDiv, opFNeg, opFAbs, opFSqrt, opFMin, opFMax,
		opIToF, opFToI, opBitsF, opFBits, opCmp, opFCmp, opSel, opLocals:
	case opState, opLoad:
		e, ok := at[v]
		if !ok {
			return k, false
		}
		k.epoch = e
	default:
		return k, false
	}
	return k, true
}

// simplify returns what int operation v comes to when that is a value
// already there (x+0 is x) or a constant, else 0.
func (f *function) simplify(v vid) vid {
	x := &f.values[v]
	ca, oka := f.isConst(x.a)
	cb, okb := f.isConst(x.b)
	switch x.op {
	case opAdd, opSub, opOr, opXor, opShl, opShr, opSar:
		if okb && cb == 0 {
			return x.a
		}
		if x.op == opAdd || x.op == opOr || x.op == opXor {
			if oka && ca == 0 {
				return x.b
			}
		}
	case opMul:
		if okb && cb == 1 {
			return x.a
		}
		if oka && ca == 1 {
			return x.b
		}
	default:
		return 0
	}
	if !oka || !okb {
		return 0
	}
	switch x.op {
	case opAdd:
		return f.constant(ca + cb)
	case opSub:
		return f.constant(ca - cb)
	case opMul:
		return f.constant(ca * cb)
	case opOr:
		return f.constant(ca | cb)
	case opXor:
		return f.constant(ca ^ cb)
	case opShl:
		return f.constant(ca << (cb & 63))
	case opShr:
		return f.constant(int64(uint64(ca) >> (cb & 63)))
	case opSar:
		return f.constant(ca >> (cb & 63))
	}
	return 0
}

// dominators returns the blocks reachable from the entries in reverse
// postorder and each one's immediate dominator (-1: none but the entries'
// common root), after Cooper, Harvey and Kennedy's "A Simple, Fast
// Dominance Algorithm".
func (f *function) dominators() ([]int, map[int]int) {
	seen := make([]bool, len(f.blocks))
	var post []int
	var dfs func(id int)
	dfs = func(id int) {
		seen[id] = true
		t := f.blocks[id].term
		n := 0
		switch t.kind {
		case tkJump:
			n = 1
		case tkBranch:
			n = 2
		}
		for k := n - 1; k >= 0; k-- {
			if s := t.succ[k]; !seen[s] {
				dfs(s)
			}
		}
		post = append(post, id)
	}
	for _, e := range f.entries {
		if !seen[e.blk] {
			dfs(e.blk)
		}
	}
	order := make([]int, len(post))
	num := map[int]int{} // postorder number; the root is len(post)
	for i, id := range post {
		order[len(post)-1-i] = id
		num[id] = i
	}
	root := len(post)
	dom := map[int]int{} // by postorder number
	dom[root] = root
	entry := map[int]bool{}
	for _, e := range f.entries {
		entry[e.blk] = true
		dom[num[e.blk]] = root
	}
	intersect := func(a, b int) int {
		for a != b {
			for a < b {
				a = dom[a]
			}
			for b < a {
				b = dom[b]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for _, id := range order {
			if entry[id] {
				continue
			}
			nd := -1
			for _, p := range f.blocks[id].preds {
				pn, ok := num[p]
				if !ok {
					continue
				}
				if _, done := dom[pn]; !done {
					continue
				}
				if nd < 0 {
					nd = pn
				} else {
					nd = intersect(pn, nd)
				}
			}
			if nd >= 0 && dom[num[id]] != nd {
				if old, ok := dom[num[id]]; !ok || old != nd {
					dom[num[id]] = nd
					changed = true
				}
			}
		}
	}
	idom := map[int]int{}
	for _, id := range order {
		d, ok := dom[num[id]]
		if !ok || d == root {
			idom[id] = -1
		} else {
			idom[id] = post[d]
		}
	}
	return order, idom
}
