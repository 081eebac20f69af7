package jit

import (
	"strings"
	"testing"

	"github.com/raftvm/raft/interp"
)

// runJIT runs src on one machine with a JIT as --jit has it (compiling
// what gets hot) and returns the output, the failure report, the status,
// the machine and the JIT (closed).
func runJIT(t *testing.T, src string) (string, string, interp.Status, *interp.Machine, *JIT) {
	t.Helper()
	hot := false
	return runMachine(t, src, &hot, interp.DefaultBudget, false)
}

// compilesOf returns how often the JIT compiled the function named name
// (0 when it never did), and why it left it to the interpreter ("" when
// it did not).
func compilesOf(t *testing.T, j *JIT, name string) (int, string) {
	t.Helper()
	for _, lib := range []bool{false, true} { // the program's own first (the prelude's <main> has one too)
		for _, s := range j.fns {
			if s.fn.Name == name && s.fn.Lib == lib {
				return s.compiles, s.failed
			}
		}
	}
	t.Fatalf("no function %s", name)
	return 0, ""
}

// agree runs src in the interpreter and with the JIT, checks that they
// give the same output, failure and status and that the heap's counts
// are exact after the JIT's run, and returns the JIT.
func agree(t *testing.T, src string) *JIT {
	t.Helper()
	o1, r1, s1 := runWith(t, src, nil)
	o2, r2, s2, m, j := runJIT(t, src)
	if o1 != o2 || r1 != r2 || s1 != s2 {
		t.Fatalf("%q:\ninterp: %v %q %q\njit:    %v %q %q", src, s1, o1, r1, s2, o2, r2)
	}
	if err := m.Heap.Verify(m.Roots()...); err != nil {
		t.Fatalf("%q: the heap after the run: %v", src, err)
	}
	return j
}

// TestFloatElementsCompileOnce: a word that computes with floats read
// from arrays is compiled once. Its elements are taken to be floats,
// because its code holds a float constant, or because its frame held
// floats when it became hot; a number beside one taken to be a float is a
// float too. Guessing int for them cost a compilation more, at once.
func TestFloatElementsCompileOnce(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"a float constant", `
: fill ( a -- ) | a | a len 0 do a i i float 0.5 * set loop ;
: step ( a b -- ) | a b |
  a len 1- 1 do b i a i 1- get a i 1+ get + 0.5 * set loop ;
1000 array | a |  1000 array | b |  a fill b fill
200 0 do a b step b a step loop
a 500 get 3 fixed .`},
		{"a float in the frame", `
: dot ( s a b -- s ) | s a b | a len 0 do a i get b i get * s + to s loop s ;
: fill ( a -- ) | a | a len 0 do a i i float 2 / set loop ;
300 array | a |  a fill
0.0 | t |  300 0 do t a a dot to t loop t 3 fixed .`},
		{"an argument beside an element", `
: scale ( a k -- ) | a k | a len 0 do a i k a i get * set loop ;
500 array | a |  500 0 do a i i float set loop
400 0 do a 1.001 scale loop a 7 get 3 fixed .`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := agree(t, tc.src)
			for _, s := range j.fns {
				if !s.fn.Lib && s.compiles > 1 {
					t.Errorf("%s compiled %d times, want once", s.fn.Name, s.compiles)
				}
			}
		})
	}
}

// TestIntWordWithFloatConstant: the float guess stays off a word's
// arguments: a word of ints that ends in a float, called from a loop,
// computes as the interpreter does and is compiled once.
func TestIntWordWithFloatConstant(t *testing.T) {
	j := agree(t, `
: entry ( i j -- f ) | p q | p q + dup 1+ * 2 / p + 1+ 1.0 swap / ;
: sum ( a -- s ) | a | 0 a len 0 do a i get i * + loop ;
100 array | a |  100 0 do a i i set loop
0.0 | s |  0 | n |
300 0 do 20 0 do s i j entry + to s loop  n a sum + to n loop
s 6 fixed . n .`)
	for _, s := range j.fns {
		if !s.fn.Lib && s.compiles > 1 {
			t.Errorf("%s compiled %d times, want once", s.fn.Name, s.compiles)
		}
	}
}

// TestCurriedCallsNative: a word that calls curried quotations is
// compiled with the call unwrapped in native code (the value pushed, the
// quotation called), not compiled again and again until it is dropped;
// the counts of curried heap values are exact, and a quotation curried
// twice is left to the interpreter.
func TestCurriedCallsNative(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"ints", `
: above ( arr k -- n ) [ > if 1+ then ] curry 0 -rot each ;
100 array | a |  100 0 do a i i 7 * 100 mod set loop
0 2000 0 do a i 100 mod above + loop .`},
		{"strings and arrays", `
: tag ( s -- ) | s | { 1 2 } [ len swap len + + ] curry | q |
  0 s q call drop ;
: run ( n -- t ) | n | 0 n 0 do "abc" i str + [ swap len + ] curry 5 swap call + loop ;
3000 run .
{ "x" } [ len + ] curry | q |  0 5000 0 do i q call + loop .`},
		{"curried twice", `
: add3 ( a b c -- s ) + + ;
: apply ( q n -- s ) | q n | 0 n 0 do i q call + loop ;
[ add3 ] 1 swap curry 2 swap curry | q2 |
q2 3000 apply .`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := agree(t, tc.src)
			for _, s := range j.fns {
				if !s.fn.Lib && !strings.HasPrefix(s.fn.Name, "<") && s.compiles > 2 {
					t.Errorf("%s compiled %d times, want at most twice", s.fn.Name, s.compiles)
				}
				if strings.Contains(s.failed, "keep failing") {
					t.Errorf("%s: %s", s.fn.Name, s.failed)
				}
			}
			if n, failed := compilesOf(t, j, "each"); tc.name == "ints" && (n == 0 || n > 2 || failed != "") {
				t.Errorf("each: compiled %d times (%q), want once or twice", n, failed)
			}
		})
	}
}

// TestCalledOnceIsNotCompiled: a word that native code calls once (a
// report after a hot loop) stays with the interpreter; one it calls many
// times is compiled.
func TestCalledOnceIsNotCompiled(t *testing.T) {
	j := agree(t, `
: report ( n -- ) | n | 0 5 0 do n i + + loop . ;
: sgn ( n -- s ) dup 0 < if drop -1 else 0 > if 1 else 0 then then ;
: run ( -- ) 0 100000 0 do i 500 - sgn + loop report ;
run`)
	for _, name := range []string{"run", "sgn"} {
		if n, _ := compilesOf(t, j, name); n == 0 {
			t.Errorf("%s was not compiled", name)
		}
	}
	if n, _ := compilesOf(t, j, "report"); n != 0 {
		t.Errorf("report, called once, was compiled %d times", n)
	}
}

// TestAccumulatorFromZero: a float sum that starts at the int 0 is an int
// on a loop's first pass and a float after; + with a float takes it as
// either (converting an int), so the word compiles once, not once per
// kind its check fails on. Its caller's sum, 0 and then a float, agrees.
func TestAccumulatorFromZero(t *testing.T) {
	j := agree(t, `
: dot ( a b -- s ) | a b | 0 | s | a len 0 do a i get b i get * s + to s loop s ;
: fill ( a -- ) | a | a len 0 do a i i float 2 / set loop ;
300 array | a |  a fill
0 | t |  300 0 do a a dot t + to t loop t 3 fixed .
0 | u |  u 1.5 * u 2 / + .`)
	if n, failed := compilesOf(t, j, "dot"); n != 1 || failed != "" {
		t.Errorf("dot compiled %d times (%q), want once", n, failed)
	}
}

// TestIntNative: int runs natively on floats (truncating toward zero) and
// ints, and leaves a float out of int64's range, or NaN, to the
// interpreter, which reports it where the interpreter alone does.
func TestIntNative(t *testing.T) {
	for _, bad := range []string{"9.3e18", "-9.3e18", "0.0 0.0 /", "1.0 0.0 /"} {
		src := `: conv ( x -- n ) int ;
0 | s |  100000 0 do i float 0.37 * 1.5 - conv s + to s loop s .
-3.7 conv . 3.99 conv . -0.5 conv . 7 conv . 1.0e18 conv . -9.2e18 conv .
` + bad + ` conv .`
		j := agree(t, src)
		if n, failed := compilesOf(t, j, "<main>"); n == 0 {
			t.Errorf("%s: the loop was not compiled: %s", bad, failed)
		}
		if n := j.Stats().Steps["int"]; n > 0 {
			t.Errorf("%s: int left to the interpreter %d times", bad, n)
		}
	}
}

// TestFlagArrayCompilesOnce: a sieve marks an array of flags (packed: made
// with array, holding only nil and true); its frame held it when it
// became hot, so its gets and sets take packed arrays from the first
// compilation on.
func TestFlagArrayCompilesOnce(t *testing.T) {
	j := agree(t, `
: sieve ( n -- c ) | n | n 1+ array | c |
  n 1+ 2 do c i get nil = if i i * n <= if n 1+ i i * do c i true set j +loop then then loop c ;
: count ( c -- k ) | c | 0 c len 2 do c i get nil = if 1+ then loop ;
20000 sieve count .`)
	for _, name := range []string{"sieve", "count"} {
		if n, failed := compilesOf(t, j, name); n != 1 {
			t.Errorf("%s compiled %d times (%q), want once", name, n, failed)
		}
	}
}
