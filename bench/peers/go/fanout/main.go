// fanout: a dispatcher hands 1,000,000 jobs (the digit sum of n) to 8
// workers, at most 4 in flight per worker, and sums the results; prints
// 27000000. Each goroutine's channel is its mailbox, buffered for the jobs
// (or results) that can be in flight to it, as an actor's mailbox holds them.
package main

import "fmt"

const (
	workers = 8
	window  = 4 // jobs in flight per worker
	jobs    = 1000000
)

type result struct {
	from int // the worker's index
	sum  int
}

func digitSum(n int) int {
	s := 0
	for n > 0 {
		s += n % 10
		n /= 10
	}
	return s
}

func worker(id int, mailbox <-chan int, d chan<- result) {
	for n := range mailbox {
		d <- result{id, digitSum(n)}
	}
}

// Each worker gets window jobs to start with; each result is answered with
// the next job for the worker that sent it, until all jobs are out.
func main() {
	d := make(chan result, workers*window)
	ws := make([]chan int, workers)
	for i := range ws {
		ws[i] = make(chan int, window)
		go worker(i, ws[i], d)
	}
	next := 0
	for k := 0; k < window; k++ {
		for _, w := range ws {
			w <- next
			next++
		}
	}
	sum := 0
	for k := 0; k < jobs; k++ {
		r := <-d
		sum += r.sum
		if next < jobs {
			ws[r.from] <- next
			next++
		}
	}
	fmt.Println(sum)
}
