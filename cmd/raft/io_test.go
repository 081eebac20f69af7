package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// watchWriter is a stdout that tests can watch while the program runs:
// saw is closed when what was written first contains want.
type watchWriter struct {
	mu   sync.Mutex
	b    bytes.Buffer
	want string
	saw  chan struct{}
}

func newWatchWriter(want string) *watchWriter {
	return &watchWriter{want: want, saw: make(chan struct{})}
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	had := strings.Contains(w.b.String(), w.want)
	w.b.Write(p)
	if !had && strings.Contains(w.b.String(), w.want) {
		close(w.saw)
	}
	return len(p), nil
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// runAsync runs realMain in a goroutine; the result comes on the channel.
func runAsync(stdin io.Reader, stdout, stderr io.Writer, args ...string) <-chan int {
	done := make(chan int, 1)
	go func() { done <- realMain(args, stdin, stdout, stderr) }()
	return done
}

// wait returns the exit code from done, or fails the test after d.
func wait(t *testing.T, done <-chan int, d time.Duration, what string) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(d):
		t.Fatalf("%s: still running after %v", what, d)
		return 0
	}
}

// A read-line that waits does not hold its worker: with one worker, another
// actor prints while the main actor waits for a line that the test writes
// only once it has seen that output.
func TestReadLineDoesNotBlockOthers(t *testing.T) {
	path := writeScript(t, "[ 0 begin 1+ dup . again ] spawn drop\nread-line \"got \" swap + .\n")
	for _, mode := range engines {
		t.Run(mode.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pr.Close()
			stdout := newWatchWriter("\n1000\n")
			var stderr syncBuf
			args := append(append([]string{"run", "--workers", "1", "--timeout", "20s"}, mode.flags...), path)
			done := runAsync(pr, stdout, &stderr, args...)
			select {
			case <-stdout.saw:
			case code := <-done:
				t.Fatalf("ended (exit %d) before the line was written; stderr %q", code, stderr.String())
			case <-time.After(10 * time.Second):
				t.Fatal("the other actor printed nothing while main waited in read-line")
			}
			if strings.Contains(stdout.String(), "got") {
				t.Fatal("read-line returned before a line was written")
			}
			go pw.Write([]byte("hello\n")) // returns once read: the program may have ended before
			if code := wait(t, done, 10*time.Second, "after the line"); code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), "\ngot hello\n") {
				t.Errorf("stdout does not hold the line read: ...%q", tail(stdout.String()))
			}
		})
	}
}

// A prompt printed before read-line shows before the read waits: output
// is flushed when standard input has no line ready.
func TestReadLineFlushesPrompt(t *testing.T) {
	path := writeScript(t, "\"name? \" print read-line \"hi \" swap + .\n")
	pr, pw := io.Pipe()
	defer pr.Close()
	stdout := newWatchWriter("name? ")
	var stderr syncBuf
	done := runAsync(pr, stdout, &stderr, "run", "--timeout", "20s", path)
	select {
	case <-stdout.saw:
	case <-time.After(10 * time.Second):
		t.Fatal("the prompt did not show while read-line waited")
	}
	go pw.Write([]byte("raft\n"))
	if code := wait(t, done, 10*time.Second, "after the line"); code != 0 || stdout.String() != "name? hi raft\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

// An actor killed while it waits in read-line ends at once (its monitor
// sees why), and a read for it that never ends does not keep the program
// from ending; --timeout stops a main actor that waits in read-line, and
// one that waits for an actor waiting in read-line, which is no deadlock.
func TestReadLineKilledAndTimeout(t *testing.T) {
	for _, mode := range engines {
		t.Run(mode.name, func(t *testing.T) {
			for _, c := range []struct {
				name, src, out, errs string
				code                 int
			}{
				{"kill", "[ read-line . ] spawn | p |\np monitor drop\n10 sleep\np :kill kill\nreceive .\np alive? .\n",
					"{ :DOWN 1 <pid 2> :killed }\nfalse\n", "", 0},
				{"exit-signal", "[ read-line . ] spawn-link | p |\ntrue trap-exit\n10 sleep\np :stop kill\nreceive .\n",
					"{ :EXIT <pid 2> :stop }\n", "", 0},
				{"timeout-main", "read-line .\n", "", "raft: timeout after 300ms\n", exitTimeout},
				{"timeout-waiting-main", "self [ | m | read-line m send ] curry spawn drop\nreceive .\n", "",
					"raft: timeout after 300ms\n", exitTimeout},
			} {
				pr, pw := io.Pipe() // never written: every read waits for ever
				var stdout, stderr syncBuf
				args := append(append([]string{"run", "--workers", "1", "--timeout", "300ms"}, mode.flags...), writeScript(t, c.src))
				start := time.Now()
				code := wait(t, runAsync(pr, &stdout, &stderr, args...), 10*time.Second, c.name)
				if code != c.code || stdout.String() != c.out || stderr.String() != c.errs {
					t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.name, code, stdout.String(), stderr.String(), c.code, c.out, c.errs)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("%s: took %v", c.name, d)
				}
				pw.Close() // the reader goroutine left behind sees the end and leaves
			}
		})
	}
}

// write-file creates and truncates a file with the string's bytes, which
// read-file gives back.
func TestWriteFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "out.txt")
	src := `args 0 get | p |
"a long first text" p write-file
"h\xC3\xA9llo\n\0x\r\n" p write-file
p read-file .s
"" p write-file p read-file len .
`
	want := "<1> \"h\u00e9llo\\n\\0x\\r\\n\"\n0\n\"h\u00e9llo\\n\\0x\\r\\n\"\n"
	for _, mode := range engines {
		args := append(append([]string{"run"}, mode.flags...), writeScript(t, src), file)
		var stdout, stderr bytes.Buffer
		code := realMain(args, strings.NewReader(""), &stdout, &stderr)
		if code != 0 || stdout.String() != want {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", mode.name, code, stdout.String(), stderr.String())
		}
		if b, err := os.ReadFile(file); err != nil || len(b) != 0 {
			t.Errorf("%s: the file holds %q (%v), want it empty", mode.name, b, err)
		}
	}
}

// A line or a file bigger than the actor's heap fails with :heap-limit;
// the long line is read to its end, so the next read-line gets the next
// line. Each reader waits for :go until it is monitored (else it may fail
// first, and the monitor says :noproc).
func TestReadHeapLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 200<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `self [ | m | receive drop read-line len m send ] curry spawn dup monitor drop :go swap send receive 3 get .
read-line .
args 0 get [ receive drop read-file len . ] curry spawn dup monitor drop :go swap send receive 3 get .
`
	input := strings.Repeat("y", 300<<10) + "\nnext\n"
	var stdout, stderr bytes.Buffer
	code := realMain([]string{"run", "--max-heap", "64K", writeScript(t, src), big}, strings.NewReader(input), &stdout, &stderr)
	if code != 0 || stdout.String() != ":heap-limit\nnext\n:heap-limit\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

// Actors that read standard input at once each get whole lines, every
// line once.
func TestReadLineShared(t *testing.T) {
	src := `: reader ( main -- ) | m | begin read-line dup while m send repeat drop :done m send ;
4 0 do self ' reader curry spawn drop loop
0 0 begin over 4 < while receive dup :done = if drop swap 1+ swap else len + then repeat . drop
`
	var in strings.Builder
	want := 0
	for i := range 5000 {
		line := strings.Repeat("z", i%7)
		in.WriteString(line + "\n")
		want += len(line)
	}
	for _, workers := range []string{"1", "4"} {
		var stdout, stderr bytes.Buffer
		code := realMain([]string{"run", "--workers", workers, "--timeout", "20s", writeScript(t, src)}, strings.NewReader(in.String()), &stdout, &stderr)
		if code != 0 || stdout.String() != strconv.Itoa(want)+"\n" {
			t.Errorf("workers %s: exit %d, stdout %q (want %d), stderr %q", workers, code, stdout.String(), want, stderr.String())
		}
	}
}

// syncBuf is a bytes.Buffer that a test may read while the program writes.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tail returns the end of a long output.
func tail(s string) string {
	if len(s) > 200 {
		return s[len(s)-200:]
	}
	return s
}

// In the REPL the program's standard input is empty: the lines are the
// REPL's own, and read-line does not take the next one.
func TestReplReadLine(t *testing.T) {
	out, errs := repl(t, "read-line\nread-all\n1\n")
	if out != "<1> nil\n<2> nil \"\"\n<3> nil \"\" 1\n" || errs != "" {
		t.Errorf("stdout %q, stderr %q", out, errs)
	}
}
