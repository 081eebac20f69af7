package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/chzyer/readline"

	"github.com/raftvm/raft"
)

// lineReader gives the REPL its input lines.
type lineReader interface {
	Readline() (string, error)
	SetPrompt(string)
	Close() error
}

// plainReader reads lines from a pipe or file, without prompts or editing.
type plainReader struct{ r *bufio.Reader }

// maxLine is the longest line the REPL reads from a pipe.
const maxLine = 16 << 20

// errLineTooLong reports a line longer than maxLine, which was skipped.
var errLineTooLong = errors.New("raft repl: line longer than 16 MB skipped")

// Readline returns the next line without its newline, or io.EOF. A line
// longer than maxLine is read to its end and dropped, with errLineTooLong:
// the session goes on with the next line (bufio.Scanner stopped there).
func (r plainReader) Readline() (string, error) {
	var line []byte
	long := false
	for {
		chunk, err := r.r.ReadSlice('\n')
		if !long && len(line)+len(chunk) <= maxLine+1 {
			line = append(line, chunk...)
		} else {
			long, line = true, nil
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if long {
			return "", errLineTooLong
		}
		if err != nil && len(line) == 0 {
			return "", err
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		return string(bytes.TrimSuffix(line, []byte("\r"))), nil
	}
}

// SetPrompt does nothing: a pipe gets no prompt.
func (plainReader) SetPrompt(string) {}

// Close does nothing.
func (plainReader) Close() error { return nil }

// newLineReader uses line editing with history when stdin is a terminal
// (github.com/chzyer/readline: cursor keys, history search, a history file;
// it does this better than a hand-written raw-mode editor would), and reads
// plain lines otherwise, so the REPL can be driven through a pipe.
func newLineReader(stdin io.Reader, stdout, stderr io.Writer) lineReader {
	if f, ok := stdin.(*os.File); ok && f == os.Stdin && readline.DefaultIsTerminal() {
		home, _ := os.UserHomeDir()
		rl, err := readline.NewEx(&readline.Config{
			Prompt:      "raft> ",
			HistoryFile: filepath.Join(home, ".raft_history"),
			Stdout:      stdout,
			Stderr:      stderr,
		})
		if err == nil {
			return rl
		}
	}
	return plainReader{bufio.NewReaderSize(stdin, 64<<10)}
}

func cmdRepl(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("repl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var lf limitFlags
	lf.define(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "raft repl: takes no arguments but the limit flags\n\n%s", usage)
		return exitUsage
	}
	in := newLineReader(stdin, stdout, stderr)
	defer in.Close()
	// The session's actors see an empty standard input (read-line gives
	// nil, read-all ""): the REPL's input is its own lines, and a read
	// taking one of them, or racing the prompt for it while actors run
	// between lines, would make the session hard to follow.
	rt := raft.New(append(lf.options(), raft.Output(stdout), raft.Errors(stderr))...)
	if err := defineCommandWords(rt); err != nil {
		fmt.Fprintf(stderr, "raft: %v\n", err)
		return exitFailure
	}
	s, err := rt.NewSession()
	if err != nil {
		fmt.Fprintf(stderr, "raft: %v\n", err)
		return exitFailure
	}
	defer s.Close()
	limits := rt.Limits()
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(limits.Memory)) // as raft run does
	pending := ""
	for {
		line, err := in.Readline()
		if err == readline.ErrInterrupt {
			pending = ""
			in.SetPrompt("raft> ")
			continue
		}
		if err == errLineTooLong {
			fmt.Fprintln(stderr, err)
			continue
		}
		if err != nil {
			break
		}
		src := line
		if pending != "" {
			src = pending + "\n" + line
		}
		if strings.TrimSpace(src) == "" {
			continue
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt) // Ctrl-C stops the line
		stack, err := s.Eval(ctx, "<repl>", src)
		stop()
		var ce *raft.CompileError
		if errors.As(err, &ce) && ce.Unfinished {
			pending = src
			in.SetPrompt("  ... ")
			continue
		}
		pending = ""
		in.SetPrompt("raft> ")
		if !reportLine(stack, err, limits, stdout, stderr) {
			return exitMemory
		}
	}
	return exitOK
}

// reportLine prints what a line gave: the stack as .s shows it, or its
// error (after a failure the session has cleared the stack). It reports
// false when the process has passed its memory limit: the session's actors
// hold that memory, so the session ends.
func reportLine(stack string, err error, limits raft.Limits, stdout, stderr io.Writer) bool {
	var fail *raft.Failure
	switch {
	case err == nil:
		fmt.Fprintln(stdout, stack)
	case err == raft.ErrMemoryLimit:
		fmt.Fprintln(stderr, outOfMemory(limits.Memory))
		return false
	case errors.As(err, &fail):
		fmt.Fprintln(stderr, fail.Error())
	case err == context.Canceled:
		fmt.Fprintln(stderr, "interrupted")
	default: // a compile error, ErrDeadlock
		fmt.Fprintln(stderr, err)
	}
	return true
}
