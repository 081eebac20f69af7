package sched_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// The bank of TestChaosBank: its size, and how long a client waits for an
// answer before it counts a request lost.
const (
	bankAccounts = 8
	bankClients  = 4
	bankBranches = 3
	bankTellers  = 4 // per branch
	bankStart    = 1000
	bankPatience = 5000 // ms
)

// TestChaosBank runs a bank written in Raft (testdata/chaos_bank.raft)
// under a storm of kills, on 1, 2, 4 and 8 workers. Accounts hold the
// money; tellers, under branch supervisors (one-for-one, rest-for-one,
// one-for-all; one teller of each traps exits) under a root supervisor,
// move it in two phases (debit the source, credit the destination) for
// clients that choose random transfers. The main actor is the chaos
// monkey: in each round it takes groups of victims from a plan made here
// with a seeded math/rand, kills them (a teller by :kill, by an exit signal
// :boom or by a crash from inside; a branch by :kill), waits for their
// DOWNs, and checks that the supervisors restored every teller (each
// answers a ping) before the next group. A client whose teller died
// resolves the transfer with the accounts: the destination fences it (or
// says it was credited), then the source refunds a debit. An account takes
// each phase of a transfer once (a second one is a dup, an older one a
// stale), so what a kill leaves half done is settled exactly, whatever the
// order in which the pieces arrive. Meanwhile an auditor asks random
// branches for their children (which-children), so that supervisors are
// killed with requests in hand. After each round, then:
//
//   - every request had exactly one outcome its client counted (done, not
//     enough money, or DOWN then committed or aborted); none was lost (no
//     answer within 5 s) or answered twice (a stray left in a mailbox, the
//     monkey's included), no account saw a dup or a stale, and every
//     request to a branch was answered or failed with :noproc;
//   - every account holds what it held before the round plus what the
//     clients' committed transfers moved, and the money adds up;
//   - the tree is whole, and the runtime holds what it held after the
//     first round: the same live actors, no timer, no more goroutines, and
//     about the same Go heap; once stopped (Runtime.Memory), no actor holds
//     a message, and the actors hold as many heap objects as those of a
//     bank that was never attacked.
//
// A lost message shows as a lost request or as a monkey blocked for ever
// (RunMain gives StatusBlocked), a duplicated one as a dup or a stray.
//
// By default each worker count runs four short rounds (about a second in
// all, a few under -race). RAFT_CHAOS=10m storms for that long in all,
// split between the worker counts, with bigger rounds; RAFT_CHAOS_SEED=n
// replays the plans and the clients' choices of a failed run (every
// failure names its seed; the interleaving is the scheduler's own).
func TestChaosBank(t *testing.T) {
	var long time.Duration
	if s := os.Getenv("RAFT_CHAOS"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("RAFT_CHAOS=%q: %v", s, err)
		}
		long = d
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("RAFT_CHAOS_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("RAFT_CHAOS_SEED=%q: %v", s, err)
		}
		seed = n
	}
	workers := []int{1, 2, 4, 8}
	for _, w := range workers {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			b := newBank(t, w, seed)
			defer b.rt.Stop()
			if long > 0 {
				b.storm(long / time.Duration(len(workers)))
			} else {
				b.storm(0)
			}
		})
	}
}

// bank is a running bank of TestChaosBank.
type bank struct {
	t       *testing.T
	workers int
	seed    int64
	seed0   int64 // the seed of the test (RAFT_CHAOS_SEED)
	rnd     *rand.Rand
	rt      *sched.Runtime
	round   uint32 // the function that runs one round (chaos-round)
	stdout  bytes.Buffer
	stderr  syncBuffer
	out     *interp.Output
	bal     []int // what each account held after the last round
	rounds  int
}

// bankSource is the bank's program with its sizes.
func bankSource(t testing.TB) []byte {
	body, err := os.ReadFile("testdata/chaos_bank.raft")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d constant naccts\n%d constant nclients\n%d constant branches\n%d constant per-branch\n%d constant start-balance\n%d constant patience\n",
		bankAccounts, bankClients, bankBranches, bankTellers, bankStart, bankPatience)
	b.WriteString(": acct-names ( -- arr ) {")
	for i := range bankAccounts {
		fmt.Fprintf(&b, " :acct-%d", i)
	}
	b.WriteString(" } ;\n: teller-names ( -- arr ) {")
	for i := range bankBranches * bankTellers {
		fmt.Fprintf(&b, " :teller-%d-%d", i/bankTellers, i%bankTellers)
	}
	b.WriteString(" } ;\n")
	b.Write(body)
	return []byte(b.String())
}

// newBank starts a bank on a runtime of the given workers.
func newBank(t *testing.T, workers int, seed int64) *bank {
	prog, err := interp.Compile("chaos_bank.raft", bankSource(t))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	b := &bank{t: t, workers: workers, seed: seed + int64(workers), seed0: seed, rnd: rand.New(rand.NewSource(seed + int64(workers)))}
	b.out = interp.NewOutput(&b.stdout)
	b.rt = sched.New(prog, sched.Options{Workers: workers, Out: b.out, Stderr: &b.stderr})
	setup := prog.Main
	if b.round, err = prog.CompileMore("<round>", []byte("chaos-round")); err != nil {
		t.Fatal(err)
	}
	b.run(setup, nil)
	b.bal = make([]int, bankAccounts)
	for i := range b.bal {
		b.bal[i] = bankStart
	}
	return b
}

// fatalf fails the test with what replays it.
func (b *bank) fatalf(format string, args ...any) {
	b.t.Helper()
	b.t.Fatalf("RAFT_CHAOS_SEED=%d workers=%d round %d: %s", b.seed0, b.workers, b.rounds, fmt.Sprintf(format, args...))
}

// run runs the main actor from function fn with args and returns what it
// printed.
func (b *bank) run(fn uint32, args []string) string {
	b.t.Helper()
	m := b.rt.Main()
	m.Reset()
	if err := m.SetArgs(args); err != nil {
		b.t.Fatal(err)
	}
	if err := m.StartFunc(fn); err != nil {
		b.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := b.rt.RunMain(ctx)
	b.out.Flush()
	out := b.stdout.String()
	b.stdout.Reset()
	if err != nil || st != interp.StatusDone {
		reason := ""
		if m.Failure != nil {
			reason = m.Failure.Report()
		}
		b.rt.Stop()
		var waiting []string // who holds messages it has not received: where the storm stuck
		for _, a := range b.rt.Memory() {
			if a.Mailbox+a.Inbox > 0 {
				waiting = append(waiting, fmt.Sprintf("<pid %d> %d+%d", a.Pid, a.Mailbox, a.Inbox))
			}
		}
		b.fatalf("main: %v %v (blocked: a lost message or a deadlock; a timeout: a hang) %s\nstdout %q\nstderr %q\nactors with messages (mailbox+inbox) %v",
			st, err, reason, out, b.stderr.String(), waiting)
	}
	if s := b.stderr.String(); s != "" {
		b.fatalf("stderr %q", s)
	}
	return out
}

// plan returns the arguments of one round: n transfers per client, the
// clients' seeds, and groups of victims, each with a pause after it.
func (b *bank) plan(n, groups int) []string {
	r := b.rnd
	args := []string{strconv.Itoa(n), strconv.Itoa(b.rounds << 20)} // the clients' txids grow from round to round
	for range bankClients {
		args = append(args, strconv.Itoa(r.Intn(1<<30)))
	}
	args = append(args, strconv.Itoa(r.Intn(1<<30)), strconv.Itoa(groups)) // the auditor's seed, then the kills
	for range groups {
		nv := 1 + r.Intn(3)
		args = append(args, strconv.Itoa(r.Intn(3)), strconv.Itoa(nv))
		for range nv {
			kind := r.Intn(3) // teller: :kill, :boom, crash
			if r.Intn(8) == 0 {
				kind = 3 // a whole branch
			}
			args = append(args, strconv.Itoa(kind), strconv.Itoa(r.Intn(bankBranches)), strconv.Itoa(r.Intn(bankTellers)))
		}
	}
	return args
}

var bankLine = regexp.MustCompile(`(?m)^(\w+) (.*)$`)

// check runs one round and checks what it printed and what the runtime holds.
func (b *bank) check(n, groups int) map[string]int {
	b.rounds++
	out := b.run(b.round, b.plan(n, groups))
	kv := map[string]string{}
	for _, m := range bankLine.FindAllStringSubmatch(out, -1) {
		kv[m[1]] = m[2]
	}
	num := map[string]int{}
	for _, k := range []string{"requests", "ok", "nsf", "downc", "downa", "lost", "stray", "clientfail", "dups", "stales", "kills", "restored", "unrestored", "mainstray", "audits", "auditbad"} {
		v, err := strconv.Atoi(kv[k])
		if err != nil {
			b.fatalf("no %s in %q", k, out)
		}
		num[k] = v
	}
	if num["requests"] != n*bankClients || num["ok"]+num["nsf"]+num["downc"]+num["downa"] != num["requests"] ||
		num["lost"] != 0 || num["stray"] != 0 || num["mainstray"] != 0 || num["auditbad"] != 0 || num["clientfail"] != 0 || num["dups"] != 0 || num["stales"] != 0 {
		b.fatalf("requests and their outcomes do not add up: %q", out)
	}
	if num["unrestored"] != 0 || num["restored"] != groups || kv["whole"] != "true" {
		b.fatalf("the supervisors did not restore the service: %q", out)
	}
	delta, bal := ints(kv["delta"]), ints(kv["bal"])
	if len(delta) != bankAccounts || len(bal) != bankAccounts {
		b.fatalf("no balances in %q", out)
	}
	sum := 0
	for i := range bal {
		if bal[i] != b.bal[i]+delta[i] {
			b.fatalf("account %d holds %d, had %d and the clients moved %d: %q", i, bal[i], b.bal[i], delta[i], out)
		}
		sum += bal[i]
	}
	if sum != bankAccounts*bankStart {
		b.fatalf("the accounts hold %d in all, not %d: %q", sum, bankAccounts*bankStart, out)
	}
	b.bal = bal
	b.settled()
	return num
}

// ints reads the printed form of an array of ints, { 1 2 3 }.
func ints(s string) []int {
	var r []int
	for _, f := range strings.Fields(strings.Trim(s, "{} ")) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil
		}
		r = append(r, n)
	}
	return r
}

// settled waits until the runtime holds only the bank (main, the accounts,
// the tree), no timer, and every worker has parked: what ended has
// finished ending and every signal in flight (a demonitor) has been taken.
func (b *bank) settled() {
	want := int64(1 + bankAccounts + 1 + bankBranches + bankBranches*bankTellers)
	deadline := time.Now().Add(10 * time.Second)
	for {
		live, timers, parked := b.rt.Stats().Live, b.rt.Timers(), b.rt.Parked()
		if live == want && timers == 0 && parked == b.workers {
			return
		}
		if time.Now().After(deadline) {
			b.fatalf("after the round: %d live actors (want %d), %d timers (want 0), %d of %d workers parked", live, want, timers, parked, b.workers)
		}
		time.Sleep(time.Millisecond)
	}
}

// heapInUse returns the Go heap in use after a collection.
func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC() // the pools' victim caches too
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// storm runs rounds for d (0: a few short ones), checks that memory stays
// where it was after the first, then stops the runtime and compares what
// its actors hold with a bank that was never attacked.
func (b *bank) storm(d time.Duration) {
	n, groups, rounds := 150, 25, 4
	if sched.Randomized {
		n, groups = 60, 10
	}
	start := time.Now()
	first := b.check(n, groups)
	goroutines, heap := runtime.NumGoroutine(), heapInUse()
	total, last := first, heap
	for r := 1; ; r++ {
		if d > 0 && time.Since(start) >= d || d == 0 && r >= rounds {
			break
		}
		nn, gg := n, groups
		if d > 0 {
			nn, gg = 300, 40
		}
		for k, v := range b.check(nn, gg) {
			total[k] += v
		}
		if g := runtime.NumGoroutine(); g > goroutines {
			b.fatalf("%d goroutines after the round, %d after the first", g, goroutines)
		}
		last = heapInUse()
		if last > heap+heap/2+4<<20 {
			b.fatalf("Go heap %d after the round, %d after the first", last, heap)
		}
	}
	stats := b.rt.Stats()
	b.rt.Stop()
	mem := b.rt.Memory()
	ctl := quietBank(b.t, b.workers, b.seed0)
	if got, want := objects(b, mem), objects(b, ctl); !slices.Equal(got, want) {
		b.fatalf("heap objects by actor %v, a bank never attacked holds %v", got, want)
	}
	b.t.Logf("seed %d: %d rounds in %v: %d kills, %d restarts, %d requests: %d ok, %d not enough money, %d DOWN then committed, %d DOWN then aborted; %d supervisor audits; Go heap %d KB after the first round, %d KB after the last",
		b.seed0, b.rounds, time.Since(start).Round(time.Millisecond), total["kills"], stats.Restarts, total["requests"], total["ok"], total["nsf"], total["downc"], total["downa"], total["audits"], heap>>10, last>>10)
}

// objects checks that no actor holds a message, and returns the heap
// objects of each but main, sorted.
func objects(b *bank, mem []sched.ActorMemory) []int {
	var r []int
	for _, m := range mem {
		if m.Mailbox != 0 || m.Inbox != 0 {
			b.fatalf("actor %d holds %d messages in its mailbox, %d in its inbox", m.Pid, m.Mailbox, m.Inbox)
		}
		if m.Pid != 1 { // main holds what the last round left
			r = append(r, m.Objects)
		}
	}
	slices.Sort(r)
	return r
}

// quietBank runs a bank for a round without kills and returns what its
// actors hold once stopped.
func quietBank(t *testing.T, workers int, seed int64) []sched.ActorMemory {
	b := newBank(t, workers, seed)
	b.check(10, 0)
	b.rt.Stop()
	return b.rt.Memory()
}
