// pingpong: 1,000,000 round trips between two goroutines; prints 1000000
package main

import "fmt"

const n = 1000000

func main() {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	count := 0
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
		count++
	}
	fmt.Println(count)
}
