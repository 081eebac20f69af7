// Package fuzz holds the fuzz targets of the whole front end, interpreter
// and actor runtime (STYLE.md §7): FuzzFrontEnd here, FuzzActors in
// actors_test.go. It has tests only.
//
// FuzzFrontEnd feeds any bytes to the compiler and runs what compiles:
// LANGUAGE.md §4 says no input may crash the runtime, and every compile
// error has a position. Crashers the fuzzer finds are kept in
// testdata/fuzz/FuzzFrontEnd/<what-broke>; plain `go test ./fuzz/` replays
// them. Run the fuzzer with
//
//	go test -fuzz FuzzFrontEnd -fuzztime 10m -parallel 1 ./fuzz/
//
// Each input that compiles runs twice: with the default budget, then with
// a small one and the cycle collector at every yield (Heap.Stress); where
// both end, they must agree. After a run the heap is checked: everything
// the machine holds is alive and counted at least once per reference.
// Under -fuzz the engine kills a worker whose input runs past 10 s and
// keeps the input as a crasher: that is how a hang inside one instruction
// (which --timeout cannot stop) shows up.
package fuzz

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// Bounds of one input's run: well under a second, whatever it does. A
// program still running at the end is fine (that is what --timeout is for).
const (
	maxSlices   = 500                    // Run calls with the default budget
	maxRunTime  = 300 * time.Millisecond // and wall time, whichever ends first
	stressSlice = 97                     // budget of the second run, with the collector at every yield
	maxStress   = 5000                   // Run calls of the second run
	maxInput    = 1 << 16                // longer inputs are skipped
	hangLimit   = 60 * time.Second       // an input still running after this is a hang (under -fuzz, the engine's own 10 s deadline comes first)
)

// includes are the files `include` may reach: a few written here, and
// testdata/include/* as include/<name> (read at fuzz start).
var includes = map[string]string{
	"lib.raft":        ": lib-sq dup * ;\n7 constant lib-seven\n: lib-fail 0 / ;\n{ 1 2 } drop\n",
	"bad.raft":        ": broken frob ;\n",
	"cycle.raft":      "include \"fuzz.raft\"\n",
	"dir/nested.raft": "include \"../lib.raft\"\n: nested lib-sq lib-seven + ;\n",
	"unterm.raft":     "1 2 \"oops\n",
	"open.raft":       "[ 1 { 2\n",
	"close.raft":      "} ] call\n",
}

// nasty are hand-written inputs for the risky corners: deep recursion,
// unbounded pushes, underflow inside { }, huge unpacks, wild picks,
// self-calling quotations, curry chains, loops left early, escapes,
// includes, integer edges, cycles.
var nasty = []string{
	// Deep recursion, with and without locals.
	": f f ; f",
	": f 1 f ; f",
	": f | a b c | a b c f ; 1 2 3 f",
	": f dup 0 > if 1- | n | n f n then ; 200000 f depth .",
	": f [ f ] call ; f",
	"[ dup call ] dup call",
	": g ' g call ; g",
	// Unbounded pushes.
	"begin 1 again",
	"begin 1 2 3 { 4 5 } again",
	"begin depth again",
	": p 1 p ; p",
	"0 begin dup 1+ dup 2000000 = until depth .",
	// { } with underflow and odd exits inside.
	"{ drop }",
	"1 2 { drop drop drop }",
	"1 2 3 { 2drop 4 }",
	"{ { { drop } } }",
	": w { 1 2 return } ; w w .s",
	"10 0 do { i i 5 = if leave then } loop .s",
	"{ 1 2 [ 3 4 ] call } .",
	"{ depth pick }",
	// unpack and pack.
	"1000000 array unpack",
	"100000 array unpack depth . pack len .",
	"{ 1 2 3 } unpack pack unpack unpack",
	"1 2 3 4 pack",
	"-1 pack",
	"9223372036854775807 pack",
	"1 2 3 -9223372036854775808 pack",
	"268435456 array",
	"268435457 array",
	"-1 array",
	// pick with wild indexes.
	"1 2 3 -1 pick",
	"1 2 3 2 pick",
	"1 2 3 3 pick",
	"1 9223372036854775807 pick",
	"1 -9223372036854775808 pick",
	"1 2 3 1.5 pick",
	"0 pick",
	"pick",
	// Quotations calling themselves, curry chains.
	"[ ] 100000 [ swap curry ] times call",
	"1 [ ] 1000000 [ curry ] times call",
	"[ 1 ] 5 [ [ call ] curry ] times call",
	"[ dup call ] [ dup call ] curry call",
	"1 [ + ] curry curry curry call",
	"nil curry",
	"1 2 curry",
	"[ ] curry",
	"1 ' . curry dup call call",
	"' curry ' curry curry ' curry curry call",
	// Nested loops with leave and return.
	": l 10 0 do 10 0 do i j + 15 = if return then loop loop ; l",
	"10 0 do 10 0 do leave loop leave loop",
	"10 0 do 10 0 do i j * . loop loop",
	"0 10 do i . -3 +loop",
	"10 0 do 0 +loop",
	"9223372036854775807 9223372036854775806 do i . loop",
	"-9223372036854775808 9223372036854775807 do i . -9223372036854775807 +loop",
	"9223372036854775807 0 do 4611686018427387904 +loop",
	"10 0 do i 1.5 +loop",
	"1.5 0 do loop",
	"begin 10 0 do leave loop again",
	": r 5 0 do i 3 = if i return then loop ; r r r .s",
	"10 0 do [ 1 ] call loop",
	// Strings with every escape.
	"\"\\n\\t\\r\\\\\\\"\\0\\x00\\xff\\x7f\\x41\" dup . .s",
	"\"\\q\"",
	"\"\\x4\"",
	"\"\\x",
	"\"\\",
	"\"abc",
	"\"\xff\xfe\" dup str . { \"\xe2\x82\" } .",
	"\"\" \"\" + dup + len .",
	"\"a\" 30 [ dup + ] times len .",
	"\"abc\" 1 2 slice \"abc\" 3 3 slice \"abc\" -1 2 slice",
	"\"abc\" 0 get",
	// Includes.
	"include \"lib.raft\" 3 lib-sq . lib-seven .",
	"include \"lib.raft\" include \"lib.raft\" include \"dir/nested.raft\" nested .",
	"include \"lib.raft\" lib-fail",
	"include \"bad.raft\"",
	"include \"cycle.raft\"",
	"include \"fuzz.raft\"",
	"include \"missing.raft\"",
	"include \"unterm.raft\"",
	"include \"/etc/passwd\"",
	"include \"../lib.raft\"",
	"include",
	"include 42",
	": x include \"lib.raft\" ;",
	"[ include \"lib.raft\" ]",
	"include \"include/lib-cube.raft\" 3 cube .",
	"include \"include/lib-nested.raft\"",
	"include \"open.raft\" ] call .s",
	"include \"open.raft\" } ] call .s",
	"include \"open.raft\" include \"close.raft\" .s",
	"include \"open.raft\" : w 1 ; } ] call w .s",
	"[ { include \"close.raft\"",
	"{ include \"close.raft\"",
	// Integer edges.
	"-9223372036854775808 -1 /",
	"-9223372036854775808 -1 mod",
	"-9223372036854775808 abs neg 1- 1+",
	"1 0 / ",
	"1 0 mod",
	"1.0 0 / 1 0.0 mod 0.0 0.0 /",
	"2 63 ** 2 64 ** -2 63 ** 0 0 ** 2 -1 ** 3 9223372036854775807 **",
	"-1 9223372036854775807 ** 1.5 1000 ** 0 -1 **",
	"1 63 lshift 1 64 lshift 1 -1 lshift",
	"-1 63 rshift -1 64 rshift -1 100000 rshift 1 -1 rshift",
	"9223372036854775807 1+ -9223372036854775808 1-",
	"9223372036854775808",
	"-9223372036854775809",
	"0x8000000000000000",
	"-0x8000000000000000",
	"0b" + strings.Repeat("1", 64),
	"1_000_ 1__0 _1 0x_1",
	"1e400 -1e400 1e-400",
	"9223372036854775807.0 int",
	"-9223372036854775808.0 int",
	"9.3e18 int",
	"\"9223372036854775808\" int",
	"\"-9223372036854775808\" int",
	"\"0x\" int",
	"\"1e999\" float",
	"nan int",
	"0.0 0.0 / round",
	"1e300 floor",
	"3.14159 101 fixed",
	"1e308 100 fixed len .",
	"3.14159 -1 fixed",
	"1114112 emit",
	"55296 emit",
	"-1 emit",
	// Arrays: pop, get, set, cycles printed, compared and freed.
	"0 array pop",
	"{ } pop",
	"{ 1 } 1 get",
	"{ 1 } -1 get",
	"{ 1 } 9223372036854775807 get",
	"{ 1 } -9223372036854775808 1 set",
	"{ } dup dup push .",
	"{ } dup dup push dup =",
	"{ } dup dup push { } dup dup push =",
	"{ } dup dup push dup dup push { } dup dup push dup dup push = .",
	"{ } dup dup push str .",
	"{ } dup dup push .s",
	"{ } dup dup push",
	"{ } dup dup push [ drop ] curry dup call",
	"{ } dup 0 swap push dup 0 get 0 swap set",
	"{ 1 } dup dup 0 swap set dup 0 get =",
	"{ } 60 [ dup 2 pack ] times dup =",
	"{ } 60 [ dup 2 pack ] times { } 60 [ dup 2 pack ] times =",
	"{ } 60 [ dup 2 pack ] times len",
	"{ } 100000 [ 1 pack ] times .",
	"{ } 100000 [ 1 pack ] times dup =",
	"{ } 100000 [ 1 pack ] times { } 100000 [ 1 pack ] times =",
	"{ } 100000 [ 1 pack ] times str len .",
	"{ } 200000 [ 1 pack ] times drop",
	"[ ] 100000 [ curry ] times dup =",
	"{ 1 2 3 } [ drop ] map .",
	"{ 1 2 3 } [ 1 2 ] map .",
	"{ 1 2 3 } [ drop drop ] each",
	"{ 1 2 3 } 0 [ drop ] fold",
	"{ 1 2 3 } [ ] filter .",
	"{ 1 2 3 } [ dup push ] each",
	"{ 1 2 3 } dup [ over push ] each .",
	"5 [ ] times 5 [ drop ] times",
	"-5 [ 1 ] times",
	"{ 1 2 } 5 [ ] fold",
	// Locals.
	": f | a | a 0 > if a 1- f a + then ; 1000 f .",
	"| a b | a b",
	"1 | a | 2 to a 3 | a | a .",
	": f | a | [ a ] ; f",
	"| |",
	"| a",
	"to",
	"1 to x",
	"| 1 |",
	"| : |",
	"' i",
	"'",
	"' 1",
	"' nope",
	"' (mailbox-peek)",
	"(mailbox-peek)",
	// Actors without a host.
	"receive",
	"[ ] spawn",
	"1 self send",
	"1 receive-timeout",
	"[ drop true ] receive-match",
	"yield yield yield 1 .",
	":normal exit",
	":boom exit",
	"{ :a 1 } error",
	"\"x\" error",
	"1 2 3 exit",
	"error",
	"exit",
	"args len .",
	// Output of every kind.
	"1 1.5 -0.0 1e21 1.5e-7 nan true false nil :s \"s\" { \"s\" { } } ' dup [ ] self .s",
	"[ ] 1 curry .",
	// Structure errors at odd places.
	": ;",
	": : ;",
	": x",
	";",
	"[",
	"]",
	"{",
	"}",
	"if",
	"then",
	"else",
	"begin",
	"until",
	"do",
	"loop",
	"+loop",
	"i",
	"j",
	"leave",
	"1 constant",
	"constant x",
	"1 2 constant x",
	": x 1 constant y ;",
	"[ 1 constant y ]",
	"1 constant dup",
	"1 constant 2",
	"\"s\" constant s s s .s",
	": 1 ;",
	": dup ;",
	": x ; : x ;",
	"{ if } then",
	"begin { until }",
	"10 0 do { loop }",
	"if begin then again",
	"[ : x ; ]",
	"( unterminated",
	"(",
	"( )",
	"(x) 1",
	"# only a comment",
	"\x00\x01\x02",
	"\t\v\f\r\n",
}

// seeds returns the seed corpus: every testdata/*.raft and examples/*.raft
// of the repository, then the nasty inputs.
func seeds(tb testing.TB) [][]byte {
	var out [][]byte
	for _, pat := range []string{"../testdata/*.raft", "../examples/*.raft"} {
		files, err := filepath.Glob(pat)
		if err != nil {
			tb.Fatal(err)
		}
		if len(files) == 0 {
			tb.Fatalf("no seeds in %s", pat)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
	}
	for _, s := range nasty {
		out = append(out, []byte(s))
	}
	return out
}

// loadIncludes adds testdata/include/*.raft to includes, as include/<name>.
func loadIncludes(tb testing.TB) {
	files, _ := filepath.Glob("../testdata/include/*.raft")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		includes["include/"+filepath.Base(f)] = string(b)
	}
}

// readFile serves includes from memory and fails for any other path.
func readFile(path string) ([]byte, error) {
	if s, ok := includes[filepath.ToSlash(filepath.Clean(path))]; ok {
		return []byte(s), nil
	}
	return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
}

func FuzzFrontEnd(f *testing.F) {
	loadIncludes(f)
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxInput {
			return
		}
		check(t, data)
	})
}

// check compiles and runs one input and asserts the properties of
// LANGUAGE.md §4: a compile error has a position inside the input, a run
// never panics and ends, fails or goes on cleanly.
func check(t *testing.T, data []byte) {
	// A single instruction that never ends cannot be stopped by --timeout
	// (it is checked between slices): crash the worker so the fuzzer keeps
	// the input.
	watchdog := time.AfterFunc(hangLimit, func() {
		panic(fmt.Sprintf("hang: input still running after %v: %q", hangLimit, data))
	})
	defer watchdog.Stop()

	prog, err := interp.CompileWith("fuzz.raft", data, readFile)
	if err != nil {
		checkCompileError(t, data, err)
		return
	}
	if prog == nil {
		t.Fatal("no program and no error")
	}
	start := time.Now()
	a := run(t, prog, interp.DefaultBudget, false, maxSlices)
	if time.Since(start) > 3*maxRunTime {
		return // a slow input (huge output, deep recursion): once is enough
	}
	b := run(t, prog, stressSlice, true, maxStress)
	// Where both runs ended, yields and collections must not have changed
	// anything the program could see (now is the one clock; heap limits
	// are met at different places when the collector runs more often).
	if a.ended && b.ended && !usesClock(data) && !a.oom && !b.oom {
		if a.summary() != b.summary() {
			t.Fatalf("the run with the collector at every yield differs:\n default: %s\n stressed: %s", a.summary(), b.summary())
		}
	}
}

// checkCompileError asserts that err is an *interp.Error with a position,
// inside the input when it is in fuzz.raft.
func checkCompileError(t *testing.T, data []byte, err error) {
	var e *interp.Error
	if !errors.As(err, &e) {
		t.Fatalf("compile error %v (%T) is not an *interp.Error", err, err)
	}
	if e.Pos.File == "" || e.Pos.Line < 1 || e.Pos.Col < 1 {
		t.Fatalf("compile error without a position: %q (%+v)", err, e.Pos)
	}
	if e.Msg == "" {
		t.Fatalf("compile error without a message at %v", e.Pos)
	}
	if !strings.HasPrefix(err.Error(), e.Pos.String()+": ") {
		t.Fatalf("compile error %q does not start with its position %s", err, e.Pos)
	}
	src := data
	if e.Pos.File != "fuzz.raft" {
		s, ok := includes[filepath.ToSlash(e.Pos.File)]
		if !ok {
			t.Fatalf("compile error in a file that was never read: %v", err)
		}
		src = []byte(s)
	}
	lines := bytes.Split(src, []byte("\n"))
	if int(e.Pos.Line) > len(lines) {
		t.Fatalf("compile error %q: line %d, the file has %d", err, e.Pos.Line, len(lines))
	}
	if line := lines[e.Pos.Line-1]; int(e.Pos.Col) > len(line)+1 {
		t.Fatalf("compile error %q: column %d, line %d has %d bytes", err, e.Pos.Col, e.Pos.Line, len(line))
	}
}

// result is what one run of a program showed.
type result struct {
	status interp.Status
	ended  bool   // not still running at the end of its slices
	oom    bool   // failed with :heap-limit
	out    string // digest of stdout
	final  string // the final stack (Done) or the failure report (Failed, Exited)
}

func (r result) summary() string {
	return fmt.Sprintf("status %v, stdout %s, %q", r.status, r.out, r.final)
}

// digestWriter keeps a running digest of what is written and its length.
type digestWriter struct {
	h interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
	}
	n int
}

func (w *digestWriter) Write(p []byte) (int, error) { w.n += len(p); return w.h.Write(p) }
func (w *digestWriter) String() string              { return fmt.Sprintf("%d bytes %x", w.n, w.h.Sum(nil)[:8]) }

// run runs prog's main function on a fresh machine (no host: receive
// waits for ever) for at most slices calls of Run with the given budget,
// then checks the heap and releases the machine.
func run(t *testing.T, prog *interp.Program, budget int, stress bool, slices int) result {
	prog.Seed = 1 // random gives every run the same numbers
	w := &digestWriter{h: sha256.New()}
	out := interp.NewOutput(w)
	m := interp.NewMachine(prog, nil, out)
	m.ID = 1
	m.Heap.Limit = 64 << 20
	m.Heap.Stress = stress
	if err := m.SetArgs(nil); err != nil {
		t.Fatalf("SetArgs: %v", err)
	}
	var r result
	if err := m.StartFunc(prog.Main); err != nil {
		// Only a main function too big for the stack may fail to start.
		t.Logf("StartFunc: %v", err)
		m.Release()
		return r
	}
	deadline := time.Now().Add(maxRunTime)
	st := interp.StatusYield
	for i := 0; i < slices && st == interp.StatusYield && time.Now().Before(deadline); i++ {
		st = m.Run(budget)
	}
	r.status = st
	r.ended = st != interp.StatusYield
	switch st {
	case interp.StatusYield, interp.StatusBlocked:
	case interp.StatusDone:
		r.final = digest(m.StackText())
	case interp.StatusFailed:
		checkFailure(t, m)
		r.final = m.Failure.Report()
		r.oom = m.Failure.Text == ":heap-limit"
	case interp.StatusExited:
		if m.ExitReason() == gc.Sym(gc.SymNormal) {
			if m.Failure != nil {
				t.Fatalf("exit :normal with a failure: %s", m.Failure.Report())
			}
			r.final = digest(m.StackText())
		} else {
			checkFailure(t, m)
			r.final = m.Failure.Report()
		}
	default:
		t.Fatalf("Run returned status %d", st)
	}
	endRun(t, m, out, "")
	r.out = w.String()
	return r
}

// endRun ends a run of m: it flushes out, checks the heap, releases the
// machine and checks that the collector then frees every object (what
// names the run in a failure).
func endRun(t *testing.T, m *interp.Machine, out *interp.Output, what string) {
	if err := out.Flush(); err != nil {
		t.Fatalf("%sFlush: %v", what, err)
	}
	checkHeap(t, m)
	m.Release()
	// Everything left is garbage now: the collector must free it all.
	m.Heap.Collect()
	if live := m.Heap.Stats().Live; live != 0 {
		t.Fatalf("%s%d objects alive after Release and Collect", what, live)
	}
}

// digest shortens a long text (a final stack may be MaxPrinted bytes).
func digest(s string) string {
	if len(s) <= 200 {
		return s
	}
	h := sha256.New()
	io.WriteString(h, s)
	return fmt.Sprintf("%.100s... (%d bytes %x)", s, len(s), h.Sum(nil))
}

// checkFailure asserts that a failed machine says why, where and in what
// words.
func checkFailure(t *testing.T, m *interp.Machine) {
	f := m.Failure
	if f == nil {
		t.Fatal("failed without a Failure")
	}
	if f.Text == "" {
		t.Fatal("failure without a reason text")
	}
	if f.Reason.K == gc.KSym && !strings.HasPrefix(f.Text, ":") {
		t.Fatalf("symbol reason printed as %q", f.Text)
	}
	rep := f.Report()
	if !strings.HasPrefix(rep, "error: "+f.Text) {
		t.Fatalf("report %q does not start with the reason %s", rep, f.Text)
	}
	if f.Pos.File != "" && (f.Pos.Line < 1 || f.Pos.Col < 1) {
		t.Fatalf("failure at a bad position %+v: %s", f.Pos, rep)
	}
	for _, c := range f.Callers {
		if c.Word == "" {
			t.Fatalf("caller without a name: %s", rep)
		}
	}
}

// checkHeap walks every value the machine holds and asserts that each heap
// object it reaches is alive and counted at least once per reference seen
// (a count too low is a use-after-free waiting to happen); then it runs
// the collector over the same roots (which panics on a freed object).
func checkHeap(t *testing.T, m *interp.Machine) {
	h := m.Heap
	refs := map[gc.Value]int{}
	var work []gc.Value
	see := func(v gc.Value, from string) {
		if !v.IsHeap() {
			return
		}
		if h.RefCount(v) == 0 {
			t.Fatalf("%s refers to freed object %v %d", from, v.K, v.X)
		}
		refs[v]++
		if refs[v] == 1 && v.K != gc.KStr {
			work = append(work, v)
		}
	}
	for _, root := range m.Roots() {
		for _, v := range root {
			see(v, "a root")
		}
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		switch v.K {
		case gc.KArr:
			for i, n := 0, h.Len(v); i < n; i++ {
				see(h.Get(v, i), "an array")
			}
		case gc.KCurry:
			x, q := h.CurryParts(v)
			see(x, "a curry")
			see(q, "a curry")
		case gc.KMap:
			for i := range h.MapSlots(v) {
				if k, x, live := h.MapPair(v, i); live {
					see(k, "a map")
					see(x, "a map")
				}
			}
		}
	}
	for v, n := range refs {
		if rc := h.RefCount(v); rc < n {
			t.Fatalf("object %v %d has count %d, %d references", v.K, v.X, rc, n)
		}
	}
	h.Collect(m.Roots()...)
	for v, n := range refs {
		if rc := h.RefCount(v); rc != n {
			t.Fatalf("after Collect, object %v %d has count %d, %d references", v.K, v.X, rc, n)
		}
	}
}

// usesClock reports whether src may read the clock (now): two runs of it
// may then differ with nothing wrong, a millisecond apart.
func usesClock(src []byte) bool { return bytes.Contains(src, []byte("now")) }
