-- mergesort: top-down merge sort of 600,000 ints from an LCG that returns new
-- tables (halves copied out with table.move, merged by appending); checks the order
-- and prints the checksum sum of a[i] * i mod 1000000007 (i 0-based)

-- the minimal standard generator (Park and Miller)
local function lcg(x) return x * 48271 % 2147483647 end

local function random_array(n, x)
  local a = {}
  for k = 1, n do
    x = lcg(x)
    a[k] = x
  end
  return a
end

local function slice(a, from, to) -- a[from..to-1], 1-based
  return table.move(a, from, to - 1, 1, {})
end

local function merge(l, r)
  local out = {}
  local p, q = 1, 1
  local nl, nr = #l, #r
  while p <= nl and q <= nr do
    local x, y = l[p], r[q]
    if y < x then
      out[#out + 1] = y
      q = q + 1
    else
      out[#out + 1] = x
      p = p + 1
    end
  end
  for k = p, nl do out[#out + 1] = l[k] end
  for k = q, nr do out[#out + 1] = r[k] end
  return out
end

local function mergesort(a)
  local n = #a
  if n < 2 then return a end
  local mid = n // 2
  return merge(mergesort(slice(a, 1, mid + 1)), mergesort(slice(a, mid + 1, n + 1)))
end

local function check_sorted(a)
  for k = 2, #a do
    if a[k - 1] > a[k] then error("not sorted") end
  end
end

local function checksum(a)
  local s = 0
  for k = 1, #a do s = (s + a[k] * (k - 1)) % 1000000007 end
  return s
end

local sorted = mergesort(random_array(600000, 2024))
check_sorted(sorted)
print(checksum(sorted))
