package raft

// This file writes what a run reports when it ends: the Stats lines and
// the Profile.

import (
	"fmt"
	"io"

	"github.com/raftvm/raft/sched"
)

// report writes the Stats and the Profile of run rt of p, which has
// stopped.
func (r *Runtime) report(p *Program, rt *sched.Runtime) {
	if w := r.cfg.stats; w != nil {
		writeStats(w, p, rt)
	}
	if w := r.cfg.profile; w != nil && p.p.Prof != nil {
		if err := p.p.Prof.Write(w); err != nil && r.cfg.stderr != nil {
			fmt.Fprintf(r.cfg.stderr, "raft: writing profile: %v\n", err)
		}
	}
}

// writeStats writes the --stats lines: counts of the interpreter (every
// actor), of the main actor's heap, of the scheduler, of the JIT, and the
// most frequent opcode pairs.
func writeStats(w io.Writer, p *Program, rt *sched.Runtime) {
	s, c, h := rt.Stats(), rt.Counters(), rt.Main().Heap.Stats()
	fmt.Fprintf(w, "instructions: %d, reductions: %d\n", c.Instructions, s.Reductions)
	fmt.Fprintf(w, "main heap: %d allocations, %d frees, %d collections, %d live, peak %d bytes\n",
		h.Allocs, h.Frees, h.Collections, h.Live, h.PeakBytes)
	fmt.Fprintf(w, "actors: %d spawned, %d messages, %d signals, %d restarts; scheduler: %d workers, %d slices, %d steals, %d parks\n",
		s.Spawned, s.Messages, s.Signals, s.Restarts, s.Workers, s.Slices, s.Steals, s.Parks)
	if p.native != nil {
		p.native.Stats().Write(w)
	}
	fmt.Fprintln(w, "top opcode pairs:")
	c.WriteTopPairs(w, 10)
}
