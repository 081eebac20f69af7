package jit

// This file finds what a function does to the stack it is called on, when
// that is fixed: the lowest slot it may pop or change (below its base, the
// caller's top) and where its top is when it returns. A call of a function
// whose effect is known leaves the caller's slots below that alone, so the
// caller keeps them (values, kinds) across the call and needs no new
// region. The analysis follows the stack depth through the code, with each
// instruction's effect from interp's table; a recursive call is first
// left out (the paths through it are dropped), then assumed to have the
// effect the other paths give, which must come out again.

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

// effects memoizes the effects of a program's functions during one
// compilation.
type effects struct {
	funcs []*interp.Func
	memo  map[*interp.Func]effect
	busy  map[*interp.Func]bool
}

func newEffects(funcs []*interp.Func) *effects {
	return &effects{funcs: funcs, memo: map[*interp.Func]effect{}, busy: map[*interp.Func]bool{}}
}

// of returns fn's effect.
func (es *effects) of(fn *interp.Func) effect {
	if e, ok := es.memo[fn]; ok {
		return e
	}
	if es.busy[fn] {
		return effect{} // mutual recursion: not known
	}
	es.busy[fn] = true
	defer delete(es.busy, fn)
	e := es.walk(fn, nil)
	if e.known {
		// With the recursive calls given the effect found without them,
		// the whole function must give it again.
		if e2 := es.walk(fn, &e); e2 != e {
			e = effect{}
		}
	}
	es.memo[fn] = e
	return e
}

// walk follows fn's stack depth. self is the effect assumed for calls of
// fn itself; nil drops the paths through them.
func (es *effects) walk(fn *interp.Func, self *effect) effect {
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
			switch {
			case callee == fn && self == nil:
				dead = true
			case callee == fn:
				ce = *self
			default:
				ce = es.of(callee)
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
