-- strings: string building and comparison: for 1,000,000 values of
-- h = (31 h + i) mod 1000003 from h = 7, the 7-digit zero-padded text of h, its
-- reverse (built from one-byte substrings), palindromes counted, the least and
-- greatest texts kept by < and >, and all texts joined into lines cut at 60 bytes;
-- prints greatest, least, palindromes, line count and the last line's length
local function pad(s, n)
  while #s < n do s = "0" .. s end
  return s
end

local function reverse(s)
  local r = ""
  for k = 1, #s do r = s:sub(k, k) .. r end
  return r
end

local function is_palindrome(s) return s == reverse(s) end

local h = 7
local least, greatest = "9999999", ""
local palindromes, lines = 0, 0
local line = ""
for i = 0, 999999 do
  h = (h * 31 + i) % 1000003
  local s = pad(tostring(h), 7)
  if is_palindrome(s) then palindromes = palindromes + 1 end
  if s < least then least = s end
  if s > greatest then greatest = s end
  line = line .. s .. ","
  if #line > 60 then
    lines = lines + 1
    line = line:sub(61, #line)
  end
end
print(greatest .. " " .. least .. " " .. tostring(palindromes) .. " " .. tostring(lines) .. " " .. tostring(#line))
