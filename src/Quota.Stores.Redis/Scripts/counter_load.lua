-- Fragment, spliced into the counter scripts where they say --#include counter_load (text, not a function: Lua
-- builds every closure anew on each call, which costs more server time than the script's own work).
-- Expects: counter (the hash key), n meters whose names are ARGV[base + stride * (i - 1) + 1], now in ARGV[1].
-- Leaves: fields ('x', then 'm:' .. each meter), x (the stored expiry, nil when the counter is not live) and
-- reply = { 0, -1, value per meter } with each live value as a decimal string ('0' when absent or not live).
local fields = { 'x' }
for i = 1, n do
  fields[i + 1] = 'm:' .. ARGV[base + stride * (i - 1) + 1]
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
  for i = 1, n do
    reply[i + 2] = '0'
  end
end
