package gc

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugeMin is the slab size from which the kernel is asked for huge pages.
const hugeMin = 8 << 20

// adviseHuge asks Linux to back a large slab with transparent huge pages
// (where they are enabled "for madvise"): a 160 MB array otherwise takes
// 40,000 page faults as it is first written (0.65 s of system time for the
// sieve of 10M on this machine). The advice is only advice: an error is
// ignored, and the memory stays Go's.
func adviseHuge(p unsafe.Pointer, n uintptr) {
	if n < hugeMin {
		return
	}
	const page = 4096
	start := (uintptr(p) + page - 1) &^ (page - 1)
	end := (uintptr(p) + n) &^ (page - 1)
	if end <= start {
		return
	}
	unix.Madvise(unsafe.Slice((*byte)(unsafe.Add(p, start-uintptr(p))), end-start), unix.MADV_HUGEPAGE)
}
