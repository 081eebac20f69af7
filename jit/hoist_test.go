package jit

import (
	"testing"

	"github.com/raftvm/raft/interp"
)

// headerLoadsInLoops counts, in fn's optimized code, the loads of array
// headers inside loops (blocks a back edge leads to, and those between).
func headerLoadsInLoops(t *testing.T, src, name string) int {
	t.Helper()
	f := built(t, src, name)
	order, idom := f.dominators()
	dominates := func(a, b int) bool {
		for ; b >= 0; b = idom[b] {
			if a == b {
				return true
			}
		}
		return false
	}
	in := map[int]bool{}
	for _, h := range order {
		var back []int
		for _, p := range f.blocks[h].preds {
			if dominates(h, p) {
				back = append(back, p)
			}
		}
		if len(back) > 0 {
			for id := range f.loopBody(h, back) {
				in[id] = true
			}
		}
	}
	n := 0
	for id := range in {
		for _, v := range f.blocks[id].instrs {
			if x := &f.values[v]; x.op == opLoad && f.memClass(x.a) == memHdrs {
				n++
			}
		}
	}
	return n
}

// TestHoistHeaders: a stencil's loop reads the headers of its two arrays
// before it, not at each pass; a loop that allocates (a string, made by
// the interpreter: the header table may move) reads them at each pass
// still.
func TestHoistHeaders(t *testing.T) {
	const stencil = `
: step ( old new n -- ) | old new n |
  n 1- 1 do new i  old i 1- get old i 1+ get + 0.5 *  set loop ;
`
	if n := headerLoadsInLoops(t, stencil, "step"); n != 0 {
		t.Errorf("step: %d header loads in its loop, want 0", n)
	}
	const steps = `
: step ( old new n -- ) | old new n |
  n 1- 1 do new i  old i 1- get old i 1+ get + 0.5 *  set  i str drop loop ;
`
	if n := headerLoadsInLoops(t, steps, "step"); n == 0 {
		t.Errorf("step that makes strings: no header loads in its loop, want them at each pass")
	}
}

// TestHoistedHeadersAfterCollect runs a loop whose arrays' headers are
// read before it, with a heap that wants a collection at every slice
// (Stress) and slices of a few reductions, so that the loop is left and
// entered again thousands of times, and a collection moves the arrays
// half-way (g, freed, lay before them): its sums and the heap's counts are
// the interpreter's.
func TestHoistedHeadersAfterCollect(t *testing.T) {
	src := `
: step ( old new n -- ) | old new n |
  n 1- 1 do new i  old i 1- get old i 1+ get + 0.5 *  set loop ;
: sum ( a -- s ) | a | 0.0 a len 0 do a i get + loop ;
400 array | g |  g 0 1 set
400 array | a |  400 array | b |
400 0 do a i i float set  b i 0.0 set loop
60 0 do a b 400 step  i 30 = if nil to g then  b a 400 step loop
a sum 3 fixed .  b sum 3 fixed .`
	run := func(jitted bool) (string, *interp.Machine) {
		var mode *bool
		if jitted {
			mode = new(bool) // --jit: what gets hot
		}
		out, rep, st, m, _ := runMachine(t, src, mode, 7, true)
		if st != interp.StatusDone {
			t.Fatalf("jit %v: status %v: %s", jitted, st, rep)
		}
		return out, m
	}
	want, _ := run(false)
	got, m := run(true)
	if got != want {
		t.Errorf("with the JIT: %q, want %q", got, want)
	}
	if err := m.Heap.Verify(m.Roots()...); err != nil {
		t.Errorf("the heap after the run: %v", err)
	}
}
