-- popcount: total number of 1 bits in the 32-bit hashes (i * 2654435761) mod 2^32
-- for i below 1,500,000, bit by bit, checked against Kernighan's n & (n - 1) loop
local function hash(i) return (i * 2654435761) & 0xFFFFFFFF end

local function popcount_shift(n)
  local c = 0
  while n ~= 0 do
    c = c + (n & 1)
    n = n >> 1
  end
  return c
end

local function popcount_kernighan(n)
  local c = 0
  while n ~= 0 do
    n = n & (n - 1)
    c = c + 1
  end
  return c
end

local total = 0
for i = 0, 1500000 - 1 do
  local h = hash(i)
  local a = popcount_shift(h)
  if a ~= popcount_kernighan(h) then error("mismatch") end
  total = total + a
end
print(total)
