-- collatz: the start below 1,000,000 with the longest Collatz chain = 837799
-- LuaJIT (Lua 5.1 syntax) has no //: its numbers are doubles, so n / 2 of an
-- even n is the same exact halving. Otherwise identical to peers/lua/collatz.lua.
local function steps(n)
  local s = 0
  while n ~= 1 do
    if n % 2 == 0 then
      n = n / 2
    else
      n = 3 * n + 1
    end
    s = s + 1
  end
  return s
end

local best, bestlen = 0, 0
for i = 1, 999999 do
  local len = steps(i)
  if len > bestlen then
    best, bestlen = i, len
  end
end
print(best)
