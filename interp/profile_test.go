package interp

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/pprof/profile"
)

// TestProfileNamesWords profiles fib and checks that the profile parses
// with the pprof library, names fib, and puts most reductions in it.
func TestProfileNamesWords(t *testing.T) {
	src := ": fib dup 2 < if return then dup 1- fib swap 2 - fib + ;\n: helper 0 ;\n25 fib .\n"
	prog, err := Compile("fib.raft", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	prog.Prof = NewProfile()
	m := NewMachine(prog, nil, NewOutput(io.Discard))
	m.StartFunc(prog.Main)
	for m.Run(DefaultBudget) == StatusYield {
	}
	var buf bytes.Buffer
	if err := prog.Prof.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		t.Fatalf("pprof cannot parse the profile: %v", err)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatal(err)
	}
	var total, inFib int64
	for _, s := range p.Sample {
		total += s.Value[0]
		if fn := s.Location[0].Line[0].Function; fn.Name == "fib" {
			inFib += s.Value[0]
			if fn.Filename != "fib.raft" || s.Location[0].Line[0].Line != 1 {
				t.Errorf("fib sample at %s:%d, want fib.raft:1", fn.Filename, s.Location[0].Line[0].Line)
			}
		}
		if s.Location[0].Line[0].Function.Name == "helper" {
			t.Errorf("helper never runs but has samples")
		}
	}
	if total == 0 || inFib*10 < total*9 {
		t.Errorf("fib has %d of %d reductions, want over 90%%", inFib, total)
	}
}
