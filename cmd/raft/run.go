package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/raftvm/raft/interp"
)

// runProgram runs a compiled program as raft run does and returns the exit code.
func runProgram(prog *interp.Program, args []string, f runFlags, stdout, stderr io.Writer) int {
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
	out := interp.NewOutput(stdout)
	defer out.Flush()
	m := interp.NewMachine(prog, nil, out)
	m.ID = 1
	if err := m.SetArgs(args); err != nil {
		fmt.Fprintf(stderr, "raft: %v\n", err)
		return exitFailure
	}
	if err := m.StartFunc(prog.Main); err != nil {
		fmt.Fprintf(stderr, "raft: %v\n", err)
		return exitFailure
	}
	var st interp.Status
	for {
		st = m.Run(interp.DefaultBudget)
		if st != interp.StatusYield {
			break
		}
		if ctx.Err() != nil {
			out.Flush()
			fmt.Fprintf(stderr, "raft: timeout after %v\n", f.timeout)
			return exitTimeout
		}
	}
	switch st {
	case interp.StatusDone:
		if s := m.StackText(); s != "" {
			out.Write([]byte(s + "\n"))
		}
		return exitOK
	case interp.StatusExited:
		if m.Failure == nil {
			if s := m.StackText(); s != "" {
				out.Write([]byte(s + "\n"))
			}
			return exitOK
		}
	case interp.StatusBlocked:
		out.Flush()
		fmt.Fprintln(stderr, "raft: the main actor waits for a message that cannot come")
		return exitFailure
	}
	out.Flush()
	fmt.Fprint(stderr, m.Failure.Report())
	return exitFailure
}
