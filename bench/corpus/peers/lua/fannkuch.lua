-- fannkuch: the Benchmarks Game fannkuch-redux for n = 9 (tables indexed from 0);
-- prints the checksum and the most flips
local function reverse_prefix(a, k)
  local lo, hi = 0, k
  while lo < hi do
    a[lo], a[hi] = a[hi], a[lo]
    lo = lo + 1
    hi = hi - 1
  end
end

local function count_flips(perm)
  local flips = 0
  local k = perm[0]
  while k ~= 0 do
    reverse_prefix(perm, k)
    flips = flips + 1
    k = perm[0]
  end
  return flips
end

local function copy(a, n)
  local b = {}
  for i = 0, n - 1 do b[i] = a[i] end
  return b
end

local function fannkuch(n)
  local perm1, count = {}, {}
  for i = 0, n - 1 do perm1[i] = i; count[i] = 0 end
  local max_flips, checksum, perm_count = 0, 0, 0
  local r = n
  while true do
    while r ~= 1 do
      count[r - 1] = r
      r = r - 1
    end
    local flips = count_flips(copy(perm1, n))
    max_flips = math.max(flips, max_flips)
    if perm_count % 2 == 0 then checksum = checksum + flips else checksum = checksum - flips end
    -- the next permutation: rotate the first r+1 elements until a count is left
    while true do
      if r == n then return checksum, max_flips end
      local first = perm1[0]
      for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
      perm1[r] = first
      count[r] = count[r] - 1
      if count[r] > 0 then break end
      r = r + 1
    end
    perm_count = perm_count + 1
  end
end

local checksum, flips = fannkuch(9)
print(tostring(checksum) .. " " .. tostring(flips))
