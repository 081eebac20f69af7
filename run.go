package raft

// This file runs a Program: Run, and the errors a run ends with.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// Errors a run can end with besides a *Failure and the context's error.
var (
	// ErrDeadlock: the main actor waits for a message that cannot come
	// (every actor waits, no timer is set and no input is pending).
	ErrDeadlock = errors.New("raft: the main actor waits for a message that cannot come")
	// ErrMemoryLimit: the process passed MaxMemory.
	ErrMemoryLimit = errors.New("raft: the process passed its memory limit")
	// ErrReductionLimit: the run passed MaxReductions.
	ErrReductionLimit = errors.New("raft: the run passed its reduction limit")
)

// Failure is the error of a run whose main actor failed: its reason, and
// where (the word, the position and the calls that led there).
type Failure struct {
	Reason  any    // the reason as a Go value (Symbol("badarith"), []any{...})
	Text    string // the reason as Raft prints it (":badarith")
	Word    string // the word whose instruction failed
	File    string // where; "" when not known
	Line    int
	Col     int
	Callers []Frame // innermost first (at most the first 10 and the last 2)
	Omitted int     // callers left out between those
	report  string
}

// Frame is one call of a Failure's call chain.
type Frame struct {
	Word      string
	File      string
	Line, Col int
}

// Error returns the failure as raft run reports it: the reason, where it
// happened and the calls that led there, on several lines.
func (f *Failure) Error() string { return strings.TrimSuffix(f.report, "\n") }

// Run runs the Program's main code in a new actor system: it returns the
// main actor's final stack (bottom first) when its code ends, and stops
// every actor it started. Each run has its own actors, heaps and workers.
// args are the program's command-line arguments (the args word).
//
// A failure of the main actor is a *Failure (an exit with :normal is not
// a failure). When ctx ends first, Run stops the run and returns ctx's
// error; it returns ErrDeadlock, ErrMemoryLimit or ErrReductionLimit as
// they say.
func (r *Runtime) Run(ctx context.Context, p *Program, args ...string) ([]any, error) {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel() // a Go word's work sees the run end
	rt, out, hosts, err := r.start(runCtx, p, false, args)
	if err != nil {
		return nil, err
	}
	defer hosts.Close() // after the final stack is read
	defer out.Flush()
	st, err := runMain(ctx, rt)
	if err != nil && !stopWithin(rt, stopGrace) {
		// A worker is in one long builtin (printing a huge value): it
		// leaves at its end; the run's memory goes with it.
		return nil, runErr(err)
	}
	rt.Stop() // the main actor has ended: so do the others
	defer r.report(p, rt)
	if err != nil {
		return nil, runErr(err)
	}
	m := rt.Main()
	if r.cfg.printStack && (st == interp.StatusDone || st == interp.StatusExited && m.Failure == nil) {
		if s := m.StackText(); s != "" {
			out.Write([]byte(s + "\n"))
		}
		return nil, nil
	}
	return mainResult(m, st)
}

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

// start makes the actor system of a run of p and starts its main actor
// (not yet running). external: Go code may send to its actors.
func (r *Runtime) start(ctx context.Context, p *Program, external bool, args []string) (*sched.Runtime, *interp.Output, *gc.HostTable, error) {
	if p.rt != r {
		return nil, nil, nil, errors.New("raft: the program was compiled by another Runtime")
	}
	cfg := &r.cfg
	out := interp.NewOutput(cfg.out)
	hosts := gc.NewHostTable()
	rt := sched.New(p.p, sched.Options{
		Workers: cfg.workers, Out: out, Stderr: cfg.stderr, Input: cfg.stdin,
		NoFiles: cfg.noFiles, Limits: cfg.limits, Context: ctx, External: external, Hosts: hosts,
		Count: cfg.stats != nil,
	})
	m := rt.Main()
	err := m.SetArgs(args)
	if err == nil {
		err = m.StartFunc(p.p.Main)
	}
	if err != nil {
		rt.Stop()
		hosts.Close()
		if m.Failure != nil {
			return nil, nil, nil, failureOf(m)
		}
		return nil, nil, nil, fmt.Errorf("raft: %v", err)
	}
	return rt, out, hosts, nil
}

// mainResult returns what a run whose main actor m ended with status st
// gives: the final stack, or the error.
func mainResult(m *interp.Machine, st interp.Status) ([]any, error) {
	switch {
	case st == interp.StatusDone, st == interp.StatusExited && m.Failure == nil:
		stack := make([]any, 0, m.Depth())
		for _, v := range m.Stack() {
			x, err := fromRaft(m.Heap, m.Prog.Funcs(), v)
			if err != nil {
				return nil, fmt.Errorf("raft: the final stack: %w", err)
			}
			stack = append(stack, x)
		}
		return stack, nil
	case st == interp.StatusBlocked:
		return nil, ErrDeadlock
	}
	return nil, failureOf(m)
}

// stopGrace is how long a stopped run may take to reach its workers'
// next slice boundary before Run returns without waiting.
const stopGrace = 500 * time.Millisecond

// stopWithin stops rt, or gives up waiting after d and reports false.
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

func runErr(err error) error {
	switch err {
	case sched.ErrMemoryLimit:
		return ErrMemoryLimit
	case sched.ErrReductionLimit:
		return ErrReductionLimit
	}
	return err
}

// failureOf returns the *Failure of m, which has failed.
func failureOf(m *interp.Machine) *Failure {
	f := m.Failure
	reason, err := fromRaft(m.Heap, m.Prog.Funcs(), f.Reason)
	if err != nil {
		reason = f.Text
	}
	g := &Failure{
		Reason: reason, Text: f.Text, Word: f.Word,
		File: f.Pos.File, Line: int(f.Pos.Line), Col: int(f.Pos.Col),
		Omitted: f.Omitted, report: f.Report(),
	}
	for _, c := range f.Callers {
		g.Callers = append(g.Callers, Frame{Word: c.Word, File: c.Pos.File, Line: int(c.Pos.Line), Col: int(c.Pos.Col)})
	}
	return g
}
