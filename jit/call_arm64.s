#include "textflag.h"

// func enter(code, st, nsp uintptr, gosp *uintptr)
//
// Native code runs on its own stack with the NativeState in R19. It comes
// back by loading RSP from *gosp and jumping to the return address of the
// CALL below (it keeps it in the NativeState), so the RET (after the
// epilogue the assembler adds for this frame) returns to Go.
TEXT ·enter(SB), NOSPLIT, $16-32
	MOVD code+0(FP), R16
	MOVD st+8(FP), R19
	MOVD nsp+16(FP), R17
	MOVD gosp+24(FP), R15
	MOVD RSP, R14
	MOVD R14, (R15)
	MOVD R17, RSP
	CALL (R16)
	RET
