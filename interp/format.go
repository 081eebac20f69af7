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

// printLimit bounds a printed line, in bytes: arrays that share elements
// can stand for a tree exponentially larger than the heap ({ x x } nested
// 40 deep), so printing stops there and ends with "...". The bound is on
// the buffer AppendValue appends to, so that the values of one line (.s,
// the final stack) share it: a stack of a million such arrays prints at
// most printLimit bytes, not a million times that. A heap with a lower
// Limit lowers it to that: a line is never longer than the longest string
// the actor could hold (str of a longer value fails for want of memory).
var printLimit = 256 << 20

// printer appends printed forms of the values of one heap.
type printer struct {
	h     *gc.Heap
	funcs []*Func
}

// AppendValue appends the printed form of v, a value of heap h. With quoted
// set, a string is written quoted with escapes (as .s does); strings inside
// arrays are always quoted. An array that contains itself prints as
// { ... } where it recurs.
func AppendValue(b []byte, h *gc.Heap, funcs []*Func, v gc.Value, quoted bool) []byte {
	p := printer{h: h, funcs: funcs}
	return p.append(b, v, quoted)
}

// arrayFrame is an array or a map being printed: its handle and the next
// index (of a map: 2*pair for its key, 2*pair+1 for its value).
type arrayFrame struct {
	h     uint32
	i     int
	isMap bool
	shown bool // a pair of the map is printed
}

// append prints v without recursion: nested arrays are kept on an explicit
// stack, so a 1,000,000-deep array prints like a flat one.
func (p *printer) append(b []byte, v gc.Value, quoted bool) []byte {
	limit := printLimit
	if l := p.h.Limit; l > 0 && l < limit {
		limit = l
	}
	var stack []arrayFrame
	var onPath pathSet // arrays on the stack, once it is deep
	for {
		if len(b) > limit {
			return append(b[:limit], "..."...)
		}
		if v.K != gc.KArr && v.K != gc.KMap {
			b = p.scalar(b, v, quoted || len(stack) > 0, limit)
		} else if p.open(stack, onPath, v.Handle()) {
			if v.K == gc.KMap {
				b = append(b, '#')
			}
			b = append(b, "{ ... }"...)
		} else {
			if v.K == gc.KMap {
				b = append(b, '#')
			}
			b = append(b, '{')
			stack = append(stack, arrayFrame{h: v.Handle(), isMap: v.K == gc.KMap})
			if onPath != nil {
				onPath.set(v.Handle(), true)
			} else if len(stack) > 32 {
				onPath = pathSet{}
				for _, f := range stack {
					onPath.set(f.h, true)
				}
			}
		}
		// Find the next value to print, closing finished arrays.
		for {
			if len(stack) == 0 {
				if len(b) > limit {
					return append(b[:limit], "..."...)
				}
				return b
			}
			top := &stack[len(stack)-1]
			if top.isMap && p.nextInMap(top, &v, &b) {
				break
			}
			arr := gc.Value{K: gc.KArr, X: uint64(top.h)}
			if !top.isMap && top.i < p.h.Len(arr) {
				v = p.h.Get(arr, top.i)
				top.i++
				b = append(b, ' ')
				break
			}
			b = append(b, " }"...)
			if onPath != nil {
				onPath.set(top.h, false)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// nextInMap finds the next key or value of the map of frame f, appends
// what goes before it (" " before the first key, ", " before the others,
// " =>" before a value) and reports true; false at the end of the map.
func (p *printer) nextInMap(f *arrayFrame, v *gc.Value, b *[]byte) bool {
	m := gc.Value{K: gc.KMap, X: uint64(f.h)}
	for f.i < 2*p.h.MapSlots(m) {
		k, x, live := p.h.MapPair(m, f.i/2)
		switch {
		case !live:
			f.i += 2
			continue
		case f.i%2 == 1:
			*v = x
			*b = append(*b, " => "...)
		default:
			*v = k
			if f.shown {
				*b = append(*b, ", "...)
			} else {
				*b = append(*b, ' ')
			}
			f.shown = true
		}
		f.i++
		return true
	}
	return false
}

// pathSet is a set of array handles, a bit per handle (handles are dense
// table indexes): { x x } nested 60 deep enters 2^60 arrays until the
// limit, so entering one must cost little more than printing "{ ".
type pathSet []uint64

func (s *pathSet) set(h uint32, on bool) {
	w := int(h / 64)
	if w >= len(*s) {
		*s = append(*s, make([]uint64, w+1-len(*s))...)
	}
	if on {
		(*s)[w] |= 1 << (h % 64)
	} else {
		(*s)[w] &^= 1 << (h % 64)
	}
}

func (s pathSet) has(h uint32) bool {
	w := int(h / 64)
	return w < len(s) && s[w]&(1<<(h%64)) != 0
}

// open reports whether array h is already being printed (a cycle).
func (p *printer) open(stack []arrayFrame, onPath pathSet, h uint32) bool {
	if onPath != nil {
		return onPath.has(h)
	}
	for _, f := range stack {
		if f.h == h {
			return true
		}
	}
	return false
}

// scalar appends a value that is not an array (strings cut at limit).
func (p *printer) scalar(b []byte, v gc.Value, quoted bool, limit int) []byte {
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
	case gc.KHost:
		return append(append(append(b, "<host "...), p.h.Hosts.Name(p.h.HostID(v))...), '>')
	case gc.KStr, gc.KStaticStr:
		s := p.h.Bytes(v)
		if room := limit - len(b); len(s) > room && room >= 0 {
			s = s[:room+1] // enough to pass the limit; the caller cuts
		}
		if quoted {
			return appendQuoted(b, s)
		}
		return append(b, s...)
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
