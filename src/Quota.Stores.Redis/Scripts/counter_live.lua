-- Fragment (see counter_load.lua) for scripts that write beside a counter's meters without reading them: leaves x,
-- the counter's stored expiry, or nil when it is absent or expired, in which case the counter and its ids are
-- deleted first, so what the script writes starts a fresh counter. Expects counter, ids and now in ARGV[1].
local x = tonumber(redis.call('HGET', counter, 'x'))
if not x or x <= tonumber(ARGV[1]) then
  x = nil
  redis.call('DEL', counter, ids)
end
