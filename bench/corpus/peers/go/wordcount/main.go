// wordcount: word frequencies of a 4.3 MB text in a map (the text of
// wordcount.raft: 600,000 words drawn from 20,000 made-up words by a 31-bit
// LCG, joined with spaces, split again and counted); prints the distinct
// words, the most frequent and its count
package main

import (
	"fmt"
	"math"
	"strings"
)

var syll = []string{"ka", "lo", "mi", "re", "tu", "sa", "no", "vi", "de", "pu", "ra", "en", "qu", "zo", "fa", "ti"}

func makeWord(r int64) string {
	w := ""
	for i := int64(0); i < (r>>20)%3+2; i++ {
		w += syll[(r>>(i*4))&15]
	}
	return w
}

func next(s int64) int64 { return (s*1103515245 + 12345) & 2147483647 }

func makeText() string {
	s := int64(42)
	vocab := make([]string, 20000)
	for i := range vocab {
		s = next(s)
		vocab[i] = makeWord(s)
	}
	text := make([]string, 600000)
	for i := range text {
		s = next(s)
		x := float64(s) / 2147483648.0
		text[i] = vocab[int(math.Trunc(x*x*x*20000.0))]
	}
	return strings.Join(text, " ")
}

func main() {
	m := map[string]int{}
	var order []string
	for _, w := range strings.Split(makeText(), " ") {
		if _, ok := m[w]; !ok {
			order = append(order, w)
		}
		m[w]++
	}
	best, n := "", 0
	for _, w := range order {
		if m[w] > n {
			best, n = w, m[w]
		}
	}
	fmt.Println(len(m), best, n)
}
