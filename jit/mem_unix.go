//go:build unix

package jit

// This file holds the memory native code lives in: its code, mapped
// writable to be filled and then read-execute (never both), and the native
// stacks it runs on.

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapCode returns memory holding code, readable and executable, not
// writable.
func mapCode(code []byte) ([]byte, error) {
	page := unix.Getpagesize()
	n := (len(code) + page - 1) / page * page
	mem, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, err
	}
	copy(mem, code)
	if err := unix.Mprotect(mem, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		unix.Munmap(mem)
		return nil, err
	}
	return mem[:len(code)], nil
}

// unmapCode frees code memory from mapCode.
func unmapCode(mem []byte) {
	page := unix.Getpagesize()
	unix.Munmap(mem[:(cap(mem)+page-1)/page*page])
}

// stackSize is the size of one native stack. Its pages are taken from the
// system only when used; a run that reaches its end goes on in the
// interpreter.
const stackSize = 16 << 20

// nstack is one native stack, with an unmapped guard page below it.
type nstack struct {
	mem   []byte
	index int // in JIT.all
}

func newStack() (*nstack, error) {
	page := unix.Getpagesize()
	mem, err := unix.Mmap(-1, 0, stackSize+page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return nil, err
	}
	if err := unix.Mprotect(mem[:page], unix.PROT_NONE); err != nil {
		unix.Munmap(mem)
		return nil, err
	}
	return &nstack{mem: mem}, nil
}

// top returns the address just above the stack, 16-byte aligned.
func (s *nstack) top() uintptr {
	return (uintptr(unsafe.Pointer(&s.mem[0])) + uintptr(len(s.mem))) &^ 15
}

func (s *nstack) free() { unix.Munmap(s.mem) }
