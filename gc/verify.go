package gc

// This file defines Verify, the check of a heap's invariants that tests
// (and a debugging session) run.

import (
	"fmt"
	"sort"
)

// Verify checks the arena's invariants and returns the first broken one:
// counts and headers agree, handles are live or on the free list once, the
// live and free blocks of each slab tile it exactly, the masks match the
// free lists, the size matches the slabs, every element refers to a live
// object of its kind, and every count is at least the number of references
// from live objects. Given roots (every reference the owner holds: stack,
// locals, mailbox), it also checks that every count is exactly the number
// of references from live objects and roots. For tests and debugging: it
// costs time and memory in proportion to the heap.
func (h *Heap) Verify(roots ...[]Value) error {
	if len(h.rcs) != len(h.hdrs) {
		return fmt.Errorf("%d counts for %d headers", len(h.rcs), len(h.hdrs))
	}
	if want := len(h.hdrs)*hdrSize + len(h.vals)*valSize + len(h.bytes); h.size != want {
		return fmt.Errorf("size %d, slabs and headers hold %d", h.size, want)
	}
	if h.peak < h.size {
		return fmt.Errorf("peak %d below size %d", h.peak, h.size)
	}
	fl := h.fl
	if fl == nil {
		fl = new(freeLists) // nil means empty
	}
	type block struct {
		off, units uint32
		what       string
	}
	var blocks [2][]block
	free := map[uint32]bool{}
	for _, x := range fl.handles {
		if free[x] {
			return fmt.Errorf("handle %d twice on the free list", x)
		}
		free[x] = true
		if h.hdrs[x].kind != kFree || h.rcs[x] != 0 {
			return fmt.Errorf("free handle %d has kind %v, count %d", x, h.hdrs[x].kind, h.rcs[x])
		}
	}
	nquick := 0
	for c := range fl.nquick {
		for _, x := range fl.quick[c][:fl.nquick[c]] {
			if free[x] {
				return fmt.Errorf("quick handle %d twice on the free lists", x)
			}
			free[x] = true
			nquick++
			p := h.hdrs[x]
			if p.kind != kFree || h.rcs[x] != 0 || p.class != uint8(c) {
				return fmt.Errorf("quick handle %d of class %d has kind %v, class %d, count %d", x, c, p.kind, p.class, h.rcs[x])
			}
			blocks[slabVals] = append(blocks[slabVals], block{p.off, 1 << c, fmt.Sprintf("quick block of class %d (handle %d)", c, x)})
		}
	}
	live := 0
	in := make([]int, len(h.hdrs))
	for x, p := range h.hdrs {
		if p.kind == kFree {
			if !free[uint32(x)] {
				return fmt.Errorf("handle %d is free but not on the free list", x)
			}
			continue
		}
		live++
		if p.kind != KStr && p.kind != KArr && p.kind != KCurry && p.kind != kFlags && p.kind != KMap && p.kind != KHost {
			return fmt.Errorf("handle %d has kind %v", x, p.kind)
		}
		if h.rcs[x] == 0 {
			return fmt.Errorf("live handle %d has count 0", x)
		}
		s := slabOf(p.kind)
		if p.class == noBlock {
			if p.n != 0 {
				return fmt.Errorf("handle %d: length %d without a block", x, p.n)
			}
		} else {
			units := uint32(1) << p.class
			if capa := units << (granShift * s); p.n > capa {
				return fmt.Errorf("handle %d: length %d over capacity %d", x, p.n, capa)
			}
			if p.kind == KStr && p.class != classOf(s, int(p.n)) {
				return fmt.Errorf("string %d of length %d in class %d", x, p.n, p.class)
			}
			blocks[s] = append(blocks[s], block{p.off, units, fmt.Sprintf("handle %d", x)})
		}
		if p.kind == KCurry && p.n != 2 {
			return fmt.Errorf("curry %d has length %d", x, p.n)
		}
		if p.kind == KMap {
			if err := h.checkMap(uint32(x)); err != nil {
				return err
			}
		}
		if p.kind == kFlags {
			o := int(p.off) << granShift
			for i, b := range h.bytes[o : o+int(p.n)] {
				if b > flagTrue {
					return fmt.Errorf("packed array %d holds byte %d at %d", x, b, i)
				}
			}
		} else if p.kind != KStr && p.kind != KHost {
			for _, e := range h.vals[p.off : p.off+p.n] {
				if e.K < KStr {
					continue
				}
				if e.X >= uint64(len(h.hdrs)) || valueKind(h.hdrs[e.X].kind) != e.K {
					return fmt.Errorf("handle %d holds %v %d, not a live object of that kind", x, e.K, e.X)
				}
				in[e.X]++
			}
		}
	}
	if live != h.live {
		return fmt.Errorf("%d live objects, counter says %d", live, h.live)
	}
	if live+len(fl.handles)+nquick != len(h.hdrs) {
		return fmt.Errorf("%d live + %d free + %d quick handles != %d", live, len(fl.handles), nquick, len(h.hdrs))
	}
	for x, n := range in {
		if uint32(n) > h.rcs[x] {
			return fmt.Errorf("handle %d: count %d below its %d references from objects", x, h.rcs[x], n)
		}
	}
	if len(roots) > 0 {
		for _, r := range roots {
			for _, v := range r {
				if v.K < KStr {
					continue
				}
				if v.X >= uint64(len(h.hdrs)) || valueKind(h.hdrs[v.X].kind) != v.K {
					return fmt.Errorf("a root holds %v %d, not a live object of that kind", v.K, v.X)
				}
				in[v.X]++
			}
		}
		for x, n := range in {
			if h.hdrs[x].kind != kFree && uint32(n) != h.rcs[x] {
				return fmt.Errorf("handle %d (%v): count %d, but %d references from objects and roots", x, h.hdrs[x].kind, h.rcs[x], n)
			}
		}
	}
	for s := range 2 {
		var mask uint32
		for c, list := range fl.blocks[s] {
			if len(list) > 0 {
				mask |= 1 << c
			}
			for _, off := range list {
				blocks[s] = append(blocks[s], block{off, 1 << c, fmt.Sprintf("free block of class %d", c)})
			}
		}
		if mask != fl.mask[s] {
			return fmt.Errorf("slab %d: mask %b, lists say %b", s, fl.mask[s], mask)
		}
		bs := blocks[s]
		sort.Slice(bs, func(i, j int) bool { return bs[i].off < bs[j].off })
		end := uint32(0)
		for _, b := range bs {
			if b.off != end {
				return fmt.Errorf("slab %d: %s at %d, previous block ends at %d", s, b.what, b.off, end)
			}
			end += b.units
		}
		if int(end) != h.slabUnits(s) {
			return fmt.Errorf("slab %d: blocks end at %d, slab holds %d units", s, end, h.slabUnits(s))
		}
	}
	return nil
}

// valueKind returns the kind of the Values that refer to an object of
// header kind k.
func valueKind(k Kind) Kind {
	if k == kFlags {
		return KArr
	}
	return k
}

// checkMap checks the layout of map x (see map.go): the counts match the
// pairs, a map with an index finds every live key through it, and a small
// one has none.
func (h *Heap) checkMap(x uint32) error {
	p := h.hdrs[x]
	if p.n < mapHead || (p.n-mapHead)%2 != 0 {
		return fmt.Errorf("map %d has length %d", x, p.n)
	}
	e := h.vals[p.off : p.off+p.n]
	if e[0].K != KInt {
		return fmt.Errorf("map %d: counts are a %v", x, e[0].K)
	}
	live, dead := h.mapCounts(x)
	n, d := 0, 0
	for i := mapHead; i < len(e); i += 2 {
		if e[i] == deadKey {
			d++
			if e[i+1] != Nil {
				return fmt.Errorf("map %d: dead pair %d holds a value", x, i)
			}
			continue
		}
		n++
		if !h.isKey(e[i]) {
			return fmt.Errorf("map %d: key %v is not a key", x, e[i])
		}
		if e[i].K == KArr && h.rcs[e[i].X] != 1 {
			return fmt.Errorf("map %d: array key shared (count %d)", x, h.rcs[e[i].X])
		}
		if j := h.find(x, e[i]); j != (i-mapHead)/2 {
			return fmt.Errorf("map %d: key of pair %d found at %d", x, (i-mapHead)/2, j)
		}
	}
	if n != live || d != dead {
		return fmt.Errorf("map %d: %d live and %d dead pairs, counts say %d and %d", x, n, d, live, dead)
	}
	switch {
	case e[1].K == KNil:
		if n+d > smallPairs {
			return fmt.Errorf("map %d: %d pairs and no index", x, n+d)
		}
	case e[1].K != KStr:
		return fmt.Errorf("map %d: index is a %v", x, e[1].K)
	case 2*(n+d) > int(h.hdrs[e[1].X].n)/slotSize:
		return fmt.Errorf("map %d: %d pairs in an index of %d slots", x, n+d, h.hdrs[e[1].X].n/slotSize)
	}
	return nil
}
