package interp

import (
	"bytes"
	"testing"
	"unsafe"

	"github.com/raftvm/raft/gc"
)

// TestMachineSize keeps the Machine in the 320-byte size class: it is most
// of an idle actor's cost (sched's BenchmarkIdleActor), so a field that
// most machines never use goes in machineExt.
func TestMachineSize(t *testing.T) {
	if n := unsafe.Sizeof(Machine{}); n > 320 {
		t.Errorf("a Machine is %d bytes, want at most 320", n)
	}
}

// runAll runs m until it stops for another reason than its budget.
func runAll(m *Machine) Status {
	st := m.Run(DefaultBudget)
	for st == StatusYield {
		st = m.Run(DefaultBudget)
	}
	return st
}

// TestMachineLazyParts checks that a machine running code that uses no
// random, args, native code or exit makes no machineExt (its locals
// growing from main's one slot as a word needs more), and that an exit's
// reason is kept and cleared by the next Start.
func TestMachineLazyParts(t *testing.T) {
	prog, err := Compile("m.raft", []byte(`
		: sum ( a b -- c ) | a b | a b + ;
		3 4 sum`))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMachine(prog, nil, NewOutput(&bytes.Buffer{}))
	if err := m.StartFunc(prog.Main); err != nil {
		t.Fatal(err)
	}
	if st := runAll(m); st != StatusDone {
		t.Fatalf("status %v: %v", st, m.Failure)
	}
	if got := m.StackText(); got != "7" {
		t.Errorf("stack %s, want 7", got)
	}
	if m.x != nil {
		t.Error("a machine that used no rare part made machineExt")
	}
	if m.ExitReason() != gc.Nil {
		t.Errorf("exit reason %v without an exit", m.ExitReason())
	}

	prog, err = Compile("e.raft", []byte(`:bye exit`))
	if err != nil {
		t.Fatal(err)
	}
	m = NewMachine(prog, nil, NewOutput(&bytes.Buffer{}))
	m.StartFunc(prog.Main)
	if st := runAll(m); st != StatusExited {
		t.Fatalf("status %v, want exited", st)
	}
	if got := string(AppendValue(nil, m.Heap, prog.Funcs(), m.ExitReason(), true)); got != ":bye" {
		t.Errorf("exit reason %s, want :bye", got)
	}
	m.StartFunc(prog.Main)
	if m.ExitReason() != gc.Nil {
		t.Errorf("exit reason %v after Start, want nil", m.ExitReason())
	}
}
