package jit

// This file cleans the intermediate form after build: parameters that
// every edge fills with one value go (the builder gives a loop header a
// parameter for everything), values nothing uses go, and jumps to blocks
// that only jump are threaded through.

import (
	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// operands calls fn on a pointer to every operand of value v.
func (f *function) operands(v *value, fn func(*vid)) {
	fn(&v.a)
	fn(&v.b)
	fn(&v.c)
}

// eachUse calls fn on a pointer to every use of a value: operands,
// terminators, exits.
func (f *function) eachUse(fn func(*vid)) {
	for i := 1; i < len(f.values); i++ {
		if f.values[i].op != opNop { // a value that went keeps its operands: no uses
			f.operands(&f.values[i], fn)
		}
	}
	for _, b := range f.blocks {
		t := &b.term
		fn(&t.a)
		fn(&t.b)
		for k := range t.args {
			for j := range t.args[k] {
				fn(&t.args[k][j])
			}
		}
	}
	live := f.liveExits()
	for i := range f.exits {
		if !live[i] {
			continue // the exit of a check that went
		}
		e := &f.exits[i]
		for j := range e.stores {
			fn(&e.stores[j].k)
			fn(&e.stores[j].p)
		}
		for j := range e.retains {
			fn(&e.retains[j][0])
			fn(&e.retains[j][1])
		}
		fn(&e.guard)
		fn(&e.auxV[0])
		fn(&e.auxV[1])
	}
	for i := range f.calls {
		fn(&f.calls[i].dyn)
	}
}

// liveExits reports which exits an instruction or a block's end of the
// function still takes (a check gvn dropped leaves its exit behind).
func (f *function) liveExits() []bool {
	live := make([]bool, len(f.exits))
	for _, b := range f.blocks {
		for _, v := range b.instrs {
			switch x := &f.values[v]; {
			case x.op == opRelease: // its exit frees the object (exitOf leaves it out: it is the release's operands)
				live[x.imm] = true
			case x.op != opNop:
				if e := f.exitOf(v); e >= 0 {
					live[e] = true
				}
			}
		}
		if b.term.kind == tkExit {
			live[b.term.exit] = true
		}
	}
	return live
}

// recount sets every value's use count.
func (f *function) recount() {
	for i := range f.values {
		f.values[i].uses = 0
	}
	f.eachUse(func(v *vid) {
		if *v != 0 {
			f.values[*v].uses++
		}
	})
}

// effectful reports whether o must stay even when its value is not used.
func effectful(o op) bool {
	switch o {
	case opStore, opStoreL, opStoreM, opCheck, opFCheck, opCharge, opStep, opRetain, opRelease,
		opCall, opEntry, opSetDSP, opRegionCheck:
		return true
	}
	return false
}

// optimize runs the clean-up passes.
func (f *function) optimize() {
	f.thread()
	f.removeTrivialParams()
	f.removeDead()
	f.recount()
	f.gvn()
	f.thread()
	f.removeTrivialParams()
	f.hoist()
	f.cancelRetains()
	f.sinkRetains()
	f.removeDead()
	f.recount()
	f.fuseBranches()
	f.removeDead()
	f.recount()
}

// fuseBranches makes a branch on a comparison made in its block for it
// alone (a diamond's test, the builder's) branch on the comparison itself,
// and one on x & c against 0 a test.
func (f *function) fuseBranches() {
	for _, b := range f.blocks {
		t := &b.term
		if t.kind != tkBranch || t.float || t.cond != cNe && t.cond != cEq {
			continue
		}
		if c, ok := f.isConst(t.b); !ok || c != 0 {
			continue
		}
		x := &f.values[t.a]
		if x.blk != int32(b.id) || x.uses != 1 {
			continue
		}
		if c, ok := f.isConst(x.b); ok && x.op == opAnd && c == int64(int32(c)) && f.values[x.a].typ == tInt {
			// x & c against 0: a test (collatz's 2 mod).
			t.a, t.b, t.test = x.a, x.b, true
			x.op = opNop
			continue
		}
		if x.op != opCmp && x.op != opFCmp {
			continue
		}
		c := cond(x.aux)
		switch {
		case x.op == opCmp && t.cond == cEq:
			c = c.negate()
		case x.op == opFCmp && t.cond == cEq:
			// Not c on floats is no condition (NaN): swap the edges.
			t.succ[0], t.succ[1] = t.succ[1], t.succ[0]
			t.args[0], t.args[1] = t.args[1], t.args[0]
		}
		t.a, t.b, t.cond, t.float = x.a, x.b, c, x.op == opFCmp
		x.op = opNop
	}
}

// thread makes every jump to a block that only jumps on (no parameters,
// no instructions, no arguments) go to where that one goes.
func (f *function) thread() {
	final := func(id int) int {
		for n := 0; n < len(f.blocks); n++ {
			b := f.blocks[id]
			if len(b.params) > 0 || len(b.instrs) > 0 || b.term.kind != tkJump || len(b.term.args[0]) > 0 || f.isEntry(id) {
				break
			}
			id = b.term.succ[0]
		}
		return id
	}
	for _, b := range f.blocks {
		switch b.term.kind {
		case tkJump:
			b.term.succ[0] = final(b.term.succ[0])
		case tkBranch:
			b.term.succ[0], b.term.succ[1] = final(b.term.succ[0]), final(b.term.succ[1])
		}
	}
	f.repred()
}

func (f *function) isEntry(id int) bool {
	for _, e := range f.entries {
		if e.blk == id {
			return true
		}
	}
	return false
}

// repred recomputes every block's predecessors from the terminators of the
// blocks reachable from the entries, and drops the others' edges.
func (f *function) repred() {
	seen := make([]bool, len(f.blocks))
	var walk func(id int)
	walk = func(id int) {
		if seen[id] {
			return
		}
		seen[id] = true
		t := f.blocks[id].term
		switch t.kind {
		case tkJump:
			walk(t.succ[0])
		case tkBranch:
			walk(t.succ[0])
			walk(t.succ[1])
		}
	}
	for _, e := range f.entries {
		walk(e.blk)
	}
	for _, b := range f.blocks {
		b.preds = nil
	}
	for _, b := range f.blocks {
		if !seen[b.id] {
			b.instrs, b.term = nil, term{kind: tkNone}
			continue
		}
		switch b.term.kind {
		case tkJump:
			f.blocks[b.term.succ[0]].preds = append(f.blocks[b.term.succ[0]].preds, b.id)
		case tkBranch:
			f.blocks[b.term.succ[0]].preds = append(f.blocks[b.term.succ[0]].preds, b.id)
			f.blocks[b.term.succ[1]].preds = append(f.blocks[b.term.succ[1]].preds, b.id)
		}
	}
}

// argsInto returns the arguments pred passes to succ's parameters.
func (f *function) argsInto(pred, succ int) []vid {
	t := &f.blocks[pred].term
	if t.succ[0] == succ && (t.kind == tkJump || t.kind == tkBranch) {
		return t.args[0]
	}
	return t.args[1]
}

// removeTrivialParams replaces a parameter that every edge fills with the
// same value (or itself) by that value.
func (f *function) removeTrivialParams() {
	repl := replacements{}
	find := repl.find
	for changed := true; changed; {
		changed = false
		for _, b := range f.blocks {
			for i := 0; i < len(b.params); i++ {
				p := b.params[i]
				var only vid
				trivial := len(b.preds) > 0
				for _, pr := range b.preds {
					a := find(f.argsInto(pr, b.id)[i])
					if a == p {
						continue
					}
					if only != 0 && a != only {
						trivial = false
						break
					}
					only = a
				}
				if !trivial || only == 0 {
					continue
				}
				repl[p] = only
				b.params = append(b.params[:i], b.params[i+1:]...)
				for _, pr := range b.preds {
					t := &f.blocks[pr].term
					k := 0
					if t.kind == tkBranch && t.succ[0] != b.id {
						k = 1
					}
					if t.kind == tkBranch && t.succ[0] == b.id && t.succ[1] == b.id {
						// Both edges into one block: the builder never makes it.
						panic("jit: a branch with both edges into one block")
					}
					t.args[k] = append(t.args[k][:i:i], t.args[k][i+1:]...)
				}
				i--
				changed = true
			}
		}
	}
	if len(repl) > 0 {
		f.eachUse(func(v *vid) {
			if *v != 0 {
				*v = find(*v)
			}
		})
	}
}

// removeDead drops values that nothing uses and that change nothing.
func (f *function) removeDead() {
	live := make([]bool, len(f.values))
	var work []vid
	mark := func(v vid) {
		if v != 0 && !live[v] {
			live[v] = true
			work = append(work, v)
		}
	}
	for _, b := range f.blocks {
		for _, id := range b.instrs {
			if effectful(f.values[id].op) {
				mark(id)
			}
		}
		mark(b.term.a)
		mark(b.term.b)
	}
	// A parameter is live when something uses it; then so are the
	// arguments that fill it.
	type at struct{ blk, i int }
	param := map[vid]at{}
	for _, b := range f.blocks {
		for i, p := range b.params {
			param[p] = at{b.id, i}
		}
	}
	taken := f.liveExits()
	for i := range f.exits {
		if !taken[i] {
			continue
		}
		e := &f.exits[i]
		for _, s := range e.stores {
			mark(s.k)
			mark(s.p)
		}
		for _, r := range e.retains {
			mark(r[0])
			mark(r[1])
		}
		mark(e.guard)
		mark(e.auxV[0])
		mark(e.auxV[1])
	}
	for _, c := range f.calls {
		mark(c.dyn)
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		x := &f.values[v]
		mark(x.a)
		mark(x.b)
		mark(x.c)
		if pa, ok := param[v]; ok {
			for _, pr := range f.blocks[pa.blk].preds {
				mark(f.argsInto(pr, pa.blk)[pa.i])
			}
		}
	}
	// A block parameter is live when its block's arguments are: a dead
	// one is dropped with its arguments.
	for _, b := range f.blocks {
		for i := 0; i < len(b.params); i++ {
			if live[b.params[i]] {
				continue
			}
			b.params = append(b.params[:i], b.params[i+1:]...)
			for _, pr := range b.preds {
				t := &f.blocks[pr].term
				k := 0
				if t.kind == tkBranch && t.succ[0] != b.id {
					k = 1
				}
				t.args[k] = append(t.args[k][:i:i], t.args[k][i+1:]...)
			}
			i--
		}
	}
	for _, b := range f.blocks {
		out := b.instrs[:0]
		for _, id := range b.instrs {
			if live[id] && f.values[id].op != opNop {
				out = append(out, id)
			}
		}
		b.instrs = out
	}
}

// cancelRetains drops a count taken and dropped again in one block with
// nothing between that could free or change memory (pure operations,
// loads, checks, other retains): a get's element that the next get takes
// apart (b i get j get: the row). Memory keeps it alive meanwhile; the
// exits of the checks between take the count instead (an exit's retains).
// sinkRetains may then sink the element's own count past the release.
func (f *function) cancelRetains() {
	for _, b := range f.blocks {
		for i, id := range b.instrs {
			r := &f.values[id]
			if r.op != opRetain {
				continue
			}
			_, constK := f.isConst(r.a)
			_, constP := f.isConst(r.b)
			if constK || constP {
				continue
			}
			var exits []int
			rel := -1
		scan:
			for _, nid := range b.instrs[i+1:] {
				x := &f.values[nid]
				switch {
				case x.op == opRelease && x.b == r.b:
					rel = int(nid)
					break scan
				case x.op == opCheck:
					exits = append(exits, int(x.imm))
				case x.op == opNop || x.op == opRetain || x.op == opLoad || x.typ != tVoid && !effectful(x.op):
				default:
					break scan
				}
			}
			if rel < 0 || !f.exitsTake(exits, r) {
				continue
			}
			r.op = opNop
			f.values[rel].op = opNop
		}
	}
}

// sinkRetains drops the count a value read from memory takes (a get's
// element, of a kind not known) when a check that its kind holds no heap
// value follows in its block with nothing between but pure operations and
// other checks: the exits of those checks, the last one's too, take the
// count instead (an exit's retains), and past the last one there is no
// count to take. nbody's gets each tested a float's kind to count it.
func (f *function) sinkRetains() {
	for _, b := range f.blocks {
		for i, id := range b.instrs {
			r := &f.values[id]
			if r.op != opRetain {
				continue
			}
			if _, known := f.isConst(r.a); known {
				continue
			}
			var exits []int
			done := false
		scan:
			for _, nid := range b.instrs[i+1:] {
				x := &f.values[nid]
				switch {
				case x.op == opCheck:
					exits = append(exits, int(x.imm))
					if x.a == r.a && f.scalarCheck(x) {
						done = true
						break scan
					}
				case x.op == opNop || x.op == opRetain || x.typ != tVoid && !effectful(x.op):
				default:
					break scan
				}
			}
			if !done || !f.exitsTake(exits, r) {
				continue
			}
			r.op = opNop
		}
	}
}

// exitsTake gives the count retain r takes to each of exits instead, and
// reports whether it could: only exits to the interpreter take counts.
func (f *function) exitsTake(exits []int, r *value) bool {
	for _, e := range exits {
		if f.exits[e].kind != interp.ExitInterp {
			return false
		}
	}
	for _, e := range exits {
		rs := f.exits[e].retains // shared between exits (exitCache): copied
		f.exits[e].retains = append(rs[:len(rs):len(rs)], [2]vid{r.a, r.b})
	}
	return true
}

// scalarCheck reports whether check x passes only on a kind that holds no
// heap value.
func (f *function) scalarCheck(x *value) bool {
	c, ok := f.isConst(x.b)
	if !ok {
		return false
	}
	switch cond(x.aux) {
	case cEq:
		return c < int64(gc.KStr)
	case cLtU:
		return c <= int64(gc.KStr)
	}
	return false
}

// replacements maps values that went to the values that stand for them
// (removeTrivialParams, gvn); a replacement may itself be replaced.
type replacements map[vid]vid

// find returns what stands for v at the end of the chain of replacements.
func (r replacements) find(v vid) vid {
	for {
		w, ok := r[v]
		if !ok {
			return v
		}
		v = w
	}
}
