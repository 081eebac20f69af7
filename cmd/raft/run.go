package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/raftvm/raft"
)

// runProgram runs the program in file as raft run does and returns the
// exit code.
func runProgram(file string, args []string, f runFlags, stdin io.Reader, stdout, stderr io.Writer) int {
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
	opts := []raft.Option{raft.Output(stdout), raft.Errors(stderr), raft.Input(stdin), raft.Workers(f.workers), raft.PrintStack()}
	switch f.jit {
	case "hot":
		opts = append(opts, raft.JIT(true))
	case "always":
		opts = append(opts, raft.JITAlways())
	}
	if f.seed != nil {
		opts = append(opts, raft.Seed(*f.seed))
	}
	if f.stats {
		opts = append(opts, raft.Stats(stderr))
	}
	if f.profile != "" {
		pf, err := os.Create(f.profile)
		if err != nil {
			fmt.Fprintf(stderr, "raft: writing profile: %v\n", err)
		} else {
			defer pf.Close()
			opts = append(opts, raft.Profile(pf))
		}
	}
	rt := raft.New(append(opts, f.limits.options()...)...)
	if err := defineCommandWords(rt); err != nil {
		fmt.Fprintf(stderr, "raft: %v\n", err)
		return exitFailure
	}
	prog, code := compileFile(rt, file, stderr)
	if prog == nil {
		return code
	}
	ctx := context.Background()
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	limits := rt.Limits()
	// The Go collector works harder as the process nears the limit, so that
	// only live memory passes it.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(limits.Memory))
	// The Program is not closed: a run that did not stop in time may still
	// run its native code, which the process's exit takes away.
	_, err := rt.Run(ctx, prog, args...)
	return exitCode(err, f, limits, stderr)
}

// exitCode reports err, what a run ended with, on stderr and returns the
// exit code that says it.
func exitCode(err error, f runFlags, limits raft.Limits, stderr io.Writer) int {
	var fail *raft.Failure
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &fail):
		fmt.Fprintln(stderr, fail.Error())
	case err == raft.ErrMemoryLimit:
		fmt.Fprintln(stderr, outOfMemory(limits.Memory))
		return exitMemory
	case err == context.DeadlineExceeded:
		fmt.Fprintf(stderr, "raft: timeout after %v\n", f.timeout)
		return exitTimeout
	default: // ErrDeadlock, or a failure to start
		fmt.Fprintln(stderr, err)
	}
	return exitFailure
}

// defineCommandWords gives the programs that raft run and raft repl run the
// words only the command has, written in Go and added through the library
// as any embedder adds its own (raft.Runtime.Define). A program may define
// words of these names (they are not LANGUAGE.md's): its own win.
//
//	getenv ( name -- s|nil )  the environment variable name, nil when unset
func defineCommandWords(rt *raft.Runtime) error {
	return rt.Define("getenv", raft.Word{In: 1, Out: 1, Yield: true, Fn: func(c *raft.Call) error {
		name, err := c.String(0)
		if err != nil {
			return err
		}
		if v, ok := os.LookupEnv(name); ok {
			return c.Push(v)
		}
		return c.Push(nil)
	}})
}
