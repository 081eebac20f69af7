// Command raft runs Raft programs: raft run, raft repl, raft disasm.
//
// It is thin: flags, files, exit codes and profile files; the work is done by
// the root package raft, the library, of which the command is the first user.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/raftvm/raft"
)

// Version is the release of this build.
const Version = "0.1.0"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1   // a runtime failure of the main actor
	exitUsage   = 2   // a compile error or bad command line
	exitMemory  = 3   // the process passed --max-memory
	exitTimeout = 124 // --timeout passed
)

const usage = `Raft is a concatenative language with Erlang-style actors.

Usage:
  raft run [flags] file.raft [args...]   run a program
  raft repl [limits]                     read, run and print, line by line
  raft disasm file.raft                  print the bytecode of a program
  raft --version                         print the version
  raft help                              print this help
  raft help words                        print every word with its stack effect

Flags of run:
  --jit                 compile hot functions and loops to native code (amd64, arm64)
  --jit=always          compile every function before it first runs (the test mode)
  --workers N           scheduler workers (default 0: one per CPU)
  --stats               print instruction, reduction, heap and actor counts on stderr at the end
  --profile out.pb.gz   write a pprof profile of the Raft words that ran
  --cpuprofile out.pprof  write a Go CPU profile of the runtime itself
  --timeout 10s         stop the program after this long (exit code 124)
  --seed N              seed random and random-float, so that runs repeat (default: a random seed)

Limits of run and repl (sizes in bytes or with K M G T; defaults from this machine's memory):
  --max-heap 1G         bytes of one actor's heap; past it the actor fails with :heap-limit
                        (default 1G, or a quarter of memory when that is less)
  --max-actors N        actors alive at once; a spawn past it fails with :system-limit
                        (default 2097152)
  --max-mailbox N       messages waiting for one actor; past it the actor ends with
                        :mailbox-limit (default 16777216)
  --max-memory 4G       bytes of the whole process; past it the program stops (exit code 3)
                        (default: three quarters of memory)

Exit codes: 0 ok, 1 runtime failure, 2 compile or usage error, 3 --max-memory passed,
124 timeout.
`

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// realMain is the whole command, with its streams passed in (tests call it).
func realMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "run":
		return cmdRun(args[1:], stdin, stdout, stderr)
	case "repl":
		return cmdRepl(args[1:], stdin, stdout, stderr)
	case "disasm":
		return cmdDisasm(args[1:], stdout, stderr)
	case "--version", "-version", "version":
		fmt.Fprintf(stdout, "raft %s\n", Version)
		return exitOK
	case "help", "--help", "-help", "-h":
		if len(args) > 1 && args[1] == "words" {
			fmt.Fprint(stdout, wordsHelp)
			return exitOK
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "raft: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// runFlags are the flags of raft run.
type runFlags struct {
	jit        jitMode
	workers    int
	stats      bool
	profile    string
	cpuprofile string
	timeout    time.Duration
	seed       *uint64 // --seed; nil: the program's random seed
	limits     limitFlags
}

func cmdRun(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var f runFlags
	fs.Var(&f.jit, "jit", "")
	fs.IntVar(&f.workers, "workers", 0, "")
	fs.BoolVar(&f.stats, "stats", false, "")
	fs.StringVar(&f.profile, "profile", "", "")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "")
	fs.DurationVar(&f.timeout, "timeout", 0, "")
	fs.Func("seed", "", func(s string) error {
		n, err := parseSeed(s)
		f.seed = &n
		return err
	})
	f.limits.define(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "raft run: no file given\n\n%s", usage)
		return exitUsage
	}
	if f.workers < 0 {
		fmt.Fprintf(stderr, "raft run: --workers must be at least 1 (0: one per CPU)\n")
		return exitUsage
	}
	return runProgram(fs.Arg(0), fs.Args()[1:], f, stdin, stdout, stderr)
}

// parseSeed reads the value of --seed: an integer, negative or up to
// 2^64-1, in any base a Raft literal may use (0x1F).
func parseSeed(s string) (uint64, error) {
	if n, err := strconv.ParseInt(s, 0, 64); err == nil {
		return uint64(n), nil
	}
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, fmt.Errorf("want an integer")
	}
	return n, nil
}

// jitMode is the value of --jit: off, hot (--jit) or always (--jit=always).
type jitMode string

func (j *jitMode) String() string   { return string(*j) }
func (j *jitMode) IsBoolFlag() bool { return true }
func (j *jitMode) Set(s string) error {
	switch s {
	case "true", "hot":
		*j = "hot"
	case "always":
		*j = "always"
	case "false", "off":
		*j = ""
	default:
		return fmt.Errorf("--jit takes no value, or always, hot or off")
	}
	return nil
}

// compileFile reads and compiles file with rt, reporting errors on stderr.
func compileFile(rt *raft.Runtime, file string, stderr io.Writer) (*raft.Program, int) {
	src, err := os.ReadFile(file)
	if err != nil {
		if fi, serr := os.Stat(file); serr == nil && fi.IsDir() {
			fmt.Fprintf(stderr, "raft: %s: is a directory, not a source file\n", file)
		} else {
			fmt.Fprintf(stderr, "raft: %v\n", strings.TrimPrefix(err.Error(), "open "))
		}
		return nil, exitUsage
	}
	prog, err := rt.Compile(file, string(src))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, exitUsage
	}
	return prog, exitOK
}

func cmdDisasm(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintf(stderr, "raft disasm: want one file\n\n%s", usage)
		return exitUsage
	}
	prog, code := compileFile(raft.New(), args[0], stderr)
	if prog == nil {
		return code
	}
	prog.Disasm(stdout)
	return exitOK
}
