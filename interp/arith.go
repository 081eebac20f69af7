package interp

// This file defines the slow paths of arithmetic and comparison: floats,
// mixed operands, strings and errors. The int fast paths are inline in run.go.

import (
	"math"

	"github.com/raftvm/raft/gc"
)

// Runtime errors: the reasons of LANGUAGE.md §3, as Go errors.
var (
	errBadarith      = &RuntimeError{gc.Sym(gc.SymBadarith)}
	errBadarg        = &RuntimeError{gc.Sym(gc.SymBadarg)}
	errType          = &RuntimeError{gc.Sym(gc.SymType)}
	errUnderflow     = &RuntimeError{gc.Sym(gc.SymStackUnderflow)}
	errStackOverflow = &RuntimeError{gc.Sym(gc.SymStackOverflow)}
	errOutOfBounds   = &RuntimeError{gc.Sym(gc.SymOutOfBounds)}
	errHeapLimit     = &RuntimeError{gc.Sym(gc.SymHeapLimit)}
)

// RuntimeError fails an actor with Reason (a value that needs no heap, or
// one owned by the failing machine's heap).
type RuntimeError struct{ Reason gc.Value }

// Error returns a fixed text: the reason is a value, printed by Failure.
func (e *RuntimeError) Error() string { return "runtime error" }

// Fail returns an error that fails the actor with reason (owned by the
// machine's heap), as the error word does.
func Fail(reason gc.Value) error { return &RuntimeError{reason} }

// AllocError returns the runtime error a failed heap allocation (gc's
// ErrTooBig or ErrOutOfMemory) fails the actor with: :badarg or
// :heap-limit.
func AllocError(err error) error { return allocErr(err) }

// allocErr maps a heap allocation error to the runtime error.
func allocErr(err error) error {
	if err == gc.ErrTooBig {
		return errBadarg
	}
	return errHeapLimit
}

func isNum(v gc.Value) bool { return v.K == gc.KInt || v.K == gc.KFloat }

func toFloat(v gc.Value) float64 {
	if v.K == gc.KInt {
		return float64(v.AsInt())
	}
	return v.AsFloat()
}

// arith computes a op b for Add Sub Mul Div Mod Exp Min Max (and, by
// logic, And Or Xor Lshift Rshift) when the int fast path did not apply.
// On success it releases a and b (the result is new); on error they are
// untouched.
func arith(h *gc.Heap, op Op, a, b gc.Value) (gc.Value, error) {
	if op == And || op == Or || op == Xor || op == Lshift || op == Rshift {
		return logic(op, a, b)
	}
	if a.K == gc.KInt && b.K == gc.KInt {
		return intArith(op, a.AsInt(), b.AsInt())
	}
	if isNum(a) && isNum(b) {
		x, y := toFloat(a), toFloat(b)
		switch op {
		case Add:
			return gc.Float(x + y), nil
		case Sub:
			return gc.Float(x - y), nil
		case Mul:
			return gc.Float(x * y), nil
		case Div:
			return gc.Float(x / y), nil
		case Mod:
			return gc.Float(floorMod(x, y)), nil
		case Exp:
			return gc.Float(math.Pow(x, y)), nil
		case Min:
			if lessNum(b, a) {
				return b, nil
			}
			return a, nil
		case Max:
			if lessNum(a, b) {
				return b, nil
			}
			return a, nil
		}
	}
	if op == Add && a.IsString() && b.IsString() {
		x, y := h.Bytes(a), h.Bytes(b)
		if len(x)+len(y) > gc.MaxObjectLen {
			return gc.Nil, errBadarg
		}
		if len(x) == 0 && b.K == gc.KStr {
			h.Release(a) // nothing to add: the result is b
			return b, nil
		}
		if len(x)+len(y) > h.Room() {
			return gc.Nil, errHeapLimit // before the Go memory is spent on it
		}
		buf := make([]byte, 0, len(x)+len(y))
		buf = append(append(buf, x...), y...)
		r, err := h.NewString(buf)
		if err != nil {
			return gc.Nil, allocErr(err)
		}
		h.Release(a)
		h.Release(b)
		return r, nil
	}
	if op == Min || op == Max {
		if a.IsString() && b.IsString() {
			c := compareBytes(h.Bytes(a), h.Bytes(b))
			keep, drop := a, b
			if (op == Min && c > 0) || (op == Max && c < 0) {
				keep, drop = b, a
			}
			h.Release(drop)
			return keep, nil
		}
	}
	return gc.Nil, errType
}

// intArith is the int case of arith (wrapping; / truncates, mod floors).
func intArith(op Op, x, y int64) (gc.Value, error) {
	switch op {
	case Lshift, Rshift: // a count out of 0..63 (the loop does the rest)
		return logic(op, gc.Int(x), gc.Int(y))
	case Add:
		return gc.Int(x + y), nil
	case Sub:
		return gc.Int(x - y), nil
	case Mul:
		return gc.Int(x * y), nil
	case Div:
		if y == 0 {
			return gc.Nil, errBadarith
		}
		if y == -1 {
			return gc.Int(-x), nil // wraps for MinInt64
		}
		return gc.Int(x / y), nil
	case Mod:
		if y == 0 {
			return gc.Nil, errBadarith
		}
		if y == -1 {
			return gc.Int(0), nil
		}
		r := x % y
		if r != 0 && (r < 0) != (y < 0) {
			r += y
		}
		return gc.Int(r), nil
	case Exp:
		if y < 0 {
			return gc.Float(math.Pow(float64(x), float64(y))), nil
		}
		r := int64(1)
		for y > 0 {
			if y&1 == 1 {
				r *= x
			}
			x *= x
			y >>= 1
		}
		return gc.Int(r), nil
	case Min:
		return gc.Int(min(x, y)), nil
	case Max:
		return gc.Int(max(x, y)), nil
	}
	panic("interp: intArith: bad op " + op.String())
}

// floorMod is mod with the sign of the divisor, for floats.
func floorMod(x, y float64) float64 {
	r := math.Mod(x, y)
	if r != 0 && (r < 0) != (y < 0) {
		r += y
	}
	return r
}

// lessNum orders two numbers (ints compared exactly, otherwise as floats).
func lessNum(a, b gc.Value) bool {
	if a.K == gc.KInt && b.K == gc.KInt {
		return a.AsInt() < b.AsInt()
	}
	return cmpIntFloat(a, b) < 0
}

// cmpIntFloat compares two numbers exactly, even an int with a float:
// -1, 0, 1, or 2 when unordered (NaN).
func cmpIntFloat(a, b gc.Value) int {
	if a.K == gc.KInt && b.K == gc.KInt {
		x, y := a.AsInt(), b.AsInt()
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	if a.K == gc.KFloat && b.K == gc.KFloat {
		return cmpFloat(a.AsFloat(), b.AsFloat())
	}
	if a.K == gc.KInt {
		if c := cmpFloatInt(b.AsFloat(), a.AsInt()); c != 2 {
			return -c
		}
		return 2
	}
	return cmpFloatInt(a.AsFloat(), b.AsInt())
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	case x == y:
		return 0
	}
	return 2
}

// cmpFloatInt compares a float with an int without losing precision
// (2: unordered).
func cmpFloatInt(x float64, n int64) int {
	if math.IsNaN(x) {
		return 2
	}
	if x < -9.223372036854775808e18 {
		return -1
	}
	if x >= 9.223372036854775808e18 {
		return 1
	}
	t := math.Trunc(x)
	ti := int64(t)
	switch {
	case ti < n:
		return -1
	case ti > n:
		return 1
	case x > t:
		return 1
	case x < t:
		return -1
	}
	return 0
}

func compareBytes(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// compare orders a and b for < > <= >=: numbers with numbers, strings with
// strings. It returns -1, 0, 1, or 2 when unordered (NaN).
func compare(h *gc.Heap, a, b gc.Value) (int, error) {
	if isNum(a) && isNum(b) {
		return cmpIntFloat(a, b), nil
	}
	if a.IsString() && b.IsString() {
		return compareBytes(h.Bytes(a), h.Bytes(b)), nil
	}
	return 0, errType
}

// compareOp evaluates a comparison opcode from compare's result.
func compareOp(op Op, c int) bool {
	if c == 2 {
		return op == Ne
	}
	switch op {
	case Lt:
		return c < 0
	case Gt:
		return c > 0
	case Le:
		return c <= 0
	case Ge:
		return c >= 0
	}
	return false
}

// Equal reports whether a and b are structurally equal (LANGUAGE.md §2):
// arrays element-wise, numbers by value, strings by content.
//
// Arrays may share elements and hold cycles, so a naive walk can take time
// exponential in the heap's size (an array { x x } nested 60 deep) or never
// end; Equal must not, as one instruction cannot be stopped by --timeout.
// Small values are compared by a plain recursive walk; past a budget of
// visited arrays, the comparison starts again as a walk over pairs of
// arrays, each pair visited once and assumed equal while it is being
// compared. So two cycles compare equal when they unfold to the same
// (infinite) value: { } dup dup push and another such array are equal.
func Equal(h *gc.Heap, a, b gc.Value) bool {
	if identityKind(a.K) || identityKind(b.K) { // x nil =, a tag against :ok: no walk
		return a == b
	}
	budget := equalBudget
	if eq, ok := equalSmall(h, a, b, &budget); ok {
		return eq
	}
	return equalGraph(h, a, b)
}

// identityKind reports whether values of kind k equal only the values of
// the same kind and payload: nil, booleans, symbols and pids (not
// numbers: 1 = 1.0; not strings: a heap and a static string compare by
// text).
func identityKind(k gc.Kind) bool {
	return k == gc.KNil || k == gc.KBool || k == gc.KSym || k == gc.KPid
}

// equalBudget is the number of arrays and curries equalSmall visits before
// it gives up; it also bounds its recursion.
const equalBudget = 1024

// equalLeaf compares a and b when at least one is not an array or a curry,
// or when they are the same object; ok is false when both are containers
// of the same kind whose elements must be compared.
func equalLeaf(a, b gc.Value, h *gc.Heap) (eq, ok bool) {
	if isNum(a) && isNum(b) {
		return cmpIntFloat(a, b) == 0, true
	}
	if a.IsString() && b.IsString() {
		return string(h.Bytes(a)) == string(h.Bytes(b)), true
	}
	if a.K != b.K {
		return false, true
	}
	if (a.K == gc.KArr || a.K == gc.KCurry || a.K == gc.KMap) && a.X != b.X {
		return false, false
	}
	if a.K == gc.KHost { // the same Go value, whichever objects refer to it
		return h.HostID(a) == h.HostID(b), true
	}
	return a.X == b.X, true
}

// equalSmall compares a and b recursively while the budget lasts; ok is
// false when it ran out before finding the answer.
func equalSmall(h *gc.Heap, a, b gc.Value, budget *int) (eq, ok bool) {
	if eq, ok := equalLeaf(a, b, h); ok {
		return eq, true
	}
	if *budget--; *budget < 0 {
		return false, false
	}
	if a.K == gc.KMap {
		xs, ys, same := mapValues(h, a, b)
		for i := 0; same && i < len(xs); i++ {
			eq, ok := equalSmall(h, xs[i], ys[i], budget)
			if !ok || !eq {
				return eq, ok
			}
		}
		return same, true
	}
	n := containerLen(h, a)
	if n != containerLen(h, b) {
		return false, true
	}
	for i := 0; i < n; i++ {
		eq, ok := equalSmall(h, containerElem(h, a, i), containerElem(h, b, i), budget)
		if !ok || !eq {
			return eq, ok
		}
	}
	return true, true
}

// mapValues returns the values of maps a and b under each key of a, in
// a's order, and true; false when the maps' keys differ. (Keys are compared
// as keys are: numbers and strings by value, arrays by contents.)
func mapValues(h *gc.Heap, a, b gc.Value) (xs, ys []gc.Value, same bool) {
	if h.MapLen(a) != h.MapLen(b) {
		return nil, nil, false
	}
	for i := range h.MapSlots(a) {
		k, x, live := h.MapPair(a, i)
		if !live {
			continue
		}
		y, ok, _ := h.MapGet(b, k)
		if !ok {
			return nil, nil, false
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys, true
}

// equalGraph compares a and b without recursion, visiting each pair of
// containers once: a and b differ exactly when some pair reachable from
// (a, b) by taking the same element index on both sides differs as leaves
// or in length.
func equalGraph(h *gc.Heap, a, b gc.Value) bool {
	type pair struct{ a, b gc.Value }
	seen := map[pair]bool{}
	work := []pair{{a, b}}
	for len(work) > 0 {
		p := work[len(work)-1]
		work = work[:len(work)-1]
		if eq, ok := equalLeaf(p.a, p.b, h); ok {
			if !eq {
				return false
			}
			continue
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		if p.a.K == gc.KMap {
			xs, ys, same := mapValues(h, p.a, p.b)
			if !same {
				return false
			}
			for i := len(xs) - 1; i >= 0; i-- {
				work = append(work, pair{xs[i], ys[i]})
			}
			continue
		}
		n := containerLen(h, p.a)
		if n != containerLen(h, p.b) {
			return false
		}
		for i := n - 1; i >= 0; i-- {
			work = append(work, pair{containerElem(h, p.a, i), containerElem(h, p.b, i)})
		}
	}
	return true
}

// containerLen returns the number of elements of an array or a curry (2).
func containerLen(h *gc.Heap, v gc.Value) int {
	if v.K == gc.KCurry {
		return 2
	}
	return h.Len(v)
}

// containerElem returns element i of an array or a curry (the value, then
// the quotation), borrowed.
func containerElem(h *gc.Heap, v gc.Value, i int) gc.Value {
	if v.K == gc.KCurry {
		x, q := h.CurryParts(v)
		if i == 0 {
			return x
		}
		return q
	}
	return h.Get(v, i)
}
