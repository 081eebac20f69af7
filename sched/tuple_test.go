package sched_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// tupleOrderSrc: senders each send per tuples { :m id n x } to main, x an
// int, a string or a nested tuple by n mod 3. Main is busy now and then
// (its inbox fills: the messages travel in fragment heaps, two copies) and
// waits at other times (a send copies straight into its heap: one copy).
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
loop
"bad " print bad . "got " print 0 senders 0 do next i get + loop .
`

// TestTupleMessagesInOrder: tuple messages, over both ways a send
// delivers (straight into a waiting receiver's heap, or through its inbox
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
