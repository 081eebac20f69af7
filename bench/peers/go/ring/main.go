// ring: 1000 goroutines in a ring pass a token 1,000,000 hops; prints 1000000.
// Each goroutine's channel is its mailbox; one token is in flight at a time.
package main

import "fmt"

const (
	n    = 1000
	hops = 1000000
)

func node(in <-chan int, next chan<- int, done chan<- int) {
	for c := range in {
		if c == hops {
			done <- c
			return
		}
		next <- c + 1
	}
}

func main() {
	mailboxes := make([]chan int, n)
	for i := range mailboxes {
		mailboxes[i] = make(chan int)
	}
	done := make(chan int)
	for i := 0; i < n; i++ {
		go node(mailboxes[i], mailboxes[(i+1)%n], done)
	}
	mailboxes[0] <- 0
	fmt.Println(<-done)
}
