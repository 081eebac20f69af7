package interp

// This file defines the bytecode: the opcodes and the one table that
// describes them. The compiler, the verifier, the disassembler and
// docs/bytecode.md all read opTable; adding an opcode is one constant, one
// table row and one case in run.go.

import "fmt"

// Op is a bytecode opcode. Code is a byte slice: an opcode byte followed by
// its operands, little endian, of the widths opTable gives.
type Op uint8

// The opcodes. Each comment gives the stack effect ( before -- after ), top
// rightmost, then the operands. ORDER OP: keep opTable in step.
const (
	// Stack.
	PushConst Op = iota // -- k                ; v: the value k, inline (never a heap value)
	Pop                 // x --                ; (drop)
	Dup                 // x -- x x
	Swap                // a b -- b a
	Peek                // xn..x0 n -- xn..x0 xn ; (pick)
	Over                // a b -- a b a
	Rot                 // a b c -- b c a
	MinusRot            // a b c -- c a b
	Nip                 // a b -- b
	Tuck                // a b -- b a b
	TwoDup              // a b -- a b a b
	TwoDrop             // a b --
	TwoSwap             // a b c d -- c d a b
	Depth               // -- n

	// Arithmetic.
	Add // a b -- a+b       ; ints wrap; a float operand gives a float; strings concatenate
	Sub // a b -- a-b
	Mul // a b -- a*b
	Div // a b -- a/b       ; ints truncate toward zero; int by zero is :badarith
	Mod // a b -- a mod b   ; floored: the sign of b
	Neg // a -- -a
	Exp // a b -- a**b      ; int**non-negative int is an int, else a float
	Inc // a -- a+1         ; (1+)
	Dec // a -- a-1         ; (1-)
	Abs // a -- |a|
	Min // a b -- min
	Max // a b -- max

	// Comparison and logic.
	Eq     // a b -- bool     ; structural
	Ne     // a b -- bool
	Lt     // a b -- bool     ; numbers with numbers, strings with strings
	Gt     // a b -- bool
	Le     // a b -- bool
	Ge     // a b -- bool
	Not    // x -- bool       ; true when x is false or nil
	And    // a b -- c        ; bools: logical; ints: bitwise
	Or     // a b -- c
	Xor    // a b -- c
	Invert // n -- ^n
	Lshift // n k -- n<<k
	Rshift // n k -- n>>k     ; arithmetic
	ZeroEq // n -- bool       ; (0=)
	ZeroLt // n -- bool       ; (0<)

	// Control.
	Jump        // --                 ; rel target
	JumpIfFalse // x --               ; rel target: jumps when x is false or nil
	Call        // ... -- ...         ; u32 f: calls function f
	CallQuot    // ... q -- ...       ; (call) runs quotation q
	Return      // --                 ; returns from the current function

	// Locals and loops. A do loop keeps its index in local slot s and its
	// limit in slot s+1 (hidden locals), so i and j are LocalGet.
	LocalGet   // -- x                 ; u16 slot
	LocalSet   // x --                 ; u16 slot (to, and | a b | binding)
	DoInit     // limit start --       ; u16 s, rel exit: no pass when start >= limit
	DoInitStep // limit start --       ; u16 s, rel exit: no pass when start = limit (+loop)
	Loop       // --                   ; u16 s, rel body: i++, jumps back while i < limit
	PlusLoop   // step --              ; u16 s, rel body: i+=step, jumps back while not past the limit

	// Arrays.
	Mark      // --                  ; u16 s: remembers the depth in slot s ({)
	MakeArray // x1..xn -- arr       ; u16 s: an array of what was pushed since Mark s (})
	Get       // arr i -- x
	Set       // arr i x --
	Push      // arr x --
	ArrPop    // arr -- x            ; (pop)
	Len       // arr|str -- n

	// Words written in Go.
	Builtin // ... -- ...              ; u16 b: runs builtins[b]

	// Actors.
	SpawnActor     // q -- pid
	SendMessage    // msg pid|name --
	ReceiveMessage // -- msg          ; waits while the mailbox is empty

	// Supervisors.
	SpawnSupervisor // specs strategy -- pid
	SetStrategy     // sup strategy --
	RestartChild    // sup name -- pid

	// Superinstructions. An opcode fused with the one before it, chosen
	// from opcode-pair counts on bench/ (raft run --stats): PushConst then
	// a binary op was 18% of all pairs, a comparison then JumpIfFalse 11%.
	// The compiler fuses them when no jump lands between the two.
	AddK             // a -- a+k           ; v k (PushConst k, Add)
	SubK             // a -- a-k           ; v k (PushConst k, Sub)
	MulK             // a -- a*k           ; v k (PushConst k, Mul)
	DivK             // a -- a/k           ; v k (PushConst k, Div)
	ModK             // a -- a mod k       ; v k (PushConst k, Mod)
	EqK              // a -- bool          ; v k (PushConst k, Eq)
	NeK              // a -- bool          ; v k (PushConst k, Ne)
	LtK              // a -- bool          ; v k (PushConst k, Lt)
	GtK              // a -- bool          ; v k (PushConst k, Gt)
	LeK              // a -- bool          ; v k (PushConst k, Le)
	GeK              // a -- bool          ; v k (PushConst k, Ge)
	JumpIfNotEq      // a b --     ; rel: jumps unless a = b (Eq, JumpIfFalse)
	JumpIfNotNe      // a b --     ; rel (Ne, JumpIfFalse)
	JumpIfNotLt      // a b --     ; rel (Lt, JumpIfFalse)
	JumpIfNotGt      // a b --     ; rel (Gt, JumpIfFalse)
	JumpIfNotLe      // a b --     ; rel (Le, JumpIfFalse)
	JumpIfNotGe      // a b --     ; rel (Ge, JumpIfFalse)
	JumpIfNotEqK     // a --       ; v k, rel: jumps unless a = k (EqK, JumpIfFalse)
	JumpIfNotNeK     // a --       ; v k, rel (NeK, JumpIfFalse)
	JumpIfNotLtK     // a --       ; v k, rel (LtK, JumpIfFalse)
	JumpIfNotGtK     // a --       ; v k, rel (GtK, JumpIfFalse)
	JumpIfNotLeK     // a --       ; v k, rel (LeK, JumpIfFalse)
	JumpIfNotGeK     // a --       ; v k, rel (GeK, JumpIfFalse)
	DupJumpIfNotEqK  // a -- a  ; v k, rel: jumps unless a = k, keeps a (Dup, JumpIfNotEqK)
	DupJumpIfNotNeK  // a -- a  ; v k, rel (Dup, JumpIfNotNeK)
	DupJumpIfNotLtK  // a -- a  ; v k, rel (Dup, JumpIfNotLtK)
	DupJumpIfNotGtK  // a -- a  ; v k, rel (Dup, JumpIfNotGtK)
	DupJumpIfNotLeK  // a -- a  ; v k, rel (Dup, JumpIfNotLeK)
	DupJumpIfNotGeK  // a -- a  ; v k, rel (Dup, JumpIfNotGeK)
	AddLocal         // a -- a+l ; u16 slot (LocalGet, Add)
	GetLocal         // arr -- x ; u16 slot: x = arr[l] (LocalGet, Get)
	LocalGet2        // -- x y   ; u16 slot, u16 slot (LocalGet, LocalGet)
	SetK             // arr i -- ; v k: arr[i] = k (PushConst k, Set)
	JumpIfTrue       // x --     ; rel: jumps unless x is false or nil (Not, JumpIfFalse)
	SwapInc          // a b -- b a+1 (Swap, Inc)
	IncNos           // a b -- a+1 b (SwapInc, Swap: "swap 1+ swap", a counter under the top)
	LocalsGet        // -- x     ; u16 slot a, u16 slot i: x = a[i], both locals (LocalGet2, Get)
	LocalsSetK       // --       ; u16 slot a, u16 slot i, v k: a[i] = k, a and i locals (LocalGet2, SetK)
	PlusLoopLocal    // --       ; u16 slot, u16 s, rel body: +loop by the local in slot (LocalGet, PlusLoop)
	DupDec           // a -- a a-1 (Dup, Dec: "dup 1-", the argument of a recursive call)
	ReturnIfEqK      // a -- a  ; v k: returns when a = k (DupJumpIfNotEqK over a Return: "dup 0 = if return then")
	ReturnIfNeK      // a -- a  ; v k (DupJumpIfNotNeK over a Return)
	ReturnIfLtK      // a -- a  ; v k (DupJumpIfNotLtK over a Return: "dup 2 < if return then", a recursion's base case)
	ReturnIfGtK      // a -- a  ; v k (DupJumpIfNotGtK over a Return)
	ReturnIfLeK      // a -- a  ; v k (DupJumpIfNotLeK over a Return)
	ReturnIfGeK      // a -- a  ; v k (DupJumpIfNotGeK over a Return)
	AddIndexLoop     // a -- a+i ; u16 s, rel body: + the loop's own index, then loop (AddLocal, Loop: "i + loop")
	JumpIfLocalsTrue // --      ; u16 slot a, u16 slot i, rel: jumps unless a[i] is false or nil, both locals (LocalsGet, JumpIfTrue: "a i get not if")
	GetK             // arr -- x ; v k: x = arr[k] (PushConst k, Get: "0 get", a field of a record)
	LocalGetK        // -- x     ; u16 slot a, v k: x = a[k], the array a local (LocalGet, GetK: "p 0 get")
	LoopStep         // --       ; u16 s, rel exit: a loop unrolled twice, its first half: i += 1, leave when i = limit (no reduction)
	AddIndexStep     // a -- a+i ; u16 s, rel exit: the first half of an unrolled AddIndexLoop: + i, i += 1, leave when i = limit

	// Words written in Go by the program's embedder (package raft's Define).
	CallHost // ... -- ...          ; u16 w: runs the program's host word w

	// Maps (rarer than arrays in loops: cold; an opcode each so that a
	// count or an update costs no builtin call).
	MapAt  // m k -- v|nil          ; (at)
	MapPut // m k v --              ; (put)

	// A superinstruction added after the maps, so that the opcodes above
	// keep their numbers.
	LocalJumpIfNotEqK // --  ; u16 slot, v k, rel: jumps unless the local = k (LocalGet, JumpIfNotEqK: "tag :add = if", "n 0 = if")

	numOps
)

// Notes.
//   - Operands: u16 and u32 are unsigned little endian; rel is an i32 jump
//     offset from the start of the instruction; v is a value stored inline,
//     its kind byte then its 8-byte payload.
//   - Calls and backward jumps (Jump, JumpIfFalse, Loop, PlusLoop to a lower
//     pc) charge the reduction budget; they are the only places an actor is
//     preempted. DoInit and DoInitStep only jump forward.
//   - Builtin, CallHost, CallQuot, Peek and MakeArray have effects that depend on
//     values; the table gives their fixed part.

// operand widths
type operand uint8

const (
	oNone        operand = iota
	oU16                 // a u16
	oU32                 // a u32
	oRel                 // an i32 jump offset
	oValue               // an inline value: kind byte, 8-byte payload
	oU16Rel              // a u16 slot then an i32 jump offset
	oValueRel            // an inline value then an i32 jump offset
	oU16U16              // two u16 slots
	oU16U16Value         // two u16 slots then an inline value
	oU16U16Rel           // two u16 slots then an i32 jump offset
	oU16Value            // a u16 slot then an inline value
	oU16ValueRel         // a u16 slot, an inline value, then an i32 jump offset
)

var operandSize = [...]int{oNone: 0, oU16: 2, oU32: 4, oRel: 4, oValue: 9, oU16Rel: 6, oValueRel: 13, oU16U16: 4, oU16U16Value: 13, oU16U16Rel: 8, oU16Value: 11, oU16ValueRel: 15}

// targetOffset returns where the jump offset of a jump-like op sits.
func targetOffset(op Op) int {
	switch opTable[op].Operand {
	case oU16Rel:
		return 3
	case oValueRel:
		return 10
	case oU16U16Rel:
		return 5
	case oU16ValueRel:
		return 12
	}
	return 1
}

// opFlags describe an opcode's control flow.
type opFlags uint8

const (
	fBranch opFlags = 1 << iota // may jump to its u32 target
	fJump                       // always jumps (no fall-through)
	fCall                       // calls code (charges reductions)
	fEnd                        // ends the function (Return)
	fVar                        // stack effect depends on values (In is a minimum)
	fBlock                      // may block the actor (wait for a message)
	fSuper                      // a superinstruction (see Fuses)
)

// OpInfo describes one opcode.
type OpInfo struct {
	Name    string  // as printed by disasm
	Word    string  // the source word that compiles to it, if any
	Operand operand // operand layout
	In, Out int     // values popped and pushed
	Flags   opFlags
}

// opTable is the one table of opcodes, keyed by Op.
var opTable = [numOps]OpInfo{
	PushConst: {"PushConst", "", oValue, 0, 1, 0},
	Pop:       {"Pop", "drop", oNone, 1, 0, 0},
	Dup:       {"Dup", "dup", oNone, 1, 2, 0},
	Swap:      {"Swap", "swap", oNone, 2, 2, 0},
	Peek:      {"Peek", "pick", oNone, 1, 1, fVar},
	Over:      {"Over", "over", oNone, 2, 3, 0},
	Rot:       {"Rot", "rot", oNone, 3, 3, 0},
	MinusRot:  {"MinusRot", "-rot", oNone, 3, 3, 0},
	Nip:       {"Nip", "nip", oNone, 2, 1, 0},
	Tuck:      {"Tuck", "tuck", oNone, 2, 3, 0},
	TwoDup:    {"TwoDup", "2dup", oNone, 2, 4, 0},
	TwoDrop:   {"TwoDrop", "2drop", oNone, 2, 0, 0},
	TwoSwap:   {"TwoSwap", "2swap", oNone, 4, 4, 0},
	Depth:     {"Depth", "depth", oNone, 0, 1, 0},

	Add: {"Add", "+", oNone, 2, 1, 0},
	Sub: {"Sub", "-", oNone, 2, 1, 0},
	Mul: {"Mul", "*", oNone, 2, 1, 0},
	Div: {"Div", "/", oNone, 2, 1, 0},
	Mod: {"Mod", "mod", oNone, 2, 1, 0},
	Neg: {"Neg", "neg", oNone, 1, 1, 0},
	Exp: {"Exp", "**", oNone, 2, 1, 0},
	Inc: {"Inc", "1+", oNone, 1, 1, 0},
	Dec: {"Dec", "1-", oNone, 1, 1, 0},
	Abs: {"Abs", "abs", oNone, 1, 1, 0},
	Min: {"Min", "min", oNone, 2, 1, 0},
	Max: {"Max", "max", oNone, 2, 1, 0},

	Eq:     {"Eq", "=", oNone, 2, 1, 0},
	Ne:     {"Ne", "<>", oNone, 2, 1, 0},
	Lt:     {"Lt", "<", oNone, 2, 1, 0},
	Gt:     {"Gt", ">", oNone, 2, 1, 0},
	Le:     {"Le", "<=", oNone, 2, 1, 0},
	Ge:     {"Ge", ">=", oNone, 2, 1, 0},
	Not:    {"Not", "not", oNone, 1, 1, 0},
	And:    {"And", "and", oNone, 2, 1, 0},
	Or:     {"Or", "or", oNone, 2, 1, 0},
	Xor:    {"Xor", "xor", oNone, 2, 1, 0},
	Invert: {"Invert", "invert", oNone, 1, 1, 0},
	Lshift: {"Lshift", "lshift", oNone, 2, 1, 0},
	Rshift: {"Rshift", "rshift", oNone, 2, 1, 0},
	ZeroEq: {"ZeroEq", "0=", oNone, 1, 1, 0},
	ZeroLt: {"ZeroLt", "0<", oNone, 1, 1, 0},

	Jump:        {"Jump", "", oRel, 0, 0, fBranch | fJump},
	JumpIfFalse: {"JumpIfFalse", "", oRel, 1, 0, fBranch},
	Call:        {"Call", "", oU32, 0, 0, fCall | fVar},
	CallQuot:    {"CallQuot", "call", oNone, 1, 0, fCall | fVar},
	Return:      {"Return", "", oNone, 0, 0, fEnd},

	LocalGet:   {"LocalGet", "", oU16, 0, 1, 0},
	LocalSet:   {"LocalSet", "", oU16, 1, 0, 0},
	DoInit:     {"DoInit", "", oU16Rel, 2, 0, fBranch},
	DoInitStep: {"DoInitStep", "", oU16Rel, 2, 0, fBranch},
	Loop:       {"Loop", "", oU16Rel, 0, 0, fBranch},
	PlusLoop:   {"PlusLoop", "", oU16Rel, 1, 0, fBranch},

	Mark:      {"Mark", "", oU16, 0, 0, 0},
	MakeArray: {"MakeArray", "", oU16, 0, 1, fVar},
	Get:       {"Get", "get", oNone, 2, 1, 0},
	Set:       {"Set", "set", oNone, 3, 0, 0},
	Push:      {"Push", "push", oNone, 2, 0, 0},
	ArrPop:    {"ArrPop", "pop", oNone, 1, 1, 0},
	Len:       {"Len", "len", oNone, 1, 1, 0},

	Builtin:           {"Builtin", "", oU16, 0, 0, fVar | fBlock},
	CallHost:          {"CallHost", "", oU16, 0, 0, fVar | fBlock},
	MapAt:             {"MapAt", "at", oNone, 2, 1, 0},
	MapPut:            {"MapPut", "put", oNone, 3, 0, 0},
	LocalJumpIfNotEqK: {"LocalJumpIfNotEqK", "", oU16ValueRel, 0, 0, fBranch | fSuper},

	SpawnActor:     {"SpawnActor", "spawn", oNone, 1, 1, 0},
	SendMessage:    {"SendMessage", "send", oNone, 2, 0, 0},
	ReceiveMessage: {"ReceiveMessage", "receive", oNone, 0, 1, fBlock},

	SpawnSupervisor: {"SpawnSupervisor", "supervisor", oNone, 2, 1, fBlock},
	SetStrategy:     {"SetStrategy", "set-strategy", oNone, 2, 0, fBlock},
	RestartChild:    {"RestartChild", "restart-child", oNone, 2, 1, fBlock},

	AddK: {"AddK", "", oValue, 1, 1, fSuper},
	SubK: {"SubK", "", oValue, 1, 1, fSuper},
	MulK: {"MulK", "", oValue, 1, 1, fSuper},
	DivK: {"DivK", "", oValue, 1, 1, fSuper},
	ModK: {"ModK", "", oValue, 1, 1, fSuper},
	EqK:  {"EqK", "", oValue, 1, 1, fSuper},
	NeK:  {"NeK", "", oValue, 1, 1, fSuper},
	LtK:  {"LtK", "", oValue, 1, 1, fSuper},
	GtK:  {"GtK", "", oValue, 1, 1, fSuper},
	LeK:  {"LeK", "", oValue, 1, 1, fSuper},
	GeK:  {"GeK", "", oValue, 1, 1, fSuper},

	JumpIfNotEq: {"JumpIfNotEq", "", oRel, 2, 0, fBranch | fSuper},
	JumpIfNotNe: {"JumpIfNotNe", "", oRel, 2, 0, fBranch | fSuper},
	JumpIfNotLt: {"JumpIfNotLt", "", oRel, 2, 0, fBranch | fSuper},
	JumpIfNotGt: {"JumpIfNotGt", "", oRel, 2, 0, fBranch | fSuper},
	JumpIfNotLe: {"JumpIfNotLe", "", oRel, 2, 0, fBranch | fSuper},
	JumpIfNotGe: {"JumpIfNotGe", "", oRel, 2, 0, fBranch | fSuper},

	JumpIfNotEqK: {"JumpIfNotEqK", "", oValueRel, 1, 0, fBranch | fSuper},
	JumpIfNotNeK: {"JumpIfNotNeK", "", oValueRel, 1, 0, fBranch | fSuper},
	JumpIfNotLtK: {"JumpIfNotLtK", "", oValueRel, 1, 0, fBranch | fSuper},
	JumpIfNotGtK: {"JumpIfNotGtK", "", oValueRel, 1, 0, fBranch | fSuper},
	JumpIfNotLeK: {"JumpIfNotLeK", "", oValueRel, 1, 0, fBranch | fSuper},
	JumpIfNotGeK: {"JumpIfNotGeK", "", oValueRel, 1, 0, fBranch | fSuper},

	DupJumpIfNotEqK:  {"DupJumpIfNotEqK", "", oValueRel, 1, 1, fBranch | fSuper},
	DupJumpIfNotNeK:  {"DupJumpIfNotNeK", "", oValueRel, 1, 1, fBranch | fSuper},
	DupJumpIfNotLtK:  {"DupJumpIfNotLtK", "", oValueRel, 1, 1, fBranch | fSuper},
	DupJumpIfNotGtK:  {"DupJumpIfNotGtK", "", oValueRel, 1, 1, fBranch | fSuper},
	DupJumpIfNotLeK:  {"DupJumpIfNotLeK", "", oValueRel, 1, 1, fBranch | fSuper},
	DupJumpIfNotGeK:  {"DupJumpIfNotGeK", "", oValueRel, 1, 1, fBranch | fSuper},
	AddLocal:         {"AddLocal", "", oU16, 1, 1, fSuper},
	GetLocal:         {"GetLocal", "", oU16, 1, 1, fSuper},
	LocalGet2:        {"LocalGet2", "", oU16U16, 0, 2, fSuper},
	SetK:             {"SetK", "", oValue, 2, 0, fSuper},
	JumpIfTrue:       {"JumpIfTrue", "", oRel, 1, 0, fBranch | fSuper},
	SwapInc:          {"SwapInc", "", oNone, 2, 2, fSuper},
	IncNos:           {"IncNos", "", oNone, 2, 2, fSuper},
	LocalsGet:        {"LocalsGet", "", oU16U16, 0, 1, fSuper},
	LocalsSetK:       {"LocalsSetK", "", oU16U16Value, 0, 0, fSuper},
	PlusLoopLocal:    {"PlusLoopLocal", "", oU16U16Rel, 0, 0, fBranch | fSuper},
	DupDec:           {"DupDec", "", oNone, 1, 2, fSuper},
	ReturnIfEqK:      {"ReturnIfEqK", "", oValue, 1, 1, fSuper},
	ReturnIfNeK:      {"ReturnIfNeK", "", oValue, 1, 1, fSuper},
	ReturnIfLtK:      {"ReturnIfLtK", "", oValue, 1, 1, fSuper},
	ReturnIfGtK:      {"ReturnIfGtK", "", oValue, 1, 1, fSuper},
	ReturnIfLeK:      {"ReturnIfLeK", "", oValue, 1, 1, fSuper},
	ReturnIfGeK:      {"ReturnIfGeK", "", oValue, 1, 1, fSuper},
	AddIndexLoop:     {"AddIndexLoop", "", oU16Rel, 1, 1, fBranch | fSuper},
	JumpIfLocalsTrue: {"JumpIfLocalsTrue", "", oU16U16Rel, 0, 0, fBranch | fSuper},
	GetK:             {"GetK", "", oValue, 1, 1, fSuper},
	LocalGetK:        {"LocalGetK", "", oU16Value, 0, 1, fSuper},
	LoopStep:         {"LoopStep", "", oU16Rel, 0, 0, fBranch},
	AddIndexStep:     {"AddIndexStep", "", oU16Rel, 1, 1, fBranch},
}

// superFuses gives each superinstruction (fSuper) the pair it replaces.
var superFuses = map[Op][2]Op{
	AddK:              {PushConst, Add},
	SubK:              {PushConst, Sub},
	MulK:              {PushConst, Mul},
	DivK:              {PushConst, Div},
	ModK:              {PushConst, Mod},
	EqK:               {PushConst, Eq},
	NeK:               {PushConst, Ne},
	LtK:               {PushConst, Lt},
	GtK:               {PushConst, Gt},
	LeK:               {PushConst, Le},
	GeK:               {PushConst, Ge},
	JumpIfNotEq:       {Eq, JumpIfFalse},
	JumpIfNotNe:       {Ne, JumpIfFalse},
	JumpIfNotLt:       {Lt, JumpIfFalse},
	JumpIfNotGt:       {Gt, JumpIfFalse},
	JumpIfNotLe:       {Le, JumpIfFalse},
	JumpIfNotGe:       {Ge, JumpIfFalse},
	JumpIfNotEqK:      {EqK, JumpIfFalse},
	JumpIfNotNeK:      {NeK, JumpIfFalse},
	JumpIfNotLtK:      {LtK, JumpIfFalse},
	JumpIfNotGtK:      {GtK, JumpIfFalse},
	JumpIfNotLeK:      {LeK, JumpIfFalse},
	JumpIfNotGeK:      {GeK, JumpIfFalse},
	DupJumpIfNotEqK:   {Dup, JumpIfNotEqK},
	DupJumpIfNotNeK:   {Dup, JumpIfNotNeK},
	DupJumpIfNotLtK:   {Dup, JumpIfNotLtK},
	DupJumpIfNotGtK:   {Dup, JumpIfNotGtK},
	DupJumpIfNotLeK:   {Dup, JumpIfNotLeK},
	DupJumpIfNotGeK:   {Dup, JumpIfNotGeK},
	AddLocal:          {LocalGet, Add},
	GetLocal:          {LocalGet, Get},
	LocalGet2:         {LocalGet, LocalGet},
	SetK:              {PushConst, Set},
	JumpIfTrue:        {Not, JumpIfFalse},
	SwapInc:           {Swap, Inc},
	IncNos:            {SwapInc, Swap},
	LocalsGet:         {LocalGet2, Get},
	LocalsSetK:        {LocalGet2, SetK},
	PlusLoopLocal:     {LocalGet, PlusLoop},
	DupDec:            {Dup, Dec},
	ReturnIfEqK:       {DupJumpIfNotEqK, Return},
	ReturnIfNeK:       {DupJumpIfNotNeK, Return},
	ReturnIfLtK:       {DupJumpIfNotLtK, Return},
	ReturnIfGtK:       {DupJumpIfNotGtK, Return},
	ReturnIfLeK:       {DupJumpIfNotLeK, Return},
	ReturnIfGeK:       {DupJumpIfNotGeK, Return},
	AddIndexLoop:      {AddLocal, Loop},
	JumpIfLocalsTrue:  {LocalsGet, JumpIfTrue},
	GetK:              {PushConst, Get},
	LocalGetK:         {LocalGet, GetK},
	LocalJumpIfNotEqK: {LocalGet, JumpIfNotEqK},
}

// fused maps a pair of opcodes to the superinstruction that replaces it.
var fused = func() map[[2]Op]Op {
	m := map[[2]Op]Op{}
	for op, pair := range superFuses {
		if pair[1] != Return && op != GetK { // ReturnIf*: made by relink, from a jump over a Return; GetK: see fuseLocalGetK
			m[pair] = op
		}
	}
	return m
}()

// String returns the opcode's name.
func (op Op) String() string {
	if op < numOps {
		return opTable[op].Name
	}
	return fmt.Sprintf("Op(%d)", op)
}

// returnIfSize is the length of a ReturnIf*K instruction (opcode and an
// inline value).
const returnIfSize = 1 + 9

// Size returns the length in bytes of an instruction with opcode op.
func (op Op) Size() int { return 1 + operandSize[opTable[op].Operand] }

// wordOps maps source words to the opcodes they compile to.
var wordOps = func() map[string]Op {
	m := map[string]Op{}
	for op := Op(0); op < numOps; op++ {
		if w := opTable[op].Word; w != "" {
			m[w] = op
		}
	}
	return m
}()
