-- Resets a counter (IQuotaStore.ResetAsync) of a store that leases: what is spent goes, live holdings stay counted.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set, KEYS[3] its leases hash. ARGV[1] now (unix ms).
-- The leases hash's fields are described in lease.lua.
local counter, ids, leases = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local x = tonumber(redis.call('HGET', counter, 'x'))
local pttl = redis.call('PTTL', counter)
local entries = redis.call('HGETALL', leases)
local expiry, held = {}, {}
for i = 1, #entries, 2 do
  local field = entries[i]
  local kind, colon = string.sub(field, 1, 2), string.find(field, ':', 3, true)
  if colon then
    local length = tonumber(string.sub(field, 3, colon - 1))
    local holder = string.sub(field, colon + 1, colon + length)
    if kind == 'e:' then
      expiry[holder] = tonumber(entries[i + 1])
    elseif kind == 'h:' then
      held[#held + 1] = { holder, string.sub(field, colon + length + 1), tonumber(entries[i + 1]) }
    end
  end
end

redis.call('DEL', counter, ids)
if not x or x <= now then
  redis.call('DEL', leases)
  return 0
end

local sums, any = {}, false
for _, h in ipairs(held) do
  if (expiry[h[1]] or 0) > now then
    sums[h[2]] = (sums[h[2]] or 0) + h[3]
    any = true
  end
end
if any then
  local writes = { 'x', string.format('%.0f', x) }
  for meter, units in pairs(sums) do
    writes[#writes + 1] = 'm:' .. meter
    writes[#writes + 1] = string.format('%.0f', units)
  end
  redis.call('HSET', counter, unpack(writes))
  if pttl > 0 then
    redis.call('PEXPIRE', counter, pttl)
  end
end
return 1
