// Package jit compiles Raft functions to native code for amd64 and arm64,
// and runs it for the interpreter: it implements interp.Native.
//
// Bytecode goes in (a verified interp.Func, read through interp.Decode and
// interp.Expand), machine code comes out: build.go makes an SSA form by
// abstract interpretation of the stack, opt.go cleans it, regalloc.go
// gives values registers, emit_*.go assemble it with golang-asm, and
// mem_*.go map it read-execute (never writable and executable at once).
// The trampoline (call_*.s) switches to a native stack of the jit's own
// and enters the code with the machine's NativeState in a register; the
// code leaves through the exits described in interp/run_native.go.
//
// A function is compiled as a whole, with entries at its start (for native
// calls and for the interpreter) and at its loop headers (for a loop the
// interpreter is running). Types are speculated: a value whose kind the
// builder cannot prove is checked where it is used, and a failed check
// leaves for the interpreter at that instruction; the kinds seen there are
// remembered, and a function whose checks keep failing is compiled again
// with them.
//
// golang-asm keeps global tables that are not safe for concurrent first
// use: every compilation holds JIT.mu. Compiled code is shared by all the
// machines of a program and freed by Close.
package jit

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// Options configure a JIT.
type Options struct {
	// Always compiles every function before it first runs (raft run
	// --jit=always, the test mode); otherwise functions are compiled when
	// they get hot.
	Always bool
}

// debugPanics makes a panic in the compiler crash (tests set it, and
// RAFT_JIT_PANIC=1 for a debugging session), where it is otherwise a
// function that is not compiled.
var debugPanics = os.Getenv("RAFT_JIT_PANIC") != ""

// debugExits prints every exit (RAFT_JIT_EXITS=1).
var debugExits = os.Getenv("RAFT_JIT_EXITS") != ""

// debugIR names a function whose intermediate form each compile prints,
// optimized, to standard error (RAFT_JIT_IR=name; * for every function),
// with the feedback it was built from. Its machine code goes to a file in
// the temporary directory, named on standard error, for objdump -b binary.
var debugIR = os.Getenv("RAFT_JIT_IR")

var exitNames = [...]string{interp.ExitInterp: "interp", interp.ExitStep: "step", interp.ExitFuel: "fuel",
	interp.ExitReturn: "return", interp.ExitRelease: "release", interp.ExitGrowStack: "grow-stack", interp.ExitGrowLocals: "grow-locals"}

// Hot is the reductions a function runs in the interpreter before it is
// compiled.
const Hot = 1000

// maxCompiles bounds how often one function is compiled again after its
// checks failed.
const maxCompiles = 10

// deoptLimit is the failed checks after which a function is compiled again.
const deoptLimit = 8

// JIT is the compiler of one program. It implements interp.Native.
type JIT struct {
	prog   *interp.Program
	always bool

	mu     sync.Mutex     // guards fns, codes, tables, stacks, and the assembler's global state
	fns    []*fnState     // by function index
	codes  []*code        // by code id: every code compiled, alive until Close
	tables [][]uintptr    // every call table made (the last is current); alive until Close
	funcs  []*interp.Func // the function table the call table was made for
	fx     *effects       // the stack effects of funcs' functions, found as compilations ask (nil: none yet)
	stacks []*nstack      // native stacks not in use
	parked int            // runs parked (Park), each holding a stack
	all    []*nstack      // every native stack made (a run names its own by index)
	closed bool

	snap atomic.Pointer[[]*code] // the current code by function index; copied on write under mu

	byID   atomic.Pointer[[]*code] // j.codes, for the exits' lookups; copied on write under mu
	byAddr []*code                 // j.codes by the address of their memory (Frames); under mu

	glue     []byte // the entry thunk and the common exit (assembleGlue)
	glueExit int
	glueErr  error // why there is no glue (then nothing is compiled)

	stats counters
}

// fnState is what the JIT knows of one function.
type fnState struct {
	fn       *interp.Func // the function this is about (the REPL may replace it)
	code     *code
	failed   string // why it cannot be compiled ("" when it can)
	hot      int
	fb       feedback
	deopts   int
	compiles int

	// A function left to the interpreter because it is mostly steps
	// (sparse) is weighed again once native callers have called it
	// callsToSparse times: each such call costs native code a round trip
	// to the interpreter, as dear as a step, which the interpreter's
	// side of the scale now carries. A function that calls itself is
	// not sparse: its callers are mostly itself.
	sparse      bool
	nativeCalls int
}

// New returns a JIT for prog; install it as prog.Native. Close frees its
// code when the program has ended.
func New(prog *interp.Program, o Options) *JIT {
	j := &JIT{prog: prog, always: o.Always}
	glue, exit, err := assembleGlue()
	if err == nil {
		j.glue, err = mapCode(glue)
	}
	j.glueExit, j.glueErr = exit, err
	empty := []*code{}
	j.snap.Store(&empty)
	j.mu.Lock()
	j.syncFuncs()
	j.mu.Unlock()
	return j
}

// syncFuncs follows the program's function table: new functions get a
// state, replaced ones (the REPL) lose their code. mu must be held.
func (j *JIT) syncFuncs() {
	funcs := j.prog.Funcs()
	if len(funcs) == len(j.funcs) && (len(funcs) == 0 || &funcs[0] == &j.funcs[0]) {
		return
	}
	changed := len(funcs) != len(j.funcs)
	for i, fn := range funcs {
		if i >= len(j.fns) {
			j.fns = append(j.fns, &fnState{fn: fn})
			continue
		}
		if s := j.fns[i]; s.fn != fn {
			j.fns[i] = &fnState{fn: fn}
			changed = true
		}
	}
	j.funcs = funcs
	j.fx = nil // the effects are the old table's
	if changed {
		// A redefined word invalidates the code of every function (a
		// caller may have relied on the old one); they compile again.
		for _, s := range j.fns {
			s.code = nil
		}
		j.makeTable()
		j.publish()
	}
}

// makeTable makes a new call table for the current functions.
func (j *JIT) makeTable() {
	t := make([]uintptr, len(j.funcs)*callRow/8+callRow/8)
	for i, fn := range j.funcs {
		if fn == nil {
			continue
		}
		t[i*3+1] = uintptr(fn.MaxPush * 16)
		t[i*3+2] = uintptr(fn.NLocals)
		if c := j.fns[i].code; c != nil {
			t[i*3] = c.base() + uintptr(c.native)
		}
	}
	j.tables = append(j.tables, t)
}

// publish copies the current code to the snapshot Entry reads.
func (j *JIT) publish() {
	s := make([]*code, len(j.fns))
	for i, f := range j.fns {
		s[i] = f.code
	}
	j.snap.Store(&s)
}

// Entry implements interp.Native.
func (j *JIT) Entry(fn *interp.Func, pc int) uintptr {
	s := *j.snap.Load()
	i := int(fn.Index)
	var c *code
	if i < len(s) {
		c = s[i]
	}
	if c == nil || c.fn != fn {
		if !j.always {
			return 0
		}
		c = j.compileNow(fn)
		if c == nil {
			return 0
		}
	}
	for _, e := range c.entries {
		if e.pc == pc {
			return c.base() + uintptr(e.off)
		}
	}
	return 0
}

// Count implements interp.Native.
func (j *JIT) Count(fn *interp.Func, pc int, reductions int, m *interp.Machine) {
	j.mu.Lock()
	j.syncFuncs()
	if int(fn.Index) < len(j.fns) {
		s := j.fns[fn.Index]
		if s.fn == fn && s.code == nil && s.failed == "" {
			s.hot += reductions
			if s.hot >= Hot {
				s.fb.noteFrame(m)
				j.compile(s)
			}
		}
	}
	j.mu.Unlock()
}

// Chunk implements interp.Native: the interpreter gives native code back
// every reduction it can in the test mode, and where the function it runs
// has native code (an interpreted frame of a compiled function, as a
// recursion that was compiled half-way down leaves them).
func (j *JIT) Chunk(fn *interp.Func) int {
	if j.always {
		return 1
	}
	s := *j.snap.Load()
	if i := int(fn.Index); i < len(s) && s[i] != nil && s[i].fn == fn {
		return 1
	}
	return 64
}

// compileNow compiles fn if it has no code yet and returns its code.
func (j *JIT) compileNow(fn *interp.Func) *code {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.syncFuncs()
	if int(fn.Index) >= len(j.fns) {
		return nil
	}
	s := j.fns[fn.Index]
	if s.fn != fn {
		return nil
	}
	if s.code == nil && s.failed == "" {
		j.compile(s)
	}
	return s.code
}

// compile compiles s's function; mu must be held. A function that cannot
// be compiled is remembered as such (its reason is in the statistics).
func (j *JIT) compile(s *fnState) {
	if j.closed {
		return
	}
	start := time.Now()
	c, err := j.compileFunc(s)
	j.stats.compileTime.Add(int64(time.Since(start)))
	if err != nil {
		j.stats.failed.Add(1)
		j.drop(s, err.Error())
		return
	}
	s.code = c
	s.compiles++
	j.stats.compiled.Add(1)
	j.stats.bytes.Add(int64(c.size))
	j.stats.loops.Add(int64(len(c.entries) - 1))
	j.stats.inlined.Add(int64(c.inlined))
	j.setCall(s, c.base()+uintptr(c.native))
	j.publish()
}

// drop leaves s's function to the interpreter for good, for reason why:
// its code (a recompile's predecessor) is no longer entered or called.
func (j *JIT) drop(s *fnState, why string) {
	had := s.code != nil
	s.code, s.failed = nil, why
	if had {
		j.setCall(s, 0)
		j.publish()
	}
}

// setCall sets the native entry of s's function in the call table.
func (j *JIT) setCall(s *fnState, entry uintptr) {
	if t := j.tables[len(j.tables)-1]; int(s.fn.Index)*3 < len(t) {
		atomic.StoreUintptr(&t[int(s.fn.Index)*3], entry)
	}
}

// compileFunc runs the compiler's passes on s's function.
func (j *JIT) compileFunc(s *fnState) (c *code, err error) {
	defer func() {
		if r := recover(); r != nil {
			if debugPanics {
				panic(r)
			}
			// A bug in the compiler is a function it does not compile,
			// never a crash of the program.
			c, err = nil, fmt.Errorf("jit: %s: %v", s.fn.Name, r)
		}
	}()
	if j.glueErr != nil { // no native code runs without the glue
		return nil, j.glueErr
	}
	if j.fx == nil {
		j.fx = newEffects(j.funcs)
	}
	f, err := build(s.fn, j.fx, &s.fb)
	if err != nil {
		return nil, err
	}
	if credit := 0.0; !j.always {
		if s.calledNative() {
			credit = stepCost // what each call from native code costs now
		}
		if f.steps*stepCost > f.work+credit {
			// Native code that mostly hands instructions to the
			// interpreter is slower than the interpreter: each step
			// costs a round trip.
			s.sparse = !f.callsItself(int(s.fn.Index))
			return nil, fmt.Errorf("jit: %s: left to the interpreter, its instructions are mostly steps (%.0f of %.0f)", s.fn.Name, f.steps, f.steps+f.work)
		}
	}
	f.optimize()
	if debugIR == "*" || debugIR == s.fn.Name {
		fmt.Fprintf(os.Stderr, "jit: compile %d of %s\n%v", s.compiles, s.fn.Name, f)
	}
	a := f.allocate(archGPRs, archFPRs)
	c = &code{id: len(j.codes), fn: s.fn, sites: f.sites, inlined: f.inlined}
	bytes, err := assemble(f, a, c, int(s.fn.Index))
	if err != nil {
		return nil, err
	}
	if debugIR == "*" || debugIR == s.fn.Name {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("raft-jit-%d-%d.bin", s.fn.Index, s.compiles))
		if err := os.WriteFile(path, bytes, 0o644); err == nil {
			fmt.Fprintf(os.Stderr, "jit: machine code of %s in %s\n", s.fn.Name, path)
		}
	}
	c.mem, err = mapCode(bytes)
	if err != nil {
		return nil, err
	}
	c.size = len(bytes)
	j.codes = append(j.codes, c)
	ids := append([]*code(nil), j.codes...)
	j.byID.Store(&ids)
	at := sort.Search(len(j.byAddr), func(i int) bool { return j.byAddr[i].base() > c.base() })
	j.byAddr = append(j.byAddr, nil)
	copy(j.byAddr[at+1:], j.byAddr[at:])
	j.byAddr[at] = c
	return c, nil
}

// Begin implements interp.Native: it gives st a native stack and the call
// table.
func (j *JIT) Begin(st *interp.NativeState) {
	j.mu.Lock()
	j.syncFuncs()
	var ns *nstack
	if n := len(j.stacks); n > 0 {
		ns, j.stacks = j.stacks[n-1], j.stacks[:n-1]
	}
	t := j.tables[len(j.tables)-1]
	j.mu.Unlock()
	if ns == nil {
		var err error
		if ns, err = newStack(); err != nil {
			panic("jit: no memory for a native stack: " + err.Error())
		}
		j.mu.Lock()
		ns.index = len(j.all)
		j.all = append(j.all, ns)
		j.mu.Unlock()
	}
	top := ns.top()
	st.Private[privTop] = top
	st.Private[privStack] = uintptr(ns.index)
	// Room for the frames the interpreter may still make (MaxCallDepth
	// counts them all), measured in the least bytes a frame takes.
	room := int64(interp.MaxCallDepth-1-st.FP)*minFrame - maxFrame
	room = min(room, int64(stackSize-2*maxFrame))
	if room < 0 {
		room = 0
	}
	st.Private[privLimit] = top - uintptr(room)
	st.Calls = uintptr(unsafe.Pointer(&t[0]))
	st.Private[privExit] = uintptr(unsafe.Pointer(&j.glue[0])) + uintptr(j.glueExit)
	j.stats.entries.Add(1)
}

// stepCost is how many plain instructions native code must run for each
// step for it to be faster than the interpreter, about (measured on the
// corpus: bintrees, strings and bst; a step's round trip costs some 300
// machine instructions, an interpreted instruction some 25).
const stepCost = 12

// parkBytes is the native stack a yielding run must use for its frames to
// be parked rather than written back; maxParked bounds the runs parked at
// once (each holds a native stack).
const (
	parkBytes = 0
	maxParked = 1024
)

// Park implements interp.Native.
func (j *JIT) Park(st *interp.NativeState) bool {
	if st.Private[privTop]-st.Private[privNativeSP] < parkBytes {
		return false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if st.Private[privParked] == 0 { // not parked before in this run
		if j.parked >= maxParked {
			return false
		}
		j.parked++
		st.Private[privParked] = 1
	}
	j.stats.parks.Add(1)
	return true
}

// End implements interp.Native.
func (j *JIT) End(st *interp.NativeState) {
	if st.Blocks > 0 {
		j.stats.blocks.Add(st.Blocks)
		st.Blocks = 0
	}
	j.mu.Lock()
	if st.Private[privParked] != 0 {
		st.Private[privParked] = 0
		j.parked--
	}
	j.stacks = append(j.stacks, j.all[st.Private[privStack]])
	j.mu.Unlock()
}

// Enter implements interp.Native.
func (j *JIT) Enter(st *interp.NativeState, code uintptr) {
	if code != 0 && code == st.Resume {
		// Back into native code after an exit that comes back, below
		// the frames it left (the trampoline's call pushes there).
		st.Resume = 0
		enter(code, uintptr(unsafe.Pointer(st)), st.Private[privNativeSP], &st.Private[privGoSP])
	} else {
		st.Private[privEntry] = code
		enter(uintptr(unsafe.Pointer(&j.glue[0])), uintptr(unsafe.Pointer(st)), st.Private[privTop], &st.Private[privGoSP])
	}
	if st.Exit == interp.ExitReturn {
		j.stats.why[0].Add(1)
		return
	}
	c := j.codeOf(int(st.Private[privCode]))
	x := &c.exits[st.Site]
	if x.table {
		// The exit's fields, from its table; the write-back is pending.
		st.Exit, st.Why, st.PC, st.Fn = int64(x.kind), int64(x.why), int64(x.pc), int64(c.fn.Index)
		st.SP = st.Base + int64(x.top)
		if x.guard.kind != lNone {
			st.AuxK = int64(j.read(st, x.guard))
		}
		st.Aux = j.read(st, x.aux)
		st.Private[privPending] = uintptr(st.Site) + 1
		st.Pending = 1
		if x.kind == interp.ExitFuel {
			st.Private[privBack] = c.base() + uintptr(x.back)
		}
	}
	if debugExits {
		op := -1
		if x.site >= 0 {
			op = c.sites[x.site].operand
		}
		fmt.Printf("jit: exit %s from %s at pc %d: %s (sp %d) operand %d kind %d\n", exitNames[st.Exit], c.fn.Name, st.PC, whyNames[x.why], st.SP, op, st.AuxK)
	}
	j.stats.why[x.why].Add(1)
	if x.why == whyStep || x.why == whyUnsupported {
		c.steps[st.Site].Add(1)
	}
	if x.resume >= 0 {
		st.Resume = c.base() + uintptr(x.resume)
	}
	switch {
	case x.site >= 0 && st.Exit == interp.ExitInterp && (x.why == whyGuard || x.why == whyEntry):
		j.deopt(c, x.site, st.AuxK)
	case x.why == whyCall:
		// Native code calls a function without native code: compile it,
		// so that the next call is native.
		j.callFromNative(int(st.Aux))
	}
}

// stepName names the instruction exit x of c leaves to the interpreter.
func stepName(c *code, x int) string {
	in := interp.Decode(c.fn, c.exits[x].pc)
	if in.Op == interp.Builtin {
		return interp.BuiltinName(in.Slot)
	}
	if in.Op == interp.CallHost {
		if _, _, name, ok := c.fn.HostEffect(in.Slot); ok {
			return name
		}
	}
	return in.Op.String()
}

// read returns the word at location l at the last exit: a saved register,
// a spill slot of the innermost frame, or a constant.
func (j *JIT) read(st *interp.NativeState, l xloc) uint64 {
	switch l.kind {
	case lReg:
		return st.Regs[l.at]
	case lStack:
		j.mu.Lock()
		mem := j.all[st.Private[privStack]].mem
		j.mu.Unlock()
		off := st.Private[privNativeSP] + uintptr(l.at) - uintptr(unsafe.Pointer(&mem[0]))
		return binary.LittleEndian.Uint64(mem[off:])
	case lState:
		return *(*uint64)(unsafe.Add(unsafe.Pointer(st), l.at))
	}
	return uint64(l.at)
}

// value returns the Raft value of kind k and payload p at the last exit.
func (j *JIT) value(st *interp.NativeState, k, p xloc) gc.Value {
	return gc.Value{K: gc.Kind(j.read(st, k)), X: j.read(st, p)}
}

// Writeback implements interp.Native.
func (j *JIT) Writeback(st *interp.NativeState, f func(where interp.WriteTo, idx int, v gc.Value)) {
	site := int(st.Private[privPending]) - 1
	if site < 0 {
		return
	}
	st.Private[privPending], st.Pending = 0, 0
	x := &j.codeOf(int(st.Private[privCode])).exits[site]
	for _, s := range x.stores {
		where := interp.WriteStack
		if s.local {
			where = interp.WriteLocal
		}
		f(where, s.idx, j.value(st, s.k, s.p))
	}
	for _, r := range x.retains {
		f(interp.WriteRetain, 0, j.value(st, r[0], r[1]))
	}
}

// Unwrite implements interp.Native: for a parked run going on, the
// locals its exit wrote that native code has as nil in memory, and the
// values it counted.
func (j *JIT) Unwrite(st *interp.NativeState, f func(where interp.WriteTo, idx int, v gc.Value)) {
	x := &j.codeOf(int(st.Private[privCode])).exits[st.Site]
	for _, s := range x.stores {
		if s.local && s.memNil {
			f(interp.WriteLocal, s.idx, gc.Nil)
		}
	}
	for _, r := range x.retains {
		f(interp.WriteRetain, 0, j.value(st, r[0], r[1]))
	}
}

// callsItself reports whether f calls function fn, its own index.
func (f *function) callsItself(fn int) bool {
	for _, c := range f.calls {
		if c.callee == fn {
			return true
		}
	}
	return false
}

// calledNative reports whether native code calls s's function often
// enough for it to be native however many steps it has (see sparse).
func (s *fnState) calledNative() bool { return s.nativeCalls >= callsToSparse }

// callsToSparse is how many calls from native code compile a sparse function.
const callsToSparse = 64

// nativeCallWeight is what a call from native code into the interpreter
// counts toward compiling the callee (Hot): a function native code calls
// often is compiled after a few calls, one it calls once or twice (a
// report at the end of a program) is not compiled for nothing.
const nativeCallWeight = Hot / 16

// callFromNative counts a call from native code to function i through the
// interpreter, and compiles i once such calls (and its own reductions)
// make it hot.
func (j *JIT) callFromNative(i int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if i < 0 || i >= len(j.fns) {
		return
	}
	s := j.fns[i]
	if s.code != nil {
		return
	}
	if s.sparse && !s.calledNative() {
		if s.nativeCalls++; s.calledNative() {
			s.failed, s.sparse = "", false
		}
	}
	if s.failed == "" {
		if s.hot += nativeCallWeight; s.hot >= Hot {
			j.compile(s)
		}
	}
}

// codeOf returns the code with id.
func (j *JIT) codeOf(id int) *code { return (*j.byID.Load())[id] }

// deopt records that a check at site of code c failed on kind k; a
// function whose checks keep failing is compiled again, knowing.
func (j *JIT) deopt(c *code, site int, k int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.fns[c.fn.Index]
	if s.fn != c.fn {
		return
	}
	if s.fb.kinds == nil {
		s.fb.kinds = map[siteKey]uint16{}
	}
	key := c.sites[site]
	if key.operand == lengthOperand {
		k = min(max(k, 0), lengthMany) // a length, not a kind (see unpack)
	}
	if k >= 0 && k < 16 {
		s.fb.kinds[key] |= 1 << k
	}
	s.deopts++
	if s.code == c && s.deopts >= deoptLimit {
		s.deopts = 0
		if s.compiles >= maxCompiles {
			// Its checks keep failing whatever it learns: the
			// interpreter runs it.
			j.drop(s, "jit: "+s.fn.Name+": its type checks keep failing")
			return
		}
		j.stats.recompiled.Add(1)
		j.compile(s)
	}
}

// Frames implements interp.Native: it walks the native stack from the
// innermost frame at the last exit to the entry thunk. A frame holds no
// record of the call it is making: the return address its callee keeps
// (above the callee's frame on amd64, in it on arm64) says which code
// made the call, and where.
func (j *JIT) Frames(st *interp.NativeState, f func(fn uint32, callPC, lbase int)) {
	type fr struct {
		fn    uint32
		pc    int
		lbase int
	}
	j.mu.Lock()
	mem := j.all[st.Private[privStack]].mem
	byAddr := j.byAddr
	j.mu.Unlock()
	base := uintptr(unsafe.Pointer(&mem[0]))
	word := func(p uintptr) uintptr { return uintptr(binary.LittleEndian.Uint64(mem[p-base:])) }
	var frames []fr
	p, stop := st.Private[privNativeSP], st.Private[privEntrySP]
	c := j.codeOf(int(st.Private[privCode]))
	for {
		next := p + uintptr(c.frame) + retAddrSize
		if next >= stop {
			break
		}
		ret := word(p + uintptr(c.retAt))
		i := sort.Search(len(byAddr), func(i int) bool { return byAddr[i].base() > ret }) - 1
		if i < 0 {
			panic("jit: a return address outside the compiled code")
		}
		cc := byAddr[i]
		pc, ok := cc.callAt(int(ret - cc.base()))
		if !ok {
			panic("jit: a return address that follows no call in " + cc.fn.Name)
		}
		frames = append(frames, fr{fn: cc.fn.Index, pc: pc, lbase: int(word(next + 8))})
		p, c = next, cc
	}
	for i := len(frames) - 1; i >= 0; i-- {
		f(frames[i].fn, frames[i].pc, frames[i].lbase)
	}
}

// Close frees the compiled code. The program's machines must not run any
// more.
func (j *JIT) Close() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return
	}
	j.closed = true
	if j.glue != nil {
		unmapCode(j.glue)
	}
	for _, c := range j.codes {
		unmapCode(c.mem)
	}
	for _, s := range j.all {
		s.free()
	}
	j.codes, j.stacks, j.all = nil, nil, nil
}

func (c *code) base() uintptr { return uintptr(unsafe.Pointer(&c.mem[0])) }

// counters are the statistics of a JIT (atomic: machines count
// concurrently).
type counters struct {
	compiled, failed, recompiled, bytes, loops, entries, compileTime, parks, blocks, inlined atomic.Int64
	why                                                                                      [numWhy]atomic.Int64 // exits by reason; 0 is a return
}

// Stats are what --stats shows of the JIT.
type Stats struct {
	Compiled, Failed, Recompiled int // functions
	Loops                        int // loop headers native code can be entered at
	Inlined                      int // calls built as their callee's body (inline.go)
	Bytes                        int // of machine code
	CompileTime                  time.Duration
	Entries                      int              // runs of native code begun
	Parks                        int              // runs that yielded with their native frames kept
	Exits                        map[string]int64 // by reason
	Failures                     []string         // why functions were not compiled (a few)
	Steps                        map[string]int64 // instructions left to the interpreter, by name
}

// Stats returns the JIT's statistics.
func (j *JIT) Stats() Stats {
	s := Stats{
		Compiled: int(j.stats.compiled.Load()), Failed: int(j.stats.failed.Load()), Recompiled: int(j.stats.recompiled.Load()),
		Loops: int(j.stats.loops.Load()), Inlined: int(j.stats.inlined.Load()), Bytes: int(j.stats.bytes.Load()), CompileTime: time.Duration(j.stats.compileTime.Load()),
		Entries: int(j.stats.entries.Load()), Parks: int(j.stats.parks.Load()), Exits: map[string]int64{},
	}
	s.Exits["return"] = j.stats.why[0].Load()
	if n := j.stats.blocks.Load(); n > 0 {
		s.Exits["blocking word"] = n
	}
	for w := 1; w < numWhy; w++ {
		if n := j.stats.why[w].Load(); n > 0 {
			s.Exits[whyNames[w]] = n
		}
	}
	s.Steps = map[string]int64{}
	j.mu.Lock()
	for _, c := range j.codes {
		for x := range c.steps {
			if n := c.steps[x].Load(); n > 0 {
				s.Steps[stepName(c, x)] += n
			}
		}
	}
	for _, f := range j.fns {
		if f.failed != "" && len(s.Failures) < 5 && !f.fn.Lib {
			s.Failures = append(s.Failures, f.failed)
		}
	}
	j.mu.Unlock()
	return s
}

// Write writes the statistics as the jit: lines of --stats.
func (s Stats) Write(w io.Writer) {
	fmt.Fprintf(w, "jit: %d functions compiled (%d not, %d again), %d entries at loops and returns, %d calls inlined, %d bytes of code, %v compiling\n",
		s.Compiled, s.Failed, s.Recompiled, s.Loops, s.Inlined, s.Bytes, s.CompileTime.Round(time.Microsecond))
	var names []string
	for k := range s.Exits {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "jit: %d entries, %d parked; exits:", s.Entries, s.Parks)
	for _, k := range names {
		fmt.Fprintf(w, " %s %d,", k, s.Exits[k])
	}
	fmt.Fprintln(w)
	if len(s.Steps) > 0 {
		type kv struct {
			k string
			v int64
		}
		var top []kv
		for k, v := range s.Steps {
			top = append(top, kv{k, v})
		}
		sort.Slice(top, func(a, b int) bool { return top[a].v > top[b].v || top[a].v == top[b].v && top[a].k < top[b].k })
		fmt.Fprint(w, "jit: left to the interpreter:")
		for i, t := range top {
			if i == 8 {
				break
			}
			fmt.Fprintf(w, " %s %d,", t.k, t.v)
		}
		fmt.Fprintln(w)
	}
	for _, f := range s.Failures {
		fmt.Fprintf(w, "jit: not compiled: %s\n", f)
	}
}
