package interp

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftvm/raft/gc"
)

// runFile runs a program file on one machine without a host (bounded) and
// returns what it printed, the failure report and the status.
func runFile(t *testing.T, path string) (string, string, Status) {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, report, st, m := runProgram(path, src, 20000)
	if m != nil && m.stack[0] != gc.Nil {
		t.Errorf("%s: the guard slot below the stack holds %v", path, m.stack[0])
	}
	return out, report, st
}

// runProgram compiles src (as fusing says) and runs it on one machine
// without a host for at most maxSlices slices more than the first. It
// returns what it printed, the failure report, the status (StatusYield
// when it had not ended) and the machine (nil when src did not compile).
func runProgram(name string, src []byte, maxSlices int) (string, string, Status, *Machine) {
	prog, err := Compile(name, src)
	if err != nil {
		return "", err.Error(), StatusFailed, nil
	}
	prog.Seed = 1 // random gives both runs the same numbers
	var out bytes.Buffer
	o := NewOutput(&out)
	m := NewMachine(prog, nil, o)
	m.ID = 1
	m.SetArgs(nil)
	m.StartFunc(prog.Main)
	st := m.Run(DefaultBudget)
	for i := 0; st == StatusYield && i < maxSlices; i++ {
		st = m.Run(DefaultBudget)
	}
	if st == StatusDone {
		o.Write([]byte(m.StackText()))
	}
	o.Flush()
	report := ""
	if m.Failure != nil {
		report = m.Failure.Report()
	}
	return out.String(), report, st, m
}

// TestFusionAgrees runs every golden script and example with and without
// superinstructions: output, failure report and status must be the same.
func TestFusionAgrees(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.raft")
	ex, _ := filepath.Glob("../examples/*.raft")
	files = append(files, ex...)
	if len(files) < 100 {
		t.Fatalf("only %d scripts found", len(files))
	}
	for _, f := range files {
		if src, _ := os.ReadFile(f); bytes.Contains(src, []byte("spawn")) || bytes.Contains(src, []byte("supervis")) {
			continue // actors need the scheduler
		}
		fusing = true
		out1, rep1, st1 := runFile(t, f)
		fusing = false
		out2, rep2, st2 := runFile(t, f)
		fusing = true
		if out1 != out2 || rep1 != rep2 || st1 != st2 {
			t.Errorf("%s: fused and plain code disagree:\nfused: %v %q %q\nplain: %v %q %q", f, st1, trim(out1), rep1, st2, trim(out2), rep2)
		}
	}
}

// TestPackingAgrees runs every golden script and example with every array
// from n array packed, and with none: output, failure report and status
// must be the same.
func TestPackingAgrees(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.raft")
	ex, _ := filepath.Glob("../examples/*.raft")
	files = append(files, ex...)
	defer func(n int) { gc.PackMin = n }(gc.PackMin)
	for _, f := range files {
		if src, _ := os.ReadFile(f); bytes.Contains(src, []byte("spawn")) || bytes.Contains(src, []byte("supervis")) {
			continue // actors need the scheduler
		}
		gc.PackMin = 1
		out1, rep1, st1 := runFile(t, f)
		gc.PackMin = gc.MaxObjectLen + 1
		out2, rep2, st2 := runFile(t, f)
		if out1 != out2 || rep1 != rep2 || st1 != st2 {
			t.Errorf("%s: packed and plain arrays disagree:\npacked: %v %q %q\nplain:  %v %q %q", f, st1, trim(out1), rep1, st2, trim(out2), rep2)
		}
	}
}

func trim(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return strings.TrimSpace(s)
}

// TestUnroll checks which do loops relink unrolls: short bodies without a
// loop of their own, once (TestFusionAgrees checks that they still run as
// written).
func TestUnroll(t *testing.T) {
	for _, c := range []struct {
		src        string
		step, loop int // LoopStep or AddIndexStep, and backward jumps
	}{
		{"0 8 0 do i + loop", 1, 1},
		{"5 0 do i . loop", 1, 1},
		{"10 0 do i 3 mod 0 = if i . then loop", 0, 1},    // too long
		{"3 0 do 2 0 do i . loop loop", 1, 2},             // only the inner one
		{"0 5 0 do i 2 mod + 2 +loop", 0, 1},              // +loop is not unrolled
		{": f begin dup 0 > while 1- repeat ; 3 f", 0, 1}, // nor begin loops
	} {
		prog, err := Compile("t.raft", []byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		step, loop := 0, 0
		for _, fn := range prog.Funcs() {
			if fn.Lib {
				continue // the prelude's words
			}
			for _, in := range decodeFunc(fn) {
				switch {
				case in.op == LoopStep || in.op == AddIndexStep:
					step++
				case in.target != nil && in.target.pc <= in.pc:
					loop++
				}
			}
		}
		if step != c.step || loop != c.loop {
			t.Errorf("%s: %d steps and %d backward jumps, want %d and %d", c.src, step, loop, c.step, c.loop)
		}
	}
}

// FuzzFusionAgrees runs any program that compiles with and without
// superinstructions and unrolled loops: where both end, their output,
// failure report and status must be the same. Run it with
//
//	go test -fuzz FuzzFusionAgrees -fuzztime 5m ./interp/
func FuzzFusionAgrees(f *testing.F) {
	files, _ := filepath.Glob("../testdata/*.raft")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4096 || bytes.Contains(src, []byte("include")) {
			return // no files: a fuzzer must not read the disk at random
		}
		defer func(f bool) { fusing = f }(fusing)
		fusing = true
		out1, rep1, st1, _ := runProgram("f.raft", src, 50)
		fusing = false
		out2, rep2, st2, _ := runProgram("f.raft", src, 50)
		ended := func(st Status) bool { return st != StatusYield && st != StatusBlocked }
		if !ended(st1) || !ended(st2) || strings.Contains(rep1+rep2, ":stack-overflow") {
			// Where the stack runs out depends on the room each
			// function reserves, which fusing changes.
			return
		}
		if out1 != out2 || rep1 != rep2 || st1 != st2 {
			t.Errorf("fused and plain code disagree on %q:\nfused: %v %q %q\nplain: %v %q %q", src, st1, trim(out1), rep1, st2, trim(out2), rep2)
		}
	})
}
