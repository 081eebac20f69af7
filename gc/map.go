package gc

// This file defines maps: hash maps from keys to values that iterate in
// insertion order.
//
// A map is an object of kind KMap in the Value slab, so reference counting,
// the cycle collector and Copy treat it as they treat an array: a block of
// Values, each owning a count. Its elements are
//
//	e[0]     counts: an int whose payload is live | dead<<32 (pairs in use, deleted pairs)
//	e[1]     index: nil, or a heap string (a byte object) holding the hash table
//	e[2+2i]  key of pair i
//	e[3+2i]  value of pair i
//
// A pair is appended when a new key is put, so the pairs are in insertion
// order; deleting one leaves a dead pair (key deadKey, value nil) in its
// place, and the dead pairs are squeezed out when the index is rebuilt.
//
// A map of up to smallPairs pairs has no index: a lookup compares the key
// with each. Above, the index is an open-addressed table of a power of two
// slots of 16 bytes, at most half full: a slot is the key's 32-bit hash,
// the pair's number plus one (0: an empty slot) and, for a string of up to
// 8 bytes, its length and its bytes (see probe; the length goes when the
// pair is deleted). A dead pair keeps its slot,
// so probing goes past it; its key equals nothing. The index is a byte
// object reached from e[1] like any string, so Copy copies it and the
// collector keeps it; a hash depends only on the key's contents (never on a
// handle or a heap), so a copied index stays right in the receiving heap.
//
// Keys are immutable values: ints, floats (not NaN), strings, symbols,
// booleans, nil, pids and arrays of those (up to maxKeyDepth deep and
// maxKeyValues values: see isKey). An int
// and a float with the same value are the same key, as they are equal. A
// map stores a copy of an array key of its own, which no one else can
// reach (MapPairs and MapKeys hand out copies), so a key never changes
// while it is in the map.

import (
	"encoding/binary"
	"errors"
	"hash/maphash"
	"math"
)

// ErrBadKey is the error of a map operation given a key that no map may
// hold: a quotation, a map, NaN, or an array holding one, nested deeper
// than maxKeyDepth, or of more than maxKeyValues values.
var ErrBadKey = errors.New("gc: not a map key")

const (
	mapHead      = 2       // elements before the first pair
	smallPairs   = 8       // a map of at most this many pairs (live or dead) has no index
	maxKeyDepth  = 32      // arrays in arrays a key may nest
	maxKeyValues = 1 << 16 // values a key may hold in all, shared arrays counted each time
	slotSize     = 16      // bytes of a slot of the index
	tagShift     = 28      // a slot's second word: pair+1 below bit 28 (pairs are fewer than MaxObjectLen/2), a short key's tag above
	pairMask     = 1<<tagShift - 1
)

// deadKey is the key of a deleted pair: a nil with a payload, which no
// program value is, so it equals no key.
var deadKey = Value{K: KNil, X: 1}

// mapSeed seeds the hash of strings (random per process: hashes are never
// printed nor kept outside the process).
var mapSeed = maphash.MakeSeed()

// NewMap returns a new empty map, count 1.
func (h *Heap) NewMap() (Value, error) {
	x, err := h.newObject(KMap, mapHead)
	if err != nil {
		return Nil, err
	}
	e := h.elems(x)
	e[0], e[1] = Int(0), Nil
	return Value{K: KMap, X: uint64(x)}, nil
}

// mapCounts returns the live and dead pairs of map x.
func (h *Heap) mapCounts(x uint32) (live, dead int) {
	c := h.vals[h.hdrs[x].off].X
	return int(uint32(c)), int(c >> 32)
}

func (h *Heap) setMapCounts(x uint32, live, dead int) {
	h.vals[h.hdrs[x].off] = Value{K: KInt, X: uint64(live) | uint64(dead)<<32}
}

// MapLen returns the number of keys of map m.
func (h *Heap) MapLen(m Value) int {
	live, _ := h.mapCounts(m.Handle())
	return live
}

// CheckKey reports whether k may be a key: nil, or ErrBadKey.
func (h *Heap) CheckKey(k Value) error {
	if !h.isKey(k) {
		return ErrBadKey
	}
	return nil
}

// isKey reports whether k may be a key. An array key counts its values
// again wherever it holds an array twice, as hashing and comparing it
// will: { x x } nested 40 deep is 2^40 values, so keys are bounded by
// maxKeyValues in all.
func (h *Heap) isKey(k Value) bool {
	switch k.K {
	case KInt, KStr, KStaticStr, KSym, KNil, KBool, KPid:
		return true // the usual keys, without validKey's call
	}
	budget := maxKeyValues
	return h.validKey(k, 0, &budget)
}

func (h *Heap) validKey(k Value, depth int, budget *int) bool {
	if *budget--; *budget < 0 {
		return false
	}
	switch k.K {
	case KFloat:
		return !math.IsNaN(k.AsFloat())
	case KQuot, KCurry, KMap, KHost: // a host value's hash would be its handle's, which a copy changes
		return false
	case KArr:
		if depth >= maxKeyDepth {
			return false
		}
		if h.Packed(k) {
			*budget -= int(h.hdrs[k.X].n)
			return *budget >= 0
		}
		for i := range int(h.hdrs[k.X].n) {
			if !h.validKey(h.vals[h.hdrs[k.X].off+uint32(i)], depth+1, budget) {
				return false
			}
		}
	}
	return true
}

// keyHash returns the hash of valid key k: equal keys hash alike.
func (h *Heap) keyHash(k Value) uint64 {
	switch k.K {
	case KInt:
		return mix(k.X)
	case KFloat:
		f := k.AsFloat()
		if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
			return mix(uint64(int64(f))) // the hash of the int it equals (-0.0 too)
		}
		return mix(k.X ^ 0x7ff0_0000_0000_0001)
	case KStr, KStaticStr:
		hash, _, _ := h.probe(k)
		return hash
	case KArr:
		n := h.Len(k)
		s := mix(uint64(n) + 0xa77a)
		for i := range n {
			s = mix(s ^ h.keyHash(h.Get(k, i)))
		}
		return s
	}
	return mix(k.X + uint64(k.K)<<56)
}

// mix is a 64-bit finalizer (the multiply-xorshift rounds of splitmix64).
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// keyEqual reports whether keys a and b are equal, as = has them (a is a
// valid key; b may be deadKey).
func (h *Heap) keyEqual(a, b Value) bool {
	if a.K == b.K && a.X == b.X {
		return true
	}
	switch a.K {
	case KInt, KFloat:
		if b.K != KInt && b.K != KFloat {
			return false
		}
		return numEqual(a, b)
	case KStr, KStaticStr:
		return b.IsString() && string(h.Bytes(a)) == string(h.Bytes(b))
	case KArr:
		if b.K != KArr || h.Len(a) != h.Len(b) {
			return false
		}
		for i := range h.Len(a) {
			if !h.keyEqual(h.Get(a, i), h.Get(b, i)) {
				return false
			}
		}
		return true
	}
	return false
}

// numEqual compares two numbers exactly (an int with a float by value, not
// by converting the int).
func numEqual(a, b Value) bool {
	if a.K == b.K {
		if a.K == KInt {
			return a.X == b.X
		}
		return a.AsFloat() == b.AsFloat()
	}
	if a.K == KFloat {
		a, b = b, a
	}
	f := b.AsFloat() // a is the int
	if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return false
	}
	return int64(f) == a.AsInt()
}

// find returns the number of the pair of m whose key equals k, or -1. k
// is a valid key.
func (h *Heap) find(x uint32, k Value) int {
	i, _ := h.findSlot(x, k)
	return i
}

// findSlot is find that also returns the offset of the key's slot in the
// index (-1 in a map without one).
func (h *Heap) findSlot(x uint32, k Value) (pair, slot int) {
	p := h.hdrs[x]
	e := h.vals[p.off : p.off+p.n]
	if e[1].K == KNil {
		for i := range (len(e) - mapHead) / 2 {
			if h.keyEqual(k, e[mapHead+2*i]) {
				return i, -1
			}
		}
		return -1, -1
	}
	hash, word, tag := h.probe(k)
	t := h.strBytes(uint32(e[1].X))
	mask := uint64(len(t)/slotSize - 1)
	for s := hash & mask; ; s = (s + 1) & mask {
		slot := t[slotSize*s : slotSize*s+slotSize]
		n := binary.LittleEndian.Uint32(slot[4:])
		if n == 0 {
			return -1, -1
		}
		if binary.LittleEndian.Uint32(slot) != uint32(hash) {
			continue
		}
		i := int(n&pairMask - 1)
		if tag != 0 {
			// A short string equals only the string of the same bytes,
			// whose word and tag are in the slot: no need to read the
			// key. (A deleted pair's slot has tag 0.)
			if n>>tagShift == tag && binary.LittleEndian.Uint64(slot[8:]) == word {
				return i, int(slotSize * s)
			}
			continue
		}
		if h.keyEqual(k, h.vals[p.off+uint32(mapHead+2*i)]) {
			return i, int(slotSize * s)
		}
	}
}

// probe returns the hash of valid key k and, for a string of at most 8
// bytes, its bytes as a word (zero-padded) and its length plus one as its
// tag (tag 0 for any other key). The index keeps a short string's word and
// tag in its slot, so that looking it up (a word, a name) reads neither
// the key's Value nor its bytes.
func (h *Heap) probe(k Value) (hash, word uint64, tag uint32) {
	if !k.IsString() {
		return h.keyHash(k), 0, 0
	}
	if k.K == KStr {
		// A heap string's block is a whole number of 8-byte granules:
		// its first granule is read as one word, past its length masked
		// off (no copy, no memmove).
		p := h.hdrs[k.X]
		if p.n <= 8 {
			word = 0
			if p.n > 0 {
				off := int(p.off) << granShift
				word = binary.LittleEndian.Uint64(h.bytes[off:off+8]) & (1<<(8*p.n) - 1)
			}
			tag = p.n + 1
			return mix(word ^ uint64(tag)<<59), word, tag
		}
	}
	b := h.Bytes(k)
	if len(b) > 8 {
		return maphash.Bytes(mapSeed, b), 0, 0
	}
	var w [8]byte
	copy(w[:], b)
	word = binary.LittleEndian.Uint64(w[:])
	tag = uint32(len(b) + 1)
	return mix(word ^ uint64(tag)<<59), word, tag
}

// MapGet returns the value of key k in map m, borrowed, and true; or nil
// and false when m has no such key. It fails with ErrBadKey.
func (h *Heap) MapGet(m, k Value) (Value, bool, error) {
	if !h.isKey(k) {
		return Nil, false, ErrBadKey
	}
	x := m.Handle()
	i := h.find(x, k)
	if i < 0 {
		return Nil, false, nil
	}
	return h.vals[h.hdrs[x].off+uint32(mapHead+2*i+1)], true, nil
}

// MapPut sets key k of map m to v. The map takes over v's reference; k is
// borrowed (the map keeps a reference of its own, or a copy of an array).
// On error (ErrBadKey, ErrOutOfMemory, ErrTooBig) nothing changes and v
// stays the caller's.
func (h *Heap) MapPut(m, k, v Value) error {
	if !h.isKey(k) {
		return ErrBadKey
	}
	x := m.Handle()
	if i := h.find(x, k); i >= 0 {
		slot := &h.vals[h.hdrs[x].off+uint32(mapHead+2*i+1)]
		old := *slot
		*slot = v
		h.Release(old) // after the store: a free never moves a slab
		return nil
	}
	if k.K == KArr {
		var err error
		if k, err = Copy(h, h, k); err != nil {
			return err
		}
	} else {
		h.Retain(k)
	}
	if err := h.appendPair(x, k, v); err != nil {
		h.Release(k)
		return err
	}
	return nil
}

// appendPair appends the pair k v to map x, whose keys k is not one of,
// and indexes it; it takes over both references only when it succeeds.
func (h *Heap) appendPair(x uint32, k, v Value) error {
	live, dead := h.mapCounts(x)
	pairs := live + dead + 1
	if pairs > smallPairs {
		idx := h.vals[h.hdrs[x].off+1]
		if idx.K == KNil || 2*pairs > int(h.hdrs[idx.X].n)/slotSize {
			if err := h.reindex(x, live+1); err != nil {
				return err
			}
			live, dead = h.mapCounts(x)
		}
	}
	p := h.hdrs[x]
	if p.n+2 > MaxObjectLen {
		return ErrTooBig
	}
	if p.class == noBlock || p.n+2 > 1<<p.class {
		if err := h.regrow(x, classOf(slabVals, int(p.n)+2)); err != nil {
			return err
		}
	}
	q := &h.hdrs[x]
	i := int(q.n-mapHead) / 2
	h.vals[q.off+q.n], h.vals[q.off+q.n+1] = k, v
	q.n += 2
	h.setMapCounts(x, live+1, dead)
	if idx := h.vals[q.off+1]; idx.K != KNil {
		h.indexPair(h.strBytes(uint32(idx.X)), k, i)
	}
	return nil
}

// indexPair puts pair i, of key k, into index table t.
func (h *Heap) indexPair(t []byte, k Value, i int) {
	hash, word, tag := h.probe(k)
	mask := uint64(len(t)/slotSize - 1)
	s := hash & mask
	for binary.LittleEndian.Uint32(t[slotSize*s+4:]) != 0 {
		s = (s + 1) & mask
	}
	slot := t[slotSize*s : slotSize*s+slotSize]
	binary.LittleEndian.PutUint32(slot, uint32(hash))
	binary.LittleEndian.PutUint32(slot[4:], uint32(i+1)|tag<<tagShift)
	binary.LittleEndian.PutUint64(slot[8:], word)
}

// reindex squeezes the dead pairs out of map x and gives it a new index
// with room for want pairs at most half full. Nothing changes on error.
func (h *Heap) reindex(x uint32, want int) error {
	slots := 32
	for slots < 3*want {
		slots *= 2
	}
	if slotSize*slots > MaxObjectLen {
		return ErrTooBig
	}
	ix, err := h.newObject(KStr, slotSize*slots)
	if err != nil {
		return err
	}
	t := h.strBytes(ix)
	clear(t)
	p := h.hdrs[x]
	e := h.vals[p.off : p.off+p.n]
	n := 0
	for i := mapHead; i < len(e); i += 2 {
		if e[i] == deadKey {
			continue
		}
		e[mapHead+2*n], e[mapHead+2*n+1] = e[i], e[i+1]
		h.indexPair(t, e[i], n)
		n++
	}
	h.hdrs[x].n = uint32(mapHead + 2*n)
	old := e[1]
	e[1] = Value{K: KStr, X: uint64(ix)}
	h.setMapCounts(x, n, 0)
	h.Release(old)
	return nil
}

// MapDel removes key k from map m, if it is there. It fails with
// ErrBadKey only.
func (h *Heap) MapDel(m, k Value) error {
	if !h.isKey(k) {
		return ErrBadKey
	}
	x := m.Handle()
	i, slot := h.findSlot(x, k)
	if i < 0 {
		return nil
	}
	if slot >= 0 { // the slot stays, for probes to go past, but its tag goes
		t := h.strBytes(uint32(h.vals[h.hdrs[x].off+1].X))
		n := binary.LittleEndian.Uint32(t[slot+4:])
		binary.LittleEndian.PutUint32(t[slot+4:], n&pairMask)
	}
	off := h.hdrs[x].off + uint32(mapHead+2*i)
	oldK, oldV := h.vals[off], h.vals[off+1]
	h.vals[off], h.vals[off+1] = deadKey, Nil
	live, dead := h.mapCounts(x)
	if i == live+dead-1 && h.vals[h.hdrs[x].off+1].K == KNil {
		h.hdrs[x].n -= 2 // the last pair of a small map: gone at once
		h.setMapCounts(x, live-1, dead)
	} else {
		h.setMapCounts(x, live-1, dead+1)
	}
	h.Release(oldK)
	h.Release(oldV)
	return nil
}

// MapSlots returns the number of pairs of map m, deleted ones included:
// the bound of MapPair's index.
func (h *Heap) MapSlots(m Value) int { return int(h.hdrs[m.X].n-mapHead) / 2 }

// MapPair returns pair i of map m (0 <= i < MapSlots), borrowed; live is
// false for a deleted pair. An array key is the map's own: the caller does
// not keep it.
func (h *Heap) MapPair(m Value, i int) (k, v Value, live bool) {
	e := h.vals[h.hdrs[m.X].off+uint32(mapHead+2*i):]
	return e[0], e[1], e[0] != deadKey
}

// MapArray returns a new array, count 1, of the keys of map m (keys), of
// its values (values), or of its pairs as { key value } arrays (both), in
// insertion order. Array keys are copies: a map's own are never handed out.
func (h *Heap) MapArray(m Value, keys, values bool) (Value, error) {
	x := m.Handle()
	live, _ := h.mapCounts(x)
	out, err := h.newObject(KArr, live)
	if err != nil {
		return Nil, err
	}
	clear(h.elems(out))
	j := uint32(0)
	for i := uint32(mapHead); i < h.hdrs[x].n; i += 2 {
		// Read the pair again each time: a copy moves the slab.
		k, v := h.vals[h.hdrs[x].off+i], h.vals[h.hdrs[x].off+i+1]
		if k == deadKey {
			continue
		}
		e := v
		if keys {
			if k.K == KArr {
				if k, err = Copy(h, h, k); err != nil {
					break
				}
			} else {
				h.Retain(k)
			}
			e = k
		}
		if keys && values {
			var pair uint32
			if pair, err = h.newObject(KArr, 2); err != nil {
				h.Release(k)
				break
			}
			pe := h.elems(pair)
			pe[0], pe[1] = k, v
			e = Value{K: KArr, X: uint64(pair)}
		}
		if values {
			h.Retain(v)
		}
		h.vals[h.hdrs[out].off+j] = e
		j++
	}
	if err != nil {
		h.Release(Value{K: KArr, X: uint64(out)})
		return Nil, err
	}
	return Value{K: KArr, X: uint64(out)}, nil
}
