package jit

// This file finds what a function does to the stack it is called on, when
// that is fixed: the lowest slot it may pop or change (below its base, the
// caller's top) and where its top is when it returns. A call of a function
// whose effect is known leaves the caller's slots below that alone, so the
// caller keeps them (values, kinds) across the call and needs no new
// region. The analysis follows the stack depth through the code, with each
// instruction's effect from interp's table. Functions that call each other
// (a strongly connected part of the call graph, a word calling itself
// included) are solved together: first the paths through calls of the
// part are left out, then each call is assumed to have the effect found
// for its callee, until nothing changes; then every function of the part
// must give again exactly the effect assumed for it, with every call of
// the part assumed so. That is sound by induction on the depth of calls
// of a run that returns. A function that fails it is not known, nor then
// the ones that call it.

import (
	"github.com/raftvm/raft/interp"
)

// effect is a function's effect on the stack, in positions from its base
// (0 is the caller's top at the call).
type effect struct {
	known bool
	min   int // the lowest position popped or changed (1: none of the caller's)
	top   int // the position of the top when it returns
}

// effects memoizes the effects of the functions of one function table,
// for every compilation while the table stands (the JIT drops it when the
// table changes: a REPL line may redefine a callee). The answer for a
// function does not depend on the order of the questions (a caller and its
// callee, compiled apart, agree).
type effects struct {
	funcs []*interp.Func
	memo  map[*interp.Func]effect

	// While a part is solved: the effect assumed for each of its
	// functions (nil: the paths through its calls are left out, or, when
	// verifying, it is not known).
	assume    map[*interp.Func]*effect
	verifying bool

	parts map[*interp.Func][]*interp.Func // each function's part, made at the first question
}

func newEffects(funcs []*interp.Func) *effects {
	return &effects{funcs: funcs, memo: map[*interp.Func]effect{}}
}

// of returns fn's effect.
func (es *effects) of(fn *interp.Func) effect {
	if e, ok := es.memo[fn]; ok {
		return e
	}
	if es.parts == nil {
		es.findParts()
	}
	part := es.parts[fn]
	if part == nil {
		part = []*interp.Func{fn} // not in the program's table
	}
	es.solve(part)
	return es.memo[fn]
}

// solve finds the effects of the functions of one part.
func (es *effects) solve(part []*interp.Func) {
	outer, outerVerifying := es.assume, es.verifying
	defer func() { es.assume, es.verifying = outer, outerVerifying }()
	es.assume, es.verifying = map[*interp.Func]*effect{}, false
	for _, g := range part {
		es.assume[g] = nil
	}
	for round := 0; round <= len(part)+1; round++ {
		changed := false
		for _, g := range part {
			if e := es.walk(g); e.known {
				if a := es.assume[g]; a == nil || *a != e {
					es.assume[g] = &e
					changed = true
				}
			}
		}
		if !changed {
			break
		}
	}
	es.verifying = true
	for ok := false; !ok; {
		ok = true
		for _, g := range part {
			a := es.assume[g]
			if a == nil {
				continue
			}
			if e := es.walk(g); e != *a {
				es.assume[g] = nil
				ok = false
			}
		}
	}
	for _, g := range part {
		if a := es.assume[g]; a != nil {
			es.memo[g] = *a
		} else {
			es.memo[g] = effect{}
		}
	}
}

// callees calls f on the function of each Call in fn.
func (es *effects) callees(fn *interp.Func, f func(*interp.Func)) {
	for pc := 0; pc < len(fn.Code); {
		in := interp.Decode(fn, pc)
		if in.Op == interp.Call && int(in.Fn) < len(es.funcs) && es.funcs[in.Fn] != nil {
			f(es.funcs[in.Fn])
		}
		pc += in.Size
	}
}

// findParts splits the call graph into its strongly connected parts
// (Tarjan's algorithm, with a stack of its own: programs may be deep).
func (es *effects) findParts() {
	es.parts = map[*interp.Func][]*interp.Func{}
	index := map[*interp.Func]int{} // Tarjan's numbering
	low := map[*interp.Func]int{}
	onStack := map[*interp.Func]bool{}
	var stack []*interp.Func
	type frame struct {
		fn   *interp.Func
		outs []*interp.Func
		next int
	}
	var work []frame
	visit := func(fn *interp.Func) {
		n := len(index)
		index[fn], low[fn] = n, n
		stack = append(stack, fn)
		onStack[fn] = true
		var outs []*interp.Func
		es.callees(fn, func(g *interp.Func) { outs = append(outs, g) })
		work = append(work, frame{fn: fn, outs: outs})
	}
	for _, root := range es.funcs {
		if _, done := index[root]; done || root == nil {
			continue
		}
		visit(root)
		for len(work) > 0 {
			top := &work[len(work)-1]
			if top.next < len(top.outs) {
				g := top.outs[top.next]
				top.next++
				if _, seen := index[g]; !seen {
					visit(g)
				} else if onStack[g] {
					low[top.fn] = min(low[top.fn], index[g])
				}
				continue
			}
			fn := top.fn
			work = work[:len(work)-1]
			if len(work) > 0 {
				caller := work[len(work)-1].fn
				low[caller] = min(low[caller], low[fn])
			}
			if low[fn] != index[fn] {
				continue
			}
			var part []*interp.Func
			for {
				g := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[g] = false
				part = append(part, g)
				if g == fn {
					break
				}
			}
			for _, g := range part {
				es.parts[g] = part
			}
		}
	}
}

// walk follows fn's stack depth, with each call of the part being solved
// given the effect assumed for its callee.
func (es *effects) walk(fn *interp.Func) effect {
	code := fn.Code
	depth := map[int]int{0: 0}
	marks := map[int]map[int]int{}
	work := []int{0}
	res := effect{min: 1}
	returned := false
	fail := func() effect { return effect{} }
	seen := map[int]bool{}
	for len(work) > 0 {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		d := depth[pc]
		mk := marks[pc]
		in := interp.Decode(fn, pc)
		next := pc + in.Size
		var pops, pushes int
		dead := false
		switch in.Op {
		case interp.Call:
			callee := es.funcs[in.Fn]
			var ce effect
			if a, inPart := es.assume[callee]; !inPart {
				ce = es.of(callee)
			} else if a != nil {
				ce = *a
			} else if !es.verifying {
				dead = true // left out, this round
			}
			if !dead {
				if !ce.known {
					return fail()
				}
				pops, pushes = 1-ce.min, ce.top-ce.min+1
			}
		case interp.CallQuot:
			return fail()
		case interp.Builtin:
			bi, bo := interp.BuiltinEffect(in.Slot)
			if bo < 0 {
				return fail()
			}
			pops, pushes = bi, bo
		case interp.CallHost:
			hi, ho, _, ok := fn.HostEffect(in.Slot)
			if !ok {
				return fail()
			}
			pops, pushes = hi, ho
		case interp.MakeArray:
			t, ok := mk[in.Slot]
			if !ok || t > d {
				return fail()
			}
			pops, pushes = d-t, 1
		default:
			pops, pushes = in.Op.Effect()
		}
		res.min = min(res.min, d-pops+1)
		nd := d - pops + pushes
		if in.Op == interp.Mark {
			mk = copyMarks(mk)
			mk[in.Slot] = d
		}
		if dead {
			continue
		}
		// Where control goes, and at which depth.
		var succ []int
		for _, p := range interp.Expand(in) {
			if p.Op == interp.Return {
				// A conditional return returns with the depth it tests at.
				rd := nd
				if in.Op != interp.Return {
					rd = d
				}
				if returned && rd != res.top {
					return fail()
				}
				returned, res.top = true, rd
			}
		}
		if in.Target >= 0 {
			td := nd
			if in.Op == interp.DoInit || in.Op == interp.DoInitStep {
				td = d - 2
			}
			succ = append(succ, in.Target)
			if !setDepth(depth, in.Target, td) {
				return fail()
			}
			if marks[in.Target] == nil {
				marks[in.Target] = mk
			}
		}
		if in.Op != interp.Return && in.Op != interp.Jump && next < len(code) {
			succ = append(succ, next)
			if !setDepth(depth, next, nd) {
				return fail()
			}
			if marks[next] == nil {
				marks[next] = mk
			}
		}
		work = append(work, succ...)
	}
	if !returned {
		return fail()
	}
	res.known = true
	return res
}

// setDepth records depth d at pc, and reports whether it agrees with what
// was recorded before.
func setDepth(depth map[int]int, pc, d int) bool {
	if old, ok := depth[pc]; ok {
		return old == d
	}
	depth[pc] = d
	return true
}

func copyMarks(m map[int]int) map[int]int {
	c := make(map[int]int, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}
