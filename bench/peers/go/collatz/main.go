// collatz: the start below 1,000,000 with the longest Collatz chain = 837799
package main

import "fmt"

func steps(n int) int {
	s := 0
	for n != 1 {
		if n%2 == 0 {
			n = n / 2
		} else {
			n = 3*n + 1
		}
		s++
	}
	return s
}

func main() {
	best, bestLen := 0, 0
	for i := 1; i < 1000000; i++ {
		if l := steps(i); l > bestLen {
			best, bestLen = i, l
		}
	}
	fmt.Println(best)
}
