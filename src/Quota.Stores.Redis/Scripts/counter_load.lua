-- Fragment, spliced into the counter scripts where they say --#include counter_load (text, not a function: Lua
-- builds every closure anew on each call, which costs more server time than the script's own work).
-- Expects: counter (the hash key), n meters whose names are ARGV[base + stride * (i - 1) + 1], now in ARGV[1].
-- Leaves: fields ('x', then 'm:' .. each meter, then 'g'), x (the stored expiry, nil when the counter is not live),
-- reply = { 0, -1, value per meter } with each live value as a decimal string ('0' when absent or not live), and
-- grants: nil when the live counter holds no grant (field 'g'), else each meter's grant total ('g:' .. name) as a
-- decimal string ('0' for a meter without one).
local fields = { 'x' }
for i = 1, n do
  fields[i + 1] = 'm:' .. ARGV[base + stride * (i - 1) + 1]
end
fields[n + 2] = 'g'
local stored = redis.call('HMGET', counter, unpack(fields))
local x = tonumber(stored[1])
local reply = { 0, -1 }
local grants
if x and x > tonumber(ARGV[1]) then
  for i = 1, n do
    reply[i + 2] = stored[i + 1] or '0'
  end
  if stored[n + 2] then
    local granted = {}
    for i = 1, n do
      granted[i] = 'g:' .. ARGV[base + stride * (i - 1) + 1]
    end
    grants = redis.call('HMGET', counter, unpack(granted))
    for i = 1, n do
      grants[i] = grants[i] or '0'
    end
  end
else
  x = nil
  for i = 1, n do
    reply[i + 2] = '0'
  end
end
