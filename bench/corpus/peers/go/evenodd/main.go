// evenodd: mutual recursion isEven / isOdd, asked of (i * 7919) mod 10007 for
// i below 30,000; prints how many are even
package main

import "fmt"

func isEven(n int) bool {
	if n == 0 {
		return true
	}
	return isOdd(n - 1)
}

func isOdd(n int) bool {
	if n == 0 {
		return false
	}
	return isEven(n - 1)
}

func main() {
	count := 0
	for i := range 30000 {
		if isEven(i * 7919 % 10007) {
			count++
		}
	}
	fmt.Println(count)
}
