//go:build linux

package jit

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// mapping returns the permissions of the mapping that holds addr, and
// whether any mapping of the process is writable and executable.
func mapping(t *testing.T, addr uintptr) (perms string, wx []string) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Skip("no /proc/self/maps:", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var lo, hi uintptr
		var p string
		if _, err := fmt.Sscanf(sc.Text(), "%x-%x %s", &lo, &hi, &p); err != nil {
			continue
		}
		if lo <= addr && addr < hi {
			perms = p
		}
		if strings.Contains(p, "w") && strings.Contains(p, "x") {
			wx = append(wx, sc.Text())
		}
	}
	return perms, wx
}

// TestCodeNotWritable checks the W^X rule: code memory is written while it
// is not executable, then flipped to read-execute; no page of the process
// is ever writable and executable at once, and the code runs.
func TestCodeNotWritable(t *testing.T) {
	j := compileAll(t, ": sq dup * ; 7 sq")
	defer j.Close()
	for _, c := range j.codes {
		perms, wx := mapping(t, uintptr(unsafe.Pointer(&c.mem[0])))
		if perms != "r-xp" {
			t.Errorf("%s: code mapped %q, want r-xp", c.fn.Name, perms)
		}
		if len(wx) > 0 {
			t.Errorf("writable and executable mappings: %q", wx)
		}
	}
	perms, _ := mapping(t, uintptr(unsafe.Pointer(&j.glue[0])))
	if perms != "r-xp" {
		t.Errorf("glue mapped %q, want r-xp", perms)
	}
	// The compiled code runs: the result is the interpreter's.
	yes := true
	if out, rep, st := runWith(t, ": sq dup * ; 7 sq .", &yes); out != "49\n" || rep != "" {
		t.Errorf("native sq: %q %q %v", out, rep, st)
	}
}
