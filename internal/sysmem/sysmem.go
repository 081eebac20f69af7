// Package sysmem tells how much memory this process may use: the machine's
// memory, or less when a cgroup or an address-space limit says so. The
// runtime's default limits (sched.Options) are fractions of it.
package sysmem

import "strconv"

// fallback is what Total returns when nothing can be read.
const fallback = 8 << 30

// Total returns the bytes of memory this process may use: the least of the
// machine's memory, the cgroup's memory limit and half the address-space
// limit (RLIMIT_AS: the Go runtime maps more address space than it uses,
// and an arena that grows holds its old and new slab for a moment), each
// where there is one. It is at least 64 MiB.
func Total() int64 {
	n := machine()
	if n <= 0 {
		n = fallback
	}
	if c := cgroup(); c > 0 && c < n {
		n = c
	}
	if as := addressSpace(); as > 0 && as/2 < n {
		n = as / 2
	}
	return max(n, 64<<20)
}

// parseSize reads a decimal byte count as written in /proc and /sys
// ("max", an empty or bad text: 0).
func parseSize(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
