package jit

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/raftvm/raft/interp"
)

// compileAll compiles every function of src that is not library code and
// fails on any error.
func compileAll(t *testing.T, src string) *JIT {
	t.Helper()
	prog, err := interp.Compile("t.raft", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	debugPanics = true
	defer func() { debugPanics = false }()
	j := New(prog, Options{Always: true})
	for _, fn := range prog.Funcs() {
		if fn.Lib {
			continue
		}
		j.mu.Lock()
		s := j.fns[fn.Index]
		j.compile(s)
		j.mu.Unlock()
		if s.failed != "" {
			t.Errorf("%s: %s", fn.Name, s.failed)
		}
	}
	return j
}

// TestCompileSmall compiles small programs of ints, floats, loops, calls
// and arrays: every function gets native code.
func TestCompileSmall(t *testing.T) {
	for _, src := range []string{
		"1 2 +",
		"2.5 1.5 * 0.5 + sqrt",
		": sq ( n -- n ) dup * ; 0 10 0 do i sq + loop",
		"10 array | a | 10 0 do i a i set loop a 3 get",
		": f ( n -- m ) | n | n 0 > if n 1- f n + else 0 then ; 30 f",
	} {
		j := compileAll(t, src)
		st := j.Stats()
		if st.Compiled == 0 || st.Bytes == 0 || st.Failed != 0 {
			t.Errorf("%q: %d compiled, %d bytes, %d failed", src, st.Compiled, st.Bytes, st.Failed)
		}
		j.Close()
	}
}

// A function too big for the builder (loops nested 150 deep: 300 local
// slots) is left to the interpreter with the reason, at once, not after
// seconds of building; the program still runs.
func TestTooBigIsLeftToTheInterpreter(t *testing.T) {
	src := ": f ( -- ) " + strings.Repeat("1 0 do ", 150) + strings.Repeat("loop ", 150) + "; f 7"
	prog, err := interp.Compile("t.raft", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	j := New(prog, Options{Always: true})
	defer j.Close()
	for _, fn := range prog.Funcs() {
		if fn.Name != "f" {
			continue
		}
		j.mu.Lock()
		s := j.fns[fn.Index]
		j.compile(s)
		j.mu.Unlock()
		if !strings.Contains(s.failed, "local slots, native code takes at most 256") {
			t.Errorf("f: failed = %q, want the local slots limit", s.failed)
		}
	}
	always := true
	if out, _, st := runWith(t, src, &always); st != interp.StatusDone || out != "7" {
		t.Errorf("the program: %v, %q", st, out)
	}
}

// TestDumpIR prints the intermediate form and code of a program's
// functions when RAFT_JIT_DUMP names a file (for debugging).
func TestDumpIR(t *testing.T) {
	path := os.Getenv("RAFT_JIT_DUMP")
	if path == "" {
		t.Skip("set RAFT_JIT_DUMP to a .raft file")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := interp.Compile(path, src)
	if err != nil {
		t.Fatal(err)
	}
	debugPanics = true
	for _, fn := range prog.Funcs() {
		if fn.Lib {
			continue
		}
		f, err := build(fn, newEffects(prog.Funcs()), nil)
		if err != nil {
			t.Logf("%s: %v", fn.Name, err)
			continue
		}
		f.optimize()
		a := f.allocate(archGPRs, archFPRs)
		fmt.Println(f)
		for i, l := range a.loc {
			if l.kind == lReg || l.kind == lStack {
				fmt.Printf("v%d:%v ", i, l)
			}
		}
		fmt.Println()
		c := &code{fn: fn}
		b, err := assemble(f, a, c, int(fn.Index))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/jitcode.bin", b, 0o644)
		dis := exec.Command("objdump", "-D", "-b", "binary", "-mi386:x86-64", "/tmp/jitcode.bin")
		if runtime.GOARCH == "arm64" {
			dis = exec.Command("aarch64-linux-gnu-objdump", "-D", "-b", "binary", "-maarch64", "/tmp/jitcode.bin")
		}
		out, _ := dis.CombinedOutput()
		fmt.Printf("native entry %#x, entries %v\n%s\n", c.native, c.entries, out)
	}
}

// runWith runs src on one machine (no scheduler), with the JIT in the
// given mode (nil: none), and returns the output, the failure report and
// the status.
func runWith(t *testing.T, src string, always *bool) (string, string, interp.Status) {
	t.Helper()
	out, rep, st, _ := runOn(t, src, always)
	return out, rep, st
}

// runOn is runWith that also returns the machine, stopped.
func runOn(t *testing.T, src string, always *bool) (string, string, interp.Status, *interp.Machine) {
	t.Helper()
	out, rep, st, m, _ := runMachine(t, src, always, interp.DefaultBudget, false)
	return out, rep, st, m
}

// runMachine runs src on one machine, with the JIT in the given mode (nil:
// none), in slices of budget reductions, its heap collecting at every one
// with stress, and returns the output, the failure report, the status, the
// machine, stopped, and the JIT (closed; nil when none).
func runMachine(t *testing.T, src string, always *bool, budget int, stress bool) (string, string, interp.Status, *interp.Machine, *JIT) {
	t.Helper()
	prog, err := interp.Compile("t.raft", []byte(src))
	if err != nil {
		return "", err.Error(), interp.StatusFailed, nil, nil
	}
	var j *JIT
	if always != nil {
		j = New(prog, Options{Always: *always})
		prog.Native = j
		defer j.Close()
	}
	var out bytes.Buffer
	o := interp.NewOutput(&out)
	m := interp.NewMachine(prog, nil, o)
	m.ID = 1
	m.SetArgs(nil)
	m.Heap.Stress = stress
	m.StartFunc(prog.Main)
	st := m.Run(budget)
	for i := 0; st == interp.StatusYield && i < 100000*interp.DefaultBudget/budget; i++ {
		st = m.Run(budget)
	}
	if st == interp.StatusDone {
		o.Write([]byte(m.StackText()))
	}
	o.Flush()
	rep := ""
	if m.Failure != nil {
		rep = m.Failure.Report()
	}
	return out.String(), rep, st, m, j
}

func TestRunSmall(t *testing.T) {
	yes := true
	for _, src := range []string{
		"1 2 +",
		"0 1000 0 do i + loop .",
		": sq dup * ; 7 sq .",
		": fib ( n -- f ) dup 2 < if return then dup 1- fib swap 2 - fib + ; 20 fib .",
	} {
		o1, r1, s1 := runWith(t, src, nil)
		o2, r2, s2 := runWith(t, src, &yes)
		if o1 != o2 || r1 != r2 || s1 != s2 {
			t.Errorf("%q:\ninterp: %v %q %q\njit:    %v %q %q", src, s1, o1, r1, s2, o2, r2)
		}
	}
}

// TestInlinedCounts runs inlined words that take counts (of an array in a
// local, of an element read) and then leave for the interpreter at a
// check before they change memory (an array that is packed, an element
// that is not an int), or change memory and go on: the output is the
// interpreter's, and every count in the heap is exact at the end.
func TestInlinedCounts(t *testing.T) {
	yes := true
	for _, src := range []string{
		// exchange of strings, then (in both) of a packed array: its first
		// get leaves, with a's count put off.
		": x | a p q | a p get | t | a p a q get set a q t set ;\n" +
			": both ( s f -- ) | s f | f 0 2 x s 0 3 x ;\n" +
			"4 array | s | 4 0 do s i i str set loop\n" +
			"100 0 do s i 4 mod 3 i - 4 mod x loop\n" +
			"64 array | f | f 0 true set f 1 false set s f both s . f 0 get . f 2 get .",
		// the element is a string where the word has seen ints: its = leaves,
		// with the counts of a and of the element put off.
		": z | a p | a p get 0 = a p 7 set ;\n" +
			": zs ( a -- n ) | a | 0 100 0 do a i 3 mod z if 1+ then loop ;\n" +
			"3 array | a | 3 0 do a i i set loop a zs .\n" +
			"a 1 \"one\" set a zs . a 1 \"two\" \"!\" + set a 1 z . a .",
		// locals of inlined bodies that borrow the caller's arrays, set
		// again (to) and left on the stack.
		": other | a b | b to a a ; : keep | a b | a b ;\n" +
			": run ( u v -- ) | u v | 100 0 do u v other drop u v keep drop drop loop u v other . v u keep . . ;\n" +
			"{ 1 } { \"two\" } run",
	} {
		o1, r1, s1, _ := runOn(t, src, nil)
		o2, r2, s2, m := runOn(t, src, &yes)
		if o1 != o2 || r1 != r2 || s1 != s2 {
			t.Errorf("%q:\ninterp: %v %q %q\njit:    %v %q %q", src, s1, o1, r1, s2, o2, r2)
		}
		if m == nil {
			continue
		}
		if err := m.Heap.Verify(m.Roots()...); err != nil {
			t.Errorf("%q: the heap after the run: %v", src, err)
		}
	}
}

// TestProfileSeesNativeCode profiles fib running natively: the samples,
// taken where a slice ends (native code has written its frames back),
// still name fib and give it most reductions.
func TestProfileSeesNativeCode(t *testing.T) {
	src := ": fib dup 2 < if return then dup 1- fib swap 2 - fib + ;\n: helper 0 ;\n25 fib .\n"
	prog, err := interp.Compile("fib.raft", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	prog.Prof = interp.NewProfile()
	j := New(prog, Options{Always: true})
	prog.Native = j
	defer j.Close()
	m := interp.NewMachine(prog, nil, interp.NewOutput(io.Discard))
	m.StartFunc(prog.Main)
	for m.Run(interp.DefaultBudget) == interp.StatusYield {
	}
	if j.Stats().Compiled < 2 {
		t.Fatalf("fib and main were not compiled: %+v", j.Stats())
	}
	var buf bytes.Buffer
	if err := prog.Prof.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var total, inFib int64
	for _, s := range p.Sample {
		total += s.Value[0]
		switch s.Location[0].Line[0].Function.Name {
		case "fib":
			inFib += s.Value[0]
		case "helper":
			t.Errorf("helper never runs but has samples")
		}
	}
	if total == 0 || inFib*10 < total*9 {
		t.Errorf("fib has %d of %d reductions, want over 90%%", inFib, total)
	}
}

// TestSizes prints, for RAFT_JIT_SIZES naming a .raft file, how big each
// function's intermediate form and code are (for debugging).
func TestSizes(t *testing.T) {
	path := os.Getenv("RAFT_JIT_SIZES")
	if path == "" {
		t.Skip("set RAFT_JIT_SIZES to a .raft file")
	}
	src, _ := os.ReadFile(path)
	prog, err := interp.Compile(path, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range prog.Funcs() {
		if fn.Lib {
			continue
		}
		f, err := build(fn, newEffects(prog.Funcs()), nil)
		if err != nil {
			fmt.Printf("%s: %v\n", fn.Name, err)
			continue
		}
		f.optimize()
		a := f.allocate(archGPRs, archFPRs)
		c := &code{fn: fn}
		b, err := assemble(f, a, c, int(fn.Index))
		if err != nil {
			t.Fatal(err)
		}
		params := 0
		for _, bl := range f.blocks {
			params += len(bl.params)
		}
		fmt.Printf("%-12s bytecode %5d  values %6d blocks %5d params %5d exits %5d entries %3d spills %3d code %7d\n",
			fn.Name, len(fn.Code), len(f.values), len(f.blocks), params, len(f.exits), len(f.entries), a.spills, len(b))
	}
}

// TestInline checks which calls are inlined (inline.go): small plain words
// are (with their locals; the words without any, the bytecode compiler
// inlines already: interp/inline.go), words with branches, calls, a step in their
// body or a check after a change to memory (but one the body made before
// it) are not.
// (A call site may count twice: the interpreter unrolls short loops.)
func TestInline(t *testing.T) {
	for _, c := range []struct {
		src    string
		inline bool
	}{
		{": x@ | a | a 0 get ; { 1.5 } | b | 0.0 10 0 do b x@ + loop", true},
		{": sq | x | x x * ; : hyp sq swap sq + ; 3 4 hyp", true},                                            // sq in hyp, and hyp (with sq in it) in main
		{": sq dup * ; : r2 sq sq ; : r4 r2 r2 ; : r8 r4 r4 ; 2 r8", true},                                   // r8 is too deep, r4 and r2 inline
		{": f | a | a 1+ ; 10 0 do i f drop loop", true},                                                     // locals (in registers)
		{": f | a | a 0 get ; { 1 } | b | 10 0 do b f drop loop", true},                                      // a's count is taken at the body's end, after its checks
		{": x | a p q | a p get | t | a p a q get set a q t set ; { 1 2 } | b | 10 0 do b 0 1 x loop", true}, // the second set's checks are the gets'
		{": w | a | a 0 7 set a 1 get ; { 1 2 } | b | 10 0 do b w drop loop", false},                         // a check after a change to memory
		{": g dup 0 < if neg then ; -3 g", false},                                                            // a branch
		{": h 2.5 1.5 mod ; h", false},                                                                       // mod of floats is a step
		{": r dup 0 > if 1- r then ; 5 r", false},                                                            // recursion (and a branch)
	} {
		j := compileAll(t, c.src)
		if got := j.Stats().Inlined; (got > 0) != c.inline {
			t.Errorf("%q: %d calls inlined, want inlining %v", c.src, got, c.inline)
		}
		j.Close()
	}
}

// TestProgramsCompileAtOnce runs programs, each with a JIT of its own, in
// goroutines at once: every compilation takes the one assembler (asm.go)
// in turn, and each program's answer is its own (under -race, no two
// touch golang-asm's state together).
func TestProgramsCompileAtOnce(t *testing.T) {
	yes := true
	const n = 4
	outs := make([]string, n)
	var wg sync.WaitGroup
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := fmt.Sprintf(": fib ( n -- f ) dup 2 < if return then dup 1- fib swap 2 - fib + ; "+
				": sum ( n -- s ) 0 swap 0 do i + loop ; %d fib . %d sum .", 10+g, 100*(g+1))
			outs[g], _, _ = runWith(t, src, &yes)
		}()
	}
	wg.Wait()
	fib := []int{55, 89, 144, 233}
	for g := 0; g < n; g++ {
		sum := 100 * (g + 1) * (100*(g+1) - 1) / 2
		if want := fmt.Sprintf("%d\n%d\n", fib[g], sum); outs[g] != want {
			t.Errorf("program %d printed %q, want %q", g, outs[g], want)
		}
	}
}
