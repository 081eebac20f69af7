package interp

import (
	"os"
	"testing"

	"github.com/raftvm/raft/gc"
)

// runWords runs src in a machine of its own (no host) and returns the
// machine once it has ended.
func runWords(t *testing.T, src string) *Machine {
	t.Helper()
	prog, err := Compile("w.raft", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMachine(prog, nil, NewOutput(os.Stdout))
	m.StartFunc(prog.Main)
	for m.Run(DefaultBudget) == StatusYield {
	}
	return m
}

// The words of words.go keep the heap's counts right: what they make and
// take is freed when the program drops it, in packed arrays too, whether
// they succeed or fail (a failure leaves the operands on the stack).
func TestWordsFreeWhatTheyDrop(t *testing.T) {
	ok := []string{
		`"a,b,,c" "," split "-" join drop`,
		`"  x y  " trim upper lower "ab" index-of drop`,
		`"abc" "b" starts-with? drop "abc" "c" ends-with? drop "abc" 1 char chr 9 pad-left 12 pad-right drop`,
		`{ "b" "a" 3 } 2 remove-at drop sort reverse drop`,
		`{ 3 1 2 } [ neg ] sort-by drop { "x" "yy" } [ len ] sort-by drop`,
		`{ } dup dup fill drop`,
		`100 array dup true fill dup 5 "s" insert dup 0 remove-at drop dup 50 remove-at drop dup "v" fill drop`,
		`100 array dup 99 remove-at drop dup { 1 } fill drop`,
		`{ { 1 } "a" } dup { 1 } index-of drop drop`,
		`"a" "x" + 1 char drop`,
	}
	fail := []string{
		`{ "a" 1 } "," join`, `"a" "" split`, `{ 1 "a" } sort`, `{ "a" } dup 5 "x" insert`,
		`{ 1 } [ str ] curry { 1 2 } swap [ drop { } ] sort-by`, `"abc" "x" + 9 char`, `{ } 0 remove-at`,
	}
	for _, packMin := range []int{64, 1} {
		old := gc.PackMin
		gc.PackMin = packMin
		for _, src := range append(ok, fail...) {
			m := runWords(t, src)
			m.DropAll()
			if live := m.Heap.Stats().Live; live != 0 {
				t.Errorf("PackMin %d: %s: %d objects left alive", packMin, src, live)
			}
		}
		gc.PackMin = old
	}
	for _, src := range fail {
		if m := runWords(t, src); m.Failure == nil {
			t.Errorf("%s: did not fail", src)
		}
	}
}
