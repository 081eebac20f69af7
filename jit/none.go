//go:build !amd64 && !arm64

package jit

// This file stands in for a back end on architectures without one: New
// works, and every function stays in the interpreter.

import "errors"

// Supported reports whether this build has a native back end.
const Supported = false

var (
	archGPRs, archFPRs []int16
)

const retAddrSize = 0

var errNoBackEnd = errors.New("jit: no back end for this architecture")

func assemble(f *function, a *alloc, c *code, fnIdx int) ([]byte, error) { return nil, errNoBackEnd }

func assembleGlue() ([]byte, int, error) { return nil, 0, errNoBackEnd }

func enter(code, st, nsp uintptr, gosp *uintptr) { panic(errNoBackEnd) }
