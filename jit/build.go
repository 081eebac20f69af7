package jit

// This file turns a function's bytecode into the intermediate form, by
// abstract interpretation: the builder walks the instructions in pc order
// with a picture of the interpreter's state (state: the data stack above
// the stack base, the locals), in which each Raft value is a kind and a
// payload held in SSA values, and emits the machine-level operations that
// compute them. Superinstructions are expanded with interp.Expand, so the
// builder knows only the plain instructions (ops.go), and every superset
// the compiler makes is read from the one table.
//
// Stack. Positions count slots from the stack base (the DSP register,
// pointing at the top slot where the current region began): 0 is that
// slot, -1 the one below, 1 the first pushed. The builder keeps, for the
// positions it has touched, the value there, whether memory holds it yet
// (dirty), and whether the slot owns a reference count (borrowed: a copy
// of a local's value, counted by the local). A region is a stretch of code
// whose stack positions are fixed relative to one base: a function starts
// region 0; a call, an instruction whose effect on the stack is not known,
// or a join where the paths disagree on the depth starts a new one (a
// rebase: everything is written back and DSP moves to the top).
//
// Joins. Blocks are visited in pc order, so every forward edge into a
// block is known when it is reached; a block with more than one edge gets
// parameters for the stack positions and the locals. A loop header is
// given them before its back edges are seen, from what the forward edges
// say and what earlier tries taught (hints): when a back edge does not fit
// (a kind changed, or the depth), the build starts again with the header
// widened, until it fits.
//
// Leaving. Every check that may fail leaves for the interpreter at the
// instruction's pc with the state from before the instruction (pre):
// which values to write back is part of the exit (exitInfo). A
// superinstruction must do all its checks before it changes anything in
// memory (a count, an array); the builder refuses one that does not.

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// slot is the builder's picture of one stack slot or local.
type slot struct {
	k, p     vid  // kind (int constant or value) and payload; k == 0: not loaded (memory holds it)
	dirty    bool // memory does not hold this value
	borrowed bool // a copy whose count a local (or another slot) holds
	memNil   bool // locals: memory holds nil
}

func (s slot) lazy() bool { return s.k == 0 }

// state is the picture of the interpreter's state at a point.
type state struct {
	region int
	top    int    // position of the top slot
	lo     int    // position of stack[0]
	stack  []slot // positions lo..lo+len-1 (at most top)
	locals []slot
	marks  map[int]int // Mark slot -> top when it ran, in this region
}

func (s *state) copy() *state {
	c := *s
	c.stack = append([]slot(nil), s.stack...)
	c.locals = append([]slot(nil), s.locals...)
	if s.marks != nil {
		c.marks = make(map[int]int, len(s.marks))
		for k, v := range s.marks {
			c.marks[k] = v
		}
	}
	return &c
}

// holds reports whether a stack slot (up to top) or a local of s holds
// value v as its kind or payload: a use not yet counted (a dup's copy).
func (s *state) holds(v vid) bool {
	for i, sl := range s.stack {
		if s.lo+i <= s.top && (sl.k == v || sl.p == v) {
			return true
		}
	}
	for _, sl := range s.locals {
		if sl.k == v || sl.p == v {
			return true
		}
	}
	return false
}

// at returns the slot at position pos, or a lazy slot when the state does
// not hold it.
func (s *state) at(pos int) slot {
	if i := pos - s.lo; i >= 0 && i < len(s.stack) {
		return s.stack[i]
	}
	return slot{}
}

// set puts v at position pos (which must be at most top).
func (s *state) set(pos int, v slot) {
	if len(s.stack) == 0 {
		s.lo = pos
	}
	for pos < s.lo {
		s.stack = append([]slot{{}}, s.stack...)
		s.lo--
	}
	for pos-s.lo >= len(s.stack) {
		s.stack = append(s.stack, slot{})
	}
	s.stack[pos-s.lo] = v
}

// trim drops the slots above top.
func (s *state) trim() {
	if n := s.top - s.lo + 1; n < len(s.stack) {
		if n < 0 {
			n = 0
		}
		s.stack = s.stack[:n]
	}
}

// region is what the builder learns of one region: the lowest position it
// reads and the highest it writes, for the checks at its start.
type region struct {
	min, max int
}

// newRegion returns a region that has read and written nothing yet.
func newRegion() region { return region{min: math.MaxInt32, max: math.MinInt32} }

// varRef names a variable of a join: a stack position or a local, and
// whether the parameter is its kind or its payload.
type varRef struct {
	local bool
	idx   int
	kind  bool
}

// inst is one bytecode instruction and its expansion.
type inst struct {
	pc    int
	size  int
	op    interp.Op
	parts []interp.Instr
}

// bblock is the builder's record of a bytecode block.
type bblock struct {
	pc      int
	blk     int      // its IR block, once made
	pending []pend   // edges into it not yet connected
	header  bool     // an entry point from the interpreter: a loop header, where a call returns
	loop    bool     // target of a backward jump
	entry   *state   // its state at entry, once visited
	vars    []varRef // what its parameters stand for
	rebase  bool     // a join whose paths disagree on the stack: everything is written back
	visited bool
	joined  bool // its forward edges are connected: edges now are back edges
}

// pend is an edge: an IR block (made for the edge) ending in a jump to the
// block, and the state it arrives with.
type pend struct {
	from int
	st   *state
}

// hints are what failed tries of a build taught.
type hints struct {
	rebase  map[int]bool       // headers that must rebase
	widen   map[varKey]bool    // header variables whose kind is not fixed
	narrow  map[varKey]gc.Kind // header variables whose back edges bring one kind: entries check it
	written map[varKey]bool    // header locals whose back edges may leave memory not nil
	dirty   map[varKey]bool    // header variables whose back edges may bring a value memory does not hold
	whole   map[int]bool       // calls (by pc) not to inline: their body changed memory before a check (see inline.go)
	heap    map[varKey]bool    // header variables whose back edges may bring a heap value (not scalar)
	nums    map[varKey]bool    // header variables whose edges bring an int and a float (an accumulator that starts at 0)

	// Of a function that calls itself (see selfEntry), what its first
	// build found: the kinds its first block checks of the values it was
	// called with, which its entries then check (a call of itself that
	// proves them enters past them), and whether every return gives back
	// an int, which its calls of itself then take as known.
	selfDone bool
	guards   []entryGuard
	selfInt  bool
}

// entryGuard is a kind check of the value at position pos when the
// function starts (0: the top), made by its entries; site is the check's
// feedback site in the body, where it came from.
type entryGuard struct {
	pos  int
	kind gc.Kind
	site siteKey
}

type varKey struct {
	pc    int
	local bool
	idx   int
}

// errRestart makes the build start again with new hints.
var errRestart = errors.New("jit: restart")

// errUnsupported is a function the builder does not compile.
type errUnsupported struct{ why string }

func (e *errUnsupported) Error() string { return "jit: " + e.why }

func unsupported(format string, args ...any) error {
	return &errUnsupported{fmt.Sprintf(format, args...)}
}

// feedback is what deoptimizations taught about one function: the kinds
// seen where a guard failed, by site.
type feedback struct {
	kinds map[siteKey]uint16 // kinds seen (bit k for gc.Kind k)

	// The kinds the function's locals and the top of the stack held when
	// it became hot in the interpreter (noteFrame), and bit
	// gc.ArenaPacked for a packed array among them.
	frame uint16
}

// noteFrame records the kinds m's frame holds, stopped in the function
// about to be compiled.
func (fb *feedback) noteFrame(m *interp.Machine) {
	locals, top := m.Frame()
	for _, vs := range [][]gc.Value{locals, top} {
		for _, v := range vs {
			fb.frame |= 1 << v.K
			if v.K == gc.KArr && m.Heap.Packed(v) {
				fb.frame |= 1 << gc.ArenaPacked
			}
		}
	}
}

// headerSeen returns the kinds the checks of header variable key have
// seen.
func (fb *feedback) headerSeen(key varKey) uint16 {
	return fb.kinds[siteKey{key.pc, headerOperand(varRef{local: key.local, idx: key.idx})}]
}

type siteKey struct {
	pc, operand int
}

// builder builds one function.
type builder struct {
	fn      *interp.Func
	funcs   []*interp.Func
	f       *function
	code    []inst
	at      map[int]int // pc -> index in code
	blocks  map[int]*bblock
	hints   *hints
	fb      *feedback
	floats  bool // the code holds a float constant
	fx      *effects
	regions []region
	sites   []siteKey
	calls   []callInfo

	cur      int            // the current IR block (-1: nothing reaches here)
	st       *state         // the state at the current point
	pre      *state         // the state before the current instruction
	in       *inst          // the current instruction
	effects  bool           // the current instruction changed memory
	deferred [][2]vid       // counts an inlined body's slots take, not taken yet (see retain)
	proven   map[proof]bool // what an inlined body's checks proved (see prove)
	inlined  bool           // the current instruction is a call whose callee's body is built in its place
	operand  int            // added to operand numbers of feedback sites: parts of an inlined body have sites of their own
	lastPart bool           // the plain instruction being built is the last of the current one
	slow     []pend         // slow paths of the current instruction that go on after it

	loops []uint8 // by instruction: how many loops hold it (see weight)

	preExit exitCache // the write-back of the last exit from pre

	// Kind parameters of joins known to hold no heap kind (nil, a bool,
	// a number...: no count to take or drop), though not one kind: a
	// local nil on the way into a loop and a float after its first pass.
	// Every edge in brings such a kind (a loop's back edge that does not
	// starts the build again, hints.heap), and the entry from the
	// interpreter at a header checks it. nbody's inner loop dropped nine
	// such locals' old values each pass, testing their kinds.
	scalar map[vid]bool

	// Kind parameters of loop headers whose edges bring an int and a
	// float (hints.nums): + - * / with a float take them as a number of
	// either kind (toFloat), not one kind that fails every other pass.
	varies map[vid]bool

	// A function that calls itself (see selfEntry): its calls of itself
	// enter at selfBlk; while the first block runs and nothing has been
	// written back (firstBlk >= 0), entryVals maps the kinds of the values
	// the function was called with to their positions, and the checks of
	// them are guards (for hints.guards); rets sees what returns give back.
	selfCalls bool
	selfBlk   int
	firstBlk  int
	entryVals map[vid]int
	guards    []entryGuard
	rets      retKinds
	selfKinds map[vid]bool // the kinds calls of itself give back (an int, when every return gives one)
}

// retKinds sums up the kinds of a function's returns in registers.
type retKinds struct {
	ints, others int
}

// exitCache is the write-back of an exit from one state, which the other
// exits from it share: an instruction's checks all leave with the state
// before it (a tenth of a big function's compile was these slices).
type exitCache struct {
	st      *state
	stores  []store
	retains [][2]vid
}

// weight is what an instruction at loop depth d counts for in the
// function's work: loops run their bodies many times.
func weight(d uint8) float64 {
	return float64(int(1) << (3 * min(d, 4)))
}

// callInfo describes one opCall.
type callInfo struct {
	callee int // function index, or -1: the payload in dyn
	dyn    vid // the quotation's function index (CallQuot)
	base   int // the callee's stack base, a position
	exit   int // the exit for a callee without native code, or without room
	pc     int // the call's pc
	nloc   int // the caller's locals
	after  int // the position of the callee's top when it returns, when its effect is known
	push   int // a known callee's MaxPush and locals (the table's, for CallQuot)
	cloc   int
	rebase bool // not known: the caller goes on in a new region at the callee's top
	fast   bool // a call of the function itself that enters at its self entry (see builder.selfEntry)
}

// build makes the intermediate form of fn, a function of the table of es
// (the effects of its functions, kept from one compilation to the next).
func build(fn *interp.Func, es *effects, fb *feedback) (*function, error) {
	funcs := es.funcs
	// Each block carries every local and stack slot as a parameter and a
	// restart builds again: the work grows with blocks times slots times
	// restarts, so generated code nested a hundred loops deep would take
	// seconds. Such functions stay with the interpreter.
	if fn.NLocals > maxLocals {
		return nil, unsupported("%s: %d local slots, native code takes at most %d", fn.Name, fn.NLocals, maxLocals)
	}
	if len(fn.Code) > maxCode {
		return nil, unsupported("%s: %d bytes of bytecode, native code takes at most %d", fn.Name, len(fn.Code), maxCode)
	}
	start := time.Now()
	h := &hints{rebase: map[int]bool{}, widen: map[varKey]bool{}, narrow: map[varKey]gc.Kind{}, written: map[varKey]bool{}, dirty: map[varKey]bool{}, whole: map[int]bool{}, heap: map[varKey]bool{}, nums: map[varKey]bool{}}
	for try := 0; try < 64; try++ {
		if try > 0 && time.Since(start) > maxBuildTime {
			return nil, unsupported("%s: its loops' states settle too slowly (%d builds in %v)", fn.Name, try, time.Since(start).Round(time.Millisecond))
		}
		b := &builder{fn: fn, funcs: funcs, hints: h, fb: fb, fx: es, scalar: map[vid]bool{}, varies: map[vid]bool{}, selfKinds: map[vid]bool{}, selfBlk: -1, firstBlk: -1}
		f, err := b.run()
		if err == errRestart {
			continue
		}
		if err == nil && b.selfCalls && !h.selfDone {
			// What the first build saw of the function's entry and its
			// returns: when it proves something, build again with it.
			h.selfDone = true
			h.guards = b.guards
			h.selfInt = b.rets.ints > 0 && b.rets.others == 0
			if len(h.guards) > 0 || h.selfInt {
				continue
			}
		}
		if err == nil && h.selfInt && (b.rets.others > 0 || b.rets.ints == 0) {
			h.selfInt = false // a return the guess made is not an int after all
			continue
		}
		return f, err
	}
	return nil, unsupported("%s: the loops' states do not settle", fn.Name)
}

// Limits of what build takes (see build).
const (
	maxLocals    = 256
	maxCode      = 64 << 10
	maxBuildTime = 100 * time.Millisecond // a function that restarts past it is left to the interpreter
)

func (b *builder) run() (f *function, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && (e == errRestart || isUnsupported(e)) {
				f, err = nil, e
				return
			}
			panic(r)
		}
	}()
	b.f = newFunction(b.fn.Name)
	b.decode()
	// Entries: from a native call, and from the interpreter at pc 0.
	init := b.initial()
	b.regions = append(b.regions, newRegion())
	native := b.f.newBlock(-1)
	b.f.entries = append(b.f.entries, entry{native: true, blk: native.id})
	b.cur, b.st = native.id, init.copy()
	b.emit(opEntry, tVoid, 0, 0, 0)
	b.entryCheck()
	top := b.readsTop()
	if top {
		// A native caller passes the top slot's payload in a register
		// (memory holds the slot too): no load waits for its store.
		k := b.emit(opLoadK, tInt, 0, 0, 0)
		p := b.emit(opArgP, tInt, 0, 0, 0)
		b.st.set(0, slot{k: k, p: p})
		b.regions[0].min = 0
	}
	b.entryGuards()
	b.emitExit(opCharge, b.exitHere(interp.ExitFuel, whyBudget, 0, init))
	b.jumpTo(0)
	goEntry := b.f.newBlock(-1)
	b.f.entries = append(b.f.entries, entry{pc: 0, blk: goEntry.id})
	b.cur, b.st = goEntry.id, init.copy()
	b.emit(opEntry, tVoid, 1, 0, 0)
	if top {
		b.load(b.st, 0) // as the native entry has it
	}
	b.entryCheck()
	b.entryGuards()
	b.jumpTo(0)
	if b.selfCalls {
		b.selfEntry(init, top)
	}

	for i := range b.code {
		in := &b.code[i]
		if bb := b.blocks[in.pc]; bb != nil {
			if b.cur >= 0 {
				b.jumpTo(in.pc)
			}
			b.enter(bb)
			if in.pc == 0 && b.cur >= 0 && !bb.header && b.selfCalls && !b.hints.selfDone {
				// The first block: what it checks of the values the
				// function was called with, its entries can check.
				b.firstBlk, b.entryVals = b.cur, map[vid]int{}
				if s := b.st.at(0); top && !s.lazy() {
					b.entryVals[s.k] = 0
				}
			}
		}
		if b.cur != b.firstBlk {
			b.firstBlk = -1
		}
		if b.cur < 0 {
			continue
		}
		b.instr(in)
	}
	if b.cur >= 0 {
		return nil, unsupported("%s: code falls off the end", b.fn.Name)
	}
	for _, in := range b.code { // in pc order, so that entries are numbered alike in every build
		if bb := b.blocks[in.pc]; bb != nil && bb.header && bb.pc > 0 && bb.entry != nil {
			b.goEntry(bb)
		}
	}
	b.f.calls = b.calls
	b.f.regions = b.regions
	b.f.sites = b.sites
	b.f.nlocals = b.fn.NLocals
	return b.f, nil
}

// selfEntry makes the entry that the function's calls of itself take
// when they prove what the other entries check (see callWith): the
// region's start, and the kinds of hints.guards. Like the native entry it
// takes the top slot's payload in a register, and it charges a reduction.
func (b *builder) selfEntry(init *state, top bool) {
	blk := b.f.newBlock(-1)
	b.selfBlk = blk.id
	b.f.entries = append(b.f.entries, entry{native: true, self: true, blk: blk.id})
	b.cur, b.st = blk.id, init.copy()
	b.emit(opEntry, tVoid, 0, 0, 0)
	if top {
		b.st.set(0, slot{k: b.emit(opLoadK, tInt, 0, 0, 0), p: b.emit(opArgP, tInt, 0, 0, 0)})
	}
	for _, g := range b.hints.guards {
		s := b.load(b.st, g.pos)
		s.k = b.f.constant(int64(g.kind))
		if g.kind == gc.KFloat {
			s.p = b.emit(opBitsF, tFloat, s.p, 0, 0)
		}
		b.st.set(g.pos, s)
	}
	// An exit of its own: where a parked run comes back to is the exit's.
	b.emitExit(opCharge, b.exitHere(interp.ExitFuel, whyBudget, 0, init))
	b.jumpTo(0)
}

// entryGuards checks, at an entry at the function's start, the kinds of
// hints.guards (a failure is remembered at the site in the body the check
// came from).
func (b *builder) entryGuards() {
	for _, g := range b.hints.guards {
		s := b.load(b.st, g.pos)
		if k, ok := b.kind(s); ok {
			if k != g.kind {
				panic(unsupported("%s: an entry's slot %d is a %v, not a %v", b.fn.Name, g.pos, k, g.kind))
			}
			continue
		}
		b.siteCheck(b.exitHere(interp.ExitInterp, whyGuard, 0, b.st), s.k, s.k, cEq, int64(g.kind), g.site)
		b.refine(s.k, g.kind)
	}
}

// noteGuard records a check of kind value x (an initial value of the
// first block, see selfEntry) for hints.guards.
func (b *builder) noteGuard(x vid, want int64, site siteKey) {
	pos, ok := b.entryVals[x]
	if !ok || b.cur != b.firstBlk {
		return
	}
	for _, g := range b.guards {
		if g.pos == pos {
			return
		}
	}
	b.guards = append(b.guards, entryGuard{pos: pos, kind: gc.Kind(want), site: site})
}

// readsTop reports whether every run of the function reads its top slot
// (position 0) first: the code up to its first branch, call or other
// instruction of variable effect pops it. Then the region check at the
// start covers that slot in any case.
func (b *builder) readsTop() bool {
	d := 0 // the depth, from the base
	for _, in := range b.code {
		for _, p := range in.parts {
			n, out := p.Op.Effect()
			if n > d {
				return true
			}
			if p.Op.Variable() || p.Op.Branches() || p.Op.Jumps() || p.Target >= 0 {
				return false
			}
			d += out - n
		}
	}
	return false
}

func isUnsupported(e error) bool {
	_, ok := e.(*errUnsupported)
	return ok
}

// initial returns the state at the function's start: nothing on the stack
// touched, every local nil (the interpreter keeps free locals nil).
func (b *builder) initial() *state {
	st := &state{lo: 1}
	st.locals = make([]slot, b.fn.NLocals)
	for i := range st.locals {
		st.locals[i] = slot{k: b.f.constant(int64(gc.KNil)), p: b.f.constant(0), memNil: true}
	}
	return st
}

// decode splits the code into instructions and finds the blocks.
func (b *builder) decode() {
	b.at = map[int]int{}
	b.blocks = map[int]*bblock{}
	code := b.fn.Code
	for pc := 0; pc < len(code); {
		in := interp.Decode(b.fn, pc)
		b.at[pc] = len(b.code)
		b.code = append(b.code, inst{pc: pc, size: in.Size, op: in.Op, parts: interp.Expand(in)})
		b.floats = b.floats || in.K.K == gc.KFloat
		for _, p := range b.code[len(b.code)-1].parts {
			b.selfCalls = b.selfCalls || p.Op == interp.Call && int(p.Fn) == int(b.fn.Index)
		}
		pc += in.Size
	}
	leader := func(pc int) *bblock {
		bb := b.blocks[pc]
		if bb == nil {
			if _, ok := b.at[pc]; !ok {
				panic(unsupported("%s: a jump to pc %d, not an instruction", b.fn.Name, pc))
			}
			bb = &bblock{pc: pc, blk: -1}
			b.blocks[pc] = bb
		}
		return bb
	}
	leader(0)
	// A call of a function that starts with a conditional return enters
	// it after the test, when the test fails (interp's doCall): the
	// interpreter may be there, so native code can be entered there too.
	if len(b.code) > 1 && b.code[0].op >= interp.ReturnIfEqK && b.code[0].op <= interp.ReturnIfGeK {
		leader(b.code[1].pc).header = true
	}
	b.loops = make([]uint8, len(b.code))
	for i, in := range b.code {
		next := in.pc + in.size
		for _, p := range in.parts {
			if p.Target >= 0 {
				t := leader(p.Target)
				if p.Target <= in.pc {
					t.header, t.loop = true, true
					for k := b.at[p.Target]; k <= i; k++ {
						b.loops[k] = min(b.loops[k]+1, 255)
					}
				}
				if next < len(code) {
					leader(next)
				}
			}
			if (p.Op == interp.Return || p.Op == interp.Jump) && next < len(code) {
				leader(next)
			}
		}
	}
}

// emit adds an operation to the current block.
func (b *builder) emit(o op, t typ, a, bb vid, imm int64) vid {
	return b.f.newValue(b.cur, o, t, a, bb, imm)
}

// emit3 adds an operation with three operands.
func (b *builder) emit3(o op, t typ, a, bb, c vid, imm int64, aux int32) vid {
	v := b.f.newValue(b.cur, o, t, a, bb, imm)
	b.f.values[v].c = c
	b.f.values[v].aux = aux
	b.f.use(c)
	return v
}

// effect marks that the current instruction is about to change memory:
// from here on it may not leave for the interpreter with the state from
// before it. The counts an inlined body put off are taken first.
func (b *builder) effect() {
	b.effects = true
	b.firstBlk = -1 // memory may no longer hold the initial values (see selfEntry)
	for _, r := range b.deferred {
		b.emit(opRetain, tVoid, r[0], r[1], 0)
	}
	b.deferred = nil
}

// retain counts a reference to the value (k, p), which a slot is going to
// hold. In an inlined body that has not changed memory yet, the count is
// taken at its first change (effect) or at its end instead: until then
// its checks leave with the state from before the call, which holds no
// such count, and the value's holder (the caller's local, the array it
// was read from) keeps it alive meanwhile. So `| a p q |` of an array and
// the get of an element do not stop the checks that follow (exchange's
// `a p get` and `a q get` before its first set).
func (b *builder) retain(k, p vid) {
	if b.inlined && !b.effects {
		b.deferred = append(b.deferred, [2]vid{k, p})
		return
	}
	b.emit(opRetain, tVoid, k, p, 0)
	b.effect()
}

// A proof is a check an inlined body made: of a kind (an index in range
// of an array, an array not packed) and of values (the array's handle,
// the index).
type proof struct {
	kind uint8
	a, b vid
}

// Kinds of proofs.
const (
	proofInRange  = iota // b is an index of array a
	proofUnpacked        // array a is not packed
)

// prove reports whether an inlined body has made the check p before, and
// records that it has: a second one would leave after the body changed
// memory, which it may not (changedMemory), and it would pass anyway. The
// proofs hold for the whole body: nothing an inlined body does (get, set,
// counts; inlineOps) changes an array's length or packing, and an array
// whose handle the body holds is not freed.
func (b *builder) prove(p proof) bool {
	if !b.inlined {
		return false
	}
	if b.proven[p] {
		return true
	}
	if b.proven == nil {
		b.proven = map[proof]bool{}
	}
	b.proven[p] = true
	return false
}

// exitHere makes an exit that leaves with state st at pc.
func (b *builder) exitHere(kind, why, pc int, st *state) int {
	if st != b.pre && len(b.deferred) > 0 {
		b.effect() // st's slots hold the counts the body put off
	}
	e := exitInfo{kind: kind, why: why, pc: pc, top: st.top}
	if c := &b.preExit; st == b.pre && c.st == st {
		// Another exit from the state before this instruction (which
		// does not change): the same write-back, shared (read only).
		e.stores, e.retains = c.stores, c.retains
		for _, s := range e.stores {
			b.f.use(s.k)
			b.f.use(s.p)
		}
		for _, r := range e.retains {
			b.f.use(r[0])
			b.f.use(r[1])
		}
		b.f.exits = append(b.f.exits, e)
		return len(b.f.exits) - 1
	}
	for i, s := range st.stack {
		if s.lazy() {
			continue
		}
		if s.dirty {
			b.wrote(st, st.lo+i)
			e.stores = append(e.stores, store{idx: st.lo + i, k: s.k, p: s.p})
			b.f.use(s.k)
			b.f.use(s.p)
		}
		if s.borrowed && b.maybeHeap(s) {
			e.retains = append(e.retains, [2]vid{s.k, s.p})
			b.f.use(s.k)
			b.f.use(s.p)
		}
	}
	for i, s := range st.locals {
		if s.dirty {
			e.stores = append(e.stores, store{local: true, idx: i, k: s.k, p: s.p, memNil: s.memNil})
			b.f.use(s.k)
			b.f.use(s.p)
		}
		if s.borrowed && b.maybeHeap(s) { // an inlined body's (see setLocal)
			e.retains = append(e.retains, [2]vid{s.k, s.p})
			b.f.use(s.k)
			b.f.use(s.p)
		}
	}
	if st == b.pre {
		b.preExit = exitCache{st: st, stores: e.stores[:len(e.stores):len(e.stores)], retains: e.retains[:len(e.retains):len(e.retains)]}
	}
	b.f.exits = append(b.f.exits, e)
	return len(b.f.exits) - 1
}

// exitPre makes an exit to the interpreter at the current instruction,
// with the state from before it.
func (b *builder) exitPre(why int) int {
	if b.effects {
		b.changedMemory("%s pc %d: %s checks after it changed memory", b.fn.Name, b.in.pc, b.in.op)
	}
	return b.exitHere(interp.ExitInterp, why, b.in.pc, b.pre)
}

// emitExit adds a check-like operation (opCharge, opStep) with exit e.
func (b *builder) emitExit(o op, e int) vid {
	return b.emit(o, tVoid, 0, 0, int64(e))
}

// check adds: go on when a c x holds, else leave for the interpreter
// before the instruction.
func (b *builder) check(x vid, c cond, y vid, why int) {
	if xv, ok := b.f.isConst(x); ok {
		if yv, ok := b.f.isConst(y); ok {
			if c.eval(xv, yv) {
				return
			}
			b.leave(why)
			return
		}
	}
	e := b.exitPre(why)
	b.emit3(opCheck, tVoid, x, y, 0, int64(e), int32(c))
}

// guardSite is a check of a kind, whose failure is remembered (feedback).
func (b *builder) guardSite(x vid, k gc.Kind, operand int) {
	if xv, ok := b.f.isConst(x); ok {
		if gc.Kind(xv) != k {
			b.leave(whyGuard)
		}
		return
	}
	b.checkSite(x, cEq, int64(k), operand)
}

// checkSite adds: go on when x c want holds, else leave for the
// interpreter before the instruction, recording x at the feedback site of
// the instruction's operand (a kind, a header's kind, a length).
func (b *builder) checkSite(x vid, c cond, want int64, operand int) {
	b.checkSiteOf(x, x, c, want, operand)
}

// checkSiteOf is checkSite of x, recording kind at the feedback site when
// it fails (x computed from kind: a range of kinds tested at once).
func (b *builder) checkSiteOf(kind, x vid, c cond, want int64, operand int) {
	e := b.exitPre(whyGuard)
	site := siteKey{b.in.pc, operand + b.operand}
	if kind == x && c == cEq && b.firstBlk >= 0 {
		b.noteGuard(x, want, site)
	}
	b.siteCheck(e, kind, x, c, want, site)
}

// siteCheck adds: go on when x c want holds, else leave by exit e,
// recording kind at feedback site.
func (b *builder) siteCheck(e int, kind, x vid, c cond, want int64, site siteKey) {
	b.f.exits[e].guard = kind
	b.f.exits[e].site = len(b.sites)
	b.sites = append(b.sites, site)
	b.emit3(opCheck, tVoid, x, b.f.constant(want), 0, int64(e), int32(c))
}

// seen returns the kinds feedback saw at operand of the current instruction.
func (b *builder) seen(operand int) uint16 {
	if b.fb == nil {
		return 0
	}
	return b.fb.kinds[siteKey{b.in.pc, operand + b.operand}]
}

// leave ends the current block with an exit to the interpreter before the
// instruction: the rest of it cannot run natively.
func (b *builder) leave(why int) {
	e := b.exitPre(why)
	b.f.blocks[b.cur].term = term{kind: tkExit, exit: e}
	b.cur = -1
	panic(errDead)
}

// errDead unwinds the current instruction after leave.
var errDead = errors.New("jit: dead")

// regionCheck adds the checks at the start of region r: the stack holds
// the values the region reads below its base and has room for what it
// pushes. pc is where the interpreter goes on when they fail.
func (b *builder) regionCheck(r, pc int) {
	e := b.exitHere(interp.ExitInterp, whyEntry, pc, b.st)
	b.emit(opRegionCheck, tVoid, 0, 0, int64(e)).setAux(b.f, int32(r))
}

func (v vid) setAux(f *function, a int32) { f.values[v].aux = a }

// entryCheck is the region check at the function's start: whoever called
// it (the interpreter, or native code as the interpreter does) has made
// room for its MaxPush, so only more than that is checked.
func (b *builder) entryCheck() {
	e := b.exitHere(interp.ExitInterp, whyEntry, 0, b.st)
	b.emit(opRegionCheck, tVoid, 0, 0, int64(e)|int64(b.fn.MaxPush+1)<<32).setAux(b.f, 0)
}

// instr builds one instruction.
func (b *builder) instr(in *inst) {
	b.in, b.pre, b.effects, b.slow = in, b.st.copy(), false, nil
	b.deferred, b.proven = nil, nil
	parts, vlocals, room := b.inline(in)
	b.inlined = len(parts) > 0
	if !b.inlined {
		parts = in.parts
	}
	defer func() { b.inlined, b.operand = false, 0 }()
	func() {
		defer func() {
			if r := recover(); r != nil && r != errDead {
				panic(r)
			}
		}()
		if room > 0 {
			b.localsRoom(room)
		}
		for range vlocals {
			b.st.locals = append(b.st.locals, slot{k: b.f.constant(int64(gc.KNil)), p: b.f.constant(0), memNil: true})
		}
		w := weight(b.loops[b.at[in.pc]])
		for i := range parts {
			if b.cur < 0 {
				return
			}
			b.lastPart = i == len(parts)-1
			if b.inlined {
				b.operand = (i + 1) * inlineSites
			}
			if b.part(&parts[i]) {
				b.f.steps += w
				return // the instruction is done (a step ran all of it)
			}
			b.f.work += w
		}
	}()
	if b.cur >= 0 && len(b.deferred) > 0 {
		b.effect() // the counts the body put off (see retain)
	}
	b.deferred, b.proven = nil, nil
	if b.st != nil && len(b.st.locals) > b.fn.NLocals {
		b.st.locals = b.st.locals[:b.fn.NLocals] // an inlined word's locals (dropped at its end)
	}
	next := in.pc + in.size
	if len(b.slow) > 0 {
		// Slow paths ran the instruction in the interpreter: they meet the
		// fast path after it.
		slow := b.slow
		b.slow = nil
		switch {
		case b.cur >= 0:
			slow = append(slow, b.edgeFrom(b.st))
			j := b.f.newBlock(-1)
			b.joinState(&bblock{pc: -1, blk: j.id, pending: slow}, false)
		case b.blocks[next] != nil:
			for _, p := range slow {
				b.addEdge(next, p, false)
			}
		default:
			panic(unsupported("%s pc %d: a slow path with nowhere to go", b.fn.Name, in.pc))
		}
	}
	if b.cur >= 0 && next >= len(b.fn.Code) {
		panic(unsupported("%s: code falls off the end", b.fn.Name))
	}
}

// edgeFrom ends the current block with a jump to a new edge block and
// returns the edge with state st (the current block is done).
func (b *builder) edgeFrom(st *state) pend {
	e := b.f.newBlock(-1)
	b.f.blocks[b.cur].term = term{kind: tkJump, succ: [2]int{e.id}}
	e.preds = append(e.preds, b.cur)
	b.cur = -1
	return pend{from: e.id, st: st.copy()}
}

// newEdge makes an edge block reached from the current block (whose
// terminator the caller sets) and returns it.
func (b *builder) newEdge() *block {
	e := b.f.newBlock(-1)
	e.preds = append(e.preds, b.cur)
	return e
}

// jumpTo ends the current block with a jump to the block at pc.
func (b *builder) jumpTo(pc int) {
	p := b.edgeFrom(b.st)
	b.addEdge(pc, p, false)
}

// addEdge connects edge p to the block at pc. A backward edge (back) to a
// visited block is connected now; others wait for the block.
func (b *builder) addEdge(pc int, p pend, back bool) {
	bb := b.blocks[pc]
	if bb == nil {
		panic(unsupported("%s: jump to %d is not a block", b.fn.Name, pc))
	}
	if bb.visited {
		if bb.blk < 0 {
			// A jump back to a block that was dead when it was visited
			// (after a branch folded away, the relinker may put a loop's
			// header there): the interpreter runs the function.
			panic(unsupported("%s: a jump back to pc %d, dead when it was built", b.fn.Name, pc))
		}
		b.connect(p, bb)
		return
	}
	bb.pending = append(bb.pending, p)
}

// enter starts the bytecode block bb.
func (b *builder) enter(bb *bblock) {
	bb.visited = true
	if len(bb.pending) == 0 {
		b.cur = -1
		return
	}
	blk := b.f.newBlock(bb.pc)
	bb.blk = blk.id
	b.joinState(bb, bb.header)
}

// joinState makes the state at the start of bb (whose IR block is made)
// from its pending edges, connects them, and continues in it.
func (b *builder) joinState(bb *bblock, header bool) {
	blk := b.f.blocks[bb.blk]
	first := bb.pending[0].st
	if len(bb.pending) == 1 && !header {
		p := bb.pending[0]
		b.f.blocks[p.from].term = term{kind: tkJump, succ: [2]int{blk.id}}
		blk.preds = append(blk.preds, p.from)
		bb.entry = p.st.copy()
		b.cur, b.st = blk.id, p.st.copy()
		bb.pending = nil
		return
	}
	// Do the paths agree on the stack?
	agree := !(bb.pc >= 0 && b.hints.rebase[bb.pc])
	for _, p := range bb.pending {
		if p.st.region != first.region || p.st.top != first.top {
			agree = false
		}
	}
	st := &state{region: first.region, top: first.top}
	b.cur = blk.id
	if !agree {
		bb.rebase = true
		st.region = len(b.regions)
		b.regions = append(b.regions, newRegion())
		st.top, st.lo = 0, 1
	} else {
		// The join holds the slots some path has loaded (a path that has
		// not loads it on its way: a slow path, mostly); the others are in
		// memory there.
		lo := first.top + 1
		for _, p := range bb.pending {
			for i, sl := range p.st.stack {
				if !sl.lazy() {
					lo = min(lo, p.st.lo+i)
				}
			}
		}
		for pos := lo; pos <= first.top; pos++ {
			some := false
			for _, p := range bb.pending {
				if !p.st.at(pos).lazy() {
					some = true
				}
			}
			if some {
				for _, p := range bb.pending {
					if p.st.at(pos).lazy() {
						b.loadOnEdge(p, pos)
					}
				}
				st.set(pos, b.joinSlot(bb, blk, varRef{idx: pos}, header))
			}
		}
		if len(st.stack) == 0 {
			st.lo = first.top + 1
		}
		// Marks survive a join where every path made them at one depth.
		for s, t := range first.marks {
			same := true
			for _, p := range bb.pending {
				if pt, ok := p.st.marks[s]; !ok || pt != t {
					same = false
				}
			}
			if same {
				if st.marks == nil {
					st.marks = map[int]int{}
				}
				st.marks[s] = t
			}
		}
	}
	st.locals = make([]slot, len(first.locals))
	for i := range st.locals {
		st.locals[i] = b.joinSlot(bb, blk, varRef{local: true, idx: i}, header)
	}
	bb.entry = st.copy()
	pending := bb.pending
	bb.pending = nil
	for _, p := range pending {
		b.connect(p, bb)
	}
	bb.joined = true // from here on, edges into it are back edges
	b.cur, b.st = blk.id, st
	if bb.rebase {
		b.regionCheck(st.region, max(bb.pc, 0))
	}
}

// joinSlot makes the slot of variable r at the start of join bb: a
// parameter, unless every edge brings the same value (never at a loop
// header, whose back edges are not known yet).
func (b *builder) joinSlot(bb *bblock, blk *block, r varRef, header bool) slot {
	get := func(st *state) slot {
		if r.local {
			return st.locals[r.idx]
		}
		return st.at(r.idx)
	}
	first := get(bb.pending[0].st)
	same := !header
	kconst, kk := true, first.k
	dirty, memNil := false, true
	for _, p := range bb.pending {
		s := get(p.st)
		if s.k != first.k || s.p != first.p {
			same = false
		}
		if _, ok := b.f.isConst(s.k); !ok || s.k != kk {
			kconst = false
		}
		dirty = dirty || s.dirty
		memNil = memNil && s.memNil
	}
	if same {
		return slot{k: first.k, p: first.p, dirty: dirty, memNil: memNil}
	}
	key := varKey{bb.pc, r.local, r.idx}
	if header {
		// The interpreter's entry loads the value, and clears a local's
		// memory where the native paths leave it nil: then memory does
		// not hold the value.
		if bb.loop && b.hints.written[key] {
			memNil = false
		}
		dirty = dirty || memNil || bb.loop && b.hints.dirty[key]
		if bb.loop && b.hints.widen[key] {
			kconst = false
		}
		if kconst && !b.narrowOK(key, gc.Kind(b.constKind(kk))) {
			kconst = false // the interpreter came in here with another kind
		}
		if k, ok := b.hints.narrow[key]; ok && !b.hints.widen[key] {
			// The back edges bring kind k: the forward edges check it,
			// unless one of them brings another for sure.
			fits := true
			for _, p := range bb.pending {
				if sk, ok := b.f.isConst(get(p.st).k); ok && gc.Kind(sk) != k {
					fits = false
				}
			}
			if fits {
				kconst, kk = true, b.f.constant(int64(k))
			}
		}
	}
	s := slot{dirty: dirty, memNil: memNil}
	if kconst {
		s.k = kk
	} else {
		s.k = b.param(blk, tInt)
		bb.vars = append(bb.vars, varRef{local: r.local, idx: r.idx, kind: true})
		if header && b.hints.nums[key] {
			b.varies[s.k] = true
		}
		// No heap kind when no edge brings one (a loop's back edges are
		// checked when they come, the interpreter's entry when it runs).
		if !header || !b.hints.heap[key] && b.scalarOK(key) {
			all := true
			for _, p := range bb.pending {
				all = all && b.scalarKind(get(p.st).k)
			}
			b.scalar[s.k] = all
		}
	}
	t := tInt
	if kv, ok := b.f.isConst(s.k); ok && gc.Kind(kv) == gc.KFloat {
		t = tFloat
	}
	s.p = b.param(blk, t)
	bb.vars = append(bb.vars, varRef{local: r.local, idx: r.idx})
	if kv, ok := b.f.isConst(s.k); ok && gc.Kind(kv) == gc.KArr {
		b.f.arrays[s.p] = true
	}
	return s
}

func (b *builder) param(blk *block, t typ) vid {
	v := b.f.newValue(-1, opParam, t, 0, 0, 0)
	b.f.values[v].blk = int32(blk.id)
	blk.params = append(blk.params, v)
	return v
}

// connect finishes edge p into join bb: it writes back what the join does
// not keep, and jumps with the join's parameters.
func (b *builder) connect(p pend, bb *bblock) {
	blk := b.f.blocks[bb.blk]
	save, saveSt := b.cur, b.st
	b.cur, b.st = p.from, p.st
	defer func() { b.cur, b.st = save, saveSt }()
	st, want := p.st, bb.entry
	if bb.rebase {
		b.flush(st, false)
		if st.top != 0 {
			b.emit(opSetDSP, tVoid, 0, 0, int64(st.top))
		}
	} else {
		if st.region != want.region || st.top != want.top {
			// A back edge that does not fit the header: start again.
			b.hints.rebase[bb.pc] = true
			panic(errRestart)
		}
		// Slots the join does not hold go to memory; the ones it holds
		// are loaded, and owned.
		for i := range st.stack {
			if pos := st.lo + i; pos < want.lo || want.at(pos).lazy() {
				b.writeBack(st, pos)
			}
		}
		for pos := want.lo; pos <= want.top; pos++ {
			if want.at(pos).lazy() {
				continue
			}
			s := b.load(st, pos)
			if s.borrowed && b.maybeHeap(s) {
				b.emit(opRetain, tVoid, s.k, s.p, 0)
				s.borrowed = false
				st.set(pos, s)
			}
		}
	}
	// What a back edge teaches (hints) is all taken before the build starts
	// again: a loop that keeps many locals in registers would otherwise
	// take a restart for each.
	var args []vid
	restart := false
	for _, r := range bb.vars {
		var s, w slot
		if r.local {
			s, w = st.locals[r.idx], want.locals[r.idx]
		} else {
			s, w = st.at(r.idx), want.at(r.idx)
		}
		if r.kind {
			if b.scalar[w.k] && !b.scalarKind(s.k) {
				// A back edge that may bring a heap value.
				b.hints.heap[varKey{bb.pc, r.local, r.idx}] = true
				restart = true
			}
			args = append(args, s.k)
			continue
		}
		if kv, ok := b.f.isConst(w.k); ok {
			// The kind is fixed at the join: the edge must bring it.
			if sk, ok := b.f.isConst(s.k); !ok || sk != kv {
				key := varKey{bb.pc, r.local, r.idx}
				nk, narrowed := b.hints.narrow[key]
				switch {
				case !bb.header:
					panic("jit: a join's fixed kind from a path that does not have it")
				case bb.joined:
					// A back edge that does not keep the kind (and may
					// bring a heap value: learnt at once, see scalar).
					b.hints.widen[key] = true
					if ok && isNum(gc.Kind(sk)) && isNum(gc.Kind(kv)) {
						b.hints.nums[key] = true
					}
					if !b.scalarKind(s.k) {
						b.hints.heap[key] = true
					}
					restart = true
					continue
				case !ok && narrowed && nk == gc.Kind(kv):
					// A forward edge into a loop the back edges keep at
					// kind kv: check it on the way in.
					b.guardEdge(st, r, bb.pc, gc.Kind(kv))
					if r.local {
						s = st.locals[r.idx]
					} else {
						s = st.at(r.idx)
					}
				case narrowed:
					// The edge's kind got fixed after the join was made
					// (a check of an earlier slot holding the same value
					// on this edge) and it is not the one the back edges
					// bring: the loop takes any kind here.
					b.hints.widen[key] = true
					if !b.scalarKind(s.k) {
						b.hints.heap[key] = true
					}
					restart = true
					continue
				default:
					panic("jit: a join's fixed kind from a path that does not have it")
				}
			}
		} else if bb.joined && bb.loop && !bb.rebase {
			// A back edge with a fixed kind into a parameter that takes
			// any: next time the header is given that kind.
			key := varKey{bb.pc, r.local, r.idx}
			if sk, ok := b.f.isConst(s.k); ok && !b.hints.widen[key] && b.narrowOK(key, gc.Kind(sk)) {
				if _, done := b.hints.narrow[key]; !done {
					b.hints.narrow[key] = gc.Kind(sk)
					restart = true
					continue
				}
			}
		}
		// The payload, in the parameter's register class.
		pv := s.p
		wantFloat, isFloat := b.f.values[w.p].typ == tFloat, b.f.values[pv].typ == tFloat
		switch {
		case wantFloat && !isFloat:
			pv = b.emit(opBitsF, tFloat, pv, 0, 0)
		case !wantFloat && isFloat:
			pv = b.emit(opFBits, tInt, pv, 0, 0)
		}
		args = append(args, pv)
	}
	if bb.joined && bb.loop {
		// A back edge must leave memory as the header assumed it.
		for i, w := range want.locals {
			key := varKey{bb.pc, true, i}
			if w.memNil && !st.locals[i].memNil {
				b.hints.written[key] = true
				restart = true
			}
			if !w.dirty && st.locals[i].dirty {
				b.hints.dirty[key] = true
				restart = true
			}
		}
		for pos := want.lo; pos <= want.top && !bb.rebase; pos++ {
			if w, s := want.at(pos), st.at(pos); !w.lazy() && !w.dirty && s.dirty {
				b.hints.dirty[varKey{bb.pc, false, pos}] = true
				restart = true
			}
		}
	}
	if restart {
		panic(errRestart)
	}
	if !bb.rebase {
		// Values the join keeps without a parameter are the same on every
		// edge (it was made from them), but a back edge must bring them too.
		for i, w := range want.locals {
			if !isParam(bb.vars, true, i) && (st.locals[i].k != w.k || st.locals[i].p != w.p) {
				panic("jit: a join's value from a path that does not have it")
			}
		}
	}
	b.f.blocks[p.from].term = term{kind: tkJump, succ: [2]int{blk.id}, args: [2][]vid{args}}
	for _, a := range args {
		b.f.use(a)
	}
	blk.preds = append(blk.preds, p.from)
}

// guardEdge checks, on an edge into loop header pc, that variable r of st
// has kind k (the kind the loop keeps it at), leaving for the interpreter
// at the header when it has not.
func (b *builder) guardEdge(st *state, r varRef, pc int, k gc.Kind) {
	var s slot
	if r.local {
		s = st.locals[r.idx]
	} else {
		s = st.at(r.idx)
	}
	e := b.exitHere(interp.ExitInterp, whyGuard, pc, st)
	b.f.exits[e].guard = s.k
	b.f.exits[e].site = len(b.sites)
	b.sites = append(b.sites, siteKey{pc, headerOperand(r)})
	b.emit3(opCheck, tVoid, s.k, b.f.constant(int64(k)), 0, int64(e), int32(cEq))
	kv := s.k
	for i := range st.stack {
		if st.stack[i].k == kv {
			st.stack[i].k = b.f.constant(int64(k))
			if k == gc.KFloat && b.f.values[st.stack[i].p].typ == tInt {
				st.stack[i].p = b.emit(opBitsF, tFloat, st.stack[i].p, 0, 0)
			}
		}
	}
	for i := range st.locals {
		if st.locals[i].k == kv {
			st.locals[i].k = b.f.constant(int64(k))
			if k == gc.KFloat && b.f.values[st.locals[i].p].typ == tInt {
				st.locals[i].p = b.emit(opBitsF, tFloat, st.locals[i].p, 0, 0)
			}
		}
	}
}

// headerOperand numbers a header's variable for feedback (apart from the
// operands of instructions).
func headerOperand(r varRef) int {
	if r.local {
		return 1000 + r.idx
	}
	return 100000 + r.idx
}

// constKind returns the kind an int constant value holds.
func (b *builder) constKind(v vid) int64 {
	k, _ := b.f.isConst(v)
	return k
}

// narrowOK reports whether feedback allows giving header variable key kind
// k: no check of it has failed on another kind.
func (b *builder) narrowOK(key varKey, k gc.Kind) bool {
	if b.fb == nil {
		return true
	}
	return b.fb.headerSeen(key)&^(1<<k) == 0
}

// scalarOK reports whether feedback allows taking header variable key to
// hold no heap kind: no check of it has met one.
func (b *builder) scalarOK(key varKey) bool {
	if b.fb == nil {
		return true
	}
	return b.fb.headerSeen(key)>>gc.KStr == 0
}

// loadOnEdge loads slot pos in edge p's block, for a join that holds it.
func (b *builder) loadOnEdge(p pend, pos int) {
	save := b.cur
	b.cur = p.from
	b.load(p.st, pos)
	b.cur = save
}

// writeBack stores the slot at pos to memory if it is dirty (or
// borrowed), leaving it clean and owned.
func (b *builder) writeBack(st *state, pos int) {
	s := st.at(pos)
	if s.lazy() {
		return
	}
	if s.borrowed && b.maybeHeap(s) {
		b.emit(opRetain, tVoid, s.k, s.p, 0)
	}
	if s.dirty {
		b.emit(opStore, tVoid, s.k, s.p, int64(pos))
		b.wrote(st, pos)
		b.firstBlk = -1 // memory no longer holds the initial values
	}
	s.dirty, s.borrowed = false, false
	st.set(pos, s)
}

// wrote records that native code (or a step) writes slot pos of st's
// region: the region's start checks the stack has room for it.
func (b *builder) wrote(st *state, pos int) {
	r := &b.regions[st.region]
	r.max = max(r.max, pos)
}

// flush writes back every stack slot of st (and, with locals, every local),
// leaving them clean and owned.
func (b *builder) flush(st *state, locals bool) {
	for i := range st.stack {
		b.writeBack(st, st.lo+i)
	}
	if locals {
		for i, s := range st.locals {
			if s.dirty {
				b.emit3(opStoreL, tVoid, s.k, s.p, 0, int64(i), 0)
				s.dirty = false
				_, isNil := b.f.isConst(s.k)
				s.memNil = isNil && s.k == b.f.constant(int64(gc.KNil))
				st.locals[i] = s
			}
		}
	}
}

// load returns the slot at pos of st, loading it from memory if the state
// does not hold it (it then owns the count memory holds).
func (b *builder) load(st *state, pos int) slot {
	s := st.at(pos)
	if !s.lazy() {
		return s
	}
	r := &b.regions[st.region]
	r.min = min(r.min, pos)
	k := b.emit(opLoadK, tInt, 0, 0, int64(pos))
	p := b.emit(opLoadP, tInt, 0, 0, int64(pos))
	s = slot{k: k, p: p}
	st.set(pos, s)
	if b.firstBlk >= 0 && b.cur == b.firstBlk && st.region == 0 && pos <= 0 {
		b.entryVals[k] = pos // memory holds what the function was called with
	}
	return s
}

// goEntry makes the entry from the interpreter at loop header bb: load
// what its parameters stand for from memory, check the kinds it fixes.
func (b *builder) goEntry(bb *bblock) {
	blk := b.f.newBlock(-1)
	want := bb.entry
	st := &state{region: want.region, top: want.top, lo: want.top + 1}
	st.locals = make([]slot, len(want.locals))
	for i := range st.locals {
		st.locals[i] = slot{} // loaded below when needed
	}
	b.f.entries = append(b.f.entries, entry{pc: bb.pc, blk: blk.id, depth: want.top, region: want.region})
	b.cur, b.st = blk.id, st
	b.in = &inst{pc: bb.pc}
	b.pre, b.effects = st.copy(), false
	b.emit(opEntry, tVoid, 2, 0, int64(len(b.f.entries)-1))
	b.regionCheck(want.region, bb.pc)
	var args []vid
	vals := map[varKey][2]vid{}
	get := func(r varRef) [2]vid {
		key := varKey{0, r.local, r.idx}
		if v, ok := vals[key]; ok {
			return v
		}
		var k, p vid
		if r.local {
			k = b.emit(opLoadLK, tInt, 0, 0, int64(r.idx))
			p = b.emit(opLoadLP, tInt, 0, 0, int64(r.idx))
		} else {
			k = b.emit(opLoadK, tInt, 0, 0, int64(r.idx))
			p = b.emit(opLoadP, tInt, 0, 0, int64(r.idx))
		}
		vals[key] = [2]vid{k, p}
		return vals[key]
	}
	for _, r := range bb.vars {
		v := get(r)
		if r.kind {
			var w slot
			if r.local {
				w = want.locals[r.idx]
			} else {
				w = want.at(r.idx)
			}
			if b.scalar[w.k] {
				ge := b.exitHere(interp.ExitInterp, whyEntry, bb.pc, st)
				b.f.exits[ge].guard = v[0]
				b.f.exits[ge].site = len(b.sites)
				b.sites = append(b.sites, siteKey{bb.pc, headerOperand(r)})
				b.emit3(opCheck, tVoid, v[0], b.f.constant(int64(gc.KStr)), 0, int64(ge), int32(cLtU))
			}
			args = append(args, v[0])
			continue
		}
		var w slot
		if r.local {
			w = want.locals[r.idx]
		} else {
			w = want.at(r.idx)
		}
		if kv, ok := b.f.isConst(w.k); ok {
			// A check with feedback of its own: a kind seen here that
			// the native paths do not bring makes the next build take
			// any kind at this header.
			ge := b.exitHere(interp.ExitInterp, whyEntry, bb.pc, st)
			b.f.exits[ge].guard = v[0]
			b.f.exits[ge].site = len(b.sites)
			b.sites = append(b.sites, siteKey{bb.pc, headerOperand(r)})
			b.emit3(opCheck, tVoid, v[0], b.f.constant(kv), 0, int64(ge), int32(cEq))
		}
		pv := v[1]
		if b.f.values[w.p].typ == tFloat {
			pv = b.emit(opBitsF, tFloat, pv, 0, 0)
		}
		args = append(args, pv)
	}
	// The native paths into the header leave the memory of some locals
	// nil (their values are in registers): so does this one, after its
	// checks.
	for i, w := range want.locals {
		if w.memNil {
			b.emit3(opStoreL, tVoid, b.f.constant(int64(gc.KNil)), b.f.constant(0), 0, int64(i), 0)
		}
	}
	blk.term = term{kind: tkJump, succ: [2]int{bb.blk}, args: [2][]vid{args}}
	for _, a := range args {
		b.f.use(a)
	}
	b.f.blocks[bb.blk].preds = append(b.f.blocks[bb.blk].preds, blk.id)
	b.cur = -1
}

func isParam(vars []varRef, local bool, idx int) bool {
	for _, r := range vars {
		if r.local == local && r.idx == idx {
			return true
		}
	}
	return false
}

// maybeHeap reports whether s may hold a counted heap value.
func (b *builder) maybeHeap(s slot) bool {
	return !b.scalarKind(s.k)
}

// scalarKind reports whether kind value k is known to be no heap kind.
func (b *builder) scalarKind(k vid) bool {
	if c, ok := b.f.isConst(k); ok {
		return gc.Kind(c) < gc.KStr
	}
	return b.scalar[k]
}
