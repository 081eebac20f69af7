// spectralnorm: the Benchmarks Game spectral norm of A(i,j) = 1 / ((i+j)(i+j+1)/2 + i + 1),
// cut to 800 x 800, by 10 rounds of the power method; prints it to 9 decimals
package main

import (
	"fmt"
	"math"
)

func aEntry(i, j int) float64 {
	ij := i + j
	return 1.0 / float64(ij*(ij+1)/2+i+1)
}

// mulAv sets out = A v.
func mulAv(v, out []float64, n int) {
	for i := range n {
		s := 0.0
		for j := range n {
			s += aEntry(i, j) * v[j]
		}
		out[i] = s
	}
}

// mulAtv sets out = transpose(A) v.
func mulAtv(v, out []float64, n int) {
	for i := range n {
		s := 0.0
		for j := range n {
			s += aEntry(j, i) * v[j]
		}
		out[i] = s
	}
}

func mulAtAv(v, out, tmp []float64, n int) {
	mulAv(v, tmp, n)
	mulAtv(tmp, out, n)
}

func floats(n int, x float64) []float64 {
	a := make([]float64, n)
	for i := range a {
		a[i] = x
	}
	return a
}

func main() {
	const n = 800
	u, v, tmp := floats(n, 1.0), floats(n, 0.0), floats(n, 0.0)
	for range 10 {
		mulAtAv(u, v, tmp, n)
		mulAtAv(v, u, tmp, n)
	}
	vbv, vv := 0.0, 0.0
	for i := range n {
		vbv += u[i] * v[i]
		vv += v[i] * v[i]
	}
	fmt.Printf("%.9f\n", math.Sqrt(vbv/vv))
}
