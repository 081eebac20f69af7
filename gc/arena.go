package gc

// This file defines the arena beneath the Heap: the header table, the two
// slabs, their size classes and free lists, and the making and freeing of
// objects.
//
// A block of the Value slab of class c holds 1<<c Values; a block of the byte
// slab of class c holds 8<<c bytes (8-byte granules, so that a 32-bit offset
// reaches 32 GiB of text). Blocks come from the free list of their class,
// else by splitting the smallest bigger free block in halves (its other
// halves go to the lists of the classes between), else from the end of the
// slab. Freed blocks are never merged back: a heap that frees everything
// gives its slabs back at its next Collect instead (see reset).

import (
	"math"
	"math/bits"
	"unsafe"
)

// hdr is the header of one object: 12 bytes, no pointer. Its count is in
// Heap.rcs, a column of its own, indexed by the same handle: with the count
// in hdr, Release's fast path costs the inliner 82, over its budget of 80;
// apart, 80. The counts, the only part Retain and Release touch, also pack
// 16 to a cache line instead of 4.
type hdr struct {
	off   uint32 // start of the block in its slab, in units (Values, or 8-byte granules)
	n     uint32 // length: elements or bytes
	kind  Kind   // KStr, KArr, kFlags (a packed array), KCurry, KMap or KHost (off is its id, no block); kFree for a free handle
	class uint8  // size class of the block, noBlock when the object has none (length 0)
}

const (
	kFree        = KNil                          // kind of a free header
	kFlags       = numKinds                      // kind of the header of a packed array (its Values are KArr)
	noBlock      = 0xFF                          // class of an object without a block
	numClasses   = 29                            // classes 0..28: a block of 1<<28 Values holds MaxObjectLen elements
	granShift    = 3                             // a byte block is counted in granules of 1<<granShift bytes
	minPushClass = 2                             // the first Push onto an empty array makes room for 4
	hdrSize      = int(unsafe.Sizeof(hdr{})) + 4 // a header and a count
	valSize      = int(unsafe.Sizeof(Value{}))

	maxUnits = 1 << 32 // a slab's length in units must fit the 32-bit offset

	quickClasses = 4 // Value-slab classes 0..3 (1 to 8 elements: tuples, small arrays and curries) have quick lists (freeLists.quick)
	quickDepth   = 8 // freed objects kept on each quick list

	minValCap  = 16  // Values in a new Value slab
	minHandles = 16  // capacity of a heap's first header and count arrays: 192 and 64 bytes, size classes that keep them in cache lines of their own (with append's first 1, 2, 4 ... the counts of 4 heaps shared a line, and a message's copy into one heap on one core took it from the heap of an actor on another)
	minByteCap = 256 // bytes in a new byte slab
)

// The two slabs, as indexes of freeLists' arrays.
const (
	slabVals  = 0
	slabBytes = 1
)

// freeLists holds the free handles and free blocks of a heap. It is
// allocated at the first free (1.4 KB), so that an idle heap, or one that
// only carries a message (see Copy), stays small: Heap.fl == nil means
// that all lists are empty.
type freeLists struct {
	handles []uint32      // free handles, reused last-freed first
	blocks  [2][][]uint32 // per slab, per class: offsets of free blocks (grown to the largest class freed: a small actor pays for a few classes, not 2x32 slice headers)
	mask    [2]uint32     // per slab: bit c set when blocks[slab][c] is not empty

	// quick[c][:nquick[c]] are freed objects of the Value slab's class c
	// that kept their block: each handle is free (kind kFree, count 0,
	// on no other list) and its header keeps class c and the offset of
	// its block, a free block on no other list. free puts a small Value
	// object here while there is room, newObject takes one for an object
	// of that class first: one pop reuses a header and a block together
	// (a message's tuple, freed and made again at every message, touches
	// neither handles nor blocks). compact and Verify see them as a free
	// handle and a free block each (flushQuick); Clear empties them.
	quick  [quickClasses][quickDepth]uint32
	nquick [quickClasses]uint8

	_ [40]byte // to 256 bytes, a size class of whole cache lines: the quick lists are written at every message, and in the 224-byte class they shared lines with other actors' (TestFreeListsSize)
}

// slabOf returns the slab that holds the payload of heap kind k.
func slabOf(k Kind) int {
	if leaf(k) {
		return slabBytes
	}
	return slabVals
}

// leaf reports whether objects of header kind k hold no values: their
// payload is bytes (strings, packed arrays), or nothing (host objects).
func leaf(k Kind) bool { return k == KStr || k == kFlags || k == KHost }

// unitSize returns the bytes in one unit of slab s.
func unitSize(s int) int {
	if s == slabBytes {
		return 1 << granShift
	}
	return valSize
}

// classOf returns the size class of the block for n (> 0) elements of slab s.
func classOf(s, n int) uint8 {
	if s == slabBytes {
		n = (n + 1<<granShift - 1) >> granShift
	}
	return uint8(bits.Len(uint(n - 1)))
}

// limit returns the byte limit of h.
func (h *Heap) limit() int {
	if h.Limit > 0 {
		return h.Limit
	}
	return defaultLimit
}

// fits reports whether the arena may grow by n bytes. (Limit may have been
// lowered below the arena's size.)
func (h *Heap) fits(n uint64) bool {
	return n <= uint64(h.Room())
}

// slabUnits returns the length of slab s in units.
func (h *Heap) slabUnits(s int) int {
	if s == slabBytes {
		return len(h.bytes) >> granShift
	}
	return len(h.vals)
}

// newObject makes an object of kind k and length n with count 1 and returns
// its handle. Its elements or bytes are not cleared. It fails before
// changing anything: ErrTooBig when n is negative or above MaxObjectLen,
// ErrOutOfMemory when the arena would pass its limit.
func (h *Heap) newObject(k Kind, n int) (uint32, error) {
	if uint(n) > MaxObjectLen {
		return 0, ErrTooBig
	}
	fl := h.fl
	if fl != nil && n > 0 && n <= 1<<(quickClasses-1) && slabOf(k) == slabVals {
		// A freed object of the class, header and block: the arena does
		// not grow (Room is never negative, so it fits).
		c := classOf(slabVals, n)
		if m := fl.nquick[c]; m > 0 {
			m--
			fl.nquick[c] = m
			x := fl.quick[c][m]
			h.hdrs[x] = hdr{off: h.hdrs[x].off, n: uint32(n), kind: k, class: c}
			h.rcs[x] = 1
			h.live++
			h.allocs++
			return x, nil
		}
	}
	s := slabOf(k)
	class := uint8(noBlock)
	var grow uint64 // bytes the arena grows by (64 bits: a block of 1<<28 Values is 4 GiB)
	if n > 0 {
		class = classOf(s, n)
		var ok bool
		if grow, ok = h.blockGrowth(s, class); !ok {
			return 0, ErrOutOfMemory
		}
	}
	if fl == nil || len(fl.handles) == 0 {
		if uint64(len(h.hdrs)) >= math.MaxUint32 {
			return 0, ErrOutOfMemory
		}
		grow += uint64(hdrSize)
	}
	if !h.fits(grow) && fl != nil && fl.nquick != [quickClasses]uint8{} {
		// Past the limit, the quick lists' handles and blocks go to the
		// other lists, where a bigger block splits to serve a smaller
		// class, and the object is tried again (once: the quick lists are
		// empty then). Below it, a miss of the quick lists grows the
		// arena instead, by at most what they can hold (a header, and a
		// block of each class, per entry: 2.4 KB), so that an actor whose
		// messages alternate between two classes keeps a header and a
		// block for each in them.
		h.flushQuick()
		return h.newObject(k, n)
	}
	if !h.fits(grow) {
		return 0, ErrOutOfMemory
	}

	var off uint32
	if n > 0 {
		off = h.takeBlock(s, class)
	}
	var x uint32
	if fl != nil && len(fl.handles) > 0 {
		m := len(fl.handles)
		x = fl.handles[m-1]
		fl.handles = fl.handles[:m-1]
	} else {
		if h.shared { // a shared heap has no free handle: every allocation into it comes here
			panic("gc: newObject: allocation into a shared heap")
		}
		x = uint32(len(h.hdrs))
		if len(h.hdrs) == cap(h.hdrs) {
			h.growHandles()
		}
		h.hdrs = append(h.hdrs, hdr{})
		h.rcs = append(h.rcs, 0)
		h.grew(hdrSize)
	}
	h.hdrs[x] = hdr{off: off, n: uint32(n), kind: k, class: class}
	h.rcs[x] = 1
	h.live++
	h.allocs++
	return x, nil
}

// growHandles gives the header and count arrays room for more handles:
// at first minHandles, then twice as many. (Out of newObject's line.)
func (h *Heap) growHandles() {
	c := max(minHandles, 2*cap(h.hdrs))
	hdrs, rcs := make([]hdr, len(h.hdrs), c), make([]uint32, len(h.rcs), c)
	copy(hdrs, h.hdrs)
	copy(rcs, h.rcs)
	h.hdrs, h.rcs = hdrs, rcs
}

// grew accounts for n more arena bytes.
func (h *Heap) grew(n int) {
	h.size += n
	h.peak = max(h.peak, h.size)
}

// blockGrowth returns the bytes the arena grows by when a block of class c
// of slab s is taken: 0 when a free block serves. It reports false when the
// slab cannot hold another block that size (its offsets are 32 bits).
func (h *Heap) blockGrowth(s int, c uint8) (uint64, bool) {
	if h.fl != nil && h.fl.mask[s]>>c != 0 {
		return 0, true
	}
	if uint64(h.slabUnits(s))+1<<c > maxUnits {
		return 0, false
	}
	return uint64(unitSize(s)) << c, true
}

// takeBlock returns the offset of a block of class c of slab s: from a free
// list, by splitting a bigger free block, or from the end of the slab. The
// caller has checked the limit.
func (h *Heap) takeBlock(s int, c uint8) uint32 {
	if fl := h.fl; fl != nil && fl.mask[s]>>c != 0 {
		m := fl.mask[s] >> c
		k := c + uint8(bits.TrailingZeros32(m))
		list := fl.blocks[s][k]
		off := list[len(list)-1]
		fl.blocks[s][k] = list[:len(list)-1]
		if len(list) == 1 {
			fl.mask[s] &^= 1 << k
		}
		for k > c { // keep the first half, free the second, down to class c
			k--
			h.putBlock(s, k, off+1<<k)
		}
		return off
	}
	off := uint32(h.slabUnits(s))
	h.extend(s, 1<<c)
	return off
}

// extend lengthens slab s by units at its end. The caller has checked the
// limit.
func (h *Heap) extend(s, units int) {
	room := h.Room() / unitSize(s) // most units the slab may grow by
	if s == slabBytes {
		h.bytes = growSlab(h.bytes, units<<granShift, room<<granShift, minByteCap)
	} else {
		h.vals = growSlab(h.vals, units, room, minValCap)
	}
	h.grew(units * unitSize(s))
}

// growSlab returns s lengthened by add elements. When it must reallocate,
// the capacity doubles, but never past room more elements than s holds
// (the room left under the heap's limit), so that a slab's capacity stays
// within the limit too.
func growSlab[T any](s []T, add, room, least int) []T {
	n := len(s) + add
	if n <= cap(s) {
		return s[:n]
	}
	c := max(2*cap(s), least)
	c = max(min(c, len(s)+room), n)
	t := make([]T, n, c)
	adviseHuge(unsafe.Pointer(unsafe.SliceData(t)), uintptr(c)*unsafe.Sizeof(t[0]))
	copy(t, s)
	return t
}

// putBlock puts the block of class c at off on slab s's free list.
func (h *Heap) putBlock(s int, c uint8, off uint32) {
	fl := h.lists()
	if int(c) >= len(fl.blocks[s]) {
		fl.blocks[s] = append(fl.blocks[s], make([][]uint32, int(c)+1-len(fl.blocks[s]))...)
	}
	fl.blocks[s][c] = append(fl.blocks[s][c], off)
	fl.mask[s] |= 1 << c
}

// lists returns h's free lists, allocating them at the first use.
func (h *Heap) lists() *freeLists {
	if h.fl == nil {
		h.fl = new(freeLists)
	}
	return h.fl
}

// free frees object x whatever its count, without looking at what it
// holds: its block and its handle go to the free lists.
func (h *Heap) free(x uint32) {
	p := &h.hdrs[x]
	if c := p.class; c < quickClasses && slabOf(p.kind) == slabVals {
		fl := h.lists()
		if n := fl.nquick[c]; n < quickDepth {
			fl.quick[c][n] = x
			fl.nquick[c] = n + 1
			*p = hdr{off: p.off, class: c} // kind kFree; the block stays with the handle
			h.rcs[x] = 0
			h.live--
			h.frees++
			return
		}
	}
	if p.class != noBlock {
		h.putBlock(slabOf(p.kind), p.class, p.off)
	} else if p.kind == KHost {
		h.dropHost(p.off)
	}
	*p = hdr{}
	h.rcs[x] = 0
	fl := h.lists()
	fl.handles = append(fl.handles, x)
	h.live--
	h.frees++
}

// flushQuick moves the objects of the quick lists to the lists of free
// handles and free blocks, each handle's header cleared.
func (h *Heap) flushQuick() {
	fl := h.fl
	if fl == nil {
		return
	}
	for c := range fl.nquick {
		for _, x := range fl.quick[c][:fl.nquick[c]] {
			h.putBlock(slabVals, uint8(c), h.hdrs[x].off)
			h.hdrs[x] = hdr{}
			fl.handles = append(fl.handles, x)
		}
		fl.nquick[c] = 0
	}
}

// releaseLast is the slow path of Release: it drops the last reference to
// x, frees it, and releases what it held with a worklist of handles, so a
// chain of any depth costs no Go stack. Strings go at once; arrays and
// curries whose count reaches zero wait on the worklist. Nothing is
// allocated in the arena meanwhile, so the elements of a freed block stay
// readable until the loop is done with them.
func (h *Heap) releaseLast(v Value) {
	x := uint32(v.X)
	p := &h.hdrs[x]
	if h.rcs[x] == 0 || p.kind == kFree {
		panic("gc: Release: object already freed")
	}
	if leaf(p.kind) {
		h.free(x)
		return
	}
	sc := h.scratch()
	work := sc.work[:0]
	for {
		p := &h.hdrs[x]
		for _, e := range h.vals[p.off : p.off+p.n] {
			if e.K < KStr {
				continue
			}
			rc := &h.rcs[e.X]
			if *rc > 1 {
				*rc--
				continue
			}
			k := h.hdrs[e.X].kind
			if *rc == 0 || k == kFree {
				panic("gc: Release: element already freed")
			}
			*rc = 0
			if leaf(k) {
				h.free(uint32(e.X))
			} else {
				work = append(work, uint32(e.X))
			}
		}
		h.free(x)
		if len(work) == 0 {
			break
		}
		x = work[len(work)-1]
		work = work[:len(work)-1]
	}
	sc.work = work
}

// pushGrow is Push's slow path: arr's block is full (or it has none), so
// its elements move to a block of the next class, then x goes at the end.
func (h *Heap) pushGrow(arr uint32, x Value) error {
	p := h.hdrs[arr]
	if p.n >= MaxObjectLen {
		h.Release(x)
		return ErrTooBig
	}
	c := uint8(minPushClass)
	if p.class != noBlock {
		c = p.class + 1
	}
	if err := h.regrow(arr, c); err != nil {
		h.Release(x)
		return err
	}
	q := &h.hdrs[arr] // the block may have moved
	h.vals[q.off+q.n] = x
	q.n++
	return nil
}

// regrow gives Values object x a block of class c, bigger than its own,
// keeping its elements (and its length: the caller lengthens it). It
// fails with ErrOutOfMemory before changing anything.
func (h *Heap) regrow(x uint32, c uint8) error {
	p := h.hdrs[x]
	if p.class != noBlock {
		if end := int(p.off) + 1<<p.class; end == len(h.vals) {
			// The block ends the slab: it grows where it is, by the
			// slab's end, without a copy and without leaving a free
			// block behind (an array pushed to in a loop takes half the
			// arena it took, and a limit's worth of elements fit).
			add := 1<<c - 1<<p.class
			if uint64(end)+uint64(add) > maxUnits || !h.fits(uint64(add*valSize)) {
				return ErrOutOfMemory
			}
			h.extend(slabVals, add)
			h.hdrs[x].class = c
			return nil
		}
	}
	if grow, ok := h.blockGrowth(slabVals, c); !ok || !h.fits(grow) {
		return ErrOutOfMemory
	}
	off := h.takeBlock(slabVals, c)
	copy(h.vals[off:off+p.n], h.vals[p.off:p.off+p.n])
	if p.class != noBlock {
		h.putBlock(slabVals, p.class, p.off)
	}
	q := &h.hdrs[x]
	q.off, q.class = off, c
	return nil
}

// elems returns the elements of array or curry x, as a view.
func (h *Heap) elems(x uint32) []Value {
	p := &h.hdrs[x]
	return h.vals[p.off : p.off+p.n : p.off+p.n]
}

// strBytes returns the bytes of heap string or packed array x, as a view.
func (h *Heap) strBytes(x uint32) []byte {
	p := &h.hdrs[x]
	o := int(p.off) << granShift
	return h.bytes[o : o+int(p.n) : o+int(p.n)]
}

// reset gives the arena's memory back to the Go runtime. Only when no
// object is alive: every handle becomes unused, and the next object starts
// a new arena. The counters stay.
func (h *Heap) reset() {
	if h.live != 0 {
		panic("gc: reset: objects alive")
	}
	h.rcs, h.hdrs, h.vals, h.bytes, h.fl = nil, nil, nil, nil, nil
	h.sc = nil
	h.size = 0
}
