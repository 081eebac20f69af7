-- matmul: C = A B for 200 x 200 float matrices held as tables of rows,
-- A(i,j) = (i - j) / (i + j + 1) and B(i,j) = (i + j) / n, repeated 6 times; prints the
-- sum of C's elements (over the 6 rounds) to 6 decimals. Indexes are 0-based
-- in the formulas, 1-based in the tables.
local function matrix(n)
  local m = {}
  for i = 1, n do m[i] = {} end
  return m
end

local function fill_a(m, n)
  for i = 0, n - 1 do
    local row = m[i + 1]
    for j = 0, n - 1 do row[j + 1] = (i - j) / (i + j + 1) end
  end
end

local function fill_b(m, n)
  for i = 0, n - 1 do
    local row = m[i + 1]
    for j = 0, n - 1 do row[j + 1] = (i + j) / n end
  end
end

local function multiply(a, b, c, n)
  for i = 1, n do
    local arow, crow = a[i], c[i]
    for j = 1, n do
      local s = 0.0
      for k = 1, n do
        s = arow[k] * b[k][j] + s
      end
      crow[j] = s
    end
  end
end

local function sum_matrix(m)
  local total = 0.0
  for _, row in ipairs(m) do
    local s = 0.0
    for _, x in ipairs(row) do s = s + x end
    total = total + s
  end
  return total
end

local n = 200
local a, b, c = matrix(n), matrix(n), matrix(n)
fill_a(a, n)
fill_b(b, n)
local total = 0.0
for _ = 1, 6 do
  multiply(a, b, c, n)
  total = total + sum_matrix(c)
end
print(string.format("%.6f", total))
