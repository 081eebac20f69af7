-- bintrees: a node is a table of two children, a leaf a table of none.
-- Depths 4..16 step 2, 2^(16-d+4) trees each, plus one long-lived tree of
-- depth 16; prints the total number of nodes checked = 14723759
local function make(d)
  if d == 0 then return {} end
  return { make(d - 1), make(d - 1) }
end

local function check(t)
  local left = t[1]
  if left == nil then return 1 end
  return 1 + check(left) + check(t[2])
end

local maxd = 16
local long = make(maxd)
local total = 0
for d = 4, maxd, 2 do
  local iters = math.floor(2 ^ (maxd - d + 4))
  for _ = 1, iters do
    total = total + check(make(d))
  end
end
total = total + check(long)
print(total)
