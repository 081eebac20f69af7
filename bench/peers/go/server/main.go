// server: 4 clients send 1,000,000 requests in all, {get key self} and
// {put key value self}, to a server holding 1000 ints, which answers
// {ok value}; prints 25400700000. Each goroutine's channel is its mailbox;
// a request carries the client's mailbox as Erlang's carries its pid.
package main

import "fmt"

const (
	slots    = 1000
	clients  = 4
	requests = 250000 // per client
)

type op int

const (
	get op = iota
	put
)

type request struct {
	op   op
	key  int
	val  int // set in a put
	from chan reply
}

type reply struct {
	ok  bool
	val int
}

// server holds an array of 1000 ints, slot i holding i at the start. A get
// answers the slot's value, a put stores the value and answers it.
func server(mailbox chan request) {
	var st [slots]int
	for i := range st {
		st[i] = i
	}
	for r := range mailbox {
		switch r.op {
		case put:
			st[r.key] = r.val
			r.from <- reply{true, r.val}
		case get:
			r.from <- reply{true, st[r.key]}
		}
	}
}

// client c uses the keys that are c mod 4, so that the clients' puts never
// touch each other's slots and the sum does not depend on the interleaving.
// Every fifth request is a put of the request number; the client sums the
// values answered and sends the sum to main.
func client(main chan int, srv chan request, c int) {
	self := make(chan reply)
	sum := 0
	for i := 0; i < requests; i++ {
		key := (i*13%250)*4 + c
		if i%5 == 0 {
			srv <- request{op: put, key: key, val: i, from: self}
		} else {
			srv <- request{op: get, key: key, from: self}
		}
		sum += (<-self).val
	}
	main <- sum
}

func main() {
	srv := make(chan request)
	done := make(chan int)
	go server(srv)
	for c := 0; c < clients; c++ {
		go client(done, srv, c)
	}
	total := 0
	for c := 0; c < clients; c++ {
		total += <-done
	}
	fmt.Println(total)
}
