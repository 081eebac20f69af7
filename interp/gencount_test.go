package interp

import (
	"os/exec"
	"testing"
)

// TestRunCountingUpToDate checks that run_count.go was regenerated after
// the last change to run.go.
func TestRunCountingUpToDate(t *testing.T) {
	out, err := exec.Command("go", "run", "gencount.go", "-check").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
