package interp

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestRunNotBig checks that the Go compiler does not count run as a big
// function. Past that size (5000 nodes in Go 1.26) it inlines only the
// tiniest callees into it, and the loop's helpers (short, slot, Drop,
// charge, the accessors) become calls, with the registers spilled around
// them: one added case measured 38% more instructions on collatz. Move rare
// opcodes to cold before this fails.
func TestRunNotBig(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool: ", err)
	}
	out, err := exec.Command(goTool, "build", "-gcflags=-m=2", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`can inline short\b`).Match(out) {
		t.Fatalf("no inlining report in the output of go build -gcflags=-m=2:\n%.2000s", out)
	}
	for _, fn := range []string{`\(\*Machine\)\.run\b`, `\(\*Machine\)\.cold\b`} {
		if regexp.MustCompile(`function ` + fn + ` considered 'big'`).Match(out) {
			t.Errorf("the Go compiler counts %s as a big function", fn)
		}
	}
}

// A call whose callee starts with a conditional return that holds skips
// the frame (see doCall) but is charged a reduction like any call: fib(10)
// makes 177 calls.
func TestLeafCallCharged(t *testing.T) {
	prog, err := Compile("fib.raft", []byte(": fib ( n -- f ) dup 2 < if return then dup 1- fib swap 2 - fib + ;\n10 fib"))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMachine(prog, nil, NewOutput(os.Stdout))
	m.StartFunc(prog.Main)
	if st := m.Run(DefaultBudget); st != StatusDone {
		t.Fatalf("status %v", st)
	}
	if got := m.StackLine(); got != "<1> 55" {
		t.Errorf("stack %q, want <1> 55", got)
	}
	if m.Reductions != 177 {
		t.Errorf("reductions %d, want 177 (one per call)", m.Reductions)
	}
	// In slices of 3 reductions: the skipped calls yield like the others,
	// 59 slices that end on a yield at their third call and one that ends
	// the program.
	m = NewMachine(prog, nil, NewOutput(os.Stdout))
	m.StartFunc(prog.Main)
	slices := 1
	for st := m.Run(3); st != StatusDone; st = m.Run(3) {
		if st != StatusYield {
			t.Fatalf("status %v", st)
		}
		slices++
	}
	if got := m.StackLine(); got != "<1> 55" || m.Reductions != 177 || slices != 60 {
		t.Errorf("in slices of 3: stack %q, %d reductions, %d slices; want <1> 55, 177, 60", got, m.Reductions, slices)
	}
}

// TestDispatchHasNoSpills checks, on amd64, that no register is stored to
// the Go stack between the load of an opcode and the jump through the
// table: a loop variable live across a call anywhere in run is spilled
// there, once per instruction (see the note on spills in run.go).
func TestDispatchHasNoSpills(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("reads amd64 code")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool: ", err)
	}
	bin := filepath.Join(t.TempDir(), "interp.test")
	if out, err := exec.Command(goTool, "test", "-c", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	out, err := exec.Command(goTool, "tool", "objdump", "-s", `interp\.\(\*Machine\)\.run$`, bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool objdump: %v\n%s", err, out)
	}
	lines := strings.Split(string(out), "\n")
	jump := regexp.MustCompile(`\tJMP 0\(\w+\)\(\w+\*8\)`)
	spill := regexp.MustCompile(`\tMOV[BWLQ] \w+, -?0x[0-9a-f]+\(SP\)`)
	found := 0
	for i, l := range lines {
		if !jump.MatchString(l) {
			continue
		}
		found++
		// Back to the load of the opcode (MOVZX from the instruction pointer).
		for j := i - 1; j >= 0 && j >= i-12; j-- {
			if spill.MatchString(lines[j]) {
				t.Errorf("a store to the stack before the dispatch:\n%s", strings.Join(lines[max(j-2, 0):i+1], "\n"))
				break
			}
			if strings.Contains(lines[j], "MOVZX 0(") {
				break
			}
		}
	}
	if found == 0 {
		t.Fatalf("no jump-table dispatch found in run:\n%.3000s", out)
	}
}
