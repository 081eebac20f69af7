package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft"
)

// writeScript writes src to a file in a temporary directory.
func writeScript(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.raft")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmd(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := realMain(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// A loop that never ends, running as native code, still yields to the
// scheduler (the budget is charged at its backward jump), so --timeout
// stops it; and another actor gets its turns meanwhile.
func TestTimeoutStopsNativeLoop(t *testing.T) {
	if !raft.JITSupported() {
		t.Skip("no native back end")
	}
	path := writeScript(t, "[ 5 0 do i . loop ] spawn drop\n: spin ( n -- ) begin 1+ again ;\n0 spin\n")
	for _, mode := range []string{"--jit", "--jit=always"} {
		start := time.Now()
		code, out, errs := runCmd("run", mode, "--timeout", "300ms", path)
		if code != exitTimeout || !strings.Contains(errs, "timeout") {
			t.Errorf("%s: exit %d, stderr %q; want %d and a timeout message", mode, code, errs, exitTimeout)
		}
		if out != "0\n1\n2\n3\n4\n" {
			t.Errorf("%s: the other actor printed %q while the loop ran", mode, out)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: stopped after %v", mode, d)
		}
	}
}

// --stats says what the JIT did: functions compiled, and exits by reason.
func TestStatsShowJIT(t *testing.T) {
	if !raft.JITSupported() {
		t.Skip("no native back end")
	}
	path := writeScript(t, ": sq | x | x x * ;\n0 100000 0 do i sq + loop .\n")
	code, out, errs := runCmd("run", "--jit", "--stats", path)
	if code != 0 || out != "333328333350000\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	for _, want := range []string{"jit: 2 functions compiled", "bytes of code", "parked; exits:", "budget"} {
		if !strings.Contains(errs, want) {
			t.Errorf("--stats does not say %q:\n%s", want, errs)
		}
	}
}

// --jit takes no value, always, hot or off.
func TestJITFlag(t *testing.T) {
	path := writeScript(t, "1 2 + .\n")
	for _, mode := range []string{"--jit", "--jit=always", "--jit=hot", "--jit=off"} {
		if code, out, errs := runCmd("run", mode, path); code != 0 || out != "3\n" {
			t.Errorf("%s: exit %d, %q %q", mode, code, out, errs)
		}
	}
	if code, _, errs := runCmd("run", "--jit=sometimes", path); code != exitUsage || !strings.Contains(errs, "--jit") {
		t.Errorf("--jit=sometimes: exit %d, stderr %q", code, errs)
	}
}

// TestGetenv: raft run's own word getenv reads the environment (nil when
// the variable is unset); a program may define its own getenv, which wins.
func TestGetenv(t *testing.T) {
	t.Setenv("RAFT_TEST_GREETING", "hello")
	path := writeScript(t, `"RAFT_TEST_GREETING" getenv . "RAFT_TEST_NO_SUCH_VARIABLE" getenv . 1 getenv`)
	code, out, errs := runCmd("run", path)
	if code != exitFailure || out != "hello\nnil\n" || !strings.HasPrefix(errs, "error: :type in <main> at ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	path = writeScript(t, `: getenv ( s -- n ) len ; "HOME" getenv .`)
	if code, out, errs := runCmd("run", path); code != 0 || out != "4\n" {
		t.Errorf("a program's own getenv: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
