-- list: the Are-We-Fast-Yet List benchmark: linked lists of cells {value, next}
-- (nil ends a list) and the Takeuchi-like tail over them,
-- tail(list 15, list 10, list 6), 800 times, each with new lists; prints the sum of
-- the lengths of the results
local function make_list(n)
  if n == 0 then return nil end
  return {n, make_list(n - 1)}
end

local function next_cell(cell) return cell[2] end

-- whether x is shorter than y
local function is_shorter(x, y)
  while y ~= nil do
    if x == nil then return true end
    x = next_cell(x)
    y = next_cell(y)
  end
  return false
end

local function tail(x, y, z)
  if is_shorter(y, x) then
    return tail(tail(next_cell(x), y, z), tail(next_cell(y), z, x), tail(next_cell(z), x, y))
  end
  return z
end

local function length(list)
  local n = 0
  while list ~= nil do
    list = next_cell(list)
    n = n + 1
  end
  return n
end

local total = 0
for _ = 1, 800 do
  total = total + length(tail(make_list(15), make_list(10), make_list(6)))
end
print(total)
