package sched

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
)

// Operating system errors get Erlang's names.
func TestErrName(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}, "enoent"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, "eacces"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EPERM}, "eacces"},
		{&fs.PathError{Op: "read", Path: "x", Err: syscall.EISDIR}, "eisdir"},
		{&fs.PathError{Op: "read", Path: "x", Err: syscall.EIO}, "eio"},
		{os.ErrClosed, "eio"},
	} {
		if got := errName(c.err); got != c.want {
			t.Errorf("%v: %s, want %s", c.err, got, c.want)
		}
	}
}

// readLine splits lines as read-line does, and reads a long line to its end.
func TestReadLineSplits(t *testing.T) {
	br := bufio.NewReaderSize(strings.NewReader("a\r\n\na line longer than the buffer\nx\ry\r"), 16)
	var got []string
	for {
		line, eof, long, err := readLine(br, 5)
		if err != nil {
			t.Fatal(err)
		}
		if eof {
			break
		}
		got = append(got, fmt.Sprintf("%q/%v", line, long))
	}
	if s := strings.Join(got, " "); s != `"a"/false ""/false ""/true "x\ry"/false` {
		t.Errorf("lines %s", s)
	}
}
