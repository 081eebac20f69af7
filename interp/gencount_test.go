package interp

import (
	"os"
	"os/exec"
	"testing"
)

// TestRunCountingUpToDate checks that run_count.go was regenerated after
// the last change to run.go.
func TestRunCountingUpToDate(t *testing.T) {
	cmd := exec.Command("go", "run", "gencount.go", "-check")
	cmd.Env = append(os.Environ(), "GOARCH=", "GOOS=") // the generator runs on the host, also under qemu
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
