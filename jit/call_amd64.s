#include "textflag.h"

// func enter(code, st, nsp uintptr, gosp *uintptr)
//
// Native code runs on its own stack with the NativeState in R15. It comes
// back by loading SP from *gosp and jumping to the return address of the
// CALL below (it keeps it in the NativeState), so the RET returns to Go.
// Go's R14 and X15 are restored by the ABI wrapper around this function.
TEXT ·enter(SB), NOSPLIT, $0-32
	MOVQ code+0(FP), AX
	MOVQ st+8(FP), R15
	MOVQ nsp+16(FP), BX
	MOVQ gosp+24(FP), CX
	MOVQ SP, (CX)
	MOVQ BX, SP
	CALL AX
	RET
