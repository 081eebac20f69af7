// permute: the Are-We-Fast-Yet permute benchmark for an array of 9: all orders by
// recursive swaps, counting calls, and at every full permutation adding
// 10 a[0] + a[8]; prints the call count and that sum
package main

import "fmt"

type stats struct{ calls, sum int }

func exchange(a []int, p, q int) { a[p], a[q] = a[q], a[p] }

func permute(a []int, st *stats, n int) {
	st.calls++
	if n == 0 {
		st.sum += a[0]*10 + a[len(a)-1]
		return
	}
	m := n - 1
	permute(a, st, m)
	for i := m; i >= 0; i-- {
		exchange(a, m, i)
		permute(a, st, m)
		exchange(a, m, i)
	}
}

func main() {
	const size = 9
	a := make([]int, size)
	for i := range a {
		a[i] = i
	}
	st := &stats{}
	permute(a, st, size)
	fmt.Println(st.calls, st.sum)
}
