package sysmem

import "testing"

// Total is at least the floor and at most what the machine has.
func TestTotal(t *testing.T) {
	n := Total()
	if n < 64<<20 {
		t.Fatalf("Total() = %d, below the 64 MiB floor", n)
	}
	if m := machine(); m > 0 && n > m {
		t.Errorf("Total() = %d, more than the machine's %d", n, m)
	}
	if as := addressSpace(); as > 0 && n > max(as/2, 64<<20) {
		t.Errorf("Total() = %d, more than half of RLIMIT_AS %d", n, as)
	}
}

// parseSize reads the decimal counts of /proc and /sys; "max" and junk are 0.
func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"123": 123, "0": 0, "max": 0, "": 0, "-5": 0, "12kB": 0} {
		if got := parseSize(in); got != want {
			t.Errorf("parseSize(%q) = %d, want %d", in, got, want)
		}
	}
}
