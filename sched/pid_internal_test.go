package sched

import "testing"

// TestPidTable: lookups find every live actor across the directory's
// growths (which copy the pages into a bigger directory), and an ended
// page's pids find nothing once its last pid ends (the page is dropped).
func TestPidTable(t *testing.T) {
	tb := newPidTable()
	const n = 5 << pageBits
	actors := make([]*actor, n+1)
	for pid := uint64(1); pid <= n; pid++ {
		actors[pid] = &actor{pid: pid}
		tb.add(actors[pid])
	}
	for pid := uint64(1); pid <= n; pid++ {
		if got := tb.lookup(pid); got != actors[pid] {
			t.Fatalf("lookup(%d) = %p, want %p", pid, got, actors[pid])
		}
	}
	if tb.lookup(n+1) != nil || tb.lookup(1<<40) != nil {
		t.Error("lookup of a pid never added found an actor")
	}
	// End every pid of page 2, and one of page 3.
	for pid := uint64(2 << pageBits); pid < 3<<pageBits; pid++ {
		tb.remove(actors[pid])
	}
	tb.remove(actors[3<<pageBits])
	d := *tb.dir.Load()
	if d[2].Load() != nil {
		t.Error("page 2 is kept after all of its pids ended")
	}
	if d[3].Load() == nil {
		t.Error("page 3 was dropped with live pids")
	}
	for pid := uint64(1); pid <= n; pid++ {
		want := actors[pid]
		if pid>>pageBits == 2 || pid == 3<<pageBits {
			want = nil
		}
		if got := tb.lookup(pid); got != want {
			t.Fatalf("after the removals, lookup(%d) = %p, want %p", pid, got, want)
		}
	}
}
