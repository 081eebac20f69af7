package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/raftvm/raft"
)

// TestCount checks the example's table against counts made here in Go.
func TestCount(t *testing.T) {
	files := []string{"../hello.raft", "../fib.raft", "../queens.raft", "count.raft"}
	var want strings.Builder
	total := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := len(strings.Fields(string(b)))
		total += n
		fmt.Fprintf(&want, "%-24s%6d\n", f, n)
	}
	fmt.Fprintf(&want, "%-24s%6d\n", "total", total)
	var out bytes.Buffer
	if err := run(&out, files); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want.String())
	}
}

// TestMissingFile: a file that cannot be read fails the count with the
// Go error's text as the reason.
func TestMissingFile(t *testing.T) {
	err := run(&bytes.Buffer{}, []string{"../hello.raft", "no-such-file"})
	var f *raft.Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %v, want a *raft.Failure", err)
	}
	r, ok := f.Reason.([]any)
	if !ok || len(r) != 2 || r[0] != raft.Symbol("error") || !strings.Contains(r[1].(string), "no-such-file") {
		t.Errorf("reason %#v", f.Reason)
	}
}
