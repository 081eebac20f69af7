// sieve: number of primes up to 10,000,000 = 664579, with an array of 10M flags
package main

import "fmt"

func main() {
	const n = 10000000
	composite := make([]bool, n+1)
	count := 0
	for i := 2; i <= n; i++ {
		if !composite[i] {
			count++
			for j := i * i; j <= n; j += i {
				composite[j] = true
			}
		}
	}
	fmt.Println(count)
}
