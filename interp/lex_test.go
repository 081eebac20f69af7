package interp

import "testing"

// TestBadNumber: tokens meant as numbers that are not valid literals are
// compile errors; words that only start with a digit are names.
func TestBadNumber(t *testing.T) {
	bad := []string{"0x", "0x1G", "0b102", "0B", "-0xZ", "1__0", "1_", "1.5.3", "1e", "1e+", "1.e5", "1._5", "12..3"}
	names := []string{"5.", "-5.", "2dup", "1+", "1-", "0=", "0<", "2drop", "2swap", "2+", "3*", "1st", "1e5x", "+", "-", "-x"}
	for _, w := range bad {
		if !badNumber(w) {
			t.Errorf("%q: want a bad number literal", w)
		}
		if _, err := classify(w, Pos{}); err == nil {
			t.Errorf("%q: compiled without an error", w)
		}
	}
	for _, w := range names {
		if badNumber(w) {
			t.Errorf("%q: want a name", w)
		}
	}
	for _, w := range []string{"42", "-7", "0x1F", "0b1010", "1_000_000", "3.14", "-2.5e3", "1e9", "1E+3", "1.0e-3"} {
		if tok, err := classify(w, Pos{}); err != nil || tok.kind == tWord {
			t.Errorf("%q: want a literal, got %v %v", w, tok.kind, err)
		}
	}
}
