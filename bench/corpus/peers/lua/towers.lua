-- towers: the towers of Hanoi with 22 discs, three pegs as tables used as stacks,
-- every move checked against putting a disc on a smaller one, done twice (there and
-- back); prints the moves made
local function peg_top(peg)
  if #peg == 0 then return 1000000 end
  return peg[#peg]
end

local function move_disc(pegs, src, dst)
  local from = pegs[src + 1]
  local disc = from[#from]
  from[#from] = nil
  local to = pegs[dst + 1]
  if peg_top(to) < disc then error("smaller disc below " .. disc) end
  to[#to + 1] = disc
end

-- moves n discs from peg src to peg dst (0, 1, 2); the number of moves
local function move_tower(pegs, n, src, dst)
  if n == 1 then
    move_disc(pegs, src, dst)
    return 1
  end
  local spare = 3 - src - dst
  local a = move_tower(pegs, n - 1, src, spare)
  move_disc(pegs, src, dst)
  local b = move_tower(pegs, n - 1, spare, dst)
  return a + b + 1
end

local function build_pegs(n)
  local pegs = {{}, {}, {}}
  for i = 0, n - 1 do table.insert(pegs[1], n - i) end
  return pegs
end

local discs = 22
local pegs = build_pegs(discs)
local moves = move_tower(pegs, discs, 0, 2)
moves = moves + move_tower(pegs, discs, 2, 0)
if #pegs[1] ~= discs then error("tower lost") end
print(moves)
