// This file defines the Value, the tagged word every Raft value is, and its
// kinds. The package comment and the heap invariants are in heap.go.

package gc

import "math"

// Kind is the type tag of a Value.
type Kind uint8

// The kinds. Heap kinds come last so that IsHeap is one comparison.
const (
	KNil       Kind = iota // payload 0
	KBool                  // payload 0 (false) or 1 (true)
	KInt                   // payload: int64 bits
	KFloat                 // payload: float64 bits
	KSym                   // payload: symbol id in the program's Interns
	KPid                   // payload: actor id
	KQuot                  // payload: function index in the program
	KStaticStr             // payload: index of an immutable string in the program's Interns; never freed
	KStr                   // payload: heap handle of a string (refcounted)
	KArr                   // payload: heap handle of an array (refcounted)
	KCurry                 // payload: heap handle of a curried quotation { value quotation } (refcounted)
	KMap                   // payload: heap handle of a map (refcounted; see map.go)
	KHost                  // payload: heap handle of a host object, a reference to a Go value of the embedder (refcounted; see host.go)
	numKinds
)

var kindNames = [numKinds]string{
	KNil: "nil", KBool: "bool", KInt: "int", KFloat: "float", KSym: "symbol",
	KPid: "pid", KQuot: "quotation", KStaticStr: "string", KStr: "string",
	KArr: "array", KCurry: "quotation", KMap: "map", KHost: "host",
}

// String returns the user-facing name of the kind ("int", "string", ...).
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind?"
}

// Value is a Raft value: a kind and 8 bytes of payload. It holds no Go
// pointer, so stacks of Values are never scanned by the Go collector.
// The zero Value is nil.
type Value struct {
	K Kind
	X uint64
}

// Common values.
var (
	Nil   = Value{}
	True  = Value{K: KBool, X: 1}
	False = Value{K: KBool}
)

// Int returns an int value.
func Int(n int64) Value { return Value{K: KInt, X: uint64(n)} }

// Float returns a float value.
func Float(f float64) Value { return Value{K: KFloat, X: math.Float64bits(f)} }

// Bool returns true or false.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

// Sym returns the symbol with the given id (see Interns.Intern).
func Sym(id uint32) Value { return Value{K: KSym, X: uint64(id)} }

// Pid returns the pid of actor id.
func Pid(id uint64) Value { return Value{K: KPid, X: id} }

// Quot returns a quotation that runs function fn of the program.
func Quot(fn uint32) Value { return Value{K: KQuot, X: uint64(fn)} }

// AsInt returns the payload of an int value.
func (v Value) AsInt() int64 { return int64(v.X) }

// AsFloat returns the payload of a float value.
func (v Value) AsFloat() float64 { return math.Float64frombits(v.X) }

// Handle returns the heap handle of a heap value.
func (v Value) Handle() uint32 { return uint32(v.X) }

// IsHeap reports whether v refers to a refcounted heap object.
func (v Value) IsHeap() bool { return v.K >= KStr }

// IsInt reports whether v is an int.
func (v Value) IsInt() bool { return v.K == KInt }

// IsString reports whether v is a string (static or on the heap).
func (v Value) IsString() bool { return v.K == KStr || v.K == KStaticStr }

// IsQuot reports whether v is a quotation (plain or curried).
func (v Value) IsQuot() bool { return v.K == KQuot || v.K == KCurry }

// Truthy reports whether v counts as true: everything but false and nil.
func (v Value) Truthy() bool { return !(v.K == KNil || (v.K == KBool && v.X == 0)) }
