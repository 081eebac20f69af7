-- hof: closures passed to times, map, filter, fold and each: 1,500 rounds over the
-- array 0..9999, squaring (mod 1000), keeping the odd results, summing them and
-- counting with each those above 500; prints the total over the rounds
local function times(n, f) for _ = 1, n do f() end end
local function each(a, f) for k = 1, #a do f(a[k]) end end
local function map(a, f)
  local r = {}
  for k = 1, #a do r[k] = f(a[k]) end
  return r
end
local function filter(a, f)
  local r = {}
  for k = 1, #a do
    local x = a[k]
    if f(x) then r[#r + 1] = x end
  end
  return r
end
local function fold(a, acc, f)
  for k = 1, #a do acc = f(acc, a[k]) end
  return acc
end

local function range(n)
  local a = {}
  times(n, function() a[#a + 1] = #a end)
  return a
end

local function odd_squares(a)
  return filter(map(a, function(x) return x * x % 1000 end), function(x) return x % 2 == 1 end)
end

local function sum(a) return fold(a, 0, function(acc, x) return acc + x end) end

local function count_above(a, k)
  local c = 0
  each(a, function(x) if x > k then c = c + 1 end end)
  return c
end

local function one_round(nums)
  local odds = odd_squares(nums)
  return sum(odds) + count_above(odds, 500)
end

local nums = range(10000)
local total = 0
times(1500, function() total = total + one_round(nums) end)
print(total)
