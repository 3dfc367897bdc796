-- Empties a counter (IQuotaStore.ResetAsync): its meters ('m:') and idempotency ids go; its grants ('g', 'g:', 'gn',
-- 'r:') and alert marks ('a:') stay, and with them the counter and its expiry ('x'); and the units live leases hold
-- stay counted, each such meter reading them, so a reset never lets holders and other callers together pass an
-- allowance. A counter that keeps none of these is deleted outright, with its leases hash.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set, KEYS[3] its leases hash. ARGV[1] now (unix ms).
-- Returns 1 when the counter was kept, 0 when deleted.
local counter, ids, leases = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local x = tonumber(redis.call('HGET', counter, 'x'))
if not x or x <= now then
  redis.call('DEL', counter, ids, leases)
  return 0
end

--#include lease_reserved
local meters, m, keep = {}, 0, reserving
for _, field in ipairs(redis.call('HKEYS', counter)) do
  if string.sub(field, 1, 2) == 'm:' then
    m = m + 1
    meters[m] = field
  elseif field ~= 'x' then
    keep = true
  end
end
if not keep then
  redis.call('DEL', counter, ids, leases)
  return 0
end
if m > 0 then
  redis.call('HDEL', counter, unpack(meters))
end
redis.call('DEL', ids)
if reserving then
  local writes = {}
  for meter, units in pairs(reserved) do
    writes[#writes + 1] = 'm:' .. meter
    writes[#writes + 1] = string.format('%.0f', units)
  end
  redis.call('HSET', counter, unpack(writes))
end
return 1
