// integrate: the integral of 4 / (1 + x^2) over [0, 1] by the midpoint rule with
// 20,000,000 slices (it is pi), to 10 decimals
package main

import "fmt"

func f(x float64) float64 { return 4.0 / (x*x + 1.0) }

func integrate(a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	sum := 0.0
	for i := range n {
		x := (float64(i)+0.5)*h + a
		sum += f(x)
	}
	return sum * h
}

func main() {
	fmt.Printf("%.10f\n", integrate(0.0, 1.0, 20000000))
}
