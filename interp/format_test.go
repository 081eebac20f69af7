package interp

import (
	"io"
	"strings"
	"testing"
)

// TestPrintDeepSharedAndCyclic: printing ends, whatever the shape: deep
// nesting (it was quadratic, and recursive), shared elements (the printed
// form may be exponential in the heap: it is cut at the limit) and cycles.
func TestPrintDeepSharedAndCyclic(t *testing.T) {
	defer func(n int) { printLimit = n }(printLimit)
	printLimit = 1 << 20
	tests := []struct{ src, want string }{
		// { { ... { } ... } } 200,000 deep: 3 + 4 bytes a level.
		{"{ } 200000 [ 1 pack ] times str len .", "800003"},
		{"{ } 3 [ 1 pack ] times .", "{ { { { } } } }"},
		{"{ } dup dup push .", "{ { ... } }"},
		{"{ } dup dup push dup dup push .", "{ { ... } { ... } }"},
		// A cycle through 40 arrays (past the linear path search).
		{"{ } dup 39 [ 1 pack ] times over swap push .", strings.Repeat("{ ", 40) + "{ ... }" + strings.Repeat(" }", 40)},
		{"{ \"a\\n\" } .", "{ \"a\\n\" }"},
	}
	for _, tc := range tests {
		out, st, fail := runSource(t, tc.src)
		if st != StatusDone || strings.TrimSuffix(out, "\n") != tc.want {
			t.Errorf("%s\n  got %.200q (status %v %s)\n want %.200q", tc.src, out, st, fail, tc.want)
		}
	}

	// { x x } 40 deep prints 2^40 elements: cut at the limit.
	for _, src := range []string{
		"{ } 40 [ dup 2 pack ] times .",
		"{ } 40 [ dup 2 pack ] times .s drop",
		"{ } 40 [ dup 2 pack ] times",
		"\"x\" 1 pack 40 [ dup 2 pack ] times .",
	} {
		out, st, fail := runSource(t, src)
		if st != StatusDone || len(out) > printLimit+100 || !strings.HasSuffix(out, "...\n") {
			t.Errorf("%s: got %d bytes ending %q (status %v %s), want the limit and ...", src, len(out), out[max(0, len(out)-20):], st, fail)
		}
	}
	// The values of one line share the limit: .s and the final stack of
	// many such arrays print it once, not once per value.
	for _, src := range []string{
		"{ } 40 [ dup 2 pack ] times 100 [ dup ] times .s clear",
		"{ } 40 [ dup 2 pack ] times 100 [ dup ] times",
	} {
		src = strings.Replace(src, " clear", " 101 [ drop ] times", 1)
		out, st, fail := runSource(t, src)
		if st != StatusDone || len(out) > printLimit+100 || !strings.HasSuffix(out, "...\n") {
			t.Errorf("%s: got %d bytes (status %v %s), want at most the limit, ending with ...", src, len(out), st, fail)
		}
	}
	// A heap with a lower limit lowers the printing limit too.
	prog, err := Compile("t.raft", []byte("{ } 40 [ dup 2 pack ] times"))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMachine(prog, nil, NewOutput(io.Discard))
	m.Heap.Limit = 1 << 16
	if err := m.StartFunc(prog.Main); err != nil {
		t.Fatal(err)
	}
	for m.Run(DefaultBudget) == StatusYield {
	}
	if s := m.StackText(); len(s) > 1<<16+100 || !strings.HasSuffix(s, "...") {
		t.Errorf("with a heap limit of 64 KiB: got %d bytes ending %q, want at most the heap limit, ending with ...", len(s), s[max(0, len(s)-20):])
	}
	m.Release()

	// A long string inside an array is cut too.
	out, _, _ := runSource(t, "\"\\n\" 21 [ dup + ] times 1 pack .")
	if len(out) > printLimit+100 || !strings.HasSuffix(out, "...\n") {
		t.Errorf("long quoted string: got %d bytes ending %q", len(out), out[max(0, len(out)-20):])
	}
}
