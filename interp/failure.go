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
	Callers []Caller // innermost first
}

// Caller is one calling frame of a failure: the function and the position
// of its call.
type Caller struct {
	Word string
	Pos  Pos
}

// fail records a failure with reason at the machine's written-back state.
// Library frames (prelude words such as each) have no positions of their
// own: they are shown at the position where user code called them.
func (m *Machine) fail(reason gc.Value) {
	type site struct {
		fn *Func
		pc int
	}
	sites := make([]site, 0, 16)
	sites = append(sites, site{m.fn, m.pc})
	for i := m.fp - 1; i >= 0; i-- {
		fr := &m.frames[i]
		sites = append(sites, site{fr.fn, fr.pc() - 1})
	}
	f := &Failure{Reason: reason, Text: string(AppendValue(nil, m.Heap, m.funcs, reason, true))}
	if m.fn == nil {
		m.Failure = f
		return
	}
	// A library frame is shown at the position of the user code that
	// called it (the nearest outer frame that is not library code).
	pos := make([]Pos, len(sites))
	var outer Pos
	for i := len(sites) - 1; i >= 0; i-- {
		if s := sites[i]; !s.fn.Lib {
			outer = s.fn.PosAt(s.pc)
		}
		pos[i] = outer
	}
	f.Word, f.Pos = m.fn.Name, pos[0]
	for i, s := range sites[1:] {
		f.Callers = append(f.Callers, Caller{s.fn.Name, pos[i+1]})
	}
	m.Failure = f
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
	callers := f.Callers
	line := func(c Caller) { fmt.Fprintf(&b, "  called from %s at %s\n", c.Word, c.Pos) }
	if len(callers) > 12 {
		for _, c := range callers[:10] {
			line(c)
		}
		fmt.Fprintf(&b, "  ... %d more\n", len(callers)-12)
		callers = callers[len(callers)-2:]
	}
	for _, c := range callers {
		line(c)
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
