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

	"github.com/raftvm/raft/interp"
	"github.com/raftvm/raft/sched"
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

// unfinished reports whether a compile error only says that the input
// ended inside a definition, quotation or array, so more lines may finish it.
func unfinished(err error) bool {
	var ce *interp.Error
	if !errors.As(err, &ce) {
		return false
	}
	for _, s := range []string{": without ;", "[ without ]", "{ without }", "unterminated comment"} {
		if ce.Msg == s {
			return true
		}
	}
	return false
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
	s := newSession(stdout, stderr, lf.limits())
	defer s.close()
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(s.rt.Limits().Memory)) // as raft run does
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
		fn, cerr := s.prog.CompileMore("<repl>", []byte(src))
		if cerr != nil {
			if unfinished(cerr) {
				pending = src
				in.SetPrompt("  ... ")
				continue
			}
			fmt.Fprintln(stderr, cerr)
			pending = ""
			in.SetPrompt("raft> ")
			continue
		}
		pending = ""
		in.SetPrompt("raft> ")
		if !s.runLine(fn) {
			return exitMemory
		}
	}
	return exitOK
}

// session is one REPL: a program that grows line by line, its runtime and
// its long-lived main actor, whose links, monitors, name and mailbox persist
// between lines while the other actors keep running.
type session struct {
	prog   *interp.Program
	out    *interp.Output
	stderr io.Writer
	rt     *sched.Runtime
	main   *interp.Machine
}

// newSession starts a session. Its actors see an empty standard input
// (read-line gives nil, read-all ""): the REPL's input is its own lines,
// and a read taking one of them, or racing the prompt for it while
// actors run between lines, would make the session hard to follow.
func newSession(stdout, stderr io.Writer, limits sched.Limits) *session {
	prog := interp.NewProgram()
	out := interp.NewOutput(stdout)
	rt := sched.New(prog, sched.Options{Out: out, Stderr: stderr, Limits: limits}) // no Input: an empty one
	m := rt.Main()
	m.SetArgs(nil)
	return &session{prog: prog, out: out, stderr: stderr, rt: rt, main: m}
}

// runLine runs the top-level code of one line on the main actor, then
// prints the stack as .s does; after a failure it reports it and clears the
// stack (as gforth does), and the session goes on. Ctrl-C stops the line.
// It reports false when the process has passed its memory limit: the
// session's actors hold that memory, so the session ends.
func (s *session) runLine(fn uint32) bool {
	m := s.main
	if err := m.StartFunc(fn); err != nil {
		fmt.Fprintf(s.stderr, "raft: %v\n", err)
		return true
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	st, err := s.rt.RunMain(ctx)
	stop()
	s.out.Flush()
	switch {
	case err == sched.ErrMemoryLimit:
		fmt.Fprintln(s.stderr, outOfMemory(s.rt.Limits().Memory))
		return false
	case err != nil:
		fmt.Fprintln(s.stderr, "interrupted")
		m.Reset()
	case st == interp.StatusDone, st == interp.StatusExited && m.Failure == nil:
		s.out.Write([]byte(m.StackLine() + "\n"))
		s.out.Flush()
	case st == interp.StatusBlocked:
		fmt.Fprintln(s.stderr, msgDeadlock)
		m.Reset()
	default:
		fmt.Fprint(s.stderr, m.Failure.Report())
		m.Reset()
	}
	return true
}

func (s *session) close() {
	s.rt.Stop()
	s.out.Flush()
}
