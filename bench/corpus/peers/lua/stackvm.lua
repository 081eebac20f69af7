-- stackvm: a small stack-machine interpreter: instructions are tables such as
-- {"push", 3} or {"jz", 33}, dispatched on their string tag; it runs a program
-- that adds up the Collatz chain lengths of 1 .. 9,999 (vars 0 total, 1 n, 2 x)
local function collatz_program(m)
  return {
    {"push", 0}, {"store", 0},                 --  0 total = 0
    {"push", 1}, {"store", 1},                 --  2 n = 1
    {"load", 1}, {"push", m}, {"lt"},          --  4 outer: n < m ?
    {"jz", 38},                                --  7 no: to end
    {"load", 1}, {"store", 2},                 --  8 x = n
    {"load", 2}, {"push", 1}, {"gt"},          -- 10 inner: x > 1 ?
    {"jz", 33},                                -- 13 no: to next
    {"load", 2}, {"push", 2}, {"mod"},         -- 14 x odd?
    {"jz", 24},                                -- 17 even: to half
    {"load", 2}, {"push", 3}, {"mul"},         -- 18 3x + 1
    {"push", 1}, {"add"}, {"jmp", 27},         -- 21
    {"load", 2}, {"push", 2}, {"div"},         -- 24 half: x / 2
    {"store", 2},                              -- 27 x = the new x
    {"load", 0}, {"push", 1}, {"add"},         -- 28 total = total + 1
    {"store", 0}, {"jmp", 10},                 -- 31
    {"load", 1}, {"push", 1}, {"add"},         -- 33 next: n = n + 1
    {"store", 1}, {"jmp", 4},                  -- 36
    {"load", 0}, {"halt"},                     -- 38 end: total on the stack
  }
end

-- the data stack is a table with an explicit top
local function push(stack, x) stack[#stack + 1] = x end
local function pop(stack)
  local x = stack[#stack]
  stack[#stack] = nil
  return x
end

local function binary(stack, op)
  local b = pop(stack)
  local a = pop(stack)
  local r
  if op == "add" then r = a + b
  elseif op == "sub" then r = a - b
  elseif op == "mul" then r = a * b
  elseif op == "div" then r = a // b
  elseif op == "mod" then r = a % b
  elseif op == "lt" then if a < b then r = 1 else r = 0 end
  elseif op == "gt" then if a > b then r = 1 else r = 0 end
  else error("bad instruction " .. op) end
  push(stack, r)
end

-- runs one instruction (pc 0-based); the next pc, or -1 after halt
local function step(stack, vars, ins, pc)
  local op = ins[1]
  if op == "push" then push(stack, ins[2]); return pc + 1 end
  if op == "load" then push(stack, vars[ins[2] + 1]); return pc + 1 end
  if op == "store" then vars[ins[2] + 1] = pop(stack); return pc + 1 end
  if op == "jz" then
    if pop(stack) == 0 then return ins[2] else return pc + 1 end
  end
  if op == "jmp" then return ins[2] end
  if op == "halt" then return -1 end
  binary(stack, op)
  return pc + 1
end

local function run_vm(code)
  local stack, vars, pc = {}, {}, 0
  while pc >= 0 do
    pc = step(stack, vars, code[pc + 1], pc)
  end
  return pop(stack)
end

print(run_vm(collatz_program(10000)))
