package sched_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// tupleOrderSrc: senders each send per tuples { :m id n x } to main, x an
// int, a string or a nested tuple by n mod 3. Main is busy now and then
// (its inbox fills: the messages travel in fragment heaps, two copies),
// yields now and then (runnable in a queue: a send on its worker copies
// straight into its heap when its inbox is empty) and waits at other times
// (a send copies straight into its heap: one copy).
// It counts the messages that are out of order for their sender or carry
// the wrong x, and prints that count and the messages received.
const tupleOrderSrc = `
4 constant senders
%d constant per
: sender ( dst id -- )
  | dst id |
  per 0 do
    i 3 mod 0 = if i else i 3 mod 1 = if "s" else { i i } then then | x |
    { :m id i x } dst send
    i 50 mod 0 = if 300 0 do loop then
  loop ;
senders array | next |
senders 0 do next i 0 set loop
senders 0 do self i ' sender curry curry spawn drop loop
0 | bad |
senders per * 0 do
  receive unpack drop | tag id n x |
  n next id get <> if bad 1+ to bad then
  next id n 1+ set
  n 3 mod 0 = if x n <> if bad 1+ to bad then then
  n 3 mod 1 = if x "s" = not if bad 1+ to bad then then
  n 3 mod 2 = if x 1 get n <> if bad 1+ to bad then then
  i 7 mod 0 = if 500 0 do loop then
  i 5 mod 0 = if yield then
loop
"bad " print bad . "got " print 0 senders 0 do next i get + loop .
`

// TestTupleMessagesInOrder: tuple messages, over both ways a send
// delivers (straight into the heap of a receiver that waits or is
// runnable, or through its inbox
// in a fragment heap that a worker empties and keeps for its next sends),
// arrive complete and in order for each sender, none lost.
func TestTupleMessagesInOrder(t *testing.T) {
	per := 20000
	if testing.Short() || sched.Randomized {
		per = 3000
	}
	want := fmt.Sprintf("bad 0 got %d", 4*per)
	for _, w := range []int{1, 2, 4} {
		r := runSrc(t, fmt.Sprintf(tupleOrderSrc, per), w, 60*time.Second)
		if r.err != nil || r.st != interp.StatusDone {
			t.Fatalf("workers=%d: %v %v %q", w, r.st, r.err, r.stderr)
		}
		if got := strings.Join(strings.Fields(r.out), " "); got != want {
			t.Errorf("workers=%d: got %q, want %q", w, got, want)
		}
	}
}

// yieldOrderSrc: senders that yield often (so that they move between
// workers) send { :m id n } to main, which yields after every other
// message: main is runnable in a queue, often with items of a sender in
// its inbox when that sender, now on main's worker, sends again. It counts
// the messages out of order for their sender.
const yieldOrderSrc = `
8 constant senders
%d constant per
: sender ( dst id -- )
  | dst id |
  per 0 do
    { :m id i } dst send
    i 3 mod 0 = if yield then
  loop ;
senders array | next |
senders 0 do next i 0 set loop
senders 0 do self i ' sender curry curry spawn drop loop
0 | bad |
senders per * 0 do
  receive unpack drop | tag id n |
  n next id get <> if bad 1+ to bad then
  next id n 1+ set
  i 2 mod 0 = if yield then
loop
"bad " print bad .
`

// TestDirectToRunnableInOrder: a send copies straight into the heap of a
// receiver that is runnable in a queue of its worker only when its inbox
// is empty; otherwise an earlier message of the same sender, still in the
// inbox, would arrive after it. (Without the inbox check this reports
// hundreds out of order on 2 to 8 workers.)
func TestDirectToRunnableInOrder(t *testing.T) {
	per := 20000
	if testing.Short() || sched.Randomized {
		per = 3000
	}
	for _, w := range []int{1, 2, 4, 8} {
		r := runSrc(t, fmt.Sprintf(yieldOrderSrc, per), w, 60*time.Second)
		if r.err != nil || r.st != interp.StatusDone {
			t.Fatalf("workers=%d: %v %v %q", w, r.st, r.err, r.stderr)
		}
		if got := strings.TrimSpace(r.out); got != "bad 0" {
			t.Errorf("workers=%d: %q, want \"bad 0\"", w, got)
		}
	}
}

// TestTupleMessagesDoNotAllocate: tuple messages that go through an inbox
// (the receiver is not waiting: bursts of 10 sends, each answered by one
// ack) make no Go allocation each: the fragment heaps are emptied and
// reused. (A receiver that lags by thousands of messages holds as many
// fragments, which are made then.)
func TestTupleMessagesDoNotAllocate(t *testing.T) {
	if sched.Randomized {
		t.Skip("the race detector allocates")
	}
	src := func(n int) string {
		return fmt.Sprintf(`
			: sink ( main -- )
			  | main | 0 begin
			    receive 1 get dup 0 < if drop main send return then
			    dup 10 mod 9 = if :ack main send then +
			  again ;
			self ' sink curry spawn | s |
			%d 0 do 10 0 do { :m i } s send loop receive drop loop { :m -1 } s send receive`, n)
	}
	small, big := mallocs(t, src(100)), mallocs(t, src(10100))
	// 100,000 more tuple messages: a few allocations more at most.
	if d := int64(big) - int64(small); d > 2000 {
		t.Errorf("100,000 more tuple messages made %d more allocations", d)
	}
}

// backlogSrc: a sender sends per messages to main while main is busy, so
// that they queue in its inbox past several segments (segLen): tuples of
// immediates (which travel in the inbox itself), tuples holding a string,
// strings (in fragment heaps) and empty arrays, interleaved. Main then takes them all
// and prints how many were not the next one, or not what was sent.
const backlogSrc = `
%d constant per
: sender ( main -- )
  | m |
  per 0 do
    i 3 mod 0 = if { :t i i 2 * } else i 3 mod 1 = if { :s i "x" } else i 2 mod 0 = if { } else "str" then then then
    m send
  loop ;
self ' sender curry spawn drop
1000000 0 do loop
0 | bad |
per 0 do
  receive | v |
  i 3 mod 0 = if v { :t i i 2 * } = not if bad 1+ to bad then then
  i 3 mod 1 = if v { :s i "x" } = not if bad 1+ to bad then then
  i 3 mod 2 = if v i 2 mod 0 = if { } else "str" then = not if bad 1+ to bad then then
loop
"bad " print bad .
`

// TestTupleBacklog: tuple messages that wait in an inbox past a segment
// (a receiver that lags by thousands), inline ones among fragment ones,
// arrive complete and in order.
func TestTupleBacklog(t *testing.T) {
	for _, w := range []int{1, 2} {
		r := runSrc(t, fmt.Sprintf(backlogSrc, 3000), w, 60*time.Second)
		if r.err != nil || r.st != interp.StatusDone {
			t.Fatalf("workers=%d: %v %v %q", w, r.st, r.err, r.stderr)
		}
		if got := strings.TrimSpace(r.out); got != "bad 0" {
			t.Errorf("workers=%d: got %q, want %q", w, got, "bad 0")
		}
	}
}

// TestTuplesAfterDeath: tuple messages that came after the signal that
// ended the main actor stay queued for its next run (the REPL's), whole
// and in order, past a segment of them.
func TestTuplesAfterDeath(t *testing.T) {
	prog := interp.NewProgram()
	var stdout bytes.Buffer
	out := interp.NewOutput(&stdout)
	rt := sched.New(prog, sched.Options{Workers: 1, Out: out})
	defer rt.Stop()
	lines := []struct {
		src  string
		want interp.Status
		out  string
	}{
		// The sender kills main, then sends; main sleeps meanwhile, so
		// that the signal and the messages wait in its inbox together.
		{`self [ | m | m :stop kill 600 0 do { :t i i 1+ } m send loop ] curry spawn drop 200 sleep`, interp.StatusExited, "200"},
		{`0 600 0 do receive unpack 3 = swap i 1+ = and swap i = and swap :t = and if 1+ then loop`, interp.StatusDone, "600"},
	}
	for _, l := range lines {
		st, got := runLine(t, rt, prog, l.src)
		if st != l.want || got != l.out {
			t.Errorf("%s: got %q (%v), want %q (%v)", l.src, got, st, l.out, l.want)
		}
	}
	rt.Stop()
	if err := rt.VerifyHeaps(); err != nil {
		t.Error(err)
	}
}
