// fannkuch: the Benchmarks Game fannkuch-redux for n = 9; prints the checksum and
// the most flips
package main

import "fmt"

func reversePrefix(a []int, k int) {
	for lo, hi := 0, k; lo < hi; lo, hi = lo+1, hi-1 {
		a[lo], a[hi] = a[hi], a[lo]
	}
}

func countFlips(perm []int) int {
	flips := 0
	for k := perm[0]; k != 0; k = perm[0] {
		reversePrefix(perm, k)
		flips++
	}
	return flips
}

func fannkuch(n int) (checksum, maxFlips int) {
	perm1 := make([]int, n)
	for i := range perm1 {
		perm1[i] = i
	}
	count := make([]int, n)
	permCount := 0
	r := n
	for {
		for ; r != 1; r-- {
			count[r-1] = r
		}
		flips := countFlips(append([]int(nil), perm1...))
		maxFlips = max(flips, maxFlips)
		if permCount%2 == 0 {
			checksum += flips
		} else {
			checksum -= flips
		}
		// the next permutation: rotate the first r+1 elements until a count is left
		for {
			if r == n {
				return checksum, maxFlips
			}
			first := perm1[0]
			for i := 0; i < r; i++ {
				perm1[i] = perm1[i+1]
			}
			perm1[r] = first
			count[r]--
			if count[r] > 0 {
				break
			}
			r++
		}
		permCount++
	}
}

func main() {
	checksum, flips := fannkuch(9)
	fmt.Println(checksum, flips)
}
