package sched_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// TestStressMessages spawns 100,000 actors that exchange 1,000,000
// messages (10 each, to actors spread over the whole set) and checks that
// none is lost or duplicated: each actor must receive exactly 10, and the
// values, all different, must add up.
func TestStressMessages(t *testing.T) {
	n, k := 100_000, 10
	if testing.Short() || sched.Randomized {
		n = 10_000
	}
	src := fmt.Sprintf(`
%d constant n
%d constant k
# an actor: gets its targets, says it is ready, waits for :go, sends k
# values, receives k, reports { count sum }
: node ( main -- )
  | main |
  receive unpack drop | targets id |
  :ready main send
  [ :go = ] receive-match drop
  k 0 do id k * i + targets i get send loop
  0 0 | count sum |
  k 0 do receive sum + to sum count 1+ to count loop
  { count sum } main send ;
n array | pids |
n 0 do pids i self ' node curry spawn set loop
# actor i sends to i+1*step, i+2*step, ... (mod n): everyone receives from k others
7919 | step |
n 0 do
  { k 0 do pids j i 1+ step * + n mod get loop } i 2 pack
  pids i get send
loop
n 0 do receive drop loop
n 0 do :go pids i get send loop
0 0 0 | bad total msgs |
n 0 do
  receive unpack drop | count sum |
  count k <> if bad 1+ to bad then
  total sum + to total msgs count + to msgs
loop
"bad " print bad . "msgs " print msgs . "sum " print total .
`, n, k)
	for _, w := range []int{1, 4} {
		start := time.Now()
		r := runSrc(t, src, w, 60*time.Second)
		if r.err != nil || r.st != interp.StatusDone {
			t.Fatalf("workers=%d: %v %v %q", w, r.st, r.err, r.stderr)
		}
		total := int64(n * k)
		want := fmt.Sprintf("bad 0\nmsgs %d\nsum %d\n", total, total*(total-1)/2)
		if r.out != want || r.stderr != "" {
			t.Errorf("workers=%d: got %q %q, want %q", w, r.out, r.stderr, want)
		}
		t.Logf("workers=%d: %d actors, %d messages in %v (%d steals, %d parks)", w, n, total, time.Since(start), r.stats.Steals, r.stats.Parks)
	}
}

// TestChaosSupervisorTree kills random workers under a supervisor tree
// 10,000 times while a client sends them work, then checks that the tree
// is whole (every child of every branch alive) and that every piece of
// work a worker acknowledged was counted exactly once.
func TestChaosSupervisorTree(t *testing.T) {
	kills, items := 10_000, 20_000
	if testing.Short() || sched.Randomized {
		kills, items = 1_000, 2_000
	}
	src := fmt.Sprintf(`
%d constant kills
%d constant items
4 constant branches
8 constant per-branch

# random numbers: a linear congruential generator, state in an array
: rand ( st n -- r ) | st n | st 0 get 6364136223846793005 * 1442695040888963407 + | x | st 0 x set x 33 rshift n mod ;

# counter: counts { :count id }, answers { :report pid } with the counts
: counter ( -- )
  items 1+ array | counts |
  items 1+ 0 do counts i 0 set loop
  begin
    receive | m |
    m 0 get :count = if counts m 1 get counts m 1 get get 1+ set else counts m 1 get send then
  again ;

# worker: { id client } -> count it, then acknowledge { :ack id }
: worker ( -- )
  begin receive unpack drop | id client |
    { :count id } :counter send
    { :ack id } client send
  again ;

: branch ( -- )
  { per-branch 0 do { i [ worker ] :permanent } loop } { :one-for-one 1000000 1000 } supervise ;

# a live child of a random branch, or nil
: pick-worker ( st brs -- pid ) | st brs |
  brs st branches rand get which-children st per-branch rand get 1 get ;

# killer: kills random workers, each time waiting for the end, then tells main
: killer ( main brs -- )
  | main brs | { 12345 } | st |
  0 | n |
  begin n kills < while
    st brs pick-worker | p |
    p nil <> if
      p monitor drop
      p st 3 rand 0 = if :crash else :kill then kill
      receive drop
      n 1+ to n
    then
  repeat
  :killer-done main send ;

# await: the ack of item id, or false after 200 ms without one (stale acks are dropped)
: await ( id -- acked? )
  | id |
  begin
    200 receive-timeout not if false return then
    1 get id = if true return then
  again ;

# client: sends each item to a random worker and waits for its ack
: client ( main brs -- )
  | main brs | { 999 } | st | 0 | acked |
  items 1+ array | ok |
  items 1+ 1 do
    st brs pick-worker | p |
    p nil <> if
      { i self } p send
      i await if ok i true set acked 1+ to acked then
    then
  loop
  { :client-done acked ok } main send ;

' counter spawn :counter register
{ branches 0 do { i ' branch :permanent } loop } { :one-for-one 1000000 1000 } supervisor | root |
root which-children [ 1 get ] map | brs |
self brs ' killer curry curry spawn drop
self brs ' client curry curry spawn drop
[ :killer-done = ] receive-match drop
[ :killer-done = not ] receive-match unpack drop | done acked ok |
# whole: every child of every branch is alive (restarts may be in flight: look again a while)
: live? ( pair -- bool ) 1 get | p | p nil = if false else p alive? then ;
: branch-whole? ( br -- bool ) which-children [ live? not ] filter len 0 = ;
: tree-whole? ( brs -- bool ) [ branch-whole? not ] filter len 0 = ;
false | whole |
200 0 do
  whole not if
    brs tree-whole? to whole
    whole not if 5 sleep then
  then
loop
{ :report self } :counter send receive | counts |
0 0 0 | dups lost counted |
items 1+ 1 do
  counts i get 1 > if dups 1+ to dups then
  counts i get 0 > if counted 1+ to counted then
  ok i get true = counts i get 1 <> and if lost 1+ to lost then
loop
"whole " print whole . "acked " print acked . "counted " print counted . "dups " print dups . "lost " print lost .
root which-children len .
`, kills, items)
	start := time.Now()
	r := runSrc(t, src, 0, 60*time.Second)
	if r.err != nil || r.st != interp.StatusDone {
		t.Fatalf("%v %v %q %q", r.st, r.err, r.out, r.stderr)
	}
	get := func(name string) int {
		m := regexp.MustCompile(name + ` (\S+)`).FindStringSubmatch(r.out)
		if m == nil {
			t.Fatalf("no %s in %q", name, r.out)
		}
		if m[1] == "true" {
			return 1
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	if get("whole") != 1 || get("dups") != 0 || get("lost") != 0 || get("acked") == 0 || get("counted") < get("acked") {
		t.Errorf("after %d kills: %q %q", kills, r.out, r.stderr)
	}
	if r.stats.Restarts < uint64(kills) {
		t.Errorf("%d restarts for %d kills", r.stats.Restarts, kills)
	}
	t.Logf("%d kills, %d restarts, output %q in %v", kills, r.stats.Restarts, r.out, time.Since(start))
}
