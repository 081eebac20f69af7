-- xorshift: 10,000,000 steps of the 32-bit xorshift PRNG (13 17 5) from seed
-- 2463534242, folding each output into a sum mod 2^32 and a rotate-xor hash;
-- prints sum xor hash
local MASK32 = 0xFFFFFFFF

local function next_random(x)
  x = (x ~ (x << 13)) & MASK32
  x = x ~ (x >> 17)
  x = (x ~ (x << 5)) & MASK32
  return x
end

local function rotl5(h)
  return ((h << 5) | (h >> 27)) & MASK32
end

local x, sum, h = 2463534242, 0, 0
for _ = 1, 10000000 do
  x = next_random(x)
  sum = (sum + x) & MASK32
  h = rotl5(h) ~ x
end
print(sum ~ h)
