-- A lease call (IQuotaLeaseStore.LeaseAsync): report what a holder spent from its block and resize the block, atomically.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set, KEYS[3] its leases hash (one slot: one hash tag).
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] the lease's expiry (unix ms),
-- ARGV[5] holder, then per meter: name, spent, held wanted, limit ('' when the meter has none).
-- Returns { holding per meter, then value per meter, then grant total per meter, then units all live leases hold per
-- meter }. A block grows only within the meter's limit plus its grant total (grant.lua), as a consume would.
--
-- The leases hash holds, per holder, field 'e:' .. #holder .. ':' .. holder (the lease's expiry) and per meter
-- 'h:' .. #holder .. ':' .. holder .. name (units held unspent, already counted in the meter). A holder whose lease
-- expired is forgotten: its units stay counted. Lease arithmetic runs in Lua's numbers, exact below 2^53.
local counter, ids, leases = KEYS[1], KEYS[2], KEYS[3]
local base, stride = 5, 4
local n = (#ARGV - base) / stride
--#include counter_load
if not x then
  redis.call('DEL', counter, ids, leases)
end

local now, holder = tonumber(ARGV[1]), ARGV[5]
local tag = #holder .. ':' .. holder
local live = tonumber(redis.call('HGET', leases, 'e:' .. tag) or '0') > now
local out, writes, w, holding = {}, {}, 0, false
for i = 1, n do
  local at = base + stride * (i - 1)
  local name, spent, want, limit = ARGV[at + 1], tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3]), ARGV[at + 4]
  local field = 'h:' .. tag .. name
  local held = live and tonumber(redis.call('HGET', leases, field) or '0') or 0
  local value = tonumber(reply[i + 2])
  local granted = grants and grants[i] or '0'
  local fromHeld = math.min(spent, held)
  value = value + (spent - fromHeld)
  local left = held - fromHeld
  local after
  if want <= left then
    value = value - (left - want)
    after = want
  else
    local grow = want - left
    if limit ~= '' then
      grow = math.min(grow, math.max(0, tonumber(limit) + tonumber(granted) - value))
    end
    value = value + grow
    after = left + grow
  end

  writes[w + 1] = 'm:' .. name
  writes[w + 2] = string.format('%.0f', value)
  w = w + 2
  if after > 0 then
    redis.call('HSET', leases, field, string.format('%.0f', after))
    holding = true
  else
    redis.call('HDEL', leases, field)
  end
  out[i] = after
  out[n + i] = value
  out[2 * n + i] = granted
end

redis.call('HSET', counter, unpack(writes))
if holding then
  redis.call('HSET', leases, 'e:' .. tag, ARGV[4])
else
  redis.call('HDEL', leases, 'e:' .. tag)
end
--#include counter_renew
if redis.call('PTTL', leases) < ttl then
  redis.call('PEXPIRE', leases, ttl)
end

--#include lease_reserved
for i = 1, n do
  out[3 * n + i] = reserved[ARGV[base + stride * (i - 1) + 1]] or 0
end
return out
