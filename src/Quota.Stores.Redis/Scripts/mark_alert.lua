-- Marks a threshold alert of a counter once: of any number of callers, on any instance, exactly one gets 1. Same
-- counter layout as try_add.lua; the mark is the field 'a:' .. percent .. ':' .. meter, holding when it fired.
--
-- KEYS[1] counter hash, KEYS[2] its idempotency set.
-- ARGV[1] now (unix ms), ARGV[2] expiresAt (unix ms), ARGV[3] physical TTL (ms), ARGV[4] the mark's field,
-- ARGV[5] when it fired (unix 100 ns ticks). Returns 1 when this call marked it, 0 when it was marked before.
local counter, ids = KEYS[1], KEYS[2]
--#include counter_live

local marked = redis.call('HSETNX', counter, ARGV[4], ARGV[5])
--#include counter_renew
return marked
