package interp

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// Bounds of one FuzzVerify run: code the verifier accepts may loop for
// ever (begin again is valid code), so it runs a few slices of a small
// budget and stops, wherever it is.
const (
	verifyFuzzSlices = 200
	verifyFuzzBudget = 500
	verifyFuzzTime   = 200 * time.Millisecond
	verifyFuzzMax    = 4096     // longer inputs are skipped
	verifyFuzzHeap   = 64 << 20 // a heap limit: 268435456 array fails at once, not after 4 GiB
	verifyFuzzHang   = 5 * time.Second
)

// fuzzedFunc makes the function a FuzzVerify input stands for: its first
// byte is the number of local slots, the rest is the code.
func fuzzedFunc(data []byte) *Func {
	fn := &Func{Name: "<fuzz>", Pos: Pos{File: "fuzz", Line: 1, Col: 1}}
	if len(data) > 0 {
		fn.NLocals = int(data[0])
		fn.Code = append([]byte(nil), data[1:]...)
	}
	return fn
}

// verifySeeds compiles a few small programs (words, quotations, loops,
// locals, arrays, fused instructions) into one program, and returns it with
// FuzzVerify inputs made of its functions (each its local count, then its
// code): their calls, quotations, symbols and strings refer to it.
func verifySeeds(tb testing.TB) (*Program, [][]byte) {
	srcs := []string{
		"1 2 + .",
		": f dup 2 < if return then dup 1- f swap 2 - f + ; 10 f .",
		"10 0 do i . loop 0 10 do i . -3 +loop",
		": g | a b | a b + to a a ; 3 4 g .",
		"{ 1 2 { 3 } } dup len . 0 get .",
		"[ 1 + ] 5 swap call . { 1 2 3 } [ 2 * ] map .",
		"0 begin dup 5 < while 1+ repeat . begin 1 again",
		"\"s\" :sym true nil 1.5 .s 2dup drop drop",
		"{ } 3 [ over push ] curry times \"ab\" 0 1 slice . 2 3 ** 7 mod .",
	}
	prog := NewProgram()
	for _, src := range srcs {
		if _, err := prog.CompileMore("seed.raft", []byte(src)); err != nil {
			tb.Fatalf("%s: %v", src, err)
		}
	}
	var out [][]byte
	for _, fn := range prog.Funcs() {
		if fn.Lib || fn.NLocals > 255 {
			continue
		}
		out = append(out, append([]byte{byte(fn.NLocals)}, fn.Code...))
	}
	return prog, out
}

// FuzzVerify feeds random bytecode to the verifier: random bytes, and
// mutations of compiled functions, become a function's code and local
// count. The verifier must reject the code with an error, or the
// interpreter must run what it accepts (for a bounded time) without a Go
// panic: any input that panics is code the verifier should have rejected.
// Crashers are kept in testdata/fuzz/FuzzVerify/; plain `go test` replays
// them. Run it with
//
//	go test ./interp -run XXX -fuzz FuzzVerify -fuzztime 60s -parallel 1
func FuzzVerify(f *testing.F) {
	base, seeds := verifySeeds(f)
	for _, s := range seeds {
		f.Add(s)
	}
	lib := base.Funcs() // the library and the seeds' words: code may call them
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > verifyFuzzMax {
			return
		}
		// One instruction that runs for ever is a hang the budget cannot
		// stop: crash the worker, so the fuzzer keeps the input.
		watchdog := time.AfterFunc(verifyFuzzHang, func() {
			panic(fmt.Sprintf("hang: code still running after %v: %x", verifyFuzzHang, data))
		})
		defer watchdog.Stop()
		fn := fuzzedFunc(data)
		fn.Index = uint32(len(lib))
		funcs := append(lib[:len(lib):len(lib)], fn)
		if err := verify(fn, len(funcs), base.In, nil); err != nil {
			return // rejected: fine
		}
		p := &Program{In: base.In}
		p.funcs.Store(&funcs)
		var buf bytes.Buffer
		out := NewOutput(&buf)
		m := NewMachine(p, nil, out)
		m.Heap.Limit = verifyFuzzHeap
		m.ID = 1
		m.SetArgs(nil)
		if err := m.StartFunc(fn.Index); err != nil {
			return
		}
		deadline := time.Now().Add(verifyFuzzTime)
		st := m.Run(verifyFuzzBudget)
		for i := 0; st == StatusYield && i < verifyFuzzSlices && time.Now().Before(deadline); i++ {
			st = m.Run(verifyFuzzBudget)
		}
		if st == StatusDone {
			out.Write([]byte(m.StackText()))
		}
		out.Flush()
		if m.Failure != nil {
			_ = m.Failure.Report() // the report must not panic either
		}
		m.Release()
	})
}

// TestVerifySeedsRun checks that FuzzVerify's seeds are accepted by the
// verifier (the fuzzer starts from code that runs, not only from code it
// rejects).
func TestVerifySeedsRun(t *testing.T) {
	base, seeds := verifySeeds(t)
	if len(seeds) < 8 {
		t.Fatalf("only %d seeds", len(seeds))
	}
	for _, s := range seeds {
		fn := fuzzedFunc(s)
		if err := verify(fn, len(base.Funcs())+1, base.In, nil); err != nil {
			t.Errorf("seed %x: %v", s, err)
		}
	}
}
