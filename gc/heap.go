package gc

import "errors"

// This file defines the Heap API. The bodies are placeholders until the
// arena implementation lands; the signatures and doc comments are the contract.

// Allocation errors. The interpreter turns them into :badarg (ErrTooBig, a
// size the language cannot hold) and :out-of-memory (ErrOutOfMemory).
var (
	ErrTooBig      = errors.New("gc: object too big")
	ErrOutOfMemory = errors.New("gc: heap limit reached")
)

// MaxObjectLen bounds the length of one array or string.
const MaxObjectLen = 1 << 28

// DefaultLimit is the default byte limit of one heap (Heap.Limit).
const DefaultLimit = 4 << 30

// Heap is one actor's arena. Create it with NewHeap. A new Heap allocates
// nothing until its first object (an idle actor must stay small).
type Heap struct {
	In *Interns // the program's symbols and static strings

	// Limit is the most bytes the arena may hold (headers and slabs);
	// an allocation past it fails with ErrOutOfMemory. 0 means DefaultLimit.
	Limit int

	// Stress makes NeedsCollect always true, so the interpreter runs the
	// cycle collector at every safe point (tests only).
	Stress bool
}

// NewHeap returns an empty heap for a program whose interned symbols and
// static strings are in in.
func NewHeap(in *Interns) *Heap { return &Heap{In: in} }

// Retain adds a reference to v if it is a heap value; other values are ignored.
func (h *Heap) Retain(v Value) { panic("unimplemented") }

// Release drops a reference to v if it is a heap value, freeing the object
// (and releasing what it holds, iteratively, never by deep recursion) when
// its count reaches zero. Other values are ignored.
func (h *Heap) Release(v Value) { panic("unimplemented") }

// RefCount returns the count of heap value v (for tests and assertions).
func (h *Heap) RefCount(v Value) int { panic("unimplemented") }

// NewString returns a new heap string holding a copy of b, count 1.
func (h *Heap) NewString(b []byte) (Value, error) { panic("unimplemented") }

// Bytes returns the text of a string value, static or heap. The slice is a
// view: valid until the next allocation or free on h; never modify it.
func (h *Heap) Bytes(v Value) []byte { panic("unimplemented") }

// Text returns the text of a string value as a Go string (a copy).
func (h *Heap) Text(v Value) string { panic("unimplemented") }

// NewArray returns a new array of n nils, count 1.
func (h *Heap) NewArray(n int) (Value, error) { panic("unimplemented") }

// ArrayOf returns a new array holding elems, count 1. The array takes over
// the references elems held (the caller must not Release them).
func (h *Heap) ArrayOf(elems []Value) (Value, error) { panic("unimplemented") }

// Len returns the length of an array (elements) or string (bytes).
func (h *Heap) Len(v Value) int { panic("unimplemented") }

// Elems returns a view of an array's elements: valid until the next
// allocation or free on h. The caller Retains what it keeps.
func (h *Heap) Elems(arr Value) []Value { panic("unimplemented") }

// Get returns element i of arr, borrowed (not retained). i must be in range.
func (h *Heap) Get(arr Value, i int) Value { panic("unimplemented") }

// Set stores x at index i of arr (in range), releasing the old element.
// The array takes over x's reference.
func (h *Heap) Set(arr Value, i int, x Value) { panic("unimplemented") }

// Push appends x to arr; the array takes over x's reference (on error, x is released).
func (h *Heap) Push(arr Value, x Value) error { panic("unimplemented") }

// Pop removes the last element of arr and gives its reference to the
// caller; ok is false when arr is empty.
func (h *Heap) Pop(arr Value) (x Value, ok bool) { panic("unimplemented") }

// NewCurry returns a curried quotation that pushes x and then runs q.
// It takes over both references.
func (h *Heap) NewCurry(x, q Value) (Value, error) { panic("unimplemented") }

// CurryParts returns the value and the quotation of curried quotation c,
// borrowed.
func (h *Heap) CurryParts(c Value) (x, q Value) { panic("unimplemented") }

// NeedsCollect reports whether the arena has grown past the threshold at
// which the caller should run Collect at its next safe point.
func (h *Heap) NeedsCollect() bool { panic("unimplemented") }

// Collect runs the cycle collector: it marks everything reachable from the
// values in roots, recomputes the count of each reached object from the
// references it saw, and frees the rest. The roots must hold every live
// reference of the actor.
func (h *Heap) Collect(roots ...[]Value) { panic("unimplemented") }

// Copy returns a deep copy of v (a value of src) built in dst, with count 1,
// sharing nothing with src. Sharing and cycles inside v are preserved: an
// array reached twice is copied once. dst and src may belong to different
// actors; the caller must own both for the duration of the call.
func Copy(dst, src *Heap, v Value) (Value, error) { panic("unimplemented") }

// Stats is what --stats reports about a heap.
type Stats struct {
	Allocs      uint64 // objects allocated
	Frees       uint64 // objects freed (by refcount or by the collector)
	Collections uint64 // cycle collections run
	Live        int    // objects alive now
	PeakBytes   int    // largest arena size seen, in bytes (headers + slabs)
}

// Stats returns the heap's counters.
func (h *Heap) Stats() Stats { panic("unimplemented") }
