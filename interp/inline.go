package interp

// This file defines the inlining of small words by the compiler: a call of
// a word whose body is a few plain words and literals is compiled as that
// body, in place of Call and Return. Forth code is many such words
// (: x@ 0 get ;, : square dup * ;), and a call costs the interpreter
// several dispatches' worth (a frame, the checks, the return): nbody's
// field words took a fifth of its time.
//
// A word is inlined when its body is at most maxInlineTokens tokens, nested
// words counted as their bodies, at most maxInlineDepth deep, and each
// token is a literal, a constant, an opcode word that does not branch,
// call or block (opTable's flags), a number builtin (builtin.num: they
// neither call nor block) or a word that is inlined itself. No locals, no
// control words, no quotations, no host words, no recursion. Only the
// words of the unit being compiled are inlined, and not in the REPL (a
// later line may redefine the word, and a call must see the new one) nor
// in library code.
//
// Nothing a program can see changes:
//   - The body runs on the same data stack, so its values, underflows
//     and errors are the same; its instructions fuse with the caller's
//     like any others.
//   - Every position of the body carries its site (Pos.inl), through
//     fusion and relink, so a failure in it is reported in the word, with
//     the caller as "called from" at the call (Machine.fail).
//   - Profiles sample at reductions (calls and backward jumps), which a
//     body has none of, so an inlined word's time is its caller's, as it
//     was already in native code (jit/inline.go).
//
// Tests turn inlining off with the superinstructions (fusing), so that
// TestFusionAgrees and FuzzFusionAgrees compare inlined and called words.
//
// What differs: the body makes no frame and charges no reduction. A program
// that reaches the call depth limit (MaxCallDepth) does so in a call that
// makes a frame.

const (
	maxInlineTokens = 12 // tokens of an inlined body, those of words inlined in it included
	maxInlineDepth  = 3  // words inlined in words inlined in a call, at most
)

// inlineSite is a call the compiler replaced by the body of its word.
type inlineSite struct {
	word string // the word
	at   Pos    // the call; at.inl is the site the call itself lies in (0: the function's own code)
}

// inlineWord is what the compiler knows of a word for inlining.
type inlineWord struct {
	toks  []token // its body; nil when it is not inlined
	size  int     // tokens, nested words counted as their bodies
	depth int     // 1 + the depth of the deepest word inlined in it
	busy  bool    // being looked at (a word that reaches itself is not inlined)
}

// inlined returns the body of the word of slot when its calls are
// inlined, with its expanded size and depth.
func (c *compiler) inlined(slot uint32) *inlineWord {
	if c.lib || c.repl || !fusing {
		return nil
	}
	if c.inl == nil {
		c.inl = make(map[uint32]*inlineWord, len(c.bodies))
		for i := range c.bodies {
			d := &c.bodies[i]
			c.inl[d.slot] = &inlineWord{toks: d.toks, depth: -1}
		}
	}
	w := c.inl[slot]
	if w == nil || w.busy {
		return nil
	}
	if w.depth < 0 {
		w.busy = true
		w.size, w.depth = c.inlineCost(w.toks)
		w.busy = false
		if w.size > maxInlineTokens || w.depth > maxInlineDepth {
			w.toks = nil
		}
	}
	if w.toks == nil {
		return nil
	}
	return w
}

// inlineCost returns the size and depth of toks as an inlined body; a size
// past maxInlineTokens when they cannot be one. Each word means what it
// means in fcomp.word (compiler.resolve).
func (c *compiler) inlineCost(toks []token) (size, depth int) {
	const no = maxInlineTokens + 1
	depth = 1
	for _, t := range toks {
		size++
		if t.isLiteral() {
			continue
		}
		if syntaxWords[t.text] {
			return no, 0
		}
		m := c.resolve(t.text)
		switch {
		case m.kind == mOp && opTable[m.op].Flags&(fBranch|fJump|fCall|fEnd|fBlock) == 0:
			continue
		case m.kind == mBuiltin && builtins[m.index].num != nil:
			continue
		case m.kind == mEntry && m.e.kind == eConst:
			continue
		case m.kind != mEntry:
			return no, 0 // a host word, an opcode or builtin that may branch, call or block, or no word
		}
		w := c.inlined(m.e.slot)
		if w == nil {
			return no, 0
		}
		size += w.size - 1
		depth = max(depth, 1+w.depth)
	}
	return size, depth
}

// inline compiles the body of word (called at at) in place of its call.
func (f *fcomp) inline(word string, w *inlineWord, at Pos) *Error {
	f.fn.inl = append(f.fn.inl, inlineSite{word, at})
	k := int32(len(f.fn.inl))
	for _, t := range w.toks {
		t.pos.inl = k
		if t.isLiteral() {
			if err := f.pushConst(f.c.literal(t), t.pos); err != nil {
				return err
			}
			continue
		}
		if err := f.word(t); err != nil {
			return err
		}
	}
	return nil
}
