-- leibniz: pi from 20,000,000 terms of the Leibniz series and of the Wallis product,
-- both to 9 decimals
local function leibniz(n)
  local sum, sign = 0.0, 1.0
  for i = 0, n - 1 do
    sum = sum + sign / (2 * i + 1)
    sign = -sign
  end
  return sum * 4.0
end

local function wallis(n)
  local prod = 1.0
  for i = 1, n do
    local t = 4.0 * (i * i)
    prod = prod * (t / (t - 1.0))
  end
  return prod * 2.0
end

print(string.format("%.9f", leibniz(20000000)) .. " " .. string.format("%.9f", wallis(20000000)))
