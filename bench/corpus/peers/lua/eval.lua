-- eval: expression trees as tables {"num", n} {"var"} {"add", a, b} {"sub", a, b}
-- {"mul", a, b}: 40 random trees of depth 10 (from an LCG), each differentiated
-- symbolically, then the tree and its derivative evaluated mod 1000003 at
-- x = 0..29; prints the sum of all the values
local MODULUS = 1000003

-- the generator's state is rng[1] (the minimal standard generator); a random
-- int in 0 .. n-1
local function random(rng, n)
  local s = rng[1] * 48271 % 2147483647
  rng[1] = s
  return s % n
end

local function build(rng, d)
  if d == 0 then
    if random(rng, 3) == 0 then return {"var"} end
    return {"num", random(rng, 10) + 1}
  end
  local k = random(rng, 3)
  local a = build(rng, d - 1)
  local b = build(rng, d - 1)
  if k == 0 then return {"add", a, b} end
  if k == 1 then return {"sub", a, b} end
  return {"mul", a, b}
end

local function deriv(t)
  local tag = t[1]
  if tag == "num" then return {"num", 0} end
  if tag == "var" then return {"num", 1} end
  local a, b = t[2], t[3]
  if tag == "add" then return {"add", deriv(a), deriv(b)} end
  if tag == "sub" then return {"sub", deriv(a), deriv(b)} end
  if tag == "mul" then return {"add", {"mul", deriv(a), b}, {"mul", a, deriv(b)}} end
  error("bad tree " .. tag)
end

local function eval(x, t)
  local tag = t[1]
  if tag == "num" then return t[2] end
  if tag == "var" then return x end
  local va = eval(x, t[2])
  local vb = eval(x, t[3])
  if tag == "add" then return (va + vb) % MODULUS end
  if tag == "sub" then return (va - vb) % MODULUS end
  if tag == "mul" then return (va * vb) % MODULUS end
  error("bad tree " .. tag)
end

local rng = {42}
local sum = 0
for _ = 1, 40 do
  local tree = build(rng, 10)
  local d = deriv(tree)
  for x = 0, 29 do
    sum = sum + eval(x, tree) + eval(x, d)
  end
end
print(sum)
