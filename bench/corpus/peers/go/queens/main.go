// queens: count the placements of N queens on an N x N board for N = 12, by
// backtracking over rows with three slices of flags (columns, both diagonals)
package main

import "fmt"

// place returns the number of ways to finish a board whose rows below row are placed.
func place(n, row int, cols, d1, d2 []bool) int {
	if row == n {
		return 1
	}
	count := 0
	for i := range n {
		if !cols[i] && !d1[row+i] && !d2[row-i+n-1] {
			cols[i], d1[row+i], d2[row-i+n-1] = true, true, true
			count += place(n, row+1, cols, d1, d2)
			cols[i], d1[row+i], d2[row-i+n-1] = false, false, false
		}
	}
	return count
}

func queens(n int) int {
	return place(n, 0, make([]bool, n), make([]bool, 2*n), make([]bool, 2*n))
}

func main() {
	fmt.Println(queens(12))
}
