package fuzz

// The differential tests of the JIT (package jit) against the interpreter,
// the reference:
//
//   - FuzzJITAgrees turns the fuzzer's bytes into a random but valid
//     program (gen below: words that call each other and recurse to a
//     bounded depth, locals, every loop, branches, arrays, strings,
//     quotations, integer and float edges, and some errors on purpose) and
//     runs it in the interpreter alone, with the JIT compiling everything
//     first (Options.Always), with the default budget and with a budget of
//     97 reductions (so native code yields often), and with the JIT
//     compiling hot code only. Where the runs end, they must agree.
//   - FuzzFrontEndJIT runs FuzzFrontEnd's inputs (its seeds, its nasty
//     inputs and its corpus) in the interpreter and with the JIT: no
//     panic, no hang, and where both end they must agree.
//
// Run them with
//
//	go test -fuzz FuzzJITAgrees -fuzztime 5m -parallel 2 ./fuzz/
//	go test -fuzz FuzzFrontEndJIT -fuzztime 5m -parallel 2 ./fuzz/
//
// The generator is deterministic: the same bytes give the same program.
// Disagreements the fuzzer finds are printed with the program's text.

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/jit"
)

// Bounds of one run. A generated program is meant to run well under
// 100 ms; one still running at the end is not compared.
const (
	jitSlices      = 250                                   // Run calls with the default budget
	jitSmallBudget = 97                                    // the small budget: many yields from native code
	jitSmallSlices = jitSlices * interp.DefaultBudget / 97 // the same reductions in small slices
	jitRunTime     = 300 * time.Millisecond                // wall time of one run, whichever ends first
	jitMaxInput    = 4096                                  // longer fuzz inputs are skipped
	frontEndSlices = 100                                   // Run calls of a FuzzFrontEnd input (it may run for ever)
)

// jitMode is how a program runs: in the interpreter alone or with the JIT.
type jitMode uint8

const (
	noJIT     jitMode = iota // the interpreter alone
	jitAlways                // every function compiled before it runs
	jitHot                   // hot functions and loops compiled
)

func (m jitMode) String() string { return [...]string{"interpreter", "jit always", "jit hot"}[m] }

// jitRun is what one run of a program showed.
type jitRun struct {
	status   interp.Status
	ended    bool     // not still running after its slices
	out      string   // stdout (outWriter.String)
	report   string   // the failure report, "" without a failure
	stack    string   // the stack at the end (shortened by digest)
	failures []string // functions the JIT's compiler failed on (a panic it recovered from)
}

func (r jitRun) String() string {
	return fmt.Sprintf("status %v, report %q, stack %q, stdout %s", r.status, r.report, r.stack, r.out)
}

// excluded says why a run cannot be compared with another ("" when it
// can).
func (r jitRun) excluded() string {
	switch {
	case !r.ended:
		return "still running"
	case strings.Contains(r.report, ":stack-overflow"):
		// Where the stack runs out depends on the room each frame takes,
		// and native frames are not interpreter frames (the interpreter
		// itself moves the point when fusing changes; see
		// FuzzFusionAgrees in interp/fuse_test.go).
		return "stack overflow"
	case strings.Contains(r.report, ":heap-limit"):
		// The heap limit is met where the collector runs, and native
		// code releases temporaries at other points than the interpreter.
		return "out of memory"
	}
	return ""
}

// outWriter keeps the first bytes written, their count and a digest of
// all.
type outWriter struct {
	h    hash.Hash
	n    int
	head []byte
}

func (w *outWriter) Write(p []byte) (int, error) {
	if room := 600 - len(w.head); room > 0 {
		w.head = append(w.head, p[:min(room, len(p))]...)
	}
	w.n += len(p)
	return w.h.Write(p)
}

func (w *outWriter) String() string {
	if w.n == len(w.head) {
		return strconv.Quote(string(w.head))
	}
	return fmt.Sprintf("%q... (%d bytes %x)", w.head, w.n, w.h.Sum(nil)[:8])
}

// runJIT compiles src and runs it on one machine without the scheduler
// (no host: receive waits for ever) in the given mode, for at most slices
// calls of Run with budget, then checks the heap as FuzzFrontEnd does. It
// returns the compile error of a program that does not compile.
func runJIT(t *testing.T, src []byte, mode jitMode, budget, slices int) (jitRun, error) {
	prog, err := interp.CompileWith("fuzz.raft", src, readFile)
	if err != nil {
		return jitRun{}, err
	}
	prog.Seed = 1 // random gives every run the same numbers
	var j *jit.JIT
	if mode != noJIT {
		j = jit.New(prog, jit.Options{Always: mode == jitAlways})
		prog.Native = j
		defer j.Close()
	}
	w := &outWriter{h: sha256.New()}
	out := interp.NewOutput(w)
	m := interp.NewMachine(prog, nil, out)
	m.ID = 1
	m.Heap.Limit = 64 << 20
	if err := m.SetArgs(nil); err != nil {
		t.Fatalf("SetArgs: %v", err)
	}
	var r jitRun
	if err := m.StartFunc(prog.Main); err != nil {
		// Only a main function too big for the stack may fail to start.
		m.Release()
		r.ended, r.report = true, "StartFunc: "+err.Error()
		return r, nil
	}
	deadline := time.Now().Add(jitRunTime)
	st := interp.StatusYield
	for i := 0; i < slices && st == interp.StatusYield && time.Now().Before(deadline); i++ {
		st = m.Run(budget)
	}
	r.status, r.ended = st, st != interp.StatusYield
	if m.Failure != nil {
		checkFailure(t, m)
		r.report = m.Failure.Report()
	}
	if r.excluded() == "" {
		r.stack = digest(m.StackText()) // (the stack of a run cut short may be huge)
	}
	endRun(t, m, out, mode.String()+": ")
	r.out = w.String()
	if j != nil {
		for _, f := range j.Stats().Failures {
			if compilerCrash(f) {
				r.failures = append(r.failures, f)
			}
		}
	}
	return r, nil
}

// compilerCrash reports whether the reason a function was not compiled is
// a bug of the compiler. Leaving code it does not handle to the
// interpreter is fine ("jit: f: the loops' states do not settle"); a panic
// it recovered from ("jit: f: runtime error: ...", "jit: f: jit: ...") or
// code the assembler refuses is not.
func compilerCrash(why string) bool {
	return strings.Contains(why, "runtime error") || strings.HasPrefix(why, "jit: assembler") ||
		strings.Count(why, "jit: ") > 1
}

// jitVariant is one way of running a program to compare with the
// interpreter.
type jitVariant struct {
	mode           jitMode
	budget, slices int
}

var (
	// jitVariants are the runs of a generated program.
	jitVariants = []jitVariant{
		{jitAlways, interp.DefaultBudget, jitSlices},
		{jitAlways, jitSmallBudget, jitSmallSlices},
		{jitHot, jitSmallBudget, jitSmallSlices},
	}
	// frontEndVariants are the runs of a FuzzFrontEnd input.
	frontEndVariants = []jitVariant{
		{jitAlways, interp.DefaultBudget, frontEndSlices},
	}
)

// checkJIT runs src in the interpreter (for at most slices calls of Run
// with the default budget) and in each variant and reports every
// disagreement where both ended. A generated program must compile.
func checkJIT(t *testing.T, src []byte, generated bool, slices int, variants []jitVariant) {
	watchdog := time.AfterFunc(hangLimit, func() {
		panic(fmt.Sprintf("hang: input still running after %v:\n%s", hangLimit, src))
	})
	defer watchdog.Stop()
	ref, err := runJIT(t, src, noJIT, interp.DefaultBudget, slices)
	if err != nil {
		if generated {
			t.Fatalf("the generated program does not compile: %v\n%s", err, src)
		}
		return
	}
	for _, v := range variants {
		got, err := runJIT(t, src, v.mode, v.budget, v.slices)
		if err != nil {
			t.Fatalf("compiles once, then not: %v", err)
		}
		what := fmt.Sprintf("%v (budget %d)", v.mode, v.budget)
		if len(got.failures) > 0 {
			t.Errorf("%s: the compiler failed: %q on\n%s", what, got.failures, src)
		}
		if ref.excluded() != "" || got.excluded() != "" || usesClock(src) {
			continue
		}
		if ref.status != got.status || ref.out != got.out || ref.report != got.report || ref.stack != got.stack {
			t.Errorf("%s disagrees with the interpreter on\n%s\ninterpreter: %v\n%s: %v", what, src, ref, what, got)
		}
	}
}

// jitSeeds seed FuzzJITAgrees (the corpus in testdata/fuzz/FuzzJITAgrees
// has more).
var jitSeeds = []string{
	"",
	"\x00",
	"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
	"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0",
	"\x03\x01\x02\x05\x07\x11\x13\x17\x1d\x1f\x25\x29\x2b\x2f\x35\x3b\x3d\x43\x47\x49\x4f",
	"\x04" + strings.Repeat("\x55\xaa\x33\xcc\x0f\xf0", 20),
	strings.Repeat("\x9e\x37\x79\xb9\x7f\x4a\x7c\x15", 40),
	strings.Repeat("\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0\xd0\xe0", 30),
}

func FuzzJITAgrees(f *testing.F) {
	if !jit.Supported {
		f.Skip("the JIT has no back end here")
	}
	for _, s := range jitSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > jitMaxInput {
			return
		}
		checkJIT(t, generate(data), true, jitSlices, jitVariants)
	})
}

// FuzzFrontEndJIT runs FuzzFrontEnd's seeds and corpus (any bytes) with the
// JIT compiling every function first.
func FuzzFrontEndJIT(f *testing.F) {
	if !jit.Supported {
		f.Skip("the JIT has no back end here")
	}
	loadIncludes(f)
	for _, s := range seeds(f) {
		f.Add(s)
	}
	files, _ := filepath.Glob("testdata/fuzz/FuzzFrontEnd/*")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		data, err := parseCorpusFile(b)
		if err != nil {
			f.Fatalf("%s: %v", file, err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxInput {
			return
		}
		checkJIT(t, data, false, frontEndSlices, frontEndVariants)
	})
}

// parseCorpusFile reads a file of a fuzz corpus with one []byte value.
func parseCorpusFile(b []byte) ([]byte, error) {
	lines := strings.SplitN(string(b), "\n", 2)
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, fmt.Errorf("not a fuzz corpus file")
	}
	v := strings.TrimSpace(lines[1])
	for _, p := range []string{"[]byte(", "string("} {
		if strings.HasPrefix(v, p) && strings.HasSuffix(v, ")") {
			s, err := strconv.Unquote(v[len(p) : len(v)-1])
			return []byte(s), err
		}
	}
	return nil, fmt.Errorf("not one []byte value: %.40q", v)
}

// --- The generator ---
//
// gen writes a program from bytes: each decision takes the next byte (0
// once they run out, which ends every block, so the program ends too). It
// keeps a model of the stack, the kind of each value, so that what it
// writes mostly runs: an operation's operands are taken from the stack
// when they are there and pushed as literals when not, and every branch
// and loop body ends with drops and pushes (reconcile) that give the
// stack its shape at the join. Termination is by construction: loops
// count to literals (a begin loop's counter is out of the body's reach),
// recursion counts down a counter from a small literal, and every word
// calls only words defined before it (or itself); an estimate of the
// reductions bounds loops and calls.

type kind uint8

const (
	kInt kind = iota
	kFloat
	kBool
	kStr
	kSym
	kNil
	kArr
	kQuot
	kAny // unknown: only what works on any value takes it
)

// aval is the model of one value.
type aval struct {
	k    kind
	elem kind    // kArr: the kind of every element (kAny: mixed)
	eff  *effect // kQuot: what calling it does
}

// effect is a quotation's stack effect.
type effect struct{ in, out []aval }

var (
	vInt   = aval{k: kInt}
	vFloat = aval{k: kFloat}
	vBool  = aval{k: kBool}
	vStr   = aval{k: kStr}
	vAny   = aval{k: kAny}
)

func arrOf(k kind) aval { return aval{k: kArr, elem: k} }

func same(a, b aval) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case kArr:
		return a.elem == b.elem
	case kQuot:
		return sameEffect(a.eff, b.eff)
	}
	return true
}

func sameEffect(a, b *effect) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || len(a.in) != len(b.in) || len(a.out) != len(b.out) {
		return false
	}
	for i := range a.in {
		if !same(a.in[i], b.in[i]) {
			return false
		}
	}
	for i := range a.out {
		if !same(a.out[i], b.out[i]) {
			return false
		}
	}
	return true
}

// fits reports whether a value modelled as a may stand where t is
// expected. Arrays must agree on their elements exactly: they are shared,
// and a wider view of one would let a push break another's.
func fits(a, t aval) bool { return t.k == kAny || same(a, t) }

// scalar reports whether k is the kind of an immutable, printable value
// an array's elements may be modelled as.
func scalar(k kind) bool { return k <= kNil }

// common is the element kind of an array of vs.
func common(vs []aval, empty kind) kind {
	if len(vs) == 0 {
		return empty
	}
	k := vs[0].k
	for _, v := range vs {
		if v.k != k || !scalar(v.k) {
			return kAny
		}
	}
	return k
}

// astack is the model of the stack.
type astack struct {
	v     []aval
	floor int  // values below are out of reach: a { mark, a loop's counter
	dead  bool // control never gets here (after return or leave)
}

func (s *astack) clone() *astack {
	return &astack{v: append([]aval(nil), s.v...), floor: s.floor}
}
func (s *astack) room() int         { return len(s.v) - s.floor }
func (s *astack) peek(i int) aval   { return s.v[len(s.v)-1-i] }
func (s *astack) push(vs ...aval)   { s.v = append(s.v, vs...) }
func (s *astack) pop(n int)         { s.v = s.v[:len(s.v)-n] }
func (s *astack) snapshot() []aval  { return append([]aval(nil), s.v...) }
func (s *astack) set(i int, v aval) { s.v[len(s.v)-1-i] = v }

// gword is a word of the program.
type gword struct {
	name    string
	in, out []aval
	rec     bool // takes a counter on top: calls itself with counter-1 while it is > 0
	cost    int  // estimated reductions of one call
}

// glocal is a local in scope.
type glocal struct {
	name string
	v    aval
	ro   bool // a loop counter or recursion counter: read only
}

// ctx is where code is being generated.
type ctx struct {
	maxWord  int    // words w0 .. w(maxWord-1) may be called
	self     *gword // the word being defined, where it may call itself
	counter  string // its counter local
	locals   []glocal
	dos      int    // enclosing do loops (i, j)
	leave    []aval // the stack leave must leave the innermost do loop with
	canLeave bool
	ret      []aval // the stack return must return with
	canRet   bool
	retAny   bool // return may return with any stack (main)
	branch   bool // inside an if: return and leave make sense
	loop     bool // inside a loop of the word: no self calls
	mult     int  // estimated runs of this code per run of its word
	depth    int  // nesting of control structures
}

// quotCtx is the context of a quotation's body written in c.
func (c *ctx) quotCtx(mult int) ctx {
	return ctx{maxWord: c.maxWord, mult: mult, depth: c.depth + 1}
}

const (
	genMaxOps     = 320    // operations of a whole program
	genMaxDepth   = 4      // nesting of control structures
	genMainCost   = 120000 // estimated reductions of main
	genWordCost   = 3000   // of one call of a word (before recursion)
	genMaxCounter = 3      // the largest counter a recursive word is called with
)

type gen struct {
	src       []byte
	pos       int
	ops       int
	out       *strings.Builder
	line      int // bytes on the current line
	words     []*gword
	names     int // locals named so far
	cost      int // estimated reductions of the code being written (a word's body, or main)
	maxCost   int
	selfCalls int             // self calls in the word being written
	helpers   map[string]bool // helper words used (helperWords)
}

// generate returns the program written from data.
func generate(data []byte) []byte {
	// The words are written from the first part of the bytes, main from
	// the rest: main has bytes of its own however long the words are.
	h := len(data) * 2 / 5
	g := &gen{src: data[:h], helpers: map[string]bool{}}
	var words, main strings.Builder
	for k, n := 0, g.n(5); k < n; k++ {
		w := &gword{name: fmt.Sprintf("w%d", k), rec: g.chance(1, 3)}
		w.in, w.out = g.sig(3), g.sig(2)
		g.words = append(g.words, w)
	}
	g.out = &words
	for k := range g.words {
		g.word(k)
	}
	g.out, g.line = &main, 0
	g.src, g.pos, g.ops = data[h:], 0, 0
	g.cost, g.maxCost = 0, genMainCost
	c := ctx{maxWord: len(g.words), mult: 1, canRet: true, retAny: true}
	s := &astack{}
	if g.chance(1, 4) {
		g.emit("# main")
		g.newline()
	}
	g.block(&c, s, 40)
	g.newline()
	var b strings.Builder
	for _, name := range helperNames {
		if g.helpers[name] {
			b.WriteString(helperWords[name] + "\n")
		}
	}
	b.WriteString(words.String())
	b.WriteString(main.String())
	return []byte(b.String())
}

// helperWords are words written out when used: deep recursion (returns,
// locals, the data stack), and classics in the idioms the interpreter
// fuses into one instruction (a recursion's base case, a counter under
// the top, a[i] with both in locals, a +loop by the outer index).
var helperWords = map[string]string{
	"deep":    ": deep ( n -- n ) dup 0 > if 1- deep 1+ then ;",
	"deepl":   ": deepl | n | n 0 > if n 1- deepl 1+ else 0 then ;",
	"deeps":   ": deeps ( n -- 0 .. n ) dup 0 > if dup 1- deeps then ;",
	"fib":     ": fib ( n -- f ) dup 2 < if return then dup 1- fib swap 2 - fib + ;",
	"tri":     ": tri ( n -- t ) dup 0 = if return then dup 1- tri + ;",
	"collatz": ": collatz ( n -- steps ) 0 swap begin dup 1 > while dup 2 mod 0= if 2 / else 3 * 1+ then swap 1+ swap repeat drop ;",
	"sumarr":  ": sumarr ( arr -- n ) | a | 0 a len 0 do a i get + loop ;",
	"fill":    ": fill ( n -- arr ) | n | n array | a | n 0 do a i i set loop a ;",
	"sieve":   ": sieve ( n -- count ) | n | n 1+ array | a | 0 n 1+ 2 do a i get not if 1+ i i * n <= if n 1+ i i * do a i true set j +loop then then loop ;",
	// Small words the JIT inlines (jit/inline.go).
	"sq":     ": sq ( x -- y ) dup * ;",
	"second": ": second ( arr -- x ) 1 get ;",
	"mid":    ": mid ( a b -- c ) + 2 / ;",
	"swapm":  ": swapm ( a b -- c ) swap - 3 mod ;",
}

var helperNames = []string{"deep", "deepl", "deeps", "fib", "tri", "collatz", "sumarr", "fill", "sieve", "sq", "second", "mid", "swapm"}

func (g *gen) next() int {
	if g.pos >= len(g.src) {
		return 0
	}
	b := g.src[g.pos]
	g.pos++
	return int(b)
}

// n returns a number in [0, k) (0 once the bytes have run out).
func (g *gen) n(k int) int {
	if k <= 1 {
		return 0
	}
	if k <= 256 {
		return g.next() % k
	}
	return (g.next()<<8 | g.next()) % k
}

// chance is true num times in den (always once the bytes have run out).
func (g *gen) chance(num, den int) bool { return g.n(den) < num }

// loose decides whether an operation may take a value of unknown kind
// (more often in loops, where a failed type guard is compiled again).
func (g *gen) loose(c *ctx) bool {
	if c.loop {
		return g.chance(1, 4)
	}
	return g.chance(1, 12)
}

func (g *gen) done() bool { return g.pos >= len(g.src) || g.ops >= genMaxOps }

func (g *gen) emit(toks ...string) {
	for _, t := range toks {
		if g.line > 0 {
			if g.line+len(t) > 72 {
				g.out.WriteByte('\n')
				g.line = 0
			} else {
				g.out.WriteByte(' ')
				g.line++
			}
		}
		g.out.WriteString(t)
		g.line += len(t)
	}
}

func (g *gen) newline() {
	if g.line > 0 {
		g.out.WriteByte('\n')
		g.line = 0
	}
}

func (g *gen) local() string {
	g.names++
	return fmt.Sprintf("x%d", g.names)
}

// sig returns up to max kinds for a word's inputs or outputs.
func (g *gen) sig(max int) []aval {
	kinds := []aval{vInt, vInt, vInt, vFloat, vStr, vBool, arrOf(kInt), vAny}
	var r []aval
	for i, n := 0, g.n(max+1); i < n; i++ {
		r = append(r, kinds[g.n(len(kinds))])
	}
	return r
}

// word writes the definition of word k.
func (g *gen) word(k int) {
	w := g.words[k]
	g.cost, g.maxCost, g.selfCalls = 0, genWordCost, 0
	g.emit(":", w.name)
	if g.chance(1, 3) {
		g.emit("(", "in", "--", "out", ")")
	}
	c := ctx{maxWord: k, mult: 1, ret: w.out, canRet: true}
	s := &astack{v: append([]aval(nil), w.in...)}
	if w.rec {
		c.counter = g.local()
		c.locals = []glocal{{name: c.counter, v: vInt, ro: true}}
		g.emit("|", c.counter, "|")
	}
	if len(s.v) > 0 && g.chance(1, 2) {
		g.bind(&c, s, 1+g.n(len(s.v)))
	}
	if !w.rec {
		g.blockTo(&c, s, 12, w.out)
	} else {
		guarded := c
		guarded.self = w
		if g.chance(1, 2) {
			g.emit(c.counter, "0", ">", "if")
			guarded.branch, guarded.depth = true, 1
			g.blockTo(&guarded, s.clone(), 8, w.out)
			g.emit("else")
			base := c
			base.branch, base.depth = true, 1
			g.blockTo(&base, s.clone(), 6, w.out)
			g.emit("then")
		} else {
			g.emit(c.counter, "0=", "if")
			base := c
			base.branch, base.depth = true, 1
			g.blockTo(&base, s.clone(), 6, w.out)
			g.emit("return", "then")
			g.blockTo(&guarded, s, 8, w.out)
		}
	}
	g.emit(";")
	g.newline()
	// Each of s self calls runs the body again, down to the counter 0.
	f := 1
	for i, p := 0, 1; i < genMaxCounter; i++ {
		p *= g.selfCalls
		f += p
	}
	w.cost = max(g.cost, 1) * f
}

// blockTo writes a block of at most max operations on s and, unless it
// ends dead, makes the stack what out says (a word's body ends with its
// effect).
func (g *gen) blockTo(c *ctx, s *astack, max int, out []aval) {
	g.block(c, s, max)
	if !s.dead {
		g.reconcile(c, s, out)
	}
}

// bind pops the top n values into new locals.
func (g *gen) bind(c *ctx, s *astack, n int) {
	g.emit("|")
	ls := append([]glocal(nil), c.locals...)
	for i := 0; i < n; i++ {
		name := g.local()
		g.emit(name)
		ls = append(ls, glocal{name: name, v: s.v[len(s.v)-n+i]})
	}
	g.emit("|")
	s.pop(n)
	c.locals = ls
}

// block writes up to max operations in c.
func (g *gen) block(c *ctx, s *astack, max int) {
	for i := 0; i < max && !s.dead && !g.done(); i++ {
		if i > 0 && g.n(7) == 0 {
			return
		}
		g.ops++
		g.cost += c.mult
		g.op(c, s)
		if c.depth == 0 && g.line > 40 {
			g.newline()
		}
	}
}

// reconcile drops and pushes values until the stack is modelled by
// target (values that already fit stay).
func (g *gen) reconcile(c *ctx, s *astack, target []aval) {
	k := 0
	for k < len(s.v) && k < len(target) && fits(s.v[k], target[k]) {
		k++
	}
	for d := len(s.v) - k; d > 0; {
		if d >= 2 && g.chance(1, 3) {
			g.emit("2drop")
			d -= 2
		} else {
			g.emit("drop")
			d--
		}
	}
	s.v = s.v[:k]
	for _, t := range target[k:] {
		g.lit(c, s, t)
	}
	s.v = append(s.v[:0], target...)
}

// need makes the top of the stack fit req (req[len-1] on top), keeping
// what fits and pushing literals for the rest. loose lets a value of
// unknown kind stand for a scalar (a type error when it is not one).
func (g *gen) need(c *ctx, s *astack, loose bool, req ...aval) {
	t := min(len(req), s.room())
	for ; t > 0; t-- {
		ok := true
		for i := 0; i < t; i++ {
			v := s.v[len(s.v)-t+i]
			if !fits(v, req[i]) && !(loose && v.k == kAny && scalar(req[i].k)) {
				ok = false
				break
			}
		}
		if ok {
			break
		}
	}
	for _, r := range req[t:] {
		g.lit(c, s, r)
	}
	for i, r := range req {
		if r.k != kAny {
			s.v[len(s.v)-len(req)+i] = r
		}
	}
}

var (
	intLits = []string{"0", "-1", "1", "2", "63", "64", "-9223372036854775808", "9223372036854775807",
		"3", "5", "7", "10", "-7", "100", "255", "0x1F", "0b1010", "1_000", "4611686018427387904", "-2",
		"-9223372036854775807", "9223372036854775806", "65", "-64", "1000000007", "9007199254740993",
		"9007199254740992", "-4611686018427387904"}
	floatLits = []string{"0.0", "-0.0", "1e308", "1.5", "-2.5e3", "0.1", "3.14", "1e-7", "2.0", "-1.5",
		"1e21", "1.0e-3", "1E+3", "0.5", "-1e308", "4.5", "9223372036854775807.0", "1e-310",
		"0.0 0.0 /", "1e308 10.0 *", "-1e308 10.0 *", "9007199254740992.0", "-9223372036854775808.0"}
	strLits = []string{`""`, `"a"`, `"hello"`, `"x\ty"`, `"\x41\n"`, `"é"`, `"\""`, `"ab"`, `"12"`, `"\\"`}
	symLits = []string{":a", ":ok", ":b", ":worker-1"}
)

func (g *gen) intLit() string {
	if g.chance(1, 2) {
		return strconv.Itoa(g.n(10))
	}
	return intLits[g.n(len(intLits))]
}

// scalarLit returns a literal of kind k (kAny: of any scalar kind) and its
// kind.
func (g *gen) scalarLit(k kind) (string, kind) {
	if k == kAny {
		k = []kind{kInt, kInt, kFloat, kBool, kStr, kSym, kNil}[g.n(7)]
	}
	switch k {
	case kFloat:
		return floatLits[g.n(len(floatLits))], k
	case kBool:
		return []string{"true", "false"}[g.n(2)], k
	case kStr:
		return strLits[g.n(len(strLits))], k
	case kSym:
		return symLits[g.n(len(symLits))], k
	case kNil:
		return "nil", k
	}
	return g.intLit(), kInt
}

// lit pushes a literal of type t.
func (g *gen) lit(c *ctx, s *astack, t aval) {
	switch t.k {
	case kArr:
		g.arrLit(t.elem)
	case kQuot:
		g.quotLit(c, t.eff)
	default:
		var l string
		l, t.k = g.scalarLit(t.k)
		g.emit(l)
	}
	s.push(t)
}

// arrLit writes an array literal with elements of kind elem.
func (g *gen) arrLit(elem kind) {
	if elem == kAny && g.chance(1, 4) {
		g.emit(strconv.Itoa(g.n(4)), "array")
		return
	}
	g.emit("{")
	for i, n := 0, g.n(4); i < n; i++ {
		l, _ := g.scalarLit(elem)
		g.emit(l)
	}
	g.emit("}")
}

// quotLit writes a quotation with effect e.
func (g *gen) quotLit(c *ctx, e *effect) {
	g.emit("[")
	b := &astack{v: append([]aval(nil), e.in...)}
	if c.depth < genMaxDepth && g.chance(1, 2) {
		cq := c.quotCtx(c.mult)
		g.block(&cq, b, 4)
		g.reconcile(&cq, b, e.out)
	} else {
		g.reconcile(c, b, e.out)
	}
	g.emit("]")
}

// op writes one operation.
func (g *gen) op(c *ctx, s *astack) {
	if s.room() > 8 && g.chance(1, 2) {
		if g.chance(1, 2) {
			g.emit("2drop")
			s.pop(2)
		} else {
			g.emit("nip")
			s.set(1, s.peek(0))
			s.pop(1)
		}
		return
	}
	r := g.n(genOpsTotal)
	for _, o := range genOps {
		if r < o.w {
			if !o.f(g, c, s) {
				g.lit(c, s, vAny)
			}
			return
		}
		r -= o.w
	}
}

type genOp struct {
	w int
	f func(g *gen, c *ctx, s *astack) bool
}

// genOps are the operations and their weights (set in init: they refer
// to op, which refers to them).
var genOps []genOp

var genOpsTotal int

func init() {
	genOps = []genOp{
		{14, (*gen).opLit},
		{10, (*gen).opIntArith},
		{4, (*gen).opDivMod},
		{6, (*gen).opIntUnary},
		{6, (*gen).opBits},
		{7, (*gen).opFloat},
		{9, (*gen).opCompare},
		{3, (*gen).opBool},
		{14, (*gen).opShuffle},
		{3, (*gen).opPick},
		{10, (*gen).opIf},
		{6, (*gen).opDo},
		{3, (*gen).opPlusLoop},
		{4, (*gen).opBegin},
		{5, (*gen).opIJ},
		{9, (*gen).opLocal},
		{9, (*gen).opQuot},
		{2, (*gen).opCurry},
		{5, (*gen).opBrace},
		{12, (*gen).opArray},
		{5, (*gen).opString},
		{5, (*gen).opOutput},
		{9, (*gen).opCall},
		{7, (*gen).opSelf},
		{5, (*gen).opExit},
		{3, (*gen).opError},
		{1, (*gen).opDeep},
		{3, (*gen).opConvert},
		{8, (*gen).opIdiom},
		{3, (*gen).opClassic},
		{4, (*gen).opPoly},
		{3, (*gen).opMap},
		{3, (*gen).opInline},
	}
	for _, o := range genOps {
		genOpsTotal += o.w
	}
}

func (g *gen) opLit(c *ctx, s *astack) bool {
	switch g.n(8) {
	case 0:
		g.lit(c, s, arrOf([]kind{kInt, kInt, kStr, kFloat, kAny}[g.n(5)]))
	case 1:
		g.lit(c, s, vFloat)
	default:
		g.lit(c, s, vAny)
	}
	return true
}

func (g *gen) opIntArith(c *ctx, s *astack) bool {
	g.need(c, s, g.loose(c), vInt, vInt)
	g.emit([]string{"+", "-", "*", "min", "max", "+", "-", "*"}[g.n(8)])
	s.pop(1)
	return true
}

func (g *gen) opDivMod(c *ctx, s *astack) bool {
	if g.chance(3, 4) {
		g.need(c, s, g.loose(c), vInt)
		g.emit([]string{"1", "2", "3", "7", "-1", "-3", "9223372036854775807", "-9223372036854775808", "64"}[g.n(9)])
		s.push(vInt)
	} else {
		g.need(c, s, false, vInt, vInt)
	}
	g.emit([]string{"/", "mod"}[g.n(2)])
	s.pop(1)
	return true
}

func (g *gen) opIntUnary(c *ctx, s *astack) bool {
	if g.chance(1, 5) {
		g.need(c, s, false, vFloat)
		g.emit([]string{"neg", "abs", "1+", "1-"}[g.n(4)])
		return true
	}
	g.need(c, s, g.loose(c), vInt)
	g.emit([]string{"neg", "abs", "1+", "1-", "invert"}[g.n(5)])
	return true
}

func (g *gen) opBits(c *ctx, s *astack) bool {
	switch g.n(4) {
	case 0:
		g.need(c, s, false, vInt)
		g.emit([]string{"0", "1", "3", "31", "63", "64", "65", "-1", "100", "-64"}[g.n(10)])
		s.push(vInt)
		g.emit([]string{"lshift", "rshift"}[g.n(2)])
	case 1:
		g.need(c, s, g.loose(c), vInt, vInt)
		g.emit([]string{"lshift", "rshift"}[g.n(2)])
	case 2:
		g.need(c, s, g.loose(c), vInt, vInt)
		g.emit([]string{"and", "or", "xor"}[g.n(3)])
	default:
		g.need(c, s, false, vInt)
		g.emit("invert")
		return true
	}
	s.pop(1)
	return true
}

func (g *gen) opFloat(c *ctx, s *astack) bool {
	switch g.n(4) {
	case 0, 1:
		g.need(c, s, g.loose(c), vFloat, vFloat)
		g.emit([]string{"+", "-", "*", "/", "min", "max"}[g.n(6)])
	case 2:
		g.need(c, s, false, vInt, vFloat)
		g.emit([]string{"+", "-", "*", "/"}[g.n(4)])
	default:
		g.need(c, s, false, vFloat, vInt)
		g.emit([]string{"+", "-", "*", "/"}[g.n(4)])
	}
	s.pop(2)
	s.push(vFloat)
	return true
}

func (g *gen) opCompare(c *ctx, s *astack) bool {
	ops := []string{"<", ">", "<=", ">=", "=", "<>"}
	switch g.n(7) {
	case 0, 1:
		g.need(c, s, g.loose(c), vInt, vInt)
	case 2:
		g.need(c, s, false, vFloat, vFloat)
	case 3:
		g.need(c, s, false, []aval{vInt, vFloat}[g.n(2)], []aval{vInt, vFloat}[g.n(2)])
	case 4:
		g.need(c, s, false, vStr, vStr)
	case 5:
		g.need(c, s, false, vAny, vAny)
		ops = ops[4:]
	default:
		g.need(c, s, g.loose(c), []aval{vInt, vInt, vFloat}[g.n(3)])
		g.emit([]string{"0=", "0<"}[g.n(2)])
		s.pop(1)
		s.push(vBool)
		return true
	}
	g.emit(ops[g.n(len(ops))])
	s.pop(2)
	s.push(vBool)
	return true
}

func (g *gen) opBool(c *ctx, s *astack) bool {
	if g.chance(1, 3) {
		g.need(c, s, false, vAny)
		g.emit("not")
		s.pop(1)
	} else {
		g.need(c, s, false, vBool, vBool)
		g.emit([]string{"and", "or", "xor"}[g.n(3)])
		s.pop(2)
	}
	s.push(vBool)
	return true
}

// shuffles are the stack words: name, values taken, and the result as
// indexes into them (0 deepest).
var shuffles = []struct {
	name string
	in   int
	out  []int
}{
	{"dup", 1, []int{0, 0}},
	{"drop", 1, nil},
	{"swap", 2, []int{1, 0}},
	{"over", 2, []int{0, 1, 0}},
	{"rot", 3, []int{1, 2, 0}},
	{"-rot", 3, []int{2, 0, 1}},
	{"nip", 2, []int{1}},
	{"tuck", 2, []int{1, 0, 1}},
	{"2dup", 2, []int{0, 1, 0, 1}},
	{"2drop", 2, nil},
	{"2swap", 4, []int{2, 3, 0, 1}},
}

func (g *gen) opShuffle(c *ctx, s *astack) bool {
	sh := shuffles[g.n(len(shuffles))]
	for s.room() < sh.in {
		g.lit(c, s, vAny)
	}
	in := append([]aval(nil), s.v[len(s.v)-sh.in:]...)
	s.pop(sh.in)
	for _, i := range sh.out {
		s.push(in[i])
	}
	g.emit(sh.name)
	return true
}

func (g *gen) opPick(c *ctx, s *astack) bool {
	if s.room() == 0 || g.chance(1, 4) {
		g.emit("depth")
		s.push(vInt)
		return true
	}
	if g.chance(1, 5) {
		g.emit("depth", "1-", "pick") // the bottom of the stack
		s.push(vAny)
		return true
	}
	k := g.n(min(s.room(), 5))
	g.emit(strconv.Itoa(k), "pick")
	s.push(s.peek(k))
	return true
}

// cond pushes a condition for if.
func (g *gen) cond(c *ctx, s *astack) {
	switch g.n(7) {
	case 0:
		g.need(c, s, false, vAny)
		return
	case 1:
		g.need(c, s, false, vInt)
		g.emit("dup", strconv.Itoa(g.n(6)), []string{"<", ">", "=", ">="}[g.n(4)])
	case 2:
		if c.dos == 0 {
			g.emit([]string{"true", "false"}[g.n(2)])
			break
		}
		g.emit("i", strconv.Itoa(1+g.n(3)), "mod", "0=")
	case 3:
		var ints []string
		for _, l := range c.locals {
			if l.v.k == kInt {
				ints = append(ints, l.name)
			}
		}
		if len(ints) == 0 {
			g.emit("depth", "2", "<")
			break
		}
		g.emit(ints[g.n(len(ints))], strconv.Itoa(g.n(4)), []string{"<", ">", "="}[g.n(3)])
	case 4:
		if g.localsGet(c, s) {
			s.pop(1)
			if g.chance(1, 2) {
				g.emit("not")
			}
			break
		}
		g.emit([]string{"true", "false", "nil", "0"}[g.n(4)])
	default:
		g.need(c, s, false, vInt)
		g.emit("dup", []string{"0=", "0<", "1 and 0="}[g.n(3)])
	}
	s.push(vBool)
}

func (g *gen) opIf(c *ctx, s *astack) bool {
	if c.depth >= genMaxDepth {
		return false
	}
	g.cond(c, s)
	s.pop(1)
	g.emit("if")
	cc := *c
	cc.depth++
	cc.branch = true
	a := s.clone()
	g.block(&cc, a, 6)
	if !g.chance(1, 2) {
		if !a.dead {
			g.reconcile(&cc, a, s.v)
		}
		g.emit("then")
		return true
	}
	g.emit("else")
	b := s.clone()
	g.block(&cc, b, 6)
	switch {
	case a.dead && b.dead:
		s.dead = true
	case a.dead:
		s.v = b.v
	case b.dead:
		s.v = a.v
	case g.chance(1, 2):
		// Where the branches leave different kinds, the join has a value
		// of either kind (what type guards and deoptimization are for).
		t := append([]aval(nil), a.v...)
		for i := b.floor; i < len(t) && i < len(b.v); i++ {
			if !fits(b.v[i], t[i]) {
				t[i] = vAny
			}
		}
		g.reconcile(&cc, b, t)
		s.v = b.v
	default:
		g.reconcile(&cc, b, a.v)
		s.v = b.v
	}
	g.emit("then")
	return true
}

// loopCtx is the context of a loop's body that runs trips times.
func (g *gen) loopCtx(c *ctx, trips int) (ctx, bool) {
	cc := *c
	cc.depth++
	cc.loop = true
	cc.mult *= max(trips, 1)
	return cc, c.depth < genMaxDepth && g.cost+cc.mult*4 <= g.maxCost
}

func (g *gen) opDo(c *ctx, s *astack) bool {
	start, trips := g.n(7)-2, g.n(6)
	switch {
	case c.mult == 1 && g.chance(1, 6):
		trips = 200 + g.n(2000) // hot: compiled while it runs (jitHot)
	case c.mult <= 10 && g.chance(1, 5):
		trips = 10 + g.n(40)
	}
	limit := strconv.Itoa(start + trips)
	first := strconv.Itoa(start)
	switch g.n(12) {
	case 0:
		first, limit, trips = "9223372036854775805", "9223372036854775807", 2
	case 1:
		first, limit, trips = "-9223372036854775808", "-9223372036854775806", 2
	}
	cc, ok := g.loopCtx(c, trips)
	if !ok {
		return false
	}
	g.emit(limit, first, "do")
	cc.dos++
	cc.leave, cc.canLeave = s.snapshot(), true
	b := s.clone()
	g.block(&cc, b, 6)
	if !b.dead {
		g.reconcile(&cc, b, s.v)
		if s.room() > 0 && s.peek(0).k == kInt && g.chance(1, 3) {
			g.emit("i", "+") // one instruction in the interpreter
		}
	}
	g.emit("loop")
	return true
}

// edgeLoops are loops at the edges of the int range, from FuzzFrontEnd's
// nasty inputs.
var edgeLoops = []string{
	"9223372036854775807 9223372036854775806 do i . loop",
	"-9223372036854775808 9223372036854775807 do i . -9223372036854775807 +loop",
	"9223372036854775807 0 do i . 4611686018427387904 +loop",
	"0 10 do i . -3 +loop",
	"0 10 do i . 1 +loop",
	"10 0 do i . 0 +loop",
	"-9223372036854775807 -9223372036854775808 do i . loop",
	"3 3 do i . 1 +loop",
	"3 3 do i . loop",
	"1 3 do i . loop",
}

func (g *gen) opPlusLoop(c *ctx, s *astack) bool {
	if g.chance(1, 8) {
		g.emit(edgeLoops[g.n(len(edgeLoops))])
		return true
	}
	steps := []string{"1", "2", "3", "-1", "-2", "i 1 and 1+", "i 1 and 1+ neg"}
	k := g.n(len(steps))
	step := steps[k]
	start, span := g.n(7)-2, g.n(8)
	limit := start + span
	if k == 3 || k == 4 || k == 6 {
		limit = start - span
	}
	if g.chance(1, 8) {
		limit = start - (limit - start) // the wrong way: one pass
	}
	cc, ok := g.loopCtx(c, span+1)
	if !ok {
		return false
	}
	g.emit(strconv.Itoa(limit), strconv.Itoa(start), "do")
	cc.dos++
	cc.leave, cc.canLeave = s.snapshot(), true
	g.blockTo(&cc, s.clone(), 5, s.v)
	g.emit(step, "+loop")
	return true
}

func (g *gen) opBegin(c *ctx, s *astack) bool {
	n := 1 + g.n(4)
	if c.mult <= 10 && g.chance(1, 5) {
		n = 5 + g.n(30)
	}
	cc, ok := g.loopCtx(c, n)
	if !ok {
		return false
	}
	entry := s.snapshot()
	switch g.n(3) {
	case 0: // the counter on the stack, out of reach
		g.emit(strconv.Itoa(n), "begin")
		b := s.clone()
		b.push(vInt)
		b.floor = len(b.v)
		g.blockTo(&cc, b, 6, append(entry, vInt))
		g.emit("1-", "dup", []string{"0=", "0 <="}[g.n(2)], "until", "drop")
	case 1:
		g.emit(strconv.Itoa(n), "begin")
		b := s.clone()
		b.push(vInt)
		b.floor = len(b.v)
		if g.chance(1, 2) {
			g.blockTo(&cc, b, 3, append(entry, vInt))
		}
		if b.dead {
			// A leave or return before while: the rest is never reached.
			b = s.clone()
			b.push(vInt)
			b.floor = len(b.v)
		}
		g.emit("dup", "0", ">", "while")
		g.block(&cc, b, 6)
		if !b.dead {
			g.reconcile(&cc, b, append(entry, vInt))
		}
		g.emit("1-", "repeat", "drop")
	default: // the counter in a local
		name := g.local()
		g.emit(strconv.Itoa(n), "|", name, "|", "begin")
		cc.locals = append(append([]glocal(nil), c.locals...), glocal{name: name, v: vInt, ro: true})
		b := s.clone()
		g.block(&cc, b, 6)
		if !b.dead {
			g.reconcile(&cc, b, entry)
		}
		g.emit(name, "1-", "to", name, name, "0=", "until")
	}
	return true
}

func (g *gen) opIJ(c *ctx, s *astack) bool {
	if c.dos == 0 {
		return false
	}
	if c.dos >= 2 && g.chance(1, 3) {
		g.emit("j")
	} else {
		g.emit("i")
	}
	s.push(vInt)
	return true
}

func (g *gen) opLocal(c *ctx, s *astack) bool {
	switch g.n(5) {
	case 0, 1:
		if len(c.locals) == 0 {
			return false
		}
		l := c.locals[g.n(len(c.locals))]
		g.emit(l.name)
		s.push(l.v)
	case 2:
		var rw []glocal
		for _, l := range c.locals {
			if !l.ro {
				rw = append(rw, l)
			}
		}
		if len(rw) == 0 {
			return false
		}
		l := rw[g.n(len(rw))]
		g.need(c, s, false, l.v)
		g.emit("to", l.name)
		s.pop(1)
	default:
		if s.room() == 0 {
			return false
		}
		g.bind(c, s, 1+g.n(min(s.room(), 3)))
	}
	return true
}

func (g *gen) opQuot(c *ctx, s *astack) bool {
	if c.depth >= genMaxDepth {
		return false
	}
	mapped := []aval{vInt, vInt, vFloat, vStr, vBool, vAny}
	switch g.n(8) {
	case 0: // [ ... ] call: the body sees the stack
		cq := c.quotCtx(c.mult)
		g.emit("[")
		b := s.clone()
		g.block(&cq, b, 5)
		g.emit("]", "call")
		s.v = b.v
	case 1: // a quotation value called
		if s.room() == 0 || s.peek(0).k != kQuot {
			return false
		}
		e := s.peek(0).eff
		if s.room() < len(e.in)+1 {
			return false
		}
		for i, t := range e.in {
			if !fits(s.v[len(s.v)-1-len(e.in)+i], t) {
				return false
			}
		}
		g.emit("call")
		s.pop(1 + len(e.in))
		s.push(e.out...)
	case 2: // times
		n := g.n(4)
		if c.mult <= 10 && g.chance(1, 4) {
			n = 10 + g.n(30)
		}
		cq := c.quotCtx(c.mult * max(n, 1))
		if g.cost+cq.mult*4 > g.maxCost {
			return false
		}
		cq.ret, cq.canRet = s.snapshot(), true
		g.emit(strconv.Itoa(n), "[")
		b := s.clone()
		g.block(&cq, b, 5)
		if !b.dead {
			g.reconcile(&cq, b, s.v)
		}
		g.emit("]", "times")
	default: // each, map, filter, fold
		if s.room() == 0 || s.peek(0).k != kArr {
			g.lit(c, s, arrOf([]kind{kInt, kInt, kFloat, kStr, kAny}[g.n(5)]))
		}
		arr := s.peek(0)
		s.pop(1)
		cq := c.quotCtx(c.mult * 4)
		if g.cost+cq.mult*4 > g.maxCost {
			cq.mult = c.mult
		}
		var target []aval
		var result *aval
		word := []string{"each", "map", "filter", "fold"}[g.n(4)]
		switch word {
		case "each":
			target = s.snapshot()
		case "map":
			y := mapped[g.n(len(mapped))]
			target = append(s.snapshot(), y)
			r := arrOf(kAny)
			if scalar(y.k) {
				r = arrOf(y.k)
			}
			result = &r
		case "filter":
			target = append(s.snapshot(), vAny)
			result = &arr
		case "fold":
			// arr init q: the init goes above the array.
			acc := mapped[g.n(len(mapped)-1)]
			g.lit(c, s, acc)
			s.pop(1)
			target = append(s.snapshot(), acc)
			result = &acc
		}
		cq.ret, cq.canRet = target, true
		g.emit("[")
		b := s.clone()
		if word == "fold" {
			b.push(target[len(target)-1])
		}
		e := arr.elem
		if e == kArr || e == kQuot {
			e = kAny
		}
		b.push(aval{k: e})
		g.block(&cq, b, 5)
		if !b.dead {
			g.reconcile(&cq, b, target)
		}
		g.emit("]", word)
		if result != nil {
			s.push(*result)
		}
	}
	return true
}

func (g *gen) opCurry(c *ctx, s *astack) bool {
	if g.chance(1, 3) && c.maxWord > 0 {
		w := g.words[g.n(c.maxWord)]
		if w.rec || w.cost > 200 {
			return false
		}
		g.emit("'", w.name)
		s.push(aval{k: kQuot, eff: &effect{in: w.in, out: w.out}})
		return true
	}
	if s.room() >= 2 && s.peek(0).k == kQuot {
		e, x := s.peek(0).eff, s.peek(1)
		var ne *effect
		switch {
		case len(e.in) == 0:
			ne = &effect{out: append([]aval{x}, e.out...)}
		case fits(x, e.in[len(e.in)-1]):
			ne = &effect{in: e.in[:len(e.in)-1], out: e.out}
		default:
			return false
		}
		g.emit("curry")
		s.pop(2)
		s.push(aval{k: kQuot, eff: ne})
		return true
	}
	// A new quotation: it takes up to two values and leaves up to two.
	e := &effect{in: g.sig(2), out: g.sig(2)}
	g.lit(c, s, aval{k: kQuot, eff: e})
	return true
}

func (g *gen) opBrace(c *ctx, s *astack) bool {
	if c.depth >= genMaxDepth {
		return false
	}
	g.emit("{")
	cc := *c
	cc.depth++
	cc.canLeave, cc.canRet, cc.retAny = false, false, false
	b := s.clone()
	b.floor = len(b.v)
	g.block(&cc, b, 6)
	g.emit("}")
	s.push(arrOf(common(b.v[b.floor:], kAny)))
	return true
}

// needArr makes an array the top of the stack.
func (g *gen) needArr(c *ctx, s *astack) aval {
	if s.room() == 0 || s.peek(0).k != kArr {
		g.lit(c, s, arrOf([]kind{kInt, kInt, kStr, kFloat, kAny}[g.n(5)]))
	}
	return s.peek(0)
}

// index writes an index into the array on top of the stack.
func (g *gen) index(c *ctx) {
	switch g.n(6) {
	case 0:
		g.emit("dup", "len", "1-")
	case 1:
		if c.dos > 0 {
			g.emit("i")
			break
		}
		g.emit("0")
	case 2:
		g.emit([]string{"1", "2", "-1", "3"}[g.n(4)])
	default:
		g.emit("0")
	}
}

func (g *gen) opArray(c *ctx, s *astack) bool {
	switch g.n(12) {
	case 0, 1: // get
		a := g.needArr(c, s)
		if g.chance(1, 2) {
			g.emit("dup")
			s.push(a)
		}
		g.index(c)
		g.emit("get")
		s.pop(1)
		s.push(aval{k: a.elem})
	case 2: // set
		a := g.needArr(c, s)
		if g.chance(2, 3) {
			g.emit("dup")
			s.push(a)
		}
		g.index(c)
		l, _ := g.scalarLit(a.elem)
		g.emit(l, "set")
		s.pop(1)
	case 3, 4: // push
		if s.room() >= 2 && s.peek(1).k == kArr && fits(s.peek(0), aval{k: s.peek(1).elem}) {
			g.emit("push")
			s.pop(2)
			return true
		}
		a := g.needArr(c, s)
		if g.chance(2, 3) {
			g.emit("dup")
			s.push(a)
		}
		l, _ := g.scalarLit(a.elem)
		g.emit(l, "push")
		s.pop(1)
	case 5: // pop
		a := g.needArr(c, s)
		if g.chance(1, 2) {
			g.emit("dup")
			s.push(a)
		}
		g.emit("pop")
		s.pop(1)
		s.push(aval{k: a.elem})
	case 6: // len
		if s.room() > 0 && (s.peek(0).k == kArr || s.peek(0).k == kStr) {
			g.emit("len")
			s.pop(1)
			s.push(vInt)
			return true
		}
		g.needArr(c, s)
		g.emit("len")
		s.pop(1)
		s.push(vInt)
	case 7: // unpack pack
		g.needArr(c, s)
		g.emit("unpack", "pack")
	case 8: // unpack of a literal: its length is known
		elem := []kind{kInt, kStr, kAny}[g.n(3)]
		n := g.n(4)
		g.emit("{")
		for i := 0; i < n; i++ {
			l, k := g.scalarLit(elem)
			g.emit(l)
			s.push(aval{k: k})
		}
		g.emit("}", "unpack")
		s.push(vInt)
	case 9: // pack
		n := g.n(min(s.room(), 4) + 1)
		g.emit(strconv.Itoa(n), "pack")
		vs := s.v[len(s.v)-n:]
		k := common(vs, kAny)
		s.pop(n)
		s.push(arrOf(k))
	case 10: // n array
		g.emit(strconv.Itoa(g.n(5)), "array")
		s.push(arrOf(kAny))
	default: // an array in an array
		if s.room() == 0 || s.peek(0).k != kArr || s.peek(0).elem != kAny {
			g.lit(c, s, arrOf(kAny))
		}
		if g.chance(1, 4) {
			g.emit("dup", "dup", "push") // a cycle
		} else {
			g.emit("dup", "{", "1", "}", "push")
		}
	}
	return true
}

func (g *gen) opString(c *ctx, s *astack) bool {
	switch g.n(4) {
	case 0:
		g.need(c, s, false, vStr, vStr)
		g.emit("+")
		s.pop(1)
	case 1:
		// dup + doubles a string: only where it runs once.
		if c.mult == 1 && g.chance(1, 3) {
			g.need(c, s, false, vStr)
			g.emit("dup", "+")
			return true
		}
		g.need(c, s, false, vStr)
		l, _ := g.scalarLit(kStr)
		g.emit(l, "+")
	case 2:
		g.need(c, s, false, vAny)
		g.emit("str")
		s.pop(1)
		s.push(vStr)
	default:
		g.need(c, s, false, vStr)
		g.emit("len")
		s.pop(1)
		s.push(vInt)
	}
	return true
}

func (g *gen) opOutput(c *ctx, s *astack) bool {
	switch g.n(6) {
	case 0, 1:
		g.need(c, s, false, vAny)
		g.emit(".")
		s.pop(1)
	case 2:
		g.need(c, s, false, vAny)
		g.emit("print")
		s.pop(1)
	case 3:
		g.emit(".s")
	case 4:
		g.emit("cr")
	default:
		g.emit([]string{"65", "10", "955", "0x1F600", "32"}[g.n(5)], "emit")
	}
	return true
}

func (g *gen) opCall(c *ctx, s *astack) bool {
	if c.maxWord == 0 {
		return false
	}
	w := g.words[g.n(c.maxWord)]
	if g.cost+c.mult*w.cost > g.maxCost {
		return false
	}
	g.cost += c.mult * w.cost
	g.need(c, s, g.loose(c), w.in...)
	if w.rec {
		g.emit(strconv.Itoa(g.n(genMaxCounter + 1)))
	}
	g.emit(w.name)
	s.pop(len(w.in))
	s.push(w.out...)
	return true
}

func (g *gen) opSelf(c *ctx, s *astack) bool {
	w := c.self
	if w == nil || c.loop || g.selfCalls >= 2 {
		return g.opCall(c, s)
	}
	g.selfCalls++
	g.need(c, s, false, w.in...)
	g.emit(c.counter, "1-", w.name)
	s.pop(len(w.in))
	s.push(w.out...)
	return true
}

func (g *gen) opExit(c *ctx, s *astack) bool {
	if !c.branch {
		return false
	}
	switch {
	case c.canLeave && g.chance(1, 2):
		g.reconcile(c, s, c.leave)
		g.emit("leave")
	case c.canRet && c.retAny:
		g.emit("return")
	case c.canRet:
		g.reconcile(c, s, c.ret)
		g.emit("return")
	default:
		return false
	}
	s.dead = true
	return true
}

// errorSnippets always fail (or end the program) where they run.
var errorSnippets = []string{
	`1 "a" -`, `"x" 1+`, `nil 1 +`, `:a 1 <`, `{ } 1 +`, `1.5 2 lshift`, `1 2.5 and`, `true 1 xor`,
	`"a" neg`, `7 0 /`, `7 0 mod`, `-9223372036854775808 0 mod`, `{ } 0 get`, `{ 1 2 } 5 get`,
	`{ 1 } -1 get`, `{ } pop`, `3 array 3 nil set`, `"abc" 5 get`, `-1 array`, `5 0 do 0 +loop`,
	`depth 1+ 0 do drop loop`, `9223372036854775807 pick`, `-1 pick`, `:boom error`,
	`{ :a 1 } error`, `"bad" error`, `:bye exit`, `:normal exit`, `nil call`, `1 [ 1 0 / ] times`,
	`{ 1 2 } [ "a" + ] map`, `1.0 0.0 / int`, `1e308 int`, `-1 pack`, `1 2 3 10 pick`,
	`{ 1 } [ drop drop drop ] each`, `1 1.5 mod`, `"a" 1 <`,
}

func (g *gen) opError(c *ctx, s *astack) bool {
	g.emit(errorSnippets[g.n(len(errorSnippets))])
	return true
}

func (g *gen) opDeep(c *ctx, s *astack) bool {
	if c.mult != 1 || g.cost > g.maxCost/2 {
		return false
	}
	ns := []string{"1000", "20000", "100000", "200000"}
	n := ns[g.n(4)]
	switch g.n(5) {
	case 0:
		n = ns[g.n(3)]
		g.emit("{", n, "0", "do", "i", "loop", "}")
		s.push(arrOf(kInt))
	case 1:
		n = ns[g.n(3)]
		g.emit(n, "0", "do", "i", "loop", n, "pack")
		s.push(arrOf(kInt))
	case 2:
		g.helpers["deep"] = true
		g.emit(n, "deep")
		s.push(vInt)
	case 3:
		g.helpers["deepl"] = true
		g.emit(n, "deepl")
		s.push(vInt)
	default:
		g.helpers["deeps"] = true
		g.emit("{", n, "deeps", "}")
		s.push(arrOf(kInt))
	}
	return true
}

func (g *gen) opConvert(c *ctx, s *astack) bool {
	switch g.n(5) {
	case 0:
		g.need(c, s, false, vInt)
		g.emit("float")
		s.pop(1)
		s.push(vFloat)
	case 1:
		g.need(c, s, false, vFloat)
		g.emit([]string{"int", "floor", "round", "ceil"}[g.n(4)])
		s.pop(1)
		s.push(vInt)
	case 2:
		g.need(c, s, false, []aval{vInt, vFloat}[g.n(2)])
		g.emit("sqrt")
		s.pop(1)
		s.push(vFloat)
	case 3:
		g.need(c, s, false, vFloat)
		g.emit(strconv.Itoa(g.n(4)), "fixed")
		s.pop(1)
		s.push(vStr)
	default:
		g.need(c, s, false, vInt, vInt)
		g.emit("**")
		s.pop(2)
		s.push(vAny) // an int, or a float for a negative exponent
	}
	return true
}

// localsGet pushes a[i] with a an array local and i the loop index or an
// int local, if there are such locals.
func (g *gen) localsGet(c *ctx, s *astack) bool {
	var arrs, ints []glocal
	for _, l := range c.locals {
		switch l.v.k {
		case kArr:
			arrs = append(arrs, l)
		case kInt:
			ints = append(ints, l)
		}
	}
	if len(arrs) == 0 {
		return false
	}
	a := arrs[g.n(len(arrs))]
	switch {
	case c.dos > 0 && g.chance(1, 2):
		g.emit(a.name, "i", "get")
	case len(ints) > 0 && g.chance(1, 2):
		g.emit(a.name, ints[g.n(len(ints))].name, "get")
	default:
		g.emit(a.name, "0", "get")
	}
	s.push(aval{k: a.v.elem})
	return true
}

// opIdiom writes what the interpreter fuses into one instruction.
func (g *gen) opIdiom(c *ctx, s *astack) bool {
	switch g.n(8) {
	case 0:
		g.need(c, s, g.loose(c), vInt, vAny)
		g.emit("swap", "1+", "swap")
	case 1:
		g.need(c, s, g.loose(c), vInt)
		g.emit("dup", "1-")
		s.push(vInt)
	case 2:
		g.need(c, s, g.loose(c), vInt, vAny)
		g.emit("swap", []string{"2", "1", "-1"}[g.n(3)], "-")
		x := s.peek(0)
		s.pop(2)
		s.push(x, vInt)
	case 3:
		g.need(c, s, g.loose(c), vInt)
		g.emit("dup", []string{"2", "3", "-2"}[g.n(3)], "mod")
		s.push(vInt)
	case 4: // return where the top is an int at a bound
		if c.canRet && !c.retAny {
			if len(c.ret) == 0 || c.ret[len(c.ret)-1].k != kInt || s.floor > 0 {
				return false
			}
			g.reconcile(c, s, c.ret)
		} else if c.canRet {
			g.need(c, s, false, vInt)
		} else {
			return false
		}
		g.emit("dup", strconv.Itoa(g.n(4)), []string{"=", "<>", "<", ">", "<=", ">="}[g.n(6)], "if", "return", "then")
	case 5, 6:
		return g.localsGet(c, s)
	default: // a[i] = k with both in locals
		var arrs []glocal
		for _, l := range c.locals {
			if l.v.k == kArr {
				arrs = append(arrs, l)
			}
		}
		if len(arrs) == 0 || c.dos == 0 {
			return false
		}
		a := arrs[g.n(len(arrs))]
		l, _ := g.scalarLit(a.v.elem)
		g.emit(a.name, "i", l, "set")
	}
	return true
}

// opClassic calls a helper word.
func (g *gen) opClassic(c *ctx, s *astack) bool {
	if c.mult > 4 || g.cost+c.mult*3000 > g.maxCost {
		return false
	}
	g.cost += c.mult * 3000
	name := []string{"fib", "tri", "collatz", "sumarr", "fill", "sieve"}[g.n(6)]
	g.helpers[name] = true
	switch name {
	case "fib":
		g.emit(strconv.Itoa(g.n(16)), name)
	case "tri":
		g.emit(strconv.Itoa(g.n(1000)), name)
	case "collatz":
		g.emit(strconv.Itoa(1+g.n(100)), name)
	case "sumarr":
		g.need(c, s, false, arrOf(kInt))
		s.pop(1)
		g.emit(name)
	case "fill":
		g.emit(strconv.Itoa(g.n(50)), name)
		s.push(arrOf(kInt))
		return true
	case "sieve":
		g.emit(strconv.Itoa(g.n(200)), name)
	}
	s.push(vInt)
	return true
}

// opInline writes a loop that calls a small word the JIT inlines, on
// values whose kind may change on some pass (a guard inside the inlined
// body fails, or the word fails: the report must name the word) and on
// arrays too short for it.
func (g *gen) opInline(c *ctx, s *astack) bool {
	trips := 3 + g.n(40)
	if _, ok := g.loopCtx(c, trips); !ok {
		return false
	}
	vals := []string{"i", "i float", "i 2.5 *", "i 7 mod 5 = if 1.5 else i then"}
	if g.chance(1, 6) {
		lit, _ := g.scalarLit(kAny)
		vals = append(vals, "i "+strconv.Itoa(5+g.n(30))+" = if "+lit+" else i then") // fails (or not) on one pass
	}
	v := vals[g.n(len(vals))]
	g.emit("0", strconv.Itoa(trips), "0", "do")
	switch name := []string{"sq", "second", "mid", "swapm"}[g.n(4)]; name {
	case "second":
		g.helpers[name] = true
		arrs := []string{"{ 1 2.5 3 }", "{ i 1+ i 2 * }", "{ :a i }", "{ 1 }", "i 3 mod array", "70 array", "70 array dup 1 true set"} // 70: packed (gc.PackMin)
		g.emit(arrs[g.n(len(arrs))], "second", "dup", "nil", "=", "if", "drop", "0", "then")
		if g.chance(1, 2) {
			g.emit("dup", "float", "=", "if", "1", "else", "2", "then") // a number, or fail on a symbol as the interpreter does
		} else {
			g.emit("drop", "1")
		}
	case "mid", "swapm":
		g.helpers[name] = true
		g.emit(v, "i", "3", "+", name)
	default:
		g.helpers[name] = true
		g.emit(v, name)
	}
	g.emit("+", "loop")
	s.push(vAny)
	return true
}

// opMap writes a loop that puts, reads, counts and deletes keys of mixed
// kinds (ints, floats equal to them, strings, symbols, tuples, literals)
// in a map, and leaves an int or prints the map: map words run in loops
// that the JIT compiles, and their results and printing are compared.
func (g *gen) opMap(c *ctx, s *astack) bool {
	trips := 5 + g.n(60)
	if _, ok := g.loopCtx(c, trips); !ok {
		return false
	}
	m := g.local()
	mod := strconv.Itoa(1 + g.n(12))
	g.emit("new-map", "|", m, "|", strconv.Itoa(trips), "0", "do")
	for range 1 + g.n(3) {
		var key []string
		switch g.n(6) {
		case 0:
			key = []string{"i", mod, "mod"}
		case 1:
			key = []string{"i", mod, "mod", "float"}
		case 2:
			key = []string{"i", mod, "mod", "str"}
		case 3:
			key = []string{"{", "i", mod, "mod", ":k", "}"}
		case 4:
			key = []string{"i", "2", "mod", "0=", "if", ":even", "else", ":odd", "then"}
		default:
			lit, _ := g.scalarLit(kAny)
			key = []string{lit}
		}
		g.emit(m)
		g.emit(key...)
		switch g.n(5) {
		case 0:
			g.emit("i", "put")
		case 1:
			g.emit(m)
			g.emit(key...)
			g.emit("at", "dup", "nil", "=", "if", "drop", "0", "then", "1", "+", "put")
		case 2:
			g.emit("del")
		case 3:
			g.emit("has?", "drop")
		default:
			g.emit("at", "drop")
		}
	}
	g.emit("loop")
	switch g.n(5) {
	case 0:
		g.emit(m, "keys", "len")
	case 1:
		g.emit(m, "values", "0", "[", "+", "]", "fold")
	case 2:
		g.emit(m, ".", "0")
	case 3:
		g.emit(m, "pairs", ">map", m, "=", "if", "1", "else", "2", "then")
	default:
		g.emit(m, "len")
	}
	s.push(vInt)
	return true
}

// polyOps consume a value that is an int or a float without failing.
var polyOps = []string{"1 + drop", "dup * drop", "2 / drop", "dup < drop", "str drop", "abs drop",
	"0 max drop", "neg drop", "1.5 < drop", "dup = drop", "float drop", "1- drop", "3 swap - drop", ". "}

// opPoly writes a loop in which a value is of one kind on some passes and
// of another on the rest: type guards fail, code is compiled again with
// what they saw, and a loop header sees a kind change on its back edge.
func (g *gen) opPoly(c *ctx, s *astack) bool {
	trips := 20 + g.n(80)
	cc, ok := g.loopCtx(c, trips)
	if !ok {
		return false
	}
	nums := [][2]string{{"1", "1.5"}, {"2.5", "3"}, {"-0.0", "0"}, {"9223372036854775807", "1e308"},
		{"0.0 0.0 /", "1"}, {"-9223372036854775808", "-1.5"}}
	pair := nums[g.n(len(nums))]
	a, b := pair[0], pair[1]
	form := g.n(4)
	if form == 0 && g.chance(1, 3) {
		// Any kinds, for what takes any value.
		a, _ = g.scalarLit(kAny)
		b, _ = g.scalarLit(kAny)
	}
	pick := []string{"i", strconv.Itoa(2 + g.n(3)), "mod", "0=", "if", a, "else", b, "then"}
	if g.chance(1, 4) {
		pick = []string{"i", strconv.Itoa(10 + g.n(20)), "<", "if", a, "else", b, "then"} // one change only
	}
	switch form {
	case 0:
		g.emit(strconv.Itoa(trips), "0", "do")
		g.emit(pick...)
		var ws []*gword
		for _, w := range g.words[:c.maxWord] {
			if !w.rec && len(w.in) == 1 && w.in[0].k == kAny && g.cost+cc.mult*w.cost <= g.maxCost {
				ws = append(ws, w)
			}
		}
		if len(ws) > 0 && g.chance(1, 2) {
			w := ws[g.n(len(ws))]
			g.cost += cc.mult * w.cost
			g.emit(w.name)
			for range w.out {
				g.emit("drop")
			}
		} else if a[0] == '"' || a[0] == ':' || b[0] == '"' || b[0] == ':' || a == "nil" || b == "nil" {
			g.emit([]string{"str drop", "dup = drop", ". ", "drop"}[g.n(4)])
		} else {
			g.emit(polyOps[g.n(len(polyOps))])
		}
		g.emit("loop")
	case 1, 2: // an accumulator on the stack
		g.emit("0", strconv.Itoa(trips), "0", "do")
		g.emit(pick...)
		g.emit([]string{"+", "+", "-", "max", "min"}[g.n(5)], "loop")
		s.push(vAny)
	default: // an accumulator in a local
		x := g.local()
		g.emit("0", "|", x, "|", strconv.Itoa(trips), "0", "do", x)
		g.emit(pick...)
		g.emit([]string{"+", "-", "max"}[g.n(3)], "to", x, "loop", x)
		s.push(vAny)
	}
	g.cost += cc.mult * 8
	return true
}
