package sched_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// benchRun compiles src and runs it to its end on a runtime of the given
// workers, failing the benchmark unless it prints want.
func benchRun(b *testing.B, src string, workers int, want string) {
	b.Helper()
	prog, err := interp.Compile("bench.raft", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	var stdout bytes.Buffer
	out := interp.NewOutput(&stdout)
	rt := sched.New(prog, sched.Options{Workers: workers, Out: out})
	defer rt.Stop()
	m := rt.Main()
	m.StartFunc(prog.Main)
	st, err := rt.RunMain(context.Background())
	out.Flush()
	if st != interp.StatusDone || err != nil || m.StackText() != want {
		b.Fatalf("%v %v: stack %q, output %q", st, err, m.StackText(), stdout.String())
	}
}

// ringSrc is bench/ring.raft with the hop count and the number of tokens
// going round at once as parameters.
func ringSrc(size, hops, tokens int) string {
	return fmt.Sprintf(`
%d constant ring-size
%d constant hops
%d constant tokens
: ring-node ( main -- )
  | main | receive | nx |
  begin receive dup hops >= if main send return then 1+ nx send again ;
ring-size array | pids |
ring-size 0 do pids i self ' ring-node curry spawn set loop
ring-size 0 do pids i 1+ ring-size mod get pids i get send loop
tokens 0 do 0 pids i ring-size tokens / * get send loop
0 tokens 0 do receive drop 1+ loop`, size, hops, tokens)
}

// BenchmarkRing passes a token round a ring of 1000 actors: one op is one
// hop (bench/ring.raft). With one token the ring is sequential by nature:
// more workers cannot make it faster.
func BenchmarkRing(b *testing.B) {
	for _, w := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			benchRun(b, ringSrc(1000, b.N, 1), w, "1")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hops/s")
		})
	}
}

// BenchmarkRingTokens is the ring with 100 tokens going round at once, so
// that workers have parallel work: one op is one hop of any token.
func BenchmarkRingTokens(b *testing.B) {
	for _, w := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			benchRun(b, ringSrc(1000, max(b.N/100, 1), 100), w, "100")
			b.ReportMetric(float64(max(b.N/100, 1)*100)/b.Elapsed().Seconds(), "hops/s")
		})
	}
}

// BenchmarkPingPong makes round trips between two actors (bench/pingpong.raft):
// one op is one round trip.
func BenchmarkPingPong(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			benchRun(b, fmt.Sprintf(`
: ponger ( -- ) begin receive :pong swap send again ;
' ponger spawn | pong |
0 %d 0 do self pong send receive drop 1+ loop`, b.N), w, fmt.Sprint(b.N))
		})
	}
}

// BenchmarkSpawn spawns actors that each send 1 to the parent, which sums
// (bench/spawn.raft): one op is one actor.
func BenchmarkSpawn(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			benchRun(b, fmt.Sprintf(`
: child ( parent -- ) 1 swap send ;
%[1]d 0 do self ' child curry spawn drop loop
0 %[1]d 0 do receive + loop`, b.N), w, fmt.Sprint(b.N))
		})
	}
}

// BenchmarkIdleActor spawns actors that block in receive and reports the
// memory each holds (Go heap in use, after a collection, over the count).
func BenchmarkIdleActor(b *testing.B) {
	prog, err := interp.Compile("idle.raft", []byte(fmt.Sprintf(`%d 0 do [ receive ] spawn drop loop`, b.N)))
	if err != nil {
		b.Fatal(err)
	}
	rt := sched.New(prog, sched.Options{Workers: 2, Out: interp.NewOutput(&bytes.Buffer{})})
	defer rt.Stop()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rt.Main().StartFunc(prog.Main)
	if st, err := rt.RunMain(context.Background()); st != interp.StatusDone || err != nil {
		b.Fatal(st, err)
	}
	for rt.Parked() != 2 { // every actor has run into its receive
		runtime.Gosched()
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/float64(b.N), "bytes/actor")
	runtime.KeepAlive(rt)
}
