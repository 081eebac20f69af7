-- quicksort: sort 1,500,000 ints from an LCG in place (recursive quicksort, Hoare
-- partition around the middle element), check the order, and print the checksum
-- sum of a[i] * i mod 1000000007. The table is indexed from 0, as in the Raft
-- program, so that "the middle element" is the same one.
-- (LuaJIT: Lua 5.1 syntax, math.floor(x / 2) for x // 2; the rest is peers/lua/quicksort.lua.)

-- the minimal standard generator (Park and Miller)
local function lcg(x) return x * 48271 % 2147483647 end

local function random_array(n, x)
  local a = {}
  for i = 0, n - 1 do
    x = lcg(x)
    a[i] = x
  end
  return a
end

local function quicksort(a, lo, hi)
  if lo >= hi then return end
  local pivot = a[math.floor((lo + hi) / 2)]
  local l, h = lo, hi
  while l <= h do
    while a[l] < pivot do l = l + 1 end
    while a[h] > pivot do h = h - 1 end
    if l <= h then
      a[l], a[h] = a[h], a[l]
      l = l + 1
      h = h - 1
    end
  end
  quicksort(a, lo, h)
  quicksort(a, l, hi)
end

local function check_sorted(a, n)
  for i = 1, n - 1 do
    if a[i - 1] > a[i] then error("not sorted") end
  end
end

local function checksum(a, n)
  local s = 0
  for i = 0, n - 1 do s = (s + a[i] * i) % 1000000007 end
  return s
end

local n = 1500000
local a = random_array(n, 2024)
quicksort(a, 0, n - 1)
check_sorted(a, n)
print(checksum(a, n))
