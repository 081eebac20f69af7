package interp

import (
	"os"
	"os/exec"
	"regexp"
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
