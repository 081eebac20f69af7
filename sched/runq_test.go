package sched_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/raftvm/raft/sched"
)

// offset moves a queue's head and tail on by k, so that the tests below
// also cover every position of the ring's wrap-around.
func offset(t *testing.T, q *sched.RunqProbe, k int) {
	for i := 0; i < k; i++ {
		if !q.Put(0) {
			t.Fatal("offset: put failed")
		}
		if _, ok := q.Get(); !ok {
			t.Fatal("offset: get failed")
		}
	}
}

// TestRunqFillLevels fills a queue to every level from every ring offset
// and checks FIFO order, the size, and that a full queue refuses more.
func TestRunqFillLevels(t *testing.T) {
	offsets := []int{0, 1, 7, sched.RunqSize/2 - 1, sched.RunqSize / 2, sched.RunqSize - 1}
	for _, off := range offsets {
		for n := 0; n <= sched.RunqSize; n++ {
			var q sched.RunqProbe
			offset(t, &q, off)
			for i := 1; i <= n; i++ {
				if !q.Put(uint64(i)) {
					t.Fatalf("off %d n %d: put %d refused", off, n, i)
				}
			}
			if q.Size() != n || q.Empty() != (n == 0) {
				t.Fatalf("off %d n %d: size %d, empty %v", off, n, q.Size(), q.Empty())
			}
			if n == sched.RunqSize && q.Put(999) {
				t.Fatalf("off %d: put into a full queue accepted", off)
			}
			for i := 1; i <= n; i++ {
				id, ok := q.Get()
				if !ok || id != uint64(i) {
					t.Fatalf("off %d n %d: get %d gave %d, %v", off, n, i, id, ok)
				}
			}
			if _, ok := q.Get(); ok {
				t.Fatalf("off %d n %d: get from an empty queue succeeded", off, n)
			}
		}
	}
}

// TestRunqStealHalf steals from a victim at every fill level and offset:
// the thief gets the oldest half (rounded up), in order, one of them to
// run and the rest in its own queue; the victim keeps the newest half.
func TestRunqStealHalf(t *testing.T) {
	for _, off := range []int{0, 3, sched.RunqSize - 2} {
		for n := 0; n <= sched.RunqSize; n++ {
			var victim, thief sched.RunqProbe
			offset(t, &victim, off)
			offset(t, &thief, (off*7)%sched.RunqSize)
			for i := 1; i <= n; i++ {
				victim.Put(uint64(i))
			}
			want := n - n/2
			run, ok := thief.StealFrom(&victim)
			if n == 0 {
				if ok {
					t.Fatalf("stole %d from an empty queue", run)
				}
				continue
			}
			if !ok {
				t.Fatalf("off %d n %d: nothing stolen", off, n)
			}
			if thief.Size() != want-1 || victim.Size() != n/2 {
				t.Fatalf("off %d n %d: thief has %d, victim %d; want %d and %d", off, n, thief.Size(), victim.Size(), want-1, n/2)
			}
			// The thief holds 1..want-1 in order and runs want; the victim want+1..n.
			for i := 1; i < want; i++ {
				if id, _ := thief.Get(); id != uint64(i) {
					t.Fatalf("off %d n %d: thief's %d is %d", off, n, i, id)
				}
			}
			if run != uint64(want) {
				t.Fatalf("off %d n %d: runs %d, want %d", off, n, run, want)
			}
			for i := want + 1; i <= n; i++ {
				if id, _ := victim.Get(); id != uint64(i) {
					t.Fatalf("off %d n %d: victim's next is %d, want %d", off, n, id, i)
				}
			}
		}
	}
}

// TestRunqPutBatch checks the overflow path: a full queue gives its oldest
// half and the new actor to the global queue, and keeps the rest.
func TestRunqPutBatch(t *testing.T) {
	var q sched.RunqProbe
	if _, ok := q.PutBatch(1); ok {
		t.Fatal("batch taken from a queue that is not full")
	}
	for i := 1; i <= sched.RunqSize; i++ {
		q.Put(uint64(i))
	}
	ids, ok := q.PutBatch(999)
	if !ok || len(ids) != sched.RunqSize/2+1 {
		t.Fatalf("batch %v, %v", len(ids), ok)
	}
	for i, id := range ids[:sched.RunqSize/2] {
		if id != uint64(i+1) {
			t.Fatalf("batch[%d] = %d", i, id)
		}
	}
	if ids[len(ids)-1] != 999 || q.Size() != sched.RunqSize/2 {
		t.Fatalf("last %d, size %d", ids[len(ids)-1], q.Size())
	}
}

// TestRunqConcurrent runs an owner that puts and gets against thieves that
// steal (under -race this checks the ring's memory ordering): every id is
// taken exactly once.
func TestRunqConcurrent(t *testing.T) {
	const total = 200_000
	n := total
	if testing.Short() {
		n = 20_000
	}
	var owner sched.RunqProbe
	seen := make([]atomic.Int32, n+1)
	var done atomic.Bool
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine sched.RunqProbe
			for !done.Load() || !owner.Empty() {
				if id, ok := mine.StealFrom(&owner); ok {
					seen[id].Add(1)
					for {
						id, ok := mine.Get()
						if !ok {
							break
						}
						seen[id].Add(1)
					}
				}
			}
		}()
	}
	next := 1
	for next <= n {
		for k := 0; k < 5 && next <= n; k++ {
			if owner.Put(uint64(next)) {
				next++
			}
		}
		if id, ok := owner.Get(); ok {
			seen[id].Add(1)
		}
	}
	for {
		id, ok := owner.Get()
		if !ok {
			break
		}
		seen[id].Add(1)
	}
	done.Store(true)
	wg.Wait()
	for id := 1; id <= n; id++ {
		if c := seen[id].Load(); c != 1 {
			t.Fatalf("id %d taken %d times", id, c)
		}
	}
}
