package jit

// This file holds the one assembler all compilations share. golang-asm's
// Builder (asm.NewBuilder) makes its architecture's tables (a map of
// every register and instruction name) and a link context on every call:
// 15% of the compile time of a program of ordinary words, and most of
// its allocation. Here they are made once, and each compilation takes
// them under asmMu, which also keeps golang-asm's package state (the
// instruction tables its Init fills, the context's symbol maps) to one
// goroutine at a time, whichever JIT (program) compiles.

import (
	"sync"

	"github.com/twitchyliquid64/golang-asm/asm/arch"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/objabi"
)

var (
	asmMu   sync.Mutex // guards asmArch, asmCtxt, progChunks and golang-asm's global state
	asmArch *arch.Arch
	asmCtxt *obj.Link

	// progChunks holds the instructions (200 bytes each on amd64) of
	// every compilation, one after the other: each takes them from the
	// first chunk on, adding chunks as it needs, and clears what it used
	// when it is done. Made for each compilation instead, they were a
	// third of its allocation, and the garbage collector's work with it.
	progChunks [][]obj.Prog
)

// progChunk is the number of instructions in a chunk of progChunks.
const progChunk = 1024

// progs is one compilation's list of instructions, assembled by the
// shared context. Make one with newProgs; call done when the bytes are
// out.
type progs struct {
	first, last *obj.Prog
	chunk, used int // the next instruction is progChunks[chunk][used]
}

// newProgs locks the assembler and returns an empty list.
func newProgs() *progs {
	asmMu.Lock()
	if asmCtxt == nil {
		asmArch = arch.Set(archName)
		asmCtxt = obj.Linknew(asmArch.LinkArch)
		asmCtxt.Headtype = objabi.Hlinux
		asmArch.Init(asmCtxt)
		// No NOPs before jumps: golang-asm is Go 1.15's assembler, which
		// padded every jump off a 32-byte boundary for an Intel erratum
		// (the padding Go dropped after 1.15); it treats hand-written code
		// (IsAsm) as Go did then, without. The padding sat in hot loops:
		// loop --jit 160 -> 136 ms, nbody 131 -> 118 ms (AMD EPYC, 9 runs).
		asmCtxt.IsAsm = true
	}
	if len(progChunks) == 0 {
		progChunks = append(progChunks, make([]obj.Prog, progChunk))
	}
	return &progs{}
}

// NewProg returns a new instruction (not yet in the list), zero but for
// its context.
func (p *progs) NewProg() *obj.Prog {
	if p.used == progChunk {
		p.chunk, p.used = p.chunk+1, 0
		if p.chunk == len(progChunks) {
			progChunks = append(progChunks, make([]obj.Prog, progChunk))
		}
	}
	q := &progChunks[p.chunk][p.used]
	p.used++
	q.Ctxt = asmCtxt
	return q
}

// AddInstruction appends q to the list.
func (p *progs) AddInstruction(q *obj.Prog) {
	if p.first == nil {
		p.first = q
	} else {
		p.last.Link = q
	}
	p.last = q
}

// Assemble returns the machine code of the list.
func (p *progs) Assemble() []byte {
	s := &obj.LSym{Func: &obj.FuncInfo{Text: p.first}}
	asmArch.Assemble(asmCtxt, s, p.NewProg)
	return s.P
}

// done unlocks the assembler; p is not to be used after.
func (p *progs) done() {
	for _, c := range progChunks[:p.chunk] {
		clear(c)
	}
	clear(progChunks[p.chunk][:p.used])
	p.first, p.last = nil, nil
	asmCtxt.DiagFunc = nil // it holds the emitter
	asmMu.Unlock()
}
