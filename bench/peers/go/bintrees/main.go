// bintrees: a node holds two children, a leaf none (nil children).
// Depths 4..16 step 2, 2^(16-d+4) trees each, plus one long-lived tree of
// depth 16; prints the total number of nodes checked = 14723759
package main

import "fmt"

type Node struct {
	left, right *Node
}

func newTree(d int) *Node {
	if d == 0 {
		return &Node{}
	}
	return &Node{newTree(d - 1), newTree(d - 1)}
}

func (n *Node) check() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

func main() {
	const maxDepth = 16
	long := newTree(maxDepth)
	total := 0
	for d := 4; d <= maxDepth; d += 2 {
		iters := 1 << (maxDepth - d + 4)
		for k := 0; k < iters; k++ {
			total += newTree(d).check()
		}
	}
	total += long.check()
	fmt.Println(total)
}
