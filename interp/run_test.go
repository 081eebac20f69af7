package interp

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
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

// runListing returns the lines of `go tool objdump` of run in the binary
// that go builds from the package pkg ("." for this package's test binary),
// skipping where that cannot be done or read: off amd64, in -short, or
// without the go tool.
func runListing(t *testing.T, pkg string) []string {
	t.Helper()
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
	bin := filepath.Join(t.TempDir(), "bin")
	build := exec.Command(goTool, "build", "-o", bin, pkg)
	if pkg == "." {
		build = exec.Command(goTool, "test", "-c", "-o", bin, ".")
	}
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", build.Args, err, out)
	}
	out, err := exec.Command(goTool, "tool", "objdump", "-s", `interp\.\(\*Machine\)\.run$`, bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool objdump: %v\n%s", err, out)
	}
	return strings.Split(string(out), "\n")
}

// The jump through the opcode table, and the load of an opcode from the
// instruction pointer that starts each dispatch.
var (
	tableJump  = regexp.MustCompile(`\tJMP 0\(\w+\)\(\w+\*8\)`)
	opcodeLoad = regexp.MustCompile(`\tMOVZX 0\(`)
)

// TestDispatchHasNoSpills checks, on amd64, that no register is stored to
// the Go stack between the load of an opcode and the jump through the
// table: a loop variable live across a call anywhere in run is spilled
// there, once per instruction (see the note on spills in run.go).
func TestDispatchHasNoSpills(t *testing.T) {
	lines := runListing(t, ".")
	spill := regexp.MustCompile(`\tMOV[BWLQ] \w+, -?0x[0-9a-f]+\(SP\)`)
	found := 0
	for i, l := range lines {
		if !tableJump.MatchString(l) {
			continue
		}
		found++
		// Back to the load of the opcode.
		for j := i - 1; j >= 0 && j >= i-12; j-- {
			if spill.MatchString(lines[j]) {
				t.Errorf("a store to the stack before the dispatch:\n%s", strings.Join(lines[max(j-2, 0):i+1], "\n"))
				break
			}
			if opcodeLoad.MatchString(lines[j]) {
				break
			}
		}
	}
	if found == 0 {
		t.Fatalf("no jump-table dispatch found in run:\n%.3000s", strings.Join(lines, "\n"))
	}
}

// phaseToolchain is the Go release runPhase was chosen with: another lays
// the code out differently, and TestDispatchInOneLine does not hold it to
// that choice.
const phaseToolchain = "go1.26.8"

// TestDispatchInOneLine checks that in the raft binary the dispatch (the
// load of an opcode through the jump through the table: the first such
// jump in run) lies within one 64-byte line of code. When it does not,
// every instruction costs more (see runPhase in run.go); flip runPhase.
func TestDispatchInOneLine(t *testing.T) {
	if v := runtime.Version(); v != phaseToolchain {
		t.Skipf("runPhase was chosen with %s, not %s", phaseToolchain, v)
	}
	lines := runListing(t, "github.com/raftvm/raft/cmd/raft")
	addr := func(l string) (start, end uint64) {
		// "  run.go:146\t\t0x51e8d1\t\t410fb63424\t\tMOVZX 0(R12), SI"
		f := strings.Fields(l)
		if len(f) < 3 {
			t.Fatalf("cannot read %q", l)
		}
		a, err1 := strconv.ParseUint(strings.TrimPrefix(f[1], "0x"), 16, 64)
		n := uint64(len(f[2]) / 2)
		if err1 != nil || n == 0 {
			t.Fatalf("cannot read %q", l)
		}
		return a, a + n - 1
	}
	for i, l := range lines {
		if !tableJump.MatchString(l) {
			continue
		}
		for j := i - 1; j >= 0 && j >= i-12; j-- {
			if !opcodeLoad.MatchString(lines[j]) {
				continue
			}
			first, _ := addr(lines[j])
			_, last := addr(l)
			if first/64 != last/64 {
				t.Errorf("the dispatch, %#x to %#x, crosses a 64-byte line: flip runPhase in run.go\n%s",
					first, last, strings.Join(lines[j:i+1], "\n"))
			}
			return
		}
		t.Fatalf("no opcode load before the first table jump:\n%s", strings.Join(lines[max(i-12, 0):i+1], "\n"))
	}
	t.Fatal("no jump-table dispatch found in run")
}

// JumpIfNotEqK and JumpIfNotNeK against nil, a bool or a symbol compare
// in the loop (identity, as Equal does), whatever the other value is; a
// heap value is released. Each program runs fused and plain (where the
// comparison is Eq or Ne in cold, through Equal): same output, same
// failure, and no more objects alive at the end than at the start.
func TestIdentityJumpK(t *testing.T) {
	progs := []string{
		`: t ( x -- s ) nil = if "nil" else "no" then ;
		 nil t . false t . 0 t . 0.0 t . :nil t . "" t . { } t . { nil } t . [ 1 ] t . self t .`,
		`: t ( x -- s ) :ok <> if "other" else "ok" then ;
		 :ok t . :err t . nil t . true t . 1 t . "ok" t . { :ok } t .`,
		`: t ( x -- s ) true = if "yes" else "no" then ;
		 true t . false t . 1 t . 1.0 t . { } t . nil t .`,
		`0 | n | 1000 0 do { i } dup nil = if drop else 0 get n + to n then loop n .`, // the arrays are released
		`: t nil = if 1 then ; 5 t .s t`,                                              // underflow on the second call, at the =
		`: t :a <> if 1 then ; t`,
	}
	_, _, _, m0 := runProgram("t.raft", nil, 1)
	base := m0.Heap.Stats().Live // the program's arguments
	for _, src := range progs {
		var got [2]string
		for i, fuse := range []bool{true, false} {
			fusing = fuse
			out, rep, st, m := runProgram("t.raft", []byte(src), 100)
			if m == nil {
				t.Fatalf("%s: %s", src, rep)
			}
			if live := m.Heap.Stats().Live; live != base && st == StatusDone {
				t.Errorf("%s (fusing %v): %d objects alive at the end", src, fuse, live)
			}
			got[i] = fmt.Sprintf("%v %q %q", st, out, rep)
		}
		fusing = true
		if got[0] != got[1] {
			t.Errorf("%s:\nfused: %s\nplain: %s", src, got[0], got[1])
		}
	}
	out, _, _, _ := runProgram("t.raft", []byte(progs[0]), 100)
	if want := "nil\n" + strings.Repeat("no\n", 9); out != want {
		t.Errorf("x nil = printed %q, want %q", out, want)
	}
}

// An int and a float in + - * / give a float, in the binary ops (the loop
// turns the int into a float and runs the instruction again) and in the
// forms with a constant (AddK...DivK), either operand the int.
func TestMixedArith(t *testing.T) {
	src := `1.0 4 / . 3 2.0 / . 7 2.5 * . 2.5 2 - . 2 2.5 - . 1 0.5 + .
	: h ( x -- y ) 2 / ; 5.0 h . 5 h .
	: k ( x -- y ) 2.0 * 1 - 3 + 4 * ; 1.5 k . 2 k .
	: s ( x -- y ) 10 swap - ; 2.5 s .`
	want := "0.25 1.5 17.5 0.5 -0.5 1.5 2.5 2 20.0 24.0 7.5 "
	for _, fuse := range []bool{true, false} {
		fusing = fuse
		out, rep, _, _ := runProgram("t.raft", []byte(src), 100)
		if got := strings.ReplaceAll(out, "\n", " "); got != want || rep != "" {
			t.Errorf("fusing %v: printed %q (%s), want %q", fuse, got, rep, want)
		}
	}
	fusing = true
}

// LocalJumpIfNotEqK (a local, a constant, = if) agrees with LocalGet and
// JumpIfNotEqK apart, for locals of every kind against constants of every
// kind, backward (until) as well; the local keeps its value and nothing
// stays alive.
func TestLocalJumpIfNotEqK(t *testing.T) {
	vals := []string{"nil", "true", "false", "0", "1", "-1", "1.0", "0.0", "0.0 0.0 /", `"a"`, `""`, ":a", ":b", "{ }", "{ 1 }", "[ 1 ]", "self"}
	consts := []string{"nil", "true", "0", "1", "1.0", "0.0", `"a"`, ":a"}
	var src strings.Builder
	for i, k := range consts {
		fmt.Fprintf(&src, ": t%d ( x -- ) | x | x %s = if \"y\" else \"n\" then x drop . ;\n", i, k)
	}
	for _, v := range vals {
		for i := range consts {
			fmt.Fprintf(&src, "%s t%d ", v, i)
		}
		src.WriteString("\n")
	}
	src.WriteString(`: count ( n -- k ) 0 | n k | begin n 1- to n k 1+ to k n 0 = until k ; 2500 count .` + "\n")
	_, _, _, m0 := runProgram("t.raft", nil, 1)
	base := m0.Heap.Stats().Live
	var got [2]string
	for i, fuse := range []bool{true, false} {
		fusing = fuse
		out, rep, st, m := runProgram("t.raft", []byte(src.String()), 1000)
		if m == nil || st != StatusDone {
			t.Fatalf("fusing %v: %v %s", fuse, st, rep)
		}
		if live := m.Heap.Stats().Live; live != base {
			t.Errorf("fusing %v: %d objects alive at the end, want %d", fuse, live, base)
		}
		got[i] = out
	}
	fusing = true
	if got[0] != got[1] {
		t.Errorf("fused and plain disagree:\nfused: %q\nplain: %q", got[0], got[1])
	}
	lines := strings.Split(got[0], "\n")
	if len(lines) != len(vals)*len(consts)+2 || lines[len(lines)-2] != "2500" {
		t.Fatalf("printed %d lines, want %d: %q", len(lines), len(vals)*len(consts)+2, got[0])
	}
	at := func(v, k int) string { return lines[v*len(consts)+k] }
	if at(6, 3) != "y" || at(4, 4) != "y" || at(8, 5) != "n" || at(9, 6) != "y" || at(11, 7) != "y" || at(12, 7) != "n" || at(0, 0) != "y" || at(7, 2) != "y" {
		t.Errorf("1.0 = 1, 1 = 1.0, NaN <> 0.0, \"a\" = \"a\", :a = :a, :b <> :a, nil = nil, 0.0 = 0: got %q", got[0])
	}
	prog, err := Compile("t.raft", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fn := range prog.Funcs() {
		for pc := 0; pc < len(fn.Code); pc += Op(fn.Code[pc]).Size() {
			if Op(fn.Code[pc]) == LocalJumpIfNotEqK {
				n++
			}
		}
	}
	if n != len(consts)+1 {
		t.Errorf("%d LocalJumpIfNotEqK, want %d (one a word, and until)", n, len(consts)+1)
	}
}
