-- Conditional, all-or-nothing add of several meters: one script, one round trip.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set (deleted with an expired counter).
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] one kind per meter
-- ('L' limited: refuse when used > cap; 'U' unlimited: cap only guards against overflow),
-- then per meter: name, amount, cap (limit - max(amount, 1) for 'L', 2^63-1 - amount for 'U').
-- Returns { status (1 applied, 0 refused, 2 overflow), index of the first meter that failed or -1, value per meter }.
--
-- A counter is one hash: field 'x' holds its logical expiry (unix ms, decided by the application's clock) and each
-- meter lives in field 'm:' .. name, so no meter name can clash with 'x'. It is live while x > now; the physical TTL
-- (PEXPIRE, relative, never shortened) only cleans up afterwards.
--
-- Counters go up to 2^63-1, past the 2^53 that Lua's numbers hold exactly: values of 16 digits or more are compared
-- as decimal strings and added with HINCRBY; smaller ones are added in Lua and written with one HSET.
--
-- No local functions on purpose: Lua creates every closure anew on each call, and five of them cost more server
-- time than the rest of the script. add.lua and subtract.lua repeat a few of these lines for the same reason.
local counter = KEYS[1]
local kinds = ARGV[4]
local n = #kinds
local fields = { 'x' }
for i = 1, n do
  fields[i + 1] = 'm:' .. ARGV[3 * i + 2]
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
  redis.call('DEL', counter, KEYS[2])
  for i = 1, n do
    reply[i + 2] = '0'
  end
end

-- Refusals (a limited meter without room) win over overflows (an unlimited meter past 2^63-1), like a checked add.
local overflow
for i = 1, n do
  local used, cap = reply[i + 2], ARGV[3 * i + 4]
  local fits
  if #used < 16 and #cap < 16 then
    fits = tonumber(used) <= tonumber(cap)
  else
    fits = string.byte(cap, 1) ~= 45 and (#used < #cap or (#used == #cap and used <= cap))
  end
  if not fits then
    if string.byte(kinds, i) == 76 then
      reply[2] = i - 1
      return reply
    end
    overflow = overflow or i
  end
end
if overflow then
  reply[1] = 2
  reply[2] = overflow - 1
  return reply
end

local writes, w = {}, 0
for i = 1, n do
  local amount = ARGV[3 * i + 3]
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

-- Extend the expiry (never shorten it), and the physical TTL of both keys.
if not x or x < tonumber(ARGV[2]) then
  local ttl = tonumber(ARGV[3])
  redis.call('HSET', counter, 'x', ARGV[2])
  if redis.call('PTTL', counter) < ttl then
    redis.call('PEXPIRE', counter, ttl)
  end
  if redis.call('PTTL', KEYS[2]) < ttl then
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
reply[1] = 1
return reply
