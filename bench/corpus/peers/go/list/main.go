// list: the Are-We-Fast-Yet List benchmark: linked lists of cells {value, next}
// (nil ends a list) and the Takeuchi-like tail over them,
// tail(list 15, list 10, list 6), 800 times, each with new lists; prints the sum of
// the lengths of the results
package main

import "fmt"

type cell struct {
	value int
	next  *cell
}

func makeList(n int) *cell {
	if n == 0 {
		return nil
	}
	return &cell{n, makeList(n - 1)}
}

// isShorter reports whether x is shorter than y.
func isShorter(x, y *cell) bool {
	for y != nil {
		if x == nil {
			return true
		}
		x = x.next
		y = y.next
	}
	return false
}

func tail(x, y, z *cell) *cell {
	if isShorter(y, x) {
		return tail(tail(x.next, y, z), tail(y.next, z, x), tail(z.next, x, y))
	}
	return z
}

func length(l *cell) int {
	n := 0
	for ; l != nil; l = l.next {
		n++
	}
	return n
}

func main() {
	total := 0
	for range 800 {
		total += length(tail(makeList(15), makeList(10), makeList(6)))
	}
	fmt.Println(total)
}
