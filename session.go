package raft

// This file defines Session, a program that grows line by line: the REPL.

import (
	"context"
	"fmt"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// Session is a program that grows piece by piece, as in a REPL: each Eval
// compiles more source into it (words may be redefined; later calls see
// the new definition) and runs its top-level code in one long-lived main
// actor, whose stack, links, monitors, name and mailbox persist between
// pieces while the other actors keep running. Its actors see empty input.
// Eval is not safe for concurrent use.
type Session struct {
	prog  *interp.Program
	out   *interp.Output
	rt    *sched.Runtime
	hosts *gc.HostTable
}

// NewSession starts a Session with r's configuration and Go words (its
// Input, JIT and Stats options do not apply).
func (r *Runtime) NewSession() (*Session, error) {
	prog, err := r.newProgram()
	if err != nil {
		return nil, err
	}
	out := interp.NewOutput(r.cfg.out)
	hosts := gc.NewHostTable()
	rt := sched.New(prog, sched.Options{Workers: r.cfg.workers, Out: out, Stderr: r.cfg.stderr, NoFiles: r.cfg.noFiles, Limits: r.cfg.limits, Hosts: hosts})
	if err := rt.Main().SetArgs(nil); err != nil {
		rt.Stop()
		return nil, err
	}
	return &Session{prog: prog, out: out, rt: rt, hosts: hosts}, nil
}

// Eval compiles src (named name in errors) into the session and runs it on
// the main actor. It returns the stack as .s shows it (`<2> 1 2`), or an
// error: a *CompileError (nothing ran; see its Unfinished), a *Failure,
// ErrDeadlock, ctx's error (the piece was stopped), or ErrMemoryLimit
// (then the session should end: its actors hold the memory). After a
// failure the stack is cleared, as gforth does.
func (s *Session) Eval(ctx context.Context, name, src string) (string, error) {
	fn, err := s.prog.CompileMore(name, []byte(src))
	if err != nil {
		return "", compileError(name, err)
	}
	m := s.rt.Main()
	if err := m.StartFunc(fn); err != nil {
		return "", fmt.Errorf("raft: %v", err)
	}
	st, err := s.rt.RunMain(ctx)
	s.out.Flush()
	switch {
	case err == sched.ErrMemoryLimit:
		return "", ErrMemoryLimit
	case err != nil:
		m.Reset()
		return "", runErr(err)
	case st == interp.StatusDone, st == interp.StatusExited && m.Failure == nil:
		return m.StackLine(), nil
	case st == interp.StatusBlocked:
		m.Reset()
		return "", ErrDeadlock
	}
	f := failureOf(m)
	m.Reset()
	return "", f
}

// Close ends the session's actors.
func (s *Session) Close() {
	s.rt.Stop()
	s.out.Flush()
	s.hosts.Close()
}
