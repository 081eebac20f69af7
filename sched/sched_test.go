package sched_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// syncBuffer is a bytes.Buffer safe for the reports of several workers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// result is what a program run gives.
type result struct {
	st     interp.Status
	err    error
	out    string // stdout, with the final stack line as raft run prints it
	stderr string
	m      *interp.Machine
	stats  sched.Stats
}

// runSrc compiles src and runs its main actor on a runtime of the given
// workers (0: GOMAXPROCS) until it ends or timeout, then stops the runtime.
func runSrc(t testing.TB, src string, workers int, timeout time.Duration) result {
	t.Helper()
	return runInput(t, src, nil, workers, timeout)
}

// TestPrograms runs small programs on 1, 2 and 4 workers and checks what
// they print. The golden cases in testdata/ cover each word; these check
// the runtime's own promises.
func TestPrograms(t *testing.T) {
	cases := []struct {
		name, src, out, stderr string
		st                     interp.Status
	}{
		{"final-stack", `[ ] spawn drop 1 2 +`, "3\n", "", interp.StatusDone},
		{"deadlock", `receive`, "", "", interp.StatusBlocked},
		{"deadlock-two", `[ receive ] spawn drop receive`, "", "", interp.StatusBlocked},
		{"no-deadlock-with-timer", `self [ 30 sleep :late swap send ] curry spawn drop receive`, ":late\n", "", interp.StatusDone},
		{"sleep-not-woken-by-message", `:m self send 40 sleep receive`, ":m\n", "", interp.StatusDone},
		{"killed-by-link", `[ :boom error ] spawn-link drop receive`, "", "error: :boom in <quot> at test.raft:1:9\n", interp.StatusExited},
		{"unwatched", `[ 1 0 / ] spawn | p | begin p alive? while yield repeat 7`, "7\n",
			"actor <pid 2> failed: :badarith in <quot> at test.raft:1:7\n", interp.StatusDone},
		{"timers-in-order", `
			: later ( ms main -- ) | ms main | ms sleep ms main send ;
			200 self ' later curry curry spawn drop
			0 self ' later curry curry spawn drop
			100 self ' later curry curry spawn drop
			receive receive receive`, "0 100 200\n", "", interp.StatusDone},
		{"receive-timeout-cancelled", `
			:a self send 100000 receive-timeout drop drop
			10 receive-timeout`, "false\n", "", interp.StatusDone},
	}
	for _, c := range cases {
		for _, w := range []int{1, 2, 4} {
			t.Run(fmt.Sprintf("%s/workers=%d", c.name, w), func(t *testing.T) {
				r := runSrc(t, c.src, w, 20*time.Second)
				if r.err != nil {
					t.Fatalf("RunMain: %v", r.err)
				}
				if r.st != c.st || r.out != c.out || r.stderr != c.stderr {
					t.Errorf("got %v %q %q, want %v %q %q", r.st, r.out, r.stderr, c.st, c.out, c.stderr)
				}
			})
		}
	}
}

// TestKilledMainReport checks what a main actor killed by a linked
// failure holds: the reason, and where the failure happened.
func TestKilledMainReport(t *testing.T) {
	r := runSrc(t, ": crash 1 0 / ;\n[ crash ] spawn-link drop receive", 2, 10*time.Second)
	if r.st != interp.StatusExited || r.m.Failure == nil {
		t.Fatalf("status %v, failure %v", r.st, r.m.Failure)
	}
	if got, want := r.m.Failure.Report(), "error: :badarith in crash at test.raft:1:13\n  called from <quot> at test.raft:2:3\n"; got != want {
		t.Errorf("report %q, want %q", got, want)
	}
}

// TestIdleRuntimeParks checks that workers park when nothing is runnable:
// an idle runtime makes no scheduling rounds at all, even with actors
// blocked in receive.
func TestIdleRuntimeParks(t *testing.T) {
	prog, err := interp.Compile("idle.raft", []byte(`100 0 do [ receive drop ] spawn drop loop`))
	if err != nil {
		t.Fatal(err)
	}
	rt := sched.New(prog, sched.Options{Workers: 4, Out: interp.NewOutput(&bytes.Buffer{})})
	defer rt.Stop()
	rt.Main().StartFunc(prog.Main)
	if st, err := rt.RunMain(context.Background()); st != interp.StatusDone || err != nil {
		t.Fatalf("RunMain: %v %v", st, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for rt.Parked() != 4 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 4 workers parked", rt.Parked())
		}
		time.Sleep(time.Millisecond)
	}
	before := rt.Loops()
	time.Sleep(100 * time.Millisecond)
	if after := rt.Loops(); after != before {
		t.Errorf("idle workers made %d scheduling rounds in 100 ms", after-before)
	}
}

// TestIdleWithTimerParks checks that a pending timer does not make idle
// workers spin: only the keeper wakes, at the deadline.
func TestIdleWithTimerParks(t *testing.T) {
	prog, err := interp.Compile("timer.raft", []byte(`self [ 300 sleep :done swap send ] curry spawn drop receive`))
	if err != nil {
		t.Fatal(err)
	}
	rt := sched.New(prog, sched.Options{Workers: 4, Out: interp.NewOutput(&bytes.Buffer{})})
	defer rt.Stop()
	rt.Main().StartFunc(prog.Main)
	done := make(chan interp.Status, 1)
	go func() {
		st, _ := rt.RunMain(context.Background())
		done <- st
	}()
	time.Sleep(100 * time.Millisecond)
	before := rt.Loops()
	time.Sleep(100 * time.Millisecond)
	if d := rt.Loops() - before; d > 4 {
		t.Errorf("workers made %d scheduling rounds in 100 ms while a timer was pending", d)
	}
	if st := <-done; st != interp.StatusDone {
		t.Errorf("status %v", st)
	}
}

// TestRunMainAgain runs the main actor several times on one runtime, as
// the REPL does: other actors live on between runs, and messages sent to
// the main actor between runs wait for the next one.
func TestRunMainAgain(t *testing.T) {
	prog := interp.NewProgram()
	var stdout bytes.Buffer
	out := interp.NewOutput(&stdout)
	rt := sched.New(prog, sched.Options{Workers: 2, Out: out})
	defer rt.Stop()
	lines := []struct{ src, want string }{
		{`[ begin receive dup 0 get swap 1 get 2 * swap send again ] spawn :doubler register`, ""},
		{`{ self 21 } :doubler send receive`, "42"},
		{`self [ 50 sleep :later swap send ] curry spawn drop`, ""},
		{`receive`, ":later"},
		{`1 0 /`, "error"},
		{`{ self 5 } :doubler send receive`, "10"},
	}
	for _, l := range lines {
		st, got := runLine(t, rt, prog, l.src)
		if st == interp.StatusFailed {
			got = "error"
		}
		if got != l.want {
			t.Errorf("%s: got %q (%v), want %q", l.src, got, st, l.want)
		}
	}
}

// runLine runs src on rt's main actor as the REPL runs a line: compiled
// into prog, run to its end, and the main actor reset after. It returns
// the status and the stack main was left with.
func runLine(t *testing.T, rt *sched.Runtime, prog *interp.Program, src string) (interp.Status, string) {
	t.Helper()
	m := rt.Main()
	fn, err := prog.CompileMore("<repl>", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.StartFunc(fn); err != nil {
		t.Fatal(err)
	}
	st, err := rt.RunMain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := m.StackText()
	m.Reset()
	return st, got
}

// TestRunMainContext stops a busy main actor when the context ends; the
// runtime goes on and can run main again.
func TestRunMainContext(t *testing.T) {
	prog := interp.NewProgram()
	rt := sched.New(prog, sched.Options{Workers: 2, Out: interp.NewOutput(&bytes.Buffer{})})
	defer rt.Stop()
	m := rt.Main()
	for _, src := range []string{`begin again`, `[ 100000 sleep ] spawn drop receive`, `100000 sleep`} {
		fn, err := prog.CompileMore("<repl>", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		m.StartFunc(fn)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		start := time.Now()
		_, err = rt.RunMain(ctx)
		cancel()
		if err != context.DeadlineExceeded || time.Since(start) > 5*time.Second {
			t.Fatalf("%s: RunMain gave %v after %v", src, err, time.Since(start))
		}
		m.Reset()
	}
	fn, _ := prog.CompileMore("<repl>", []byte(`6 7 *`))
	m.StartFunc(fn)
	if st, err := rt.RunMain(context.Background()); st != interp.StatusDone || err != nil || m.StackText() != "42" {
		t.Fatalf("after the interruptions: %v %v %q", st, err, m.StackText())
	}
}

// TestStopBusy stops a runtime whose actors never block.
func TestStopBusy(t *testing.T) {
	prog, _ := interp.Compile("busy.raft", []byte(`16 0 do [ begin again ] spawn drop loop`))
	rt := sched.New(prog, sched.Options{Workers: 3, Out: interp.NewOutput(&bytes.Buffer{})})
	rt.Main().StartFunc(prog.Main)
	rt.RunMain(context.Background())
	time.Sleep(20 * time.Millisecond)
	done := make(chan struct{})
	go func() { rt.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not return")
	}
	rt.Stop() // again: nothing happens
	if _, err := rt.RunMain(context.Background()); err != sched.ErrStopped {
		t.Errorf("RunMain after Stop: %v", err)
	}
}

// TestPreemption checks that busy actors, more of them than workers, do not
// starve an actor that prints and the main actor.
func TestPreemption(t *testing.T) {
	for _, w := range []int{1, 2} {
		r := runSrc(t, `
			: spin ( -- ) begin again ;
			6 0 do ' spin spawn drop loop
			self [ | main | 3 0 do i . yield loop :done main send ] curry spawn drop
			receive`, w, 20*time.Second)
		if r.st != interp.StatusDone || r.out != "0\n1\n2\n:done\n" {
			t.Errorf("workers=%d: %v %q", w, r.st, r.out)
		}
	}
}

// mallocs returns the Go allocations a run of src on one worker makes; the
// run must end done.
func mallocs(t *testing.T, src string) uint64 {
	t.Helper()
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	r := runSrc(t, src, 1, 20*time.Second)
	runtime.ReadMemStats(&b)
	if r.st != interp.StatusDone {
		t.Fatalf("status %v %q", r.st, r.stderr)
	}
	return b.Mallocs - a.Mallocs
}

// TestIntMessagesDoNotAllocate checks that a stream of int messages
// allocates nothing per message (the ring benchmark's path).
func TestIntMessagesDoNotAllocate(t *testing.T) {
	if sched.Randomized {
		t.Skip("the race detector allocates")
	}
	src := func(n int) string {
		return fmt.Sprintf(`
			: fwd ( next -- ) | nx | begin receive | v | v 0 < if v nx send return then v 1+ nx send again ;
			self ' fwd curry spawn ' fwd curry spawn ' fwd curry spawn | head |
			0 %d 0 do head send receive loop drop -1 head send receive`, n)
	}
	small, big := mallocs(t, src(1000)), mallocs(t, src(101000))
	// 100,000 more round trips, 4 messages each: a few allocations more at most.
	if d := int64(big) - int64(small); d > 4000 {
		t.Errorf("400,000 more int messages made %d more allocations", d)
	}
}

// TestStats checks the counters after a run.
func TestStats(t *testing.T) {
	r := runSrc(t, `10 0 do self [ 1 swap send ] curry spawn drop loop 10 0 do receive drop loop`, 2, 10*time.Second)
	if r.stats.Spawned != 10 || r.stats.Messages != 10 || r.stats.Live != 1 || r.stats.Workers != 2 {
		t.Errorf("stats %+v", r.stats)
	}
}

// TestSupervisorRestartsCounted checks the restart counter and a
// supervisor request answered across workers.
func TestSupervisorRestartsCounted(t *testing.T) {
	r := runSrc(t, `
		: worker ( -- ) receive drop 1 0 / ;
		{ { :w ' worker :permanent } } { :one-for-one 100 1000 } supervisor | sup |
		5 0 do
			sup which-children 0 get 1 get | p |
			p monitor drop :go p send receive drop
		loop
		sup which-children 0 get 1 get alive?`, 2, 10*time.Second)
	if r.st != interp.StatusDone || r.out != "true\n" || r.stats.Restarts != 5 {
		t.Errorf("%v %q %q restarts %d", r.st, r.out, r.stderr, r.stats.Restarts)
	}
	if !strings.Contains(r.out, "true") {
		t.Error(r.out)
	}
}

// TestWakeups runs many pairs of actors that answer each other across
// workers: a lost wake-up would leave a pair waiting for ever (and the run
// would time out); every round trip must complete.
func TestWakeups(t *testing.T) {
	pairs, trips := 50, 2000
	if testing.Short() || sched.Randomized {
		trips = 300
	}
	src := fmt.Sprintf(`
: echo ( -- ) begin receive dup 0 get swap 1 get 1+ swap send again ;
: pinger ( main n -- )
  | main n | ' echo spawn | e |
  0 n 0 do self swap 2 pack e send receive loop main send ;
%[1]d 0 do self %[2]d ' pinger curry curry spawn drop loop
0 %[1]d 0 do receive + loop`, pairs, trips)
	for _, w := range []int{2, 4} {
		r := runSrc(t, src, w, 60*time.Second)
		if r.err != nil || r.st != interp.StatusDone || r.out != fmt.Sprintf("%d\n", pairs*trips) {
			t.Errorf("workers=%d: %v %v %q %q", w, r.st, r.err, r.out, r.stderr)
		}
	}
}
