-- Unconditional add of several meters, applied once per idempotency id. Same counter layout as try_add.lua (read
-- it first); no local functions, for the same reason.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set (same expiry as the counter).
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] '1' when ARGV[5] is an
-- idempotency id, '0' when there is none; then per meter: name, amount, cap (2^63-1 - amount, guards against overflow).
-- Returns { status (1 applied, 0 already applied, 2 overflow), index of the meter that would overflow or -1, value per meter }.
local counter, ids = KEYS[1], KEYS[2]
local n = (#ARGV - 5) / 3
local fields = { 'x' }
for i = 1, n do
  fields[i + 1] = 'm:' .. ARGV[3 * i + 3]
end
local stored = redis.call('HMGET', counter, unpack(fields))
local x = tonumber(stored[1])
local reply = { 0, -1 }
if x and x > tonumber(ARGV[1]) then
  for i = 1, n do
    reply[i + 2] = stored[i + 1] or '0'
  end
else
  x = nil
  redis.call('DEL', counter, ids)
  for i = 1, n do
    reply[i + 2] = '0'
  end
end

local hasId = ARGV[4] == '1'
if hasId and redis.call('SISMEMBER', ids, ARGV[5]) == 1 then
  return reply
end

for i = 1, n do
  local used, cap = reply[i + 2], ARGV[3 * i + 5]
  local fits
  if #used < 16 and #cap < 16 then
    fits = tonumber(used) <= tonumber(cap)
  else
    fits = #used < #cap or (#used == #cap and used <= cap)
  end
  if not fits then
    reply[1] = 2
    reply[2] = i - 1
    return reply
  end
end

if hasId then
  redis.call('SADD', ids, ARGV[5])
end
local writes, w = {}, 0
for i = 1, n do
  local amount = ARGV[3 * i + 4]
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

local ttl = tonumber(ARGV[3])
if not x or x < tonumber(ARGV[2]) then
  redis.call('HSET', counter, 'x', ARGV[2])
  if redis.call('PTTL', counter) < ttl then
    redis.call('PEXPIRE', counter, ttl)
  end
  if redis.call('PTTL', ids) < ttl then
    redis.call('PEXPIRE', ids, ttl)
  end
end
if hasId and redis.call('PTTL', ids) == -1 then
  -- A new set beside a counter whose expiry did not move: give it the counter's remaining time.
  local left = redis.call('PTTL', counter)
  redis.call('PEXPIRE', ids, left > 0 and left or ttl)
end
reply[1] = 1
return reply
