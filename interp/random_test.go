package interp

import (
	"os"
	"testing"
)

// random n is uniform over 0..n-1 (a loose chi-square bound that a
// correct generator fails once in millions), and actors with other pids
// draw other numbers from the same seed.
func TestRandomUniform(t *testing.T) {
	prog, err := Compile("r.raft", []byte("{ 60000 0 do 6 random loop }"))
	if err != nil {
		t.Fatal(err)
	}
	prog.Seed = 7
	first := ""
	for id := uint64(1); id <= 3; id++ {
		m := NewMachine(prog, nil, NewOutput(os.Stdout))
		m.ID = id
		m.StartFunc(prog.Main)
		st := m.Run(DefaultBudget)
		for st == StatusYield {
			st = m.Run(DefaultBudget)
		}
		if st != StatusDone {
			t.Fatalf("status %v", st)
		}
		a, _ := m.Peek(0)
		var count [6]int
		for _, v := range m.Heap.Elems(a) {
			count[v.AsInt()]++
		}
		chi := 0.0
		for _, c := range count {
			d := float64(c) - 10000
			chi += d * d / 10000
		}
		if chi > 35 { // 5 degrees of freedom: p < 1e-5
			t.Errorf("pid %d: counts %v, chi-square %.1f", id, count, chi)
		}
		if s := m.StackText(); id == 1 {
			first = s
		} else if s == first {
			t.Errorf("pid %d draws the numbers of pid 1", id)
		}
	}
}
