package sched_test

import (
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
)

// TestKilledSupervisorAnswersRequests kills a supervisor while requests
// wait in it: a restart-child whose stop is in hand (the child traps exits
// and ignores :shutdown, so the supervisor waits out the grace) and a
// which-children behind it. Each caller must get an answer or fail with
// :noproc, as for a request still in the inbox; none may wait for ever.
func TestKilledSupervisorAnswersRequests(t *testing.T) {
	src := `
: stubborn ( main -- ) true trap-exit :ready swap send begin receive drop again ;
: ask ( main sup q -- ) | main sup q | sup q call :answered main send ;
: down? ( m -- bool ) dup :answered = if drop false else 0 get :DOWN = then ;
true trap-exit
{ { :s self ' stubborn curry :permanent } } :one-for-one supervisor | sup |
[ :ready = ] receive-match drop
self sup [ :s restart-child drop ] ' ask curry curry curry spawn monitor drop
20 sleep
self sup [ which-children drop ] ' ask curry curry curry spawn monitor drop
20 sleep
sup :kill kill
# how each caller ended (main traps the exit of sup: its { :EXIT ... } waits)
[ down? ] receive-match 3 get
[ down? ] receive-match 3 get`
	for _, w := range []int{1, 2} {
		r := runSrc(t, src, w, 10*time.Second)
		if r.err != nil || r.st != interp.StatusDone || r.out != ":noproc :noproc\n" {
			t.Errorf("workers=%d: %v %v %q %q", w, r.st, r.err, r.out, r.stderr)
		}
	}
}
