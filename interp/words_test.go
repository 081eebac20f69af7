package interp

import (
	"os"
	"strings"
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

// set's paths: an array of values (the old element freed: a string
// replaced by an int, by a string), a packed array and a flag it holds, a
// packed array and a value it does not (unpacked), and the failures (out
// of bounds, an index not an int, not an array, too few operands), each at
// the set's position. Every count is right after, with packed arrays the
// size that packs and not.
func TestSetPaths(t *testing.T) {
	for _, tc := range []struct{ src, stack, fail string }{
		{`3 array dup 0 "a" "b" + set dup 0 7 set dup 1 "c" "d" + set dup 1 "e" set`, `<1> { 7 "e" nil }`, ""},
		{`70 array dup 5 true set dup 6 false set dup 5 get swap 6 get`, "<2> true false", ""},
		{`70 array dup 5 true set dup 6 "x" "y" + set dup 6 get swap 5 get`, `<2> "xy" true`, ""},
		{`3 array 3 1 set`, "", ":out-of-bounds"},
		{`3 array -1 1 set`, "", ":out-of-bounds"},
		{`3 array 1.0 1 set`, "", ":type"},
		{`"abc" 0 1 set`, "", ":type"},
		{`0 1 set`, "", ":stack-underflow"},
	} {
		for _, packMin := range []int{64, 1} {
			old := gc.PackMin
			gc.PackMin = packMin
			m := runWords(t, tc.src)
			gc.PackMin = old
			switch {
			case tc.fail != "":
				if m.Failure == nil || !strings.Contains(m.Failure.Report(), tc.fail+" in <main> at w.raft:1:") {
					t.Errorf("PackMin %d: %s: failure %v, want %s at the set", packMin, tc.src, m.Failure, tc.fail)
				}
			case m.Failure != nil:
				t.Errorf("PackMin %d: %s: %s", packMin, tc.src, m.Failure.Report())
			default:
				if got := m.StackLine(); got != tc.stack {
					t.Errorf("PackMin %d: %s: stack %s, want %s", packMin, tc.src, got, tc.stack)
				}
			}
			if err := m.Heap.Verify(m.Roots()...); err != nil {
				t.Errorf("PackMin %d: %s: %v", packMin, tc.src, err)
			}
			m.DropAll()
			if live := m.Heap.Stats().Live; live != 0 {
				t.Errorf("PackMin %d: %s: %d objects left alive", packMin, tc.src, live)
			}
		}
	}
}
