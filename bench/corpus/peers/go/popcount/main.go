// popcount: total number of 1 bits in the 32-bit hashes (i * 2654435761) mod 2^32
// for i below 1,500,000, bit by bit, checked against Kernighan's n & (n - 1) loop
package main

import "fmt"

func hash(i int) int { return i * 2654435761 & 0xFFFFFFFF }

func popcountShift(n int) int {
	c := 0
	for n != 0 {
		c += n & 1
		n >>= 1
	}
	return c
}

func popcountKernighan(n int) int {
	c := 0
	for n != 0 {
		n &= n - 1
		c++
	}
	return c
}

func main() {
	total := 0
	for i := range 1500000 {
		h := hash(i)
		a := popcountShift(h)
		if a != popcountKernighan(h) {
			panic("mismatch")
		}
		total += a
	}
	fmt.Println(total)
}
