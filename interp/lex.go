package interp

// This file defines the lexer: source bytes in, tokens with positions out.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts bytes.
type Pos struct {
	File string
	Line int32
	Col  int32

	// inl, when not 0, says that the position is in the body of a word
	// the compiler inlined (inline.go): the site is Func.inl[inl-1].
	// Reports show the word and the site as a call (Machine.fail).
	inl int32
}

// String returns file:line:col.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is a compile error: LANGUAGE.md §4's `file:line:col: message`.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns `file:line:col: message`.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// maxShown is the longest token an error message writes whole.
const maxShown = 80

// shown writes a token for an error message on one readable line: as it
// is when it is at most maxShown bytes of printable UTF-8; otherwise in
// the quoted form of a string (control bytes and bytes that are not UTF-8
// as \xHH), cut with "..." after maxShown bytes. A binary file or a 10 MB
// name then gives a short error, and no terminal control codes.
func shown(w string) string {
	if len(w) <= maxShown && utf8.ValidString(w) {
		printable := true
		for i := 0; i < len(w); i++ {
			if c := w[i]; c < 0x20 || c == 0x7f {
				printable = false
				break
			}
		}
		if printable {
			return w
		}
	}
	return string(appendQuotedMax(nil, []byte(w), maxShown))
}

func errorf(p Pos, format string, args ...any) *Error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// tokKind says what a token is.
type tokKind uint8

const (
	tWord   tokKind = iota // any other run of non-space bytes
	tInt                   // integer literal; value in tok.i
	tFloat                 // float literal; value in tok.f
	tString                // string literal; decoded text in tok.text
	tSymbol                // :name; name (without colon) in tok.text
	tTrue                  // true
	tFalse                 // false
	tNil                   // nil
)

// token is one lexeme.
type token struct {
	kind tokKind
	text string // the word, the decoded string, or the symbol name
	i    int64
	f    float64
	pos  Pos
}

func (t token) isLiteral() bool { return t.kind != tWord }

// lex splits src into tokens. Comments are dropped.
//
// A big file must lex in time and memory proportional to its size: the
// token slice is sized once from a count of the runs of non-space bytes
// (at least one per token), and a word's text is allocated once per
// distinct word, not once per use (50 MB of ordinary code took 4 GB).
func lex(file string, src []byte) ([]token, error) {
	toks := make([]token, 0, countRuns(src))
	words := map[string]string{}
	line, col := int32(1), int32(1)
	i := 0
	// advance moves i forward by n bytes, keeping line and col.
	advance := func(n int) {
		for ; n > 0 && i < len(src); n-- {
			if src[i] == '\n' {
				line++
				col = 1
			} else {
				col++
			}
			i++
		}
	}
	for i < len(src) {
		c := src[i]
		if isSpace(c) {
			advance(1)
			continue
		}
		pos := Pos{File: file, Line: line, Col: col}
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				advance(1)
			}
			continue
		case c == '(' && (i+1 == len(src) || isSpace(src[i+1])):
			j := i + 1
			for j < len(src) && src[j] != ')' {
				j++
			}
			if j == len(src) {
				return nil, errorf(pos, "unterminated comment")
			}
			advance(j + 1 - i)
			continue
		case c == '"':
			text, n, err := scanString(src[i:])
			if err != "" {
				return nil, errorf(pos, "%s", err)
			}
			advance(n)
			toks = append(toks, token{kind: tString, text: text, pos: pos})
			continue
		}
		j := i
		for j < len(src) && !isSpace(src[j]) {
			j++
		}
		word, ok := words[string(src[i:j])] // no allocation to look up
		if !ok {
			word = string(src[i:j])
			words[word] = word
		}
		advance(j - i)
		t, err := classify(word, pos)
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
	}
	return toks, nil
}

// countRuns returns the number of runs of non-space bytes in src.
func countRuns(src []byte) int {
	n, in := 0, false
	for _, c := range src {
		if sp := isSpace(c); sp == in {
			in = !sp
			if in {
				n++
			}
		}
	}
	return n
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// scanString decodes the string literal at the start of s (which begins with
// a quote) and returns its text and length in bytes, or an error message.
func scanString(s []byte) (string, int, string) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), i + 1, ""
		case '\\':
			if i+1 >= len(s) {
				return "", 0, "unterminated string"
			}
			i++
			switch e := s[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\':
				b.WriteByte('\\')
			case '"':
				b.WriteByte('"')
			case '0':
				b.WriteByte(0)
			case 'x':
				if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
					v, _ := strconv.ParseUint(string(s[i+1:i+3]), 16, 8)
					b.WriteByte(byte(v))
					i += 2
				} else {
					return "", 0, "bad escape \\x in string: want two hex digits"
				}
			default:
				if e < ' ' || e >= 0x7f {
					return "", 0, fmt.Sprintf("bad escape \\x%02x in string", e)
				}
				return "", 0, fmt.Sprintf("bad escape \\%c in string", e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, "unterminated string"
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// classify turns a run of non-space bytes into a token.
func classify(w string, pos Pos) (token, *Error) {
	switch w {
	case "true":
		return token{kind: tTrue, text: w, pos: pos}, nil
	case "false":
		return token{kind: tFalse, text: w, pos: pos}, nil
	case "nil":
		return token{kind: tNil, text: w, pos: pos}, nil
	}
	if len(w) > 1 && w[0] == ':' {
		return token{kind: tSymbol, text: w[1:], pos: pos}, nil
	}
	if n, ok, rangeErr := parseIntLiteral(w); ok {
		if rangeErr {
			return token{}, errorf(pos, "integer literal out of range: %s", shown(w))
		}
		return token{kind: tInt, i: n, text: w, pos: pos}, nil
	}
	if f, ok := parseFloatLiteral(w); ok {
		if math.IsInf(f, 0) {
			return token{}, errorf(pos, "float literal out of range: %s", shown(w))
		}
		return token{kind: tFloat, f: f, text: w, pos: pos}, nil
	}
	if badNumber(w) {
		return token{}, errorf(pos, "bad number literal: %s", shown(w))
	}
	return token{kind: tWord, text: w, pos: pos}, nil
}

// badNumber reports whether w, which is not a valid literal, was meant as
// a number: 0x or 0b followed by anything (0x1G, 0b102, 0x), or digits with
// misplaced underscores, dots or exponents (1__0, 1_, 1.5.3, 1e, 1.e5).
// Words that merely start with a digit (2dup, 1+, 0=) and 5. (a name, as
// LANGUAGE.md says) are not.
func badNumber(w string) bool {
	s := strings.TrimLeft(w, "+-")
	if len(s) == len(w)-2 || s == "" || !isDigit(s[0]) {
		return false
	}
	if len(s) >= 2 && s[0] == '0' && strings.ContainsRune("xXbB", rune(s[1])) {
		return true
	}
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '_' || s[i] == '.') {
		i++
	}
	if i == len(s) {
		// digits, underscores and dots only; "5." alone is a name
		return !(strings.Count(s, ".") == 1 && s[len(s)-1] == '.' && !strings.Contains(s, "_"))
	}
	if s[i] != 'e' && s[i] != 'E' {
		return false
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && (isDigit(s[i]) || s[i] == '_' || s[i] == '.') {
		i++
	}
	return i == len(s)
}

// parseIntLiteral parses the integer syntax of LANGUAGE.md §1: an optional
// sign, then decimal digits, 0x hex or 0b binary, with _ between digits.
// ok reports whether w has that syntax; rangeErr whether it overflows int64.
func parseIntLiteral(w string) (n int64, ok, rangeErr bool) {
	s := w
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := uint64(10)
	digit := isDigit
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base, digit, s = 16, isHex, s[2:]
	} else if len(s) > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B') {
		base, digit, s = 2, func(c byte) bool { return c == '0' || c == '1' }, s[2:]
	}
	if s == "" || !digit(s[0]) || !digit(s[len(s)-1]) {
		return 0, false, false
	}
	var u uint64
	over := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			if s[i-1] == '_' {
				return 0, false, false
			}
			continue
		}
		if !digit(c) {
			return 0, false, false
		}
		d := uint64(hexVal(c))
		if u > (math.MaxUint64-d)/base {
			over = true
			continue
		}
		u = u*base + d
	}
	if over {
		return 0, true, true
	}
	if neg {
		if u > 1<<63 {
			return 0, true, true
		}
		return int64(-u), true, false
	}
	if u > math.MaxInt64 {
		return 0, true, true
	}
	return int64(u), true, false
}

func hexVal(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// parseFloatLiteral parses the float syntax of LANGUAGE.md §1: an optional
// sign, digits, then a '.' with digits on both sides and/or an exponent.
func parseFloatLiteral(w string) (float64, bool) {
	s := w
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 {
		return 0, false
	}
	frac, exp := false, false
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i+1 {
			return 0, false
		}
		i, frac = j, true
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k == j {
			return 0, false
		}
		i, exp = k, true
	}
	if i != len(s) || !(frac || exp) {
		return 0, false
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
