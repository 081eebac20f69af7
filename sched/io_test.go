package sched_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// runInput runs src as a program on workers workers with stdin as its
// standard input (nil: an empty one), for at most timeout, and returns what
// it did: its final stack on stdout, as raft run prints it.
func runInput(t testing.TB, src string, stdin io.Reader, workers int, timeout time.Duration) result {
	t.Helper()
	prog, err := interp.Compile("test.raft", []byte(src))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	var stdout bytes.Buffer
	var stderr syncBuffer
	out := interp.NewOutput(&stdout)
	rt := sched.New(prog, sched.Options{Workers: workers, Out: out, Stderr: &stderr, Input: stdin})
	m := rt.Main()
	if err := m.StartFunc(prog.Main); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	st, rerr := rt.RunMain(ctx)
	rt.Stop()
	if st == interp.StatusDone {
		if s := m.StackText(); s != "" {
			out.Write([]byte(s + "\n"))
		}
	}
	if m.Failure != nil && st != interp.StatusDone {
		stderr.Write([]byte(m.Failure.Report()))
	}
	out.Flush()
	return result{st: st, err: rerr, out: stdout.String(), stderr: stderr.String(), m: m, stats: rt.Stats()}
}

// A read that is pending is no deadlock, even when every actor waits;
// once the actor waiting for it is killed, the read no longer counts, and
// a main actor that waits for ever is a deadlock again.
func TestIOPendingIsNoDeadlock(t *testing.T) {
	for _, w := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			go func() {
				time.Sleep(50 * time.Millisecond)
				pw.Write([]byte("late\n"))
			}()
			r := runInput(t, `self [ | m | read-line m send ] curry spawn drop receive`, pr, w, 20*time.Second)
			if r.err != nil || r.st != interp.StatusDone || r.out != "\"late\"\n" {
				t.Errorf("pending read: %v %v %q %q", r.err, r.st, r.out, r.stderr)
			}

			never, npw := io.Pipe()
			defer npw.Close()
			r = runInput(t, `[ read-line ] spawn | p | p monitor drop 10 sleep p :kill kill receive 3 get . receive`, never, w, 20*time.Second)
			if r.err != nil || r.st != interp.StatusBlocked || r.out != ":killed\n" {
				t.Errorf("killed reader: %v %v %q %q, want a deadlock after :killed", r.err, r.st, r.out, r.stderr)
			}
		})
	}
}

// Many actors read standard input and files, write files, and are killed
// while they wait for a file, on several workers (run it with -race):
// every line goes to one reader, whole, and every file read gives what
// was written. (A line read for an actor killed meanwhile is lost, so the
// victims keep to files.)
func TestIOConcurrent(t *testing.T) {
	dir := t.TempDir()
	for i := range 8 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprint(i)), []byte(strings.Repeat("f", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var in strings.Builder
	want := 0
	for i := range 3000 {
		line := strings.Repeat("z", i%5)
		in.WriteString(line + "\r\n")
		want += len(line)
	}
	src := fmt.Sprintf(`
: lines ( m -- ) | m | begin read-line dup while m send repeat drop :done m send ;
: files ( m k -- ) | m k | 20 0 do
    "%[1]s/" k str + | p | p read-file len k <> if :bad-read error then
    "w" "%[1]s/w" k str + i str + write-file
  loop :done m send ;
: victim ( -- ) "%[1]s/0" read-file drop "v" "%[1]s/v" write-file receive ;
8 0 do self ' lines curry spawn drop loop
8 0 do self i ' files curry curry spawn drop loop
{ } 8 0 do ' victim spawn over swap push loop [ :kill kill ] each
0 0 begin over 16 < while receive dup :done = if drop swap 1+ swap else len + then repeat . drop
`, dir)
	for _, w := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			r := runInput(t, src, strings.NewReader(in.String()), w, 60*time.Second)
			if r.err != nil || r.st != interp.StatusDone || r.out != fmt.Sprintf("%d\n", want) {
				t.Errorf("%v %v %q %q, want %d", r.err, r.st, r.out, r.stderr, want)
			}
		})
	}
}

// --timeout (a context) stops a main actor that waits in read-line, and
// Stop returns though the read never ends.
func TestIOMainStopped(t *testing.T) {
	never, pw := io.Pipe()
	defer pw.Close()
	start := time.Now()
	r := runInput(t, `read-line`, never, 1, 100*time.Millisecond)
	if r.err != context.DeadlineExceeded || r.st != interp.StatusYield {
		t.Errorf("got %v %v, want the context's error", r.st, r.err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// With Options.NoFiles, read-file and write-file fail with :eacces and
// leave the file system alone (FuzzActors runs mutated programs so).
func TestNoFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte("kept"), 0o666); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.txt")
	for _, src := range []string{
		fmt.Sprintf("%q read-file", in),
		fmt.Sprintf("\"x\" %q write-file", out),
	} {
		prog, err := interp.Compile("test.raft", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		rt := sched.New(prog, sched.Options{Workers: 1, Out: interp.NewOutput(io.Discard), NoFiles: true})
		m := rt.Main()
		m.SetArgs(nil)
		if err := m.StartFunc(prog.Main); err != nil {
			t.Fatal(err)
		}
		st, _ := rt.RunMain(context.Background())
		rt.Stop()
		if st != interp.StatusFailed || m.Failure == nil || !strings.Contains(m.Failure.Report(), ":eacces") {
			t.Errorf("%s with NoFiles: status %v, failure %v; want :eacces", src, st, m.Failure)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("write-file with NoFiles made the file (stat: %v)", err)
	}
}
