package interp

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/bytecode.md")

// opComments reads the comment of every opcode constant in op.go (its
// stack effect and operands) and the group headings above them.
func opComments(t *testing.T) (comments map[string]string, groups map[string]string) {
	fset := gotoken.NewFileSet()
	f, err := parser.ParseFile(fset, "op.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	comments, groups = map[string]string{}, map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != gotoken.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if vs.Comment != nil {
				comments[vs.Names[0].Name] = strings.TrimSpace(vs.Comment.Text())
			}
			if vs.Doc != nil {
				groups[vs.Names[0].Name] = strings.TrimSpace(vs.Doc.Text())
			}
		}
	}
	return comments, groups
}

// usedIn returns the source of the named Go files joined together.
func usedIn(t *testing.T, files ...string) string {
	var b strings.Builder
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(src)
	}
	return b.String()
}

// TestOpTable checks every opcode: a name, a stack-effect comment in op.go,
// and a case in the interpreter loop.
func TestOpTable(t *testing.T) {
	comments, _ := opComments(t)
	run := usedIn(t, "run.go")
	for op := Op(0); op < numOps; op++ {
		info := opTable[op]
		if info.Name == "" {
			t.Errorf("opcode %d has no name in opTable", op)
			continue
		}
		if !strings.Contains(comments[info.Name], "--") {
			t.Errorf("%s: no stack effect comment in op.go", info.Name)
		}
		if !strings.Contains(run, " "+info.Name+",") && !strings.Contains(run, " "+info.Name+":") {
			t.Errorf("%s: no case in run.go", info.Name)
		}
		if info.Flags&fSuper != 0 {
			if _, ok := superFuses[op]; !ok {
				t.Errorf("%s: superinstruction without the pair it fuses", info.Name)
			}
		}
	}
}

// bytecodeDoc renders docs/bytecode.md from the opcode table and op.go's comments.
func bytecodeDoc(t *testing.T) []byte {
	comments, groups := opComments(t)
	var b bytes.Buffer
	b.WriteString("# Raft bytecode\n\n")
	b.WriteString("Generated from `interp/op.go` by `go test ./interp -run TestBytecodeDoc -update`;\n")
	b.WriteString("a test fails when this file and the table differ. The language is in\n")
	b.WriteString("[language.md](language.md), the machine around the bytecode in [architecture.md](architecture.md).\n\n")
	b.WriteString("A function's code is a byte slice: an opcode byte, then its operands, little endian.\n")
	b.WriteString("Operands: `u16`, `u32` unsigned; `rel` an i32 jump offset from the start of the\n")
	b.WriteString("instruction; `v` a value stored inline (kind byte, 8-byte payload; never a heap value);\n")
	b.WriteString("`slot` a u16 index of a local of the current call. Stack effects are written\n")
	b.WriteString("`( before -- after )`, top of stack rightmost. The verifier (`interp/verify.go`)\n")
	b.WriteString("checks every compiled function before it runs: opcodes and operands in range, jump\n")
	b.WriteString("targets on instruction starts, no fall-through off the end; it also computes the\n")
	b.WriteString("stack headroom the interpreter reserves.\n\n")
	operands := map[operand]string{oNone: "", oU16: "u16", oU32: "u32", oRel: "rel", oValue: "v", oU16Rel: "slot, rel", oValueRel: "v, rel", oU16U16: "slot, slot", oU16U16Value: "slot, slot, v", oU16U16Rel: "slot, slot, rel", oU16Value: "slot, v"}
	for op := Op(0); op < numOps; op++ {
		info := opTable[op]
		if g, ok := groups[info.Name]; ok {
			g = strings.ReplaceAll(g, "\n", " ")
			head, rest, _ := strings.Cut(g, ".")
			head, _, _ = strings.Cut(head, ":")
			fmt.Fprintf(&b, "\n## %s\n\n", head)
			if rest = strings.TrimSpace(rest); rest != "" {
				fmt.Fprintf(&b, "%s\n\n", rest)
			}
			b.WriteString("| byte | opcode | word | operands | pops | pushes | effect; notes |\n")
			b.WriteString("| ---: | --- | --- | --- | ---: | ---: | --- |\n")
		}
		word := info.Word
		if word != "" {
			word = "`" + strings.ReplaceAll(word, "|", "\\|") + "`"
		}
		eff := strings.ReplaceAll(comments[info.Name], "|", "\\|")
		if i := strings.Index(eff, ";"); i >= 0 {
			eff = "`" + strings.TrimSpace(eff[:i]) + "`;" + eff[i+1:]
		} else {
			eff = "`" + eff + "`"
		}
		out := fmt.Sprint(info.Out)
		if info.Flags&fVar != 0 {
			out += "+"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %d | %s | %s |\n", op, info.Name, word, operands[info.Operand], info.In, out, eff)
	}
	b.WriteString("\nPushes marked `+` depend on values (a called word, `pick`, `}`, a builtin).\n")
	b.WriteString("\n## Builtins\n\nWords written in Go run through `Builtin b` (u16 index):\n\n")
	b.WriteString("| word | pops | pushes |\n| --- | ---: | ---: |\n")
	for _, bi := range builtins {
		if bi.lib {
			continue
		}
		out := fmt.Sprint(bi.out)
		if bi.out < 0 {
			out = "n"
		}
		fmt.Fprintf(&b, "| `%s` | %d | %s |\n", strings.ReplaceAll(bi.name, "|", "\\|"), bi.in, out)
	}
	return b.Bytes()
}

// TestBytecodeDoc checks that docs/bytecode.md matches the opcode table.
func TestBytecodeDoc(t *testing.T) {
	want := bytecodeDoc(t)
	const path = "../docs/bytecode.md"
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is not up to date: run go test ./interp -run TestBytecodeDoc -update", path)
	}
}

// TestChangesFrames: the ops a step turns native callers into frames for
// are those the table says call or return, alone or as a part of a
// superinstruction.
func TestChangesFrames(t *testing.T) {
	var of func(op Op) bool
	of = func(op Op) bool {
		pair, super := superFuses[op]
		return opTable[op].Flags&(fCall|fEnd) != 0 || super && (of(pair[0]) || of(pair[1]))
	}
	for op := range numOps {
		if op.changesFrames() != of(op) {
			t.Errorf("%v: changesFrames %v, the table says %v", op, op.changesFrames(), of(op))
		}
	}
}
