package interp

// This file defines the disassembler: one instruction a line, with its
// source position, read from opTable (raft disasm and traces use it).

import (
	"fmt"
	"io"
	"strings"

	"github.com/raftvm/raft/gc"
)

// Disasm writes every function of p that is not library code.
func Disasm(w io.Writer, p *Program) {
	for _, fn := range p.Funcs() {
		if fn == nil || fn.Lib {
			continue
		}
		DisasmFunc(w, p, fn)
	}
}

// DisasmFunc writes one function.
func DisasmFunc(w io.Writer, p *Program, fn *Func) {
	fmt.Fprintf(w, "%s (function %d, %d locals, max push %d) at %s\n", fn.Name, fn.Index, fn.NLocals, fn.MaxPush, fn.Pos)
	last := Pos{}
	for pc := 0; pc < len(fn.Code); pc += Op(fn.Code[pc]).Size() {
		pos := fn.PosAt(pc)
		where := fmt.Sprintf("%d:%d", pos.Line, pos.Col)
		if pos == last {
			where = "|"
		}
		last = pos
		fmt.Fprintf(w, "  %5d  %-8s %s\n", pc, where, Instruction(p, fn, pc))
	}
}

// Instruction returns the text of the instruction at pc: its name and operands.
func Instruction(p *Program, fn *Func, pc int) string {
	op := Op(fn.Code[pc])
	var b strings.Builder
	b.WriteString(op.String())
	switch opTable[op].Operand {
	case oU16U16, oU16U16Value, oU16U16Rel:
		fmt.Fprintf(&b, " %d %d", u16(fn.Code, pc+1), u16(fn.Code, pc+3))
		if opTable[op].Operand == oU16U16Value {
			fmt.Fprintf(&b, " %s", AppendValue(nil, gc.NewHeap(p.In), nil, inlineValue(fn.Code, pc+4), true))
		}
	case oU16Value, oU16ValueRel:
		fmt.Fprintf(&b, " %d %s", u16(fn.Code, pc+1), AppendValue(nil, gc.NewHeap(p.In), nil, inlineValue(fn.Code, pc+2), true))
	case oU16:
		s := u16(fn.Code, pc+1)
		if op == Builtin {
			fmt.Fprintf(&b, " %s", builtins[s].name)
		} else if op == CallHost && s < len(p.hostWords) {
			fmt.Fprintf(&b, " %s", p.hostWords[s].Name)
		} else {
			fmt.Fprintf(&b, " %d", s)
		}
	case oU32:
		a := u32(fn.Code, pc+1)
		name := "?"
		if fs := p.Funcs(); int(a) < len(fs) && fs[a] != nil {
			name = fs[a].Name
		}
		fmt.Fprintf(&b, " %d (%s)", a, name)
	case oValue, oValueRel:
		v := inlineValue(fn.Code, pc)
		if v.K == gc.KQuot {
			name := "?"
			if fs := p.Funcs(); int(v.X) < len(fs) && fs[v.X] != nil {
				name = fs[v.X].Name
			}
			fmt.Fprintf(&b, " quotation %d (%s)", v.X, name)
		} else {
			fmt.Fprintf(&b, " %s", AppendValue(nil, gc.NewHeap(p.In), nil, v, true))
		}
	case oRel:
		fmt.Fprintf(&b, " -> %d", jumpTarget(fn.Code, pc))
	}
	if opTable[op].Operand == oValueRel {
		fmt.Fprintf(&b, " -> %d", jumpTarget(fn.Code, pc))
	}
	switch opTable[op].Operand {
	case oU16Rel:
		fmt.Fprintf(&b, " %d -> %d", u16(fn.Code, pc+1), jumpTarget(fn.Code, pc))
	case oU16U16Rel, oU16ValueRel:
		fmt.Fprintf(&b, " -> %d", jumpTarget(fn.Code, pc))
	}
	return b.String()
}
