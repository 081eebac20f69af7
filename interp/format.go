package interp

// This file defines the printed forms of values (LANGUAGE.md §2), used by
// . print .s str, the final stack and failure reports.

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/raftvm/raft/gc"
)

// printer appends printed forms of the values of one heap.
type printer struct {
	h     *gc.Heap
	funcs []*Func
	path  []uint32 // arrays being printed (to cut cycles)
}

// AppendValue appends the printed form of v, a value of heap h. With quoted
// set, a string is written quoted with escapes (as .s does); strings inside
// arrays are always quoted.
func AppendValue(b []byte, h *gc.Heap, funcs []*Func, v gc.Value, quoted bool) []byte {
	p := printer{h: h, funcs: funcs}
	return p.append(b, v, quoted)
}

func (p *printer) append(b []byte, v gc.Value, quoted bool) []byte {
	switch v.K {
	case gc.KNil:
		return append(b, "nil"...)
	case gc.KBool:
		if v.X != 0 {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case gc.KInt:
		return strconv.AppendInt(b, v.AsInt(), 10)
	case gc.KFloat:
		return appendFloat(b, v.AsFloat())
	case gc.KSym:
		return append(append(b, ':'), p.h.In.SymName(v)...)
	case gc.KPid:
		b = append(b, "<pid "...)
		b = strconv.AppendUint(b, v.X, 10)
		return append(b, '>')
	case gc.KQuot:
		if int(v.X) < len(p.funcs) {
			if f := p.funcs[v.X]; f != nil && !f.Quot {
				return append(append(append(b, "<word "...), f.Name...), '>')
			}
		}
		return append(b, "<quot>"...)
	case gc.KCurry:
		return append(b, "<quot>"...)
	case gc.KStr, gc.KStaticStr:
		if quoted {
			return appendQuoted(b, p.h.Bytes(v))
		}
		return append(b, p.h.Bytes(v)...)
	case gc.KArr:
		for _, a := range p.path {
			if a == v.Handle() {
				return append(b, "{ ... }"...)
			}
		}
		p.path = append(p.path, v.Handle())
		b = append(b, '{')
		for i, n := 0, p.h.Len(v); i < n; i++ {
			b = append(b, ' ')
			b = p.append(b, p.h.Get(v, i), true)
		}
		p.path = p.path[:len(p.path)-1]
		return append(b, " }"...)
	}
	return append(b, "?"...)
}

// appendFloat writes f in the shortest form that reads back to the same
// double, always with a '.' or an exponent: plain decimal for zero and for
// 1e-6 <= |x| < 1e21, Go's 'e' form otherwise.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "+inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	// LANGUAGE.md's rule says 1e-7, its example prints 1.5e-07 in exponent
	// form: the example wins (it is ECMAScript's rule, whose 1e21 the spec
	// also uses), so plain decimals start at 1e-6.
	if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e21) {
		start := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		for _, c := range b[start:] {
			if c == '.' {
				return b
			}
		}
		return append(b, ".0"...)
	}
	return strconv.AppendFloat(b, f, 'e', -1, 64)
}

// appendQuoted writes s as a string literal that reads back to s.
func appendQuoted(b []byte, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		case 0:
			b = append(b, '\\', '0')
		default:
			if c < 0x20 || c == 0x7f {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			} else if c < utf8.RuneSelf {
				b = append(b, c)
			} else if r, n := utf8.DecodeRune(s[i:]); r != utf8.RuneError || n > 1 {
				b = append(b, s[i:i+n]...)
				i += n
				continue
			} else {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			}
		}
		i++
	}
	return append(b, '"')
}

func quoteString(s string) string { return string(appendQuoted(nil, []byte(s))) }
