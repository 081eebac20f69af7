package gc_test

import (
	"math/rand/v2"
	"testing"

	"github.com/raftvm/raft/gc"
)

// selfCycle returns an array holding itself and x, count 2: the caller's
// reference and its own.
func selfCycle(t testing.TB, h *gc.Heap, x gc.Value) gc.Value {
	t.Helper()
	a := mustArr(t, h, gc.Nil, x)
	h.Retain(a)
	h.Set(a, 0, a)
	return a
}

// pair returns a and b holding each other (a = [b], b = [a, x]), each with
// count 2: the caller's reference and the other's.
func pair(t testing.TB, h *gc.Heap, x gc.Value) (a, b gc.Value) {
	t.Helper()
	a = mustArr(t, h, gc.Nil)
	b = mustArr(t, h, gc.Nil, x)
	h.Retain(a)
	h.Retain(b)
	h.Set(a, 0, b)
	h.Set(b, 0, a)
	return a, b
}

func TestCollectCycles(t *testing.T) {
	t.Run("self", func(t *testing.T) {
		h := newHeap()
		a := selfCycle(t, h, mustStr(t, h, "inside"))
		wantCount(t, h, a, 2)
		h.Release(a)
		wantLive(t, h, 2) // refcounting alone cannot free it
		wantCount(t, h, a, 1)
		h.Collect()
		wantLive(t, h, 0)
		check(t, h)
	})
	t.Run("pair", func(t *testing.T) {
		h := newHeap()
		a, b := pair(t, h, gc.Int(3))
		h.Release(a)
		h.Release(b)
		wantLive(t, h, 2)
		h.Collect(nil, []gc.Value{gc.Int(1), gc.Nil})
		wantLive(t, h, 0)
		check(t, h)
	})
	t.Run("live cycle survives", func(t *testing.T) {
		// root -> a <-> b, b -> s: all reachable, counts recomputed.
		h := newHeap()
		s := mustStr(t, h, "leaf")
		h.Retain(s)
		a, b := pair(t, h, s)
		root := mustArr(t, h, a)
		h.Release(b)
		h.Retain(root) // a bogus count: Collect heals it
		h.Retain(s)
		h.Collect([]gc.Value{root}, []gc.Value{s})
		wantLive(t, h, 4)
		wantCount(t, h, root, 1)
		wantCount(t, h, a, 2) // from root and from b
		wantCount(t, h, b, 1) // from a
		wantCount(t, h, s, 2) // from b and from the roots
		check(t, h)
		// Cutting the only path makes the cycle garbage.
		h.Set(root, 0, gc.Nil)
		wantLive(t, h, 4)
		h.Collect([]gc.Value{root, s})
		wantLive(t, h, 2)
		wantCount(t, h, s, 1)
		check(t, h)
	})
	t.Run("dead cycle holding a live object", func(t *testing.T) {
		// a <-> b garbage, b -> L, L also a root: L survives with the
		// count of the roots only, and what L holds is untouched.
		h := newHeap()
		inner := mustStr(t, h, "in L")
		l := mustArr(t, h, inner, gc.Int(9))
		h.Retain(l)
		a, b := pair(t, h, l)
		h.Release(a)
		h.Release(b)
		wantCount(t, h, l, 2)
		h.Collect([]gc.Value{l})
		wantLive(t, h, 2)
		wantCount(t, h, l, 1)
		wantCount(t, h, inner, 1)
		if h.Get(l, 0) != inner || h.Text(inner) != "in L" {
			t.Error("a survivor changed")
		}
		check(t, h)
		h.Release(l)
		wantLive(t, h, 0)
	})
	t.Run("cycle hanging off a live object", func(t *testing.T) {
		// live -> a <-> b: reachable, so it stays, until live lets go.
		h := newHeap()
		a, b := pair(t, h, gc.Nil)
		live := mustArr(t, h, a)
		h.Release(b)
		h.Collect([]gc.Value{live})
		wantLive(t, h, 3)
		wantCount(t, h, a, 2)
		wantCount(t, h, b, 1)
		h.Release(live) // a keeps count 1 (from b)
		wantLive(t, h, 2)
		h.Collect()
		wantLive(t, h, 0)
		check(t, h)
	})
	t.Run("curry cycle", func(t *testing.T) {
		h := newHeap()
		a := mustArr(t, h, gc.Nil)
		h.Retain(a)
		c, err := h.NewCurry(a, gc.Quot(7))
		if err != nil {
			t.Fatal(err)
		}
		h.Set(a, 0, c) // a -> c -> a
		h.Release(a)
		wantLive(t, h, 2)
		h.Collect()
		wantLive(t, h, 0)
		check(t, h)
	})
	t.Run("roots counted per occurrence", func(t *testing.T) {
		h := newHeap()
		s := mustStr(t, h, "twice")
		h.Collect([]gc.Value{s, s}, []gc.Value{s})
		wantCount(t, h, s, 3)
		h.Collect([]gc.Value{s})
		wantCount(t, h, s, 1)
		h.Release(s)
		wantLive(t, h, 0)
	})
}

func TestCollectFreedRootPanics(t *testing.T) {
	h := newHeap()
	keep := mustStr(t, h, "keep")
	s := mustStr(t, h, "gone")
	h.Release(s)
	wantPanic(t, "Collect with a freed root", func() { h.Collect([]gc.Value{keep, s}) })
}

func TestCollectReclaimsSpace(t *testing.T) {
	h := newHeap()
	keep := mustStr(t, h, "keep")
	var garbage []gc.Value
	for range 1000 {
		garbage = append(garbage, selfCycle(t, h, mustStr(t, h, "a string of some length")))
	}
	for _, g := range garbage {
		h.Release(g)
	}
	before := h.ArenaBytes()
	h.Collect([]gc.Value{keep})
	check(t, h)
	wantLive(t, h, 1)
	// keep is handle 0: the table shrinks to one header, the slabs to its 8 bytes.
	if want := gc.HdrSize + 8; h.ArenaBytes() != want {
		t.Errorf("arena after Collect: %d bytes (was %d), want %d", h.ArenaBytes(), before, want)
	}
	if h.Text(keep) != "keep" {
		t.Errorf("survivor = %q", h.Text(keep))
	}
	// The heap goes on working: new objects take the lowest free handles.
	s := mustStr(t, h, "next")
	if s.Handle() != 1 {
		t.Errorf("next handle %d, want 1", s.Handle())
	}
	h.Release(s)
	h.Release(keep)
	h.Collect()
	if h.ArenaBytes() != 0 {
		t.Errorf("empty heap after Collect holds %d bytes", h.ArenaBytes())
	}
	if hd, v, b := h.SlabCaps(); hd+v+b != 0 || h.HasFreeLists() {
		t.Errorf("empty heap after Collect keeps slices: %d %d %d", hd, v, b)
	}
	check(t, h)
}

func TestNeedsCollect(t *testing.T) {
	h := newHeap()
	const base = 64 << 10
	var vs []gc.Value
	for range base {
		a, _ := h.NewArray(0)
		vs = append(vs, a)
	}
	if h.NeedsCollect() {
		t.Errorf("NeedsCollect at %d live objects", base)
	}
	a, _ := h.NewArray(0)
	vs = append(vs, a)
	if !h.NeedsCollect() {
		t.Errorf("no NeedsCollect at %d live objects", base+1)
	}
	// After a collection the threshold is twice what survived.
	h.Collect(vs)
	if h.NeedsCollect() {
		t.Error("NeedsCollect right after Collect")
	}
	for len(vs) < 2*(base+1) {
		a, _ := h.NewArray(0)
		vs = append(vs, a)
	}
	if h.NeedsCollect() {
		t.Errorf("NeedsCollect at %d live objects, twice the survivors", len(vs))
	}
	a, _ = h.NewArray(0)
	vs = append(vs, a)
	if !h.NeedsCollect() {
		t.Errorf("no NeedsCollect past twice the survivors")
	}
	// ... but never below the base.
	for _, v := range vs[10:] {
		h.Release(v)
	}
	h.Collect(vs[:10])
	for range base - 10 {
		a, _ := h.NewArray(0)
		vs = append(vs, a)
	}
	if h.NeedsCollect() {
		t.Error("threshold fell below 64Ki")
	}
	if st := h.Stats(); st.Collections != 2 {
		t.Errorf("collections = %d", st.Collections)
	}
}

func TestStress(t *testing.T) {
	h := newHeap()
	h.Stress = true
	if !h.NeedsCollect() {
		t.Error("Stress heap does not need a collection")
	}
	// Under Stress, Collect repacks any slab with free space: offsets move,
	// handles and contents do not.
	a := mustArr(t, h, mustStr(t, h, "abc"), gc.Int(1))
	b := mustArr(t, h, mustStr(t, h, "defgh"))
	h.Release(a)
	offBefore, _ := h.Block(b)
	h.Collect([]gc.Value{b})
	offAfter, _ := h.Block(b)
	if offAfter == offBefore {
		t.Errorf("b's block did not move (offset %d)", offBefore)
	}
	if h.Text(h.Get(b, 0)) != "defgh" {
		t.Errorf("b[0] = %q after the repack", h.Text(h.Get(b, 0)))
	}
	check(t, h)
}

// TestRandomOps drives a heap as an interpreter would, with a stack of
// values as the roots, and checks after every step that the arena's
// invariants hold and that every count is exactly the references to the
// object from the stack and from live objects. With Stress, the collector
// runs after every step, as it would at every safe point.
func TestRandomOps(t *testing.T) {
	for _, stress := range []bool{false, true} {
		name := "stress=false"
		if stress {
			name = "stress=true"
		}
		t.Run(name, func(t *testing.T) {
			for seed := range uint64(20) {
				randomOps(t, seed, stress, 400)
			}
		})
	}
}

func randomOps(t *testing.T, seed uint64, stress bool, steps int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	h := newHeap()
	h.Stress = stress
	other := newHeap()
	var stack []gc.Value
	pick := func() int { return rng.IntN(len(stack)) }
	pop := func() gc.Value {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		return v
	}
	for step := range steps {
		switch op := rng.IntN(14); {
		case op == 0 || len(stack) == 0:
			s, err := h.NewString([]byte("s" + string(rune('a'+rng.IntN(26)))))
			if err != nil {
				t.Fatal(err)
			}
			stack = append(stack, s)
		case op == 1:
			n := rng.IntN(5)
			if rng.IntN(3) == 0 {
				n += gc.PackMin // packed
			}
			a, _ := h.NewArray(n)
			stack = append(stack, a)
		case op == 2: // dup
			v := stack[pick()]
			h.Retain(v)
			stack = append(stack, v)
		case op == 3: // drop
			h.Release(pop())
		case op == 4: // pack the top n into an array
			n := rng.IntN(min(len(stack), 4) + 1)
			elems := append([]gc.Value(nil), stack[len(stack)-n:]...)
			stack = stack[:len(stack)-n]
			a, err := h.ArrayOf(elems)
			if err != nil {
				t.Fatal(err)
			}
			stack = append(stack, a)
		case op == 5 || op == 6: // push the top into an array below it
			if i := pick(); stack[i].K == gc.KArr && i != len(stack)-1 {
				x := pop()
				if err := h.Push(stack[i], x); err != nil {
					t.Fatal(err)
				}
			}
		case op == 7: // set an element, perhaps making a cycle
			if i := pick(); stack[i].K == gc.KArr && h.Len(stack[i]) > 0 {
				x := stack[pick()]
				h.Retain(x)
				if rng.IntN(2) == 0 { // a flag: a packed array stays packed
					h.Release(x)
					x = []gc.Value{gc.Nil, gc.False, gc.True}[rng.IntN(3)]
				}
				h.Set(stack[i], rng.IntN(h.Len(stack[i])), x)
			}
		case op == 8: // pop from an array
			if i := pick(); stack[i].K == gc.KArr {
				if x, ok := h.Pop(stack[i]); ok {
					stack = append(stack, x)
				}
			}
		case op == 9: // get (retained) from an array or curry
			v := stack[pick()]
			var x gc.Value
			if v.K == gc.KArr && h.Len(v) > 0 {
				x = h.Get(v, rng.IntN(h.Len(v)))
			} else if v.K == gc.KCurry {
				x, _ = h.CurryParts(v)
			}
			h.Retain(x)
			stack = append(stack, x)
		case op == 10: // curry
			x := pop()
			c, err := h.NewCurry(x, gc.Quot(uint32(step)))
			if err != nil {
				t.Fatal(err)
			}
			stack = append(stack, c)
		case op == 11: // copy into the same heap, or round trip through another
			v := stack[pick()]
			if rng.IntN(2) == 0 {
				stack = append(stack, mustCopy(t, h, h, v))
			} else {
				c := mustCopy(t, other, h, v)
				back := mustCopy(t, h, other, c)
				other.Release(c)
				other.Collect() // c may hold cycles
				if other.Stats().Live != 0 {
					t.Fatalf("seed %d step %d: other heap keeps %d objects", seed, step, other.Stats().Live)
				}
				sameShape(t, h, v, h, back)
				stack = append(stack, back)
			}
		case op == 12: // ints and nils
			stack = append(stack, gc.Int(int64(step)))
		case op == 13:
			h.Collect(stack)
		}
		if h.NeedsCollect() {
			h.Collect(stack)
		}
		if err := h.Check(); err != nil {
			t.Fatalf("seed %d step %d: %v", seed, step, err)
		}
		wantExactCounts(t, h, stack)
		if t.Failed() {
			t.Fatalf("seed %d step %d", seed, step)
		}
	}
	for len(stack) > 0 {
		h.Release(pop())
	}
	h.Collect()
	if st := h.Stats(); st.Live != 0 || st.Allocs != st.Frees {
		t.Fatalf("seed %d: after dropping everything: %+v", seed, st)
	}
}

// wantExactCounts checks that every live object has a count equal to its
// references from stack and from live objects.
func wantExactCounts(t *testing.T, h *gc.Heap, stack []gc.Value) {
	t.Helper()
	onStack := map[gc.Value]int{}
	for _, v := range stack {
		if v.IsHeap() {
			onStack[v]++
		}
	}
	for _, v := range h.Objects() {
		if n := onStack[v]; h.RefCount(v) != n+h.InRefs(v) {
			t.Errorf("%v %d: count %d, want %d on the stack + %d from objects",
				v.K, v.Handle(), h.RefCount(v), n, h.InRefs(v))
		}
	}
}
