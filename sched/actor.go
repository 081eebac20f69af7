package sched

// This file defines the actor: its scheduling state and the wake-up that
// moves it between states, its inbox of messages and signals, and the
// table from pid to actor.

import (
	"sync"
	"sync/atomic"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// actorState is the scheduling state of an actor (the protocol is in doc.go).
// Do not reuse a state for a new meaning: add one.
type actorState uint8

const (
	stIdle       actorState = iota // not scheduled, wakes ignored: the main actor between runs
	stRunnable                     // in exactly one run queue, or being put into one by whoever made it runnable
	stRunning                      // a worker runs its slice
	stNotified                     // running, and a wake-up arrived during the slice
	stWaiting                      // blocked for a message, a signal, a reply or a timer; any wake-up schedules it
	stSleeping                     // blocked in sleep: only a signal or its timer schedules it
	stDead                         // ended; wake-ups do nothing
	stIO                           // blocked in an input or file word: only a signal or the operation's end schedules it
	stDelivering                   // was waiting; a sender owns it while it copies a message into its heap, then makes it runnable (deliverDirect)
)

var stateNames = [...]string{"idle", "runnable", "running", "notified", "waiting", "sleeping", "dead", "io", "delivering"}

// String returns the state's name.
func (s actorState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "state?"
}

// wakeKind says what wakes an actor: a sleeping actor ignores messages.
type wakeKind uint8

const (
	wakeMsg    wakeKind = iota // a message arrived
	wakeSignal                 // a signal or a supervisor's reply arrived
	wakeTimer                  // its timer expired
	wakeIO                     // its input or file operation ended
)

// itemKind is the kind of an inbox item. Only itemMsg is a plain message;
// every other kind is a signal, processed in order with the messages.
type itemKind uint8

const (
	itemMsg       itemKind = iota // a message: v (in frag when a heap value)
	itemDown                      // a monitor fired: the receiver makes { :DOWN ref from v }
	itemExit                      // an exit signal from actor from with reason v; linked: sent because of a link
	itemLink                      // from linked itself to the receiver
	itemUnlink                    // from unlinked itself from the receiver
	itemMonitor                   // from monitors the receiver under ref
	itemDemonitor                 // the monitor ref was removed
	itemRequest                   // a supervisor request (req)
	itemLimit                     // the inbox passed Limits.Mailbox: the receiver ends with :mailbox-limit (cannot be trapped)
)

// item is one entry of an inbox: a message, or a signal (sig). A heap
// value travels in a fragment heap (frag) that only the item's holder
// touches; immediates travel as they are. 32 bytes: a message costs no
// more.
type item struct {
	v    gc.Value // the message, or the reason of an exit or down signal
	frag *gc.Heap // holds v when v is a heap value; nil otherwise
	sig  *signal  // nil for a plain message
}

// signal is what a signal carries besides its value.
type signal struct {
	kind   itemKind
	linked bool      // itemExit: sent because of a link (else by kill)
	from   uint64    // the sender's pid
	ref    int64     // monitor ref (itemDown, itemMonitor, itemDemonitor)
	fi     *failInfo // itemExit: where the failure that caused it happened, if any
	req    *request  // itemRequest
}

// failInfo is where an actor's failure happened: the part of an
// interp.Failure that does not belong to a heap. Immutable once made, so
// exit signals share it.
type failInfo struct {
	word    string
	pos     interp.Pos
	callers []interp.Caller
}

// actor is one Raft actor: a machine and what the scheduler keeps for it.
// It is kept small (an idle actor must cost little): what most actors
// never use is in actorExt, made at first use.
//
// Who may touch what:
//   - state: any goroutine, atomically (the protocol in doc.go).
//   - mu guards inbox, backlog and closed; the flags flagSig, flagItems and flagOver
//     are written under mu, flagSig is read without it as a hint.
//   - schedlink: Runtime.mu (the global queue).
//   - name, named: Runtime.regMu (the registry); flagNamed: see registry.go.
//   - x.tpos: timers.mu (x itself is made by the owner before its first timer).
//   - everything else, the machine and x included: only the worker running
//     the actor (state stRunning or stNotified), or its spawner before the
//     actor is first made runnable.
type actor struct {
	// The fields are laid out for the 96-byte size class, whose objects
	// lie at 96-byte steps from a page: of every two neighbours, one's
	// bytes 64-95 share a cache line with the other's bytes 0-31, while
	// bytes 32-63 of each are in a line of their own. The words other
	// cores write at every message (state, flags, mu) are in bytes 32-63,
	// so that a sender on one core and its neighbour's worker on another
	// do not take a line from each other (independent pingpong pairs on 2
	// workers spent a third of their time more per message before);
	// bytes 0-31 and 64-95 are written seldom.
	m         *interp.Machine
	pid       uint64
	schedlink *actor  // next in the global queue; guarded by Runtime.mu
	w         *worker // owner: the worker running it now

	state   atomic.Uint32 // an actorState; see wake and doc.go
	flags   atomic.Uint32 // flagSig and flagItems (set and cleared under mu, loaded anywhere as hints) | flagOver (set and read under mu) | flagNamed (set under regMu, see registry.go)
	name    uint32        // registered name (a symbol id) when named; guarded by Runtime.regMu
	blockAs actorState    // owner: the state a StatusBlocked slice ends in: stWaiting, stSleeping or stIO
	trap    bool          // owner: trap-exit
	closed  bool          // the actor has ended: nothing more is queued; guarded by mu
	named   bool          // guarded by Runtime.regMu
	mu      sync.Mutex    // guards inbox, backlog and closed
	backlog *backlog      // earlier full segments, when a backlog built up, and the inbox's inline tuples; guarded by mu

	inbox []item    // arrived items, oldest first, after those in backlog; guarded by mu
	x     *actorExt // owner: the rarely used parts, made at first use
}

// Bits of actor.flags.
const (
	flagSig   = 1 << iota // the inbox holds a signal
	flagNamed             // the actor was given a name once
	flagOver              // the inbox passed Limits.Mailbox and holds an itemLimit: messages are dropped (a bit, not a bool: the actor stays 96 bytes)
	flagItems             // the inbox (or its backlog) may hold items: set under mu by put and unshift, cleared under mu by take when it leaves none; take looks at it before it locks
)

// hasSig reports whether a's inbox may hold a signal (a hint). Any goroutine.
func (a *actor) hasSig() bool { return a.flags.Load()&flagSig != 0 } // pairs with the Or in put

// idleNext reports whether a, running, has nothing more to receive now: no
// message in its mailbox, none in its inbox (a hint). An actor it wakes by
// a send then goes to the next slot: a's next receive most likely waits,
// and the woken actor runs at once on the same core, its message hot in
// cache (a request and its reply). An actor that has more to receive goes
// on running instead (a dispatcher with results queued): the actor it
// wakes goes to the tail of the queue, where another worker can steal it,
// rather than wait in the next slot until a's slice ends. Owner only.
func (a *actor) idleNext() bool {
	return a.m.Mailbox.Len() == 0 && a.flags.Load()&flagItems == 0 // pairs with the Or in putMsg (a hint)
}

// backlog holds the full segments of a long inbox, oldest first: a
// backlog grows by segments of segLen items and is never copied to grow;
// and the elements of the inline tuples (inlineTuple) of each segment and
// of the inbox. Made at the first backlog or inline tuple, and kept.
type backlog struct {
	segs  [][]item     // full segments, oldest first
	svals [][]gc.Value // svals[i]: the elements of the inline tuples of segs[i]
	vals  []gc.Value   // the elements of the inline tuples of the inbox
}

// actorExt holds the parts of an actor that most actors never use. Owned
// by the worker running the actor.
type actorExt struct {
	parent      uint64           // the linked actor that spawned it (the parent of a supervisor), 0 if none
	links       []uint64         // linked actors
	monitors    map[int64]uint64 // refs this actor holds -> monitored pid
	monitoredBy []monitor        // monitors on this actor
	deadline    int64            // sleep or receive-timeout deadline (ns since epoch); 0 when none
	req         *request         // a supervisor request waiting for its reply
	pending     []*request       // requests received while not a supervisor (settleRequests)
	sup         *supervisor      // set when the actor is a supervisor
	dying       *death           // a fatal signal arrived: end at the end of the slice
	rest        []item           // items after the fatal signal, for finish
	tpos        int32            // index+1 of its timer in the timer heap, 0 when none; guarded by timers.mu
	io          *ioReq           // the input or file request it waits for (io.go)
}

// monitor is one monitor on an actor: who holds it, under which ref.
type monitor struct {
	ref  int64
	from uint64
}

// death is why an actor ends when a signal kills it.
type death struct {
	reason gc.Value // in the actor's heap
	fi     *failInfo
}

func (a *actor) ext() *actorExt {
	if a.x == nil {
		a.x = &actorExt{}
	}
	return a.x
}

// linkList returns a's links (nil when none). Owner only.
func (a *actor) linkList() []uint64 {
	if a.x == nil {
		return nil
	}
	return a.x.links
}

// addLink links a to pid. Owner only.
func (a *actor) addLink(pid uint64) { x := a.ext(); x.links = append(x.links, pid) }

// hasLink reports whether a is linked to pid. Owner only.
func (a *actor) hasLink(pid uint64) bool {
	for _, l := range a.linkList() {
		if l == pid {
			return true
		}
	}
	return false
}

// removeLink removes pid from a's links and reports whether it was there. Owner only.
func (a *actor) removeLink(pid uint64) bool {
	ls := a.linkList()
	for i, l := range ls {
		if l == pid {
			last := len(ls) - 1
			ls[i] = ls[last]
			a.x.links = ls[:last]
			if last == 0 {
				a.x.links = nil
			}
			return true
		}
	}
	return false
}

// The owner's view of fields of actorExt: nil or zero when there is none.

func (a *actor) sup() *supervisor {
	if a.x == nil {
		return nil
	}
	return a.x.sup
}

func (a *actor) dying() *death {
	if a.x == nil {
		return nil
	}
	return a.x.dying
}

func (a *actor) deadline() int64 {
	if a.x == nil {
		return 0
	}
	return a.x.deadline
}

// die marks a as ending with reason at the end of its slice. Owner only.
func (a *actor) die(reason gc.Value, fi *failInfo) { a.ext().dying = &death{reason: reason, fi: fi} }

// segLen is the length of an inbox segment.
const segLen = 256

// put appends it to a's inbox and reports whether a took it (false once a
// has ended). Any goroutine.
func (a *actor) put(it item) bool { return a.putMsg(it, nil, 0) == putTaken }

// Results of putMsg.
const (
	putDropped = iota // a has ended: the item was not taken
	putTaken          // the item is in a's inbox
	putOver           // a's inbox is full (Limits.Mailbox): the message was dropped and a must wake to end
)

// putMsg appends it to a's inbox, under one hold of a.mu. With limit > 0 it
// is a message that is not taken when limit messages wait there already:
// then a gets an itemLimit signal (once) instead and the message is
// dropped. With elems set, the message is a tuple (an array of at most
// maxInline immediates, it is ignored) whose elements are copied into the
// inbox's vals, the item saying where (inlineTuple). Any goroutine.
func (a *actor) putMsg(it item, elems []gc.Value, limit int) int {
	a.mu.Lock()
	if a.closed || (limit > 0 && a.flags.Load()&flagOver != 0) { // under mu, as its Or
		a.mu.Unlock()
		return putDropped
	}
	r := putTaken
	if limit > 0 {
		if n := len(a.inbox) + a.backlogLen(); n >= limit {
			it = item{sig: &signal{kind: itemLimit, from: a.pid}}
			elems = nil
			a.flags.Or(flagOver) // read under mu above
			r = putOver
		}
	}
	if len(a.inbox) >= segLen {
		ib := a.inboxExt()
		ib.segs = append(ib.segs, a.inbox)
		ib.svals = append(ib.svals, ib.vals) // the segment's tuples go with it
		ib.vals = nil
		a.inbox = make([]item, 0, segLen)
	}
	if elems != nil {
		ib := a.inboxExt()
		it = item{v: gc.Value{K: gc.KArr, X: uint64(len(ib.vals))<<8 | uint64(len(elems))}, frag: inlineTuple}
		ib.vals = append(ib.vals, elems...)
	}
	a.inbox = append(a.inbox, it)
	if it.sig != nil {
		a.flags.Or(flagSig | flagItems) // read by the owner before and after slices (hasSig) and by take; cleared by take
	} else if a.flags.Load()&flagItems == 0 {
		a.flags.Or(flagItems) // read by take; cleared by take
	}
	a.mu.Unlock()
	return r
}

// inboxExt returns a's backlog and tuple elements, making them at the
// first use. Under a.mu.
func (a *actor) inboxExt() *backlog {
	if a.backlog == nil {
		a.backlog = &backlog{}
	}
	return a.backlog
}

// backlogLen returns the number of items in a's backlog. Under a.mu.
func (a *actor) backlogLen() int {
	if a.backlog == nil {
		return 0
	}
	return len(a.backlog.segs) * segLen
}

// take removes items from the head of a's inbox and returns them, oldest
// first: the segments of segs, then items; svals[i] holds the elements of
// the inline tuples of segs[i], vals those of items (inlineElems). buf and
// tbuf are empty buffers of the caller's: when the inbox has no backlog,
// they trade places with the inbox's (items is the inbox's buffer, the
// inbox goes on in buf; vals and tbuf alike), so that the lock is held
// for no copy; otherwise items is buf with the items appended. With all
// set it takes every item; otherwise at most one segment (segLen items),
// so that a receiver with a long backlog takes it bit by bit. What take
// returns is the caller's. Owner only.
//
// An inbox that flagItems says is empty is not locked at all: a receive
// that finds its mailbox empty (the usual case of a request or a reply,
// which a sender copied straight into the mailbox) costs no lock. A put
// that the load misses is not lost: its waker finds a running, marks it
// notified, and a's worker runs it again instead of letting it wait (the
// protocol in doc.go), or finds it waiting and makes it runnable.
func (a *actor) take(buf []item, tbuf []gc.Value, all bool) (segs [][]item, svals [][]gc.Value, items []item, vals []gc.Value) {
	if a.flags.Load()&flagItems == 0 { // pairs with the Or in putMsg
		return nil, nil, buf, tbuf
	}
	a.mu.Lock()
	b := a.backlog
	back := b != nil && len(b.segs) > 0
	if len(a.inbox) == 0 && !back {
		a.flags.And(^uint32(flagItems)) // the last segment went: nothing is left
		a.mu.Unlock()
		return nil, nil, buf, tbuf
	}
	if !all && back {
		items, vals = append(buf, b.segs[0]...), b.svals[0]
		b.segs[0], b.svals[0] = nil, nil
		b.segs, b.svals = b.segs[1:], b.svals[1:]
		a.mu.Unlock() // signals may remain: flagSig stays as it is
		return nil, nil, items, vals
	}
	if !back && len(buf) == 0 {
		items, a.inbox = a.inbox, buf[:0] // the items' fragments belong to the taker now, and so does their buffer
	} else {
		items = append(buf, a.inbox...)
		clear(a.inbox) // the items' fragments belong to the taker now
		a.inbox = a.inbox[:0]
	}
	vals = tbuf
	if b != nil {
		vals, b.vals = b.vals, tbuf[:0]
		if back {
			segs, svals = b.segs, b.svals
			b.segs, b.svals = nil, nil
		}
	}
	a.flags.And(^uint32(flagSig | flagItems)) // every item is taken; pairs with the Or in put
	a.mu.Unlock()
	return segs, svals, items, vals
}

// unshift puts items (none an inline tuple) back at the head of a's inbox,
// in order. Owner only.
func (a *actor) unshift(items []item) {
	if len(items) == 0 {
		return
	}
	a.mu.Lock()
	all := append([]item(nil), items...)
	if b := a.backlog; b != nil {
		// One inbox, past segLen maybe (put starts a new segment when it
		// is full or more), and one vals: the tuples move into it.
		var vals []gc.Value
		add := func(seg []item, sv []gc.Value) {
			for _, it := range seg {
				if it.frag == inlineTuple {
					e := inlineElems(it, sv)
					it.v.X = uint64(len(vals))<<8 | uint64(len(e))
					vals = append(vals, e...)
				}
				all = append(all, it)
			}
		}
		for i, seg := range b.segs {
			add(seg, b.svals[i])
		}
		add(a.inbox, b.vals)
		b.segs, b.svals, b.vals = nil, nil, vals
	} else {
		all = append(all, a.inbox...)
	}
	a.inbox = all
	a.flags.Or(flagItems) // pairs with the Load in take
	for _, it := range items {
		if it.sig != nil {
			a.flags.Or(flagSig) // pairs with hasSig before slices
			break
		}
	}
	a.mu.Unlock()
}

// close marks a ended and returns what was left in its inbox: its inline
// tuples are no longer readable (dropItem leaves them). Owner only.
func (a *actor) close() []item {
	a.mu.Lock()
	a.closed = true
	items := append(flatten(a.backlog), a.inbox...)
	a.inbox, a.backlog = nil, nil
	a.mu.Unlock()
	return items
}

// flatten returns the items of a backlog in order.
func flatten(b *backlog) []item {
	if b == nil {
		return nil
	}
	var items []item
	for _, seg := range b.segs {
		items = append(items, seg...)
	}
	return items
}

// maxInline is the most elements of a tuple that travels in an inbox
// itself (inlineTuple).
const maxInline = 8

// inlineTuple marks an inbox item whose message is a tuple held in the
// inbox itself: an array of at most maxInline immediates (ints, floats,
// symbols, pids ...: no heap value), the commonest message. Its elements
// are in the vals of the item's segment, from v.X>>8, v.X&0xff of them;
// its frag is this sentinel, a heap that is never used. The sender copies
// the elements under the inbox's mutex, the receiver makes the array in
// its own heap: one copy, no fragment heap. Only the item's holder reads
// it, with the vals that take gave with it.
var inlineTuple = new(gc.Heap)

// inlineElems returns the elements of inline tuple item it, whose
// segment's elements are vals.
func inlineElems(it item, vals []gc.Value) []gc.Value {
	off, n := it.v.X>>8, it.v.X&0xff
	return vals[off : off+n : off+n]
}

// pidTable maps pids to live actors. Pids are never reused; a table of
// pages of 512 slots, each page dropped once all of its pids have ended,
// so that a program spawning without end keeps only live pages.
//
// Lookups take no lock: three dependent loads (the directory, its page,
// the slot). The directory holds the pages themselves (it held a pointer
// to a cell holding each, a load more at every send): growing it copies
// the pages into a bigger one, and dropping a page stores nil into the
// current one, both under mu, so that no drop is lost to a growth.
type pidTable struct {
	mu  sync.Mutex                                // guards growing dir and dropping pages
	dir atomic.Pointer[[]atomic.Pointer[pidPage]] // published after each growth; pairs with the Load in lookup
}

const pageBits = 9 // 512 slots, 4 KB: a run of a few actors (an embedder may start many) allocates little

type pidPage struct {
	slots [1 << pageBits]atomic.Pointer[actor] // the live actor of each pid, nil once it ended
	ended atomic.Int32                         // pids of the page that ended (or will never be used: pid 0)
}

func newPidTable() *pidTable {
	t := &pidTable{}
	d := []atomic.Pointer[pidPage]{}
	t.dir.Store(&d)
	return t
}

// lookup returns the live actor with pid, or nil. Any goroutine.
func (t *pidTable) lookup(pid uint64) *actor {
	d := *t.dir.Load() // pairs with the Store in page
	i := pid >> pageBits
	if i >= uint64(len(d)) {
		return nil
	}
	p := d[i].Load() // pairs with the Stores in page and remove
	if p == nil {
		return nil
	}
	return p.slots[pid&(1<<pageBits-1)].Load() // pairs with the Store in add
}

// page returns the page of pid, making it if needed.
func (t *pidTable) page(pid uint64) *pidPage {
	i := pid >> pageBits
	d := *t.dir.Load()
	if i < uint64(len(d)) {
		if p := d[i].Load(); p != nil {
			return p
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d = *t.dir.Load()
	if uint64(len(d)) <= i {
		nd := make([]atomic.Pointer[pidPage], 2*i+1)
		for j := range d {
			nd[j].Store(d[j].Load()) // under mu: no page is dropped meanwhile
		}
		d = nd
		t.dir.Store(&d) // publishes the grown directory to lookup
	}
	p := d[i].Load()
	if p == nil {
		p = &pidPage{}
		if i == 0 {
			p.ended.Store(1) // pid 0 is never used
		}
		d[i].Store(p) // publishes the page to lookup
	}
	return p
}

// add makes a findable under its pid. Pids are added once each.
func (t *pidTable) add(a *actor) {
	t.page(a.pid).slots[a.pid&(1<<pageBits-1)].Store(a) // publishes a to lookup
}

// remove forgets an ended actor; the last pid of a page to end drops the page.
func (t *pidTable) remove(a *actor) {
	p := t.page(a.pid)
	p.slots[a.pid&(1<<pageBits-1)].Store(nil)
	if p.ended.Add(1) == 1<<pageBits {
		t.mu.Lock()
		d := *t.dir.Load()
		d[a.pid>>pageBits].Store(nil) // lookups of the page's pids now find nothing, as before
		t.mu.Unlock()
	}
}
