// matmul: C = A B for 200 x 200 float matrices held as slices of rows,
// A(i,j) = (i - j) / (i + j + 1) and B(i,j) = (i + j) / n, repeated 6 times; prints the sum
// of C's elements (over the 6 rounds) to 6 decimals
package main

import "fmt"

func matrix(n int) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
	}
	return m
}

func fillA(m [][]float64, n int) {
	for i := range n {
		for j := range n {
			m[i][j] = float64(i-j) / float64(i+j+1)
		}
	}
}

func fillB(m [][]float64, n int) {
	for i := range n {
		for j := range n {
			m[i][j] = float64(i+j) / float64(n)
		}
	}
}

func multiply(a, b, c [][]float64, n int) {
	for i := range n {
		arow, crow := a[i], c[i]
		for j := range n {
			s := 0.0
			for k := range n {
				s = arow[k]*b[k][j] + s
			}
			crow[j] = s
		}
	}
}

func sumMatrix(m [][]float64) float64 {
	total := 0.0
	for _, row := range m {
		s := 0.0
		for _, x := range row {
			s += x
		}
		total += s
	}
	return total
}

func main() {
	const n = 200
	a, b, c := matrix(n), matrix(n), matrix(n)
	fillA(a, n)
	fillB(b, n)
	total := 0.0
	for range 6 {
		multiply(a, b, c, n)
		total += sumMatrix(c)
	}
	fmt.Printf("%.6f\n", total)
}
