package interp

// This file defines the words on maps (docs/language.md §3.14). The map
// itself, its keys and its index are gc's (gc/map.go). each-pair is a
// library word (prelude.go) over pairs.
//
// As the other words, each checks its operands before it changes
// anything: on an error the stack is as it was. An operand that should be
// a map and is not fails with :type; a key that no map can hold (a
// quotation, a map, NaN, or an array holding one) fails with :badarg.

import "github.com/raftvm/raft/gc"

func init() {
	defBuiltin("new-map", 0, 1, func(m *Machine) error {
		v, err := m.Heap.NewMap()
		if err != nil {
			return allocErr(err)
		}
		return m.Push(v)
	})
	defBuiltin(">map", 1, 1, bToMap)
	defBuiltin("has?", 2, 1, bHas) // at and put are opcodes (MapAt, MapPut: run.go's cold)
	defBuiltin("del", 2, 0, bDel)
	defBuiltin("keys", 1, 1, func(m *Machine) error { return m.mapArray(true, false) })
	defBuiltin("values", 1, 1, func(m *Machine) error { return m.mapArray(false, true) })
	defBuiltin("pairs", 1, 1, func(m *Machine) error { return m.mapArray(true, true) })
}

// keyErr turns a failure of a gc map operation into the word's error.
func keyErr(err error) error {
	if err == gc.ErrBadKey {
		return errBadarg
	}
	return allocErr(err)
}

// bHas: has? ( m k -- bool ).
func bHas(m *Machine) error {
	mp, _ := m.Peek(1)
	k, _ := m.Peek(0)
	if mp.K != gc.KMap {
		return errType
	}
	_, ok, err := m.Heap.MapGet(mp, k)
	if err != nil {
		return keyErr(err)
	}
	return m.replace(2, gc.Bool(ok))
}

// bDel: del ( m k -- ). Nothing happens when m has no key k.
func bDel(m *Machine) error {
	mp, _ := m.Peek(1)
	k, _ := m.Peek(0)
	if mp.K != gc.KMap {
		return errType
	}
	if err := m.Heap.MapDel(mp, k); err != nil {
		return keyErr(err)
	}
	m.Pop()
	m.Heap.Release(k)
	m.Pop()
	m.Heap.Release(mp)
	return nil
}

// mapArray is keys ( m -- arr ), values ( m -- arr ) and pairs ( m -- arr
// ), whose elements are { key value } arrays, all in insertion order.
func (m *Machine) mapArray(keys, values bool) error {
	mp, _ := m.Peek(0)
	if mp.K != gc.KMap {
		return errType
	}
	out, err := m.Heap.MapArray(mp, keys, values)
	if err != nil {
		return allocErr(err)
	}
	return m.replace(1, out)
}

// bToMap: >map ( pairs -- m ). pairs is an array of { key value } arrays;
// a later pair with an equal key replaces an earlier one's value.
func bToMap(m *Machine) error {
	a, _ := m.Peek(0)
	if a.K != gc.KArr {
		return errType
	}
	h := m.Heap
	n := h.Len(a)
	for i := range n {
		p := h.Get(a, i)
		if p.K != gc.KArr || h.Len(p) != 2 {
			return errBadarg
		}
		if h.CheckKey(h.Get(p, 0)) != nil {
			return errBadarg
		}
	}
	mp, err := h.NewMap()
	if err != nil {
		return allocErr(err)
	}
	for i := range n {
		p := h.Get(a, i)
		v := h.Get(p, 1)
		h.Retain(v)
		if err := h.MapPut(mp, h.Get(p, 0), v); err != nil {
			h.Release(v)
			h.Release(mp)
			return allocErr(err)
		}
	}
	return m.replace(1, mp)
}
