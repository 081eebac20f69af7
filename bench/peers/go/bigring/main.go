// bigring: 100 goroutines in a ring pass a message {hop, array of 1000 ints}
// 100,000 hops; main then prints the hop count and a weighted checksum of the
// array; prints 100000 333333000. The array is a Go array value, so each send
// on a channel copies its 1000 ints, as an actor message is copied. Each
// goroutine's unbuffered channel is its mailbox (one message is in flight).
package main

import "fmt"

const (
	n        = 100
	elements = 1000
	hops     = 100000
)

type msg struct {
	hop int
	a   [elements]int
}

// node forwards the message with the hop count one more, until it has gone
// hops hops in all; the node that sees the last hop sends it to main.
func node(in <-chan msg, next chan<- msg, done chan<- msg) {
	for m := range in {
		if m.hop == hops {
			done <- m
			return
		}
		m.hop++
		next <- m
	}
}

func main() {
	mailboxes := make([]chan msg, n)
	for i := range mailboxes {
		mailboxes[i] = make(chan msg)
	}
	done := make(chan msg)
	for i := 0; i < n; i++ {
		go node(mailboxes[i], mailboxes[(i+1)%n], done)
	}
	var m msg
	for i := range m.a {
		m.a[i] = i
	}
	mailboxes[0] <- m
	b := <-done
	// The checksum weighs element i by i + 1, so that a reordering shows.
	sum := 0
	for i, x := range b.a {
		sum += x * (i + 1)
	}
	fmt.Println(b.hop, sum)
}
