// pingpong-tuple: 1,000,000 round trips of 2-element tuples, {ping, self} out
// and {pong, n} back; prints 1000000. A message is a struct of a tag and one
// field; each goroutine's channel is its mailbox, and the ping carries the
// sender's mailbox as Erlang's carries its pid.
package main

import "fmt"

const n = 1000000

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

func main() {
	self := make(chan msg)
	p := make(chan msg)
	go ponger(p)
	last := 0
	for i := 0; i < n; i++ {
		p <- msg{tag: ping, from: self}
		last = (<-self).n
	}
	fmt.Println(last)
}
