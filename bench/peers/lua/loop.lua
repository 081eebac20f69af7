-- loop: sum of 0..299999999 = 44999999850000000
-- Lua 5.4 sums in 64-bit integers. LuaJIT has only doubles here, so the sum
-- loses precision past 2^53 and LuaJIT prints a wrong answer (see README).
local s = 0
for i = 0, 299999999 do
  s = s + i
end
print(s)
