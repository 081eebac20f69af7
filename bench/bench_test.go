// Package bench holds Raft's benchmark workloads (the .raft files beside
// this one) and runs them as Go benchmarks:
//
//	go test -bench . ./bench
//	go test -bench Fib ./bench
//
// Each benchmark compiles its workload and runs it the way raft run does
// (the scheduler, its workers, the main actor), checks the printed answer,
// and reports the time per run. compare.sh puts the same workloads next to
// Lua, LuaJIT, gforth, Erlang and plain Go; README.md keeps the results.
package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftvm/raft"
	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/jit"
	"github.com/raftvm/raft/sched"
)

// run compiles and runs workload name.raft on workers workers and fails b
// unless it prints want.
func run(b *testing.B, name, engine string, workers int, want string) {
	src, err := os.ReadFile(name + ".raft")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		prog, err := interp.Compile(name+".raft", src)
		if err != nil {
			b.Fatal(err)
		}
		var j *jit.JIT
		if engine == "jit" {
			j = jit.New(prog, jit.Options{})
			prog.Native = j
		}
		var buf bytes.Buffer
		out := interp.NewOutput(&buf)
		rt := sched.New(prog, sched.Options{Workers: workers, Out: out, Stderr: os.Stderr})
		m := rt.Main()
		m.SetArgs(nil)
		if err := m.StartFunc(prog.Main); err != nil {
			b.Fatal(err)
		}
		st, err := rt.RunMain(context.Background())
		rt.Stop()
		if j != nil {
			j.Close()
		}
		out.Flush()
		if err != nil || st != interp.StatusDone {
			b.Fatalf("%s: status %v, %v", name, st, err)
		}
		if got := strings.TrimSpace(buf.String()); got != want {
			b.Fatalf("%s printed %q, want %q", name, got, want)
		}
	}
}

// engines lists the engines a workload runs on: the interpreter, and
// raft run --jit where this build has a native back end.
var engines = func() []string {
	if jit.Supported {
		return []string{"interp", "jit"}
	}
	return []string{"interp"}
}()

func each(b *testing.B, name, want string) {
	for _, e := range engines {
		b.Run("engine="+e, func(b *testing.B) { run(b, name, e, 1, want) })
	}
}

func BenchmarkFib(b *testing.B)      { each(b, "fib", "9227465") }
func BenchmarkLoop(b *testing.B)     { each(b, "loop", "44999999850000000") }
func BenchmarkCollatz(b *testing.B)  { each(b, "collatz", "837799") }
func BenchmarkSieve(b *testing.B)    { each(b, "sieve", "664579") }
func BenchmarkBintrees(b *testing.B) { each(b, "bintrees", "14723759") }

// The actor workloads run on one worker and on two.
func actors(b *testing.B, name, want string, msgs float64) {
	actorsPer(b, name, want, msgs, "msgs/s")
}

// actorsPer is actors with a count of something else than messages (count
// of them in one run), reported per second as unit.
func actorsPer(b *testing.B, name, want string, count float64, unit string) {
	for _, w := range []int{1, 2} {
		b.Run("workers="+string(rune('0'+w)), func(b *testing.B) {
			run(b, name, "interp", w, want)
			b.ReportMetric(count*float64(b.N)/b.Elapsed().Seconds(), unit)
		})
	}
}

func BenchmarkRing(b *testing.B)     { actors(b, "ring", "1000000", 1e6) }
func BenchmarkSpawn(b *testing.B)    { actors(b, "spawn", "1000000", 1e6) }
func BenchmarkPingpong(b *testing.B) { actors(b, "pingpong", "1000000", 2e6) }

// Pairs has parallel work (ring, spawn and pingpong have one runnable actor
// at a time): it shows what a second worker adds.
func BenchmarkPairs(b *testing.B) { actors(b, "pairs", "done", 2e6) }

// The actor workloads of issue 17, each with an Erlang and a Go peer
// (peers/erlang/NAME.erl, peers/go/NAME/main.go) and its answer at the end
// of its first line, after "; prints " (TestActorLayout checks both).
var actorWorkloads = []struct {
	name, want string
	count      float64 // of unit in one run
	unit       string
}{
	{"pingpong-tuple", "1000000", 2e6, "msgs/s"},
	{"server", "25400700000", 2e6, "msgs/s"},
	{"fanout", "27000000", 2e6, "msgs/s"},
	{"bigring", "100000 333333000", 1e5, "msgs/s"},
	{"selective", "332833500 49995000", 1000, "rounds/s"},
	{"restarts", "20000", 20000, "restarts/s"},
	{"pairs-tuple", "1000000", 2e6, "msgs/s"},
}

func actorWorkload(b *testing.B, name string) {
	for _, w := range actorWorkloads {
		if w.name == name {
			actorsPer(b, w.name, w.want, w.count, w.unit)
			return
		}
	}
	b.Fatalf("no actor workload %s", name)
}

// Tuple messages ({ :ping self } / { :pong n }, pack and unpack).
func BenchmarkPingpongTuple(b *testing.B) { actorWorkload(b, "pingpong-tuple") }

// A request/reply server holding 1000 ints, four clients.
func BenchmarkServer(b *testing.B) { actorWorkload(b, "server") }

// Fan-out to 8 workers, fan-in of the results.
func BenchmarkFanout(b *testing.B) { actorWorkload(b, "fanout") }

// An array of 1000 ints round a ring of 100 actors.
func BenchmarkBigring(b *testing.B) { actorWorkload(b, "bigring") }

// receive-match past 10,000 queued messages.
func BenchmarkSelective(b *testing.B) { actorWorkload(b, "selective") }

// A supervisor restarting a child that crashes at once.
func BenchmarkRestarts(b *testing.B) { actorWorkload(b, "restarts") }

// Four independent pingpong pairs with tuple messages: what a second worker adds.
func BenchmarkPairsTuple(b *testing.B) { actorWorkload(b, "pairs-tuple") }

// TestActorLayout checks that every actor workload of issue 17 says its
// answer on its first line and has its Erlang and Go peers (it runs nothing).
func TestActorLayout(t *testing.T) {
	for _, w := range actorWorkloads {
		src, err := os.ReadFile(w.name + ".raft")
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(src), "\n")
		if !strings.HasPrefix(first, "# ") || !strings.HasSuffix(first, "; prints "+w.want) {
			t.Errorf("%s.raft: the first line does not end with \"; prints %s\"", w.name, w.want)
		}
		for _, p := range []string{"peers/erlang/" + w.name + ".erl", "peers/go/" + w.name + "/main.go"} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: no peer %s", w.name, p)
			}
		}
	}
}

// The corpus (corpus/*.raft, see README.md): programs written as a user of
// the language would, each with Lua and Go peers for compare.sh -w corpus.
// The first line of each ends with "; prints " and its answer.
func corpus(t testing.TB) (names, answers []string) {
	files, err := filepath.Glob("corpus/*.raft")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus/*.raft: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(src), "\n")
		k := strings.LastIndex(first, "; prints ")
		if !strings.HasPrefix(first, "# ") || k < 0 {
			t.Fatalf("%s: the first line does not end with \"; prints <answer>\"", f)
		}
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".raft"))
		answers = append(answers, first[k+len("; prints "):])
	}
	return names, answers
}

// TestCorpusLayout checks that every corpus workload says its answer and has
// its peers (it runs nothing).
func TestCorpusLayout(t *testing.T) {
	names, _ := corpus(t)
	for _, n := range names {
		for _, p := range []string{"corpus/peers/lua/" + n + ".lua", "corpus/peers/go/" + n + "/main.go"} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: no peer %s", n, p)
			}
		}
	}
}

// BenchmarkCorpus runs the corpus workloads: go test -bench Corpus ./bench
func BenchmarkCorpus(b *testing.B) {
	names, answers := corpus(b)
	for k, n := range names {
		b.Run(n, func(b *testing.B) { each(b, "corpus/"+n, answers[k]) })
	}
}

// BenchmarkEmbedRun is the cost of one small run through the Go library
// (raft.Runtime.Run: a scheduler, its workers and a main actor made and
// stopped), what an embedder pays per request when it runs a script each
// time.
func BenchmarkEmbedRun(b *testing.B) {
	rt := raft.New()
	p, err := rt.Compile("add.raft", "1 2 +")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		stack, err := rt.Run(context.Background(), p)
		if err != nil || len(stack) != 1 || stack[0] != int64(3) {
			b.Fatalf("got %v, %v", stack, err)
		}
	}
}
