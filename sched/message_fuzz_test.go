package sched_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
)

// messageProgram makes, from fuzz bytes, a program that builds a value of
// nested arrays, maps, strings, floats, ints, symbols and pids, with
// sharing (a local used twice) and cycles (an array set into itself or
// into an array it holds), sends it to an actor that sends it back, in one
// copy or two (the echo waits or runs), and prints whether what came back
// equals what went.
func messageProgram(data []byte) string {
	var b strings.Builder
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		c := data[0]
		data = data[1:]
		return c
	}
	const (
		other = iota
		array
		aMap
	)
	var kinds, lens []int // of the locals v0..v(n-1) made so far
	pick := func() string {
		if len(kinds) == 0 || next()%2 == 1 {
			return fmt.Sprint(next())
		}
		return fmt.Sprintf("v%d", int(next())%len(kinds))
	}
	for len(data) > 0 && len(kinds) < 24 {
		op, kind, n := next(), other, 0
		b.WriteString("  ")
		switch op % 9 {
		case 0:
			fmt.Fprintf(&b, "%d", int64(int8(next()))*1_000_003)
		case 1:
			fmt.Fprintf(&b, "%d.5", int8(next()))
		case 2:
			fmt.Fprintf(&b, "%q", strings.Repeat("ab", int(next()%9)))
		case 3:
			fmt.Fprintf(&b, ":s%d", next()%4)
		case 4:
			b.WriteString("self")
		case 5, 6: // an array of earlier locals and ints
			kind, n = array, int(next()%5)
			b.WriteString("{")
			for range n {
				b.WriteString(" " + pick())
			}
			b.WriteString(" }")
		case 7: // a map of small keys to earlier locals and ints
			kind = aMap
			b.WriteString("new-map")
			for range int(next() % 4) {
				fmt.Fprintf(&b, " dup %d %s put", next()%7, pick())
			}
		case 8: // a cycle, or sharing: a local set into an array or a map made before
			x := -1
			for i := range kinds {
				if (kinds[i] == array && lens[i] > 0 || kinds[i] == aMap) && next()%2 == 0 {
					x = i
				}
			}
			if x < 0 {
				b.WriteString("nil")
				break
			}
			y := pick()
			if kinds[x] == array {
				fmt.Fprintf(&b, "v%d %d %s set nil", x, int(next())%lens[x], y)
			} else {
				fmt.Fprintf(&b, "v%d :k %s put nil", x, y)
			}
		}
		fmt.Fprintf(&b, " | v%d |\n", len(kinds))
		kinds, lens = append(kinds, kind), append(lens, n)
	}
	if len(kinds) == 0 {
		b.WriteString("  0 | v0 |\n")
		kinds = append(kinds, other)
	}
	msg := fmt.Sprintf("{ v%d v0 }", len(kinds)-1)
	return "[ receive unpack drop | from m | { m } from send ] spawn | echo |\n" +
		"[ begin receive unpack drop send again ] spawn | echo2 |\n" +
		b.String() +
		msg + " | msg |\n{ self msg } echo send receive 0 get | back |\nback msg = .\n" +
		"{ msg self } echo2 send receive msg = .\n"
}

// FuzzMessages sends random nested values between actors and checks that
// what arrives equals what was sent, and that every heap is consistent
// after the run (gc.Heap.Verify with each machine's roots: the counts
// exact, nothing reachable freed).
func FuzzMessages(f *testing.F) {
	f.Add([]byte{5, 3, 1, 2, 3, 7, 2, 0, 1, 5, 6})
	f.Add([]byte{2, 4, 5, 2, 0, 0, 0, 0, 8, 1, 1, 8, 1, 0, 7, 3, 1, 1, 2, 2})
	f.Add([]byte{3, 1, 4, 1, 5, 4, 0, 0, 0, 0, 8, 0, 0, 6, 2, 0, 0, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 200 {
			return
		}
		src := messageProgram(data)
		prog, err := interp.Compile("msg.raft", []byte(src))
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		prog.Seed = 1
		var out bytes.Buffer
		o := interp.NewOutput(&out)
		rt := sched.New(prog, sched.Options{Workers: 2, Out: o})
		m := rt.Main()
		m.SetArgs(nil)
		if err := m.StartFunc(prog.Main); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		st, err := rt.RunMain(ctx)
		rt.Stop()
		o.Flush()
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		if st == interp.StatusFailed {
			// A value too deep to compare or copy is a clear failure, not a
			// wrong answer: only :heap-limit and :badarg may end the run.
			if r := m.Failure.Text; r != ":heap-limit" && r != ":badarg" && r != ":type" {
				t.Fatalf("failed: %s\n%s", m.Failure.Report(), src)
			}
		} else if got := out.String(); got != "true\ntrue\n" {
			t.Fatalf("got %.200q, want true twice\n%s", got, src)
		}
		if err := rt.VerifyHeaps(); err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
	})
}
