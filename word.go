package raft

// This file defines words written in Go (Runtime.Define): the Word, the
// Call it runs with, and how its results and failures reach the actor.

import (
	"context"
	"errors"
	"fmt"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// Word is a word written in Go.
//
// Fn reads the word's In arguments with the Call's getters (argument 0 is
// the deepest: for ( a b -- ), a is 0 and b is 1) and pushes exactly Out
// results. When Fn returns nil, the arguments are popped and the results
// pushed; when it returns an error, the actor fails at the word (see Fail)
// and the stack is left as it was.
//
// A Word that is not Blocking runs on the scheduler's worker, between two
// instructions of its actor: it must be quick. A Blocking word runs on a
// goroutine of its own while its actor waits (other actors run on), so it
// may read files, call servers or sleep; it should return when the Call's
// Context is done. Its arguments are converted to Go values before it
// starts (see the getters).
type Word struct {
	In, Out  int // values popped and pushed, 0 to 255 each
	Fn       func(c *Call) error
	Blocking bool

	// Yield lets a program define a word of the same name, which its own
	// code then calls; without it, a definition of that name is a compile
	// error. For words a host adds to programs it did not write.
	Yield bool
}

// Call is one run of a Word: its arguments and its results. It is valid
// only while Fn runs.
type Call struct {
	name string
	self Pid
	ctx  context.Context
	m    *interp.Machine // a word that is not Blocking: the actor's machine, its arguments on the stack
	in   int
	args []any      // a Blocking word: the arguments as Go values
	out  []gc.Value // pushed results, in m's heap (not Blocking)
	outG []any      // pushed results as Go values (Blocking)
}

// Context returns the context of the run the word runs in: it is done when
// the run ends (Run's context was cancelled, or the main actor ended).
func (c *Call) Context() context.Context { return c.ctx }

// Name returns the word's name.
func (c *Call) Name() string { return c.name }

// Self returns the pid of the actor that runs the word.
func (c *Call) Self() Pid { return c.self }

// raw returns argument i as a Raft value of the machine's heap (not
// Blocking), or ok false.
func (c *Call) raw(i int) (gc.Value, bool) {
	if c.m == nil || i < 0 || i >= c.in {
		return gc.Nil, false
	}
	v, err := c.m.Peek(c.in - 1 - i)
	return v, err == nil
}

// Arg returns argument i as a Go value (see the package's conversions). An
// argument that has no Go value (a cyclic array) is an error that fails
// the actor with :badarg.
func (c *Call) Arg(i int) (any, error) {
	if i < 0 || i >= c.in {
		return nil, c.argErr(i, "no such argument")
	}
	if c.m == nil {
		return c.args[i], nil
	}
	v, _ := c.raw(i)
	x, err := fromRaft(c.m.Heap, c.m.Prog.Funcs(), v)
	if err != nil {
		return nil, &failure{reason: Symbol("badarg"), msg: err.Error()}
	}
	return x, nil
}

// Int returns argument i, which must be an int (else the error fails the
// actor with :type). (A quick word's int is read off the stack: no boxing.)
func (c *Call) Int(i int) (int64, error) {
	if v, ok := c.raw(i); ok && v.K == gc.KInt {
		return v.AsInt(), nil
	}
	return argAs[int64](c, i, "an int")
}

// Float returns argument i, an int or a float, as a float64 (else :type).
func (c *Call) Float(i int) (float64, error) {
	if v, ok := c.raw(i); ok && (v.K == gc.KFloat || v.K == gc.KInt) {
		if v.K == gc.KInt {
			return float64(v.AsInt()), nil
		}
		return v.AsFloat(), nil
	}
	x, err := c.Arg(i)
	if n, ok := x.(int64); ok {
		return float64(n), nil
	}
	f, ok := x.(float64)
	if !ok && err == nil {
		err = c.typeErr(i, "a number")
	}
	return f, err
}

// argAs returns argument i as a Go value of type T, described as want in
// the :type error when it is not one.
func argAs[T any](c *Call, i int, want string) (T, error) {
	x, err := c.Arg(i)
	t, ok := x.(T)
	if !ok && err == nil {
		err = c.typeErr(i, want)
	}
	return t, err
}

// String returns argument i, which must be a string (else :type).
func (c *Call) String(i int) (string, error) { return argAs[string](c, i, "a string") }

// Bool returns argument i, which must be true or false (else :type).
func (c *Call) Bool(i int) (bool, error) { return argAs[bool](c, i, "a boolean") }

// Symbol returns argument i, which must be a symbol (else :type).
func (c *Call) Symbol(i int) (Symbol, error) { return argAs[Symbol](c, i, "a symbol") }

// Pid returns argument i, which must be a pid (else :type).
func (c *Call) Pid(i int) (Pid, error) { return argAs[Pid](c, i, "a pid") }

// Array returns argument i, which must be an array (else :type), as Go
// values.
func (c *Call) Array(i int) ([]any, error) { return argAs[[]any](c, i, "an array") }

// Push adds a result. v converts as the package's conversions say; a value
// that does not convert is an error (returned, and the word fails with
// :badarg if Fn returns it). Pushing more or fewer than the word's Out
// results fails the actor.
func (c *Call) Push(v any) error {
	if c.m == nil {
		c.outG = append(c.outG, v)
		return nil
	}
	x, err := toRaft(c.m.Heap, v)
	if err != nil {
		return &failure{reason: Symbol("badarg"), msg: err.Error()}
	}
	c.out = append(c.out, x)
	return nil
}

func (c *Call) argErr(i int, what string) error {
	return &failure{reason: Symbol("badarg"), msg: fmt.Sprintf("%s: argument %d: %s", c.name, i, what)}
}

func (c *Call) typeErr(i int, want string) error {
	return &failure{reason: Symbol("type"), msg: fmt.Sprintf("%s: argument %d is not %s", c.name, i, want)}
}

// Fail returns an error that, returned by a Word's Fn, fails the actor
// with reason (a Go value that converts to Raft: Symbol("not-found"),
// []any{Symbol("error"), "why"}, ...), as Raft's error word does. An
// actor linked to it, or its supervisor, sees that reason.
//
// Any other error fails the actor with { :error "the error's text" }, and
// a panic in Fn with { :panic "the panic's text" }.
func Fail(reason any) error { return &failure{reason: reason} }

// failure is the error of Fail, and of the Call's getters.
type failure struct {
	reason any
	msg    string // for Error; "" when the reason says it all
}

func (f *failure) Error() string {
	if f.msg != "" {
		return f.msg
	}
	return fmt.Sprintf("raft: fail with %v", f.reason)
}

// hostWord returns the interpreter's host word for w.
func hostWord(name string, w Word) interp.HostWord {
	run := func(m *interp.Machine) error { return runWord(m, name, w) }
	if w.Blocking {
		run = func(m *interp.Machine) error { return runBlocking(m, name, w) }
	}
	return interp.HostWord{Name: name, In: w.In, Out: w.Out, Fn: run, Yield: w.Yield}
}

// runWord runs a word that is not Blocking on m's stack.
func runWord(m *interp.Machine, name string, w Word) error {
	c := &Call{name: name, self: Pid(m.ID), ctx: runContext(m), m: m, in: w.In}
	err := callFn(w.Fn, c)
	if err == nil && len(c.out) != w.Out {
		err = countErr(name, len(c.out), w.Out)
	}
	if err != nil {
		for _, v := range c.out {
			m.Heap.Release(v)
		}
		return failWith(m, err)
	}
	popArgs(m, w.In)
	for _, v := range c.out {
		m.Push(v) // the verifier reserved room for Out values
	}
	return nil
}

// blockResult is what a Blocking word's goroutine hands back.
type blockResult struct {
	out []any
	err error
}

// runBlocking runs a Blocking word: its arguments converted on the worker,
// Fn on a goroutine while the actor waits, the results pushed on the
// worker when it runs again.
func runBlocking(m *interp.Machine, name string, w Word) error {
	aw, ok := m.Host.(*sched.Runtime)
	if !ok {
		return failWith(m, errors.New(name+": a blocking word needs the scheduler"))
	}
	res, err := aw.Await(m, func() (func() any, error) {
		c := &Call{name: name, self: Pid(m.ID), ctx: aw.Context(), in: w.In, args: make([]any, w.In)}
		for i := range w.In {
			v, _ := m.Peek(w.In - 1 - i)
			var err error
			if c.args[i], err = fromRaft(m.Heap, m.Prog.Funcs(), v); err != nil {
				return nil, failWith(m, &failure{reason: Symbol("badarg"), msg: err.Error()})
			}
		}
		return func() any {
			err := callFn(w.Fn, c)
			return &blockResult{c.outG, err}
		}, nil
	})
	if err != nil {
		return err // interp.ErrBlock (the actor waits for the goroutine), or a failure
	}
	r := res.(*blockResult)
	if r.err == nil && len(r.out) != w.Out {
		r.err = countErr(name, len(r.out), w.Out)
	}
	if r.err != nil {
		return failWith(m, r.err)
	}
	vals := make([]gc.Value, 0, len(r.out))
	for _, g := range r.out {
		v, err := toRaft(m.Heap, g)
		if err != nil {
			for _, v := range vals {
				m.Heap.Release(v)
			}
			return failWith(m, &failure{reason: Symbol("badarg"), msg: err.Error()})
		}
		vals = append(vals, v)
	}
	popArgs(m, w.In)
	for _, v := range vals {
		m.Push(v)
	}
	return nil
}

// callFn runs fn, turning a panic into an error.
func callFn(fn func(*Call) error, c *Call) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &failure{reason: []any{Symbol("panic"), fmt.Sprint(p)}}
		}
	}()
	return fn(c)
}

func countErr(name string, got, want int) error {
	return &failure{reason: []any{Symbol("error"), fmt.Sprintf("%s pushed %d values, not %d", name, got, want)}}
}

func popArgs(m *interp.Machine, n int) {
	for range n {
		v, _ := m.Pop()
		m.Heap.Release(v)
	}
}

// failWith returns the interpreter error that fails m's actor for err,
// which Fn or a getter returned.
func failWith(m *interp.Machine, err error) error {
	var reason any = []any{Symbol("error"), err.Error()}
	var f *failure
	if errors.As(err, &f) {
		reason = f.reason
	}
	v, cerr := toRaft(m.Heap, reason)
	if cerr != nil {
		if v, cerr = toRaft(m.Heap, []any{Symbol("error"), cerr.Error()}); cerr != nil {
			return interp.AllocError(gc.ErrOutOfMemory)
		}
	}
	return interp.Fail(v)
}

// runContext returns the context of the run m's actor is part of.
func runContext(m *interp.Machine) context.Context {
	if rt, ok := m.Host.(*sched.Runtime); ok {
		return rt.Context()
	}
	return context.Background()
}
