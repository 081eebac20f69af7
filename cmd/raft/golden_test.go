package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGolden runs every testdata/*.raft through the command, as
// `raft run name.raft` from testdata/ with name.in (if any) as standard
// input, and compares stdout, stderr and the exit code with name.out,
// name.err and name.exit (see testdata/README.md).
// Each script runs three ways: in the interpreter, with --jit (hot code
// native) and with --jit=always (every function native from its first
// call): the same files, as wazero runs one spec suite on both engines.
func TestGolden(t *testing.T) { goldenDir(t, filepath.Join("..", "..", "testdata")) }

// TestExamples runs examples/*.raft as TestGolden runs testdata/: each
// example has its expected output beside it (and its input, if it reads
// standard input), so the examples of the README stay true.
func TestExamples(t *testing.T) { goldenDir(t, filepath.Join("..", "..", "examples")) }

// goldenDir runs the golden scripts of dir, each in every engine.
func goldenDir(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.raft"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden scripts in %s: %v", dir, err)
	}
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".raft")
		for _, mode := range engines {
			t.Run(name+"/"+mode.name, func(t *testing.T) { golden(t, name, mode.flags) })
		}
	}
}

// engines are the ways TestGolden runs each script.
var engines = []struct {
	name  string
	flags []string
}{
	{"interp", nil},
	{"jit", []string{"--jit"}},
	{"jit-always", []string{"--jit=always"}},
}

// golden runs one golden script with flags and compares what it does.
func golden(t *testing.T, name string, flags []string) {
	wantOut := readGolden(t, name+".out", true)
	wantErr := readGolden(t, name+".err", false)
	wantExit := 0
	if s := readGolden(t, name+".exit", false); s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatalf("%s.exit: %v", name, err)
		}
		wantExit = n
	}
	stdin := readGolden(t, name+".in", false)
	var stdout, stderr bytes.Buffer
	args := append(append([]string{"run", "--timeout", "20s"}, flags...), name+".raft")
	code := realMain(args, strings.NewReader(stdin), &stdout, &stderr)
	if code != wantExit {
		t.Errorf("exit code %d, want %d\nstderr:\n%s", code, wantExit, stderr.String())
	}
	if got := stdout.String(); got != wantOut {
		t.Errorf("stdout differs:\n%s", diff(wantOut, got))
	}
	if got := stderr.String(); got != wantErr {
		t.Errorf("stderr differs:\n%s", diff(wantErr, got))
	}
}

// readGolden returns the text of a golden file; "" when it is absent and optional.
func readGolden(t *testing.T, path string, required bool) string {
	b, err := os.ReadFile(path)
	if err != nil {
		if required || !os.IsNotExist(err) {
			t.Fatalf("reading %s: %v", path, err)
		}
		return ""
	}
	return string(b)
}

// diff shows want and got line by line, marking the lines that differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		mark := " "
		if wl != gl || i >= len(w) || i >= len(g) {
			mark = "!"
		}
		b.WriteString(mark + " want: " + strconv.Quote(wl) + "\n")
		if mark == "!" {
			b.WriteString("!  got: " + strconv.Quote(gl) + "\n")
		}
	}
	return b.String()
}
