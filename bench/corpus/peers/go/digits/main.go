// digits: many small functions: for each n below 600,000 follow n -> the sum of the
// squares of its digits until 1 or 89 and count how many reach 89; also sums the
// digital roots; prints the count and the sum
package main

import "fmt"

func square(n int) int    { return n * n }
func lastDigit(n int) int { return n % 10 }
func dropDigit(n int) int { return n / 10 }

func digitSquareSum(n int) int {
	s := 0
	for n > 0 {
		s += square(lastDigit(n))
		n = dropDigit(n)
	}
	return s
}

func digitSum(n int) int {
	s := 0
	for n > 0 {
		s += lastDigit(n)
		n = dropDigit(n)
	}
	return s
}

func digitalRoot(n int) int {
	for n >= 10 {
		n = digitSum(n)
	}
	return n
}

func settled(n int) bool { return n == 1 || n == 89 }

func chainEnd(n int) int {
	for !settled(n) {
		n = digitSquareSum(n)
	}
	return n
}

func reaches89(n int) bool { return chainEnd(n) == 89 }

func main() {
	count, roots := 0, 0
	for i := 1; i < 600000; i++ {
		if reaches89(i) {
			count++
		}
		roots += digitalRoot(i)
	}
	fmt.Println(count, roots)
}
