package interp

// This file defines the compiler: tokens in, verified functions out.
//
// A program is compiled whole. Pass 1 (collect) walks the files, follows
// includes, and records every definition (`: name ... ;`) and constant, so
// that pass 2 (compile) can resolve a word used before its definition. The
// top-level code of every file, with included files spliced in where they are
// included, becomes the main function.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/raftvm/raft/gc"
)

// Func is one compiled function: a word, a quotation or a program's top level.
type Func struct {
	Name    string // the word's name; "<main>" or "<quot>" otherwise
	Code    []byte // bytecode
	NLocals int    // local slots, hidden loop and array slots included
	MaxPush int    // values a run from any check point may push before the next (see verify.go)
	Index   uint32 // its index in the program's function table
	Quot    bool   // a [ ] quotation
	Lib     bool   // library code (prelude), not shown in failure traces
	Pos     Pos    // where it is defined
	lines   []lineEntry
	inl     []inlineSite // the calls inlined in it (Pos.inl)
	hosts   []HostWord   // the program's host words when it was verified (CallHost's operand indexes them)

	// under maps the pc of a superinstruction to the position where running
	// out of stack belongs when that is not the instruction's own position
	// (the dup of dup 2 < if).
	under map[int32]Pos

	// Set by the verifier, for the interpreter.
	entry     unsafe.Pointer // &Code[0]
	pushBytes uintptr        // MaxPush times the size of a Value

	// A function whose code starts with a conditional return on an int
	// constant (ReturnIfLtK 2, the base case of a recursive word) has
	// leafKind gc.KInt, and its test holds for an int x exactly when
	// uint64(x)-leafLo <= leafSpan. A call tests that in place of entering
	// (see doCall in run.go). Other functions have leafKind noLeaf.
	leafKind gc.Kind
	leafLo   uint64
	leafSpan uint64
}

// noLeaf is the leafKind of a function that does not start with a
// conditional return: no value has this kind.
const noLeaf gc.Kind = 0xff

// lineEntry maps the instruction starting at pc to its source position.
// There is one entry per instruction, in pc order (clox's layout; small
// enough for now).
type lineEntry struct {
	pc  int32
	pos Pos
}

// setUnder records where a stack underflow of the instruction at pc belongs.
func (f *Func) setUnder(pc int, pos Pos) {
	if f.under == nil {
		f.under = map[int32]Pos{}
	}
	f.under[int32(pc)] = pos
}

// PosAt returns the source position of the instruction at pc.
func (f *Func) PosAt(pc int) Pos {
	lo, hi := 0, len(f.lines)
	for lo < hi {
		mid := (lo + hi) / 2
		if int(f.lines[mid].pc) <= pc {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return f.Pos
	}
	return f.lines[lo-1].pos
}

// Program is compiled Raft code: a table of functions and the dictionary
// that names them. In the REPL a program grows line by line while its
// actors run; the function table is replaced as a whole (copy on write).
type Program struct {
	In   *gc.Interns
	Main uint32 // the top-level function of the last compiled unit

	funcs atomic.Pointer[[]*Func] // published function table; pairs with the Load in Funcs

	mu       sync.Mutex        // guards dict and included: one compilation at a time
	dict     map[string]*entry // user and library words, constants
	included map[string]bool   // files already compiled (cleaned paths)

	hostWords []HostWord     // words written in Go (DefineHost); guarded by mu while defined, read-only once code uses them
	hostIndex map[string]int // index in hostWords by name; guarded by mu

	// ReadFile reads an included file; nil means os.ReadFile.
	ReadFile func(path string) ([]byte, error)

	// Native, when set, compiles hot functions to native code (raft run
	// --jit); Run uses it. Set it before any machine runs.
	Native Native

	// Seed is the program-wide seed of random and random-float: each
	// actor's generator starts from it and the actor's pid. NewProgram
	// picks a random one; set it before any machine runs (raft run --seed)
	// to make a run reproducible.
	Seed uint64

	// Prof, when set, collects samples of the program's Raft call stacks
	// (raft run --profile).
	Prof *Profile
}

// Lookup returns the function of the word named name: a word of the
// program's own, or with lib set a library word too.
func (p *Program) Lookup(name string, lib bool) (fn uint32, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.dict[name]
	if !ok || e.kind != eWord || e.lib && !lib {
		return 0, false
	}
	return e.slot, true
}

// Funcs returns the program's function table.
func (p *Program) Funcs() []*Func { return *p.funcs.Load() }

type entryKind uint8

const (
	eWord  entryKind = iota // a compiled word: slot is its function index
	eConst                  // a constant: val
)

type entry struct {
	kind entryKind
	slot uint32
	val  gc.Value
	pos  Pos
	lib  bool
}

// syntax words: handled by the compiler, never names of definitions.
var syntaxWords = map[string]bool{
	":": true, ";": true, "[": true, "]": true, "{": true, "}": true,
	"if": true, "else": true, "then": true, "begin": true, "until": true,
	"again": true, "while": true, "repeat": true, "do": true, "loop": true,
	"+loop": true, "i": true, "j": true, "leave": true, "return": true,
	"|": true, "to": true, "'": true, "constant": true, "include": true,
}

// NewProgram returns an empty program with the library words defined.
func NewProgram() *Program {
	p := &Program{In: gc.NewInterns(), dict: map[string]*entry{}, included: map[string]bool{}, Seed: rand.Uint64()}
	var pad [8]uint32
	layoutPad(&pad) // see runPhase
	empty := []*Func{}
	p.funcs.Store(&empty)
	if _, err := p.compile("<lib>", []byte(prelude), true, false); err != nil {
		panic("interp: prelude: " + err.Error())
	}
	return p
}

// Compile compiles the program in file (its text is src), with its includes
// read from the file system.
func Compile(file string, src []byte) (*Program, error) {
	return CompileWith(file, src, nil)
}

// CompileWith is Compile with included files read by readFile (nil:
// os.ReadFile); a fuzzer or an embedder can serve includes from memory.
func CompileWith(file string, src []byte, readFile func(path string) ([]byte, error)) (*Program, error) {
	p := NewProgram()
	p.ReadFile = readFile
	if err := p.CompileFile(file, src); err != nil {
		return nil, err
	}
	return p, nil
}

// CompileFile compiles a whole program, in file (its text is src), into p,
// a new program that may have host words (DefineHost) or a ReadFile of
// its own: as Compile, its words may not be redefined.
func (p *Program) CompileFile(file string, src []byte) error {
	_, err := p.compile(file, src, false, false)
	return err
}

// CompileMore compiles more source into p, as the REPL does with each line:
// words may be redefined (later calls see the new definition). It returns
// the index of the function that runs the new top-level code. On error p is
// unchanged.
func (p *Program) CompileMore(name string, src []byte) (uint32, error) {
	return p.compile(name, src, false, true)
}

// compiler holds the state of one compilation.
type compiler struct {
	p         *Program
	lib       bool
	repl      bool
	dict      map[string]*entry // copy of p.dict, committed on success
	included  map[string]bool
	funcs     []*Func // the function table being built
	bodies    []defBody
	top       []token
	redefined []uint32               // REPL: slots of words whose function was replaced
	inl       map[uint32]*inlineWord // by slot, the words of bodies (see inline.go)
}

type defBody struct {
	name string
	pos  Pos
	toks []token
	slot uint32
}

func (p *Program) compile(file string, src []byte, lib, repl bool) (uint32, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := &compiler{p: p, lib: lib, repl: repl, dict: make(map[string]*entry, len(p.dict)), included: make(map[string]bool, len(p.included))}
	for k, v := range p.dict {
		c.dict[k] = v
	}
	for k, v := range p.included {
		c.included[k] = v
	}
	old := p.Funcs()
	c.funcs = append(make([]*Func, 0, len(old)+16), old...)

	toks, err := lex(file, src)
	if err != nil {
		return 0, err
	}
	if !repl {
		c.included[filepath.Clean(file)] = true
	}
	if err := c.collect(file, toks, []string{file}); err != nil {
		return 0, err
	}
	for _, d := range c.bodies {
		fn, err := c.function(d.name, d.pos, d.toks, nil, nil, false)
		if err != nil {
			return 0, err
		}
		fn.Index = d.slot
		c.funcs[d.slot] = fn
	}
	mainPos := Pos{File: file, Line: 1, Col: 1}
	main, err := c.function("<main>", mainPos, c.top, nil, nil, false)
	if err != nil {
		return 0, err
	}
	main.Index = c.add(main)
	for _, fn := range c.funcs[len(old):] {
		if err := verify(fn, len(c.funcs), c.p.In, c.p.hostWords); err != nil {
			panic(fmt.Sprintf("interp: compiler produced bad code for %s: %v", fn.Name, err))
		}
	}
	// Redefinitions replace functions in place: verify those too.
	for _, d := range c.bodies {
		if int(d.slot) < len(old) {
			c.redefined = append(c.redefined, d.slot)
		}
	}
	for _, slot := range c.redefined {
		if int(slot) < len(old) {
			if err := verify(c.funcs[slot], len(c.funcs), c.p.In, c.p.hostWords); err != nil {
				panic(fmt.Sprintf("interp: compiler produced bad code for %s: %v", c.funcs[slot].Name, err))
			}
		}
	}
	p.dict, p.included = c.dict, c.included
	funcs := c.funcs
	p.funcs.Store(&funcs) // publishes the functions to Funcs
	p.Main = main.Index
	return main.Index, nil
}

// add appends fn to the function table and returns its index.
func (c *compiler) add(fn *Func) uint32 {
	c.funcs = append(c.funcs, fn)
	i := uint32(len(c.funcs) - 1)
	if fn != nil {
		fn.Index = i
	}
	return i
}

// checkName reports whether t may name a definition or constant.
func (c *compiler) checkName(t token) *Error {
	if t.isLiteral() {
		return errorf(t.pos, "bad word name %s", tokenText(t))
	}
	if syntaxWords[t.text] || isBuiltinWord(t.text) && (c.lib || !extensionWords[t.text]) {
		return errorf(t.pos, "cannot redefine builtin word %s", t.text)
	}
	if w, ok := c.p.hostIndex[t.text]; ok && !c.p.hostWords[w].Yield {
		return errorf(t.pos, "cannot redefine host word %s", t.text)
	}
	if e, ok := c.dict[t.text]; ok {
		if e.lib && !c.lib {
			if extensionWords[t.text] {
				return nil // the program's own word of that name (see extensionWords)
			}
			return errorf(t.pos, "cannot redefine builtin word %s", t.text)
		}
		if !c.repl {
			return errorf(t.pos, "redefinition of %s (first defined at %s)", shown(t.text), e.pos)
		}
	}
	return nil
}

// tokenText writes t for an error message: a string quoted, a symbol with
// its colon, anything else as shown writes it.
func tokenText(t token) string {
	if t.kind == tString {
		return string(appendQuotedMax(nil, []byte(t.text), maxShown))
	}
	if t.kind == tSymbol {
		return shown(":" + t.text)
	}
	return shown(t.text)
}

// collect is pass 1 over one file's tokens: definitions and constants go to
// the dictionary, includes are followed, the rest is top-level code.
// chain is the include chain that led here (for cycle errors).
func (c *compiler) collect(file string, toks []token, chain []string) error {
	depth := 0                            // [ ] nesting in top-level code
	lastLit := -1                         // index in c.top of a literal just collected from this file
	c.top = slices.Grow(c.top, len(toks)) // room for this file's top level, at most all of it
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tWord {
			c.top = append(c.top, t)
			lastLit = len(c.top) - 1
			continue
		}
		switch t.text {
		case ":":
			if depth > 0 {
				return errorf(t.pos, ": inside a quotation")
			}
			if i+1 >= len(toks) {
				return errorf(t.pos, ": without ;")
			}
			name := toks[i+1]
			if name.kind == tWord && (name.text == ";" || name.text == ":") {
				return errorf(name.pos, "definition needs a name")
			}
			if err := c.checkName(name); err != nil {
				return err
			}
			j := i + 2
			for ; j < len(toks); j++ {
				if toks[j].kind == tWord && toks[j].text == ";" {
					break
				}
				if toks[j].kind == tWord && toks[j].text == ":" {
					return errorf(toks[j].pos, ": inside a definition")
				}
			}
			if j == len(toks) {
				return errorf(t.pos, ": without ;")
			}
			slot := uint32(0)
			if e, ok := c.dict[name.text]; ok && e.kind == eWord && c.repl && !e.lib {
				slot = e.slot // a redefinition in the REPL replaces the function
			} else {
				slot = c.add(nil)
			}
			c.dict[name.text] = &entry{kind: eWord, slot: slot, pos: name.pos, lib: c.lib}
			c.bodies = append(c.bodies, defBody{name: name.text, pos: name.pos, toks: toks[i+2 : j], slot: slot})
			i = j
			lastLit = -1
		case ";":
			return errorf(t.pos, "; without :")
		case "constant":
			if depth > 0 {
				return errorf(t.pos, "constant inside a quotation")
			}
			if lastLit < 0 || lastLit != len(c.top)-1 {
				return errorf(t.pos, "constant needs one literal before it")
			}
			if i+1 >= len(toks) {
				return errorf(t.pos, "constant needs a name")
			}
			name := toks[i+1]
			if err := c.checkName(name); err != nil {
				return err
			}
			lit := c.top[lastLit]
			c.top = c.top[:lastLit]
			lastLit = -1
			c.constant(name, c.literal(lit))
			i++
		case "include":
			if depth > 0 {
				return errorf(t.pos, "include inside a quotation")
			}
			if i+1 >= len(toks) || toks[i+1].kind != tString {
				return errorf(t.pos, "include needs a string path")
			}
			i++
			if err := c.include(file, toks[i], chain); err != nil {
				return err
			}
			lastLit = -1
		default:
			if t.text == "[" {
				depth++
			} else if t.text == "]" && depth > 0 {
				depth--
			}
			c.top = append(c.top, t)
			lastLit = -1
		}
	}
	return nil
}

// constant defines name to push v. In a file it is inlined where it is
// used; in the REPL it is a word, so that a later redefinition (as another
// constant or as a word) is seen by the words compiled before it.
func (c *compiler) constant(name token, v gc.Value) {
	if !c.repl {
		c.dict[name.text] = &entry{kind: eConst, val: v, pos: name.pos, lib: c.lib}
		return
	}
	f := &fcomp{c: c, fn: &Func{Name: name.text, Pos: name.pos}, locals: map[string]int{}, last: -1, prev: -1, label: -1}
	f.pushConst(v, name.pos)
	f.emit(Return, name.pos)
	slot := uint32(0)
	if e, ok := c.dict[name.text]; ok && e.kind == eWord {
		slot = e.slot
		c.funcs[slot] = f.fn
		c.redefined = append(c.redefined, slot)
	} else {
		slot = c.add(f.fn)
	}
	f.fn.Index = slot
	c.dict[name.text] = &entry{kind: eWord, slot: slot, pos: name.pos, lib: c.lib}
}

// include compiles the file named by t (relative to file's directory) once.
func (c *compiler) include(file string, t token, chain []string) error {
	path := t.text
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(file), path)
	}
	path = filepath.Clean(path)
	for i, f := range chain {
		if filepath.Clean(f) == path {
			cycle := append(append([]string{}, chain[i:]...), path)
			return errorf(t.pos, "include cycle: %s", strings.Join(cycle, " -> "))
		}
	}
	if c.included[path] {
		return nil
	}
	read := c.p.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	src, err := read(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errorf(t.pos, "include not found: %s", shown(t.text))
		}
		// A directory, a file without read permission: say why.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return errorf(t.pos, "cannot include %s: %v", shown(t.text), err)
	}
	c.included[path] = true
	toks, lerr := lex(path, src)
	if lerr != nil {
		return lerr
	}
	return c.collect(path, toks, append(chain, path))
}

// literal returns the value of a literal token.
func (c *compiler) literal(t token) gc.Value {
	switch t.kind {
	case tInt:
		return gc.Int(t.i)
	case tFloat:
		return gc.Float(t.f)
	case tString:
		return c.p.In.StaticString(t.text)
	case tSymbol:
		return c.p.In.Intern(t.text)
	case tTrue:
		return gc.True
	case tFalse:
		return gc.False
	}
	return gc.Nil
}

// ctlKind is an open control structure.
type ctlKind uint8

const (
	cIf ctlKind = iota
	cElse
	cBegin
	cWhile
	cDo
	cBrace
)

var ctlOpen = [...]string{cIf: "if", cElse: "else", cBegin: "begin", cWhile: "while", cDo: "do", cBrace: "{"}
var ctlClose = [...]string{cIf: "then", cElse: "then", cBegin: "until, again or repeat", cWhile: "repeat", cDo: "loop", cBrace: "}"}

type ctl struct {
	kind   ctlKind
	pos    Pos
	fixup  int   // pc of a jump to patch with the end (if, else, while, do)
	target int   // begin: loop head; do: body start
	slot   int   // do: index slot; {: depth slot
	doPC   int   // do: pc of the DoInit instruction
	leaves []int // do: operands of leave jumps to patch
}

// fcomp compiles one function.
type fcomp struct {
	c      *compiler
	fn     *Func
	locals map[string]int
	parent *fcomp  // the function around a quotation (its locals make the quotation error)
	match  []int32 // for a [ in the tokens being compiled, the distance to its ]; 0 if none
	ctl    []ctl
	inLoop bool // the enclosing function is inside a do loop (for the quotation error)
	outer  int  // structures open around a quotation, in the functions around it and its [
	last   int  // pc of the last instruction emitted (-1: none)
	prev   int  // pc of the one before it (-1: none)
	label  int  // the latest pc a jump lands on (no fusing across it)
}

// function compiles toks as the body of a function: a definition or the
// top level (parent nil), or a quotation inside parent, which passes the
// bracket matches of toks (see fcomp.match) in match.
func (c *compiler) function(name string, pos Pos, toks []token, match []int32, parent *fcomp, outerLoop bool) (*Func, error) {
	if match == nil {
		match = matchBrackets(toks)
	}
	f := &fcomp{c: c, fn: &Func{Name: name, Pos: pos, Lib: c.lib, Quot: name == "<quot>"}, locals: map[string]int{}, parent: parent, match: match, inLoop: outerLoop, last: -1, prev: -1, label: -1}
	// About an instruction per token of its own (a quotation inside is
	// another function): grown once, not by doubling.
	own := 0
	for i := 0; i < len(toks); i++ {
		own++
		if toks[i].kind == tWord && toks[i].text == "[" {
			i += int(match[i])
		}
	}
	f.fn.lines = make([]lineEntry, 0, own+1)
	f.fn.Code = make([]byte, 0, 2*own+1)
	if parent != nil {
		f.outer = parent.outer + len(parent.ctl) + 1
	}
	if err := f.body(toks); err != nil {
		return nil, err
	}
	if n := len(f.ctl); n > 0 {
		o := f.ctl[n-1]
		return nil, errorf(o.pos, "%s without %s", ctlOpen[o.kind], ctlClose[o.kind])
	}
	end := pos
	if len(toks) > 0 {
		end = toks[len(toks)-1].pos
	}
	f.emit(Return, end)
	if fusing {
		relink(f.fn)
	}
	return f.fn, nil
}

func (f *fcomp) pc() int { return len(f.fn.Code) }

// emit appends an instruction without operands.
func (f *fcomp) emit(op Op, pos Pos) {
	f.prev, f.last = f.last, f.pc()
	f.fn.lines = append(f.fn.lines, lineEntry{int32(f.pc()), pos})
	f.fn.Code = append(f.fn.Code, byte(op))
}

// fusing turns superinstructions on (tests turn it off to compare).
var fusing = true

// fuse replaces the last instruction by the superinstruction that stands
// for it followed by op, if there is one and no jump lands between them.
// It returns the pc of the fused instruction, or -1.
func (f *fcomp) fuse(op Op) int {
	if !fusing || f.last < 0 || f.label == f.pc() {
		return -1
	}
	sup, ok := fused[[2]Op{Op(f.fn.Code[f.last]), op}]
	if !ok {
		return -1
	}
	f.fn.Code[f.last] = byte(sup)
	return f.last
}

// fuseDup folds a Dup just before the instruction at pc into it, where a
// superinstruction exists (Dup, JumpIfNotLtK k -> DupJumpIfNotLtK k). The
// Dup is one byte: the instruction moves down by one. It returns the pc of
// the result.
func (f *fcomp) fuseDup(at int) int {
	if f.prev < 0 || f.label == at || Op(f.fn.Code[f.prev]) != Dup || f.prev != at-1 {
		return at
	}
	sup, ok := fused[[2]Op{Dup, Op(f.fn.Code[at])}]
	if !ok {
		return at
	}
	code := f.fn.Code
	copy(code[f.prev+1:], code[at+1:])
	code[f.prev] = byte(sup)
	f.fn.Code = code[:len(code)-1]
	n := len(f.fn.lines)
	f.fn.setUnder(f.prev, f.fn.lines[n-2].pos) // running short is the dup's failure
	f.fn.lines[n-2].pos = f.fn.lines[n-1].pos  // any other is the comparison's
	f.fn.lines = f.fn.lines[:n-1]
	f.last, f.prev = f.prev, -1
	return f.last
}

// inverted gives the conditional jump that jumps exactly when the given one
// does not (only where that holds for every value: Lt and Ge differ on NaN).
var inverted = map[Op]Op{
	JumpIfFalse: JumpIfTrue, JumpIfTrue: JumpIfFalse,
	JumpIfNotEq: JumpIfNotNe, JumpIfNotNe: JumpIfNotEq,
	JumpIfNotEqK: JumpIfNotNeK, JumpIfNotNeK: JumpIfNotEqK,
	DupJumpIfNotEqK: DupJumpIfNotNeK, DupJumpIfNotNeK: DupJumpIfNotEqK,
}

// invertLoop ends a begin C while B repeat loop with a copy of its
// condition C and a jump back to B when C holds, instead of a jump back to
// C: one jump less in every pass. It does so when C is short and has no
// jumps of its own (the copy must not need new jump offsets), and reports
// whether it did.
func (f *fcomp) invertLoop(o *ctl) bool {
	code := f.fn.Code
	w := o.fixup // the while's conditional jump, perhaps fused with C's end
	inv, ok := inverted[Op(code[w])]
	if !ok || !fusing || w-o.target > 64 {
		return false
	}
	for pc := o.target; pc < w; pc += Op(code[pc]).Size() {
		if opTable[code[pc]].Flags&fBranch != 0 {
			return false
		}
	}
	body := w + Op(code[w]).Size()
	for pc := o.target; pc <= w; pc += Op(code[pc]).Size() {
		at := f.pc()
		f.fn.lines = append(f.fn.lines, lineEntry{int32(at), f.fn.PosAt(pc)})
		if p, ok := f.fn.under[int32(pc)]; ok {
			f.fn.setUnder(at, p)
		}
		f.fn.Code = append(f.fn.Code, f.fn.Code[pc:pc+Op(code[pc]).Size()]...)
		if pc == w {
			f.fn.Code[at] = byte(inv)
			binary.LittleEndian.PutUint32(f.fn.Code[at+targetOffset(inv):], uint32(int32(body-at)))
		}
		f.prev, f.last = -1, at
	}
	return true
}

// emitLocalGet emits LocalGet slot, fused with a LocalGet just before it
// into LocalGet2.
func (f *fcomp) emitLocalGet(slot int, pos Pos) {
	if f.fuse(LocalGet) >= 0 {
		f.fn.Code = binary.LittleEndian.AppendUint16(f.fn.Code, uint16(slot))
		return
	}
	f.emitU16(LocalGet, slot, pos)
}

// firstFails lists the superinstructions whose failure belongs to the
// first of the pair they fuse (IncNos: the 1+ of swap 1+ swap;
// JumpIfLocalsTrue: the get of a i get not if), not the second as usual
// (AddK: the + of 2 +).
var firstFails = map[Op]bool{IncNos: true, JumpIfLocalsTrue: true}

// emitOp emits an opcode without operands, fused with the instruction
// before it where a superinstruction exists (PushConst k, Add -> AddK k).
func (f *fcomp) emitOp(op Op, pos Pos) {
	if op == Get && f.fuseLocalGetK(pos) {
		return
	}
	if at := f.fuse(op); at >= 0 {
		sup := Op(f.fn.Code[at])
		if sup == IncNos {
			// swap 1+ swap: running short is the first swap's failure
			f.fn.setUnder(at, f.fn.under[int32(at)])
		} else if sup == SwapInc || sup == DupDec {
			f.fn.setUnder(at, f.fn.lines[len(f.fn.lines)-1].pos)
		}
		if !firstFails[sup] {
			f.fn.lines[len(f.fn.lines)-1].pos = pos // a failure is the op's
		}
		f.fusePrev(at)
		return
	}
	f.emit(op, pos)
}

// fusePrev folds the instruction before the one at pc into it, where a
// superinstruction stands for the pair (LocalGet2 a i, SetK k -> LocalsSetK
// a i k). The operands are already in order: the opcode byte at pc goes,
// and the one before becomes the superinstruction, whose failures are the
// second instruction's (the first's, for those in firstFails). It returns
// the pc of the result (at, when nothing fused).
func (f *fcomp) fusePrev(at int) int {
	code := f.fn.Code
	if f.prev < 0 || f.label == at || f.prev+Op(code[f.prev]).Size() != at {
		return at
	}
	sup, ok := fused[[2]Op{Op(code[f.prev]), Op(code[at])}]
	if !ok {
		return at
	}
	copy(code[at:], code[at+1:])
	code[f.prev] = byte(sup)
	f.fn.Code = code[:len(code)-1]
	delete(f.fn.under, int32(at))
	n := len(f.fn.lines)
	f.fn.setUnder(f.prev, f.fn.lines[n-2].pos) // running short is the first's failure
	if !firstFails[sup] {
		f.fn.lines[n-2].pos = f.fn.lines[n-1].pos
	}
	f.fn.lines = f.fn.lines[:n-1]
	f.last, f.prev = f.prev, -1
	return f.last
}

// fuseLocalGetK turns LocalGet a, PushConst k before a Get into
// LocalGetK a k ("p 0 get": a field of a record in a local), and reports
// whether it did. The pair PushConst k, Get alone stays two instructions:
// GetK, the pair LocalGetK stands for (superFuses), is in the cold path
// (run.go), slower than the two.
func (f *fcomp) fuseLocalGetK(pos Pos) bool {
	code := f.fn.Code
	if !fusing || f.prev < 0 || f.last != f.prev+3 || f.label == f.last || f.label == f.pc() ||
		Op(code[f.prev]) != LocalGet || Op(code[f.last]) != PushConst {
		return false
	}
	code[f.prev] = byte(LocalGetK)
	copy(code[f.last:], code[f.last+1:])
	f.fn.Code = code[:len(code)-1]
	n := len(f.fn.lines)
	f.fn.lines[n-2].pos = pos // a failure is the get's
	f.fn.lines = f.fn.lines[:n-1]
	f.last, f.prev = f.prev, -1
	return true
}

func (f *fcomp) emitU16(op Op, a int, pos Pos) {
	f.emit(op, pos)
	f.fn.Code = binary.LittleEndian.AppendUint16(f.fn.Code, uint16(a))
}

// emitU32 emits op with a u32 operand.
func (f *fcomp) emitU32(op Op, a uint32, pos Pos) {
	f.emit(op, pos)
	f.fn.Code = binary.LittleEndian.AppendUint32(f.fn.Code, a)
}

// emitJump emits a jump-like op to target (absolute; patch it later if it
// is not known yet) and returns the instruction's pc. Targets are stored
// relative to the instruction's start.
func (f *fcomp) emitJump(op Op, target int, pos Pos) int {
	if op == JumpIfFalse {
		if at := f.fuse(op); at >= 0 { // Lt, JumpIfFalse -> JumpIfNotLt
			at = f.fuseDup(at)
			at = f.fusePrev(at) // LocalsGet a i, JumpIfTrue -> JumpIfLocalsTrue a i
			f.fn.Code = binary.LittleEndian.AppendUint32(f.fn.Code, uint32(int32(target-at)))
			return at
		}
	}
	at := f.pc()
	f.emit(op, pos)
	f.fn.Code = binary.LittleEndian.AppendUint32(f.fn.Code, uint32(int32(target-at)))
	return at
}

// emitSlotTarget emits op with a u16 slot and a relative i32 target; it
// returns the instruction's pc.
func (f *fcomp) emitSlotTarget(op Op, slot int, target int, pos Pos) int {
	at := f.pc()
	f.emit(op, pos)
	f.fn.Code = binary.LittleEndian.AppendUint16(f.fn.Code, uint16(slot))
	f.fn.Code = binary.LittleEndian.AppendUint32(f.fn.Code, uint32(int32(target-at)))
	return at
}

// patch points the jump-like instruction at pc at the current end of code.
func (f *fcomp) patch(at int) {
	f.label = f.pc()
	binary.LittleEndian.PutUint32(f.fn.Code[at+targetOffset(Op(f.fn.Code[at])):], uint32(int32(f.pc()-at)))
}

// maxNesting is the deepest that structures (if, begin, do, { and [,
// counted together) may nest inside one definition or top level. A
// quotation is compiled by a recursive call, so without a bound a file of
// a million [ would overflow the Go stack (docs/language.md §4.1).
const maxNesting = 10000

// nest reports an error when opening one more structure at t would nest
// deeper than maxNesting.
func (f *fcomp) nest(t token) *Error {
	if f.outer+len(f.ctl)+1 > maxNesting {
		return errorf(t.pos, "nesting deeper than %d", maxNesting)
	}
	return nil
}

// newSlot allocates n local slots for the token at pos.
func (f *fcomp) newSlot(n int, pos Pos) (int, *Error) {
	s := f.fn.NLocals
	if s+n > 0xffff {
		return 0, errorf(pos, "too many locals in %s", shown(f.fn.Name))
	}
	f.fn.NLocals += n
	return s, nil
}

// pushConst emits PushConst v: the value is stored inline in the code.
func (f *fcomp) pushConst(v gc.Value, pos Pos) *Error {
	f.emit(PushConst, pos)
	f.fn.Code = append(f.fn.Code, byte(v.K))
	f.fn.Code = binary.LittleEndian.AppendUint64(f.fn.Code, v.X)
	return nil
}

// open returns the innermost open structure, or nil.
func (f *fcomp) top() *ctl {
	if len(f.ctl) == 0 {
		return nil
	}
	return &f.ctl[len(f.ctl)-1]
}

// closeErr reports a closing word t that does not match the innermost open
// structure: if a matching opener is open further out, the innermost one is
// the unbalanced one; otherwise t has no opener.
func (f *fcomp) closeErr(t token, want ...ctlKind) *Error {
	for i := len(f.ctl) - 1; i >= 0; i-- {
		for _, k := range want {
			if f.ctl[i].kind == k {
				o := f.ctl[len(f.ctl)-1]
				return errorf(o.pos, "%s without %s", ctlOpen[o.kind], ctlClose[o.kind])
			}
		}
	}
	return errorf(t.pos, "%s without %s", t.text, ctlOpen[want[0]])
}

// innermostDo returns the n-th enclosing do loop (0 = innermost).
func (f *fcomp) enclosingDo(n int) *ctl {
	for i := len(f.ctl) - 1; i >= 0; i-- {
		if f.ctl[i].kind == cDo {
			if n == 0 {
				return &f.ctl[i]
			}
			n--
		}
	}
	return nil
}

func (f *fcomp) body(toks []token) error {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.isLiteral() {
			f.pushConst(f.c.literal(t), t.pos)
			continue
		}
		if slot, ok := f.locals[t.text]; ok {
			f.emitLocalGet(slot, t.pos)
			continue
		}
		switch t.text {
		case "[":
			if f.match[i] == 0 {
				return errorf(t.pos, "[ without ]")
			}
			if err := f.nest(t); err != nil {
				return err
			}
			j := i + int(f.match[i])
			q, err := f.c.function("<quot>", t.pos, toks[i+1:j], f.match[i+1:j], f, f.inLoop || f.enclosingDo(0) != nil)
			if err != nil {
				return err
			}
			f.pushConst(gc.Quot(f.c.add(q)), t.pos)
			i = j
		case "]":
			return errorf(t.pos, "] without [")
		case "if":
			if err := f.nest(t); err != nil {
				return err
			}
			f.ctl = append(f.ctl, ctl{kind: cIf, pos: t.pos, fixup: f.emitJump(JumpIfFalse, 0, t.pos)})
		case "else":
			o := f.top()
			if o == nil || o.kind != cIf {
				return f.closeErr(t, cIf)
			}
			j := f.emitJump(Jump, 0, t.pos)
			f.patch(o.fixup)
			o.kind, o.fixup, o.pos = cElse, j, t.pos
		case "then":
			o := f.top()
			if o == nil || (o.kind != cIf && o.kind != cElse) {
				return f.closeErr(t, cIf, cElse)
			}
			f.patch(o.fixup)
			f.ctl = f.ctl[:len(f.ctl)-1]
		case "begin":
			if err := f.nest(t); err != nil {
				return err
			}
			f.label = f.pc()
			f.ctl = append(f.ctl, ctl{kind: cBegin, pos: t.pos, target: f.pc()})
		case "until", "again":
			o := f.top()
			if o == nil || o.kind != cBegin {
				return f.closeErr(t, cBegin)
			}
			op := JumpIfFalse
			if t.text == "again" {
				op = Jump
			}
			f.emitJump(op, o.target, t.pos)
			f.ctl = f.ctl[:len(f.ctl)-1]
		case "while":
			o := f.top()
			if o == nil || o.kind != cBegin {
				return f.closeErr(t, cBegin)
			}
			o.kind, o.fixup, o.pos = cWhile, f.emitJump(JumpIfFalse, 0, t.pos), t.pos
		case "repeat":
			o := f.top()
			if o == nil || o.kind != cWhile {
				return f.closeErr(t, cWhile)
			}
			if !f.invertLoop(o) {
				f.emitJump(Jump, o.target, t.pos)
			}
			f.patch(o.fixup)
			f.ctl = f.ctl[:len(f.ctl)-1]
		case "do":
			if err := f.nest(t); err != nil {
				return err
			}
			s, err := f.newSlot(2, t.pos)
			if err != nil {
				return err
			}
			at := f.emitSlotTarget(DoInit, s, 0, t.pos)
			f.label = f.pc()
			f.ctl = append(f.ctl, ctl{kind: cDo, pos: t.pos, slot: s, doPC: at, fixup: at, target: f.pc()})
		case "loop", "+loop":
			o := f.top()
			if o == nil || o.kind != cDo {
				return f.closeErr(t, cDo)
			}
			op := Loop
			if t.text == "+loop" {
				op = PlusLoop
				f.fn.Code[o.doPC] = byte(DoInitStep)
			}
			at := -1
			if f.last < 0 || Op(f.fn.Code[f.last]) != AddLocal || u16(f.fn.Code, f.last+1) == o.slot {
				// Only the loop's own index fuses with loop: AddIndexLoop
				// knows it is an int.
				at = f.fuse(op)
			}
			if at >= 0 {
				// LocalGet l, PlusLoop s -> PlusLoopLocal l s;
				// AddLocal s, Loop s -> AddIndexLoop s ("i + loop")
				if op == PlusLoop {
					f.fn.Code = binary.LittleEndian.AppendUint16(f.fn.Code, uint16(o.slot))
				}
				f.fn.Code = binary.LittleEndian.AppendUint32(f.fn.Code, uint32(int32(o.target-at)))
				if op == PlusLoop {
					f.fn.lines[len(f.fn.lines)-1].pos = t.pos // a failure is the +loop's (loop cannot fail)
				}
			} else {
				f.emitSlotTarget(op, o.slot, o.target, t.pos)
			}
			f.patch(o.fixup)
			for _, l := range o.leaves {
				f.patch(l)
			}
			f.ctl = f.ctl[:len(f.ctl)-1]
		case "i", "j", "leave":
			n := 0
			if t.text == "j" {
				n = 1
			}
			o := f.enclosingDo(n)
			if o == nil {
				if f.inLoop {
					return errorf(t.pos, "%s is not visible inside a quotation", t.text)
				}
				switch t.text {
				case "i":
					return errorf(t.pos, "i outside a do loop")
				case "j":
					return errorf(t.pos, "j outside two do loops")
				}
				return errorf(t.pos, "leave outside a do loop")
			}
			if t.text == "leave" {
				o.leaves = append(o.leaves, f.emitJump(Jump, 0, t.pos))
			} else {
				f.emitLocalGet(o.slot, t.pos)
			}
		case "{":
			if err := f.nest(t); err != nil {
				return err
			}
			s, err := f.newSlot(1, t.pos)
			if err != nil {
				return err
			}
			f.emitU16(Mark, s, t.pos)
			f.ctl = append(f.ctl, ctl{kind: cBrace, pos: t.pos, slot: s})
		case "}":
			o := f.top()
			if o == nil || o.kind != cBrace {
				return f.closeErr(t, cBrace)
			}
			f.emitU16(MakeArray, o.slot, t.pos)
			f.ctl = f.ctl[:len(f.ctl)-1]
		case "return":
			f.emit(Return, t.pos)
		case "|":
			j := i + 1
			for j < len(toks) && !(toks[j].kind == tWord && toks[j].text == "|") {
				j++
			}
			if j == len(toks) {
				return errorf(t.pos, "| without |")
			}
			names := toks[i+1 : j]
			slots := make([]int, len(names))
			for k, n := range names {
				if n.isLiteral() || syntaxWords[n.text] {
					return errorf(n.pos, "bad local name %s", tokenText(n))
				}
				s, err := f.newSlot(1, n.pos)
				if err != nil {
					return err
				}
				slots[k] = s
			}
			for k := len(names) - 1; k >= 0; k-- {
				f.emitU16(LocalSet, slots[k], names[k].pos)
			}
			for k, n := range names {
				f.locals[n.text] = slots[k]
			}
			i = j
		case "to":
			if i+1 >= len(toks) || toks[i+1].isLiteral() {
				return errorf(t.pos, "to needs a local name")
			}
			n := toks[i+1]
			slot, ok := f.locals[n.text]
			if !ok {
				if f.isOuter(n.text) {
					return errorf(n.pos, "local %s is not visible inside a quotation", shown(n.text))
				}
				return errorf(n.pos, "to: unknown local %s", shown(n.text))
			}
			f.emitU16(LocalSet, slot, t.pos)
			i++
		case "'":
			if i+1 >= len(toks) || toks[i+1].isLiteral() {
				return errorf(t.pos, "' needs a word name")
			}
			i++
			if err := f.quote(toks[i]); err != nil {
				return err
			}
		case ":":
			return errorf(t.pos, ": inside a definition")
		case ";":
			return errorf(t.pos, "; without :")
		case "constant":
			return errorf(t.pos, "constant inside a definition")
		case "include":
			return errorf(t.pos, "include inside a definition")
		default:
			if err := f.word(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// matchBrackets returns, for each [ word of toks, the distance to its
// matching ] (0 when it has none), in one pass: finding it by a scan from
// each [ took time quadratic in the nesting.
func matchBrackets(toks []token) []int32 {
	match := make([]int32, len(toks))
	var open []int
	for i, t := range toks {
		if t.kind != tWord {
			continue
		}
		switch t.text {
		case "[":
			open = append(open, i)
		case "]":
			if n := len(open); n > 0 {
				match[open[n-1]] = int32(i - open[n-1])
				open = open[:n-1]
			}
		}
	}
	return match
}

// isOuter reports whether name is a local of a function around f (a
// quotation cannot see it). It walks the parents: copying their locals
// into each quotation took time quadratic in locals and quotations.
func (f *fcomp) isOuter(name string) bool {
	for p := f.parent; p != nil; p = p.parent {
		if _, ok := p.locals[name]; ok {
			return true
		}
	}
	return false
}

// ownWord reports whether the program (not library code) defines a word or
// constant named name, one of the extensionWords it may redefine.
func (c *compiler) ownWord(name string) bool {
	if c.lib || !extensionWords[name] {
		return false
	}
	e, ok := c.dict[name]
	return ok && !e.lib
}

// ownDef reports whether the program being compiled defines name itself.
func (c *compiler) ownDef(name string) bool {
	e, ok := c.dict[name]
	return ok && !e.lib
}

// meaning is what a word names where it is used: a host word, an opcode, a
// builtin, or an entry of the dictionary (a word or a constant).
type meaning struct {
	kind  meaningKind
	op    Op     // mOp
	index int    // mHost: in hostWords; mBuiltin: in builtins
	e     *entry // mEntry
}

type meaningKind uint8

const (
	mNone    meaningKind = iota // not a word
	mHost                       // a word written in Go by the embedder
	mOp                         // an opcode's word
	mBuiltin                    // a builtin
	mEntry                      // a word or constant of the dictionary
)

// resolve returns what name means in the code being compiled, in the
// order a use looks for it: host words first (a host word may replace an
// extension word), then opcode words, builtins, and the dictionary (where
// a program's own definition of an extension word stands).
func (c *compiler) resolve(name string) meaning {
	if w, ok := c.p.hostIndex[name]; ok && !c.lib && !(c.p.hostWords[w].Yield && c.ownDef(name)) {
		return meaning{kind: mHost, index: w}
	}
	if op, ok := wordOps[name]; ok && !c.ownWord(name) { // at and put are extension words with opcodes
		return meaning{kind: mOp, op: op}
	}
	if b, ok := builtinIndex[name]; ok && (!builtins[b].lib || c.lib) && !c.ownWord(name) {
		return meaning{kind: mBuiltin, index: b}
	}
	if e, ok := c.dict[name]; ok {
		return meaning{kind: mEntry, e: e}
	}
	return meaning{}
}

// word compiles a use of the word t.
func (f *fcomp) word(t token) *Error {
	switch w := f.c.resolve(t.text); w.kind {
	case mHost:
		f.emitU16(CallHost, w.index, t.pos)
		return nil
	case mOp:
		f.emitOp(w.op, t.pos)
		return nil
	case mBuiltin:
		f.emitU16(Builtin, w.index, t.pos)
		return nil
	case mEntry:
		if w.e.kind == eConst {
			return f.pushConst(w.e.val, t.pos)
		}
		if body := f.c.inlined(w.e.slot); body != nil {
			return f.inline(t.text, body, t.pos)
		}
		f.emitU32(Call, w.e.slot, t.pos)
		return nil
	}
	if f.isOuter(t.text) {
		return errorf(t.pos, "local %s is not visible inside a quotation", shown(t.text))
	}
	return errorf(t.pos, "unknown word %s", shown(t.text))
}

// quote compiles ' name: push the word as a quotation.
func (f *fcomp) quote(t token) *Error {
	if _, ok := f.locals[t.text]; ok || syntaxWords[t.text] {
		return errorf(t.pos, "cannot quote %s", shown(t.text))
	}
	if e, ok := f.c.dict[t.text]; ok && e.kind == eWord {
		f.pushConst(gc.Quot(e.slot), t.pos)
		return nil
	}
	// A builtin, an opcode word or a constant: wrap it in a function.
	w := &fcomp{c: f.c, fn: &Func{Name: t.text, Pos: t.pos, Lib: true}, locals: map[string]int{}, last: -1, prev: -1, label: -1}
	if err := w.word(t); err != nil {
		if f.isOuter(t.text) {
			return errorf(t.pos, "local %s is not visible inside a quotation", shown(t.text))
		}
		return errorf(t.pos, "' of unknown word %s", shown(t.text))
	}
	w.emit(Return, t.pos)
	f.pushConst(gc.Quot(f.c.add(w.fn)), t.pos)
	return nil
}
