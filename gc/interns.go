package gc

import (
	"sync"
	"sync/atomic"
)

// Interns is a program's table of symbols and static strings (string
// literals of the source). Every actor of the program shares it; entries are
// only ever added (by the compiler, also while actors run in the REPL), never
// changed or removed, so a Value holding an id stays valid for the life of
// the program and can be copied between heaps as it is.
//
// Concurrency: Intern and StaticString take mu; SymName and StaticBytes read
// without a lock through an atomically published table whose chunks never
// move once written.
type Interns struct {
	mu      sync.Mutex            // guards symIDs, strIDs and the writes into the tables
	symIDs  map[string]uint32     // guarded by mu
	strIDs  map[string]uint32     // guarded by mu
	syms    atomic.Pointer[table] // published after each write; pairs with the Load in SymName
	statics atomic.Pointer[table] // published after each write; pairs with the Load in StaticString
}

const chunkBits = 8

// table is a growable list of strings whose entries never move: readers
// index chunks without locking, writers append into the last chunk or
// publish a new table with one more chunk.
type table struct {
	chunks []*[1 << chunkBits]string
	n      uint32
}

func (t *table) at(i uint32) string { return t.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

// add appends s and returns the table to publish (t itself or a grown copy).
func (t *table) add(s string) (*table, uint32) {
	id := t.n
	if int(id>>chunkBits) == len(t.chunks) {
		nt := &table{chunks: append(t.chunks[:len(t.chunks):len(t.chunks)], new([1 << chunkBits]string)), n: t.n}
		t = nt
	} else {
		// Copy the header so that the reader never sees n ahead of the entry.
		t = &table{chunks: t.chunks, n: t.n}
	}
	t.chunks[id>>chunkBits][id&(1<<chunkBits-1)] = s
	t.n++
	return t, id
}

// Well-known symbols, interned first in every program in this order, so
// their ids are constants.
const (
	SymOk uint32 = iota
	SymNormal
	SymBadarith
	SymBadarg
	SymType
	SymStackUnderflow
	SymStackOverflow
	SymOutOfBounds
	SymHeapLimit
	SymEXIT
	SymDOWN
	SymNoproc
	SymKill
	SymKilled
	SymShutdown
	SymTimeout
	SymPermanent
	SymTransient
	SymTemporary
	SymOneForOne
	SymOneForAll
	SymRestForOne
	SymSimpleOneForOne
	SymSystemLimit
	SymMailboxLimit
	numWellKnown
)

var wellKnown = [numWellKnown]string{
	SymOk: "ok", SymNormal: "normal", SymBadarith: "badarith", SymBadarg: "badarg",
	SymType: "type", SymStackUnderflow: "stack-underflow", SymStackOverflow: "stack-overflow",
	SymOutOfBounds: "out-of-bounds", SymHeapLimit: "heap-limit",
	SymEXIT: "EXIT", SymDOWN: "DOWN", SymNoproc: "noproc", SymKill: "kill",
	SymKilled: "killed", SymShutdown: "shutdown", SymTimeout: "timeout",
	SymPermanent: "permanent", SymTransient: "transient", SymTemporary: "temporary",
	SymOneForOne: "one-for-one", SymOneForAll: "one-for-all", SymRestForOne: "rest-for-one",
	SymSimpleOneForOne: "simple-one-for-one",
	SymSystemLimit:     "system-limit", SymMailboxLimit: "mailbox-limit",
}

// NewInterns returns a table holding the well-known symbols.
func NewInterns() *Interns {
	in := &Interns{symIDs: map[string]uint32{}, strIDs: map[string]uint32{}}
	in.syms.Store(&table{})
	in.statics.Store(&table{})
	for _, name := range wellKnown {
		in.Intern(name)
	}
	return in
}

// Intern returns the symbol named name (without its colon), adding it if new.
// Safe for concurrent use.
func (in *Interns) Intern(name string) Value {
	in.mu.Lock()
	defer in.mu.Unlock()
	id, ok := in.symIDs[name]
	if !ok {
		var t *table
		t, id = in.syms.Load().add(name)
		in.syms.Store(t) // publishes the entry to SymName
		in.symIDs[name] = id
	}
	return Sym(id)
}

// Has reports whether v, a symbol or a static string, names an entry of
// the table (true for a value of any other kind). The verifier asks it of
// every constant in code: an id past the table would index out of it.
func (in *Interns) Has(v Value) bool {
	var t *table
	switch v.K {
	case KSym:
		t = in.syms.Load() // pairs with the Store in Intern
	case KStaticStr:
		t = in.statics.Load() // pairs with the Store in StaticString
	default:
		return true
	}
	return v.X < uint64(t.n)
}

// SymName returns the name of symbol v (without its colon).
func (in *Interns) SymName(v Value) string {
	t := in.syms.Load() // pairs with the Store in Intern
	if uint32(v.X) >= t.n {
		return "?"
	}
	return t.at(uint32(v.X))
}

// StaticString returns a static string value for s, shared by every actor of
// the program and never freed. Safe for concurrent use.
func (in *Interns) StaticString(s string) Value {
	in.mu.Lock()
	defer in.mu.Unlock()
	id, ok := in.strIDs[s]
	if !ok {
		var t *table
		t, id = in.statics.Load().add(s)
		in.statics.Store(t) // publishes the entry to Static
		in.strIDs[s] = id
	}
	return Value{K: KStaticStr, X: uint64(id)}
}

// Static returns the text of static string v.
func (in *Interns) Static(v Value) string {
	t := in.statics.Load() // pairs with the Store in StaticString
	return t.at(uint32(v.X))
}
