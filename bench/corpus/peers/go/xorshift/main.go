// xorshift: 10,000,000 steps of the 32-bit xorshift PRNG (13 17 5) from seed
// 2463534242, folding each output into a sum mod 2^32 and a rotate-xor hash;
// prints sum xor hash
package main

import "fmt"

const mask32 = 0xFFFFFFFF

func nextRandom(x int) int {
	x = (x ^ x<<13) & mask32
	x ^= x >> 17
	x = (x ^ x<<5) & mask32
	return x
}

func rotl5(h int) int { return (h<<5 | h>>27) & mask32 }

func main() {
	x, sum, h := 2463534242, 0, 0
	for range 10000000 {
		x = nextRandom(x)
		sum = (sum + x) & mask32
		h = rotl5(h) ^ x
	}
	fmt.Println(sum ^ h)
}
