package raft_test

import (
	"bytes"
	"context"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raftvm/raft"
)

// TestHandles: a Go value handed to Raft is stored, compared, printed,
// sent and given back as itself, and released when the last Raft
// reference goes.
func TestHandles(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			var released atomic.Int32
			conn := &raft.Handle{Name: "conn", Value: "the Go side", Release: func() { released.Add(1) }}
			var out bytes.Buffer
			rt := raft.New(e.opt, raft.Output(&out))
			rt.Define("conn", raft.Word{Out: 1, Fn: func(c *raft.Call) error { return c.Push(conn) }})
			rt.Define("released", raft.Word{Out: 1, Fn: func(c *raft.Call) error { return c.Push(int(released.Load())) }})
			rt.Define("value-of", raft.Word{In: 1, Out: 1, Fn: func(c *raft.Call) error {
				v, err := c.Arg(0)
				if err != nil {
					return err
				}
				h, ok := v.(*raft.Handle)
				if !ok {
					return raft.Fail(raft.Symbol("type"))
				}
				return c.Push(h.Value)
			}})
			// Stored in an array, compared, printed. Each time the last
			// reference goes it is released (three times here: after =,
			// after len, after value-of), and a push enters it again.
			p := compile(t, rt, `conn dup . conn = { conn conn } len conn value-of released`)
			stack, err := rt.Run(context.Background(), p)
			if want := []any{true, int64(2), "the Go side", int64(3)}; err != nil || !reflect.DeepEqual(stack, want) {
				t.Errorf("got %#v, %v; want %#v", stack, err, want)
			}
			if out.String() != "<host conn>\n" {
				t.Errorf("printed %q", out.String())
			}
			// Sent to another actor, which sends it back: the same Handle.
			released.Store(0)
			p = compile(t, rt, `[ receive unpack drop swap send ] spawn | w | { self conn } w send receive`)
			stack, err = rt.Run(context.Background(), p)
			if err != nil || len(stack) != 1 || stack[0] != conn {
				t.Errorf("sent and back: %#v, %v", stack, err)
			}
			if n := released.Load(); n != 1 {
				t.Errorf("released %d times after the run, want 1", n)
			}
		})
	}
}

// TestHandleReleasedWhenDropped: a handle held by an actor that ends, or
// in a cycle the collector frees, is released while the run goes on.
func TestHandleReleasedWhenDropped(t *testing.T) {
	var released atomic.Int32
	rt := raft.New()
	rt.Define("new-handle", raft.Word{Out: 1, Fn: func(c *raft.Call) error {
		return c.Push(&raft.Handle{Name: "h", Release: func() { released.Add(1) }})
	}})
	rt.Define("released", raft.Word{Out: 1, Fn: func(c *raft.Call) error { return c.Push(int(released.Load())) }})
	// 100 actors each take a handle and end; then 100 cycles { h self-ref }.
	p := compile(t, rt, `100 0 do [ new-handle drop ] spawn drop loop 50 sleep
		100 0 do { 0 new-handle } dup dup 0 swap set drop loop
		begin released 100 < while 1 sleep repeat released`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stack, err := rt.Run(ctx, p)
	if err != nil || len(stack) != 1 {
		t.Fatalf("got %v, %v", stack, err)
	}
	if n := released.Load(); n != 200 {
		t.Errorf("released %d after the run, want 200 (100 by ended actors, 100 in cycles at the end)", n)
	}
}

// TestHandleFromGoSend: Go sends a Handle; Raft sends it back to a
// Mailbox; the same pointer arrives.
func TestHandleFromGoSend(t *testing.T) {
	rt := raft.New()
	p := compile(t, rt, ": echo ( to -- ) receive swap send ;")
	s, err := rt.Start(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	mb, _ := s.NewMailbox()
	e, _ := s.Spawn("echo", mb.Pid())
	h := &raft.Handle{Name: "file", Value: 7}
	s.Send(e, []any{h, "x"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg, err := mb.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := msg.([]any); !ok || len(a) != 2 || a[0] != h {
		t.Errorf("got %#v, want the same Handle back", msg)
	}
}
