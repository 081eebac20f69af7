package fuzz

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// FuzzActors runs what compiles on the actor runtime, two workers, for a
// bounded time: spawn, send, links, monitors, the registry and supervisors
// with any operands must never crash the runtime (a panic in a worker ends
// the process, which the fuzzer reports), and Stop must always return.
// Seeded with the actor and supervisor golden scripts.
//
//	go test -fuzz FuzzActors -fuzztime 10m -parallel 1 ./fuzz/
func FuzzActors(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/actor-*.raft")
	sups, _ := filepath.Glob("../testdata/sup-*.raft")
	for _, s := range append(seeds, sups...) {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("[ receive . ] spawn 1 swap send 10 sleep"))
	f.Add([]byte("new-map | m | m :me m put m { 1 2 } \"v\" put [ receive dup :x 1 put . ] spawn m swap send 10 sleep m ."))
	f.Add([]byte("{ { :a [ 1 0 / ] :permanent } } { :one-for-one 2 100 } supervisor which-children ."))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maxInput || !strings.Contains(string(src), "spawn") && !strings.Contains(string(src), "supervis") {
			return
		}
		prog, err := interp.CompileWith("fuzz.raft", src, func(string) ([]byte, error) { return nil, os.ErrNotExist })
		if err != nil {
			return
		}
		rt := sched.New(prog, sched.Options{Workers: 2, Out: interp.NewOutput(io.Discard), Stderr: io.Discard, NoFiles: true})
		m := rt.Main()
		m.SetArgs(nil)
		if m.StartFunc(prog.Main) != nil {
			rt.Stop()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		st, _ := rt.RunMain(ctx)
		cancel()
		stopped := make(chan struct{})
		go func() { rt.Stop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(hangLimit):
			t.Fatalf("Stop did not return (main ended with %v)", st)
		}
		if st == interp.StatusFailed && m.Failure == nil {
			t.Fatalf("main failed without a failure report")
		}
	})
}
