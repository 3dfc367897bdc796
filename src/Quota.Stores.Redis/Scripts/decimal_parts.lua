-- Fragment, spliced where a script says --#include decimal_parts (inside the branch that needs it): exact arithmetic
-- on the decimal strings Redis hands over for counters, up to 2^63 in magnitude, which Lua's numbers (exact below 2^53)
-- cannot hold. A number is split into a high part (its leading digits, at most 10) and a low part (its last 9 digits),
-- both with its sign, so sums and differences of a few of them stay exact; at_most(high, low) then says whether
-- high * 10^9 + low <= 0.
local function parts(s)
  local sign = 1
  if string.byte(s, 1) == 45 then
    sign, s = -1, string.sub(s, 2)
  end
  local digits = #s
  if digits > 9 then
    return sign * tonumber(string.sub(s, 1, digits - 9)), sign * tonumber(string.sub(s, digits - 8))
  end
  return 0, sign * tonumber(s)
end
local function at_most(high, low)
  high = high + math.floor(low / 1000000000)
  low = low % 1000000000
  return high < 0 or (high == 0 and low == 0)
end
