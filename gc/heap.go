// Package gc holds what one Raft actor's memory is made of: the Value, a
// pointer-free 16-byte tagged word, and the Heap, a per-actor arena of
// strings, arrays and curried quotations addressed by 32-bit handles and
// freed by reference counting, with a mark pass that reclaims cycles.
//
// Values go in, values come out; the package knows nothing of bytecode,
// actors or scheduling (it imports none of interp, sched, jit).
//
// # Heap invariants
//
// Every user of the package relies on these; every function of the package
// keeps them.
//
//   - Only the owning actor changes a Heap, its refcounts included; there are
//     no atomics and no locks. Another actor never reads or writes it (Copy
//     is called by someone who owns both heaps for the time of the call).
//   - A heap Value (kind Str, Arr or Curry) is a reference: every copy of it
//     that is stored somewhere (stack slot, local, array element, curry) owns
//     one count. Retain when copying, Release when dropping. A handle is valid
//     until its count drops to zero; then the object is freed at once (and
//     what it holds is released, with a worklist, never by recursion) and the
//     handle may be reused by the next allocation. KStaticStr values belong
//     to the program's Interns, not to a heap: they are never counted.
//   - The cycle collector starts from the roots its caller passes (stack,
//     locals, frames, queued messages), which must hold every reference the
//     actor has: whatever it cannot reach is freed, and the count of what it
//     reaches is set to the number of references it saw, from the roots and
//     from reached objects. Nothing else about a reached object changes.
//   - Sending copies: Copy(dst, src, v) rebuilds v in another heap and shares
//     nothing with src, so one actor's crash or collection never touches
//     another's memory. KStaticStr, symbols, pids and plain quotations are
//     the same in every heap of a program and copy as they are.
//   - Arena memory holds no Go pointers, so the Go collector never scans it:
//     a table indexed by handle, of counts and of headers (kind, size class,
//     offset, length), a slab of Values for array and curry elements and a slab of
//     bytes for string text. A block of a slab holds a power of two of units
//     (its size class); freed blocks and handles go to free lists and are
//     reused. A freed array or curry of up to 8 elements keeps its block
//     with its handle on a quick list of its class (a few per class), and
//     the next object of that class takes both at once; a collection, or
//     an allocation past the limit, first puts them on the other lists. A
//     zero-length object has a header and no block.
//   - Views returned by Bytes and Elems point into a slab: an allocation may
//     move the slab or reuse a freed block, and Collect repacks slabs, so a
//     view is valid only until the next allocation, free or Collect on the
//     heap. Handles never move.
//   - The arena's size (headers plus the used part of both slabs) never
//     passes Limit: an allocation that would, fails with ErrOutOfMemory
//     before anything is made, and a length over MaxObjectLen fails with
//     ErrTooBig.
package gc

// This file defines the Heap API: the heap type, reference counting and
// the operations on strings, arrays and curried quotations. The arena
// beneath it is in arena.go, the cycle collector in collect.go, the copy
// between heaps in copy.go.

import (
	"errors"
	"math"
	"unsafe"
)

// Allocation errors. The interpreter turns them into :badarg (ErrTooBig, a
// size the language cannot hold) and :heap-limit (ErrOutOfMemory).
var (
	ErrTooBig      = errors.New("gc: object too big")
	ErrOutOfMemory = errors.New("gc: heap limit reached")
	ErrNoHosts     = errors.New("gc: the heap has no table of host values")
)

// MaxObjectLen bounds the length of one array or string.
const MaxObjectLen = 1 << 28

// DefaultLimit is the default byte limit of one heap (Heap.Limit).
const DefaultLimit = 4 << 30

// defaultLimit is DefaultLimit as an int, clipped where int is 32 bits.
const defaultLimit = min(DefaultLimit, math.MaxInt)

// collectBase is the least number of live objects at which NeedsCollect
// reports true (unless Stress is set).
const collectBase = 64 << 10

// Heap is one actor's arena. Create it with NewHeap. A new Heap allocates
// nothing until its first object (an idle actor must stay small).
//
// A typical use, in the owning actor:
//
//	h := gc.NewHeap(in)
//	s, err := h.NewString([]byte("hi")) // count 1: the caller's reference
//	arr, err := h.ArrayOf([]gc.Value{s}) // the array takes over s's count
//	h.Retain(arr)                        // a second reference, e.g. a local
//	h.Release(arr)                       // ... dropped again
//	h.Release(arr)                       // last reference: arr and s are freed
type Heap struct {
	In *Interns // the program's symbols and static strings

	// Limit is the most bytes the arena may hold (headers and slabs);
	// an allocation past it fails with ErrOutOfMemory. 0 means DefaultLimit.
	Limit int

	// Hosts holds the Go values of host objects (KHost) and counts the
	// references to them: every heap of a run shares one. nil: the heap
	// holds no host objects.
	Hosts *HostTable

	rcs   []uint32   // object counts, indexed by handle; 0 for a free handle
	hdrs  []hdr      // object headers, indexed by handle
	vals  []Value    // slab of array and curry elements
	bytes []byte     // slab of string bytes
	fl    *freeLists // free handles and blocks; nil until the first object

	sc *scratch // worklists, made at their first use; nil until then

	size      int // arena bytes in use: headers and the used part of both slabs
	peak      int // largest size seen
	live      int // objects alive
	collectAt int // NeedsCollect is true when live > collectBase+collectAt

	allocs, frees uint64
	collections   uint32

	// Stress makes NeedsCollect always true, so the interpreter runs the
	// cycle collector at every safe point (tests only). (Beside the 32-bit
	// count, so that an idle Heap stays 192 bytes.)
	Stress bool

	shared bool // see Share: an allocation or a Collect panics
}

// scratch holds a heap's worklists, kept between uses so that they grow
// once. Apart from Heap, so that an idle heap stays small (192 bytes).
type scratch struct {
	work   []uint32 // Release's slow path and Collect
	cwork  []uint32 // Copy into this heap: (src, dst) handle pairs
	cbuilt []uint32 // Copy into this heap: handles made so far
}

// scratch returns h's worklists, making them at the first use.
func (h *Heap) scratch() *scratch {
	if h.sc == nil {
		h.sc = new(scratch)
	}
	return h.sc
}

// NewHeap returns an empty heap for a program whose interned symbols and
// static strings are in in.
func NewHeap(in *Interns) *Heap { return &Heap{In: in} }

// Unused reports whether h has never held an object nor run a collection:
// it holds no memory, its Stats are zero and no Value refers into it, so
// another unused heap with the same Interns, Limit and Hosts may take its
// place. (The scheduler takes an unused heap from an actor that waits, so
// that an idle actor costs no heap.)
func (h *Heap) Unused() bool { return h.allocs == 0 && h.collections == 0 && h.sc == nil }

// Share marks h, unused, as a stand-in that many owners may point at at
// once while none of them allocates: it answers every question an unused
// heap answers (Len and Bytes of a static string, Stats, NeedsCollect,
// Retain and Release of a value that is not a heap value), from any number
// of goroutines, as it is never written again; an allocation into it, or
// a Collect, is a broken invariant and panics. An owner that is about to
// allocate puts a heap of its own in its place first.
func (h *Heap) Share() {
	if !h.Unused() {
		panic("gc: Share: the heap is in use")
	}
	h.shared = true
}

// Shared reports whether h was marked by Share.
func (h *Heap) Shared() bool { return h.shared }

// Retain adds a reference to v if it is a heap value; other values are ignored.
func (h *Heap) Retain(v Value) {
	if v.K >= KStr {
		h.rcs[v.X]++
	}
}

// Release drops a reference to v if it is a heap value, freeing the object
// (and releasing what it holds, iteratively, never by deep recursion) when
// its count reaches zero. Other values are ignored.
func (h *Heap) Release(v Value) {
	if v.K >= KStr {
		if h.rcs[v.X] > 1 {
			h.rcs[v.X]--
		} else {
			h.releaseLast(v)
		}
	}
}

// Clear frees every object of h at once and keeps the arena's memory for
// the objects made next, which start again at its beginning: no free
// list is walked or filled. For a heap that holds one value at a time (a
// message in transit), it is cheaper than Release, and frees cycles too.
// Host objects drop their references. The caller holds no value of h any
// more; h must not be shared.
func (h *Heap) Clear() {
	if len(h.hdrs) == 0 {
		return
	}
	if h.Hosts != nil {
		for i := range h.hdrs {
			if p := &h.hdrs[i]; p.kind == KHost && h.rcs[i] != 0 {
				h.dropHost(p.off)
			}
		}
	}
	h.frees += uint64(h.live)
	h.live = 0
	h.rcs, h.hdrs, h.vals, h.bytes = h.rcs[:0], h.hdrs[:0], h.vals[:0], h.bytes[:0]
	if fl := h.fl; fl != nil { // its lists held handles and blocks past the new ends: empty them, keeping their memory
		fl.handles = fl.handles[:0]
		for s := range fl.blocks {
			for c := range fl.blocks[s] {
				fl.blocks[s][c] = fl.blocks[s][c][:0]
			}
		}
		fl.mask = [2]uint32{}
		fl.nquick = [quickClasses]uint8{}
	}
	h.size = 0
}

// Drop is the part of Release that needs no call. It drops a reference to
// v and reports false, unless v holds the last reference to a heap object:
// then it changes nothing and reports true, and the caller frees v with
// ReleaseLast. The interpreter uses it to keep the freeing call out of line.
func (h *Heap) Drop(v Value) (last bool) {
	if v.K >= KStr {
		if h.rcs[v.X] > 1 {
			h.rcs[v.X]--
			return false
		}
		return true
	}
	return false
}

// ReleaseLast frees heap value v, whose last reference is being dropped
// (Drop reported true).
func (h *Heap) ReleaseLast(v Value) { h.releaseLast(v) }

// RefCount returns the count of heap value v (for tests and assertions).
func (h *Heap) RefCount(v Value) int {
	if v.K < KStr {
		return 0
	}
	return int(h.rcs[v.X])
}

// NewString returns a new heap string holding a copy of b, count 1.
//
// b may be a view of h itself (NewString(h.Bytes(s)) is fine).
func (h *Heap) NewString(b []byte) (Value, error) {
	x, err := h.newObject(KStr, len(b))
	if err != nil {
		return Nil, err
	}
	copy(h.strBytes(x), b)
	return Value{K: KStr, X: uint64(x)}, nil
}

// Bytes returns the text of a string value, static or heap. The slice is a
// view: valid until the next allocation or free on h; never modify it.
//
// The view of a static string points at the Go string in Interns: writing
// to it is undefined behaviour.
func (h *Heap) Bytes(v Value) []byte {
	switch v.K {
	case KStr:
		return h.strBytes(uint32(v.X))
	case KStaticStr:
		s := h.In.Static(v)
		return unsafe.Slice(unsafe.StringData(s), len(s))
	}
	panic("gc: Bytes of a " + v.K.String())
}

// Text returns the text of a string value as a Go string (a copy).
//
// For a static string it is the interned string itself (Go strings are
// immutable, so no copy is needed).
func (h *Heap) Text(v Value) string {
	switch v.K {
	case KStr:
		return string(h.strBytes(uint32(v.X)))
	case KStaticStr:
		return h.In.Static(v)
	}
	panic("gc: Text of a " + v.K.String())
}

// NewArray returns a new array of n nils, count 1.
//
// An array of PackMin elements or more starts packed: a byte per element,
// as long as it holds only nil, false and true (a sieve's flags take 1/16
// of the memory). Storing any other value unpacks it, once, into Values;
// nothing else about the array changes.
//
// n < 0 or n > MaxObjectLen fails with ErrTooBig.
func (h *Heap) NewArray(n int) (Value, error) {
	k := Kind(KArr)
	if n >= PackMin {
		k = kFlags
	}
	x, err := h.newObject(k, n)
	if err != nil {
		return Nil, err
	}
	if k == kFlags {
		clear(h.strBytes(x)) // 0: nil
	} else {
		clear(h.elems(x))
	}
	return Value{K: KArr, X: uint64(x)}, nil
}

// PackMin is the least length of an array that NewArray makes packed.
// Tests change it (1: every array packed; past MaxObjectLen: none) to check
// that packing changes nothing a program can see; nothing else should.
var PackMin = 64

// The byte of each value a packed array holds.
const (
	flagNil   = 0
	flagFalse = 1
	flagTrue  = 2
)

// flagValues decodes the bytes of a packed array.
var flagValues = [4]Value{flagNil: Nil, flagFalse: False, flagTrue: True}

// flagByte returns the byte of v in a packed array and true, or false when
// a packed array cannot hold v.
func flagByte(v Value) (byte, bool) {
	switch v.K {
	case KNil:
		return flagNil, true
	case KBool:
		return flagFalse + byte(v.X&1), true
	}
	return 0, false
}

// SetFlagAt stores x at index i of arr and reports true when arr is a
// packed array, i is in range and x is nil, false or true; otherwise it
// changes nothing and reports false (the caller takes the checked path).
// It is the interpreter's fast path for a store into an array of flags.
func (h *Heap) SetFlagAt(arr Value, i int64, x Value) bool {
	p := &h.hdrs[arr.X]
	if p.kind != kFlags || uint64(i) >= uint64(p.n) || x.K > KBool {
		return false
	}
	// nil is flagNil (0); a bool is flagFalse plus its payload (0 or 1).
	*h.flagByteAt(p, i) = byte(x.K) + byte(x.K)&byte(x.X)
	return true
}

// flagByteAt returns the address of byte i of packed array p, which the
// caller has checked is in range (so the slab's bounds check is left out).
func (h *Heap) flagByteAt(p *hdr, i int64) *byte {
	return (*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(h.bytes)), int(p.off)<<granShift+int(i)))
}

// Packed reports whether array arr is packed (see NewArray).
func (h *Heap) Packed(arr Value) bool { return h.hdrs[arr.X].kind == kFlags }

// SetFlag stores x at index i of packed array arr (in range) and reports
// true when x is nil, false or true; otherwise it changes nothing and
// reports false, and the caller unpacks arr (Unpack) to store x.
func (h *Heap) SetFlag(arr Value, i int, x Value) bool {
	b, ok := flagByte(x)
	if ok {
		h.bytes[int(h.hdrs[arr.X].off)<<granShift+i] = b
	}
	return ok
}

// Unpack turns packed array arr into an array of Values with the same
// elements; an array that is not packed is left as it is. It fails with
// ErrOutOfMemory (and changes nothing) when the Values do not fit under
// the heap's limit. Views of h are stale after it.
func (h *Heap) Unpack(arr Value) error {
	x := uint32(arr.X)
	p := h.hdrs[x]
	if arr.K != KArr || p.kind != kFlags {
		return nil
	}
	if p.n == 0 { // popped empty: an empty array has no block
		h.putBlock(slabBytes, p.class, p.off)
		h.hdrs[x] = hdr{kind: KArr, class: noBlock}
		return nil
	}
	c := classOf(slabVals, int(p.n))
	if grow, ok := h.blockGrowth(slabVals, c); !ok || !h.fits(grow) {
		return ErrOutOfMemory
	}
	off := h.takeBlock(slabVals, c)
	o := int(p.off) << granShift
	for i, b := range h.bytes[o : o+int(p.n)] {
		h.vals[int(off)+i] = flagValues[b&3]
	}
	h.putBlock(slabBytes, p.class, p.off)
	h.hdrs[x] = hdr{off: off, n: p.n, kind: KArr, class: c}
	return nil
}

// ArrayOf returns a new array holding elems, count 1. The array takes over
// the references elems held (the caller must not Release them).
//
// On error nothing is taken over: the references stay the caller's (unlike
// Push, which releases x). elems may be a view of h, such as a stretch of
// the interpreter's stack.
func (h *Heap) ArrayOf(elems []Value) (Value, error) {
	x, err := h.newObject(KArr, len(elems))
	if err != nil {
		return Nil, err
	}
	copyVals(h.elems(x), elems)
	return Value{K: KArr, X: uint64(x)}, nil
}

// copyVals is copy(dst, src) for Values. A tuple's few elements are moved
// in a loop: copy calls memmove, which cost pingpong-tuple 4% of its time
// for 2 or 3 elements a message (in pack, unpack, a message's copy).
func copyVals(dst, src []Value) {
	if len(src) <= 4 {
		dst = dst[:len(src)]
		for i := range src {
			dst[i] = src[i]
		}
		return
	}
	copy(dst, src)
}

// Spread copies the elements of array arr into out (len(out) == Len(arr))
// and drops the caller's reference to arr; each element in out owns a
// count. When the caller held the last reference, the array's counts pass
// to out and the array is freed without a look at its elements (unpack of
// a message: no count goes up to come down again); otherwise each element
// is retained. out must not be a view of h.
func (h *Heap) Spread(arr Value, out []Value) {
	x := uint32(arr.X)
	p := &h.hdrs[x]
	if p.kind == kFlags {
		for i, b := range h.strBytes(x) {
			out[i] = flagValues[b&3]
		}
		h.Release(arr)
		return
	}
	elems := h.vals[p.off : p.off+p.n : p.off+p.n]
	copyVals(out, elems)
	switch rc := &h.rcs[x]; {
	case *rc > 1:
		*rc--
		for _, e := range elems {
			h.Retain(e)
		}
	case *rc == 1:
		h.free(x)
	default:
		panic("gc: Spread: object already freed")
	}
}

// Len returns the length of an array (elements) or string (bytes).
func (h *Heap) Len(v Value) int {
	switch v.K {
	case KArr, KStr:
		return int(h.hdrs[v.X].n)
	case KStaticStr:
		return len(h.In.Static(v))
	}
	panic("gc: Len of a " + v.K.String())
}

// Elems returns a view of an array's elements: valid until the next
// allocation or free on h. The caller Retains what it keeps.
//
// Set, Push and Pop on the array also invalidate it (a Push may move the
// elements to a bigger block). Of a packed array, Elems returns a copy of
// its elements, not a view: writing to it changes nothing.
func (h *Heap) Elems(arr Value) []Value {
	if arr.K != KArr || h.Packed(arr) {
		return h.flagElems(arr)
	}
	return h.elems(uint32(arr.X))
}

// flagElems is Elems of what is not an array of Values: a copy of the
// elements of a packed array, or a panic. (Apart, so that Elems is small
// enough to inline.)
//
//go:noinline
func (h *Heap) flagElems(arr Value) []Value {
	if arr.K != KArr {
		panic("gc: Elems of a " + arr.K.String())
	}
	b := h.strBytes(uint32(arr.X))
	vs := make([]Value, len(b))
	for i, c := range b {
		vs[i] = flagValues[c&3]
	}
	return vs
}

// Get returns element i of arr, borrowed (not retained). i must be in range.
func (h *Heap) Get(arr Value, i int) Value {
	p := &h.hdrs[arr.X]
	if arr.K != KArr || uint(i) >= uint(p.n) {
		panic("gc: Get: not an array or index out of range")
	}
	if p.kind == kFlags {
		return flagValues[h.bytes[int(p.off)<<granShift+i]&3]
	}
	return h.vals[p.off+uint32(i)]
}

// Slot returns a pointer to element i of array arr, for a caller that has
// checked that arr is an array and i is in range (the interpreter's fast
// path; Set is the checked way), or nil when arr is packed (see SetFlag).
// The pointer is a view, valid until the next allocation or free on h.
func (h *Heap) Slot(arr Value, i int) *Value {
	p := &h.hdrs[arr.X]
	if p.kind == kFlags {
		return nil
	}
	return &h.vals[p.off+uint32(i)]
}

// Set stores x at index i of arr (in range), releasing the old element.
// The array takes over x's reference. It fails only when arr is packed and
// x is a value a packed array does not hold, and unpacking it fails
// (ErrOutOfMemory); then x is released.
func (h *Heap) Set(arr Value, i int, x Value) error {
	p := &h.hdrs[arr.X]
	if arr.K != KArr || uint(i) >= uint(p.n) {
		panic("gc: Set: not an array or index out of range")
	}
	if p.kind == kFlags {
		if h.SetFlag(arr, i, x) {
			return nil
		}
		if err := h.Unpack(arr); err != nil {
			h.Release(x)
			return err
		}
	}
	slot := h.Slot(arr, i)
	old := *slot
	*slot = x
	h.Release(old) // after the store: freeing never moves a slab
	return nil
}

// Push appends x to arr; the array takes over x's reference (on error, x is released).
//
// When the array's block is full, its elements move to a block of the next
// size class (twice as big), so n pushes cost O(n).
func (h *Heap) Push(arr Value, x Value) error {
	p := &h.hdrs[arr.X]
	if arr.K != KArr {
		panic("gc: Push onto a " + arr.K.String())
	}
	if p.kind == kFlags {
		if err := h.Unpack(arr); err != nil {
			h.Release(x)
			return err
		}
	}
	if p.n < 1<<p.class { // a uint32 shifted by noBlock is 0: no room
		h.vals[p.off+p.n] = x
		p.n++
		return nil
	}
	return h.pushGrow(uint32(arr.X), x)
}

// Pop removes the last element of arr and gives its reference to the
// caller; ok is false when arr is empty.
//
// The block keeps its size: popping never frees memory, the next Push
// reuses the slot.
func (h *Heap) Pop(arr Value) (x Value, ok bool) {
	p := &h.hdrs[arr.X]
	if arr.K != KArr {
		panic("gc: Pop from a " + arr.K.String())
	}
	if p.n == 0 {
		return Nil, false
	}
	p.n--
	if p.kind == kFlags {
		return flagValues[h.bytes[int(p.off)<<granShift+int(p.n)]&3], true
	}
	return h.vals[p.off+p.n], true
}

// NewCurry returns a curried quotation that pushes x and then runs q.
// It takes over both references.
//
// On error nothing is taken over: both references stay the caller's.
func (h *Heap) NewCurry(x, q Value) (Value, error) {
	c, err := h.newObject(KCurry, 2)
	if err != nil {
		return Nil, err
	}
	e := h.elems(c)
	e[0], e[1] = x, q
	return Value{K: KCurry, X: uint64(c)}, nil
}

// CurryParts returns the value and the quotation of curried quotation c,
// borrowed.
func (h *Heap) CurryParts(c Value) (x, q Value) {
	if c.K != KCurry {
		panic("gc: CurryParts of a " + c.K.String())
	}
	off := h.hdrs[c.X].off
	return h.vals[off], h.vals[off+1]
}

// NeedsCollect reports whether the arena has grown past the threshold at
// which the caller should run Collect at its next safe point.
//
// Room returns the bytes the arena may still grow by under its limit: a
// caller that builds a large object in Go memory first (a string of n
// bytes) checks n against it, so that a failing allocation costs nothing.
func (h *Heap) Room() int { return max(0, h.limit()-h.size) }

// The threshold counts live objects: 64Ki at first, then twice the number
// that survived the last collection (never below 64Ki).
func (h *Heap) NeedsCollect() bool {
	return h.Stress || h.live > collectBase+h.collectAt
}

// Stats is what --stats reports about a heap.
type Stats struct {
	Allocs      uint64 // objects allocated
	Frees       uint64 // objects freed (by refcount or by the collector)
	Collections uint64 // cycle collections run
	Live        int    // objects alive now
	PeakBytes   int    // largest arena size seen, in bytes (headers + slabs)
}

// Stats returns the heap's counters.
func (h *Heap) Stats() Stats {
	return Stats{
		Allocs:      h.allocs,
		Frees:       h.frees,
		Collections: uint64(h.collections),
		Live:        h.live,
		PeakBytes:   h.peak,
	}
}

// Arena returns the addresses of the first elements of the heap's tables,
// for native code (the jit package), which reads and writes them directly:
// the counts (uint32 by handle), the headers (by handle), the slab of
// Values and the slab of bytes; 0 for a table not made yet. Any allocation
// or free may move them; the caller asks again after one.
func (h *Heap) Arena() (rcs, hdrs, vals, bytes uintptr) {
	if len(h.rcs) > 0 {
		rcs, hdrs = uintptr(unsafe.Pointer(&h.rcs[0])), uintptr(unsafe.Pointer(&h.hdrs[0]))
	}
	if len(h.vals) > 0 {
		vals = uintptr(unsafe.Pointer(&h.vals[0]))
	}
	if len(h.bytes) > 0 {
		bytes = uintptr(unsafe.Pointer(&h.bytes[0]))
	}
	return
}

// The layout of the arena's tables (see Arena), for native code. A header
// is ArenaHdrSize bytes: the block's offset in its slab (uint32, in Values, or
// in granules of 1<<ArenaGranShift bytes for a packed array), the length
// (uint32), the kind (a byte: KArr, ArenaPacked for a packed array, KStr,
// KCurry) and the size class of the block (a byte: room for 1<<class
// units). An array pushed onto within its room is its length plus one. A packed array holds a byte per element: 0 nil, 1 false, 2 true.
const (
	ArenaHdrSize   = unsafe.Sizeof(hdr{})
	ArenaHdrOff    = unsafe.Offsetof(hdr{}.off)
	ArenaHdrLen    = unsafe.Offsetof(hdr{}.n)
	ArenaHdrKind   = unsafe.Offsetof(hdr{}.kind)
	ArenaHdrClass  = unsafe.Offsetof(hdr{}.class) // the block holds 1<<class units; ArenaNoBlock: none
	ArenaNoBlock   = noBlock
	ArenaPacked    = kFlags
	ArenaGranShift = granShift
)
