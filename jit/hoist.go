package jit

import "github.com/raftvm/raft/gc"

// This file moves the reads of array headers that every pass of a loop
// repeats out of it. heat's stencil reads four elements of one array and
// writes one of another each pass; value numbering (gvn.go) shares one
// header read an array among them, but each pass still computes the
// header's address, loads its length, offset and kind and the address of
// its elements: a quarter of the loop's instructions, for values that do
// not change while it runs.
//
// They do not change because nothing in such a loop can move the arena:
//   - the loop makes no call and hands no instruction to the interpreter
//     (either may allocate, and an allocation may move the header table
//     or a slab), and stores into no header (push, or a set that unpacks,
//     are steps anyway);
//   - a free (a release that drops the last count) changes only the freed
//     object's memory;
//   - a reduction charge that runs out of budget parks the run only when
//     no collection is due (the machine checks Heap.NeedsCollect before
//     it parks: interp's runNative), and nothing else touches an actor's
//     heap while it is parked, so a run that goes on finds the arena as
//     it left it; one that does not park is written back and enters again
//     through an entry block, which computes the values anew.
// Only headers of arrays the loop's header holds as a parameter of kind
// array on every edge (function.arrays), the same on every back edge, are
// read early: such a handle names a live array, so reading its header
// before the loop's checks is safe.

// hoist moves the header reads of every loop it can out of it, into a
// block before its header that the edges from outside go through.
func (f *function) hoist() {
	done := map[int]bool{}
	for range f.blocks {
		if !f.hoistOne(done) {
			return
		}
	}
}

// hoistOne hoists out of one loop not yet done, and reports whether it
// found one.
func (f *function) hoistOne(done map[int]bool) bool {
	order, idom := f.dominators()
	if order == nil {
		return false
	}
	dominates := func(a, b int) bool {
		for b >= 0 {
			if a == b {
				return true
			}
			b = idom[b]
		}
		return false
	}
	for _, h := range order {
		if done[h] {
			continue
		}
		hb := f.blocks[h]
		var back, fwd []int
		for _, p := range hb.preds {
			if dominates(h, p) {
				back = append(back, p)
			} else {
				fwd = append(fwd, p)
			}
		}
		if len(back) == 0 || len(fwd) == 0 {
			continue
		}
		done[h] = true
		body := f.loopBody(h, back)
		if !f.cleanLoop(body) {
			continue
		}
		if f.hoistLoop(h, back, fwd, body, order) {
			return true
		}
	}
	return false
}

// loopBody returns the blocks of the loop of header h with back edges
// from back: h and every block that reaches one of them without h.
func (f *function) loopBody(h int, back []int) map[int]bool {
	body := map[int]bool{h: true}
	work := append([]int(nil), back...)
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if body[b] {
			continue
		}
		body[b] = true
		work = append(work, f.blocks[b].preds...)
	}
	return body
}

// cleanLoop reports whether nothing in body may move the arena or change
// a header (see the file's comment).
func (f *function) cleanLoop(body map[int]bool) bool {
	for id := range body {
		for _, v := range f.blocks[id].instrs {
			x := &f.values[v]
			switch x.op {
			case opCall, opCallK, opStep, opEntry:
				return false
			case opStoreM:
				if c := f.memClass(x.a); c < 0 || c == memHdrs {
					return false
				}
			}
		}
	}
	return true
}

// hoistLoop moves the header reads of the loop of header h out of it, and
// reports whether there were any.
func (f *function) hoistLoop(h int, back, fwd []int, body map[int]bool, order []int) bool {
	hb := f.blocks[h]
	// The header's parameters that every back edge passes on as they are.
	same := map[vid]bool{}
	for i, p := range hb.params {
		ok := true
		for _, b := range back {
			if f.argsInto(b, h)[i] != p {
				ok = false
			}
		}
		same[p] = ok
	}
	isConst := func(v vid) bool { _, ok := f.isConst(v); return ok }
	// The loads of the header of an array parameter the back edges pass
	// on, and arithmetic of what they load and constants (an offset in
	// units: the elements' address is the slab's base, read in the loop,
	// plus it). Not the NativeState's bases of the header table and the
	// slabs: an allocation while the run is parked (a message the
	// scheduler moves into the heap before the run goes on) may move
	// them, never a header of a live array. (The pre-header reads its own
	// to load the headers.)
	stable := map[vid]bool{}
	var hoisted []vid
	loads := 0
	for _, id := range order {
		if !body[id] {
			continue
		}
		for _, v := range f.blocks[id].instrs {
			x := &f.values[v]
			ok := false
			switch x.op {
			case opLoad:
				ok = f.hoistableHeader(x.a, same) != 0
			case opAdd, opShl, opMul:
				ok = (stable[x.a] || isConst(x.a)) && (stable[x.b] || isConst(x.b)) && (stable[x.a] || stable[x.b])
			}
			if ok {
				stable[v] = true
				hoisted = append(hoisted, v)
				if x.op == opLoad {
					loads++
				}
			}
		}
	}
	if loads == 0 {
		return false
	}

	// The block before the header: it takes the header's parameters from
	// the edges from outside, computes the hoisted values from its own,
	// and jumps to the header with them.
	pre := f.newBlock(-1)
	as := map[vid]vid{} // a header parameter -> the pre-header's
	for _, p := range hb.params {
		q := f.newValue(-1, opParam, f.values[p].typ, 0, 0, 0)
		f.values[q].blk = int32(pre.id)
		pre.params = append(pre.params, q)
		as[p] = q
	}
	for _, p := range fwd {
		t := &f.blocks[p].term
		for k := range t.succ {
			if (t.kind == tkJump && k == 0 || t.kind == tkBranch) && t.succ[k] == h {
				t.succ[k] = pre.id
			}
		}
	}
	pre.preds = fwd
	preds := append([]int(nil), back...)
	hb.preds = append(preds, pre.id)
	pre.term = term{kind: tkJump, succ: [2]int{h}, args: [2][]vid{append([]vid(nil), pre.params...)}}
	for _, q := range pre.params {
		f.use(q)
	}
	// Each hoisted value is computed again in the pre-header, from the
	// pre-header's parameters; the loop's uses take the new one, and the
	// old one goes (removeDead).
	repl := map[vid]vid{}
	m := func(o vid) vid {
		if r, ok := repl[o]; ok {
			return r
		}
		if r, ok := as[o]; ok {
			return r
		}
		return o
	}
	var hdrs vid           // the pre-header's own base of the header table
	addrs := map[vid]vid{} // a header's address in the loop -> in the pre-header
	for _, v := range hoisted {
		x := f.values[v]
		a := m(x.a)
		if x.op == opLoad {
			// hdrs + handle*ArenaHdrSize, computed here
			if a = addrs[x.a]; a == 0 {
				if hdrs == 0 {
					hdrs = f.newValue(pre.id, opState, tInt, 0, 0, offHdrs)
				}
				handle := f.hoistableHeader(x.a, same)
				size := f.constant(int64(gc.ArenaHdrSize))
				a = f.newValue(pre.id, opAdd, tInt, hdrs, f.newValue(pre.id, opMul, tInt, m(handle), size, 0), 0)
				addrs[x.a] = a
			}
		}
		n := f.newValue(pre.id, x.op, x.typ, a, m(x.b), x.imm)
		f.values[n].aux = x.aux
		repl[v] = n
	}
	f.eachUse(func(u *vid) {
		if r, ok := repl[*u]; ok {
			*u = r
		}
	})
	for _, v := range hoisted {
		f.values[v].op = opNop
	}
	f.recount()
	return true
}

// hoistableHeader returns the handle whose header address addr is (the header
// table's base plus handle times ArenaHdrSize), when that handle is an
// array parameter in same that the back edges pass on; else 0.
func (f *function) hoistableHeader(addr vid, same map[vid]bool) vid {
	x := &f.values[addr]
	if x.op != opAdd {
		return 0
	}
	for _, pair := range [][2]vid{{x.a, x.b}, {x.b, x.a}} {
		st, mul := &f.values[pair[0]], &f.values[pair[1]]
		if st.op != opState || st.imm != offHdrs || mul.op != opMul {
			continue
		}
		if c, ok := f.isConst(mul.b); ok && c == int64(gc.ArenaHdrSize) && f.arrays[mul.a] && same[mul.a] {
			return mul.a
		}
	}
	return 0
}
