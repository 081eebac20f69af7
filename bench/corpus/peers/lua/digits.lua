-- digits: many small functions: for each n below 600,000 follow n -> the sum of the
-- squares of its digits until 1 or 89 and count how many reach 89; also sums the
-- digital roots; prints the count and the sum
local function square(n) return n * n end
local function last_digit(n) return n % 10 end
local function drop_digit(n) return n // 10 end

local function digit_square_sum(n)
  local s = 0
  while n > 0 do
    s = s + square(last_digit(n))
    n = drop_digit(n)
  end
  return s
end

local function digit_sum(n)
  local s = 0
  while n > 0 do
    s = s + last_digit(n)
    n = drop_digit(n)
  end
  return s
end

local function digital_root(n)
  while n >= 10 do n = digit_sum(n) end
  return n
end

local function settled(n) return n == 1 or n == 89 end

local function chain_end(n)
  while not settled(n) do n = digit_square_sum(n) end
  return n
end

local function reaches_89(n) return chain_end(n) == 89 end

local count, roots = 0, 0
for i = 1, 599999 do
  if reaches_89(i) then count = count + 1 end
  roots = roots + digital_root(i)
end
print(count .. " " .. roots)
