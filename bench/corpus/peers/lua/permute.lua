-- permute: the Are-We-Fast-Yet permute benchmark for an array of 9: all orders by
-- recursive swaps, counting calls, and at every full permutation adding
-- 10 a[0] + a[8]; prints the call count and that sum
local function exchange(a, p, q)
  a[p], a[q] = a[q], a[p]
end

local size = 9
local calls, sum = 0, 0

local function permute(a, n)
  calls = calls + 1
  if n == 0 then
    sum = sum + (a[0] * 10 + a[size - 1])
    return
  end
  local m = n - 1
  permute(a, m)
  for i = m, 0, -1 do
    exchange(a, m, i)
    permute(a, m)
    exchange(a, m, i)
  end
end

local a = {}
for i = 0, size - 1 do a[i] = i end
permute(a, size)
print(tostring(calls) .. " " .. tostring(sum))
