package gc_test

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"

	"github.com/raftvm/raft/gc"
)

// newHeap returns a heap for a new program.
func newHeap() *gc.Heap { return gc.NewHeap(gc.NewInterns()) }

// check fails the test if h's invariants do not hold.
func check(t testing.TB, h *gc.Heap) {
	t.Helper()
	if err := h.Check(); err != nil {
		t.Fatal("heap invariant broken: ", err)
	}
}

func mustStr(t testing.TB, h *gc.Heap, s string) gc.Value {
	t.Helper()
	v, err := h.NewString([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// mustArr returns a new array of elems, taking over their references.
func mustArr(t testing.TB, h *gc.Heap, elems ...gc.Value) gc.Value {
	t.Helper()
	v, err := h.ArrayOf(elems)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// mustCopy returns a copy of v (of heap src) made in heap dst.
func mustCopy(t testing.TB, dst, src *gc.Heap, v gc.Value) gc.Value {
	t.Helper()
	c, err := gc.Copy(dst, src, v)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCount(t testing.TB, h *gc.Heap, v gc.Value, want int) {
	t.Helper()
	if got := h.RefCount(v); got != want {
		t.Errorf("count of %v %d = %d, want %d", v.K, v.Handle(), got, want)
	}
}

func wantLive(t testing.TB, h *gc.Heap, want int) {
	t.Helper()
	if got := h.Stats().Live; got != want {
		t.Errorf("live objects = %d, want %d", got, want)
	}
}

func wantPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", name)
		}
	}()
	f()
}

// TestShare checks a shared heap: it answers reads, and an allocation or a
// collection panics; Unused says which heaps may be shared or swapped.
func TestShare(t *testing.T) {
	in := gc.NewInterns()
	h := gc.NewHeap(in)
	if !h.Unused() || h.Shared() {
		t.Fatalf("new heap: unused %v, shared %v", h.Unused(), h.Shared())
	}
	h.Share()
	st := in.StaticString("static")
	if h.Len(st) != 6 || h.Text(st) != "static" || h.NeedsCollect() || h.Stats() != (gc.Stats{}) || !h.Shared() {
		t.Error("a shared heap does not answer as an unused one")
	}
	h.Retain(gc.Int(1))
	h.Release(st)
	wantPanic(t, "NewString in a shared heap", func() { h.NewString([]byte("x")) })
	wantPanic(t, "NewArray in a shared heap", func() { h.NewArray(0) })
	wantPanic(t, "Copy into a shared heap", func() {
		src := gc.NewHeap(in)
		gc.Copy(h, src, mustStr(t, src, "x"))
	})
	wantPanic(t, "Collect of a shared heap", func() { h.Collect() })

	u := gc.NewHeap(in)
	s := mustStr(t, u, "x")
	u.Release(s)
	if u.Unused() {
		t.Error("a heap that held an object is unused")
	}
	wantPanic(t, "Share of a used heap", u.Share)
	c := gc.NewHeap(in)
	c.Collect()
	if c.Unused() {
		t.Error("a heap that ran a collection is unused")
	}
}

// TestLineSizes: what a heap writes at every message it makes or frees
// (the free lists, the first header and count arrays) comes in Go size
// classes of whole 64-byte cache lines, so that no two actors' heaps share
// a line (false sharing made independent pingpong pairs a third slower
// per message on 2 workers).
func TestLineSizes(t *testing.T) {
	if gc.FreeListsSize%64 != 0 {
		t.Errorf("freeLists is %d bytes, want a multiple of 64", gc.FreeListsSize)
	}
	h := newHeap()
	a, err := h.ArrayOf([]gc.Value{gc.Int(1)})
	if err != nil {
		t.Fatal(err)
	}
	hd, rc := h.HandleCaps()
	hdrBytes, rcBytes := hd*(gc.HdrSize-4), rc*4 // a header, and a 4-byte count
	if hdrBytes < 64 || hdrBytes%64 != 0 || rcBytes < 64 || rcBytes%64 != 0 {
		t.Errorf("first header and count arrays hold %d and %d handles: want whole cache lines", hd, rc)
	}
	h.Release(a)
}

func TestIdleHeap(t *testing.T) {
	h := newHeap()
	if n := unsafe.Sizeof(*h); n > 192 {
		t.Errorf("an idle Heap is %d bytes, want at most 192", n)
	}
	if hd, v, b := h.SlabCaps(); hd+v+b != 0 || h.HasFreeLists() || h.ArenaBytes() != 0 {
		t.Errorf("new heap holds memory: slab caps %d %d %d, free lists %v, arena %d bytes",
			hd, v, b, h.HasFreeLists(), h.ArenaBytes())
	}
	if h.NeedsCollect() {
		t.Error("new heap needs a collection")
	}
	if st := h.Stats(); st != (gc.Stats{}) {
		t.Errorf("new heap stats = %+v", st)
	}
	// Zero-length objects need a header but no block.
	s := mustStr(t, h, "")
	a := mustArr(t, h)
	if _, v, b := h.SlabCaps(); v+b != 0 {
		t.Errorf("empty objects made slabs: %d values, %d bytes", v, b)
	}
	if got, want := h.ArenaBytes(), 2*gc.HdrSize; got != want {
		t.Errorf("arena = %d bytes, want %d", got, want)
	}
	check(t, h)
	h.Release(s)
	h.Release(a)
	check(t, h)
}

func TestStrings(t *testing.T) {
	for _, text := range []string{"", "a", "hello", "8 bytes!", "nine byte", strings.Repeat("x", 1000), "\x00\xff"} {
		h := newHeap()
		b := []byte(text)
		s, err := h.NewString(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 {
			b[0]++ // the heap holds a copy
		}
		if got := h.Bytes(s); string(got) != text || len(got) != cap(got) {
			t.Errorf("Bytes = %q (cap %d), want %q", got, cap(got), text)
		}
		if got := h.Text(s); got != text {
			t.Errorf("Text = %q, want %q", got, text)
		}
		if got := h.Len(s); got != len(text) {
			t.Errorf("Len(%q) = %d", text, got)
		}
		if s.K != gc.KStr || !s.IsString() || !s.IsHeap() {
			t.Errorf("NewString gave kind %v", s.K)
		}
		wantCount(t, h, s, 1)
		// A string made from a view of the same heap.
		s2, err := h.NewString(h.Bytes(s))
		if err != nil {
			t.Fatal(err)
		}
		if h.Text(s2) != text {
			t.Errorf("copy of %q = %q", text, h.Text(s2))
		}
		check(t, h)
		h.Release(s)
		h.Release(s2)
		wantLive(t, h, 0)
		check(t, h)
	}
}

func TestStaticStrings(t *testing.T) {
	in := gc.NewInterns()
	h := gc.NewHeap(in)
	lit := in.StaticString("a literal")
	empty := in.StaticString("")
	if got := h.Text(lit); got != "a literal" {
		t.Errorf("Text = %q", got)
	}
	if got := string(h.Bytes(lit)); got != "a literal" {
		t.Errorf("Bytes = %q", got)
	}
	if h.Len(lit) != 9 || h.Len(empty) != 0 || len(h.Bytes(empty)) != 0 {
		t.Errorf("Len = %d, %d", h.Len(lit), h.Len(empty))
	}
	if !lit.IsString() || lit.IsHeap() {
		t.Error("a static string must be a string and not a heap value")
	}
	h.Retain(lit)
	h.Release(lit)
	h.Release(lit) // not counted: any number of releases is harmless
	if h.RefCount(lit) != 0 || h.Stats() != (gc.Stats{}) || h.HasFreeLists() {
		t.Errorf("static strings touched the heap: %+v", h.Stats())
	}
	// A static string inside a heap array is not counted either.
	a := mustArr(t, h, lit, lit)
	h.Release(a)
	wantLive(t, h, 0)
	check(t, h)
}

func TestNewArray(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 5, 16, 17, 100} {
		h := newHeap()
		// Dirty a block of the same class first: NewArray must clear it.
		if n > 0 {
			junk := make([]gc.Value, n)
			for i := range junk {
				junk[i] = gc.Int(int64(i + 1))
			}
			h.Release(mustArr(t, h, junk...))
		}
		a, err := h.NewArray(n)
		if err != nil {
			t.Fatal(err)
		}
		if h.Len(a) != n || len(h.Elems(a)) != n {
			t.Errorf("NewArray(%d): Len %d, %d elems", n, h.Len(a), len(h.Elems(a)))
		}
		for i := range n {
			if e := h.Get(a, i); e != gc.Nil {
				t.Errorf("NewArray(%d)[%d] = %v, want nil", n, i, e)
			}
		}
		check(t, h)
		h.Release(a)
		check(t, h)
	}
}

func TestArrayOps(t *testing.T) {
	h := newHeap()
	s := mustStr(t, h, "old")
	a := mustArr(t, h, gc.Int(1), s, gc.True)
	if h.Len(a) != 3 || h.Get(a, 0) != gc.Int(1) || h.Get(a, 1) != s || h.Get(a, 2) != gc.True {
		t.Fatalf("ArrayOf: %v", h.Elems(a))
	}
	wantCount(t, h, s, 1) // ArrayOf took over the reference

	// Set releases the old element (here its last reference) and takes over the new one.
	t2 := mustStr(t, h, "new")
	h.Set(a, 1, t2)
	if h.Get(a, 1) != t2 {
		t.Errorf("Set: element 1 = %v", h.Get(a, 1))
	}
	wantLive(t, h, 2) // a and t2: "old" was freed
	// Set of the same value: the caller's retained reference goes in, the old one out.
	h.Retain(t2)
	h.Set(a, 1, t2)
	wantCount(t, h, t2, 1)

	// Elems is a view of the elements.
	el := h.Elems(a)
	if len(el) != 3 || el[0] != gc.Int(1) || cap(el) != len(el) {
		t.Errorf("Elems = %v (cap %d)", el, cap(el))
	}

	// Push and Pop.
	for i := range 10 {
		if err := h.Push(a, gc.Int(int64(100+i))); err != nil {
			t.Fatal(err)
		}
	}
	if h.Len(a) != 13 {
		t.Errorf("Len after 10 pushes = %d", h.Len(a))
	}
	for i := 9; i >= 0; i-- {
		x, ok := h.Pop(a)
		if !ok || x != gc.Int(int64(100+i)) {
			t.Fatalf("Pop = %v, %v; want %d", x, ok, 100+i)
		}
	}
	x, ok := h.Pop(a)
	if !ok || x != gc.True {
		t.Fatalf("Pop = %v, %v", x, ok)
	}
	x, ok = h.Pop(a) // gives the reference to the caller
	if !ok || x != t2 {
		t.Fatalf("Pop = %v, %v", x, ok)
	}
	wantCount(t, h, t2, 1)
	h.Release(t2)
	h.Pop(a)
	if x, ok := h.Pop(a); ok || x != gc.Nil {
		t.Errorf("Pop of an empty array = %v, %v", x, ok)
	}
	// A popped-empty array keeps its block and can grow again.
	if err := h.Push(a, gc.Int(7)); err != nil || h.Get(a, 0) != gc.Int(7) {
		t.Errorf("Push after emptying: %v", err)
	}
	check(t, h)
	h.Release(a)
	wantLive(t, h, 0)
	check(t, h)
}

func TestArrayPanics(t *testing.T) {
	h := newHeap()
	a := mustArr(t, h, gc.Int(1))
	s := mustStr(t, h, "s")
	wantPanic(t, "Get past the end", func() { h.Get(a, 1) })
	wantPanic(t, "Get(-1)", func() { h.Get(a, -1) })
	wantPanic(t, "Set past the end", func() { h.Set(a, 1, gc.Nil) })
	wantPanic(t, "Get of a string", func() { h.Get(s, 0) })
	wantPanic(t, "Push onto a string", func() { h.Push(s, gc.Nil) })
	wantPanic(t, "Elems of an int", func() { h.Elems(gc.Int(0)) })
	wantPanic(t, "Len of an int", func() { h.Len(gc.Int(0)) })
	wantPanic(t, "Bytes of an array", func() { h.Bytes(a) })
	// Releasing once too often is a bug, caught while the handle is unused.
	h.Release(s)
	wantPanic(t, "double Release", func() { h.Release(s) })
	h.Release(a)
	check(t, h)
}

func TestPushGrowth(t *testing.T) {
	h := newHeap()
	a, _ := h.NewArray(0)
	if _, c := h.Block(a); c != -1 {
		t.Fatalf("empty array has class %d", c)
	}
	const n = 1000
	prev := -1
	for i := range n {
		if err := h.Push(a, gc.Int(int64(i))); err != nil {
			t.Fatal(err)
		}
		_, c := h.Block(a)
		want := 2 // the first push makes room for 4
		for 1<<want < i+1 {
			want++
		}
		if c != want {
			t.Fatalf("after %d pushes: class %d, want %d", i+1, c, want)
		}
		if c != prev {
			check(t, h) // each move frees the old block
			prev = c
		}
	}
	for i := range n {
		if h.Get(a, i) != gc.Int(int64(i)) {
			t.Fatalf("element %d = %v", i, h.Get(a, i))
		}
	}
	check(t, h)
	h.Release(a)
	check(t, h)
}

// An array at the end of the slab grows where it is: pushed to alone, it
// leaves no free block behind and the arena is the array; two arrays
// pushed to in turn move, as before, and both keep their elements.
func TestPushGrowsInPlace(t *testing.T) {
	h := newHeap()
	a, _ := h.NewArray(0)
	const n = 1 << 16
	for i := range n {
		if err := h.Push(a, gc.Int(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	if off, c := h.Block(a); off != 0 || c != 16 {
		t.Fatalf("block at %d, class %d; want 0 and 16", off, c)
	}
	if got, want := h.ArenaBytes(), n*16+gc.HdrSize; got != want {
		t.Errorf("the arena holds %d bytes, want the array's %d", got, want)
	}
	b, _ := h.NewArray(0)
	for i := range 3000 {
		if err := h.Push(a, gc.Int(int64(-i))); err != nil {
			t.Fatal(err)
		}
		if err := h.Push(b, gc.Int(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		if h.Get(a, i) != gc.Int(int64(i)) {
			t.Fatalf("a[%d] = %v", i, h.Get(a, i))
		}
	}
	for i := range 3000 {
		if h.Get(a, n+i) != gc.Int(int64(-i)) || h.Get(b, i) != gc.Int(int64(i)) {
			t.Fatalf("a[%d] = %v, b[%d] = %v", n+i, h.Get(a, n+i), i, h.Get(b, i))
		}
	}
	check(t, h)
	h.Release(a)
	h.Release(b)
	check(t, h)
}

func TestCurry(t *testing.T) {
	h := newHeap()
	s := mustStr(t, h, "arg")
	c, err := h.NewCurry(s, gc.Quot(42))
	if err != nil {
		t.Fatal(err)
	}
	if c.K != gc.KCurry || !c.IsQuot() || !c.IsHeap() {
		t.Errorf("NewCurry gave kind %v", c.K)
	}
	x, q := h.CurryParts(c)
	if x != s || q != gc.Quot(42) {
		t.Errorf("CurryParts = %v, %v", x, q)
	}
	wantCount(t, h, s, 1)
	// A curry of a curry: both are freed with the outer one.
	c2, err := h.NewCurry(gc.Int(1), c)
	if err != nil {
		t.Fatal(err)
	}
	check(t, h)
	h.Release(c2)
	wantLive(t, h, 0)
	check(t, h)
	wantPanic(t, "CurryParts of an array", func() { a, _ := h.NewArray(2); h.CurryParts(a) })
}

func TestRefcount(t *testing.T) {
	h := newHeap()
	s := mustStr(t, h, "counted")
	h.Retain(s)
	h.Retain(s)
	wantCount(t, h, s, 3)
	h.Release(s)
	h.Release(s)
	wantCount(t, h, s, 1)
	wantLive(t, h, 1)
	h.Release(s)
	wantLive(t, h, 0)
	if st := h.Stats(); st.Allocs != 1 || st.Frees != 1 {
		t.Errorf("stats = %+v", st)
	}
	// Non-heap values are ignored.
	for _, v := range []gc.Value{gc.Nil, gc.True, gc.Int(5), gc.Float(1.5), gc.Sym(3), gc.Pid(9), gc.Quot(1)} {
		h.Retain(v)
		h.Release(v)
		if h.RefCount(v) != 0 {
			t.Errorf("RefCount(%v) = %d", v.K, h.RefCount(v))
		}
	}
	check(t, h)
}

func TestHandleReuse(t *testing.T) {
	h := newHeap()
	a := mustStr(t, h, "a")
	b := mustStr(t, h, "b")
	c := mustStr(t, h, "c")
	handles := h.Handles()
	h.Release(b)
	h.Release(a)
	// Last freed, first reused, whatever the kind.
	d, _ := h.NewArray(3)
	e, _ := h.NewCurry(gc.Nil, gc.Quot(0))
	if d.Handle() != a.Handle() || e.Handle() != b.Handle() {
		t.Errorf("new handles %d, %d; want the freed %d, %d", d.Handle(), e.Handle(), a.Handle(), b.Handle())
	}
	if h.Handles() != handles {
		t.Errorf("%d handles, want %d (no new one)", h.Handles(), handles)
	}
	f := mustStr(t, h, "f")
	if f.Handle() != uint32(handles) {
		t.Errorf("with no free handle, got %d, want new %d", f.Handle(), handles)
	}
	for _, v := range []gc.Value{c, d, e, f} {
		h.Release(v)
	}
	check(t, h)
}

func TestBlockReuse(t *testing.T) {
	t.Run("same class", func(t *testing.T) {
		h := newHeap()
		a, _ := h.NewArray(10) // class 4: 16 values
		off, c := h.Block(a)
		h.Release(a)
		size := h.ArenaBytes()
		b, _ := h.NewArray(9)
		if off2, c2 := h.Block(b); off2 != off || c2 != c {
			t.Errorf("block (%d, class %d), want the freed (%d, class %d)", off2, c2, off, c)
		}
		s, _ := h.NewString([]byte("0123456789")) // 10 bytes: class 1 (16 bytes)
		soff, _ := h.Block(s)
		h.Release(s)
		s2, _ := h.NewString([]byte("abcdefghijklmnop"))
		if soff2, _ := h.Block(s2); soff2 != soff {
			t.Errorf("string block %d, want the freed %d", soff2, soff)
		}
		if want := size + 16 + gc.HdrSize; h.ArenaBytes() != want {
			t.Errorf("arena grew from %d to %d, want %d (one string block and a handle)", size, h.ArenaBytes(), want)
		}
		check(t, h)
	})
	t.Run("split", func(t *testing.T) {
		h := newHeap()
		big, _ := h.NewArray(32) // class 5
		keep, _ := h.NewArray(1) // after it, so that big's block is not at the end
		off, _ := h.Block(big)
		h.Release(big)
		size := h.ArenaBytes()
		// A class 3 block comes from the first eighth of the freed class 5
		// block; the halves left over serve the next requests.
		want := []struct {
			n   int
			off uint32
		}{{8, off}, {8, off + 8}, {16, off + 16}, {1, ^uint32(0)}}
		var made []gc.Value
		for _, w := range want {
			a, err := h.NewArray(w.n)
			if err != nil {
				t.Fatal(err)
			}
			made = append(made, a)
			got, _ := h.Block(a)
			if w.off != ^uint32(0) && got != w.off {
				t.Errorf("NewArray(%d) at %d, want %d", w.n, got, w.off)
			}
			check(t, h)
		}
		// The last one (class 0) needed a new block of 16 bytes; all but
		// the first needed a new handle.
		if want := size + 16 + 3*gc.HdrSize; h.ArenaBytes() != want {
			t.Errorf("arena = %d, want %d", h.ArenaBytes(), want)
		}
		for _, a := range append(made, keep) {
			h.Release(a)
		}
		check(t, h)
	})
	t.Run("steady state", func(t *testing.T) {
		// Making and dropping objects of the same shapes reaches a fixed size.
		h := newHeap()
		round := func() {
			var vs []gc.Value
			for i := range 50 {
				s := mustStr(t, h, strings.Repeat("z", i))
				vs = append(vs, mustArr(t, h, s, gc.Int(int64(i))))
			}
			for _, v := range vs {
				h.Release(v)
			}
		}
		round()
		size, handles := h.ArenaBytes(), h.Handles()
		for range 10 {
			round()
		}
		if h.ArenaBytes() != size || h.Handles() != handles {
			t.Errorf("arena %d bytes, %d handles after 10 rounds; %d, %d after one",
				h.ArenaBytes(), h.Handles(), size, handles)
		}
		check(t, h)
	})
}

func TestReleaseNested(t *testing.T) {
	h := newHeap()
	shared := mustStr(t, h, "shared")
	var rows []gc.Value
	for i := range 10 {
		h.Retain(shared)
		row := mustArr(t, h, mustStr(t, h, "cell"), shared, gc.Int(int64(i)))
		c, _ := h.NewCurry(row, gc.Quot(1))
		rows = append(rows, c)
	}
	top := mustArr(t, h, rows...)
	wantCount(t, h, shared, 11)
	wantLive(t, h, 1+10*3+1) // shared, 10 × (cell, row, curry), top
	check(t, h)
	h.Release(top)
	wantCount(t, h, shared, 1) // the caller's own reference survives
	wantLive(t, h, 1)
	h.Release(shared)
	wantLive(t, h, 0)
	check(t, h)
}

// deepChain returns [[[...[s]...]]] with depth arrays around a string.
func deepChain(t testing.TB, h *gc.Heap, depth int) gc.Value {
	v := mustStr(t, h, "bottom")
	for range depth {
		v = mustArr(t, h, v)
	}
	return v
}

// lowStack limits goroutine stacks to 8 MB for the rest of the test: a
// recursive walk of a million-deep chain needs far more, and dies.
func lowStack(t *testing.T) {
	old := debug.SetMaxStack(8 << 20)
	t.Cleanup(func() { debug.SetMaxStack(old) })
}

func TestDeepChain(t *testing.T) {
	const depth = 1_000_000
	if testing.Short() {
		t.Skip("short")
	}
	lowStack(t)
	h := newHeap()
	top := deepChain(t, h, depth)
	wantLive(t, h, depth+1)

	// The collector marks it iteratively and keeps it all.
	h.Collect([]gc.Value{top})
	wantLive(t, h, depth+1)
	wantCount(t, h, top, 1)

	// Copy walks it iteratively.
	dst := newHeap()
	c, err := gc.Copy(dst, h, top)
	if err != nil {
		t.Fatal(err)
	}
	wantLive(t, dst, depth+1)
	for range depth {
		c = dst.Get(c, 0)
	}
	if dst.Text(c) != "bottom" {
		t.Errorf("bottom of the copy = %q", dst.Text(c))
	}

	// Release frees it iteratively.
	h.Release(top)
	wantLive(t, h, 0)
	check(t, h)
	if st := h.Stats(); st.Frees != depth+1 {
		t.Errorf("frees = %d, want %d", st.Frees, depth+1)
	}
}

func TestLimit(t *testing.T) {
	h := newHeap()
	h.Limit = 4096
	x, y := mustStr(t, h, ""), mustStr(t, h, "")
	a := mustArr(t, h, gc.Int(1), gc.Int(2), gc.Int(3), gc.Int(4)) // a full block of class 2
	var vs []gc.Value
	var err error
	for {
		var s gc.Value
		s, err = h.NewString([]byte("sixteen bytes..")) // class 1 of the byte slab
		if err != nil {
			break
		}
		vs = append(vs, s)
		if len(vs) > 4096 {
			t.Fatal("no error after 4096 strings under a 4096-byte limit")
		}
	}
	if !errors.Is(err, gc.ErrOutOfMemory) {
		t.Fatalf("error = %v, want ErrOutOfMemory", err)
	}
	st := h.Stats()
	if h.ArenaBytes() > h.Limit || st.PeakBytes > h.Limit {
		t.Errorf("arena %d, peak %d: past the limit %d", h.ArenaBytes(), st.PeakBytes, h.Limit)
	}
	if h.ArenaBytes()+16+gc.HdrSize <= h.Limit {
		t.Errorf("failed with room left: %d of %d bytes", h.ArenaBytes(), h.Limit)
	}
	if _, vc, bc := h.SlabCaps(); vc*16 > h.Limit || bc > h.Limit {
		t.Errorf("a slab's capacity passes the limit: %d values, %d bytes", vc, bc)
	}
	if st.Live != len(vs)+3 {
		t.Errorf("live %d, made %d", st.Live, len(vs)+3)
	}
	check(t, h)

	// Failed constructors take over nothing: the references stay the caller's.
	if _, err := h.ArrayOf([]gc.Value{x, gc.Int(1), y, x}); !errors.Is(err, gc.ErrOutOfMemory) {
		t.Fatalf("ArrayOf = %v", err)
	}
	wantCount(t, h, x, 1)
	wantCount(t, h, y, 1)
	if _, err := h.NewCurry(x, y); !errors.Is(err, gc.ErrOutOfMemory) {
		t.Fatalf("NewCurry = %v", err)
	}
	wantCount(t, h, x, 1)
	wantCount(t, h, y, 1)
	// A failed Push releases x and leaves the array as it was.
	h.Retain(x)
	if err := h.Push(a, x); !errors.Is(err, gc.ErrOutOfMemory) {
		t.Fatalf("Push = %v", err)
	}
	wantCount(t, h, x, 1)
	if h.Len(a) != 4 || h.Get(a, 3) != gc.Int(4) {
		t.Errorf("array changed by the failed Push: %v", h.Elems(a))
	}
	check(t, h)

	// Freeing makes room again.
	h.Release(vs[len(vs)-1])
	vs = vs[:len(vs)-1]
	again, err := h.NewString([]byte("again"))
	if err != nil {
		t.Fatalf("after a free: %v", err)
	}
	for _, v := range vs {
		h.Release(v)
	}
	// The strings' blocks are free, but in the byte slab: an array cannot
	// use them until Collect gives the free space back.
	h.Retain(x)
	if err := h.Push(a, x); !errors.Is(err, gc.ErrOutOfMemory) {
		t.Fatalf("Push with the space in the other slab = %v", err)
	}
	h.Collect([]gc.Value{a, x, y, again})
	check(t, h)
	// Left: the handle table up to "again", a's 4 values, again's 8 bytes.
	if want := h.Handles()*gc.HdrSize + 4*16 + 8; h.ArenaBytes() != want {
		t.Errorf("arena after Collect: %d bytes, want %d", h.ArenaBytes(), want)
	}
	h.Retain(x)
	if err := h.Push(a, x); err != nil {
		t.Fatalf("Push after Collect: %v", err)
	}
	for _, v := range []gc.Value{a, x, y, again} {
		h.Release(v)
	}
	wantLive(t, h, 0)
	check(t, h)
	if h.Stats().PeakBytes > h.Limit {
		t.Errorf("peak %d past the limit", h.Stats().PeakBytes)
	}
}

func TestLimitLowered(t *testing.T) {
	h := newHeap()
	keep := mustStr(t, h, "some text here")
	h.Limit = 1 // below the arena's size already
	if _, err := h.NewArray(1); !errors.Is(err, gc.ErrOutOfMemory) {
		t.Errorf("NewArray under a lowered limit = %v", err)
	}
	// What needs no new memory still works: the freed block and handle.
	h.Release(keep)
	s, err := h.NewString([]byte("reuse"))
	if err != nil {
		t.Errorf("reusing a freed block under a lowered limit: %v", err)
	}
	h.Release(s)
	check(t, h)
}

func TestTooBig(t *testing.T) {
	h := newHeap()
	for _, n := range []int{-1, math.MinInt, gc.MaxObjectLen + 1, math.MaxInt} {
		if _, err := h.NewArray(n); !errors.Is(err, gc.ErrTooBig) {
			t.Errorf("NewArray(%d) = %v, want ErrTooBig", n, err)
		}
	}
	// A length the language allows but the limit does not (even packed, a
	// byte each): refused before any memory is asked of Go.
	h.Limit = gc.MaxObjectLen / 2
	if _, err := h.NewArray(gc.MaxObjectLen); !errors.Is(err, gc.ErrOutOfMemory) {
		t.Errorf("NewArray(MaxObjectLen) = %v, want ErrOutOfMemory", err)
	}
	// NewString checks the length before reading (the 256 MB are
	// never touched, so the OS never backs them).
	if !testing.Short() {
		if _, err := h.NewString(make([]byte, gc.MaxObjectLen+1)); !errors.Is(err, gc.ErrTooBig) {
			t.Errorf("NewString(huge) = %v", err)
		}
	}
	if _, vc, bc := h.SlabCaps(); vc+bc != 0 || h.Stats().PeakBytes != 0 {
		t.Errorf("refused requests made memory: %d values, %d bytes", vc, bc)
	}
}

// A long array starts packed, a byte per element, while it holds only nil,
// false and true, and unpacks once when it gets any other value; its
// elements read the same either way.
func TestPackedArray(t *testing.T) {
	h := newHeap()
	a, err := h.NewArray(gc.PackMin)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Packed(a) {
		t.Fatalf("NewArray(%d) is not packed", gc.PackMin)
	}
	small := mustArr(t, h)
	if h.Packed(small) {
		t.Error("an array from ArrayOf is packed")
	}
	if s, _ := h.NewArray(gc.PackMin - 1); h.Packed(s) {
		t.Errorf("NewArray(%d) is packed", gc.PackMin-1)
	} else {
		h.Release(s)
	}
	check(t, h)
	want := make([]gc.Value, gc.PackMin)
	for i := range want {
		want[i] = []gc.Value{gc.Nil, gc.False, gc.True}[i%3]
		if err := h.Set(a, i, want[i]); err != nil {
			t.Fatal(err)
		}
	}
	if h.Slot(a, 0) != nil {
		t.Error("Slot of a packed array is not nil")
	}
	if !h.SetFlag(a, 1, gc.False) || h.SetFlag(a, 1, gc.Int(1)) {
		t.Error("SetFlag takes an int or refuses false")
	}
	// SetFlagAt stores only a flag, only in range, only into a packed array.
	for i, x := range []gc.Value{gc.True, gc.Nil, gc.False, gc.True} {
		if !h.SetFlagAt(a, 7, x) || h.Get(a, 7) != x {
			t.Fatalf("SetFlagAt %d: element is %v, want %v", i, h.Get(a, 7), x)
		}
	}
	h.SetFlagAt(a, 7, want[7])
	for _, i := range []int64{-1, int64(gc.PackMin), 1 << 40} {
		if h.SetFlagAt(a, i, gc.True) {
			t.Errorf("SetFlagAt at %d, out of range, reports a store", i)
		}
	}
	if h.SetFlagAt(a, 2, gc.Int(2)) || h.SetFlagAt(a, 2, gc.Float(0)) || h.Get(a, 2) != want[2] {
		t.Error("SetFlagAt stored a value that is not a flag")
	}
	if h.SetFlagAt(small, 0, gc.True) {
		t.Error("SetFlagAt stored into an array that is not packed")
	}
	sameElems := func(what string) {
		t.Helper()
		if h.Len(a) != len(want) {
			t.Fatalf("%s: length %d, want %d", what, h.Len(a), len(want))
		}
		for i, w := range want {
			if g := h.Get(a, i); g != w {
				t.Fatalf("%s: element %d is %v, want %v", what, i, g, w)
			}
			if g := h.Elems(a)[i]; g != w {
				t.Fatalf("%s: Elems()[%d] is %v, want %v", what, i, g, w)
			}
		}
	}
	sameElems("packed")
	if !h.Packed(a) {
		t.Fatal("flags unpacked the array")
	}
	check(t, h)

	// A copy, in this heap and another, stays packed, with the same elements.
	for _, dst := range []*gc.Heap{h, newHeap()} {
		c, err := gc.Copy(dst, h, a)
		if err != nil {
			t.Fatal(err)
		}
		if !dst.Packed(c) {
			t.Error("the copy of a packed array is not packed")
		}
		for i, w := range want {
			if g := dst.Get(c, i); g != w {
				t.Fatalf("copy: element %d is %v, want %v", i, g, w)
			}
		}
		dst.Release(c)
		check(t, dst)
	}

	// Held in an array and collected, then freed with its holder.
	holder := mustArr(t, h, a)
	h.Retain(a)
	h.Collect([]gc.Value{holder, a})
	sameElems("after Collect")
	check(t, h)

	// A string unpacks it; the flags are kept.
	s := mustStr(t, h, "x")
	if err := h.Set(a, 5, s); err != nil {
		t.Fatal(err)
	}
	want[5] = s
	if h.Packed(a) {
		t.Fatal("a string did not unpack the array")
	}
	sameElems("unpacked")
	check(t, h)
	h.Release(holder)
	h.Release(a)
	wantLive(t, h, 0)
	check(t, h)
}

// Pop and Push on packed arrays; Unpack that fails leaves the array as it was.
func TestPackedPopPush(t *testing.T) {
	h := newHeap()
	a, err := h.NewArray(gc.PackMin)
	if err != nil {
		t.Fatal(err)
	}
	h.Set(a, gc.PackMin-1, gc.True)
	if x, ok := h.Pop(a); !ok || x != gc.True || h.Len(a) != gc.PackMin-1 || !h.Packed(a) {
		t.Fatalf("Pop = %v %v, length %d", x, ok, h.Len(a))
	}
	for h.Len(a) > 0 {
		h.Pop(a)
	}
	check(t, h)
	if err := h.Push(a, gc.Int(7)); err != nil {
		t.Fatal(err)
	}
	if h.Packed(a) || h.Len(a) != 1 || h.Get(a, 0) != gc.Int(7) {
		t.Fatalf("Push onto an empty packed array: packed %v, length %d", h.Packed(a), h.Len(a))
	}
	check(t, h)

	b, _ := h.NewArray(1000)
	h.Limit = h.ArenaBytes() + 100 // no room for 1000 Values
	if err := h.Set(b, 3, gc.Int(1)); !errors.Is(err, gc.ErrOutOfMemory) {
		t.Fatalf("Set past the limit = %v", err)
	}
	if !h.Packed(b) || h.Get(b, 3) != gc.Nil {
		t.Fatal("a failed Unpack changed the array")
	}
	h.Limit = 0
	h.Release(a)
	h.Release(b)
	check(t, h)
}

func TestStats(t *testing.T) {
	h := newHeap()
	a := mustArr(t, h, mustStr(t, h, "x"), mustStr(t, h, "y"))
	st := h.Stats()
	if st.Allocs != 3 || st.Frees != 0 || st.Live != 3 || st.Collections != 0 {
		t.Errorf("after 3 allocations: %+v", st)
	}
	// Peak: 3 headers, a 2-value block, two 8-byte string blocks.
	if want := 3*gc.HdrSize + 2*16 + 2*8; st.PeakBytes != want || h.ArenaBytes() != want {
		t.Errorf("peak %d, arena %d; want %d", st.PeakBytes, h.ArenaBytes(), want)
	}
	h.Retain(a)
	h.Set(a, 0, a) // a cycle
	h.Release(a)
	st = h.Stats()
	if st.Frees != 1 || st.Live != 2 {
		t.Errorf("after Set: %+v", st)
	}
	h.Collect()
	st = h.Stats()
	if st.Allocs != 3 || st.Frees != 3 || st.Live != 0 || st.Collections != 1 {
		t.Errorf("after Collect: %+v", st)
	}
	peak := st.PeakBytes
	if h.ArenaBytes() != 0 {
		t.Errorf("arena after the last object went: %d bytes", h.ArenaBytes())
	}
	mustStr(t, h, "small")
	if h.Stats().PeakBytes != peak {
		t.Errorf("peak changed from %d to %d", peak, h.Stats().PeakBytes)
	}
}

// TestInlining checks that the fast paths the interpreter calls per
// instruction stay inlinable: Release's cost is 80, the budget exactly.
// Drop and ReleaseLast together do what Release does.
func TestDrop(t *testing.T) {
	h := newHeap()
	s := mustStr(t, h, "dropped")
	a, err := h.ArrayOf([]gc.Value{s})
	if err != nil {
		t.Fatal(err)
	}
	h.Retain(a)
	if h.Drop(a) {
		t.Fatal("Drop of a value with two references reported the last")
	}
	wantCount(t, h, a, 1)
	if !h.Drop(a) {
		t.Fatal("Drop of the last reference did not report it")
	}
	wantCount(t, h, a, 1) // unchanged: the caller frees it
	wantLive(t, h, 2)
	h.ReleaseLast(a)
	wantLive(t, h, 0) // the array and the string it held
	for _, v := range []gc.Value{gc.Nil, gc.True, gc.Int(5), gc.Sym(3), gc.Quot(1)} {
		if h.Drop(v) {
			t.Errorf("Drop(%v) reported a last reference", v.K)
		}
	}
	check(t, h)
}

func TestInlining(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool: ", err)
	}
	out, err := exec.Command(goTool, "build", "-gcflags=-m", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, name := range []string{
		"Retain", "Release", "Drop", "RefCount", "NeedsCollect", "Len", "Get", "Pop", "SetFlag", "Packed", "CurryParts", "Slot",
	} {
		re := regexp.MustCompile(`can inline \(\*Heap\)\.` + name + `\b`)
		if !re.Match(out) {
			t.Errorf("(*Heap).%s is not inlinable", name)
		}
	}
}
