// spawn: 1,000,000 goroutines each send 1 to the parent, which sums; prints 1000000.
// The parent's channel is its mailbox: buffered like an actor's mailbox, so a
// child's send does not wait for the parent to receive and the child ends at once.
package main

import "fmt"

const n = 1000000

func main() {
	mailbox := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() { mailbox <- 1 }()
	}
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-mailbox
	}
	fmt.Println(sum)
}
