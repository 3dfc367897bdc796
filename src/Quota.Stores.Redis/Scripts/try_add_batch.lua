-- Many conditional adds in one script, each all-or-nothing across its own meters, with the outcome of running
-- try_add.lua once per add in the order given. The store sends one of these for the adds that queued while earlier
-- calls were in flight, so Redis pays one script call for many adds. Same counter layout as try_add.lua.
--
-- KEYS: the counter hash and the idempotency set of each distinct counter, in pairs (KEYS[2c - 1], KEYS[2c]).
-- ARGV[1] the physical TTL grace (ms), then groups of adds that share a counter, meters, now and expiry:
--   c (the counter's pair), m (meters), now (unix ms), expiresAt (unix ms), kinds ('L' limited or 'U' per meter),
--   m meter names, m limits (ignored for 'U'), r (runs), then each run: k (adds), the m amounts they all add.
-- Returns per run, in order: n, then the index of the first meter without room for the run's (n + 1)th add or -1,
-- then the value of each meter before the run. The run's first n adds were applied in turn (the jth add leaves each
-- meter at its value before the run + j * amount); the others were refused, each seeing the values + n * amount.
-- n = -1: the run was not handled (a value near 2^53, or a counter holding grants) and the store sends each of its
-- adds alone with try_add.lua.
-- The physical TTL is expiresAt - now + grace (at least 1 ms), as the store computes it.
--
-- A run of k equal adds costs the script the same as one: whether the jth add has room is monotone in j (values only
-- grow, and only by the same amounts), so n is found by stepping back from k, which only a run at a limit does.
-- Each counter is read once (one HMGET; a later group naming a new meter reads that field), kept in Lua while the
-- adds run, and written once at the end (DEL when an add found it expired, one HSET, the TTLs). Values are Lua
-- numbers, exact below 2^53: a run whose last add would read or reach 2^53 is not handled, and later runs on that
-- counter are left the same way. So nothing here can overflow (no status 2). A limited meter has room for an add
-- when used + max(amount, 1) <= limit; a limit past 2^53 rounds to a number past every value kept here, so the
-- comparison stays exact.
-- Unlike the single-add scripts this one defines functions: Lua builds them once per batch, not once per add.
local exact = 9007199254740992
local grace = tonumber(ARGV[1])
local states, order = {}, {}
local out, o = {}, 0

-- tonumber costs more than a table lookup, and the header numbers repeat from group to group (counter numbers,
-- meter counts, now, expiry, limits): parse each distinct text once.
local parsed = {}
local function number(text)
  local value = parsed[text]
  if not value then
    value = tonumber(text)
    parsed[text] = value
  end
  return value
end

-- Scratch tables, reused by every group (a group reads only its first m entries): building tables costs server time.
local fields, limits, v, amounts, names = {}, {}, {}, {}, {}

-- Reads fields names[1..to] of counter s and keeps names[from..last] in s.vals (-1 for a value past 2^53); returns
-- the HMGET reply. Only meters go into s.vals: a field put in and taken out again ('x', 'g') makes Lua grow the table
-- for nothing, which costs the server a measurable share of the batch (benchmarks/README.md).
local function load(s, to, from, last)
  local stored = redis.call('HMGET', s.key, unpack(names, 1, to))
  local vals = s.vals
  for i = from, last do
    local value = tonumber(stored[i] or '0')
    vals[names[i]] = value < exact and value or -1
  end
  return stored
end

-- The state of counter c with the group's m meter fields known: read once per batch, then kept here.
local function state(c, m, now)
  local s = states[c]
  if not s then
    s = { key = KEYS[2 * c - 1], ids = KEYS[2 * c], vals = {}, dirty = {}, nd = 0, ttl = 0 }
    names[1] = 'x'
    for i = 1, m do
      names[i + 1] = fields[i]
    end
    names[m + 2] = 'g'
    local stored = load(s, m + 2, 2, m + 1)
    s.x = tonumber(stored[1])
    -- A live counter that holds grants (grant.lua) raises its limits: left to try_add.lua, which reads them.
    s.big = stored[m + 2] and s.x and s.x > now or nil
    states[c] = s
    order[#order + 1] = s
    return s
  end
  -- Meters this counter has not seen yet in the batch: read them, or zero when the batch wiped the counter.
  local missing = 0
  for i = 1, m do
    local f = fields[i]
    if s.vals[f] == nil then
      if s.wiped then
        s.vals[f] = 0
      else
        missing = missing + 1
        names[missing] = f
      end
    end
  end
  if missing > 0 then
    load(s, missing, 1, missing)
  end
  return s
end

local a, nargs = 2, #ARGV
while a <= nargs do
  local c, m, now, expires, kinds = number(ARGV[a]), number(ARGV[a + 1]), number(ARGV[a + 2]), number(ARGV[a + 3]), ARGV[a + 4]
  for i = 1, m do
    fields[i] = 'm:' .. ARGV[a + 4 + i]
    limits[i] = string.byte(kinds, i) == 76 and number(ARGV[a + 4 + m + i])
  end
  local at = a + 5 + 2 * m
  local runs = number(ARGV[at])
  at = at + 1
  local ttl = expires - now + grace
  if ttl < 1 then
    ttl = 1
  end

  local s = state(c, m, now)
  local vals = s.vals
  local applied = false
  for i = 1, m do
    v[i] = vals[fields[i]]
  end
  for _ = 1, runs do
    local k = number(ARGV[at])
    for i = 1, m do
      amounts[i] = number(ARGV[at + i])
    end
    at = at + 1 + m

    if (not s.x or s.x <= now) and (not s.wiped or s.x) then
      -- Expired or absent, as try_add.lua sees it: wiped (DEL at the end), counting from zero.
      s.del, s.wiped, s.x, s.renew, s.ttl = true, true, nil, nil, 0
      s.dirty, s.nd = {}, 0
      for f in pairs(vals) do
        vals[f] = 0
      end
      for i = 1, m do
        v[i] = 0
      end
      applied = false
    end

    -- n: how many of the run's adds fit. The jth add (from 0) of a meter needs used + j * amount + max(amount, 1).
    local n = k
    if s.big then
      n = -1
    else
      for i = 1, m do
        local used, amount = v[i], amounts[i]
        local step = amount > 0 and amount or 1
        if used < 0 or used + (k - 1) * amount + step >= exact then
          n = -1
          break
        end
        local limit = limits[i]
        if limit then
          while n > 0 and used + (n - 1) * amount + step > limit do
            n = n - 1
          end
        end
      end
    end

    out[o + 1] = n
    out[o + 2] = -1
    for i = 1, m do
      out[o + 2 + i] = v[i]
    end
    if n < 0 then
      s.big = true
      for i = 1, m do
        out[o + 2 + i] = 0
      end
    else
      if n < k then
        for i = 1, m do
          if limits[i] and v[i] + n * amounts[i] + (amounts[i] > 0 and amounts[i] or 1) > limits[i] then
            out[o + 2] = i - 1
            break
          end
        end
      end
      if n > 0 then
        for i = 1, m do
          v[i] = v[i] + n * amounts[i]
        end
        applied = true
        if not s.x or s.x < expires then
          s.x, s.renew = expires, true
          if ttl > s.ttl then
            s.ttl = ttl
          end
        end
      end
    end
    o = o + 2 + m
  end
  a = at

  local dirty = s.dirty
  for i = 1, m do
    local f = fields[i]
    vals[f] = v[i]
    if applied and not dirty[f] then
      dirty[f] = true
      s.nd = s.nd + 1
      dirty[s.nd] = f
    end
  end
end

local writes = {}
for _, s in ipairs(order) do
  if s.del then
    redis.call('DEL', s.key, s.ids)
  end
  local w = 0
  for i = 1, s.nd do
    local f = s.dirty[i]
    writes[w + 1] = f
    writes[w + 2] = string.format('%.0f', s.vals[f])
    w = w + 2
  end
  if s.renew then
    writes[w + 1] = 'x'
    writes[w + 2] = string.format('%.0f', s.x)
    w = w + 2
  end
  if w > 0 then
    redis.call('HSET', s.key, unpack(writes, 1, w))
  end
  if s.renew then
    if redis.call('PTTL', s.key) < s.ttl then
      redis.call('PEXPIRE', s.key, s.ttl)
    end
    if redis.call('PTTL', s.ids) < s.ttl then
      redis.call('PEXPIRE', s.ids, s.ttl)
    end
  end
end
return out
