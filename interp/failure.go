package interp

// This file defines failure reports: the reason, the word, the position and
// the chain of callers, built from the frames at the moment of failure.

import (
	"fmt"
	"strings"

	"github.com/raftvm/raft/gc"
)

// Failure describes how an actor failed.
type Failure struct {
	Reason  gc.Value // owned by the machine's heap
	Text    string   // the reason in printed form (.s style)
	Word    string   // the function whose instruction failed
	Pos     Pos      // where (zero File when unknown)
	Callers []Caller // innermost first: all of them, or the first 10 and the last 2
	Omitted int      // callers left out between the first 10 and the last 2
}

// Caller is one calling frame of a failure: the function and the position
// of its call.
type Caller struct {
	Word string
	Pos  Pos
}

// fail records a failure with reason at the machine's written-back state.
// Library frames (prelude words such as each) have no positions of their
// own: they are shown at the position where user code called them. Only
// the callers a report shows are looked at (a failure a million calls deep
// costs twelve).
func (m *Machine) fail(reason gc.Value) {
	if x := m.x; x != nil && x.natOpen { // failing in an instruction native code left to the interpreter
		m.pushNativeFrames(x.nat)
	}
	f := &Failure{Reason: reason, Text: string(AppendValue(nil, m.Heap, m.funcs, reason, true))}
	m.Failure = f
	if m.fn == nil {
		return
	}
	n := m.fp + 1 // sites: 0 is the failing instruction, k > 0 the call in frames[fp-k]
	site := func(k int) (*Func, int) {
		if k == 0 {
			return m.fn, m.pc
		}
		fr := &m.frames[m.fp-k]
		return fr.fn, fr.pc() - 1
	}
	pos := func(k int) Pos {
		for ; k < n; k++ {
			if fn, pc := site(k); !fn.Lib {
				if p, ok := fn.under[int32(pc)]; ok && k == 0 && reason == errUnderflow.Reason {
					return p
				}
				return fn.PosAt(pc)
			}
		}
		return Pos{}
	}
	f.Word, f.Pos = m.fn.Name, pos(0)
	inl := f.inlined(m.fn)
	all := len(inl) + n - 1 // callers: the inlined sites, then the frames
	for j := 0; j < all; j++ {
		if all > 12 && j == 10 {
			f.Omitted = all - 12
			j = all - 2
		}
		if j < len(inl) {
			f.Callers = append(f.Callers, inl[j])
			continue
		}
		k := j - len(inl) + 1
		fn, _ := site(k)
		f.Callers = append(f.Callers, Caller{fn.Name, pos(k)})
	}
}

// inlined reports a failure at f.Pos, in fn, inside a word the compiler
// inlined (inline.go) as the call it stands for: the word becomes f.Word,
// and the sites it was inlined through are returned, innermost first, to
// be shown as callers before the frames. Only the failing instruction can
// be inlined: an inlined body makes no calls.
func (f *Failure) inlined(fn *Func) []Caller {
	k := f.Pos.inl
	f.Pos.inl = 0
	if k == 0 || int(k) > len(fn.inl) { // (a position taken from a caller of library code is a call's: never inlined)
		return nil
	}
	f.Word = fn.inl[k-1].word
	var sites []Caller
	for k != 0 {
		at := fn.inl[k-1].at
		k, at.inl = at.inl, 0
		word := fn.Name
		if k != 0 {
			word = fn.inl[k-1].word
		}
		sites = append(sites, Caller{word, at})
	}
	return sites
}

// where writes " in word at pos" (or " in word" when the position is unknown).
func (f *Failure) where(b *strings.Builder) {
	if f.Word != "" {
		b.WriteString(" in ")
		b.WriteString(f.Word)
	}
	if f.Pos.File != "" {
		b.WriteString(" at ")
		b.WriteString(f.Pos.String())
	}
}

// Report returns the report of a failed main actor (LANGUAGE.md §4):
//
//	error: :badarith in fib at t.raft:3:9
//	  called from <main> at t.raft:5:1
//
// More than 12 callers: the first 10, "  ... N more", the last 2.
func (f *Failure) Report() string {
	var b strings.Builder
	b.WriteString("error: ")
	b.WriteString(f.Text)
	f.where(&b)
	b.WriteByte('\n')
	for i, c := range f.Callers {
		if i == 10 && f.Omitted > 0 {
			fmt.Fprintf(&b, "  ... %d more\n", f.Omitted)
		}
		fmt.Fprintf(&b, "  called from %s at %s\n", c.Word, c.Pos)
	}
	return b.String()
}

// ActorReport returns the one-line report of a failed actor that nobody
// watched: `actor <pid 5> failed: :badarith in fib at bench.raft:3:9`.
func (f *Failure) ActorReport(pid uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "actor <pid %d> failed: %s", pid, f.Text)
	f.where(&b)
	b.WriteByte('\n')
	return b.String()
}
