package interp

import (
	"strings"
	"testing"
	"time"
)

// TestCompileTimeLinear: compiling is linear in deep nesting of quotations
// and in many quotations inside a word with many locals (both were
// quadratic: a 600 KB file of nested [ took 34 s, a 300 KB one of 20,000
// locals and 20,000 quotations 100 s, and --timeout does not cover
// compiling). Quotations nest at most maxNesting deep: ten groups that deep.
func TestCompileTimeLinear(t *testing.T) {
	var locals []string
	for i := range 20000 {
		locals = append(locals, "a"+itoa(i))
	}
	tests := []struct{ name, src string }{
		{"nested quotations", strings.Repeat(strings.Repeat("[ ", maxNesting)+strings.Repeat("] ", maxNesting)+"drop ", 10)},
		{"locals and quotations", "| " + strings.Join(locals, " ") + " | " + strings.Repeat("[ ] drop ", 20000)},
	}
	for _, tc := range tests {
		start := time.Now()
		if _, err := Compile("t.raft", []byte(tc.src)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("%s: compiling took %v", tc.name, d)
		}
	}
}

// TestCompileQuotationErrors: the errors the bracket matching and the
// enclosing locals decide.
func TestCompileQuotationErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"[ [ ]", "t.raft:1:1: [ without ]"},
		{"[ ] [", "t.raft:1:5: [ without ]"},
		{"[ ] ]", "t.raft:1:5: ] without ["},
		{"\"[\" [ \"]\" ]", ""},
		{": f | x | [ [ [ x ] ] ] ;", "t.raft:1:17: local x is not visible inside a quotation"},
		{": f | x | [ [ 1 to x ] ] ;", "t.raft:1:20: local x is not visible inside a quotation"},
		{": f | x | [ ' x ] ;", "t.raft:1:15: local x is not visible inside a quotation"},
		{": f | x | [ | x | x ] ;", ""},
		{": f | x | [ y ] | y | ;", "t.raft:1:13: unknown word y"},
		{": f [ | y | ] y ;", "t.raft:1:15: unknown word y"},
	}
	for _, tc := range tests {
		_, err := Compile("t.raft", []byte(tc.src))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.src, got, tc.want)
		}
	}
}
