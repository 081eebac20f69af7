-- heat: 2D heat diffusion, Jacobi steps of the 5-point stencil on a 200 x 200
-- float grid held in one flat table (row-major), top edge at 100.0, the others
-- at 0.0, 300 steps; prints the total heat to 6 decimals
local function grid(w, h)
  local g = {}
  for k = 1, w * h do g[k] = 0.0 end
  return g
end

local function heat_top(g, w)
  for k = 1, w do g[k] = 100.0 end
end

-- one Jacobi step from old into new, interior cells only (k is 0-based)
local function step(old, new, w, h)
  for i = 1, h - 2 do
    local row = i * w
    for j = 1, w - 2 do
      local k = row + j + 1
      new[k] = (old[k - 1] + old[k + 1] + old[k - w] + old[k + w]) * 0.25
    end
  end
end

local function total(g)
  local s = 0.0
  for k = 1, #g do s = s + g[k] end
  return s
end

local w, h = 200, 200
local a, b = grid(w, h), grid(w, h)
heat_top(a, w)
heat_top(b, w)
for _ = 1, 150 do
  step(a, b, w, h)
  step(b, a, w, h)
end
print(string.format("%.6f", total(a)))
