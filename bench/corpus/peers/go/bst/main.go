// bst: a binary search tree of nodes {key, left, right} (nil: no child): insert
// 300,000 keys from an LCG, then look up the same sequence with every odd key plus
// one; prints the keys inserted, the lookups that found their key, and the height
package main

import "fmt"

type node struct {
	key         int
	left, right *node
}

// lcg is the minimal standard generator (Park and Miller).
func lcg(x int) int { return x * 48271 % 2147483647 }

// insert puts key below n unless it is there; true when it was added.
func insert(n *node, key int) bool {
	for {
		if key == n.key {
			return false
		}
		side := &n.right
		if key < n.key {
			side = &n.left
		}
		if *side == nil {
			*side = &node{key: key}
			return true
		}
		n = *side
	}
}

func lookup(n *node, key int) bool {
	for n != nil {
		if key == n.key {
			return true
		}
		if key < n.key {
			n = n.left
		} else {
			n = n.right
		}
	}
	return false
}

func height(n *node) int {
	if n == nil {
		return 0
	}
	return max(height(n.left), height(n.right)) + 1
}

func main() {
	const keys, seed = 300000, 12345
	x := lcg(seed)
	root := &node{key: x}
	inserted := 1
	for i := 1; i < keys; i++ {
		x = lcg(x)
		if insert(root, x) {
			inserted++
		}
	}
	y, found := seed, 0
	for i := range keys {
		y = lcg(y)
		if lookup(root, y+i%2) {
			found++
		}
	}
	fmt.Println(inserted, found, height(root))
}
