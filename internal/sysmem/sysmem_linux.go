package sysmem

import (
	"bufio"
	"os"
	"strings"
	"syscall"
)

// machine returns MemTotal from /proc/meminfo, in bytes (0 if unknown).
func machine() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb := parseSize(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return kb << 10
		}
	}
	return 0
}

// cgroup returns the memory limit of this process's cgroup (v2, else v1),
// in bytes (0 if none).
func cgroup() int64 {
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		n := parseSize(strings.TrimSpace(string(b)))
		if n > 0 && n < 1<<60 { // v1 says "no limit" with a huge number
			return n
		}
	}
	return 0
}

// addressSpace returns the soft RLIMIT_AS in bytes (0 if unlimited: RLIM_INFINITY is all ones).
func addressSpace() int64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &r); err != nil || r.Cur > 1<<62 {
		return 0
	}
	return int64(r.Cur)
}
