// ack: the Ackermann function A(2, n) for n below 400 and A(3, 9); prints the sum
package main

import "fmt"

func ack(m, n int) int {
	if m == 0 {
		return n + 1
	}
	if n == 0 {
		return ack(m-1, 1)
	}
	return ack(m-1, ack(m, n-1))
}

func main() {
	sum := 0
	for i := range 400 {
		sum += ack(2, i)
	}
	fmt.Println(ack(3, 9) + sum)
}
