-- Unconditional add of several meters, applied once per idempotency id. Same counter layout as try_add.lua.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set (same expiry as the counter).
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] '1' when ARGV[5] is an
-- idempotency id, '0' when there is none; then per meter: name, amount, cap (2^63-1 - amount, guards against overflow).
-- Returns { status (1 applied, 0 already applied, 2 overflow), index of the meter that would overflow or -1, value per
-- meter }, followed by each meter's grant total when the counter holds grants (grant.lua).
local counter, ids = KEYS[1], KEYS[2]
local n, base, stride = (#ARGV - 5) / 3, 5, 3
--#include counter_load
if not x then
  redis.call('DEL', counter, ids)
end

if grants then
  for i = 1, n do
    reply[n + 2 + i] = grants[i]
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
--#include counter_apply
--#include counter_renew
if hasId and redis.call('PTTL', ids) == -1 then
  -- A new set beside a counter whose expiry did not move: give it the counter's remaining time.
  local left = redis.call('PTTL', counter)
  redis.call('PEXPIRE', ids, left > 0 and left or ttl)
end
reply[1] = 1
return reply
