-- Gives amounts back, stopping each meter at zero; an absent or expired counter is left alone.
-- KEYS[1] counter hash. ARGV[1] now (unix ms), then per meter: name, minus the amount (0 when nothing to give back).
-- Returns the value per meter afterwards.
local counter = KEYS[1]
local n = (#ARGV - 1) / 2
local fields, values, x = load(counter, tonumber(ARGV[1]), ARGV, 2, 2, n)
if not x then
  return values
end

for i = 1, n do
  local negated = ARGV[2 * i + 1]
  if negated ~= '0' then
    local left = redis.call('HINCRBY', counter, fields[i + 1], negated)
    if left < 0 then
      redis.call('HSET', counter, fields[i + 1], 0)
      left = 0
    end
    values[i] = exact(counter, fields[i + 1], left)
  end
end
return values
