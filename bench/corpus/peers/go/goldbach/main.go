// goldbach: sieve of Eratosthenes up to 2,000,000 (false: prime), then for every
// even n from 4 to 2,000,000 the smallest prime p with n - p prime, by a loop that
// breaks early; prints the sum of those p
package main

import "fmt"

const limit = 2000000

func sieve(n int) []bool {
	composite := make([]bool, n+1)
	composite[0], composite[1] = true, true
	for i := 2; i <= n; i++ {
		if !composite[i] {
			if i*i <= n {
				for j := i * i; j <= n; j += i {
					composite[j] = true
				}
			}
		}
	}
	return composite
}

func smallestPair(c []bool, n int) int {
	found := 0
	for i := 2; i <= n/2; i++ {
		if !c[i] {
			if !c[n-i] {
				found = i
				break
			}
		}
	}
	return found
}

func main() {
	composite := sieve(limit)
	sum := 0
	for n := 4; n <= limit; n += 2 {
		sum += smallestPair(composite, n)
	}
	fmt.Println(sum)
}
