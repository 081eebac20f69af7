package gc_test

import (
	"errors"
	"testing"

	"github.com/raftvm/raft/gc"
)

// TestQuickReuse: a freed tuple's handle and block serve the next object
// of its class together, and a heap whose messages alternate between two
// classes (a request of 3, an answer of 2) stops growing after one round.
func TestQuickReuse(t *testing.T) {
	h := newHeap()
	a := mustArr(t, h, gc.Int(1), gc.Int(2))
	off, c := h.Block(a)
	h.Release(a)
	b := mustArr(t, h, gc.Int(3), gc.Int(4))
	if b.Handle() != a.Handle() {
		t.Errorf("handle %d, want the freed %d", b.Handle(), a.Handle())
	}
	if off2, c2 := h.Block(b); off2 != off || c2 != c {
		t.Errorf("block (%d, class %d), want the freed (%d, class %d)", off2, c2, off, c)
	}
	if h.Get(b, 1) != gc.Int(4) {
		t.Errorf("element 1 is %v, want 4", h.Get(b, 1))
	}
	h.Release(b)
	check(t, h)

	round := func() {
		r := mustArr(t, h, gc.Int(1), gc.Int(2), gc.Int(3))
		check(t, h)
		h.Release(r)
		check(t, h)
		s := mustArr(t, h, gc.Int(4), gc.Int(5))
		check(t, h)
		h.Release(s)
		check(t, h)
	}
	round()
	size, handles := h.ArenaBytes(), h.Handles()
	for range 100 {
		round()
	}
	if h.ArenaBytes() != size || h.Handles() != handles {
		t.Errorf("arena %d bytes, %d handles after 100 rounds; %d, %d after one", h.ArenaBytes(), h.Handles(), size, handles)
	}
	if st := h.Stats(); st.Live != 0 || st.Allocs != st.Frees {
		t.Errorf("stats %+v: want nothing live and as many frees as allocations", st)
	}
}

// TestQuickOverflow: more small objects freed at once than the quick
// lists hold go to the other free lists; every handle and block is free
// exactly once, and all are reused.
func TestQuickOverflow(t *testing.T) {
	h := newHeap()
	var vs []gc.Value
	for i := range 100 {
		n := 1 + i%8 // classes 0 to 3
		elems := make([]gc.Value, n)
		for j := range elems {
			elems[j] = gc.Int(int64(i))
		}
		vs = append(vs, mustArr(t, h, elems...))
	}
	size, handles := h.ArenaBytes(), h.Handles()
	for _, v := range vs {
		h.Release(v)
		check(t, h)
	}
	for i := range 100 {
		n := 1 + i%8
		elems := make([]gc.Value, n)
		vs[i] = mustArr(t, h, elems...)
	}
	check(t, h)
	if h.ArenaBytes() != size || h.Handles() != handles {
		t.Errorf("arena %d bytes, %d handles after making the same again; %d, %d before", h.ArenaBytes(), h.Handles(), size, handles)
	}
	for _, v := range vs {
		h.Release(v)
	}
	check(t, h)
}

// TestQuickCollect: objects on the quick lists when a collection repacks
// the slab are free handles and blocks like any other: the collection
// keeps what lives, with its elements, and the heap stays sound.
func TestQuickCollect(t *testing.T) {
	h := newHeap()
	h.Stress = true // repack at any free block
	keep := mustArr(t, h, gc.Int(7), gc.Int(8), gc.Int(9))
	var tmp []gc.Value
	for i := range 20 {
		tmp = append(tmp, mustArr(t, h, gc.Int(int64(i)), gc.Int(1)))
	}
	for _, v := range tmp {
		h.Release(v)
	}
	cyc := mustArr(t, h, gc.Nil) // a cycle only the collector frees
	h.Retain(cyc)
	h.Set(cyc, 0, cyc)
	h.Release(cyc)
	h.Collect([]gc.Value{keep})
	if err := h.Verify([]gc.Value{keep}); err != nil {
		t.Fatal(err)
	}
	if got := h.Elems(keep); len(got) != 3 || got[0] != gc.Int(7) || got[2] != gc.Int(9) {
		t.Errorf("kept array holds %v", got)
	}
	if st := h.Stats(); st.Live != 1 {
		t.Errorf("%d live after the collection, want 1", st.Live)
	}
	again := mustArr(t, h, gc.Int(1), gc.Int(2))
	check(t, h)
	h.Release(again)
	h.Release(keep)
	check(t, h)
}

// TestQuickClear: Clear empties the quick lists with the rest; the heap
// starts again at its beginning.
func TestQuickClear(t *testing.T) {
	h := newHeap()
	for range 3 {
		a := mustArr(t, h, gc.Int(1))
		b := mustArr(t, h, gc.Int(1), gc.Int(2), gc.Int(3), gc.Int(4), gc.Int(5))
		h.Release(a)
		h.Release(b)
		h.Clear()
		check(t, h)
		if h.ArenaBytes() != 0 || h.Handles() != 0 {
			t.Fatalf("after Clear: %d bytes, %d handles", h.ArenaBytes(), h.Handles())
		}
	}
}

// TestQuickAtLimit: at the heap's limit, an object that fits only in a
// block the quick lists hold (split to its class) is still made.
func TestQuickAtLimit(t *testing.T) {
	h := newHeap()
	big := mustArr(t, h, make([]gc.Value, 8)...) // class 3
	pin := mustArr(t, h, gc.Int(0))              // after it: big's block does not end the slab
	h.Release(big)                               // on a quick list
	h.Limit = h.ArenaBytes()                     // no room to grow at all
	v, err := h.NewArray(2)                      // class 1: from big's block, split
	if err != nil {
		t.Fatalf("NewArray at the limit: %v", err)
	}
	check(t, h)
	if _, err := h.NewArray(9); !errors.Is(err, gc.ErrOutOfMemory) {
		t.Errorf("NewArray(9) past the limit: %v, want ErrOutOfMemory", err)
	}
	h.Release(v)
	h.Release(pin)
	check(t, h)
}

// TestSpread: Spread of an array whose last reference the caller holds
// moves its elements' counts out and frees it; of a shared one, it
// retains each element and leaves the array.
func TestSpread(t *testing.T) {
	h := newHeap()
	s := mustStr(t, h, "s")
	a := mustArr(t, h, gc.Int(1), s, gc.Sym(3))
	out := make([]gc.Value, 3)
	h.Retain(a)
	h.Spread(a, out)
	if out[0] != gc.Int(1) || out[1] != s || out[2] != gc.Sym(3) {
		t.Errorf("spread %v", out)
	}
	if h.RefCount(a) != 1 || h.RefCount(s) != 2 {
		t.Errorf("shared: counts array %d, string %d; want 1, 2", h.RefCount(a), h.RefCount(s))
	}
	h.Release(out[1])
	clear(out)
	h.Spread(a, out)
	if out[1] != s || h.RefCount(s) != 1 || h.Stats().Live != 1 {
		t.Errorf("last: string count %d, %d live; want 1, 1 (the array freed)", h.RefCount(s), h.Stats().Live)
	}
	if err := h.Verify(out); err != nil {
		t.Fatal(err)
	}
	h.Release(out[1])

	defer func(n int) { gc.PackMin = n }(gc.PackMin)
	gc.PackMin = 1
	p, _ := h.NewArray(2) // packed
	h.Set(p, 1, gc.True)
	h.Spread(p, out[:2])
	if out[0] != gc.Nil || out[1] != gc.True || h.Stats().Live != 0 {
		t.Errorf("packed: spread %v, %d live", out[:2], h.Stats().Live)
	}
	check(t, h)
}
