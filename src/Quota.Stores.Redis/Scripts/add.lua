-- Unconditional add of several meters, applied once per idempotency id.
-- KEYS[1] counter hash, KEYS[2] its idempotency set (same expiry as the counter).
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] '1' when ARGV[5] is an
-- idempotency id, '0' when there is none; then per meter: name, amount, cap (2^63-1 - amount, guards against overflow).
-- Returns { status (1 applied, 0 already applied, 2 overflow), index of the meter that would overflow or -1, value per meter }.
local counter, ids = KEYS[1], KEYS[2]
local n = (#ARGV - 5) / 3
local fields, values, x = load(counter, tonumber(ARGV[1]), ARGV, 6, 3, n)
if not x then
  redis.call('DEL', counter, ids)
end

local hasId = ARGV[4] == '1'
if hasId and redis.call('SISMEMBER', ids, ARGV[5]) == 1 then
  return { 0, -1, unpack(values) }
end

for i = 1, n do
  if not within(values[i], ARGV[3 * i + 5]) then
    return { 2, i - 1, unpack(values) }
  end
end

if hasId then
  redis.call('SADD', ids, ARGV[5])
end
for i = 1, n do
  local amount = ARGV[3 * i + 4]
  if amount ~= '0' then
    values[i] = exact(counter, fields[i + 1], redis.call('HINCRBY', counter, fields[i + 1], amount))
  end
end
renew(counter, ids, x, ARGV[2], tonumber(ARGV[3]))
if hasId and redis.call('PTTL', ids) == -1 then
  -- A new set beside a counter whose expiry did not move: give it the counter's remaining time.
  local left = redis.call('PTTL', counter)
  redis.call('PEXPIRE', ids, left > 0 and left or tonumber(ARGV[3]))
end
return { 1, -1, unpack(values) }
