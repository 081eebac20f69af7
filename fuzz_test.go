package raft_test

import (
	"context"
	"encoding/binary"
	"math"
	"reflect"
	"testing"

	"github.com/raftvm/raft"
)

// decodeValue makes a Go value from fuzz bytes: a tree of the kinds Raft
// converts, maps with any keys (valid or not) included.
func decodeValue(b []byte, depth int) (any, []byte) {
	if len(b) == 0 {
		return nil, b
	}
	op, b := b[0], b[1:]
	word := func() uint64 {
		var w [8]byte
		n := copy(w[:], b)
		b = b[n:]
		return binary.LittleEndian.Uint64(w[:])
	}
	switch op % 10 {
	case 0:
		return nil, b
	case 1:
		return op&0x10 != 0, b
	case 2:
		return int64(word()), b
	case 3:
		return math.Float64frombits(word()), b
	case 4, 5:
		n := int(word() % 12)
		n = min(n, len(b))
		s := string(b[:n])
		b = b[n:]
		if op%10 == 5 {
			return raft.Symbol(s), b
		}
		return s, b
	case 6:
		return raft.Pid(word() % 1000), b
	case 7, 8:
		n := int(op >> 4)
		if depth > 6 {
			n = 0
		}
		if op%10 == 7 {
			a := []any{}
			for range n {
				var v any
				v, b = decodeValue(b, depth+1)
				a = append(a, v)
			}
			return a, b
		}
		m := raft.Map{}
		for range n {
			var k, v any
			k, b = decodeValue(b, depth+1)
			v, b = decodeValue(b, depth+1)
			m = append(m, raft.Pair{Key: k, Value: v})
		}
		return m, b
	}
	return uint64(word()), b // a uint64, past int64 half the time
}

// sameValue is reflect.DeepEqual with floats compared by bits (NaN).
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case raft.Map:
		y, ok := b.(raft.Map)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i].Key, y[i].Key) || !sameValue(x[i].Value, y[i].Value) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// FuzzConvert hands random Go values to Raft and back: no panic, a clear
// error or a value that goes round a second time unchanged.
func FuzzConvert(f *testing.F) {
	f.Add([]byte{7 | 3<<4, 2, 1, 0, 0, 0, 0, 0, 0, 0, 4, 3, 'a', 'b', 'c', 8 | 1<<4, 5, 1, 'k', 3, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	f.Add([]byte{8 | 2<<4, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 1})
	rt := raft.New()
	var in any
	rt.Define("value", raft.Word{Out: 1, Fn: func(c *raft.Call) error { return c.Push(in) }})
	p, err := rt.Compile("fuzz.raft", "value")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, _ = decodeValue(data, 0)
		out1, err := rt.Run(context.Background(), p)
		if err != nil {
			var fail *raft.Failure
			if !errorsAs(err, &fail) || fail.Reason != raft.Symbol("badarg") {
				t.Fatalf("%#v: %v, want a value or a :badarg failure", in, err)
			}
			return
		}
		in = out1[0]
		out2, err := rt.Run(context.Background(), p)
		if err != nil || !sameValue(out1, out2) {
			t.Fatalf("%#v came back as %#v, then as %#v (%v)", in, out1, out2, err)
		}
	})
}

func errorsAs(err error, f **raft.Failure) bool {
	x, ok := err.(*raft.Failure)
	*f = x
	return ok
}
