// stackvm: a small stack-machine interpreter: instructions are {op, arg} pairs
// such as {push, 3} or {jz, 33}, dispatched on their opcode; it runs a program that
// adds up the Collatz chain lengths of 1 .. 9,999 (vars 0 total, 1 n, 2 x)
package main

import "fmt"

type opcode int

const (
	opPush opcode = iota
	opLoad
	opStore
	opJz
	opJmp
	opHalt
	opAdd
	opSub
	opMul
	opDiv
	opMod
	opLt
	opGt
)

type instr struct {
	op  opcode
	arg int
}

func collatzProgram(m int) []instr {
	return []instr{
		// 0: total = 0; 2: n = 1
		{opPush, 0}, {opStore, 0}, {opPush, 1}, {opStore, 1},
		// 4 outer: n < m ? 7: no, to end
		{opLoad, 1}, {opPush, m}, {opLt, 0}, {opJz, 38},
		// 8: x = n
		{opLoad, 1}, {opStore, 2},
		// 10 inner: x > 1 ? 13: no, to next
		{opLoad, 2}, {opPush, 1}, {opGt, 0}, {opJz, 33},
		// 14: x odd? 17: even, to half
		{opLoad, 2}, {opPush, 2}, {opMod, 0}, {opJz, 24},
		// 18: 3x + 1, then to 27
		{opLoad, 2}, {opPush, 3}, {opMul, 0}, {opPush, 1}, {opAdd, 0}, {opJmp, 27},
		// 24 half: x / 2
		{opLoad, 2}, {opPush, 2}, {opDiv, 0},
		// 27: x = the new x; 28: total = total + 1, back to inner
		{opStore, 2}, {opLoad, 0}, {opPush, 1}, {opAdd, 0}, {opStore, 0}, {opJmp, 10},
		// 33 next: n = n + 1, back to outer
		{opLoad, 1}, {opPush, 1}, {opAdd, 0}, {opStore, 1}, {opJmp, 4},
		// 38 end: total on the stack
		{opLoad, 0}, {opHalt, 0},
	}
}

type stack struct{ items []int }

func (s *stack) push(x int) { s.items = append(s.items, x) }

func (s *stack) pop() int {
	x := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return x
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func binary(s *stack, op opcode) {
	b := s.pop()
	a := s.pop()
	var r int
	switch op {
	case opAdd:
		r = a + b
	case opSub:
		r = a - b
	case opMul:
		r = a * b
	case opDiv:
		r = a / b
	case opMod:
		r = a % b
	case opLt:
		r = boolInt(a < b)
	case opGt:
		r = boolInt(a > b)
	default:
		panic(fmt.Sprint("bad instruction ", op))
	}
	s.push(r)
}

// step runs one instruction; the next pc, or -1 after halt.
func step(s *stack, vars []int, ins instr, pc int) int {
	switch ins.op {
	case opPush:
		s.push(ins.arg)
	case opLoad:
		s.push(vars[ins.arg])
	case opStore:
		vars[ins.arg] = s.pop()
	case opJz:
		if s.pop() == 0 {
			return ins.arg
		}
	case opJmp:
		return ins.arg
	case opHalt:
		return -1
	default:
		binary(s, ins.op)
	}
	return pc + 1
}

func runVM(code []instr) int {
	s := &stack{}
	vars := make([]int, 8)
	for pc := 0; pc >= 0; {
		pc = step(s, vars, code[pc], pc)
	}
	return s.pop()
}

func main() {
	fmt.Println(runVM(collatzProgram(10000)))
}
