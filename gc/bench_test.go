package gc_test

import (
	"fmt"
	"testing"

	"github.com/raftvm/raft/gc"
)

// BenchmarkAlloc makes a small array and frees it: the steady state of an
// actor that builds short-lived tuples (block and handle come from the
// free lists).
func BenchmarkAlloc(b *testing.B) {
	for _, n := range []int{0, 2, 4, 16} {
		b.Run(fmt.Sprintf("kind=array/len=%d", n), func(b *testing.B) {
			h := newHeap()
			elems := make([]gc.Value, n)
			for i := range elems {
				elems[i] = gc.Int(int64(i))
			}
			b.ReportAllocs()
			for b.Loop() {
				a, err := h.ArrayOf(elems)
				if err != nil {
					b.Fatal(err)
				}
				h.Release(a)
			}
		})
	}
	b.Run("kind=string/len=16", func(b *testing.B) {
		h := newHeap()
		text := []byte("sixteen bytes...")
		b.ReportAllocs()
		for b.Loop() {
			s, err := h.NewString(text)
			if err != nil {
				b.Fatal(err)
			}
			h.Release(s)
		}
	})
	b.Run("kind=nested/len=4", func(b *testing.B) {
		// [[1 "s"] [1 "s"] [1 "s"] [1 "s"]]: 9 objects made and freed.
		h := newHeap()
		b.ReportAllocs()
		for b.Loop() {
			var rows [4]gc.Value
			for i := range rows {
				s, _ := h.NewString([]byte("s"))
				rows[i], _ = h.ArrayOf([]gc.Value{gc.Int(1), s})
			}
			a, _ := h.ArrayOf(rows[:])
			h.Release(a)
		}
	})
}

// BenchmarkRetainRelease is the per-instruction cost of counting: a Retain
// and a Release that does not free.
func BenchmarkRetainRelease(b *testing.B) {
	h := newHeap()
	s := mustStr(b, h, "x")
	for b.Loop() {
		h.Retain(s)
		h.Release(s)
	}
}

// BenchmarkPush grows an empty array to n elements one Push at a time, then
// frees it.
func BenchmarkPush(b *testing.B) {
	for _, n := range []int{16, 1000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			h := newHeap()
			b.ReportAllocs()
			for b.Loop() {
				a, _ := h.NewArray(0)
				for i := range n {
					if err := h.Push(a, gc.Int(int64(i))); err != nil {
						b.Fatal(err)
					}
				}
				h.Release(a)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/push")
		})
	}
}

// BenchmarkCopy sends a 100-element array to another heap and frees the copy.
func BenchmarkCopy(b *testing.B) {
	build := map[string]func(h *gc.Heap) gc.Value{
		"int": func(h *gc.Heap) gc.Value {
			a, _ := h.NewArray(100)
			for i := range 100 {
				h.Set(a, i, gc.Int(int64(i)))
			}
			return a
		},
		"string": func(h *gc.Heap) gc.Value {
			a, _ := h.NewArray(100)
			for i := range 100 {
				s := mustStr(b, h, fmt.Sprintf("element %d", i))
				h.Set(a, i, s)
			}
			return a
		},
		"shared": func(h *gc.Heap) gc.Value { // the same 2-element array 100 times
			a, _ := h.NewArray(100)
			sub := mustArr(b, h, gc.Int(1), gc.Int(2))
			for i := range 100 {
				h.Retain(sub)
				h.Set(a, i, sub)
			}
			h.Release(sub)
			return a
		},
	}
	for _, elems := range []string{"int", "string", "shared"} {
		b.Run("len=100/elems="+elems, func(b *testing.B) {
			in := gc.NewInterns()
			src, dst := gc.NewHeap(in), gc.NewHeap(in)
			v := build[elems](src)
			b.ReportAllocs()
			for b.Loop() {
				c, err := gc.Copy(dst, src, v)
				if err != nil {
					b.Fatal(err)
				}
				dst.Release(c)
			}
		})
	}
}

// BenchmarkCollect marks and sweeps a heap of n live arrays of 4 elements
// (each holding a string) and n/10 garbage cycles made anew each round.
func BenchmarkCollect(b *testing.B) {
	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprintf("live=%d", n), func(b *testing.B) {
			h := newHeap()
			roots := make([]gc.Value, n)
			for i := range roots {
				roots[i] = mustArr(b, h, gc.Int(1), mustStr(b, h, "leaf"), gc.Nil, gc.True)
			}
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				for range n / 10 {
					h.Release(selfCycle(b, h, gc.Nil))
				}
				b.StartTimer()
				h.Collect(roots)
			}
			if h.Stats().Live != 2*n {
				b.Fatalf("live = %d", h.Stats().Live)
			}
		})
	}
}
