-- mandelbrot: how many points of an 800 x 800 grid over [-1.5, 0.5] x [-1, 1] stay
-- within |z| <= 2 for 50 iterations of z = z^2 + c (the loop breaks on escape)
local function in_set(cr, ci)
  local zr, zi = 0.0, 0.0
  local inside = true
  for _ = 1, 50 do
    local tr = zr * zr - zi * zi + cr
    zi = 2.0 * zr * zi + ci
    zr = tr
    if zr * zr + zi * zi > 4.0 then
      inside = false
      break
    end
  end
  return inside
end

local size = 800
local count = 0
for y = 0, size - 1 do
  local ci = y * 2.0 / size - 1.0
  for x = 0, size - 1 do
    if in_set(x * 2.0 / size - 1.5, ci) then count = count + 1 end
  end
end
print(count)
