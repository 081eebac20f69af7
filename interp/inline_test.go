package interp

import "testing"

// calls counts the Call instructions in the program's own functions.
func calls(p *Program) int {
	n := 0
	for _, fn := range p.Funcs() {
		if fn == nil || fn.Lib {
			continue
		}
		for pc := 0; pc < len(fn.Code); pc += Op(fn.Code[pc]).Size() {
			if Op(fn.Code[pc]) == Call {
				n++
			}
		}
	}
	return n
}

// TestInlineWords checks which calls the compiler replaces by the word's
// body (inline.go): small words of plain words, literals and constants
// are; words with locals, branches, quotations, other builtins, recursion,
// or too big or too deep are called. TestFusionAgrees and FuzzFusionAgrees
// check that inlined words run as called ones do.
func TestInlineWords(t *testing.T) {
	for _, c := range []struct {
		src   string
		calls int
	}{
		{": sq dup * ; 3 sq", 0},
		{": sq dup * ; : q sq sq ; 2 q", 0},
		{": run sq ; : sq dup * ; 3 run", 0}, // used before it is defined
		{"3 constant three : t three + :done drop ; 1 t", 0},
		{": r sqrt 1.5 * ; 4.0 r", 0},                                   // a number builtin
		{": sq dup * ; : r2 sq sq ; : r4 r2 r2 ; : r8 r4 r4 ; 2 r8", 1}, // r8 is 16 tokens: called, with r4 inlined in it
		{": a 1+ ; : b a ; : c b ; : d c ; 0 d", 1},                     // d is 4 deep: called, with c inlined in it
		{": f | a | a 1+ ; 1 f", 1},                                     // locals
		{": g dup 0 < if neg then ; -3 g", 1},                           // a branch
		{": w [ 1 ] call ; w", 1},                                       // a quotation
		{": p . ; 1 p", 1},                                              // a builtin that is not a number word
		{": r 1- r ; : s r ; 5 s", 3},                                   // recursion: r calls itself, s calls r, main calls s
		{": e o ; : o e ; e", 3},                                        // mutual recursion: e and o call each other, main calls e
	} {
		prog, err := Compile("t.raft", []byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if got := calls(prog); got != c.calls {
			t.Errorf("%s: %d calls, want %d", c.src, got, c.calls)
		}
	}

	// The REPL calls every word: a later line may redefine it.
	prog := NewProgram()
	for _, line := range []string{": sq dup * ;", "3 sq"} {
		if _, err := prog.CompileMore("<repl>", []byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if got := calls(prog); got != 1 {
		t.Errorf("REPL: %d calls, want 1", got)
	}
}
