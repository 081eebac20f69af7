package gc

// This file defines Copy, the deep copy of a value from one heap into
// another that sending a message makes.
//
// The copy walks the source graph with an explicit worklist of (source,
// copy) handle pairs, so depth costs no Go stack. Each object is made in
// dst when first met, with its final length; its elements are filled when
// its pair leaves the worklist. To copy a shared object once, the copier
// remembers source handle -> copy handle, but only for the objects that can
// be met twice:
//
//   - the root, whatever its count (it may hold itself), kept in a variable;
//   - any other object whose count is above 1. An object with count 1 has a
//     single reference, so the walk meets it once at most; these are never
//     looked up or stored, and the map is made at the first shared object.
//     Copying an int, a string or an array of unshared values makes no map.
//
// Every object made is listed (in dst's scratch), so a failure frees them
// all, cycles included, without walking them.

// Copy returns a deep copy of v (a value of src) built in dst, with count 1,
// sharing nothing with src. Sharing and cycles inside v are preserved: an
// array reached twice is copied once. dst and src may belong to different
// actors; the caller must own both for the duration of the call.
//
// src is only read. dst may be src (the copy is then a clone in the same
// heap). Strings are copied as bytes; ints, floats, symbols, pids, plain
// quotations and static strings copy as they are (a heap value is returned
// with count 1; other values are not counted). On error (ErrOutOfMemory
// when dst reaches its limit) whatever was built in dst is freed and v is
// untouched.
func Copy(dst, src *Heap, v Value) (Value, error) {
	switch v.K {
	case KStr:
		return dst.NewString(src.strBytes(uint32(v.X)))
	case KHost:
		return dst.NewHost(src.HostID(v))
	case KArr, KCurry, KMap:
		if src.hdrs[v.X].kind == kFlags {
			x, err := dst.newObject(kFlags, int(src.hdrs[v.X].n))
			if err != nil {
				return Nil, err
			}
			copy(dst.strBytes(x), src.strBytes(uint32(v.X)))
			return Value{K: KArr, X: uint64(x)}, nil
		}
		if c, ok, err := copyFlat(dst, src, v); ok {
			return c, err
		}
		return copyGraph(dst, src, v)
	}
	return v, nil
}

// copyFlat is Copy for an array, a curry or a map that holds no heap
// value (a tuple of ints and symbols, the common message): one object
// and one copy of its elements, without copyGraph's worklists. ok is
// false, and nothing is made, when v holds a heap value.
func copyFlat(dst, src *Heap, v Value) (c Value, ok bool, err error) {
	p := src.hdrs[v.X]
	elems := src.vals[p.off : p.off+p.n]
	for _, e := range elems {
		if e.K >= KStr {
			return Nil, false, nil
		}
	}
	x, err := dst.newObject(v.K, int(p.n))
	if err != nil {
		return Nil, true, err
	}
	// elems stays right while dst grows, even when dst is src (see
	// copyGraph); the copy goes through dst.vals, which may have moved.
	off := dst.hdrs[x].off
	copyVals(dst.vals[off:off+p.n], elems)
	return Value{K: v.K, X: uint64(x)}, true, nil
}

// copyGraph is Copy for an array, a curry or a map.
func copyGraph(dst, src *Heap, v Value) (Value, error) {
	root := uint32(v.X)
	droot, err := dst.newObject(v.K, int(src.hdrs[root].n))
	if err != nil {
		return Nil, err
	}
	var seen map[uint32]uint32 // source handle -> copy, for shared objects other than the root
	sc := dst.scratch()
	work := append(sc.cwork[:0], root, droot)
	built := append(sc.cbuilt[:0], droot)
	for len(work) > 0 {
		s, d := work[len(work)-2], work[len(work)-1]
		work = work[:len(work)-2]
		// The elements go over in one copy; then the heap ones are
		// replaced by their copies. The view of the source elements stays
		// right while dst grows, even when dst is src: making an object
		// never writes into a live block, and a slab that moves leaves its
		// old array, unchanged, to the view. The copy is written through
		// dst.vals, which may move, at an offset that does not.
		sp := src.hdrs[s]
		elems := src.vals[sp.off : sp.off+sp.n]
		doff := dst.hdrs[d].off
		copy(dst.vals[doff:doff+sp.n], elems)
		for i, e := range elems {
			if e.K < KStr {
				continue
			}
			ex := uint32(e.X)
			shared := src.rcs[ex] > 1
			nx, ok := droot, ex == root
			if !ok && shared && seen != nil {
				nx, ok = seen[ex]
			}
			if ok {
				dst.rcs[nx]++
			} else {
				ep := src.hdrs[ex]
				nx, err = dst.newObject(ep.kind, int(ep.n))
				if err != nil {
					for _, x := range built {
						dst.free(x)
					}
					sc.cwork, sc.cbuilt = work[:0], built[:0]
					return Nil, err
				}
				built = append(built, nx)
				if ep.kind == KHost {
					dst.hdrs[nx].off = ep.off // the same Go value (freeing nx on failure drops this reference)
					dst.Hosts.retain(ep.off)
				} else if leaf(ep.kind) {
					copy(dst.strBytes(nx), src.strBytes(ex))
				} else {
					work = append(work, ex, nx)
				}
				if shared {
					if seen == nil {
						seen = make(map[uint32]uint32)
					}
					seen[ex] = nx
				}
			}
			dst.vals[doff+uint32(i)].X = uint64(nx)
		}
	}
	sc.cwork, sc.cbuilt = work[:0], built[:0]
	return Value{K: v.K, X: uint64(droot)}, nil
}
