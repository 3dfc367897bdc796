-- Empties a counter: its meters ('m:') and idempotency ids go; its grants ('g', 'g:', 'gn', 'r:') and alert marks
-- ('a:') stay, and with them the counter and its expiry ('x'). A counter holding neither is deleted outright.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set. Returns 1 when the counter was kept, 0 when deleted.
local counter, ids = KEYS[1], KEYS[2]
local meters, m, keep = {}, 0, false
for _, field in ipairs(redis.call('HKEYS', counter)) do
  if string.sub(field, 1, 2) == 'm:' then
    m = m + 1
    meters[m] = field
  elseif field ~= 'x' then
    keep = true
  end
end
if not keep then
  redis.call('DEL', counter, ids)
  return 0
end
if m > 0 then
  redis.call('HDEL', counter, unpack(meters))
end
redis.call('DEL', ids)
return 1
