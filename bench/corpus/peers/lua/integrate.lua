-- integrate: the integral of 4 / (1 + x^2) over [0, 1] by the midpoint rule with
-- 20,000,000 slices (it is pi), to 10 decimals
local function f(x) return 4.0 / (x * x + 1.0) end

local function integrate(a, b, n)
  local h = (b - a) / n
  local sum = 0.0
  for i = 0, n - 1 do
    local x = (i + 0.5) * h + a
    sum = sum + f(x)
  end
  return sum * h
end

print(string.format("%.10f", integrate(0.0, 1.0, 20000000)))
