package interp

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// TestRunNotBig checks that the Go compiler does not count run as a big
// function. Past that size (5000 nodes in Go 1.26) it inlines only the
// tiniest callees into it, and the loop's helpers (short, slot, Drop,
// charge, the accessors) become calls, with the registers spilled around
// them: one added case measured 38% more instructions on collatz. Move rare
// opcodes to cold before this fails.
func TestRunNotBig(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool: ", err)
	}
	out, err := exec.Command(goTool, "build", "-gcflags=-m=2", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`can inline short\b`).Match(out) {
		t.Fatalf("no inlining report in the output of go build -gcflags=-m=2:\n%.2000s", out)
	}
	for _, fn := range []string{`\(\*Machine\)\.run\b`, `\(\*Machine\)\.cold\b`} {
		if regexp.MustCompile(`function ` + fn + ` considered 'big'`).Match(out) {
			t.Errorf("the Go compiler counts %s as a big function", fn)
		}
	}
}
