-- queens: count the placements of N queens on an N x N board for N = 12, by
-- backtracking over rows with three tables of flags (columns, both diagonals)
local function flags(n)
  local a = {}
  for k = 0, n - 1 do a[k] = false end
  return a
end

-- the number of ways to finish a board whose rows below row are placed
local function place(n, row, cols, d1, d2)
  if row == n then return 1 end
  local count = 0
  for i = 0, n - 1 do
    if not cols[i] and not d1[row + i] and not d2[row - i + n - 1] then
      cols[i], d1[row + i], d2[row - i + n - 1] = true, true, true
      count = count + place(n, row + 1, cols, d1, d2)
      cols[i], d1[row + i], d2[row - i + n - 1] = false, false, false
    end
  end
  return count
end

local function queens(n)
  return place(n, 0, flags(n), flags(2 * n), flags(2 * n))
end

print(queens(12))
