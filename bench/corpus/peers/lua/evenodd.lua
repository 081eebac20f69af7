-- evenodd: mutual recursion is_even / is_odd, asked of (i * 7919) mod 10007 for
-- i below 30,000; prints how many are even
local is_odd

local function is_even(n)
  if n == 0 then return true end
  return is_odd(n - 1)
end

is_odd = function(n)
  if n == 0 then return false end
  return is_even(n - 1)
end

local count = 0
for i = 0, 29999 do
  if is_even(i * 7919 % 10007) then count = count + 1 end
end
print(count)
