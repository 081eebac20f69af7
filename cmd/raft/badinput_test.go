package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The bad inputs of issue 19 that are too big, too binary or too
// file-system shaped for a golden script: each is made in t.TempDir() and
// run as raft run and raft disasm (in-process, so a Go panic or a stack
// overflow of the compiler fails the test binary). Small cases are goldens
// in testdata/ (compile-binary-bytes, compile-include-directory, ...).

// raft runs the command on args with empty stdin and returns the exit code,
// stdout and stderr, failing on any sign of a Go panic.
func runRaft(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := realMain(args, strings.NewReader(""), &stdout, &stderr)
	if s := stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") {
		t.Fatalf("raft %v: a Go panic:\n%.2000s", args, s)
	}
	return code, stdout.String(), stderr.String()
}

// writeFile writes data to name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// oneLineError matches a compile error: file:line:col: message, one line.
var oneLineError = regexp.MustCompile(`^[^\n]+:\d+:\d+: [^\n]+\n$`)

// wantCompileError checks that both run and disasm of path fail with exit
// code 2 and exactly want on stderr (a compile error), printing nothing.
func wantCompileError(t *testing.T, path, want string) {
	t.Helper()
	for _, cmd := range []string{"run", "disasm"} {
		code, out, errs := runRaft(t, cmd, path)
		if code != exitUsage || out != "" || errs != want {
			t.Errorf("raft %s %s: exit %d, stdout %.200q, stderr %.300q; want exit 2, no output, %q",
				cmd, filepath.Base(path), code, out, errs, want)
		}
	}
}

func TestBadInputFiles(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.raft")
	empty := writeFile(t, dir, "empty.raft", nil)
	for _, cmd := range []string{"run", "disasm"} {
		code, out, errs := runRaft(t, cmd, missing)
		if want := "raft: " + missing + ": no such file or directory\n"; code != exitUsage || out != "" || errs != want {
			t.Errorf("%s of a missing file: exit %d, %q %q; want 2, %q", cmd, code, out, errs, want)
		}
		code, out, errs = runRaft(t, cmd, dir)
		if want := "raft: " + dir + ": is a directory, not a source file\n"; code != exitUsage || out != "" || errs != want {
			t.Errorf("%s of a directory: exit %d, %q %q; want 2, %q", cmd, code, out, errs, want)
		}
	}
	// An empty program runs and does nothing (docs/language.md §1.1).
	if code, out, errs := runRaft(t, "run", empty); code != exitOK || out != "" || errs != "" {
		t.Errorf("run of an empty file: exit %d, %q %q; want 0 and nothing", code, out, errs)
	}
	if code, out, errs := runRaft(t, "disasm", empty); code != exitOK || !strings.Contains(out, "Return") || errs != "" {
		t.Errorf("disasm of an empty file: exit %d, %q %q; want 0 and a Return", code, out, errs)
	}
	// NULs, and an ELF header: one line, the bytes written as \xHH.
	nul := writeFile(t, dir, "nul.raft", []byte("\x00\x00\x00"))
	wantCompileError(t, nul, nul+`:1:1: unknown word "\0\0\0"`+"\n")
	elf := writeFile(t, dir, "elf.raft", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00"))
	wantCompileError(t, elf, elf+`:1:1: unknown word "\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0"`+"\n")
}

// TestBadInputRandomBytes: files of random bytes compile with one short
// error line with a position (or, rarely, run) and never panic.
func TestBadInputRandomBytes(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewSource(19))
	errs := 0
	for i := range 200 {
		data := make([]byte, 1+r.Intn(2000))
		r.Read(data)
		path := writeFile(t, dir, fmt.Sprintf("r%d.raft", i), data)
		code, _, stderr := runRaft(t, "run", "--timeout", "2s", path)
		switch code {
		case exitUsage:
			errs++
			if !oneLineError.MatchString(stderr) || !strings.HasPrefix(stderr, path+":") || len(stderr) > len(path)+200 {
				t.Errorf("random bytes %d: not one short error line with a position: %q", i, stderr)
			}
		case exitOK, exitFailure, exitTimeout:
		default:
			t.Errorf("random bytes %d: exit %d: %q", i, code, stderr)
		}
	}
	if errs < 150 {
		t.Errorf("only %d of 200 random files were compile errors", errs)
	}
}

// bigInputSize is the size of the file of ordinary code TestBadInputBig
// compiles and runs: 50 MB (issue 19's size) with RAFT_BIG_INPUT=1, else
// 8 MB, to spare the shared machine.
func bigInputSize() int {
	if os.Getenv("RAFT_BIG_INPUT") != "" {
		return 50 << 20
	}
	return 8 << 20
}

// TestBadInputBig: a big file of ordinary code compiles and runs, and a
// single 10 MB line of code, a 10 MB name and a 10 MB string do too (the
// name as a short error).
func TestBadInputBig(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	n := 0
	for b.Len() < bigInputSize() {
		fmt.Fprintf(&b, ": w%d ( n -- n ) dup 1+ swap drop ; # word %d\n%d w%d drop 1 2 + 3 * drop \"abc\" len drop\n", n, n, n, n)
		n++
	}
	b.WriteString("depth . \"end\" .\n")
	big := writeFile(t, dir, "big.raft", b.Bytes())
	if code, out, errs := runRaft(t, "run", big); code != exitOK || out != "0\nend\n" || errs != "" {
		t.Errorf("big file (%d words): exit %d, %q %.300q; want 0, \"0\\nend\\n\"", n, code, out, errs)
	}

	line := strings.Repeat("1 2 + drop ", 10<<20/11) + "42 .\n"
	if code, out, errs := runRaft(t, "run", writeFile(t, dir, "line.raft", []byte(line))); code != exitOK || out != "42\n" || errs != "" {
		t.Errorf("10 MB line: exit %d, %q %.300q", code, out, errs)
	}
	name := writeFile(t, dir, "name.raft", []byte("1 "+strings.Repeat("x", 10<<20)+"\n"))
	wantCompileError(t, name, name+`:1:3: unknown word "`+strings.Repeat("x", 80)+"...\n")
	str := writeFile(t, dir, "str.raft", []byte(`"`+strings.Repeat("y", 10<<20)+`" len .`+"\n"))
	if code, out, errs := runRaft(t, "run", str); code != exitOK || out != fmt.Sprint(10<<20, "\n") || errs != "" {
		t.Errorf("10 MB string: exit %d, %q %.300q", code, out, errs)
	}
}

// TestBadInputNesting: structures nest 10,000 deep and run; deeper is a
// compile error at the opening word past the limit, balanced or not, also
// a million deep (which overflowed the compiler's Go stack).
func TestBadInputNesting(t *testing.T) {
	const limit = 10000
	dir := t.TempDir()
	kinds := []struct {
		name, open, close, pre, post, out string
		at                                int // the opening word's offset in open
	}{
		{"quotation", "[ ", "] call ", "", "1 . ", "1\n", 0},
		{"array", "{ ", "} ", "", "", "1\n", 0},
		{"if", "true if ", "then ", "", "7 ", "7\n", 5},
		{"begin", "begin ", "true until ", "", "", "", 0},
		{"do", "1 0 do ", "loop ", "", "", "", 4},
	}
	for _, k := range kinds {
		k := k
		t.Run(k.name, func(t *testing.T) {
			src := func(n int, balanced bool) []byte {
				s := k.pre + strings.Repeat(k.open, n) + k.post
				if balanced {
					s += strings.Repeat(k.close, n)
				}
				if k.name == "array" && balanced {
					s += "len ."
				}
				return []byte(s + "\n")
			}
			ok := writeFile(t, dir, k.name+"-ok.raft", src(limit, true))
			want := k.out
			if code, out, errs := runRaft(t, "run", ok); code != exitOK || out != want || errs != "" {
				t.Errorf("%d deep: exit %d, %q %.300q; want 0, %q", limit, code, out, errs, want)
			}
			col := len(k.pre) + limit*len(k.open) + k.at + 1 // the opener past the limit
			for _, n := range []int{limit + 1, 100000, 1000000} {
				for _, balanced := range []bool{true, false} {
					if n == 1000000 && (!balanced || k.name != "quotation") {
						continue // a million deep only where it overflowed the Go stack
					}
					path := writeFile(t, dir, fmt.Sprintf("%s-%d-%v.raft", k.name, n, balanced), src(n, balanced))
					wantErr := fmt.Sprintf("%s:1:%d: nesting deeper than %d\n", path, col, limit)
					if k.name == "quotation" && !balanced {
						wantErr = path + ":1:1: [ without ]\n" // the outermost [ has no ]
					}
					wantCompileError(t, path, wantErr)
				}
			}
		})
	}
	// Mixed: [ { if begin do, again and again: 10,000 deep runs, one
	// more group is an error at its [.
	const group, closing = "[ { true if begin 1 0 do ", "loop true until then } drop ] call "
	mixed := func(g int) []byte {
		return []byte(strings.Repeat(group, g) + strings.Repeat(closing, g) + "\n")
	}
	if code, out, errs := runRaft(t, "run", writeFile(t, dir, "mixed-ok.raft", mixed(limit/5))); code != exitOK || out != "" || errs != "" {
		t.Errorf("mixed %d deep: exit %d, %q %.300q", limit, code, out, errs)
	}
	path := writeFile(t, dir, "mixed.raft", mixed(limit/5+1))
	wantCompileError(t, path, fmt.Sprintf("%s:1:%d: nesting deeper than %d\n", path, limit/5*len(group)+1, limit))
}

// TestReplBinaryLine: the REPL reports a line of binary bytes in one
// line and goes on.
func TestReplBinaryLine(t *testing.T) {
	out, errs := repl(t, "1 \x00\xff\n1 2 +\n")
	if want := "<repl>:1:3: unknown word \"\\0\\xff\"\n"; out != "<1> 3\n" || errs != want {
		t.Errorf("stdout %q, stderr %q; want %q, %q", out, errs, "<1> 3\n", want)
	}
}
