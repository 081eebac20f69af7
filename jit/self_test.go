package jit

import (
	"strings"
	"testing"

	"github.com/raftvm/raft/interp"
)

// built returns the optimized intermediate form of the function name of
// src, as a first compilation (no feedback) makes it.
func built(t *testing.T, src, name string) *function {
	t.Helper()
	prog, err := interp.Compile("t.raft", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range prog.Funcs() {
		if fn.Name != name || fn.Lib {
			continue
		}
		f, err := build(fn, newEffects(prog.Funcs()), nil)
		if err != nil {
			t.Fatal(err)
		}
		f.optimize()
		return f
	}
	t.Fatalf("no function %s", name)
	return nil
}

// Self-recursive words, written in several ways.
var selfWords = []struct{ name, src, fn string }{
	{"fib with an early return", `: fib ( n -- f ) dup 2 < if return then dup 1- fib swap 2 - fib + ;
25 fib .`, "fib"},
	{"fib with locals and else", `: fib ( n -- f ) | n | n 2 < if n else n 1 - fib n 2 - fib + then ;
25 fib .`, "fib"},
	{"ackermann", `: ack ( m n -- a ) | m n |
  m 0 = if n 1+ else n 0 = if m 1- 1 ack else m 1- m n 1- ack ack then then ;
2 300 ack .`, "ack"},
}

// TestSelfCallsEnterPastChecks: a word that calls itself is entered, by
// those calls, past what its other entries check: the region's start and
// the kinds of its arguments, which its first block checks and the
// caller proves. Its calls of itself give back an int without a check,
// as all its returns give back ints.
func TestSelfCallsEnterPastChecks(t *testing.T) {
	for _, tc := range selfWords {
		t.Run(tc.name, func(t *testing.T) {
			f := built(t, tc.src, tc.fn)
			self := -1
			for _, en := range f.entries {
				if en.self {
					self = en.blk
				}
			}
			if self < 0 {
				t.Fatalf("no self entry:\n%v", f)
			}
			for _, v := range f.blocks[self].instrs {
				if op := f.values[v].op; op == opCheck || op == opRegionCheck {
					t.Errorf("the self entry checks (%s):\n%v", opNames[op], f)
				}
			}
			for _, blk := range f.blocks {
				if blk.pc != 0 {
					continue
				}
				for _, v := range blk.instrs {
					if f.values[v].op == opCheck {
						t.Errorf("the first block checks an argument's kind still:\n%v", f)
					}
				}
			}
			n := 0
			for _, c := range f.calls {
				if c.callee >= 0 && f.calls[0].callee == c.callee {
					n++
					if !c.fast {
						t.Errorf("a call of itself at pc %d does not take the self entry", c.pc)
					}
				}
			}
			if n == 0 {
				t.Fatalf("no call of itself:\n%v", f)
			}
			for _, blk := range f.blocks {
				for _, v := range blk.instrs {
					if f.values[v].op == opCallK {
						t.Fatalf("a call's kind is not known:\n%v", f)
					}
				}
			}
		})
	}
}

// TestSelfEntryAgrees: the entries' checks fail and leave for the
// interpreter as the body's would (a float argument after ints), a word
// whose returns are not all ints has its calls' kinds checked, and errors
// deep in native recursion report the interpreter's call chain (found
// from the return addresses native frames keep).
func TestSelfEntryAgrees(t *testing.T) {
	always := true
	for _, src := range []string{
		selfWords[0].src + " 20.0 fib .",
		selfWords[1].src + " 20.5 fib .",
		selfWords[2].src + " 2 3.0 ack .",
		`: half ( n -- x ) dup 0 = if return then 1- half 0.5 + ;
20 0 do 30 half drop loop 30 half .`,
		`: mixed ( n -- x ) dup 3 < if return then dup 1- mixed swap 7 mod 0 = if float then ;
40 0 do 25 mixed drop loop 25 mixed . 14 mixed .`,
		`: f ( n d -- ) over 0 = if / drop return then swap 1- swap f ;
: g ( n d -- ) f ;
50 0 do 20 1 g loop 30 0 g`,
		`: down ( n -- n ) dup 0 = if return then 1- down ;
1000 down . 100000000 down .`,
	} {
		agree(t, src)
		o1, r1, s1 := runWith(t, src, nil)
		o2, r2, s2 := runWith(t, src, &always)
		if o1 != o2 || r1 != r2 || s1 != s2 {
			t.Fatalf("%q:\ninterp:       %v %q %q\n--jit=always: %v %q %q", src, s1, o1, r1, s2, o2, r2)
		}
		// In slices of 7 reductions: runs park at the entries' charges
		// and go on there.
		o3, r3, s3, _, _ := runMachine(t, src, &always, 7, false)
		if o1 != o3 || r1 != r3 || s1 != s3 {
			t.Fatalf("%q:\ninterp:              %v %q %q\n--jit=always, sliced: %v %q %q", src, s1, o1, r1, s3, o3, r3)
		}
		if strings.Contains(src, "30 0 g") && !strings.Contains(r1, "called from f") {
			t.Errorf("%q: no call chain in %q", src, r1)
		}
	}
}
