// selective: 1000 request/reply rounds tagged with a fresh ref and answered
// through a selective receive while 10,000 unrelated messages stay queued;
// main prints the sum of the replies and of the queued messages, taken at the
// end in order; prints 332833500 49995000.
//
// Go channels have no selective receive, so main's mailbox is a channel and
// a slice of the messages taken from it but not yet wanted, oldest first;
// receiveMatch looks through the slice, then takes from the channel, keeping
// what does not match: the algorithm of Raft's receive-match.
package main

import "fmt"

const (
	queued   = 10000
	requests = 1000
)

type msg struct {
	tag string // "junk", "get", "reply"
	ref int
	n   int
	to  *mailbox // set in a get
}

type mailbox struct {
	ch    chan msg
	saved []msg
}

func newMailbox(size int) *mailbox { return &mailbox{ch: make(chan msg, size)} }

// receiveMatch takes the oldest message for which ok holds.
func (mb *mailbox) receiveMatch(ok func(msg) bool) msg {
	for i, m := range mb.saved {
		if ok(m) {
			mb.saved = append(mb.saved[:i], mb.saved[i+1:]...)
			return m
		}
	}
	for {
		m := <-mb.ch
		if ok(m) {
			return m
		}
		mb.saved = append(mb.saved, m)
	}
}

// receive takes the oldest message.
func (mb *mailbox) receive() msg {
	return mb.receiveMatch(func(msg) bool { return true })
}

// server answers {get ref n to} with {reply ref n*n}.
func server(mb *mailbox) {
	for {
		m := mb.receive()
		m.to.ch <- msg{tag: "reply", ref: m.ref, n: m.n * m.n}
	}
}

func main() {
	self := newMailbox(queued + 1)
	srv := newMailbox(1)
	go server(srv)
	for i := 0; i < queued; i++ {
		self.ch <- msg{tag: "junk", n: i}
	}
	nextRef := 0
	replies := 0
	for i := 0; i < requests; i++ {
		nextRef++
		r := nextRef
		srv.ch <- msg{tag: "get", ref: r, n: i, to: self}
		replies += self.receiveMatch(func(m msg) bool { return m.tag == "reply" && m.ref == r }).n
	}
	// The queued messages are all still there, in the order sent.
	junk := 0
	for i := 0; i < queued; i++ {
		m := self.receive()
		if m.tag != "junk" || m.n != i {
			panic("out of order")
		}
		junk += m.n
	}
	fmt.Println(replies, junk)
}
