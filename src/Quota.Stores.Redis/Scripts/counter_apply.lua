-- Fragment (see counter_load.lua): adds each meter's amount, ARGV[base + stride * (i - 1) + 2], to reply[i + 2].
-- Below 2^53, where Lua's numbers are exact, the sum is made here and every meter is written with one HSET; from
-- there on HINCRBY adds exactly and a result past 2^53 is read back as a string.
local writes, w = {}, 0
for i = 1, n do
  local amount = ARGV[base + stride * (i - 1) + 2]
  if amount ~= '0' then
    local after = tonumber(reply[i + 2]) + tonumber(amount)
    if after < 9007199254740992 then
      writes[w + 1] = fields[i + 1]
      writes[w + 2] = string.format('%.0f', after)
      w = w + 2
      reply[i + 2] = after
    else
      after = redis.call('HINCRBY', counter, fields[i + 1], amount)
      reply[i + 2] = after < 9007199254740992 and after or redis.call('HGET', counter, fields[i + 1])
    end
  end
end
if w > 0 then
  redis.call('HSET', counter, unpack(writes))
end
