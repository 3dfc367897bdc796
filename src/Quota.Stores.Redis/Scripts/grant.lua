-- Adds a grant to a counter: more allowance for the rest of its cycle. Same counter layout as try_add.lua.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set.
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] the meter's grant field
-- ('g:' .. name), ARGV[5] the amount, ARGV[6] the most the meter's grants may total before this one (maxTotal minus
-- the amount; negative when no total leaves room), ARGV[7] the grant as the store records it.
-- Returns { 1 applied or 0 refused, the meter's grant total afterwards }.
--
-- A grant lives in the counter's own hash, beside the meters it raises: 'g:' .. name holds the meter's total, which
-- try_add.lua adds to the meter's limit; 'g' marks a counter that holds grants (so the batch script leaves its adds to
-- try_add.lua); 'gn' numbers the grants and 'r:' .. number keeps each one. So a grant takes effect atomically with the
-- adds, and goes when the counter does.
local counter, ids = KEYS[1], KEYS[2]
--#include counter_live

--#include decimal_parts
local total = redis.call('HGET', counter, ARGV[4]) or '0'
local th, tl = parts(total)
local ch, cl = parts(ARGV[6])
if not at_most(th - ch, tl - cl) then
  return { 0, total }
end

local after = redis.call('HINCRBY', counter, ARGV[4], ARGV[5])
local number = redis.call('HINCRBY', counter, 'gn', 1)
redis.call('HSET', counter, 'g', '1', 'r:' .. number, ARGV[7])
--#include counter_renew
return { 1, after }
