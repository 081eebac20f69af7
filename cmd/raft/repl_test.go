package main

import (
	"bytes"
	"strings"
	"testing"
)

// repl runs raft repl with input piped in and returns stdout and stderr.
func repl(t *testing.T, input string) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := realMain([]string{"repl"}, strings.NewReader(input), &stdout, &stderr); code != 0 {
		t.Fatalf("raft repl exited %d; stderr:\n%s", code, stderr.String())
	}
	return stdout.String(), stderr.String()
}

func TestReplLines(t *testing.T) {
	tests := []struct {
		name, input, stdout, stderr string
	}{
		{"stack after each line", "1 2 +\n10\n", "<1> 3\n<2> 3 10\n", ""},
		{"definitions persist", ": sq dup * ;\n5 sq\n", "<0>\n<1> 25\n", ""},
		{"a definition over several lines", ": cube\n dup dup * * ;\n3 cube\n", "<0>\n<1> 27\n", ""},
		{"redefinition is seen by earlier words", ": a 1 ;\n: b a ;\n: a 2 ;\nb\n", "<0>\n<0>\n<0>\n<1> 2\n", ""},
		{"a constant redefined", "1 constant c\n: d c ;\n2 constant c\nd\n", "<0>\n<0>\n<0>\n<1> 2\n", ""},
		{"a word redefined as a constant", ": e 5 ;\n: g e ;\n9 constant e\ng\n", "<0>\n<0>\n<0>\n<1> 9\n", ""},
		{"an error clears the stack and the session goes on", "1 2\n0 /\n7\n", "<2> 1 2\n<1> 7\n", "error: :badarith in <main> at <repl>:1:3\n"},
		{"a compile error changes nothing", ": f 1 ;\n: f nope ;\nf\n", "<0>\n<1> 1\n", "<repl>:1:5: unknown word nope\n"},
		{"actors live across lines", "self :main register\n[ receive 1+ :main send ] spawn :w register\n41 :w send\nreceive\n", "<0>\n<0>\n<0>\n<1> 42\n", ""},
		{"the main actor receives across lines", "self 5 swap send\nreceive\n", "<0>\n<1> 5\n", ""},
		{"a word beyond LANGUAGE.md may be defined", ": reverse 1 ;\nreverse { 2 1 } sort\n", "<0>\n<2> 1 { 1 2 }\n", ""},
		{"a LANGUAGE.md word may not", ": map 1 ;\n", "", "<repl>:1:3: cannot redefine builtin word map\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs := repl(t, tc.input)
			if out != tc.stdout || errs != tc.stderr {
				t.Errorf("input %q\nstdout %q, want %q\nstderr %q, want %q", tc.input, out, tc.stdout, errs, tc.stderr)
			}
		})
	}
}

// TestReplLongLine: a piped line longer than 16 MB is skipped with a
// message, and the session goes on with the next line (bufio.Scanner
// ended the session there, silently, with exit code 0).
func TestReplLongLine(t *testing.T) {
	out, errs := repl(t, "nope\n"+strings.Repeat("x", maxLine+1)+"\n1 2 +\r\n")
	if want := "<repl>:1:1: unknown word nope\n" + errLineTooLong.Error() + "\n"; out != "<1> 3\n" || errs != want {
		t.Errorf("stdout %q, stderr %.300q; want %q, %q", out, errs, "<1> 3\n", want)
	}
}
