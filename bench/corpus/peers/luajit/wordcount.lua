-- wordcount (LuaJIT: bit ops, and the LCG in halves, exact in doubles): word frequencies of a 4.3 MB text in a table (the text of wordcount.raft)
local bit = require("bit")
local syll = { "ka", "lo", "mi", "re", "tu", "sa", "no", "vi", "de", "pu", "ra", "en", "qu", "zo", "fa", "ti" }

local function make_word(r)
  local w = ""
  for i = 0, bit.rshift(r, 20) % 3 + 1 do
    w = w .. syll[bit.band(bit.rshift(r, i * 4), 15) + 1]
  end
  return w
end

-- s * 1103515245 passes 2^53: multiply by the two 16-bit halves of the factor
local function next(s) return ((s * 16838) % 32768 * 65536 + s * 20077 + 12345) % 2147483648 end

local function make_text()
  local s = 42
  local vocab = {}
  for i = 1, 20000 do
    s = next(s)
    vocab[i] = make_word(s)
  end
  local text = {}
  for i = 1, 600000 do
    s = next(s)
    local x = s / 2147483648.0
    text[i] = vocab[math.floor(x * x * x * 20000.0) + 1]
  end
  return table.concat(text, " ")
end

local function count_words(s)
  local m, distinct = {}, 0
  for w in s:gmatch("[^ ]+") do
    local c = m[w]
    if c then m[w] = c + 1 else m[w] = 1; distinct = distinct + 1 end
  end
  return m, distinct
end

local m, distinct = count_words(make_text())
local best, n = "", 0
for w, c in pairs(m) do
  if c > n then best, n = w, c end
end
print(distinct .. " " .. best .. " " .. n)
