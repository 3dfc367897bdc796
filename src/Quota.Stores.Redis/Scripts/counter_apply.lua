-- Fragment (see counter_load.lua): adds each meter's amount, ARGV[base + stride * (i - 1) + 2], to reply[i + 2] with
-- HINCRBY, which adds exactly up to 2^63-1. Lua reads its reply as a number, exact below 2^53, so a larger result is
-- read back as a string. One HINCRBY per meter costs the server less than adding in Lua and writing every meter with
-- one HSET, which needs string.format and a table (benchmarks/README.md, two meters).
for i = 1, n do
  local amount = ARGV[base + stride * (i - 1) + 2]
  if amount ~= '0' then
    local after = redis.call('HINCRBY', counter, fields[i + 1], amount)
    reply[i + 2] = after < 9007199254740992 and after or redis.call('HGET', counter, fields[i + 1])
  end
end
