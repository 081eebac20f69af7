package raft

// This file lets Go take part in a run (Start): spawn Raft actors, send
// them messages, and receive messages at a pid of Go's own.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// ErrStopped is returned by a System's methods after Stop, and by a
// Mailbox's Receive once its System has stopped.
var ErrStopped = errors.New("raft: the system has stopped")

// System is a run of a Program that Go code takes part in: it can spawn
// actors running the program's words, send them messages, and receive
// messages that Raft code sends to a Mailbox's pid. Unlike Run, the
// actors keep running after the main code ends, until Stop (or the
// context given to Start ends). Its methods are safe for concurrent use.
type System struct {
	p      *Program
	rt     *sched.Runtime
	out    *interp.Output
	hosts  *gc.HostTable
	cancel context.CancelFunc

	done  chan struct{} // closed when the main actor has ended
	stack []any         // the main actor's result, set before done is closed
	err   error         // set before done is closed

	stopOnce sync.Once
}

// Start starts a run of p, its main code running in the main actor, and
// returns at once. A main actor that waits for a message is never taken
// for deadlocked: Go may send it one.
func (r *Runtime) Start(ctx context.Context, p *Program, args ...string) (*System, error) {
	runCtx, cancel := context.WithCancel(ctx)
	rt, out, hosts, err := r.start(runCtx, p, true, args)
	if err != nil {
		cancel()
		return nil, err
	}
	s := &System{p: p, rt: rt, out: out, hosts: hosts, cancel: cancel, done: make(chan struct{})}
	go func() {
		st, err := rt.RunMain(runCtx)
		if err != nil {
			s.err = runErr(err)
		} else {
			s.stack, s.err = mainResult(rt.Main(), st)
		}
		out.Flush()
		close(s.done)
		<-runCtx.Done() // Start's context ended, or Stop
		s.Stop()
	}()
	return s, nil
}

// Wait waits for the main actor's code to end and returns what Run would:
// its final stack, or its failure. Other actors keep running.
func (s *System) Wait() ([]any, error) {
	<-s.done
	return s.stack, s.err
}

// Stop ends every actor of the run and frees what it holds. After it,
// Receive returns ErrStopped. Safe to call more than once.
func (s *System) Stop() {
	s.stopOnce.Do(func() {
		s.cancel()
		s.rt.Stop()
		s.out.Flush()
		<-s.done // main's result is read (a Handle in it is found)
		s.hosts.Close()
	})
}

// Main returns the pid of the main actor.
func (s *System) Main() Pid { return Pid(s.rt.Main().ID) }

// Spawn starts an actor running word, a word of the program's own, with
// args pushed on its stack first (args[0] deepest), and returns its pid.
func (s *System) Spawn(word string, args ...any) (Pid, error) {
	fn, ok := s.p.p.Lookup(word, false)
	if !ok {
		return 0, fmt.Errorf("raft: Spawn: %s is not a word of %s", word, s.p.name)
	}
	pid, err := s.rt.SpawnFunc(fn, func(m *interp.Machine) error {
		for _, a := range args {
			v, err := toRaft(m.Heap, a)
			if err != nil {
				return err
			}
			if err := m.Push(v); err != nil {
				m.Heap.Release(v)
				return fmt.Errorf("raft: Spawn: %d arguments: %w", len(args), ErrConvert)
			}
		}
		return nil
	})
	if err == sched.ErrStopped {
		return 0, ErrStopped
	}
	if err != nil {
		return 0, fmt.Errorf("raft: Spawn: %w", err)
	}
	return Pid(pid), nil
}

// Send sends msg (a Go value that converts to Raft) to the actor to. As in
// Raft, a send to an actor that has ended does nothing.
func (s *System) Send(to Pid, msg any) error {
	err := s.rt.SendFrom(uint64(to), func(h *gc.Heap) (gc.Value, error) { return toRaft(h, msg) })
	if err != nil {
		return fmt.Errorf("raft: Send: %w", err)
	}
	return nil
}

// Whereis returns the pid registered under name (Raft's register), if any.
func (s *System) Whereis(name string) (Pid, bool) {
	pid, ok := s.rt.Whereis(name)
	return Pid(pid), ok
}

// Mailbox is a pid whose messages Go receives. It is an actor of the run
// (links, monitors and kill see it as one).
type Mailbox struct {
	s  *System
	mb *sched.Mailbox
}

// NewMailbox makes a Mailbox in the run.
func (s *System) NewMailbox() (*Mailbox, error) {
	mb, err := s.rt.NewMailbox()
	if err == sched.ErrStopped {
		return nil, ErrStopped
	}
	if err != nil {
		return nil, fmt.Errorf("raft: NewMailbox: %w", err)
	}
	return &Mailbox{s: s, mb: mb}, nil
}

// Pid returns the pid Raft code sends to.
func (mb *Mailbox) Pid() Pid { return Pid(mb.mb.Pid()) }

// Receive waits for the next message and returns it as a Go value, or
// returns ctx's error, or ErrStopped once the System has stopped. A
// message that has no Go value (a cyclic array) is an error wrapping
// ErrConvert, and is dropped.
func (mb *Mailbox) Receive(ctx context.Context) (any, error) {
	var msg any
	var cerr error
	err := mb.mb.Receive(ctx, func(h *gc.Heap, v gc.Value) {
		msg, cerr = fromRaft(h, mb.s.p.p.Funcs(), v)
	})
	if err == sched.ErrStopped {
		return nil, ErrStopped
	}
	if err != nil {
		return nil, err
	}
	return msg, cerr
}
