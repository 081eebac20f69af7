// towers: the towers of Hanoi with 22 discs, three pegs as slices used as stacks,
// every move checked against putting a disc on a smaller one, done twice (there and
// back); prints the moves made
package main

import "fmt"

type peg struct{ discs []int }

func (p *peg) top() int {
	if len(p.discs) == 0 {
		return 1000000
	}
	return p.discs[len(p.discs)-1]
}

func (p *peg) pop() int {
	d := p.discs[len(p.discs)-1]
	p.discs = p.discs[:len(p.discs)-1]
	return d
}

func (p *peg) push(d int) { p.discs = append(p.discs, d) }

func moveDisc(pegs []*peg, src, dst int) {
	disc := pegs[src].pop()
	if pegs[dst].top() < disc {
		panic(fmt.Sprint("smaller disc below ", disc))
	}
	pegs[dst].push(disc)
}

// moveTower moves n discs from peg src to peg dst; the number of moves.
func moveTower(pegs []*peg, n, src, dst int) int {
	if n == 1 {
		moveDisc(pegs, src, dst)
		return 1
	}
	spare := 3 - src - dst
	a := moveTower(pegs, n-1, src, spare)
	moveDisc(pegs, src, dst)
	b := moveTower(pegs, n-1, spare, dst)
	return a + b + 1
}

func buildPegs(n int) []*peg {
	pegs := []*peg{{}, {}, {}}
	for i := range n {
		pegs[0].push(n - i)
	}
	return pegs
}

func main() {
	const discs = 22
	pegs := buildPegs(discs)
	moves := moveTower(pegs, discs, 0, 2)
	moves += moveTower(pegs, discs, 2, 0)
	if len(pegs[0].discs) != discs {
		panic("tower lost")
	}
	fmt.Println(moves)
}
