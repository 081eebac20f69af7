// hof: closures passed to times, map, filter, fold and each: 1,500 rounds over the
// slice 0..9999, squaring (mod 1000), keeping the odd results, summing them and
// counting with each those above 500; prints the total over the rounds
package main

import "fmt"

func times(n int, f func()) {
	for range n {
		f()
	}
}

func each(a []int, f func(int)) {
	for _, x := range a {
		f(x)
	}
}

func mapInts(a []int, f func(int) int) []int {
	r := make([]int, len(a))
	for k, x := range a {
		r[k] = f(x)
	}
	return r
}

func filter(a []int, f func(int) bool) []int {
	var r []int
	for _, x := range a {
		if f(x) {
			r = append(r, x)
		}
	}
	return r
}

func fold(a []int, acc int, f func(int, int) int) int {
	for _, x := range a {
		acc = f(acc, x)
	}
	return acc
}

func rangeInts(n int) []int {
	var a []int
	times(n, func() { a = append(a, len(a)) })
	return a
}

func oddSquares(a []int) []int {
	return filter(mapInts(a, func(x int) int { return x * x % 1000 }), func(x int) bool { return x%2 == 1 })
}

func sum(a []int) int { return fold(a, 0, func(acc, x int) int { return acc + x }) }

func countAbove(a []int, k int) int {
	c := 0
	each(a, func(x int) {
		if x > k {
			c++
		}
	})
	return c
}

func oneRound(nums []int) int {
	odds := oddSquares(nums)
	return sum(odds) + countAbove(odds, 500)
}

func main() {
	nums := rangeInts(10000)
	total := 0
	times(1500, func() { total += oneRound(nums) })
	fmt.Println(total)
}
