// tak: the Takeuchi function; prints the sum of three runs of tak(27, 18, 9)
package main

import "fmt"

func tak(x, y, z int) int {
	if !(y < x) {
		return z
	}
	return tak(tak(x-1, y, z), tak(y-1, z, x), tak(z-1, x, y))
}

func main() {
	sum := 0
	for range 3 {
		sum += tak(27, 18, 9)
	}
	fmt.Println(sum)
}
