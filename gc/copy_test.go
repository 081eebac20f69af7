package gc_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/raftvm/raft/gc"
)

// sameShape checks that w in hw is a copy of v in hv: same kinds, lengths,
// texts and non-heap values, and the same sharing (one object of v's graph
// corresponds to exactly one of w's). When hv == hw, the two graphs must
// also be disjoint.
func sameShape(t testing.TB, hv *gc.Heap, v gc.Value, hw *gc.Heap, w gc.Value) {
	t.Helper()
	fwd, back := map[uint32]uint32{}, map[uint32]uint32{}
	type pair struct{ v, w gc.Value }
	work := []pair{{v, w}}
	for len(work) > 0 {
		p := work[len(work)-1]
		work = work[:len(work)-1]
		if p.v.K != p.w.K {
			t.Fatalf("kind %v copied as %v", p.v.K, p.w.K)
		}
		if !p.v.IsHeap() {
			if p.v != p.w {
				t.Fatalf("%v %d copied as %d", p.v.K, p.v.X, p.w.X)
			}
			continue
		}
		x, y := p.v.Handle(), p.w.Handle()
		if hv == hw && x == y {
			t.Fatalf("copy shares handle %d with the original", x)
		}
		if fy, ok := fwd[x]; ok {
			if fy != y {
				t.Fatalf("object %d copied twice, as %d and %d", x, fy, y)
			}
			continue
		}
		if bx, ok := back[y]; ok {
			t.Fatalf("copy %d stands for both %d and %d", y, bx, x)
		}
		fwd[x], back[y] = y, x
		switch p.v.K {
		case gc.KStr:
			if hv.Text(p.v) != hw.Text(p.w) {
				t.Fatalf("string %q copied as %q", hv.Text(p.v), hw.Text(p.w))
			}
		case gc.KArr:
			if hv.Len(p.v) != hw.Len(p.w) {
				t.Fatalf("array of %d copied with %d elements", hv.Len(p.v), hw.Len(p.w))
			}
			for i := range hv.Len(p.v) {
				work = append(work, pair{hv.Get(p.v, i), hw.Get(p.w, i)})
			}
		case gc.KCurry:
			vx, vq := hv.CurryParts(p.v)
			wx, wq := hw.CurryParts(p.w)
			work = append(work, pair{vx, wx}, pair{vq, wq})
		}
	}
	if hv == hw {
		for x := range fwd {
			if _, ok := back[x]; ok {
				t.Fatalf("object %d is in both graphs", x)
			}
		}
	}
}

// snapshot describes a heap's objects and counts, to check that Copy
// leaves its source as it was.
func snapshot(h *gc.Heap) string {
	s := fmt.Sprintf("%+v\n", h.Stats())
	for _, v := range h.Objects() {
		s += fmt.Sprintf("%v %d rc=%d len=%d", v.K, v.Handle(), h.RefCount(v), lenOf(h, v))
		if v.K == gc.KStr {
			s += fmt.Sprintf(" %q", h.Text(v))
		}
		if v.K == gc.KArr {
			s += fmt.Sprint(h.Elems(v))
		}
		s += "\n"
	}
	return s
}

// objectsOf drops the stats line of a snapshot.
func objectsOf(snap string) string { return snap[strings.IndexByte(snap, '\n')+1:] }

func lenOf(h *gc.Heap, v gc.Value) int {
	if v.K == gc.KCurry {
		return 2
	}
	return h.Len(v)
}

// wantRootCounts checks the counts of a fresh copy: the root's references
// from objects plus one for the caller, every other object's exactly its
// references from objects.
func wantRootCounts(t testing.TB, h *gc.Heap, root gc.Value) {
	t.Helper()
	for _, v := range h.Objects() {
		want := h.InRefs(v)
		if v == root {
			want++
		}
		if h.RefCount(v) != want {
			t.Errorf("copy: %v %d has count %d, want %d", v.K, v.Handle(), h.RefCount(v), want)
		}
	}
}

func TestCopyAsIs(t *testing.T) {
	in := gc.NewInterns()
	src, dst := gc.NewHeap(in), gc.NewHeap(in)
	for _, v := range []gc.Value{
		gc.Nil, gc.True, gc.False, gc.Int(-5), gc.Float(2.5), in.Intern("sym"), gc.Pid(77),
		gc.Quot(3), in.StaticString("static"),
	} {
		c, err := gc.Copy(dst, src, v)
		if err != nil || c != v {
			t.Errorf("Copy(%v %d) = %v %d, %v", v.K, v.X, c.K, c.X, err)
		}
	}
	if dst.Stats() != (gc.Stats{}) || dst.HasFreeLists() {
		t.Errorf("copying plain values touched dst: %+v", dst.Stats())
	}
}

// buildNested returns [1, "a", [2, "b", curry("c", q)], static, [], ""].
func buildNested(t testing.TB, h *gc.Heap) gc.Value {
	inner, err := h.NewCurry(mustStr(t, h, "c"), gc.Quot(5))
	if err != nil {
		t.Fatal(err)
	}
	empty, _ := h.NewArray(0)
	return mustArr(t, h,
		gc.Int(1), mustStr(t, h, "a"),
		mustArr(t, h, gc.Int(2), mustStr(t, h, "b"), inner),
		h.In.StaticString("static"), empty, mustStr(t, h, ""))
}

func TestCopy(t *testing.T) {
	cases := []struct {
		name  string
		build func(t testing.TB, h *gc.Heap) gc.Value
		check func(t *testing.T, h *gc.Heap, c gc.Value)
	}{
		{name: "string", build: func(t testing.TB, h *gc.Heap) gc.Value { return mustStr(t, h, "hello") }},
		{name: "empty string", build: func(t testing.TB, h *gc.Heap) gc.Value { return mustStr(t, h, "") }},
		{name: "flat", build: func(t testing.TB, h *gc.Heap) gc.Value {
			return mustArr(t, h, gc.Int(1), gc.Int(2), gc.Nil, gc.Sym(4))
		}},
		{name: "nested", build: buildNested},
		{name: "curry", build: func(t testing.TB, h *gc.Heap) gc.Value {
			c, _ := h.NewCurry(mustArr(t, h, gc.Int(1)), gc.Quot(9))
			return c
		}},
		{name: "shared", build: func(t testing.TB, h *gc.Heap) gc.Value {
			s := mustStr(t, h, "shared string")
			sub := mustArr(t, h, s, gc.Int(8))
			h.Retain(s)
			h.Retain(sub)
			h.Retain(s)
			return mustArr(t, h, sub, s, sub, s)
		}, check: func(t *testing.T, h *gc.Heap, c gc.Value) {
			if h.Get(c, 0) != h.Get(c, 2) || h.Get(c, 1) != h.Get(c, 3) || h.Get(h.Get(c, 0), 0) != h.Get(c, 1) {
				t.Error("sharing lost")
			}
			wantCount(t, h, h.Get(c, 0), 2)
			wantCount(t, h, h.Get(c, 1), 3)
		}},
		{name: "self", build: func(t testing.TB, h *gc.Heap) gc.Value {
			return selfCycle(t, h, mustStr(t, h, "x"))
		}, check: func(t *testing.T, h *gc.Heap, c gc.Value) {
			if h.Get(c, 0) != c {
				t.Error("copy of a self-containing array does not contain itself")
			}
			wantCount(t, h, c, 2)
		}},
		{name: "pair", build: func(t testing.TB, h *gc.Heap) gc.Value {
			a, b := pair(t, h, gc.Int(1))
			h.Release(b)
			return a
		}, check: func(t *testing.T, h *gc.Heap, c gc.Value) {
			if h.Get(h.Get(c, 0), 0) != c {
				t.Error("the pair's cycle is lost")
			}
		}},
		{name: "cycle below the root", build: func(t testing.TB, h *gc.Heap) gc.Value {
			// root -> a <-> b, and root -> b too: a and b have count 2.
			a, b := pair(t, h, gc.Nil)
			return mustArr(t, h, a, b)
		}, check: func(t *testing.T, h *gc.Heap, c gc.Value) {
			a, b := h.Get(c, 0), h.Get(c, 1)
			if h.Get(a, 0) != b || h.Get(b, 0) != a {
				t.Error("the cycle below the root is lost")
			}
			if h.Stats().Live != 3 {
				t.Errorf("copy made %d objects, want 3", h.Stats().Live)
			}
		}},
		{name: "shared below unshared", build: func(t testing.TB, h *gc.Heap) gc.Value {
			// Two unshared arrays hold the same string: it is copied once.
			s := mustStr(t, h, "s")
			h.Retain(s)
			return mustArr(t, h, mustArr(t, h, s), mustArr(t, h, s))
		}, check: func(t *testing.T, h *gc.Heap, c gc.Value) {
			if h.Get(h.Get(c, 0), 0) != h.Get(h.Get(c, 1), 0) {
				t.Error("string copied twice")
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := gc.NewInterns()
			src, dst := gc.NewHeap(in), gc.NewHeap(in)
			v := tc.build(t, src)
			before := snapshot(src)
			c, err := gc.Copy(dst, src, v)
			if err != nil {
				t.Fatal(err)
			}
			if after := snapshot(src); after != before {
				t.Errorf("Copy changed its source:\nbefore\n%safter\n%s", before, after)
			}
			sameShape(t, src, v, dst, c)
			wantRootCounts(t, dst, c)
			if dst.HasFreeLists() {
				t.Error("a heap that only received a copy has free lists")
			}
			if tc.check != nil {
				tc.check(t, dst, c)
			}
			check(t, src)
			check(t, dst)

			// A copy into the source heap itself is a disjoint clone.
			clone, err := gc.Copy(src, src, v)
			if err != nil {
				t.Fatal(err)
			}
			sameShape(t, src, v, src, clone)
			check(t, src)

			// Each graph is freed on its own (Collect for the cycles).
			dst.Release(c)
			dst.Collect()
			wantLive(t, dst, 0)
			src.Release(clone)
			src.Collect([]gc.Value{v})
			if got := objectsOf(snapshot(src)); got != objectsOf(before) {
				t.Errorf("clone and Collect changed the original:\nbefore\n%safter\n%s", objectsOf(before), got)
			}
			src.Release(v)
			src.Collect()
			wantLive(t, src, 0)
		})
	}
}

func TestCopyOutOfMemory(t *testing.T) {
	in := gc.NewInterns()
	src := gc.NewHeap(in)
	v := mustArr(t, src, buildNested(t, src), selfCycle(t, src, mustStr(t, src, "cyc")))
	a, b := pair(t, src, mustStr(t, src, "in the pair"))
	src.Release(b)
	if err := src.Push(v, a); err != nil {
		t.Fatal(err)
	}
	before := snapshot(src)

	// Find the arena the copy needs, then fail at every smaller limit.
	probe := gc.NewHeap(in)
	if _, err := gc.Copy(probe, src, v); err != nil {
		t.Fatal(err)
	}
	need := probe.ArenaBytes()
	fails := 0
	for limit := 1; limit < need; limit += 8 {
		dst := gc.NewHeap(in)
		dst.Limit = limit
		keep := mustStrOrNil(dst, "already here")
		c, err := gc.Copy(dst, src, v)
		if err == nil {
			t.Fatalf("limit %d < %d: Copy succeeded (%d bytes)", limit, need, dst.ArenaBytes())
		}
		if !errors.Is(err, gc.ErrOutOfMemory) || c != gc.Nil {
			t.Fatalf("limit %d: Copy = %v, %v", limit, c, err)
		}
		fails++
		wantLive := 0
		if keep.IsHeap() {
			wantLive = 1
			if dst.Text(keep) != "already here" {
				t.Errorf("limit %d: dst's own string changed", limit)
			}
		}
		if st := dst.Stats(); st.Live != wantLive || st.Allocs != st.Frees+uint64(wantLive) {
			t.Fatalf("limit %d: after a failed Copy, dst holds %+v", limit, st)
		}
		if err := dst.Check(); err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if dst.ArenaBytes() > limit {
			t.Fatalf("limit %d: arena %d", limit, dst.ArenaBytes())
		}
	}
	if fails == 0 {
		t.Fatal("no limit was small enough to fail")
	}
	dst := gc.NewHeap(in)
	dst.Limit = need
	if _, err := gc.Copy(dst, src, v); err != nil {
		t.Errorf("limit %d, the arena it needs: %v", need, err)
	}
	if after := snapshot(src); after != before {
		t.Errorf("failed copies changed their source:\nbefore\n%safter\n%s", before, after)
	}
}

// mustStrOrNil makes a string if the limit allows, else returns nil.
func mustStrOrNil(h *gc.Heap, s string) gc.Value {
	v, err := h.NewString([]byte(s))
	if err != nil {
		return gc.Nil
	}
	return v
}

func TestCopyAllocs(t *testing.T) {
	in := gc.NewInterns()
	src, dst := gc.NewHeap(in), gc.NewHeap(in)
	ints := make([]gc.Value, 100)
	for i := range ints {
		ints[i] = gc.Int(int64(i))
	}
	flat := mustArr(t, src, ints...)
	strs := make([]gc.Value, 10)
	for i := range strs {
		strs[i] = mustStr(t, src, "unshared")
	}
	flatStrs := mustArr(t, src, strs...)
	src.Retain(flatStrs) // a shared root: it never goes in the map
	for _, tc := range []struct {
		name string
		v    gc.Value
		max  float64
	}{
		{"int", gc.Int(5), 0},
		{"flat array of ints", flat, 0},
		{"shared array of unshared strings", flatStrs, 0},
	} {
		cp := func() {
			c, err := gc.Copy(dst, src, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			dst.Release(c)
		}
		cp() // warm the free lists and scratch
		if got := testing.AllocsPerRun(100, cp); got > tc.max {
			t.Errorf("Copy of %s: %v allocations, want at most %v", tc.name, got, tc.max)
		}
	}
}

// TestClear: a heap used as a message fragment, cleared after each copy
// out, frees everything it held (cycles and host objects included) and
// serves the next copies from the memory it kept, without allocating.
func TestClear(t *testing.T) {
	in := gc.NewInterns()
	hosts := gc.NewHostTable()
	released := 0
	id := hosts.Add(new(int), "thing", func() { released++ })
	src, frag, dst := gc.NewHeap(in), gc.NewHeap(in), gc.NewHeap(in)
	src.Hosts, frag.Hosts, dst.Hosts = hosts, hosts, hosts
	host, err := src.NewHost(id)
	if err != nil {
		t.Fatal(err)
	}
	s := mustStr(t, src, "a string")
	inner := mustArr(t, src, gc.Int(1), s)
	src.Retain(inner)
	cyc := mustArr(t, src, inner, inner, host, gc.Int(7))
	if err := src.Set(cyc, 3, cyc); err != nil { // a cycle: Release alone would not free it
		t.Fatal(err)
	}
	src.Retain(cyc)
	flat := mustArr(t, src, gc.Int(1), gc.Sym(gc.SymNormal))
	for _, v := range []gc.Value{flat, cyc, s, flat, cyc} {
		d := mustCopy(t, dst, frag, mustCopy(t, frag, src, v))
		sameShape(t, src, v, dst, d)
		frag.Clear()
		if st := frag.Stats(); st.Live != 0 {
			t.Fatalf("after Clear: %d objects live", st.Live)
		}
	}
	frag.Clear() // nothing in it: no change
	mustCopy(t, frag, src, cyc)
	frag.Clear()
	if released != 0 {
		t.Fatalf("the host entry was released while src holds it")
	}
	msg := mustArr(t, src, mustStr(t, src, "unshared"), gc.Int(2), mustArr(t, src, gc.Int(3))) // nothing shared: Copy makes no map
	cp := func() {
		c, err := gc.Copy(frag, src, msg)
		if err != nil {
			t.Fatal(err)
		}
		_ = c
		frag.Clear()
	}
	if got := testing.AllocsPerRun(100, cp); got > 0 {
		t.Errorf("Copy into a cleared heap: %v allocations, want 0", got)
	}
}
