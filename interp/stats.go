package interp

// This file defines the counters behind raft run --stats.

import (
	"fmt"
	"io"
	"sort"
)

// Counters count executed instructions and pairs of consecutive opcodes
// (the measure behind the choice of superinstructions). A Machine counts
// into Count while it is set; hosts give each worker its own Counters and
// sum them with Add at the end, so counting needs no synchronization.
type Counters struct {
	Instructions uint64
	Ops          [numOps]uint64
	Pairs        [numOps][numOps]uint64
	prev         Op
}

// op counts one instruction.
func (c *Counters) op(o Op) {
	c.Instructions++
	c.Ops[o]++
	c.Pairs[c.prev][o]++
	c.prev = o
}

// Add adds the counts of d to c.
func (c *Counters) Add(d *Counters) {
	c.Instructions += d.Instructions
	for i := range c.Ops {
		c.Ops[i] += d.Ops[i]
		for j := range c.Pairs[i] {
			c.Pairs[i][j] += d.Pairs[i][j]
		}
	}
}

// PairCount is how often opcode B ran right after opcode A.
type PairCount struct {
	A, B  Op
	Count uint64
}

// TopPairs returns the n most frequent opcode pairs, most frequent first.
func (c *Counters) TopPairs(n int) []PairCount {
	var ps []PairCount
	for a := range c.Pairs {
		for b, k := range c.Pairs[a] {
			if k > 0 {
				ps = append(ps, PairCount{Op(a), Op(b), k})
			}
		}
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Count != ps[j].Count {
			return ps[i].Count > ps[j].Count
		}
		return ps[i].A < ps[j].A || ps[i].A == ps[j].A && ps[i].B < ps[j].B
	})
	if len(ps) > n {
		ps = ps[:n]
	}
	return ps
}

// WriteTopPairs writes the n most frequent opcode pairs, one a line.
func (c *Counters) WriteTopPairs(w io.Writer, n int) {
	for _, p := range c.TopPairs(n) {
		pct := 0.0
		if c.Instructions > 0 {
			pct = 100 * float64(p.Count) / float64(c.Instructions)
		}
		fmt.Fprintf(w, "  %-14s %-14s %14d  %5.1f%%\n", p.A, p.B, p.Count, pct)
	}
}
