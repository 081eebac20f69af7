package raft_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/raftvm/raft"
)

// Run a program and read its final stack.
func ExampleRuntime_Run() {
	rt := raft.New(raft.Output(os.Stdout))
	prog, err := rt.Compile("sum.raft", `: square dup * ; "squares: " print 0 5 1 do i square + loop`)
	if err != nil {
		fmt.Println(err)
		return
	}
	stack, err := rt.Run(context.Background(), prog)
	fmt.Println(stack, err)
	// Output: squares: [30] <nil>
}

// A failure carries its reason and where it happened.
func ExampleFailure() {
	rt := raft.New()
	prog, _ := rt.Compile("div.raft", ": half 0 / ;\n10 half")
	_, err := rt.Run(context.Background(), prog)
	if f, ok := err.(*raft.Failure); ok {
		fmt.Println(f.Reason, f.Word, f.Line, f.Col)
	}
	fmt.Println(err)
	// Output:
	// badarith half 1 10
	// error: :badarith in half at div.raft:1:10
	//   called from <main> at div.raft:2:4
}

// Words written in Go: a quick one, and one that may block.
func ExampleRuntime_Define() {
	rt := raft.New(raft.Output(os.Stdout))
	rt.Define("shout", raft.Word{In: 1, Out: 1, Fn: func(c *raft.Call) error {
		s, err := c.String(0)
		if err != nil {
			return err // not a string: the actor fails with :type
		}
		return c.Push(strings.ToUpper(s) + "!")
	}})
	rt.Define("lookup", raft.Word{In: 1, Out: 1, Blocking: true, Fn: func(c *raft.Call) error {
		// Runs on a goroutine of its own: a database or a server could be
		// asked here while other actors run.
		key, err := c.Symbol(0)
		if err != nil {
			return err
		}
		if key != "greeting" {
			return raft.Fail(raft.Symbol("not-found"))
		}
		return c.Push("hello")
	}})
	prog, err := rt.Compile("words.raft", ":greeting lookup shout .")
	if err != nil {
		fmt.Println(err)
		return
	}
	rt.Run(context.Background(), prog)
	// Output: HELLO!
}

// Go spawns an actor, sends it requests and receives its replies at a
// mailbox of its own.
func ExampleSystem() {
	rt := raft.New()
	prog, _ := rt.Compile("server.raft", `
		: server ( -- ) begin receive unpack drop | n from | n n * from send again ;`)
	ctx := context.Background()
	sys, _ := rt.Start(ctx, prog)
	defer sys.Stop()
	mb, _ := sys.NewMailbox()
	pid, _ := sys.Spawn("server")
	for i := 1; i <= 3; i++ {
		sys.Send(pid, []any{i, mb.Pid()})
		reply, _ := mb.Receive(ctx)
		fmt.Print(reply, " ")
	}
	// Output: 1 4 9
}

// A Go value goes into Raft by reference and comes back as itself.
func ExampleHandle() {
	file := &raft.Handle{Name: "file", Value: os.Stdout, Release: func() { fmt.Println("released") }}
	rt := raft.New(raft.Output(os.Stdout))
	rt.Define("the-file", raft.Word{Out: 1, Fn: func(c *raft.Call) error { return c.Push(file) }})
	prog, _ := rt.Compile("h.raft", "the-file dup . { the-file } 0 get")
	stack, _ := rt.Run(context.Background(), prog)
	fmt.Println(stack[0] == file)
	// Output:
	// <host file>
	// released
	// true
}
