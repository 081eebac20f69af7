-- xorshift: 10,000,000 steps of the 32-bit xorshift PRNG (13 17 5) from seed
-- 2463534242, folding each output into a sum mod 2^32 and a rotate-xor hash;
-- prints sum xor hash
-- (LuaJIT: the bit library, whose results are signed 32-bit, made unsigned by u32;
-- the rest is peers/lua/xorshift.lua.)
local band, bor, bxor, lshift, rshift = bit.band, bit.bor, bit.bxor, bit.lshift, bit.rshift

local function u32(x)
  if x < 0 then return x + 4294967296 end
  return x
end

local function next_random(x)
  x = bxor(x, lshift(x, 13))
  x = bxor(x, rshift(x, 17))
  x = bxor(x, lshift(x, 5))
  return u32(x)
end

local function rotl5(h)
  return bor(lshift(h, 5), rshift(h, 27))
end

local x, sum, h = 2463534242, 0, 0
for _ = 1, 10000000 do
  x = next_random(x)
  sum = (sum + x) % 4294967296
  h = rotl5(h)
  h = bxor(h, x)
end
print(u32(bxor(sum, h)))
