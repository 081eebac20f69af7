-- wordcount: word frequencies of a 4.3 MB text in a table (the text of wordcount.raft)
local syll = { "ka", "lo", "mi", "re", "tu", "sa", "no", "vi", "de", "pu", "ra", "en", "qu", "zo", "fa", "ti" }

local function make_word(r)
  local w = ""
  for i = 0, (r >> 20) % 3 + 1 do
    w = w .. syll[((r >> (i * 4)) & 15) + 1]
  end
  return w
end

local function next(s) return (s * 1103515245 + 12345) & 2147483647 end

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
