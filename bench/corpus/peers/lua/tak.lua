-- tak: the Takeuchi function; prints the sum of three runs of tak(27, 18, 9)
local function tak(x, y, z)
  if not (y < x) then return z end
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
end

local sum = 0
for _ = 1, 3 do sum = sum + tak(27, 18, 9) end
print(sum)
