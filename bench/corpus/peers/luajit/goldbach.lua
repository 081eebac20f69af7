-- goldbach: sieve of Eratosthenes up to 2,000,000 (false: prime), then for every
-- even n from 4 to 2,000,000 the smallest prime p with n - p prime, by a loop that
-- breaks early; prints the sum of those p
-- (LuaJIT: Lua 5.1 syntax, math.floor(n / 2) for n // 2; the rest is peers/lua/goldbach.lua.)
local limit = 2000000

local function sieve(n)
  local composite = {}
  for k = 0, n do composite[k] = false end
  composite[0], composite[1] = true, true
  for i = 2, n do
    if not composite[i] then
      if i * i <= n then
        for j = i * i, n, i do composite[j] = true end
      end
    end
  end
  return composite
end

local function smallest_pair(c, n)
  local found = 0
  for i = 2, math.floor(n / 2) do
    if not c[i] then
      if not c[n - i] then found = i; break end
    end
  end
  return found
end

local composite = sieve(limit)
local sum = 0
for n = 4, limit, 2 do
  sum = sum + smallest_pair(composite, n)
end
print(sum)
