package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/jit"
	"github.com/raftvm/raft/sched"
)

// msgDeadlock reports a main actor that waits while every actor waits and
// no timer is set.
const msgDeadlock = "raft: the main actor waits for a message that cannot come"

// runProgram runs a compiled program as raft run does and returns the exit code.
func runProgram(prog *interp.Program, args []string, f runFlags, stdin io.Reader, stdout, stderr io.Writer) int {
	if f.cpuprofile != "" {
		pf, err := os.Create(f.cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "raft: %v\n", err)
			return exitUsage
		}
		defer pf.Close()
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	if f.seed != nil {
		prog.Seed = *f.seed
	}
	if f.profile != "" {
		prog.Prof = interp.NewProfile()
		defer writeProfile(prog.Prof, f.profile, stderr)
	}
	// abandoned is set when a stopped program's workers did not stop in
	// time: they may still run its native code, which then stays mapped.
	abandoned := false
	var native *jit.JIT
	if f.jit != "" && jit.Supported {
		native = jit.New(prog, jit.Options{Always: f.jit == "always"})
		prog.Native = native
		defer func() {
			if !abandoned {
				native.Close()
			}
		}()
	}
	out := interp.NewOutput(stdout)
	defer out.Flush()
	rt := sched.New(prog, sched.Options{Workers: f.workers, Out: out, Stderr: stderr, Input: stdin, Count: f.stats, Limits: f.limits.limits()})
	limits := rt.Limits()
	// The Go collector works harder as the process nears the limit, so that
	// only live memory passes it.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(limits.Memory))
	defer func() {
		if !abandoned {
			rt.Stop()
		}
	}()
	m := rt.Main()
	if err := m.SetArgs(args); err != nil {
		fmt.Fprintf(stderr, "raft: %v\n", err)
		return exitFailure
	}
	if err := m.StartFunc(prog.Main); err != nil {
		if m.Failure != nil {
			fmt.Fprint(stderr, m.Failure.Report())
		} else {
			fmt.Fprintf(stderr, "raft: %v\n", err)
		}
		return exitFailure
	}
	st, err := runMain(ctx, rt)
	if err != nil {
		abandoned = !stopWithin(rt, stopGrace) // a worker in a long builtin (a huge print) must not hold the exit
	} else {
		rt.Stop() // the main actor has ended: so do the others
	}
	if f.stats && !abandoned {
		defer printStats(stderr, rt, m, native)
	}
	if err == sched.ErrMemoryLimit {
		out.Flush()
		fmt.Fprintln(stderr, outOfMemory(limits.Memory))
		return exitMemory
	}
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "raft: timeout after %v\n", f.timeout)
		return exitTimeout
	}
	switch {
	case st == interp.StatusDone, st == interp.StatusExited && m.Failure == nil: // returned, or :normal exit
		if s := m.StackText(); s != "" {
			out.Write([]byte(s + "\n"))
		}
		return exitOK
	case st == interp.StatusBlocked:
		out.Flush()
		fmt.Fprintln(stderr, msgDeadlock)
		return exitFailure
	}
	out.Flush()
	fmt.Fprint(stderr, m.Failure.Report())
	return exitFailure
}

// stopGrace is how long a timed-out or out-of-memory program may take to
// stop before raft exits without waiting for its workers.
const stopGrace = 500 * time.Millisecond

// runMain is rt.RunMain(ctx), except that once ctx has ended it waits
// only stopGrace for the main actor to reach a slice boundary (it may be
// in one long builtin, such as printing a huge value): then it returns
// ctx.Err() and leaves main where it is.
func runMain(ctx context.Context, rt *sched.Runtime) (interp.Status, error) {
	type result struct {
		st  interp.Status
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := rt.RunMain(ctx)
		done <- result{st, err}
	}()
	select {
	case r := <-done:
		return r.st, r.err
	case <-ctx.Done():
	}
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case r := <-done:
		return r.st, r.err
	case <-t.C:
		return interp.StatusYield, ctx.Err()
	}
}

// stopWithin stops rt, or gives up waiting after d and reports false: its
// workers leave at their next slice boundary, and one running a long
// builtin leaves later (or with the process).
func stopWithin(rt *sched.Runtime, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		rt.Stop()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// printStats writes the --stats lines: counts of the interpreter (every
// actor), of the main actor's heap, of the scheduler, and the most frequent
// opcode pairs.
func printStats(w io.Writer, rt *sched.Runtime, m *interp.Machine, native *jit.JIT) {
	s, c, h := rt.Stats(), rt.Counters(), m.Heap.Stats()
	fmt.Fprintf(w, "instructions: %d, reductions: %d\n", c.Instructions, s.Reductions)
	fmt.Fprintf(w, "main heap: %d allocations, %d frees, %d collections, %d live, peak %d bytes\n",
		h.Allocs, h.Frees, h.Collections, h.Live, h.PeakBytes)
	fmt.Fprintf(w, "actors: %d spawned, %d messages, %d signals, %d restarts; scheduler: %d workers, %d slices, %d steals, %d parks\n",
		s.Spawned, s.Messages, s.Signals, s.Restarts, s.Workers, s.Slices, s.Steals, s.Parks)
	if native != nil {
		native.Stats().Write(w)
	}
	fmt.Fprintln(w, "top opcode pairs:")
	c.WriteTopPairs(w, 10)
}

// writeProfile writes the --profile file.
func writeProfile(p *interp.Profile, path string, stderr io.Writer) {
	f, err := os.Create(path)
	if err == nil {
		err = p.Write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "raft: writing profile: %v\n", err)
	}
}
