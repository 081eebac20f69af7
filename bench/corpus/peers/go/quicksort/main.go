// quicksort: sort 1,500,000 ints from an LCG in place (recursive quicksort, Hoare
// partition around the middle element), check the order, and print the checksum
// sum of a[i] * i mod 1000000007
package main

import "fmt"

// lcg is the minimal standard generator (Park and Miller).
func lcg(x int) int { return x * 48271 % 2147483647 }

func randomArray(n, x int) []int {
	a := make([]int, n)
	for i := range a {
		x = lcg(x)
		a[i] = x
	}
	return a
}

func quicksort(a []int, lo, hi int) {
	if lo >= hi {
		return
	}
	pivot := a[(lo+hi)/2]
	l, h := lo, hi
	for l <= h {
		for a[l] < pivot {
			l++
		}
		for a[h] > pivot {
			h--
		}
		if l <= h {
			a[l], a[h] = a[h], a[l]
			l++
			h--
		}
	}
	quicksort(a, lo, h)
	quicksort(a, l, hi)
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
	const n = 1500000
	a := randomArray(n, 2024)
	quicksort(a, 0, n-1)
	checkSorted(a)
	fmt.Println(checksum(a))
}
