package main

// This file reads and prints the limit flags of raft run: --max-heap,
// --max-actors, --max-mailbox and --max-memory (see raft.Limits).

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/raftvm/raft"
)

// sizeFlag is a byte count written as a number with an optional unit: K, M,
// G or T (powers of 1024; KB, KiB, MB, MiB ... mean the same), or none for
// bytes: 512M, 2G, 1.5G, 65536.
type sizeFlag struct{ n *int64 }

func (s sizeFlag) String() string {
	if s.n == nil || *s.n == 0 {
		return "default"
	}
	return formatSize(*s.n)
}

func (s sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s.n = n
	return nil
}

// units are the suffixes parseSize takes, by their first letter.
var units = map[byte]float64{'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}

// parseSize reads a sizeFlag's text; the count must be at least 1.
func parseSize(v string) (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	mul := 1.0
	for _, suffix := range []string{"IB", "B"} {
		if len(s) > len(suffix) && strings.HasSuffix(s, suffix) {
			s = strings.TrimSuffix(s, suffix)
			break
		}
	}
	if s != "" {
		if u, ok := units[s[len(s)-1]]; ok {
			mul, s = u, s[:len(s)-1]
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f*mul < 1 || f*mul > math.MaxInt64/2 {
		return 0, fmt.Errorf("want a size such as 512M or 2G (bytes, or K M G T for powers of 1024), not %q", v)
	}
	return int64(f * mul), nil
}

// formatSize prints n bytes in the largest unit that keeps it at least 1,
// to a tenth: 512 MiB, 1.5 GiB, 100 bytes.
func formatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size {
			x := strconv.FormatFloat(float64(n)/float64(u.size), 'f', 1, 64)
			return strings.TrimSuffix(x, ".0") + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// countFlag is a count of at least 1.
type countFlag struct{ n *int }

func (c countFlag) String() string {
	if c.n == nil || *c.n == 0 {
		return "default"
	}
	return strconv.Itoa(*c.n)
}

func (c countFlag) Set(v string) error {
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(v), "_", ""))
	if err != nil || n < 1 {
		return fmt.Errorf("want a whole number of at least 1, not %q", v)
	}
	*c.n = n
	return nil
}

// limitFlags are the limit flags as they were given (0: the default).
type limitFlags struct {
	heap, memory    int64
	actors, mailbox int
}

// define adds the limit flags to fs.
func (l *limitFlags) define(fs *flag.FlagSet) {
	fs.Var(sizeFlag{&l.heap}, "max-heap", "")
	fs.Var(sizeFlag{&l.memory}, "max-memory", "")
	fs.Var(countFlag{&l.actors}, "max-actors", "")
	fs.Var(countFlag{&l.mailbox}, "max-mailbox", "")
}

// options returns the flags as options of raft.New (a flag not given:
// the default).
func (l *limitFlags) options() []raft.Option {
	var o []raft.Option
	if l.heap > 0 {
		o = append(o, raft.MaxHeap(int(min(l.heap, math.MaxInt))))
	}
	if l.actors > 0 {
		o = append(o, raft.MaxActors(l.actors))
	}
	if l.mailbox > 0 {
		o = append(o, raft.MaxMailbox(l.mailbox))
	}
	if l.memory > 0 {
		o = append(o, raft.MaxMemory(l.memory))
	}
	return o
}

// outOfMemory is the line raft run and the REPL end with when the process
// passes --max-memory limit.
func outOfMemory(limit int64) string {
	return "raft: out of memory: the program passed --max-memory " + formatSize(limit)
}
