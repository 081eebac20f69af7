package raft

// This file converts values between Go and Raft. A Raft value is, in Go:
//
//	nil                 nil
//	true false          bool
//	42                  int64
//	1.5                 float64
//	"text"              string
//	:ok                 Symbol
//	a pid               Pid
//	{ 1 "a" }           []any (arrays and tuples are one kind in Raft)
//	#{ k => v }         Map (its pairs in insertion order)
//	[ 1 + ]             Quotation (printed form only: it does not go back)
//	<host name>         *Handle (the same pointer that went in)
//
// Going into Raft, Go's other integer types and float32 convert too, and
// so do []int64, []float64 and []string.

import (
	"errors"
	"fmt"
	"math"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// Symbol is a Raft symbol, named without its colon: Symbol("ok") is :ok.
type Symbol string

// Pid is a Raft process id: the pid of an actor of one run.
type Pid uint64

// Pair is one key and its value in a Map.
type Pair struct {
	Key, Value any
}

// Map is a Raft map as Go sees it: its pairs, in insertion order.
type Map []Pair

// Quotation is a Raft quotation as Go sees it: its printed form. It cannot
// go back into Raft (the code it names belongs to one program).
type Quotation struct {
	Text string
}

// Handle is a Go value that Raft code holds by reference: it can store
// it, pass it, compare it (=: the same Handle) and send it to other actors
// of the run (the Go value is shared, never copied), and prints it as
// <host Name>. Push a *Handle from a Go word, or pass one to Spawn or
// Send; a Go word gets the same *Handle back from its argument.
//
// Release, when set, is called when no Raft value of the run refers to the
// Handle any more, or else when the run ends. A Handle pushed again after
// that is entered afresh (and released again).
type Handle struct {
	Name    string
	Value   any
	Release func()
}

// maxDepth bounds the nesting of arrays and maps a conversion follows: a
// deeper value (or a cycle) is an error, not a stack overflow.
const maxDepth = 10_000

// ErrConvert is wrapped by the errors of conversions between Go and Raft
// values (errors.Is(err, raft.ErrConvert)).
var ErrConvert = errors.New("raft: value does not convert")

func convertErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConvert, fmt.Sprintf(format, args...))
}

// toRaft puts Go value v into heap h. The result is owned by the caller.
func toRaft(h *gc.Heap, v any) (gc.Value, error) { return toRaftDepth(h, v, 0) }

func toRaftDepth(h *gc.Heap, v any, depth int) (gc.Value, error) {
	if depth > maxDepth {
		return gc.Nil, convertErr("nested deeper than %d (or a cycle)", maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return gc.Nil, nil
	case bool:
		return gc.Bool(x), nil
	case int:
		return gc.Int(int64(x)), nil
	case int8:
		return gc.Int(int64(x)), nil
	case int16:
		return gc.Int(int64(x)), nil
	case int32:
		return gc.Int(int64(x)), nil
	case int64:
		return gc.Int(x), nil
	case uint8:
		return gc.Int(int64(x)), nil
	case uint16:
		return gc.Int(int64(x)), nil
	case uint32:
		return gc.Int(int64(x)), nil
	case uint:
		return fromUint(uint64(x))
	case uint64:
		return fromUint(x)
	case float32:
		return gc.Float(float64(x)), nil
	case float64:
		return gc.Float(x), nil
	case string:
		s, err := h.NewString([]byte(x))
		if err != nil {
			return gc.Nil, convertErr("a string of %d bytes: %v", len(x), err)
		}
		return s, nil
	case Symbol:
		if x == "" {
			return gc.Nil, convertErr("an empty symbol")
		}
		return h.In.Intern(string(x)), nil
	case Pid:
		return gc.Pid(uint64(x)), nil
	case []any:
		return toArray(h, len(x), func(i int) (gc.Value, error) { return toRaftDepth(h, x[i], depth+1) })
	case []int64:
		return toArray(h, len(x), func(i int) (gc.Value, error) { return gc.Int(x[i]), nil })
	case []float64:
		return toArray(h, len(x), func(i int) (gc.Value, error) { return gc.Float(x[i]), nil })
	case []string:
		return toArray(h, len(x), func(i int) (gc.Value, error) { return toRaftDepth(h, x[i], depth+1) })
	case Map:
		return toMap(h, x, depth)
	case Quotation:
		return gc.Nil, convertErr("a quotation does not go back into Raft")
	case *Handle:
		if x == nil || h.Hosts == nil {
			return gc.Nil, convertErr("a nil Handle, or one outside a run")
		}
		v, err := h.NewHost(h.Hosts.Add(x, x.Name, x.Release))
		if err != nil {
			return gc.Nil, convertErr("a Handle: %v", err)
		}
		return v, nil
	}
	return gc.Nil, convertErr("Go type %T has no Raft value", v)
}

func fromUint(x uint64) (gc.Value, error) {
	if x > math.MaxInt64 {
		return gc.Nil, convertErr("%d is past Raft's int64", x)
	}
	return gc.Int(int64(x)), nil
}

// toArray makes an array of n elements, element i from elem(i).
func toArray(h *gc.Heap, n int, elem func(i int) (gc.Value, error)) (gc.Value, error) {
	arr, err := h.NewArray(0)
	if err != nil {
		return gc.Nil, convertErr("an array: %v", err)
	}
	for i := range n {
		e, err := elem(i)
		if err == nil {
			if err = h.Push(arr, e); err != nil { // Push releases e when it fails
				err = convertErr("an array of %d elements: %v", n, err)
			}
		}
		if err != nil {
			h.Release(arr)
			return gc.Nil, err
		}
	}
	return arr, nil
}

func toMap(h *gc.Heap, m Map, depth int) (gc.Value, error) {
	mv, err := h.NewMap()
	if err != nil {
		return gc.Nil, convertErr("a map: %v", err)
	}
	for _, p := range m {
		k, err := toRaftDepth(h, p.Key, depth+1)
		if err != nil {
			h.Release(mv)
			return gc.Nil, err
		}
		v, err := toRaftDepth(h, p.Value, depth+1)
		if err != nil {
			h.Release(k)
			h.Release(mv)
			return gc.Nil, err
		}
		err = h.MapPut(mv, k, v) // takes v on success; k is borrowed
		h.Release(k)
		if err != nil {
			h.Release(v)
			h.Release(mv)
			if err == gc.ErrBadKey {
				return gc.Nil, convertErr("%v is not a map key (keys are numbers, strings, symbols, booleans, nil, pids and arrays of those)", p.Key)
			}
			return gc.Nil, convertErr("a map: %v", err)
		}
	}
	return mv, nil
}

// fromRaft returns Raft value v of heap h as a Go value; funcs prints
// quotations.
func fromRaft(h *gc.Heap, funcs []*interp.Func, v gc.Value) (any, error) {
	c := fromConv{h: h, funcs: funcs, budget: h.Stats().PeakBytes/8 + 1<<20}
	return c.value(v, 0)
}

type fromConv struct {
	h     *gc.Heap
	funcs []*interp.Func
	path  map[uint64]bool // the arrays and maps being converted, outermost first: a cycle returns to one

	// budget is how many more values may be made. Arrays that share
	// arrays ({ x x } nested 40 deep) stand for a tree far bigger than
	// the heap; as Go values each share would be a copy. The budget, in
	// values, is twice what the heap's peak size could hold (16 bytes a
	// value), and a million more.
	budget int
}

func (c *fromConv) value(v gc.Value, depth int) (any, error) {
	h := c.h
	if c.budget--; c.budget < 0 {
		return nil, convertErr("a value that shares arrays would take more memory as Go values than the heap has")
	}
	switch v.K {
	case gc.KNil:
		return nil, nil
	case gc.KBool:
		return v.X != 0, nil
	case gc.KInt:
		return v.AsInt(), nil
	case gc.KFloat:
		return v.AsFloat(), nil
	case gc.KSym:
		return Symbol(h.In.SymName(v)), nil
	case gc.KPid:
		return Pid(v.X), nil
	case gc.KStr, gc.KStaticStr:
		return h.Text(v), nil
	case gc.KQuot, gc.KCurry:
		return Quotation{Text: string(interp.AppendValue(nil, h, c.funcs, v, true))}, nil
	case gc.KHost:
		if x, ok := h.Hosts.Key(h.HostID(v)).(*Handle); ok {
			return x, nil
		}
		return nil, convertErr("a host value whose Handle has gone")
	case gc.KArr, gc.KMap:
		if depth > maxDepth {
			return nil, convertErr("nested deeper than %d", maxDepth)
		}
		if c.path[v.X] {
			return nil, convertErr("a cyclic %s (it holds itself)", v.K)
		}
		if c.path == nil {
			c.path = map[uint64]bool{}
		}
		c.path[v.X] = true
		defer delete(c.path, v.X)
		if v.K == gc.KMap {
			return c.mapOf(v, depth)
		}
		elems := h.Elems(v)
		out := make([]any, len(elems))
		for i, e := range elems {
			x, err := c.value(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	return nil, convertErr("a Raft %s has no Go value", v.K)
}

func (c *fromConv) mapOf(m gc.Value, depth int) (any, error) {
	out := make(Map, 0, c.h.MapLen(m))
	for i := range c.h.MapSlots(m) {
		k, v, live := c.h.MapPair(m, i)
		if !live {
			continue
		}
		gk, err := c.value(k, depth+1)
		if err != nil {
			return nil, err
		}
		gv, err := c.value(v, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, Pair{gk, gv})
	}
	return out, nil
}
