package interp

// This file defines the words written in Go that have no opcode of their
// own: one table, read by the compiler (names), the verifier (effects) and
// the interpreter (the Builtin opcode runs builtins[b].fn). Adding a word is
// one call to defBuiltin.

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raftvm/raft/gc"
)

// BuiltinFunc runs a builtin word on m's stack (m's state is written back).
// It returns nil, ErrBlock, ErrYield, an *Exit or a runtime error (see Host).
type BuiltinFunc func(m *Machine) error

type builtin struct {
	name    string
	in, out int // values popped and pushed; out < 0: a variable count (fn makes room)
	fn      BuiltinFunc
	lib     bool // visible only to library code

	// num, when set, is fn for a number on top of the stack (in = out = 1),
	// taking and giving the value itself: the interpreter calls it without
	// writing its registers back. ok false: fn decides (an error, a case
	// num leaves to it).
	num func(x gc.Value) (r gc.Value, ok bool)
}

var (
	builtins     []builtin
	builtinIndex = map[string]int{}
)

// defBuiltin adds a builtin word.
func defBuiltin(name string, in, out int, fn BuiltinFunc) {
	if _, dup := builtinIndex[name]; dup || wordOps[name] != 0 || syntaxWords[name] {
		panic("interp: builtin defined twice: " + name)
	}
	builtinIndex[name] = len(builtins)
	builtins = append(builtins, builtin{name: name, in: in, out: out, fn: fn})
}

// defNum adds a builtin of one number in and one value out with a fast
// path num (see builtin.num).
func defNum(name string, fn BuiltinFunc, num func(gc.Value) (gc.Value, bool)) {
	defBuiltin(name, 1, 1, fn)
	builtins[len(builtins)-1].num = num
}

func defLibBuiltin(name string, in, out int, fn BuiltinFunc) {
	defBuiltin(name, in, out, fn)
	builtins[len(builtins)-1].lib = true
}

// extensionWords are the words Raft has beyond LANGUAGE.md. A program
// written to LANGUAGE.md may well define its own reverse or sort: a
// definition of one of these names is allowed, and that program's code
// calls its own word (library code keeps the builtin). The other builtin
// words may not be redefined.
var extensionWords = map[string]bool{
	"split": true, "join": true, "trim": true, "index-of": true, "starts-with?": true,
	"ends-with?": true, "upper": true, "lower": true, "char": true, "chr": true,
	"pad-left": true, "pad-right": true, "sort": true, "sort-by": true, "reverse": true,
	"fill": true, "insert": true, "remove-at": true, "random": true, "random-float": true,
	"make-ref": true, "read-line": true, "read-all": true, "read-file": true, "write-file": true,
	"new-map": true, ">map": true, "at": true, "put": true, "del": true, "has?": true,
	"keys": true, "values": true, "pairs": true, "each-pair": true,
}

// WordNames returns, sorted, the names of the words every program has: the
// words of opcodes, the builtins and the library words. The library's own
// helpers, named in parentheses, are left out.
func WordNames() []string {
	seen := map[string]bool{}
	for n := range wordOps {
		seen[n] = true
	}
	for n := range builtinIndex {
		seen[n] = true
	}
	for n := range NewProgram().dict {
		seen[n] = true
	}
	var names []string
	for n := range seen {
		if !strings.HasPrefix(n, "(") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// isBuiltinWord reports whether name is a word of the language itself
// (opcode, builtin or library word), which programs may not redefine.
func isBuiltinWord(name string) bool {
	if _, ok := wordOps[name]; ok {
		return true
	}
	_, ok := builtinIndex[name]
	return ok
}

// ActorWord names the words the Host performs: the actor and supervisor
// words, and the input and file words (which wait for the operating
// system off the workers).
type ActorWord uint8

// Actor words, with their stack effects.
const (
	AwSpawn          ActorWord = iota // q -- pid
	AwSpawnLink                       // q -- pid
	AwSend                            // msg pid|name --
	AwReceiveTimeout                  // ms -- msg true | false
	AwLink                            // pid --
	AwUnlink                          // pid --
	AwMonitor                         // pid -- ref
	AwDemonitor                       // ref --
	AwTrapExit                        // bool --
	AwKill                            // pid reason --
	AwRegister                        // pid name --
	AwUnregister                      // name --
	AwWhereis                         // name -- pid|nil
	AwAlive                           // pid -- bool
	AwSleep                           // ms --
	AwSupervisor                      // specs strategy -- pid
	AwSupervise                       // specs strategy --
	AwSetStrategy                     // sup strategy --
	AwRestartChild                    // sup name -- pid
	AwStartChild                      // sup spec|args -- pid
	AwTerminateChild                  // sup name --
	AwWhichChildren                   // sup -- children
	AwMakeRef                         // -- ref
	AwReadLine                        // -- s|nil
	AwReadAll                         // -- s
	AwReadFile                        // path -- s
	AwWriteFile                       // s path --
	AwDeliver                         // msg -- ; library only: hands msg to the Go side of a host mailbox
	NumActorWords
)

// actorWords gives each actor word its name and effect; the ones with an
// opcode of their own (spawn send supervisor set-strategy restart-child)
// are compiled to it, the others to Builtin.
var actorWords = [NumActorWords]struct {
	name    string
	in, out int
}{
	AwSpawn: {"spawn", 1, 1}, AwSpawnLink: {"spawn-link", 1, 1}, AwSend: {"send", 2, 0},
	AwReceiveTimeout: {"receive-timeout", 1, -1}, AwLink: {"link", 1, 0}, AwUnlink: {"unlink", 1, 0},
	AwMonitor: {"monitor", 1, 1}, AwDemonitor: {"demonitor", 1, 0}, AwTrapExit: {"trap-exit", 1, 0},
	AwKill: {"kill", 2, 0}, AwRegister: {"register", 2, 0}, AwUnregister: {"unregister", 1, 0},
	AwWhereis: {"whereis", 1, 1}, AwAlive: {"alive?", 1, 1}, AwSleep: {"sleep", 1, 0},
	AwSupervisor: {"supervisor", 2, 1}, AwSupervise: {"supervise", 2, 0}, AwSetStrategy: {"set-strategy", 2, 0},
	AwRestartChild: {"restart-child", 2, 1}, AwStartChild: {"start-child", 2, 1},
	AwTerminateChild: {"terminate-child", 2, 0}, AwWhichChildren: {"which-children", 1, 1},
	AwMakeRef:  {"make-ref", 0, 1},
	AwReadLine: {"read-line", 0, 1}, AwReadAll: {"read-all", 0, 1}, AwReadFile: {"read-file", 1, 1},
	AwWriteFile: {"write-file", 2, 0}, AwDeliver: {"(host-deliver)", 1, 0},
}

// String returns the word's name.
func (w ActorWord) String() string { return actorWords[w].name }

// hostCall performs actor word w through m's host.
func (m *Machine) hostCall(w ActorWord) error {
	if m.Host == nil {
		return errBadarg
	}
	if err := m.Need(actorWords[w].in); err != nil {
		return err
	}
	return m.Host.Actor(m, w)
}

// start is the program's start, for now.
var start = time.Now()

func init() {
	for w := ActorWord(0); w < NumActorWords; w++ {
		if _, ok := wordOps[actorWords[w].name]; ok {
			continue
		}
		w := w
		def := defBuiltin
		if strings.HasPrefix(actorWords[w].name, "(") {
			def = defLibBuiltin
		}
		def(actorWords[w].name, actorWords[w].in, actorWords[w].out, func(m *Machine) error { return m.hostCall(w) })
	}

	// Actors: the words the interpreter answers itself.
	defBuiltin("self", 0, 1, func(m *Machine) error { return m.Push(gc.Pid(m.ID)) })
	defBuiltin("now", 0, 1, func(m *Machine) error { return m.Push(gc.Int(time.Since(start).Milliseconds())) })
	defBuiltin("yield", 0, 0, func(m *Machine) error { return ErrYield })
	defBuiltin("exit", 1, 0, func(m *Machine) error {
		r, err := m.Pop()
		if err != nil {
			return err
		}
		return &Exit{r}
	})
	defBuiltin("error", 1, 0, func(m *Machine) error {
		r, err := m.Pop()
		if err != nil {
			return err
		}
		return Fail(r)
	})
	// (mailbox-peek) ( k -- msg ): the k-th queued message (retained), waiting
	// until there is one. (mailbox-take) ( k -- msg ) removes it. Library
	// only: receive-match is written with them.
	defLibBuiltin("(mailbox-peek)", 1, 1, func(m *Machine) error {
		k, err := m.intArg(0)
		if err != nil {
			return err
		}
		for int(k) >= m.Mailbox.Len() {
			if m.Host == nil || !m.Host.Fetch(m, true) {
				return ErrBlock
			}
		}
		m.Pop()
		v := m.Mailbox.At(int(k))
		m.Heap.Retain(v)
		return m.Push(v)
	})
	defLibBuiltin("(mailbox-take)", 1, 1, func(m *Machine) error {
		k, err := m.intArg(0)
		if err != nil {
			return err
		}
		if int(k) >= m.Mailbox.Len() {
			return errBadarg
		}
		m.Pop()
		return m.Push(m.Mailbox.Take(int(k)))
	})
	defBuiltin("args", 0, 1, func(m *Machine) error {
		if a := m.args(); a.K == gc.KArr {
			m.Heap.Retain(a)
			return m.Push(a)
		}
		a, err := m.Heap.NewArray(0)
		if err != nil {
			return allocErr(err)
		}
		return m.Push(a)
	})

	// Numbers.
	defNum("float", bFloat, func(x gc.Value) (gc.Value, bool) { return gc.Float(toFloat(x)), true })
	defNum("int", bInt, func(x gc.Value) (gc.Value, bool) {
		if x.K == gc.KInt {
			return x, true
		}
		n, ok := floatToInt(x.AsFloat())
		return gc.Int(n), ok
	})
	for _, f := range []struct {
		name string
		f    func(float64) float64
	}{{"sqrt", math.Sqrt}, {"sin", math.Sin}, {"cos", math.Cos}, {"tan", math.Tan}, {"exp", math.Exp}, {"log", math.Log}} {
		defNum(f.name, floatFn(f.f), func(x gc.Value) (gc.Value, bool) { return gc.Float(f.f(toFloat(x))), true })
	}
	for _, f := range []struct {
		name string
		f    func(float64) float64
	}{{"floor", math.Floor}, {"ceil", math.Ceil}, {"round", math.Round}} {
		defNum(f.name, roundFn(f.f), func(x gc.Value) (gc.Value, bool) {
			if x.K == gc.KInt {
				return x, true
			}
			n, ok := floatToInt(f.f(x.AsFloat()))
			return gc.Int(n), ok
		})
	}
	defBuiltin("atan2", 2, 1, func(m *Machine) error {
		y, _ := m.Peek(1)
		x, _ := m.Peek(0)
		if !isNum(y) || !isNum(x) {
			return errType
		}
		m.sp -= 2
		return m.Push(gc.Float(math.Atan2(toFloat(y), toFloat(x))))
	})
	defBuiltin("pi", 0, 1, func(m *Machine) error { return m.Push(gc.Float(math.Pi)) })
	defBuiltin("fixed", 2, 1, func(m *Machine) error {
		x, _ := m.Peek(1)
		d, _ := m.Peek(0)
		if !isNum(x) || d.K != gc.KInt {
			return errType
		}
		if d.AsInt() < 0 || d.AsInt() > 100 {
			return errBadarg
		}
		f := toFloat(x)
		var text []byte
		if math.IsNaN(f) || math.IsInf(f, 0) {
			text = appendFloat(nil, f) // nan +inf -inf, as printed
		} else {
			text = strconv.AppendFloat(nil, f, 'f', int(d.AsInt()), 64)
		}
		s, err := m.Heap.NewString(text)
		if err != nil {
			return allocErr(err)
		}
		m.sp -= 2
		return m.Push(s)
	})

	// Arrays and strings.
	defBuiltin("array", 1, 1, func(m *Machine) error {
		n, err := m.intArg(0)
		if err != nil {
			return err
		}
		if n < 0 || n > gc.MaxObjectLen {
			return errBadarg
		}
		a, aerr := m.Heap.NewArray(int(n))
		if aerr != nil {
			return allocErr(aerr)
		}
		m.sp--
		return m.Push(a)
	})
	defBuiltin("pack", 1, -1, func(m *Machine) error { // pops n more: no fixed effect
		n, err := m.intArg(0)
		if err != nil {
			return err
		}
		if n < 0 {
			return errBadarg
		}
		if n > int64(m.sp-1) {
			return errUnderflow
		}
		elems := m.stack[m.sp-int(n) : m.sp]
		a, aerr := m.Heap.ArrayOf(elems)
		if aerr != nil {
			return allocErr(aerr)
		}
		m.sp -= int(n) + 1
		return m.Push(a)
	})
	defBuiltin("unpack", 1, -1, func(m *Machine) error {
		a, _ := m.Peek(0)
		if a.K != gc.KArr {
			return errType
		}
		n := m.Heap.Len(a)
		if err := m.ensure(n + 1); err != nil {
			return err
		}
		m.Heap.Spread(a, m.stack[m.sp:m.sp+n]) // from a's slot up: ensure made the room
		m.sp += n - 1
		return m.Push(gc.Int(int64(n)))
	})
	builtinUnpack = builtinIndex["unpack"]
	defBuiltin("slice", 3, 1, bSlice)
	defBuiltin("str", 1, 1, func(m *Machine) error {
		v, _ := m.Peek(0)
		if v.IsString() {
			return nil
		}
		s, err := m.Heap.NewString(AppendValue(nil, m.Heap, m.funcs, v, false))
		if err != nil {
			return allocErr(err)
		}
		m.sp--
		m.Heap.Release(v)
		return m.Push(s)
	})
	defBuiltin("curry", 2, 1, func(m *Machine) error {
		q, _ := m.Peek(0)
		if !q.IsQuot() {
			return errType
		}
		x, _ := m.Peek(1)
		c, err := m.Heap.NewCurry(x, q)
		if err != nil {
			return allocErr(err)
		}
		m.sp -= 2
		return m.Push(c)
	})

	// Output.
	defBuiltin(".", 1, 0, func(m *Machine) error { return m.print(true) })
	defBuiltin("print", 1, 0, func(m *Machine) error { return m.print(false) })
	defBuiltin("cr", 0, 0, func(m *Machine) error { m.Out.Write([]byte{'\n'}); return nil })
	defBuiltin("emit", 1, 0, func(m *Machine) error {
		n, err := m.intArg(0)
		if err != nil {
			return err
		}
		if n < 0 || n > utf8.MaxRune || !utf8.ValidRune(rune(n)) {
			return errBadarg
		}
		m.sp--
		m.Out.Write(utf8.AppendRune(nil, rune(n)))
		return nil
	})
	defBuiltin(".s", 0, 0, func(m *Machine) error {
		m.Out.Write([]byte(m.StackLine() + "\n"))
		return nil
	})
}

// intArg returns the int n values below the top (0 = top), or :type.
func (m *Machine) intArg(n int) (int64, error) {
	v, err := m.Peek(n)
	if err != nil {
		return 0, err
	}
	if v.K != gc.KInt {
		return 0, errType
	}
	return v.AsInt(), nil
}

// print writes the top value (. and print).
func (m *Machine) print(newline bool) error {
	v, err := m.Pop()
	if err != nil {
		return err
	}
	b := AppendValue(nil, m.Heap, m.funcs, v, false)
	if newline {
		b = append(b, '\n')
	}
	m.Out.Write(b)
	m.Heap.Release(v)
	return nil
}

func floatFn(f func(float64) float64) BuiltinFunc {
	return func(m *Machine) error {
		v, _ := m.Peek(0)
		if !isNum(v) {
			return errType
		}
		m.stack[m.sp] = gc.Float(f(toFloat(v)))
		return nil
	}
}

// roundFn: floor ceil round ( n|f -- n ).
func roundFn(f func(float64) float64) BuiltinFunc {
	return func(m *Machine) error {
		v, _ := m.Peek(0)
		switch v.K {
		case gc.KInt:
			return nil
		case gc.KFloat:
			n, ok := floatToInt(f(v.AsFloat()))
			if !ok {
				return errBadarg
			}
			m.stack[m.sp] = gc.Int(n)
			return nil
		}
		return errType
	}
}

// floatToInt converts an integral-or-not float to int64, truncating; false
// for NaN, infinities and values out of range.
func floatToInt(f float64) (int64, bool) {
	if math.IsNaN(f) || f >= 9.223372036854775808e18 || f < -9.223372036854775808e18 {
		return 0, false
	}
	return int64(f), true
}

// bFloat: float ( n|str -- f ).
func bFloat(m *Machine) error {
	v, _ := m.Peek(0)
	switch {
	case v.K == gc.KInt:
		m.stack[m.sp] = gc.Float(float64(v.AsInt()))
	case v.K == gc.KFloat:
	case v.IsString():
		s := string(m.Heap.Bytes(v))
		var f float64
		if n, ok, rangeErr := parseIntLiteral(s); ok && !rangeErr {
			f = float64(n)
		} else if x, ok := parseFloatLiteral(s); ok {
			f = x
		} else {
			return errBadarg
		}
		m.Heap.Release(v)
		m.stack[m.sp] = gc.Float(f)
	default:
		return errType
	}
	return nil
}

// bInt: int ( f|str -- n ).
func bInt(m *Machine) error {
	v, _ := m.Peek(0)
	switch {
	case v.K == gc.KInt:
	case v.K == gc.KFloat:
		n, ok := floatToInt(v.AsFloat())
		if !ok {
			return errBadarg
		}
		m.stack[m.sp] = gc.Int(n)
	case v.IsString():
		n, ok, rangeErr := parseIntLiteral(string(m.Heap.Bytes(v)))
		if !ok || rangeErr {
			return errBadarg
		}
		m.Heap.Release(v)
		m.stack[m.sp] = gc.Int(n)
	default:
		return errType
	}
	return nil
}

// bSlice: slice ( arr|str from to -- part ).
func bSlice(m *Machine) error {
	x, _ := m.Peek(2)
	from, err := m.intArg(1)
	if err != nil {
		return err
	}
	to, err := m.intArg(0)
	if err != nil {
		return err
	}
	if x.K != gc.KArr && !x.IsString() {
		return errType
	}
	n := int64(m.Heap.Len(x))
	if from < 0 || to > n || from > to {
		return errOutOfBounds
	}
	var r gc.Value
	var aerr error
	if x.K == gc.KArr {
		elems := m.Heap.Elems(x)[from:to]
		part := make([]gc.Value, len(elems))
		copy(part, elems)
		for _, v := range part {
			m.Heap.Retain(v)
		}
		r, aerr = m.Heap.ArrayOf(part)
		if aerr != nil {
			for _, v := range part {
				m.Heap.Release(v)
			}
		}
	} else {
		// NewString copies from a view of the heap itself.
		r, aerr = m.Heap.NewString(m.Heap.Bytes(x)[from:to])
	}
	if aerr != nil {
		return allocErr(aerr)
	}
	m.sp -= 3
	m.Heap.Release(x)
	return m.Push(r)
}
