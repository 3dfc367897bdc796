-- Conditional, all-or-nothing add of several meters: one script, one round trip.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set (deleted with an expired counter).
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] one kind per meter
-- ('L' limited: refuse when used > cap; 'U' unlimited: cap only guards against overflow),
-- then per meter: name, amount, cap (limit - max(amount, 1) for 'L', 2^63-1 - amount for 'U').
-- Returns { status (1 applied, 0 refused, 2 overflow), index of the first meter that failed or -1, value per meter },
-- followed by each meter's grant total when the counter holds grants.
--
-- A counter is one hash: field 'x' holds its logical expiry (unix ms, decided by the application's clock) and each
-- meter lives in field 'm:' .. name, so no meter name can clash with 'x'. It is live while x > now; the physical TTL
-- (PEXPIRE, relative, never shortened) only cleans up afterwards. Counters go up to 2^63-1, past the 2^53 that Lua's
-- numbers hold exactly, so values of 16 digits or more are compared as decimal strings.
--
-- The --#include lines are replaced by the named fragments when the store loads the script: shared text rather than
-- functions, because Lua builds every closure anew on each call.
local counter, ids = KEYS[1], KEYS[2]
local kinds = ARGV[4]
local n, base, stride = #kinds, 4, 3

-- One meter on a counter without grants, the common consume, is answered here before any table is built: one HMGET,
-- one HINCRBY, the same checks as below for n = 1. It costs the server about a quarter less (benchmarks/README.md). A
-- live counter holding grants goes on to the general path, which reads it again.
if n == 1 then
  local field = 'm:' .. ARGV[5]
  local stored = redis.call('HMGET', counter, 'x', field, 'g')
  local x = tonumber(stored[1])
  local used
  if not x or x <= tonumber(ARGV[1]) then
    x = nil
    redis.call('DEL', counter, ids)
    used = '0'
  elseif not stored[3] then
    used = stored[2] or '0'
  end
  if used then
    local cap = ARGV[7]
    local fits
    if #used < 16 and #cap < 16 then
      fits = tonumber(used) <= tonumber(cap)
    else
      fits = string.byte(cap, 1) ~= 45 and (#used < #cap or (#used == #cap and used <= cap))
    end
    if not fits then
      return { kinds == 'L' and 0 or 2, 0, used }
    end
    local amount = ARGV[6]
    if amount ~= '0' then
      -- HINCRBY adds exactly; Lua reads its reply as a number, exact below 2^53, so a larger one is read as a string.
      used = redis.call('HINCRBY', counter, field, amount)
      if used >= 9007199254740992 then
        used = redis.call('HGET', counter, field)
      end
    end
--#include counter_renew
    return { 1, -1, used }
  end
end

--#include counter_load
if not x then
  redis.call('DEL', counter, ids)
end

-- A counter holding grants (grant.lua) raises each limited meter's limit by the meter's grant total: such a meter fits
-- when used - granted <= cap and used + amount stays within 2^63-1, both compared exactly on numbers up to 2^63 split
-- into parts of at most 10 and 9 digits. Defined only then: Lua builds a function anew on every call.
local within
if grants then
--#include decimal_parts
  within = function(used, granted, cap, amount)
    local uh, ul = parts(used)
    local gh, gl = parts(granted)
    local ch, cl = parts(cap)
    local ah, al = parts(amount)
    return at_most(uh - gh - ch, ul - gl - cl) and at_most(uh + ah - 9223372036, ul + al - 854775807)
  end
  for i = 1, n do
    reply[n + 2 + i] = grants[i]
  end
end

-- Refusals (a limited meter without room) win over overflows (an unlimited meter past 2^63-1), like a checked add.
local overflow
for i = 1, n do
  local used, cap = reply[i + 2], ARGV[3 * i + 4]
  local fits
  if within and grants[i] ~= '0' and string.byte(kinds, i) == 76 then
    fits = within(used, grants[i], cap, ARGV[3 * i + 3])
  elseif #used < 16 and #cap < 16 then
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

--#include counter_apply
--#include counter_renew
reply[1] = 1
return reply
