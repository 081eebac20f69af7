// restarts: a permanent child that crashes as soon as it starts, restarted by
// a one-for-one supervisor of high intensity until it has been restarted
// 20,000 times; prints 20000.
//
// The child is a goroutine that tells main it has started, then panics; its
// deferred recover sends the reason to the supervisor, as a link delivers an
// exit signal. The supervisor counts restarts as OTP's (and Raft's) do: it
// keeps the times of the restarts within the period, drops the older ones at
// each restart, and gives up when more than the intensity remain.
package main

import (
	"fmt"
	"os"
	"time"
)

const (
	restarts  = 20000
	intensity = 1000000000
	period    = int64(1000 * time.Millisecond)
)

type exit struct{ reason any }

func child(main chan<- struct{}, exits chan<- exit) {
	defer func() { exits <- exit{recover()} }()
	main <- struct{}{}
	panic("crash")
}

func supervisor(main chan<- struct{}) {
	exits := make(chan exit, 1)
	start := time.Now()
	var times []int64 // the restarts within the period (ns since start), oldest first
	go child(main, exits)
	for range exits {
		now := int64(time.Since(start))
		keep := times[:0]
		for _, t := range times {
			if now-t <= period {
				keep = append(keep, t)
			}
		}
		times = append(keep, now)
		if len(times) > intensity {
			fmt.Fprintln(os.Stderr, "supervisor: shutdown")
			os.Exit(1)
		}
		go child(main, exits)
	}
}

func main() {
	started := make(chan struct{}, 1)
	go supervisor(started)
	<-started // the first start is not a restart
	n := 0
	for n < restarts {
		<-started
		n++
	}
	fmt.Println(n)
}
