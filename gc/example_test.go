package gc_test

import (
	"fmt"

	"github.com/raftvm/raft/gc"
)

// An actor's heap: counts free what is dropped at once, the collector
// frees what only a cycle keeps, and Copy moves a value to another actor.
func ExampleHeap() {
	in := gc.NewInterns()
	h := gc.NewHeap(in)

	s, _ := h.NewString([]byte("hello"))           // count 1: ours
	arr, _ := h.ArrayOf([]gc.Value{s, gc.Int(42)}) // the array takes over s's count
	fmt.Println(h.Len(arr), h.Text(h.Get(arr, 0)), h.Get(arr, 1).AsInt())

	// Send: the receiver gets its own copy.
	other := gc.NewHeap(in)
	msg, _ := gc.Copy(other, h, arr)
	h.Release(arr) // frees arr and s
	fmt.Println(h.Stats().Live, other.Text(other.Get(msg, 0)))

	// A cycle survives its last outside reference until Collect.
	other.Retain(msg)
	other.Set(msg, 1, msg) // msg holds itself; the old element was an int
	other.Release(msg)
	fmt.Println(other.Stats().Live, other.RefCount(msg))
	other.Collect() // no roots: nothing is reachable
	fmt.Println(other.Stats().Live)
	// Output:
	// 2 hello 42
	// 0 hello
	// 2 1
	// 0
}
