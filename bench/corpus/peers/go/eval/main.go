// eval: expression trees of nodes {num n} {var} {add a b} {sub a b} {mul a b}: 40
// random trees of depth 10 (from an LCG), each differentiated symbolically, then the
// tree and its derivative evaluated mod 1000003 at x = 0..29; prints the sum of all
// the values
package main

import "fmt"

const modulus = 1000003

type tag int

const (
	tagNum tag = iota
	tagVar
	tagAdd
	tagSub
	tagMul
)

type node struct {
	tag  tag
	n    int
	a, b *node
}

type rng struct{ state int }

// random returns an int in 0 .. n-1 (the minimal standard generator).
func (r *rng) random(n int) int {
	r.state = r.state * 48271 % 2147483647
	return r.state % n
}

func build(r *rng, d int) *node {
	if d == 0 {
		if r.random(3) == 0 {
			return &node{tag: tagVar}
		}
		return &node{tag: tagNum, n: r.random(10) + 1}
	}
	k := r.random(3)
	a := build(r, d-1)
	b := build(r, d-1)
	switch k {
	case 0:
		return &node{tag: tagAdd, a: a, b: b}
	case 1:
		return &node{tag: tagSub, a: a, b: b}
	}
	return &node{tag: tagMul, a: a, b: b}
}

func deriv(t *node) *node {
	switch t.tag {
	case tagNum:
		return &node{tag: tagNum, n: 0}
	case tagVar:
		return &node{tag: tagNum, n: 1}
	case tagAdd:
		return &node{tag: tagAdd, a: deriv(t.a), b: deriv(t.b)}
	case tagSub:
		return &node{tag: tagSub, a: deriv(t.a), b: deriv(t.b)}
	case tagMul:
		return &node{tag: tagAdd, a: &node{tag: tagMul, a: deriv(t.a), b: t.b}, b: &node{tag: tagMul, a: t.a, b: deriv(t.b)}}
	}
	panic("bad tree")
}

// mod is the floored remainder (Raft's and Lua's mod).
func mod(a int) int {
	r := a % modulus
	if r < 0 {
		r += modulus
	}
	return r
}

func eval(x int, t *node) int {
	switch t.tag {
	case tagNum:
		return t.n
	case tagVar:
		return x
	}
	va := eval(x, t.a)
	vb := eval(x, t.b)
	switch t.tag {
	case tagAdd:
		return mod(va + vb)
	case tagSub:
		return mod(va - vb)
	case tagMul:
		return mod(va * vb)
	}
	panic("bad tree")
}

func main() {
	r := &rng{42}
	sum := 0
	for range 40 {
		tree := build(r, 10)
		d := deriv(tree)
		for x := range 30 {
			sum += eval(x, tree) + eval(x, d)
		}
	}
	fmt.Println(sum)
}
