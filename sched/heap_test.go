package sched_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// TestIdleActorsShareAHeap checks that actors that wait with a heap they
// never used hold none of their own (the shared one), and that actors that
// allocated keep theirs; a message copied into a waiting actor that had
// given its heap back arrives whole.
func TestIdleActorsShareAHeap(t *testing.T) {
	prog, err := interp.Compile("idle.raft", []byte(`
		: keep ( -- ) 3 array | a | receive drop a len drop ;
		: echo ( -- ) receive | m | m 1 get m 0 get send ;
		50 0 do [ receive drop ] spawn drop loop
		20 0 do ' keep spawn drop loop
		' echo spawn | e |
		{ self "hi" } e send receive`))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rt := sched.New(prog, sched.Options{Workers: 2, Out: interp.NewOutput(&out)})
	rt.Main().StartFunc(prog.Main)
	if st, err := rt.RunMain(context.Background()); st != interp.StatusDone || err != nil {
		t.Fatalf("RunMain: %v %v", st, err)
	}
	if got := rt.Main().StackText(); got != `"hi"` {
		t.Errorf("echo answered %s", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for rt.Parked() != 2 {
		if time.Now().After(deadline) {
			t.Fatal("workers do not park")
		}
		time.Sleep(time.Millisecond)
	}
	rt.Stop()
	// main keeps its heap; the echo actor has ended.
	if shared, own := rt.SharedHeaps(); shared != 50 || own != 21 {
		t.Errorf("%d actors share the heap and %d have their own, want 50 and 21", shared, own)
	}
	if err := rt.VerifyHeaps(); err != nil {
		t.Error(err)
	}
}

// TestActorSize keeps the actor struct in the 96-byte size class (an idle
// actor's cost, BenchmarkIdleActor).
func TestActorSize(t *testing.T) {
	if sched.ActorSize > 96 {
		t.Errorf("an actor is %d bytes, want at most 96", sched.ActorSize)
	}
}

// TestActorLayout: the words other cores write at every message lie in
// bytes 32-63 of the actor, the only ones that share no cache line with a
// neighbour in the 96-byte size class (see actor).
func TestActorLayout(t *testing.T) {
	state, flags, mu := sched.ActorHotOffsets()
	for _, f := range []struct {
		name      string
		off, size uintptr
	}{{"state", state, 4}, {"flags", flags, 4}, {"mu", mu, 8}} {
		if f.off < 32 || f.off+f.size > 64 {
			t.Errorf("actor.%s is at byte %d, want it in bytes 32-63", f.name, f.off)
		}
	}
}
