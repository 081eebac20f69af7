// Command embed shows Raft inside a Go program: it defines two words in Go
// (word-count, quick, and slurp, which reads a file and so may block), then
// runs count.raft, whose actors use them, one actor per file.
//
//	go run ./examples/embed                 # counts the words of a few files of examples/
//	go run ./examples/embed a.txt b.txt     # or of the files given
package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/raftvm/raft"
)

//go:embed count.raft
var countSrc string

// defaultFiles are counted when no file is named.
var defaultFiles = []string{"examples/hello.raft", "examples/fib.raft", "examples/queens.raft", "examples/wordfreq.in"}

func main() {
	files := os.Args[1:]
	if len(files) == 0 {
		files = defaultFiles
	}
	if err := run(os.Stdout, files); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run counts the words of files with count.raft, printing to out.
func run(out io.Writer, files []string) error {
	rt := raft.New(raft.Output(out), raft.Errors(os.Stderr))

	// word-count ( s -- n ): quick, so it runs on the actor's worker.
	err := rt.Define("word-count", raft.Word{In: 1, Out: 1, Fn: func(c *raft.Call) error {
		s, err := c.String(0)
		if err != nil {
			return err
		}
		return c.Push(len(strings.Fields(s)))
	}})
	if err != nil {
		return err
	}
	// slurp ( path -- s ): reads a file. Blocking, so it runs on a
	// goroutine of its own while the actor waits and the other actors
	// run. A missing file fails the actor with { :error "..." }.
	err = rt.Define("slurp", raft.Word{In: 1, Out: 1, Blocking: true, Fn: func(c *raft.Call) error {
		path, err := c.String(0)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return c.Push(string(b))
	}})
	if err != nil {
		return err
	}

	prog, err := rt.Compile("count.raft", countSrc)
	if err != nil {
		return err
	}
	defer prog.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = rt.Run(ctx, prog, files...)
	return err
}
