-- ack: the Ackermann function A(2, n) for n below 400 and A(3, 9); prints the sum
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end

local sum = 0
for i = 0, 399 do sum = sum + ack(2, i) end
print(ack(3, 9) + sum)
