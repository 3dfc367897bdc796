-- Fragment (see counter_load.lua): extends the counter's expiry to ARGV[2] (never shortens it) and the physical TTL
-- of the counter and its idempotency set (ids) to ARGV[3] ms (never shortens it either).
local ttl = tonumber(ARGV[3])
if not x or x < tonumber(ARGV[2]) then
  redis.call('HSET', counter, 'x', ARGV[2])
  if redis.call('PTTL', counter) < ttl then
    redis.call('PEXPIRE', counter, ttl)
  end
  if redis.call('PTTL', ids) < ttl then
    redis.call('PEXPIRE', ids, ttl)
  end
end
