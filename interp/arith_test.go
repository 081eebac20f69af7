package interp

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// runSource compiles and runs src on one machine without a host, and
// returns what it printed, its final status and the failure text ("" when
// it did not fail). It fails the test when the run does not end within a
// few seconds: a slow instruction cannot be stopped by --timeout.
func runSource(t *testing.T, src string) (out string, st Status, failure string) {
	t.Helper()
	prog, err := Compile("t.raft", []byte(src))
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	var buf bytes.Buffer
	o := NewOutput(&buf)
	m := NewMachine(prog, nil, o)
	m.ID = 1
	if err := m.StartFunc(prog.Main); err != nil {
		t.Fatalf("start %q: %v", src, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for st = m.Run(DefaultBudget); st == StatusYield; st = m.Run(DefaultBudget) {
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%q still running after 20s", src)
	}
	if st == StatusDone {
		if s := m.StackText(); s != "" {
			o.Write([]byte(s + "\n"))
		}
	}
	o.Flush()
	if m.Failure != nil {
		failure = m.Failure.Text
	}
	m.Release()
	return buf.String(), st, failure
}

// TestEqualSharedAndCyclic: = on arrays that share elements or hold cycles
// ends, in time linear in the arrays (it was exponential for shared
// elements, and gave false past 10,000 levels), and says whether they
// unfold to the same value.
func TestEqualSharedAndCyclic(t *testing.T) {
	deep := func(base string, n int) string {
		return base + " " + itoa(n) + " [ 1 pack ] times"
	}
	tests := []struct{ src, want string }{
		// { x x } nested 60 deep: 2^60 paths, 60 distinct pairs.
		{"{ } 60 [ dup 2 pack ] times { } 60 [ dup 2 pack ] times =", "true"},
		{"{ 1 } 60 [ dup 2 pack ] times { 2 } 60 [ dup 2 pack ] times =", "false"},
		{"{ } 60 [ dup 2 pack ] times { } 59 [ dup 2 pack ] times =", "false"},
		// Deeper than any recursion budget.
		{deep("{ }", 200000) + " " + deep("{ }", 200000) + " =", "true"},
		{deep("{ 1 }", 200000) + " " + deep("{ 2 }", 200000) + " =", "false"},
		{deep("{ }", 200000) + " " + deep("{ }", 199999) + " =", "false"},
		// Cycles: equal when they unfold to the same value.
		{"{ } dup dup push dup =", "true"},
		{"{ } dup dup push { } dup dup push =", "true"},
		{"{ } dup dup push { } dup dup push dup dup push =", "false"},
		{"{ } dup dup push { 1 } dup dup push =", "false"},
		{"{ } dup dup push dup dup push { } dup dup push dup dup push =", "true"},
		// a = { b }, b = { a } against c = { c }.
		{"{ } dup 1 pack tuck push { } dup dup push =", "true"},
		{"{ } dup 1 pack tuck push { 1 } dup dup push =", "false"},
		// Curries compare by their parts.
		{": e ; 1 ' e curry 1 ' e curry =", "true"},
		{": e ; 1 ' e curry 2 ' e curry =", "false"},
		{"1 [ ] curry 1 [ ] curry =", "false"}, // two quotations
		{": e ; ' e 100000 [ 1 swap curry ] times ' e 100000 [ 1 swap curry ] times =", "true"},
		{": e ; { } dup dup push ' e curry { } dup dup push ' e curry =", "true"},
		// Unchanged: numbers, strings, kinds.
		{"{ 1 \"a\" :b 2.0 } { 1.0 \"a\" :b 2 } =", "true"},
		{"{ 1 } { \"1\" } =", "false"},
		{"{ { } } { { } { } } <>", "true"},
	}
	for _, tc := range tests {
		out, st, fail := runSource(t, tc.src)
		if st != StatusDone || strings.TrimSpace(out) != tc.want {
			t.Errorf("%s\n  got %q (status %v %s), want %s", tc.src, out, st, fail, tc.want)
		}
	}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}
