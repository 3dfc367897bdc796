-- Gives amounts back, stopping each meter at zero; an absent or expired counter is left alone. Same counter layout
-- as try_add.lua.
--
-- KEYS[1] counter hash. ARGV[1] now (unix ms), then per meter: name, minus the amount (0 when nothing to give back).
-- Returns the value per meter afterwards.
local counter = KEYS[1]
local n, base, stride = (#ARGV - 1) / 2, 1, 2
--#include counter_load
table.remove(reply, 1)
table.remove(reply, 1)
if not x then
  return reply
end

for i = 1, n do
  local negated = ARGV[2 * i + 1]
  if negated ~= '0' then
    local left = redis.call('HINCRBY', counter, fields[i + 1], negated)
    if left < 0 then
      redis.call('HSET', counter, fields[i + 1], 0)
      left = 0
    end
    reply[i] = left < 9007199254740992 and left or redis.call('HGET', counter, fields[i + 1])
  end
end
return reply
