package interp

// This file defines the printed forms of values (LANGUAGE.md §2), used by
// . print .s str, the final stack and failure reports.

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/raftvm/raft/gc"
)

// MaxPrinted bounds the printed form of one value, in bytes: past it the
// printer stops and writes "..." instead of the rest. An array may share
// elements (an array { x x } nested 60 deep prints 2^60 elements), and one
// instruction (. str .s) cannot be stopped by --timeout, so printing must
// end. It is the longest string a heap holds: a str that reaches it fails
// with :badarg, as any too long string does.
const MaxPrinted = gc.MaxObjectLen

// printer appends printed forms of the values of one heap.
type printer struct {
	h     *gc.Heap
	funcs []*Func
	limit int // len(b) at which to stop
}

// AppendValue appends the printed form of v, a value of heap h. With quoted
// set, a string is written quoted with escapes (as .s does); strings inside
// arrays are always quoted. A form longer than MaxPrinted is cut there and
// ends with "...".
func AppendValue(b []byte, h *gc.Heap, funcs []*Func, v gc.Value, quoted bool) []byte {
	p := printer{h: h, funcs: funcs, limit: len(b) + MaxPrinted}
	if v.K == gc.KArr {
		return p.appendArray(b, v)
	}
	return p.append(b, v, quoted)
}

// cut ends a form that reached the limit.
func (p *printer) cut(b []byte) []byte { return append(b, "..."...) }

// append appends a value that is not an array.
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
		s := p.h.Bytes(v)
		if quoted {
			return appendQuotedMax(b, s, p.limit)
		}
		if room := p.limit - len(b); len(s) > room {
			return p.cut(append(b, s[:max(room, 0)]...))
		}
		return append(b, s...)
	case gc.KArr:
		return p.appendArray(b, v)
	}
	return append(b, "?"...)
}

// appendArray appends an array, without recursion (arrays nest as deep as
// the heap allows). An array met again inside itself prints as { ... }.
func (p *printer) appendArray(b []byte, v gc.Value) []byte {
	type open struct {
		arr  gc.Value
		next int // index of the next element to print
	}
	var stack []open
	var onPath map[uint32]bool // handles on stack, once it is deep
	inPath := func(x uint32) bool {
		if onPath != nil {
			return onPath[x]
		}
		for _, o := range stack {
			if o.arr.Handle() == x {
				return true
			}
		}
		return false
	}
	enter := func(a gc.Value) {
		b = append(b, '{')
		stack = append(stack, open{arr: a})
		if onPath != nil {
			onPath[a.Handle()] = true
		} else if len(stack) > 16 {
			onPath = make(map[uint32]bool, 2*len(stack))
			for _, o := range stack {
				onPath[o.arr.Handle()] = true
			}
		}
	}
	enter(v)
	for len(stack) > 0 {
		if len(b) > p.limit {
			return p.cut(b)
		}
		top := &stack[len(stack)-1]
		if top.next == p.h.Len(top.arr) {
			b = append(b, " }"...)
			if onPath != nil {
				delete(onPath, top.arr.Handle())
			}
			stack = stack[:len(stack)-1]
			continue
		}
		e := p.h.Get(top.arr, top.next)
		top.next++
		b = append(b, ' ')
		switch {
		case e.K != gc.KArr:
			b = p.append(b, e, true)
		case inPath(e.Handle()):
			b = append(b, "{ ... }"...)
		default:
			enter(e)
		}
	}
	return b
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
func appendQuoted(b []byte, s []byte) []byte { return appendQuotedMax(b, s, math.MaxInt) }

// appendQuotedMax is appendQuoted that stops with "..." once b is longer
// than limit.
func appendQuotedMax(b []byte, s []byte, limit int) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		if len(b) > limit {
			return append(b, "..."...)
		}
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
