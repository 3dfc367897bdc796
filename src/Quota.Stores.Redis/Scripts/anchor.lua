-- Sets a subject's first-use anchor once: racing callers all get the value that won.
-- KEYS[1] anchor key. ARGV[1] the candidate anchor. Returns the stored anchor.
local stored = redis.call('GET', KEYS[1])
if stored then
  return stored
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
