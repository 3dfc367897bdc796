-- Shared by the counter scripts (prepended to each when the store loads them).
--
-- A counter is one hash: field 'x' holds its logical expiry (unix ms, decided by the application's clock) and
-- each meter lives in field 'm:' .. name, so a meter name can never clash with 'x'. A counter is live while
-- x > now; the physical TTL (PEXPIRE, relative) only cleans up afterwards.
--
-- Counters go up to 2^63-1, past the 2^53 that Lua's numbers hold exactly, so they are compared as decimal
-- strings (canonical, non-negative, as HINCRBY writes them) and returned as strings when large.

-- Whether used <= cap, for a non-negative decimal 'used' and a decimal 'cap' that may be negative.
local function within(used, cap)
  if string.byte(cap, 1) == 45 then
    return false
  end
  local lu, lc = #used, #cap
  if lu ~= lc then
    return lu < lc
  end
  return used <= cap
end

-- A counter value HINCRBY returned (a Lua number), made exact: small values as they are, large ones re-read as a string.
local function exact(key, field, n)
  if n < 9007199254740992 and n > -9007199254740992 then
    return n
  end
  return redis.call('HGET', key, field)
end

-- Reads x and the meters. Returns the fields, the stored values ('0' when absent) and x, or nil when the counter is not live.
local function load(key, now, names, first, stride, n)
  local fields = { 'x' }
  for i = 1, n do
    fields[i + 1] = 'm:' .. names[first + stride * (i - 1)]
  end
  local stored = redis.call('HMGET', key, unpack(fields))
  local x = tonumber(stored[1])
  local values = {}
  if x and x > now then
    for i = 1, n do
      values[i] = stored[i + 1] or '0'
    end
  else
    x = nil
    for i = 1, n do
      values[i] = '0'
    end
  end
  return fields, values, x
end

-- Extends the logical expiry to expiresAt (never shortens it) and the physical TTL of both keys to ttl ms.
local function renew(counter, ids, x, expiresAt, ttl)
  if x and x >= tonumber(expiresAt) then
    return
  end
  redis.call('HSET', counter, 'x', expiresAt)
  if redis.call('PTTL', counter) < ttl then
    redis.call('PEXPIRE', counter, ttl)
  end
  if redis.call('PTTL', ids) < ttl then
    redis.call('PEXPIRE', ids, ttl)
  end
end

