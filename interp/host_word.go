package interp

// This file defines host words: words written in Go by whoever embeds the
// VM (package raft's Define), one table per program. They compile to the
// CallHost opcode, which runs in the interpreter's cold path as a builtin
// does; the verifier reads their effects from the program.

import (
	"fmt"
	"strings"
)

// HostWord is a word written in Go that a program is compiled with.
type HostWord struct {
	Name    string
	In, Out int         // values the word pops and pushes: fixed, checked by the verifier
	Fn      BuiltinFunc // runs on the machine's stack, which holds at least In values

	// Yield lets a program define a word of the same name, which its own
	// code then calls (as it may the extension words): for words a host
	// adds to programs it did not write, such as raft run's getenv.
	Yield bool
}

// CheckHostWord reports what makes w unfit to be a host word of any
// program: a name that does not read as one word or is a word of the
// language (an extension word may be replaced), an effect out of range, no
// function.
func CheckHostWord(w HostWord) error {
	switch {
	case w.Name == "" || strings.ContainsAny(w.Name, " \t\r\n") || isLiteralText(w.Name):
		return fmt.Errorf("bad word name %q", w.Name)
	case syntaxWords[w.Name] || isBuiltinWord(w.Name) && !extensionWords[w.Name]:
		return fmt.Errorf("%s is a word of the language", w.Name)
	case w.In < 0 || w.Out < 0 || w.In > maxHostEffect || w.Out > maxHostEffect:
		return fmt.Errorf("%s: effect ( %d -- %d ) out of range (0 to %d each)", w.Name, w.In, w.Out, maxHostEffect)
	case w.Fn == nil:
		return fmt.Errorf("%s: no function", w.Name)
	}
	return nil
}

// DefineHost adds host word w to p, before any code that uses it is
// compiled. A program may not redefine a host word (unless w.Yield), and a
// host word may not take the name of a word of the language (CheckHostWord)
// or of one the program defines.
func (p *Program) DefineHost(w HostWord) error {
	if err := CheckHostWord(w); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.hostWords) >= 1<<16 {
		return fmt.Errorf("%s: too many host words", w.Name)
	}
	if e, ok := p.dict[w.Name]; ok && !e.lib {
		return fmt.Errorf("%s is already defined by the program", w.Name)
	}
	if _, ok := p.hostIndex[w.Name]; ok {
		return fmt.Errorf("%s is already defined", w.Name)
	}
	if p.hostIndex == nil {
		p.hostIndex = map[string]int{}
	}
	p.hostIndex[w.Name] = len(p.hostWords)
	p.hostWords = append(p.hostWords, w)
	return nil
}

// maxHostEffect bounds the values a host word pops or pushes.
const maxHostEffect = 255

// isLiteralText reports whether s does not read as one word: a number, a
// string, a symbol, a comment, or no token at all.
func isLiteralText(s string) bool {
	toks, err := lex("", []byte(s))
	return err != nil || len(toks) != 1 || toks[0].isLiteral()
}

// HostEffect returns the values host word w of fn's program pops and
// pushes, and its name; ok is false when fn cannot call w.
func (fn *Func) HostEffect(w int) (in, out int, name string, ok bool) {
	if w < 0 || w >= len(fn.hosts) {
		return 0, 0, "", false
	}
	h := &fn.hosts[w]
	return h.In, h.Out, h.Name, true
}
