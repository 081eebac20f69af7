// Package raft embeds the Raft VM in a Go program: compile Raft code, run
// it with its actors, give it words written in Go, and pass values both
// ways.
//
//	rt := raft.New(raft.Output(os.Stdout))
//	rt.Define("double", raft.Word{In: 1, Out: 1, Fn: func(c *raft.Call) error {
//		n, err := c.Int(0)
//		if err != nil {
//			return err
//		}
//		return c.Push(2 * n)
//	}})
//	prog, err := rt.Compile("main.raft", "21 double")
//	...
//	stack, err := rt.Run(ctx, prog) // stack is []any{int64(42)}
//
// A Runtime holds configuration and Go words; a Program is compiled code,
// immutable, and may be run many times, from many goroutines at once. Each
// Run has actors, heaps and scheduler workers of its own, all gone when it
// returns. docs/embedding.md tells the whole API with examples.
package raft

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/jit"
	"github.com/raftvm/raft/sched"
)

// Runtime compiles and runs Raft programs with one configuration and one
// set of Go words. Its methods are safe for concurrent use.
type Runtime struct {
	cfg config

	mu    sync.Mutex        // guards words
	words []interp.HostWord // Define's words, in order; each Compile takes a copy
}

// config is what the Options set.
type config struct {
	workers  int
	out      io.Writer
	stderr   io.Writer
	stdin    io.Reader
	jit      jitMode
	seed     *uint64
	noFiles  bool
	limits   sched.Limits
	readFile func(string) ([]byte, error)

	stats      io.Writer // Stats
	profile    io.Writer // Profile
	printStack bool      // PrintStack
}

type jitMode uint8

const (
	jitOff jitMode = iota
	jitHot
	jitAlways
)

// Option configures a Runtime (New).
type Option func(*config)

// Workers sets the scheduler's workers per run (threads' worth of
// parallelism); 0, the default, is one per CPU.
func Workers(n int) Option { return func(c *config) { c.workers = n } }

// Output sets where the program's printing words (. print emit cr ...)
// write. The default discards it.
func Output(w io.Writer) Option { return func(c *config) { c.out = w } }

// Errors sets where failures of actors that nobody watches are reported,
// one line each. The default discards them.
func Errors(w io.Writer) Option { return func(c *config) { c.stderr = w } }

// Input sets what read-line and read-all read. The default is empty input.
func Input(r io.Reader) Option { return func(c *config) { c.stdin = r } }

// JIT turns native code on (amd64 and arm64): hot words and loops are
// compiled, as raft run --jit does. Elsewhere it does nothing.
func JIT(on bool) Option {
	return func(c *config) {
		c.jit = jitOff
		if on {
			c.jit = jitHot
		}
	}
}

// JITSupported reports whether this build has native code (amd64 and
// arm64 on Unix): elsewhere JIT and JITAlways do nothing.
func JITSupported() bool { return jit.Supported }

// JITAlways compiles every function to native code before it first runs
// (raft run --jit=always, the test mode).
func JITAlways() Option { return func(c *config) { c.jit = jitAlways } }

// Seed makes random and random-float repeat: every Program compiled by the
// Runtime starts its generators from seed. Without it each Program picks a
// random seed when compiled.
func Seed(seed uint64) Option { return func(c *config) { c.seed = &seed } }

// NoFiles makes read-file and write-file fail with :eacces without
// touching the file system, and include fail to compile.
func NoFiles() Option {
	return func(c *config) {
		c.noFiles = true
		c.readFile = func(path string) ([]byte, error) { return nil, os.ErrPermission }
	}
}

// ReadFile sets how Compile reads included files (default os.ReadFile),
// so that includes can be served from memory or an embed.FS.
func ReadFile(read func(path string) ([]byte, error)) Option {
	return func(c *config) { c.readFile = read }
}

// MaxHeap bounds one actor's heap in bytes; past it the actor fails with
// :heap-limit. The default is 1 GiB, or a quarter of memory when that is
// less.
func MaxHeap(bytes int) Option { return func(c *config) { c.limits.Heap = bytes } }

// MaxActors bounds the actors alive at once in a run; a spawn past it
// fails with :system-limit.
func MaxActors(n int) Option { return func(c *config) { c.limits.Actors = n } }

// MaxMailbox bounds the messages waiting for one actor; past it the actor
// ends with :mailbox-limit.
func MaxMailbox(n int) Option { return func(c *config) { c.limits.Mailbox = n } }

// MaxMemory bounds the bytes of the whole process; a run that passes it
// stops with ErrMemoryLimit.
func MaxMemory(bytes int64) Option { return func(c *config) { c.limits.Memory = bytes } }

// Stats makes each Run count what it does and write, when it ends, the
// lines of raft run --stats to w: instructions, reductions, the main
// actor's heap, actors and the scheduler, the JIT, the most frequent
// opcode pairs. Counting makes the interpreter slower.
func Stats(w io.Writer) Option { return func(c *config) { c.stats = w } }

// Profile makes the Programs compiled after it sample their Raft call
// stacks, and each Run write them to w when it ends, as a pprof profile
// whose functions are Raft words (raft run --profile).
func Profile(w io.Writer) Option { return func(c *config) { c.profile = w } }

// PrintStack makes Run print the final stack to Output as raft run does
// (the values as .s shows them, on one line, when there are any) instead
// of returning it: Run then returns a nil stack. A stack that would be
// huge as Go values (arrays sharing arrays) prints in bounded space.
func PrintStack() Option { return func(c *config) { c.printStack = true } }

// Limits are the resource limits of a run, as MaxHeap, MaxActors,
// MaxMailbox and MaxMemory set them.
type Limits struct {
	Heap       int    // bytes of one actor's heap
	Actors     int    // actors alive at once
	Mailbox    int    // messages waiting for one actor
	Memory     int64  // bytes of the whole process
	Reductions uint64 // reductions of a run; 0: no bound
}

// Limits returns the limits a run of r has: the options, with the defaults
// (which depend on this machine's memory) where none was given.
func (r *Runtime) Limits() Limits {
	l := r.cfg.limits.WithDefaults()
	return Limits{Heap: l.Heap, Actors: l.Actors, Mailbox: l.Mailbox, Memory: l.Memory, Reductions: l.Reductions}
}

// Words returns, sorted, the names of the words every program has (the
// language's), for help and completion.
func Words() []string { return interp.WordNames() }

// MaxReductions bounds the work of a run: the reductions (calls and
// backward jumps, the unit the scheduler shares time in) of all its actors
// together. Past it the run stops with ErrReductionLimit. The default is
// no bound.
func MaxReductions(n uint64) Option { return func(c *config) { c.limits.Reductions = n } }

// New returns a Runtime configured by opts.
func New(opts ...Option) *Runtime {
	r := &Runtime{}
	for _, o := range opts {
		o(&r.cfg)
	}
	if r.cfg.out == nil {
		r.cfg.out = io.Discard
	}
	return r
}

// Define adds a word written in Go, for the programs compiled after it.
// The name must read as one word (not a number, string or symbol) and not
// be one of the language's words; programs may not redefine it.
func (r *Runtime) Define(name string, w Word) error {
	if w.Fn == nil {
		return fmt.Errorf("raft: Define: %s: no Fn", name)
	}
	hw := hostWord(name, w)
	if err := interp.CheckHostWord(hw); err != nil {
		return fmt.Errorf("raft: Define: %v", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, old := range r.words {
		if old.Name == name {
			return fmt.Errorf("raft: Define: %s is already defined", name)
		}
	}
	r.words = append(r.words, hw)
	return nil
}

// Program is compiled Raft code. It is immutable: Run may run it many
// times, concurrently.
type Program struct {
	name   string
	p      *interp.Program
	native *jit.JIT // the JIT's code for p, shared by its runs; nil without JIT
	rt     *Runtime
	closed sync.Once
}

// CompileError is a compile error: where and what.
type CompileError struct {
	File      string
	Line, Col int
	Msg       string

	// Unfinished: the source ended inside a definition, a quotation, an
	// array or a comment, so more lines may finish it (a REPL reads on).
	Unfinished bool
}

// Error returns file:line:col: message, as raft run prints it.
func (e *CompileError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// compileError returns the *CompileError of err, an error of the
// compiler on a unit named name.
func compileError(name string, err error) *CompileError {
	var ce *interp.Error
	if errors.As(err, &ce) {
		e := &CompileError{File: ce.Pos.File, Line: int(ce.Pos.Line), Col: int(ce.Pos.Col), Msg: ce.Msg}
		switch ce.Msg {
		case ": without ;", "[ without ]", "{ without }", "unterminated comment":
			e.Unfinished = true
		}
		return e
	}
	return &CompileError{File: name, Line: 1, Col: 1, Msg: err.Error()}
}

// Compile compiles source, named name in errors and traces, with the
// Runtime's Go words. A compile error is a *CompileError.
func (r *Runtime) Compile(name, source string) (*Program, error) {
	p, err := r.newProgram()
	if err == nil {
		err = p.CompileFile(name, []byte(source))
	}
	if err != nil {
		return nil, compileError(name, err)
	}
	if r.cfg.profile != nil {
		p.Prof = interp.NewProfile()
	}
	prog := &Program{name: name, p: p, rt: r}
	if r.cfg.jit != jitOff && jit.Supported {
		prog.native = jit.New(p, jit.Options{Always: r.cfg.jit == jitAlways})
		p.Native = prog.native
		// The code memory goes with the Program, when nothing can run it.
		runtime.AddCleanup(prog, func(j *jit.JIT) { j.Close() }, prog.native)
	}
	return prog, nil
}

// newProgram returns an empty program with r's Go words, include reader
// and seed, for Compile and NewSession.
func (r *Runtime) newProgram() (*interp.Program, error) {
	r.mu.Lock()
	words := append([]interp.HostWord(nil), r.words...)
	r.mu.Unlock()
	p := interp.NewProgram()
	p.ReadFile = r.cfg.readFile
	if r.cfg.seed != nil {
		p.Seed = *r.cfg.seed
	}
	for _, w := range words {
		if err := p.DefineHost(w); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Disasm writes the Program's bytecode to w, one instruction a line with
// its source position (raft disasm).
func (p *Program) Disasm(w io.Writer) { interp.Disasm(w, p.p) }

// Name returns the name the Program was compiled with.
func (p *Program) Name() string { return p.name }

// Close frees the Program's native code at once (else it goes when the
// Program is garbage). Do not run the Program after Close.
func (p *Program) Close() {
	p.closed.Do(func() {
		if p.native != nil {
			p.native.Close()
		}
	})
}
