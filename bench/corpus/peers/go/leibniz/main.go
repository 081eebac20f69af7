// leibniz: pi from 20,000,000 terms of the Leibniz series and of the Wallis
// product, both to 9 decimals
package main

import "fmt"

func leibniz(n int) float64 {
	sum, sign := 0.0, 1.0
	for i := range n {
		sum += sign / float64(2*i+1)
		sign = -sign
	}
	return sum * 4.0
}

func wallis(n int) float64 {
	prod := 1.0
	for i := 1; i <= n; i++ {
		t := 4.0 * float64(i*i)
		prod *= t / (t - 1.0)
	}
	return prod * 2.0
}

func main() {
	fmt.Printf("%.9f %.9f\n", leibniz(20000000), wallis(20000000))
}
