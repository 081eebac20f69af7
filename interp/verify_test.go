package interp

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/raftvm/raft/gc"
)

// TestLeafRange checks the range a call tests in place of a callee's first
// conditional return against the comparison itself, at the edges of int64.
func TestLeafRange(t *testing.T) {
	ks := []int64{math.MinInt64, math.MinInt64 + 1, -2, 0, 1, 2, 35, math.MaxInt64 - 1, math.MaxInt64}
	xs := append([]int64{-1, 3, 34, 36, math.MinInt64 + 2, math.MaxInt64 - 2}, ks...)
	for op := ReturnIfEqK; op <= ReturnIfGeK; op++ {
		if op.Size() != returnIfSize {
			t.Fatalf("%v is %d bytes, returnIfSize %d", op, op.Size(), returnIfSize)
		}
		for _, k := range ks {
			code := make([]byte, returnIfSize)
			code[0], code[1] = byte(op), byte(gc.KInt)
			binary.LittleEndian.PutUint64(code[2:], uint64(k))
			kind, lo, span := leafRange(code)
			if kind == noLeaf {
				// Only <> (not one range) and a test that never holds
				// go without the shortcut.
				for _, x := range xs {
					if intTest(baseOp[op], x, k) && baseOp[op] != Ne {
						t.Errorf("%v %d: no range, but %d holds", op, k, x)
					}
				}
				continue
			}
			for _, x := range xs {
				if got, want := uint64(x)-lo <= span, intTest(baseOp[op], x, k); got != want {
					t.Errorf("%v %d on %d: range says %v, the test %v", op, k, x, got, want)
				}
			}
		}
	}
	if kind, _, _ := leafRange([]byte{byte(DupDec)}); kind != noLeaf {
		t.Errorf("DupDec: kind %v, want noLeaf", kind)
	}
}
