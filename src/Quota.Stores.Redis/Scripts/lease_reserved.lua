-- Fragment, spliced where a script says --#include lease_reserved: sums the units live leases hold unspent in a
-- counter, per meter, from its leases hash (fields described in lease.lua). Expects leases (the hash's key) and now
-- (unix ms). Leaves reserved (meter name -> units) and reserving (true when any live lease holds units).
local reserved, reserving = {}, false
do
  local entries = redis.call('HGETALL', leases)
  local expiry, holdings = {}, {}
  for i = 1, #entries, 2 do
    local field = entries[i]
    local kind, colon = string.sub(field, 1, 2), string.find(field, ':', 3, true)
    if colon then
      local length = tonumber(string.sub(field, 3, colon - 1))
      local holder = string.sub(field, colon + 1, colon + length)
      if kind == 'e:' then
        expiry[holder] = tonumber(entries[i + 1])
      elseif kind == 'h:' then
        holdings[#holdings + 1] = { holder, string.sub(field, colon + length + 1), tonumber(entries[i + 1]) }
      end
    end
  end
  for _, h in ipairs(holdings) do
    if h[3] > 0 and (expiry[h[1]] or 0) > now then
      reserved[h[2]] = (reserved[h[2]] or 0) + h[3]
      reserving = true
    end
  end
end
