//go:build !linux

package sysmem

func machine() int64      { return 0 }
func cgroup() int64       { return 0 }
func addressSpace() int64 { return 0 }
