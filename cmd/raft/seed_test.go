package main

import (
	"strings"
	"testing"
)

// --seed makes random and random-float repeat from run to run, in every
// mode and in every actor (each has its own generator, seeded from the
// seed and its pid); another seed, or none, gives other numbers.
func TestSeedRepeats(t *testing.T) {
	path := writeScript(t, ": roll ( -- ) 8 0 do 1000000 random print \" \" print loop random-float . ;\n"+
		"roll ' roll spawn drop 50 sleep\n")
	run := func(args ...string) string {
		t.Helper()
		code, out, errs := runCmd(append(append([]string{"run"}, args...), path)...)
		if code != 0 || errs != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
		}
		if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || lines[0] == lines[1] {
			t.Fatalf("%v: want two different lines, one per actor, got %q", args, out)
		}
		return out
	}
	first := run("--seed", "42")
	for _, args := range [][]string{{"--seed", "42"}, {"--seed=0x2a"}, {"--jit=always", "--seed", "42"}, {"--workers", "1", "--seed", "42"}} {
		if got := run(args...); got != first {
			t.Errorf("%v: %q, want %q as with --seed 42", args, got, first)
		}
	}
	if got := run("--seed", "43"); got == first {
		t.Errorf("--seed 43 gives the numbers of --seed 42: %q", got)
	}
	if run() == run() {
		t.Errorf("two runs without --seed gave the same numbers")
	}
	run("--seed", "-1")
	run("--seed", "18446744073709551615")
	for _, bad := range []string{"x", "1.5", "18446744073709551616", ""} {
		if code, _, errs := runCmd("run", "--seed", bad, path); code != exitUsage || !strings.Contains(errs, "want an integer") {
			t.Errorf("--seed %q: exit %d, stderr %q; want %d and a usage error", bad, code, errs, exitUsage)
		}
	}
}
