-- Conditional, all-or-nothing add of several meters: one script, one round trip.
-- KEYS[1] counter hash, KEYS[2] its idempotency set (deleted with an expired counter).
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] one kind per meter
-- ('L' limited: refuse when used > cap; 'U' unlimited: cap only guards against overflow),
-- then per meter: name, amount, cap (limit - max(amount, 1) for 'L', 2^63-1 - amount for 'U').
-- Returns { status (1 applied, 0 refused, 2 overflow), index of the first meter that failed or -1, value per meter }.
local counter, ids = KEYS[1], KEYS[2]
local kinds = ARGV[4]
local n = #kinds
local fields, values, x = load(counter, tonumber(ARGV[1]), ARGV, 5, 3, n)
if not x then
  redis.call('DEL', counter, ids)
end

for pass = 1, 2 do
  -- Refusals first (a limited meter without room), then overflow of unlimited ones, like a checked add.
  local kind = pass == 1 and 76 or 85
  for i = 1, n do
    if string.byte(kinds, i) == kind and not within(values[i], ARGV[3 * i + 4]) then
      return { pass == 1 and 0 or 2, i - 1, unpack(values) }
    end
  end
end

for i = 1, n do
  local amount = ARGV[3 * i + 3]
  if amount ~= '0' then
    values[i] = exact(counter, fields[i + 1], redis.call('HINCRBY', counter, fields[i + 1], amount))
  end
end
renew(counter, ids, x, ARGV[2], tonumber(ARGV[3]))
return { 1, -1, unpack(values) }
