-- bst: a binary search tree of nodes {key, left, right} (nil: no child): insert
-- 300,000 keys from an LCG, then look up the same sequence with every odd key plus
-- one; prints the keys inserted, the lookups that found their key, and the height

-- the minimal standard generator (Park and Miller)
local function lcg(x) return x * 48271 % 2147483647 end

local function new_node(k) return {k, nil, nil} end

-- inserts key below node unless it is there; true when it was added
local function insert(node, key)
  while true do
    local k = node[1]
    if key == k then return false end
    local side = key < k and 2 or 3
    local child = node[side]
    if child == nil then
      node[side] = new_node(key)
      return true
    end
    node = child
  end
end

local function lookup(node, key)
  while node ~= nil do
    local k = node[1]
    if key == k then return true end
    node = node[key < k and 2 or 3]
  end
  return false
end

local function height(node)
  if node == nil then return 0 end
  return math.max(height(node[2]), height(node[3])) + 1
end

local KEYS, SEED = 300000, 12345

local x = lcg(SEED)
local root = new_node(x)
local inserted = 1
for _ = 1, KEYS - 1 do
  x = lcg(x)
  if insert(root, x) then inserted = inserted + 1 end
end

local y, found = SEED, 0
for i = 0, KEYS - 1 do
  y = lcg(y)
  if lookup(root, y + i % 2) then found = found + 1 end
end

print(tostring(inserted) .. " " .. tostring(found) .. " " .. tostring(height(root)))
