// pairs-tuple: 4 independent ping-pong pairs, 250,000 round trips each of
// 2-element tuples, {ping, self} out and {pong, n} back; main sums the pairs'
// last counts; prints 1000000. A message is a struct of a tag and one field;
// each goroutine's channel is its mailbox.
package main

import "fmt"

const (
	pairs = 4
	n     = 250000 // per pair
)

type tag int

const (
	ping tag = iota
	pong
)

type msg struct {
	tag  tag
	from chan msg // set in a ping
	n    int      // set in a pong
}

// ponger counts the pings it answers and sends the count back.
func ponger(mailbox chan msg) {
	count := 0
	for m := range mailbox {
		count++
		m.from <- msg{tag: pong, n: count}
	}
}

// pinger makes its own ponger, plays its round trips and sends main the last
// count.
func pinger(main chan<- int) {
	self := make(chan msg)
	p := make(chan msg)
	go ponger(p)
	last := 0
	for i := 0; i < n; i++ {
		p <- msg{tag: ping, from: self}
		last = (<-self).n
	}
	main <- last
}

func main() {
	done := make(chan int)
	for i := 0; i < pairs; i++ {
		go pinger(done)
	}
	sum := 0
	for i := 0; i < pairs; i++ {
		sum += <-done
	}
	fmt.Println(sum)
}
