package interp

// This file defines the builtins of issue 20 that work on strings and
// arrays: text, sorting, array helpers. Strings are
// byte strings: every text word works on bytes, upper and lower change
// ASCII letters only.
//
// Every word checks its operands before it changes anything: on an error
// the stack is as it was, and the report shows the operands.

import (
	"bytes"
	"sort"

	"github.com/raftvm/raft/gc"
)

func init() {
	// Text.
	defBuiltin("split", 2, 1, bSplit)
	defBuiltin("join", 2, 1, bJoin)
	defBuiltin("trim", 1, 1, bTrim)
	defBuiltin("index-of", 2, 1, bIndexOf)
	defBuiltin("starts-with?", 2, 1, func(m *Machine) error { return m.stringTest(bytes.HasPrefix) })
	defBuiltin("ends-with?", 2, 1, func(m *Machine) error { return m.stringTest(bytes.HasSuffix) })
	defBuiltin("upper", 1, 1, func(m *Machine) error { return m.mapBytes('a', 'z', 'A'-'a') })
	defBuiltin("lower", 1, 1, func(m *Machine) error { return m.mapBytes('A', 'Z', 'a'-'A') })
	defBuiltin("char", 2, 1, bChar)
	defBuiltin("chr", 1, 1, bChr)
	defBuiltin("pad-left", 2, 1, func(m *Machine) error { return m.pad(true) })
	defBuiltin("pad-right", 2, 1, func(m *Machine) error { return m.pad(false) })

	// Sorting. sort-by is a library word (prelude.go): it computes the keys
	// with map and sorts with (sort-pairs).
	defBuiltin("sort", 1, 1, func(m *Machine) error { return m.sortPairs(0, 0) })
	defLibBuiltin("(sort-pairs)", 2, 1, func(m *Machine) error { return m.sortPairs(1, 0) })
	// (sort-by-check) ( arr q -- arr q ) fails with :type unless it has an
	// array and a quotation, so that sort-by fails as itself, not in map.
	defLibBuiltin("(sort-by-check)", 2, 2, func(m *Machine) error {
		a, _ := m.Peek(1)
		q, _ := m.Peek(0)
		if a.K != gc.KArr || !q.IsQuot() {
			return errType
		}
		return nil
	})

	// Array helpers.
	defBuiltin("reverse", 1, 1, bReverse)
	defBuiltin("fill", 2, 0, bFill)
	defBuiltin("insert", 3, 0, bInsert)
	defBuiltin("remove-at", 2, 1, bRemoveAt)
}

// stringArgs returns the texts of the two strings on top (a below b), or
// :type. The slices are views, valid until the next allocation.
func (m *Machine) stringArgs() (a, b []byte, err error) {
	x, _ := m.Peek(1)
	y, _ := m.Peek(0)
	if !x.IsString() || !y.IsString() {
		return nil, nil, errType
	}
	return m.Heap.Bytes(x), m.Heap.Bytes(y), nil
}

// replace pops n operands, releasing them, and pushes r (whose reference
// the stack takes over).
func (m *Machine) replace(n int, r gc.Value) error {
	if n == 0 || n > m.sp {
		for ; n > 0; n-- {
			v, _ := m.Pop()
			m.Heap.Release(v)
		}
		return m.Push(r)
	}
	// The operands' slots hold the result: no room to check.
	h := m.Heap
	for i := range n {
		h.Release(m.stack[m.sp-i])
	}
	m.sp -= n - 1
	m.stack[m.sp] = r
	return nil
}

// newString makes a heap string of b (a Go slice, not a view of the heap).
func (m *Machine) newString(b []byte) (gc.Value, error) {
	s, err := m.Heap.NewString(b)
	if err != nil {
		return gc.Nil, allocErr(err)
	}
	return s, nil
}

// replaceString pops n operands, releasing them, and pushes a new heap
// string of b (see newString); nothing changes when that fails.
func (m *Machine) replaceString(n int, b []byte) error {
	s, err := m.newString(b)
	if err != nil {
		return err
	}
	return m.replace(n, s)
}

// bSplit: split ( s sep -- arr ). The parts between the separators, as
// Go's bytes.Split gives them: "" gives { "" }; an empty sep is :badarg.
// The parts go into the heap array one by one, so that a string of a
// million separators costs heap, under its limit, not Go memory.
func bSplit(m *Machine) error {
	s, sep, err := m.stringArgs()
	if err != nil {
		return err
	}
	if len(sep) == 0 {
		return errBadarg
	}
	s, sep = bytes.Clone(s), bytes.Clone(sep) // the views go stale at the first allocation
	parts := make([]gc.Value, 0, bytes.Count(s, sep)+1)
	for {
		i := bytes.Index(s, sep)
		if i < 0 {
			i = len(s)
		}
		part, err := m.newString(s[:i])
		if err != nil {
			releaseAll(m.Heap, parts)
			return err
		}
		parts = append(parts, part)
		if i == len(s) {
			break
		}
		s = s[i+len(sep):]
	}
	arr, err := m.Heap.ArrayOf(parts) // the array takes over the parts
	if err != nil {
		releaseAll(m.Heap, parts)
		return allocErr(err)
	}
	return m.replace(2, arr)
}

// releaseAll releases each of vs.
func releaseAll(h *gc.Heap, vs []gc.Value) {
	for _, v := range vs {
		h.Release(v)
	}
}

// bJoin: join ( arr sep -- s ). The strings of arr with sep between them.
func bJoin(m *Machine) error {
	a, _ := m.Peek(1)
	sepv, _ := m.Peek(0)
	if a.K != gc.KArr || !sepv.IsString() {
		return errType
	}
	elems := m.Heap.Elems(a)
	sep := m.Heap.Bytes(sepv)
	total := 0
	for i, v := range elems {
		if !v.IsString() {
			return errType
		}
		if i > 0 {
			total += len(sep)
		}
		total += m.Heap.Len(v)
		if total > gc.MaxObjectLen { // before anything is allocated: the array may be huge
			return errBadarg
		}
	}
	if total > m.Heap.Room() {
		return errHeapLimit
	}
	b := make([]byte, 0, total)
	for i, v := range elems {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, m.Heap.Bytes(v)...)
	}
	return m.replaceString(2, b)
}

// bTrim: trim ( s -- s' ). s without the white space (as the lexer
// defines it: space \t \n \r \v \f) at either end.
func bTrim(m *Machine) error {
	v, _ := m.Peek(0)
	if !v.IsString() {
		return errType
	}
	b := m.Heap.Bytes(v)
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	if i == 0 && j == len(b) {
		return nil // unchanged: the same string
	}
	return m.replaceString(1, bytes.Clone(b[i:j]))
}

// bIndexOf: index-of ( s sub -- i|-1 ) the first byte offset of sub in s;
// ( arr x -- i|-1 ) the first index of an element = to x.
func bIndexOf(m *Machine) error {
	c, _ := m.Peek(1)
	x, _ := m.Peek(0)
	i := -1
	switch {
	case c.K == gc.KArr:
		for k, n := 0, m.Heap.Len(c); k < n; k++ {
			if Equal(m.Heap, m.Heap.Get(c, k), x) {
				i = k
				break
			}
		}
	case c.IsString() && x.IsString():
		i = bytes.Index(m.Heap.Bytes(c), m.Heap.Bytes(x))
	default:
		return errType
	}
	return m.replace(2, gc.Int(int64(i)))
}

// stringTest runs a test of two strings: starts-with? ends-with?.
func (m *Machine) stringTest(test func(s, t []byte) bool) error {
	s, t, err := m.stringArgs()
	if err != nil {
		return err
	}
	return m.replace(2, gc.Bool(test(s, t)))
}

// mapBytes adds d to the bytes of the string on top that are in lo..hi
// (upper, lower). An unchanged string is left as it is.
func (m *Machine) mapBytes(lo, hi byte, d int) error {
	v, _ := m.Peek(0)
	if !v.IsString() {
		return errType
	}
	b := m.Heap.Bytes(v)
	first := -1
	for i, c := range b {
		if lo <= c && c <= hi {
			first = i
			break
		}
	}
	if first < 0 {
		return nil
	}
	out := bytes.Clone(b)
	for i := first; i < len(out); i++ {
		if c := out[i]; lo <= c && c <= hi {
			out[i] = byte(int(c) + d)
		}
	}
	return m.replaceString(1, out)
}

// bChar: char ( s i -- code ). The byte at offset i, 0..255.
func bChar(m *Machine) error {
	v, _ := m.Peek(1)
	i, err := m.intArg(0)
	if err != nil {
		return err
	}
	if !v.IsString() {
		return errType
	}
	b := m.Heap.Bytes(v)
	if i < 0 || i >= int64(len(b)) {
		return errOutOfBounds
	}
	return m.replace(2, gc.Int(int64(b[i])))
}

// bChr: chr ( code -- s ). The string of one byte, 0..255.
func bChr(m *Machine) error {
	c, err := m.intArg(0)
	if err != nil {
		return err
	}
	if c < 0 || c > 255 {
		return errBadarg
	}
	return m.replaceString(1, []byte{byte(c)})
}

// pad: pad-left pad-right ( s n -- s' ). s with spaces added before it
// (left) or after it to make n bytes; a longer s is left as it is.
func (m *Machine) pad(left bool) error {
	v, _ := m.Peek(1)
	n, err := m.intArg(0)
	if err != nil {
		return err
	}
	if !v.IsString() {
		return errType
	}
	if n < 0 || n > gc.MaxObjectLen {
		return errBadarg
	}
	b := m.Heap.Bytes(v)
	if int64(len(b)) >= n {
		m.sp-- // n is an int: nothing to release
		return nil
	}
	if n > int64(m.Heap.Room()) {
		return errHeapLimit // before n bytes of Go memory are spent on it
	}
	out := make([]byte, n)
	spaces := out[len(b):]
	if left {
		copy(out[int(n)-len(b):], b)
		spaces = out[:int(n)-len(b)]
	} else {
		copy(out, b)
	}
	for i := range spaces {
		spaces[i] = ' '
	}
	return m.replaceString(2, out)
}

// sortPairs sorts, stably, the array of keys k values below the top and
// returns the array v below the top in the keys' order: sort ( arr --
// arr' ) is the case k = v = 0, (sort-pairs) ( keys vals -- arr' ) k = 1,
// v = 0. The keys are all numbers (ordered as < orders them, NaN after
// every other number) or all strings (bytewise); anything else is :type.
func (m *Machine) sortPairs(k, v int) error {
	keys, _ := m.Peek(k)
	vals, _ := m.Peek(v)
	if keys.K != gc.KArr || vals.K != gc.KArr {
		return errType
	}
	h := m.Heap
	n := h.Len(keys)
	if h.Len(vals) != n {
		return errBadarg
	}
	ks := append([]gc.Value(nil), h.Elems(keys)...)
	nums, strs := 0, 0
	for _, x := range ks {
		switch {
		case isNum(x):
			nums++
		case x.IsString():
			strs++
		default:
			return errType
		}
	}
	if nums > 0 && strs > 0 {
		return errType
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lessKey(h, ks[order[a]], ks[order[b]]) })
	vs := h.Elems(vals)
	out := make([]gc.Value, n)
	for i, j := range order {
		out[i] = vs[j]
		h.Retain(out[i])
	}
	r, err := h.ArrayOf(out)
	if err != nil {
		for _, x := range out {
			h.Release(x)
		}
		return allocErr(err)
	}
	return m.replace(max(k, v)+1, r)
}

// lessKey orders two sort keys of the same kind, numbers or strings. NaN
// sorts after every other number, so that the order is total.
func lessKey(h *gc.Heap, a, b gc.Value) bool {
	if a.IsString() {
		return compareBytes(h.Bytes(a), h.Bytes(b)) < 0
	}
	c := cmpIntFloat(a, b)
	if c == 2 {
		return !isNaN(a) && isNaN(b)
	}
	return c < 0
}

// isNaN reports whether v is the float NaN.
func isNaN(v gc.Value) bool { f := v.AsFloat(); return v.K == gc.KFloat && f != f }

// bReverse: reverse ( arr -- arr' ). A new array of the elements, last first.
func bReverse(m *Machine) error {
	a, _ := m.Peek(0)
	if a.K != gc.KArr {
		return errType
	}
	h := m.Heap
	src := h.Elems(a)
	out := make([]gc.Value, len(src))
	for i, x := range src {
		out[len(src)-1-i] = x
		h.Retain(x)
	}
	r, err := h.ArrayOf(out)
	if err != nil {
		for _, x := range out {
			h.Release(x)
		}
		return allocErr(err)
	}
	return m.replace(1, r)
}

// bFill: fill ( arr x -- ). Sets every element of arr to x.
func bFill(m *Machine) error {
	a, _ := m.Peek(1)
	x, _ := m.Peek(0)
	if a.K != gc.KArr {
		return errType
	}
	h := m.Heap
	if h.Packed(a) && !(x.K == gc.KNil || x.K == gc.KBool) {
		if err := h.Unpack(a); err != nil { // before any change: Set fails only here
			return allocErr(err)
		}
	}
	for i, n := 0, h.Len(a); i < n; i++ {
		h.Retain(x)
		h.Set(a, i, x) // cannot fail: packed only when x is a flag
	}
	m.sp -= 2
	h.Release(x)
	h.Release(a)
	return nil
}

// bInsert: insert ( arr i x -- ). Puts x before element i (i = len appends).
func bInsert(m *Machine) error {
	a, _ := m.Peek(2)
	i, err := m.intArg(1)
	if err != nil {
		return err
	}
	x, _ := m.Peek(0)
	if a.K != gc.KArr {
		return errType
	}
	h := m.Heap
	n := h.Len(a)
	if i < 0 || i > int64(n) {
		return errOutOfBounds
	}
	if n >= gc.MaxObjectLen {
		return errBadarg
	}
	h.Retain(x) // the array's reference; Push releases it when it fails
	if err := h.Push(a, x); err != nil {
		return allocErr(err)
	}
	if int(i) < n {
		e := h.Elems(a) // a view: Push unpacked a packed array
		copy(e[i+1:], e[i:n])
		e[i] = x
	}
	m.sp -= 3 // i is an int: nothing to release
	h.Release(x)
	h.Release(a)
	return nil
}

// bRemoveAt: remove-at ( arr i -- x ). Removes element i and returns it.
func bRemoveAt(m *Machine) error {
	a, _ := m.Peek(1)
	i, err := m.intArg(0)
	if err != nil {
		return err
	}
	if a.K != gc.KArr {
		return errType
	}
	h := m.Heap
	n := h.Len(a)
	if i < 0 || i >= int64(n) {
		return errOutOfBounds
	}
	x := h.Get(a, int(i)) // the array's reference goes to the stack
	if h.Packed(a) {
		for j := int(i); j < n-1; j++ {
			h.SetFlag(a, j, h.Get(a, j+1))
		}
	} else {
		e := h.Elems(a)
		copy(e[i:], e[i+1:])
	}
	h.Pop(a) // the last slot, now moved down: its reference was moved with it
	m.sp -= 2
	h.Release(a)
	return m.Push(x)
}
