package main

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/sched"
)

// An actor whose heap passes --max-heap fails with :heap-limit; its
// monitor sees that reason and the rest of the program goes on.
func TestMaxHeapFailsTheActor(t *testing.T) {
	path := writeScript(t, `[ receive drop 0 array | a | begin a 1 push again ] spawn | p |
p monitor drop :go p send
receive 3 get .
"still here" .
`)
	for _, mode := range engines {
		args := append(append([]string{"run", "--timeout", "60s", "--max-heap", "16M"}, mode.flags...), path)
		code, out, errs := runCmd(args...)
		if code != 0 || out != ":heap-limit\nstill here\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want the monitor to see :heap-limit", mode.name, code, out, errs)
		}
	}
}

// The main actor past --max-heap fails as for any error: the reason, where,
// exit code 1.
func TestMaxHeapFailsMain(t *testing.T) {
	path := writeScript(t, "0 array | a | begin a 1 push again\n")
	code, out, errs := runCmd("run", "--timeout", "60s", "--max-heap", "1M", path)
	if code != exitFailure || out != "" || !strings.HasPrefix(errs, "error: :heap-limit in <main> at ") || !strings.Contains(errs, "t.raft:1:25") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, cut(out), cut(errs))
	}
}

// A spawn that would make more than --max-actors alive fails the spawning
// actor with :system-limit; the actors alive before are untouched.
func TestMaxActorsFailsSpawn(t *testing.T) {
	path := writeScript(t, `: waiter [ receive drop ] spawn ;
[ receive drop waiter waiter waiter "three spawned" . waiter "four spawned" . ] spawn | p |
p monitor drop :go p send
receive 3 get .
`)
	code, out, errs := runCmd("run", "--timeout", "60s", "--max-actors", "5", path)
	// main + the spawner + 3 waiters = 5: the fourth waiter is one too many.
	if code != 0 || out != "three spawned\n:system-limit\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, cut(out), cut(errs))
	}
	path = writeScript(t, "begin [ receive drop ] spawn drop again\n")
	code, out, errs = runCmd("run", "--timeout", "60s", "--max-actors", "1000", path)
	if code != exitFailure || !strings.HasPrefix(errs, "error: :system-limit in <main> at ") {
		t.Errorf("spawn storm: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// An actor with more than --max-mailbox messages waiting ends with
// :mailbox-limit, also when it traps exits; what is sent to it after is
// dropped, and the sender goes on.
func TestMaxMailboxEndsTheReceiver(t *testing.T) {
	path := writeScript(t, `[ true trap-exit 100000 sleep ] spawn | p |
p monitor drop
1000 0 do i p send loop
"sent" .
receive 3 get .
`)
	code, out, errs := runCmd("run", "--timeout", "60s", "--max-mailbox", "100", path)
	if code != 0 || out != "sent\n:mailbox-limit\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, cut(out), cut(errs))
	}
	// Taken into the mailbox and skipped by receive-match: counted too.
	path = writeScript(t, `[ [ :never = ] receive-match drop ] spawn | p |
p monitor drop
1000 0 do i p send 0 sleep loop
receive 3 get .
`)
	code, out, errs = runCmd("run", "--timeout", "60s", "--max-mailbox", "100", path)
	if code != 0 || out != ":mailbox-limit\n" {
		t.Errorf("receive-match: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// A program whose memory passes --max-memory is stopped with a message
// naming the limit and exit code 3, before the Go runtime runs out.
func TestMaxMemoryStopsTheProgram(t *testing.T) {
	path := writeScript(t, `: hog [ 1000000 array receive drop ] spawn drop ;
begin hog again
`)
	limit := memoryNow() + 256<<20
	code, out, errs := runCmd("run", "--timeout", "60s", "--max-memory", strconv.FormatInt(limit, 10), path)
	if code != exitMemory || out != "" || errs != "raft: out of memory: the program passed --max-memory "+formatSize(limit)+"\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, cut(out), cut(errs))
	}
}

// Sizes take K M G T (powers of 1024) with or without B or iB; bad ones
// are usage errors that say what is wanted.
func TestSizeFlag(t *testing.T) {
	for in, want := range map[string]int64{"65536": 65536, "64K": 64 << 10, "512M": 512 << 20, "512MB": 512 << 20,
		"2GiB": 2 << 30, "1.5g": 3 << 29, "1T": 1 << 40} {
		if n, err := parseSize(in); err != nil || n != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1G", "G", "12Q", "1e30", "NaN", "1.5.1M"} {
		if n, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, n)
		}
	}
	for n, want := range map[int64]string{100: "100 bytes", 512 << 20: "512 MiB", 3 << 29: "1.5 GiB", 1 << 40: "1 TiB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
	path := writeScript(t, "1 .\n")
	for _, flag := range []string{"--max-heap=lots", "--max-memory=0", "--max-actors=0", "--max-mailbox=-5"} {
		if code, _, errs := runCmd("run", flag, path); code != exitUsage || !strings.Contains(errs, "want a") {
			t.Errorf("%s: exit %d, stderr %q", flag, code, errs)
		}
	}
}

// --timeout wins over everything: a receive that waits while another actor
// spins, a long sleep, a spawn storm, an interpreted loop.
func TestTimeoutWins(t *testing.T) {
	for name, src := range map[string]string{
		"receive":     "[ begin again ] spawn drop receive\n",
		"sleep":       "100000000 sleep\n",
		"spawn storm": "begin [ receive drop ] spawn drop again\n",
		"loop":        "begin again\n",
	} {
		path := writeScript(t, src)
		start := time.Now()
		code, out, errs := runCmd("run", "--timeout", "300ms", path)
		if code != exitTimeout || out != "" || errs != "raft: timeout after 300ms\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, cut(out), cut(errs))
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: stopped after %v", name, d)
		}
	}
}

// The REPL takes the limit flags: past --max-heap a line fails and the
// session goes on; past --max-memory the session ends with exit code 3
// (its actors hold the memory).
func TestReplLimits(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := "0 array | a | begin a 1 push again\n1 2 +\n: hog [ 1000000 array receive drop ] spawn drop ;\nbegin hog again\n3 4 +\n"
	limit := memoryNow() + 256<<20
	code := realMain([]string{"repl", "--max-heap", "16M", "--max-memory", strconv.FormatInt(limit, 10)}, strings.NewReader(in), &stdout, &stderr)
	if code != exitMemory || stdout.String() != "<1> 3\n<1> 3\n" ||
		stderr.String() != "error: :heap-limit in <main> at <repl>:1:25\nraft: out of memory: the program passed --max-memory "+formatSize(limit)+"\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, cut(stdout.String()), cut(stderr.String()))
	}
	if code, _, errs := runCmd("repl", "extra"); code != exitUsage || !strings.Contains(errs, "takes no arguments") {
		t.Errorf("repl extra: exit %d, stderr %q", code, errs)
	}
}

// cut shortens s for a test's message.
func cut(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// memoryNow is what the memory limit counts of this test process now (the
// tests before have left it bigger): a limit is set above it.
func memoryNow() int64 {
	runtime.GC()
	return sched.MemoryInUse()
}

// Words that build a string in Go memory first check it against the heap's
// room: past --max-heap they fail with :heap-limit before the memory is
// spent (a pad to 100 MB under a 1 MiB heap).
func TestStringBuildersCheckTheHeap(t *testing.T) {
	for name, src := range map[string]string{
		"pad-left": "\"x\" 100000000 pad-left\n",
		"join":     "\"x\" 16 0 do dup + loop | s | 0 array | a | 20 0 do a s push loop a \"\" join\n", // 20 x 64 KiB of one string
		"+":        "\"x\" 21 0 do dup + loop\n",
	} {
		path := writeScript(t, src)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		code, out, errs := runCmd("run", "--timeout", "60s", "--max-heap", "1M", path)
		runtime.ReadMemStats(&after)
		if code != exitFailure || out != "" || !strings.HasPrefix(errs, "error: :heap-limit in <main> at ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, cut(out), cut(errs))
		}
		if spent := after.TotalAlloc - before.TotalAlloc; spent > 32<<20 {
			t.Errorf("%s: %d MB of Go memory allocated for a string the heap could not hold", name, spent>>20)
		}
	}
}
