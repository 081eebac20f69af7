package gc

import "unsafe"

// This file exports the arena's internals to the tests of package gc_test.

// HdrSize is the arena bytes one handle costs (header and count).
const HdrSize = hdrSize

// ArenaBytes returns the arena's size now: headers and the used part of both slabs.
func (h *Heap) ArenaBytes() int { return h.size }

// Handles returns the number of handles made (live and free).
func (h *Heap) Handles() int { return len(h.hdrs) }

// Block returns the slab offset (in units) and the size class of heap value
// v's block; class is -1 when it has none.
func (h *Heap) Block(v Value) (off uint32, class int) {
	p := h.hdrs[v.X]
	if p.class == noBlock {
		return p.off, -1
	}
	return p.off, int(p.class)
}

// SlabCaps returns the capacities of the Go slices behind the arena.
func (h *Heap) SlabCaps() (hdrs, vals, bytes int) { return cap(h.hdrs), cap(h.vals), cap(h.bytes) }

// HasFreeLists reports whether the free lists have been allocated.
func (h *Heap) HasFreeLists() bool { return h.fl != nil }

// Check verifies the arena's invariants (Verify without roots).
func (h *Heap) Check() error { return h.Verify() }

// InRefs returns, for heap value v, the number of references to it from
// live objects.
func (h *Heap) InRefs(v Value) int {
	n := 0
	for _, p := range h.hdrs {
		if p.kind == KArr || p.kind == KCurry || p.kind == KMap {
			for _, e := range h.vals[p.off : p.off+p.n] {
				if e.K >= KStr && e.X == v.X {
					n++
				}
			}
		}
	}
	return n
}

// Objects returns every live object of h as a value.
func (h *Heap) Objects() []Value {
	var vs []Value
	for x, p := range h.hdrs {
		if p.kind != kFree {
			vs = append(vs, Value{K: valueKind(p.kind), X: uint64(x)})
		}
	}
	return vs
}

// FreeListsSize is the size of a heap's free lists, in bytes.
const FreeListsSize = unsafe.Sizeof(freeLists{})

// HandleCaps returns the capacities of h's header and count arrays.
func (h *Heap) HandleCaps() (hdrs, rcs int) { return cap(h.hdrs), cap(h.rcs) }
