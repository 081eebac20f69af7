-- spectralnorm: the Benchmarks Game spectral norm of A(i,j) = 1 / ((i+j)(i+j+1)/2 + i + 1),
-- cut to 800 x 800, by 10 rounds of the power method; prints it to 9 decimals
local function a_entry(i, j)
  local ij = i + j
  return 1.0 / (ij * (ij + 1) // 2 + i + 1)
end

-- out = A v (vectors indexed from 0)
local function mul_av(v, out, n)
  for i = 0, n - 1 do
    local s = 0.0
    for j = 0, n - 1 do s = s + a_entry(i, j) * v[j] end
    out[i] = s
  end
end

-- out = transpose(A) v
local function mul_atv(v, out, n)
  for i = 0, n - 1 do
    local s = 0.0
    for j = 0, n - 1 do s = s + a_entry(j, i) * v[j] end
    out[i] = s
  end
end

local function mul_atav(v, out, tmp, n)
  mul_av(v, tmp, n)
  mul_atv(tmp, out, n)
end

local function floats(n, x)
  local a = {}
  for i = 0, n - 1 do a[i] = x end
  return a
end

local n = 800
local u, v, tmp = floats(n, 1.0), floats(n, 0.0), floats(n, 0.0)
for _ = 1, 10 do
  mul_atav(u, v, tmp, n)
  mul_atav(v, u, tmp, n)
end
local vbv, vv = 0.0, 0.0
for i = 0, n - 1 do
  vbv = vbv + u[i] * v[i]
  vv = vv + v[i] * v[i]
end
print(string.format("%.9f", math.sqrt(vbv / vv)))
