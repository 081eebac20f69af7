//go:build amd64 || arm64

package jit

// enter runs native code at code on the native stack whose top is nsp,
// with the NativeState st in its register; the trampoline stores its own
// stack pointer in *gosp, where native code finds it to come back.
//
//go:noescape
func enter(code, st, nsp uintptr, gosp *uintptr)

// Supported reports whether this build has a native back end.
const Supported = true
