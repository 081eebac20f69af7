package gc

// This file defines the cycle collector.
//
// Reference counting frees an object as soon as nobody refers to it, but a
// cycle (an array holding itself, two arrays holding each other) keeps its
// counts above zero for ever. Collect finds such garbage by marking from the
// roots, and since it then knows every reference the actor has, it also
// recomputes the counts, so a count that a bug made too high heals.
//
// The mark needs no mark bits: all counts are set to zero first, and an
// object is reached when its count is no longer zero. Three passes:
//
//  1. zero the count of every live object;
//  2. for each reference seen (a root, or an element of a reached array or
//     curry) add one to the count of its object; the first time an array
//     or curry is seen, put it on the worklist to see its elements;
//  3. free every live object whose count is still zero, without looking at
//     what it holds: what it refers to is either unreached too, or reached,
//     and then its count already leaves out this dead reference.
//
// Then it gives free space back (compact). Free blocks are reused only by
// their own slab, and only as whole blocks of a class or halves of one, so
// an actor that once held many strings keeps a byte slab full of holes that
// its arrays cannot use. Since objects are reached only through handles, a
// slab is repacked by copying its live blocks into a new, tight slice and
// rewriting the offsets in the headers; free handles at the end of the
// table are cut off, and the others are listed lowest first, so that the
// table stays dense.

// Collect runs the cycle collector: it marks everything reachable from the
// values in roots, recomputes the count of each reached object from the
// references it saw, and frees the rest. The roots must hold every live
// reference of the actor.
//
// A value held only in a Go variable of the caller and not in roots is
// freed. After Collect, NeedsCollect stays false until the number of live
// objects passes twice what survived (at least 64Ki).
//
// Collect also gives free space back: a slab that is at least a quarter
// free blocks (any free space under Stress) is repacked into a new slice, so
// every view (Bytes, Elems) taken before is stale; handles do not change.
// When nothing survives, the arena's memory is given back (the heap is as
// new). An allocation that failed with ErrOutOfMemory may succeed after a
// Collect.
func (h *Heap) Collect(roots ...[]Value) {
	if h.shared {
		panic("gc: Collect: the heap is shared")
	}
	h.collections++
	clear(h.rcs) // free handles already have count 0
	sc := h.scratch()
	work := sc.work[:0]
	for _, r := range roots {
		for _, v := range r {
			if v.K < KStr {
				continue
			}
			// Mark from each root in turn: the worklist holds what one
			// root reaches, not what all of them do.
			work = h.see(v, work)
			for len(work) > 0 {
				x := work[len(work)-1]
				work = work[:len(work)-1]
				p := h.hdrs[x]
				for _, e := range h.vals[p.off : p.off+p.n] {
					if e.K >= KStr {
						work = h.see(e, work)
					}
				}
			}
		}
	}
	sc.work = work
	for x := range h.hdrs {
		if h.rcs[x] == 0 && h.hdrs[x].kind != kFree {
			h.free(uint32(x))
		}
	}
	h.collectAt = max(0, 2*h.live-collectBase)
	if h.live == 0 {
		if h.hdrs != nil {
			h.reset()
		}
		return
	}
	h.compact()
}

// see counts one reference to heap value v during the mark, and puts v on
// work the first time if it holds values.
func (h *Heap) see(v Value, work []uint32) []uint32 {
	k := h.hdrs[v.X].kind
	if k == kFree {
		panic("gc: Collect: a root or an element refers to a freed object")
	}
	h.rcs[v.X]++
	if h.rcs[v.X] == 1 && !leaf(k) {
		work = append(work, uint32(v.X))
	}
	return work
}

// compact cuts the free handles off the end of the header table and
// repacks the slabs whose free blocks make a quarter or more of them (any
// free block at all under Stress). h.live > 0.
func (h *Heap) compact() {
	h.flushQuick() // the repacking below moves blocks: no header may keep one while free
	top := len(h.hdrs)
	for h.hdrs[top-1].kind == kFree {
		top--
	}
	var used [2]int // units of live blocks per slab
	var handles []uint32
	if h.fl != nil {
		handles = h.fl.handles[:0]
	}
	for x := top - 1; x >= 0; x-- {
		p := &h.hdrs[x]
		if p.kind == kFree {
			handles = append(handles, uint32(x))
		} else if p.class != noBlock {
			used[slabOf(p.kind)] += 1 << p.class
		}
	}
	if h.fl != nil {
		h.fl.handles = handles
	} // else nothing was ever freed: no handle is free
	if top < len(h.hdrs) {
		h.size -= (len(h.hdrs) - top) * hdrSize
		h.hdrs, h.rcs = shrink(h.hdrs[:top]), shrink(h.rcs[:top])
	}
	for s := range 2 {
		total := h.slabUnits(s)
		// Free units come from freed or split blocks, so h.fl != nil.
		if free := total - used[s]; free > 0 && (h.Stress || 4*free >= total) {
			h.size -= free * unitSize(s)
			if s == slabBytes {
				h.bytes = repack(h, h.bytes, s, used[s]<<granShift, granShift)
			} else {
				h.vals = repack(h, h.vals, s, used[s], 0)
			}
			h.fl.blocks[s] = nil
			h.fl.mask[s] = 0
		}
	}
	// Scratch worklists grown by a graph bigger than what lives now are
	// not kept.
	if sc := h.sc; sc != nil {
		if cap(sc.work) > max(1<<12, h.live) {
			sc.work = nil
		}
		if cap(sc.cwork) > max(1<<12, 2*h.live) || cap(sc.cbuilt) > max(1<<12, h.live) {
			sc.cwork, sc.cbuilt = nil, nil
		}
	}
}

// repack returns a new slab of n elements holding the live blocks of slab
// s of h, old, one after the other in handle order, and sets their new
// offsets. A unit of the slab is 1<<shift elements.
func repack[T any](h *Heap, old []T, s, n int, shift uint) []T {
	t := make([]T, n)
	off := 0
	for x := range h.hdrs {
		p := &h.hdrs[x]
		if p.kind == kFree || p.class == noBlock || slabOf(p.kind) != s {
			continue
		}
		o := int(p.off) << shift
		copy(t[off:], old[o:o+int(p.n)])
		p.off = uint32(off >> shift)
		off += 1 << p.class << shift
	}
	return t
}

// shrink returns s, moved to a smaller array when it uses less than half
// of its capacity.
func shrink[T any](s []T) []T {
	if cap(s) > 2*len(s)+64 {
		return append([]T(nil), s...)
	}
	return s
}
