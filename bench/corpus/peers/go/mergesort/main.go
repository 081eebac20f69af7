// mergesort: top-down merge sort of 600,000 ints from an LCG that returns new
// slices (halves copied out, merged by appending); checks the order and prints the
// checksum sum of a[i] * i mod 1000000007
package main

import "fmt"

// lcg is the minimal standard generator (Park and Miller).
func lcg(x int) int { return x * 48271 % 2147483647 }

func randomArray(n, x int) []int {
	var a []int
	for range n {
		x = lcg(x)
		a = append(a, x)
	}
	return a
}

func merge(l, r []int) []int {
	var out []int
	p, q := 0, 0
	for p < len(l) && q < len(r) {
		x, y := l[p], r[q]
		if y < x {
			out = append(out, y)
			q++
		} else {
			out = append(out, x)
			p++
		}
	}
	out = append(out, l[p:]...)
	out = append(out, r[q:]...)
	return out
}

// slice copies a[from:to], as Raft's slice makes a new array.
func slice(a []int, from, to int) []int { return append([]int(nil), a[from:to]...) }

func mergesort(a []int) []int {
	if len(a) < 2 {
		return a
	}
	mid := len(a) / 2
	return merge(mergesort(slice(a, 0, mid)), mergesort(slice(a, mid, len(a))))
}

func checkSorted(a []int) {
	for i := 1; i < len(a); i++ {
		if a[i-1] > a[i] {
			panic("not sorted")
		}
	}
}

func checksum(a []int) int {
	s := 0
	for i, x := range a {
		s = (s + x*i) % 1000000007
	}
	return s
}

func main() {
	sorted := mergesort(randomArray(600000, 2024))
	checkSorted(sorted)
	fmt.Println(checksum(sorted))
}
