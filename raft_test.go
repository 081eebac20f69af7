package raft_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raftvm/raft"
)

// engines are the three ways every test runs a program.
var engines = []struct {
	name string
	opt  raft.Option
}{
	{"interp", raft.JIT(false)},
	{"jit", raft.JIT(true)},
	{"always", raft.JITAlways()},
}

func compile(t *testing.T, rt *raft.Runtime, src string) *raft.Program {
	t.Helper()
	p, err := rt.Compile("t.raft", src)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestRunReturnsStack(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			var out bytes.Buffer
			rt := raft.New(e.opt, raft.Output(&out))
			p := compile(t, rt, `"hi" print 1 2 + 2.5 "s" :ok true nil { 1 { 2 } } args`)
			stack, err := rt.Run(context.Background(), p, "a", "b")
			if err != nil {
				t.Fatal(err)
			}
			want := []any{int64(3), 2.5, "s", raft.Symbol("ok"), true, nil, []any{int64(1), []any{int64(2)}}, []any{"a", "b"}}
			if !reflect.DeepEqual(stack, want) {
				t.Errorf("stack %#v, want %#v", stack, want)
			}
			if out.String() != "hi" {
				t.Errorf("output %q, want %q", out.String(), "hi")
			}
		})
	}
}

func TestCompileError(t *testing.T) {
	rt := raft.New()
	_, err := rt.Compile("bad.raft", "1 2\n  nosuchword")
	var ce *raft.CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T), want a *CompileError", err, err)
	}
	if ce.File != "bad.raft" || ce.Line != 2 || ce.Col != 3 || !strings.Contains(ce.Msg, "nosuchword") {
		t.Errorf("got %+v", *ce)
	}
	if !strings.HasPrefix(ce.Error(), "bad.raft:2:3: ") {
		t.Errorf("Error() = %q", ce.Error())
	}
}

func TestFailure(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := raft.New(e.opt)
			p := compile(t, rt, ": div0 ( n -- ) 0 / ;\n: f 1 div0 ;\nf")
			_, err := rt.Run(context.Background(), p)
			var f *raft.Failure
			if !errors.As(err, &f) {
				t.Fatalf("error %v (%T), want a *Failure", err, err)
			}
			if f.Reason != raft.Symbol("badarith") || f.Text != ":badarith" || f.Word != "div0" || f.Line != 1 {
				t.Errorf("got %+v", *f)
			}
			if len(f.Callers) != 2 || f.Callers[0].Word != "f" || f.Callers[0].Line != 2 || f.Callers[1].Line != 3 {
				t.Errorf("callers %+v", f.Callers)
			}
			if !strings.HasPrefix(err.Error(), "error: :badarith in div0 at t.raft:1:") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

func TestExitNormalIsNoFailure(t *testing.T) {
	rt := raft.New()
	p := compile(t, rt, "7 :normal exit")
	stack, err := rt.Run(context.Background(), p)
	if err != nil || !reflect.DeepEqual(stack, []any{int64(7)}) {
		t.Errorf("got %v, %v", stack, err)
	}
	p = compile(t, rt, `{ :shutdown "why" } exit`)
	_, err = rt.Run(context.Background(), p)
	var f *raft.Failure
	if !errors.As(err, &f) || !reflect.DeepEqual(f.Reason, []any{raft.Symbol("shutdown"), "why"}) {
		t.Errorf("got %v (%#v)", err, f)
	}
}

func TestDeadlock(t *testing.T) {
	rt := raft.New()
	p := compile(t, rt, "receive")
	if _, err := rt.Run(context.Background(), p); err != raft.ErrDeadlock {
		t.Errorf("error %v, want ErrDeadlock", err)
	}
}

// square, cat and checks are Go words of every kind of argument.
func defineWords(t *testing.T, rt *raft.Runtime) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(rt.Define("square", raft.Word{In: 1, Out: 1, Fn: func(c *raft.Call) error {
		n, err := c.Int(0)
		if err != nil {
			return err
		}
		return c.Push(n * n)
	}}))
	must(rt.Define("cat", raft.Word{In: 2, Out: 1, Fn: func(c *raft.Call) error {
		a, err := c.String(0)
		if err != nil {
			return err
		}
		b, err := c.String(1)
		if err != nil {
			return err
		}
		return c.Push(a + b)
	}}))
	must(rt.Define("hyp", raft.Word{In: 2, Out: 1, Fn: func(c *raft.Call) error {
		a, err := c.Float(0)
		if err != nil {
			return err
		}
		b, err := c.Float(1)
		if err != nil {
			return err
		}
		return c.Push(math.Hypot(a, b))
	}}))
	must(rt.Define("not-found", raft.Word{In: 0, Out: 0, Fn: func(c *raft.Call) error {
		return raft.Fail([]any{raft.Symbol("not-found"), "key"})
	}}))
	must(rt.Define("go-error", raft.Word{In: 0, Out: 0, Fn: func(c *raft.Call) error {
		return errors.New("disk on fire")
	}}))
	must(rt.Define("go-panic", raft.Word{In: 0, Out: 0, Fn: func(c *raft.Call) error {
		var m map[string]int
		m["x"] = 1
		return nil
	}}))
	must(rt.Define("too-many", raft.Word{In: 0, Out: 1, Fn: func(c *raft.Call) error {
		c.Push(1)
		return c.Push(2)
	}}))
	must(rt.Define("who", raft.Word{Out: 1, Blocking: true, Fn: func(c *raft.Call) error { return c.Push(c.Self()) }}))
	must(rt.Define("slow-double", raft.Word{In: 1, Out: 1, Blocking: true, Fn: func(c *raft.Call) error {
		n, err := c.Int(0)
		if err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
		return c.Push(2 * n)
	}}))
}

func TestGoWords(t *testing.T) {
	cases := []struct {
		src  string
		want []any
		fail any // the failure's reason, or nil
	}{
		{"7 square", []any{int64(49)}, nil},
		{`"ab" "cd" cat`, []any{"abcd"}, nil},
		{"3 4 hyp", []any{5.0}, nil},
		{"3.0 4 hyp 1 +", []any{6.0}, nil},
		{"21 slow-double", []any{int64(42)}, nil},
		{"who self =", []any{true}, nil},
		{"0 10 0 do i square + loop", []any{int64(285)}, nil},
		{"0 10 0 do i slow-double + loop", []any{int64(90)}, nil},
		// Small words around Go words, which the JIT inlines into a hot loop.
		{": sq square ; : sq+ sq + ; 0 3000 0 do i 100 mod sq+ loop", []any{int64(9_850_500)}, nil},
		{": d slow-double 1+ ; 0 50 0 do i d + loop", []any{int64(2500)}, nil},
		{": sq square ; 0 3000 0 do i 2999 = if \"x\" else i then sq drop loop", nil, raft.Symbol("type")},
		{`"x" square`, nil, raft.Symbol("type")},
		{`1 "x" cat`, nil, raft.Symbol("type")},
		{`"x" slow-double`, nil, raft.Symbol("type")},
		{"square", nil, raft.Symbol("stack-underflow")},
		{"not-found", nil, []any{raft.Symbol("not-found"), "key"}},
		{"go-error", nil, []any{raft.Symbol("error"), "disk on fire"}},
		{"too-many", nil, []any{raft.Symbol("error"), "too-many pushed 2 values, not 1"}},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := raft.New(e.opt)
			defineWords(t, rt)
			for _, c := range cases {
				p := compile(t, rt, c.src)
				stack, err := rt.Run(context.Background(), p)
				if c.fail == nil {
					if err != nil || !reflect.DeepEqual(stack, c.want) {
						t.Errorf("%s: got %#v, %v; want %#v", c.src, stack, err, c.want)
					}
					continue
				}
				var f *raft.Failure
				if !errors.As(err, &f) || !reflect.DeepEqual(f.Reason, c.fail) {
					t.Errorf("%s: got %#v, %v; want the failure %#v", c.src, stack, err, c.fail)
				}
			}
		})
	}
}

func TestGoWordPanicFailsTheActor(t *testing.T) {
	rt := raft.New()
	defineWords(t, rt)
	// A panicking word fails the actor that called it, which its parent
	// sees as an exit signal; the process and the run go on.
	p := compile(t, rt, `true trap-exit [ go-panic ] spawn-link drop receive 2 get`)
	stack, err := rt.Run(context.Background(), p)
	if err != nil || len(stack) != 1 {
		t.Fatalf("got %v, %v", stack, err)
	}
	r, ok := stack[0].([]any)
	if !ok || len(r) != 2 || r[0] != raft.Symbol("panic") || !strings.Contains(r[1].(string), "nil map") {
		t.Errorf("exit reason %#v, want { :panic \"...nil map...\" }", stack[0])
	}
}

func TestDefineErrors(t *testing.T) {
	rt := raft.New()
	fn := func(c *raft.Call) error { return nil }
	for _, name := range []string{"", "dup", "if", "42", `"s"`, ":sym", "two words", "+"} {
		if err := rt.Define(name, raft.Word{Fn: fn}); err == nil {
			t.Errorf("Define(%q) succeeded", name)
		}
	}
	if err := rt.Define("w", raft.Word{In: -1, Fn: fn}); err == nil {
		t.Error("Define with In -1 succeeded")
	}
	if err := rt.Define("w", raft.Word{}); err == nil {
		t.Error("Define without Fn succeeded")
	}
	if err := rt.Define("w", raft.Word{Fn: fn}); err != nil {
		t.Fatal(err)
	}
	if err := rt.Define("w", raft.Word{Fn: fn}); err == nil {
		t.Error("a second Define of w succeeded")
	}
	_, err := rt.Compile("t.raft", ": w 1 ;")
	var ce *raft.CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "cannot redefine") {
		t.Errorf("redefining a Go word: %v", err)
	}
	// A Go word with Yield gives way to the program's own definition.
	rt.Define("soft", raft.Word{Out: 1, Yield: true, Fn: func(c *raft.Call) error { return c.Push("go") }})
	p := compile(t, rt, "soft")
	if stack, err := rt.Run(context.Background(), p); err != nil || !reflect.DeepEqual(stack, []any{"go"}) {
		t.Errorf("soft: %v, %v", stack, err)
	}
	p = compile(t, rt, ": soft \"mine\" ; soft")
	if stack, err := rt.Run(context.Background(), p); err != nil || !reflect.DeepEqual(stack, []any{"mine"}) {
		t.Errorf("the program's own soft: %v, %v", stack, err)
	}
	// An extension word (not in LANGUAGE.md) may be replaced by a Go word.
	if err := rt.Define("sort", raft.Word{In: 1, Out: 1, Fn: func(c *raft.Call) error { return c.Push("sorted") }}); err != nil {
		t.Fatal(err)
	}
	p = compile(t, rt, "{ 2 1 } sort")
	if stack, err := rt.Run(context.Background(), p); err != nil || !reflect.DeepEqual(stack, []any{"sorted"}) {
		t.Errorf("Go sort: %v, %v", stack, err)
	}
}

// TestConcurrentRuns runs one Program from 8 goroutines at once.
func TestConcurrentRuns(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := raft.New(e.opt, raft.Workers(2))
			defineWords(t, rt)
			p := compile(t, rt, `: fib dup 2 < if return then dup 1- fib swap 2 - fib + ;
				: worker ( parent n -- ) fib square swap send ;
				0 8 0 do self i 10 + [ worker ] curry curry spawn drop loop
				8 0 do receive + loop args len`)
			want := int64(0)
			fib := func(n int64) int64 {
				a, b := int64(0), int64(1)
				for range n {
					a, b = b, a+b
				}
				return a
			}
			for i := int64(10); i < 18; i++ {
				want += fib(i) * fib(i)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					args := make([]string, g)
					stack, err := rt.Run(context.Background(), p, args...)
					if err != nil {
						errs <- err
						return
					}
					if !reflect.DeepEqual(stack, []any{want, int64(g)}) {
						errs <- fmt.Errorf("run %d: stack %v, want [%d %d]", g, stack, want, g)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// TestCancel stops a runaway loop and a blocked receive through the
// context; the bound is generous (it checks that cancel works, not speed).
func TestCancel(t *testing.T) {
	for _, src := range []string{"begin again", "60000 receive-timeout", "[ begin again ] spawn drop receive", "1000000 sleep"} {
		rt := raft.New()
		p := compile(t, rt, src)
		// On a loaded machine a thread may not run for tens of
		// milliseconds: a run that misses the bound gets two more tries.
		var late time.Duration
		for try := 0; try < 3; try++ {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := rt.Run(ctx, p)
				done <- err
			}()
			time.Sleep(20 * time.Millisecond)
			start := time.Now()
			cancel()
			err := <-done
			if err != context.Canceled {
				t.Fatalf("%s: error %v, want context.Canceled", src, err)
			}
			if late = time.Since(start); late <= 100*time.Millisecond {
				break
			}
		}
		if late > 100*time.Millisecond {
			t.Errorf("%s: Run returned %v after cancel, three times over 100 ms", src, late)
		}
	}
}

// TestBlockingWordSeesCancel: a blocking Go word that waits on the run's
// context returns when the run is cancelled.
func TestBlockingWordSeesCancel(t *testing.T) {
	rt := raft.New()
	returned := make(chan struct{})
	rt.Define("wait-forever", raft.Word{Blocking: true, Fn: func(c *raft.Call) error {
		<-c.Context().Done()
		close(returned)
		return c.Context().Err()
	}})
	p := compile(t, rt, "wait-forever")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := rt.Run(ctx, p); err != context.DeadlineExceeded {
		t.Errorf("error %v, want DeadlineExceeded", err)
	}
	select {
	case <-returned:
	case <-time.After(time.Second):
		t.Error("the blocking word did not see the run end")
	}
}

// TestBlockingWordDoesNotStall: while one actor waits in a blocking Go
// word, another actor runs on the only worker.
func TestBlockingWordDoesNotStall(t *testing.T) {
	rt := raft.New(raft.Workers(1))
	started, release := make(chan struct{}), make(chan struct{})
	rt.Define("wait", raft.Word{Blocking: true, Out: 1, Fn: func(c *raft.Call) error {
		close(started)
		<-release
		return c.Push(5)
	}})
	rt.Define("release", raft.Word{Out: 1, Fn: func(c *raft.Call) error {
		select {
		case <-started: // wait has begun: its actor is blocked in it
			close(release)
			return c.Push(true)
		default:
			return c.Push(false)
		}
	}})
	// main yields until wait has begun, then releases it.
	p := compile(t, rt, "self [ wait swap send ] curry spawn drop begin yield release until receive")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if stack, err := rt.Run(ctx, p); err != nil || !reflect.DeepEqual(stack, []any{int64(5)}) {
		t.Errorf("got %v, %v", stack, err)
	}
}

// TestNoLeaks: runs that end, fail, deadlock or are cancelled leave no
// goroutines behind.
func TestNoLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, e := range engines {
		rt := raft.New(raft.Workers(2), e.opt)
		defineWords(t, rt)
		for _, src := range []string{"1 2 +", "1 0 /", "receive", "[ receive ] spawn drop 21 slow-double", "begin again", ": f 1+ ; 0 begin f again"} {
			p, err := rt.Compile("t.raft", src)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			rt.Run(ctx, p)
			cancel()
			p.Close()
		}
	}
	noMoreGoroutines(t, before)
}

// TestRoundTrip: values go from Go into Raft (a Go word's result) and back
// (the final stack) unchanged, for every kind.
func TestRoundTrip(t *testing.T) {
	values := []any{
		nil, true, false, int64(0), int64(-7), int64(math.MaxInt64), int64(math.MinInt64),
		1.5, math.Inf(-1), "", "héllo\x00", raft.Symbol("ok"), raft.Symbol("with-dash?"),
		[]any{}, []any{int64(1), "two", []any{raft.Symbol("three"), nil}},
		raft.Map{}, raft.Map{{"a", int64(1)}, {int64(2), []any{1.5}}, {[]any{int64(1), "k"}, raft.Map{{nil, false}}}},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := raft.New(e.opt)
			var i int
			rt.Define("value", raft.Word{Out: 1, Fn: func(c *raft.Call) error { return c.Push(values[i]) }})
			rt.Define("echo", raft.Word{In: 1, Out: 1, Fn: func(c *raft.Call) error {
				v, err := c.Arg(0)
				if err != nil {
					return err
				}
				return c.Push(v)
			}})
			rt.Define("echo-blocking", raft.Word{In: 1, Out: 1, Blocking: true, Fn: func(c *raft.Call) error {
				v, err := c.Arg(0)
				if err != nil {
					return err
				}
				return c.Push(v)
			}})
			p := compile(t, rt, "value value echo value echo-blocking")
			for i = range values {
				stack, err := rt.Run(context.Background(), p)
				want := []any{values[i], values[i], values[i]}
				if err != nil || !reflect.DeepEqual(stack, want) {
					t.Errorf("value %#v: got %#v, %v", values[i], stack, err)
				}
			}
		})
	}
	// A pid from Raft converts and goes back.
	rt := raft.New()
	rt.Define("pid-back", raft.Word{In: 1, Out: 1, Fn: func(c *raft.Call) error {
		p, err := c.Pid(0)
		if err != nil {
			return err
		}
		return c.Push(p)
	}})
	p := compile(t, rt, "self dup pid-back =")
	if stack, err := rt.Run(context.Background(), p); err != nil || !reflect.DeepEqual(stack, []any{true}) {
		t.Errorf("pid round trip: %v, %v", stack, err)
	}
}

// TestConversionErrors: values that have no counterpart are errors, never
// panics.
func TestConversionErrors(t *testing.T) {
	cyclic := []any{nil}
	cyclic[0] = cyclic
	for _, v := range []any{struct{}{}, make(chan int), uint64(math.MaxUint64), raft.Quotation{Text: "<quot>"},
		raft.Symbol(""), cyclic, raft.Map{{[]int{1}, 1}}, raft.Map{{raft.Map{}, 1}}} {
		rt := raft.New()
		rt.Define("bad", raft.Word{Out: 1, Fn: func(c *raft.Call) error { return c.Push(v) }})
		p := compile(t, rt, "bad")
		_, err := rt.Run(context.Background(), p)
		var f *raft.Failure
		if !errors.As(err, &f) || f.Reason != raft.Symbol("badarg") {
			t.Errorf("pushing %T: got %v, want a :badarg failure", v, err)
		}
	}
	// A cyclic array on the final stack is an error of Run.
	rt := raft.New()
	p := compile(t, rt, "{ 0 } dup dup 0 swap set")
	if _, err := rt.Run(context.Background(), p); !errors.Is(err, raft.ErrConvert) {
		t.Errorf("cyclic final stack: %v, want ErrConvert", err)
	}
	// Arrays sharing arrays, 2^40 values as a tree: an error, not a
	// Go heap of terabytes.
	p = compile(t, rt, ": twice ( x -- arr ) | x | { x x } ; { 1 } 40 0 do twice loop")
	if _, err := rt.Run(context.Background(), p); !errors.Is(err, raft.ErrConvert) {
		t.Errorf("a shared tree of 2^40 values: %v, want ErrConvert", err)
	}
	// A quotation comes out in its printed form.
	p = compile(t, rt, ": inc 1 + ; [ 1 + ] ' inc")
	if stack, err := rt.Run(context.Background(), p); err != nil || !reflect.DeepEqual(stack, []any{raft.Quotation{Text: "<quot>"}, raft.Quotation{Text: "<word inc>"}}) {
		t.Errorf("quotation: %#v, %v", stack, err)
	}
}

func TestIncludeAndFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "lib.raft"), []byte(": seven 7 ;"), 0o666)
	rt := raft.New()
	p := compile(t, rt, `include "`+filepath.Join(dir, "lib.raft")+`" seven`)
	if stack, err := rt.Run(context.Background(), p); err != nil || !reflect.DeepEqual(stack, []any{int64(7)}) {
		t.Errorf("include: %v, %v", stack, err)
	}
	rt = raft.New(raft.NoFiles())
	if _, err := rt.Compile("t.raft", `include "`+filepath.Join(dir, "lib.raft")+`" seven`); err == nil {
		t.Error("include with NoFiles compiled")
	}
	p = compile(t, rt, `"`+filepath.Join(dir, "lib.raft")+`" read-file`)
	var f *raft.Failure
	if _, err := rt.Run(context.Background(), p); !errors.As(err, &f) || f.Reason != raft.Symbol("eacces") {
		t.Errorf("read-file with NoFiles: %v", err)
	}
	rt = raft.New(raft.Input(strings.NewReader("line one\nline two\n")))
	p = compile(t, rt, "read-line read-line read-line")
	if stack, err := rt.Run(context.Background(), p); err != nil || !reflect.DeepEqual(stack, []any{"line one", "line two", nil}) {
		t.Errorf("read-line: %v, %v", stack, err)
	}
}

func TestSeed(t *testing.T) {
	run := func() []any {
		rt := raft.New(raft.Seed(42))
		p := compile(t, rt, "1000000 random 1000000 random")
		stack, err := rt.Run(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		return stack
	}
	if a, b := run(), run(); !reflect.DeepEqual(a, b) {
		t.Errorf("two runs with seed 42: %v and %v", a, b)
	}
}

func TestLimits(t *testing.T) {
	rt := raft.New(raft.MaxHeap(1 << 20))
	p := compile(t, rt, "{ } begin dup 1 push again")
	var f *raft.Failure
	if _, err := rt.Run(context.Background(), p); !errors.As(err, &f) || f.Reason != raft.Symbol("heap-limit") {
		t.Errorf("MaxHeap: %v", err)
	}
	rt = raft.New(raft.MaxReductions(100_000))
	p = compile(t, rt, ": spin begin again ; [ spin ] spawn drop spin")
	if _, err := rt.Run(context.Background(), p); err != raft.ErrReductionLimit {
		t.Errorf("MaxReductions: %v", err)
	}
	p = compile(t, rt, "0 1000 0 do i + loop")
	if _, err := rt.Run(context.Background(), p); err != nil {
		t.Errorf("MaxReductions, a program within it: %v", err)
	}
	rt = raft.New(raft.MaxActors(10))
	p = compile(t, rt, "20 0 do [ receive ] spawn drop loop")
	if _, err := rt.Run(context.Background(), p); !errors.As(err, &f) || f.Reason != raft.Symbol("system-limit") {
		t.Errorf("MaxActors: %v", err)
	}
}

// noMoreGoroutines fails t unless the goroutines fall back to before
// within 2 s (the runs' workers and readers take a moment to leave).
func noMoreGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines before, %d after:\n%.4000s", before, n, buf)
	}
}
