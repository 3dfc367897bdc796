-- Many conditional adds in one script: each applied in order, each all-or-nothing across its own meters, with the
-- same outcome as running try_add.lua once per add in that order. The store sends one of these when adds queue up
-- behind calls in flight, so Redis pays one script call for many adds. Same counter layout as try_add.lua.
--
-- KEYS: the counter hash and the idempotency set of each distinct counter, in pairs (KEYS[2c - 1], KEYS[2c]).
-- ARGV[1] the physical TTL grace (ms); then per add: its counter's number c, now (unix ms), expiresAt (unix ms),
-- physical TTL (ms), kinds (one 'L' or 'U' per meter, as in try_add.lua), then per meter: name, amount, cap.
-- Returns per add, one after another: status (1 applied, 0 refused, 3 not handled), index of the first meter that
-- did not fit or -1, value per meter.
--
-- Each counter is read once (HMGET of the fields its adds name; a later add naming a new meter reads that one), kept
-- in Lua while the adds run, and written once at the end (DEL when an add found it expired, one HSET, the TTLs).
-- Values are kept as Lua numbers, exact below 2^53. An add that would read or reach 2^53 is not handled here (status
-- 3): the store sends it alone with try_add.lua, which counts up to 2^63-1; later adds on that counter are handled
-- the same way, so each counter's adds still apply in order. Such adds cannot overflow here, so there is no status 2.
-- Unlike the single-add scripts this one defines a few functions: their cost is paid once per batch, not per add.
local exact = 9007199254740992
local states, order = {}, {}
local out, o = {}, 0
local nargs = #ARGV

local function load(s, names)
  local stored = redis.call('HMGET', s.key, unpack(names))
  for i = 1, #names do
    local value = tonumber(stored[i] or '0')
    s.vals[names[i]] = value < exact and value or -1
  end
  return stored
end

local function state(c, a, n)
  local s = states[c]
  if s then
    -- Fields of meters this counter has not seen yet in the batch: read them, unless it was wiped in the batch.
    local missing
    for i = 1, n do
      local f = 'm:' .. ARGV[a + 3 * i - 2]
      if s.vals[f] == nil then
        if s.wiped then
          s.vals[f] = 0
        else
          missing = missing or {}
          missing[#missing + 1] = f
        end
      end
    end
    if missing then
      load(s, missing)
    end
    return s
  end
  s = { key = KEYS[2 * c - 1], ids = KEYS[2 * c], vals = {}, dirty = {}, nd = 0, ttl = 0 }
  local names = { 'x' }
  for i = 1, n do
    names[i + 1] = 'm:' .. ARGV[a + 3 * i - 2]
  end
  local stored = load(s, names)
  s.vals.x = nil
  s.x = tonumber(stored[1])
  states[c] = s
  order[#order + 1] = s
  return s
end

local a = 2
while a <= nargs do
  local c, now, expires, ttl, kinds = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), ARGV[a + 4]
  local n = #kinds
  a = a + 4
  -- ARGV[a + 3i - 2], [a + 3i - 1], [a + 3i]: name, amount, cap of meter i.
  local s = state(c, a, n)
  if not s.x or s.x <= now then
    -- Expired or absent, as try_add.lua sees it: wipe it (DEL at the end) and start from zero.
    if not s.wiped or s.x then
      s.del = true
      s.wiped = true
      s.x = nil
      s.renew, s.ttl = nil, 0
      s.dirty, s.nd = {}, 0
      for f in pairs(s.vals) do
        s.vals[f] = 0
      end
    end
  end

  -- Not handled when a value would reach 2^53; else refused at the first limited meter without room (used > cap).
  local status = s.big and 3 or 1
  local refused = -1
  for i = 1, n do
    local used = s.vals['m:' .. ARGV[a + 3 * i - 2]]
    if used < 0 or used + tonumber(ARGV[a + 3 * i - 1]) >= exact then
      status = 3
    elseif refused < 0 and used > tonumber(ARGV[a + 3 * i]) and string.byte(kinds, i) == 76 then
      refused = i - 1
    end
  end
  if status == 1 and refused >= 0 then
    status = 0
  end

  local head = o + 1
  out[head] = status
  out[head + 1] = refused
  o = head + 1 + n
  if status == 3 then
    s.big = true
    for i = 1, n do
      out[head + 1 + i] = 0
    end
  elseif status == 0 then
    for i = 1, n do
      out[head + 1 + i] = s.vals['m:' .. ARGV[a + 3 * i - 2]]
    end
  else
    for i = 1, n do
      local f = 'm:' .. ARGV[a + 3 * i - 2]
      local after = s.vals[f] + tonumber(ARGV[a + 3 * i - 1])
      s.vals[f] = after
      out[head + 1 + i] = after
      if not s.dirty[f] then
        s.dirty[f] = true
        s.nd = s.nd + 1
        s.dirty[s.nd] = f
      end
    end
    if not s.x or s.x < expires then
      s.x = expires
      s.renew = true
      if ttl > s.ttl then
        s.ttl = ttl
      end
    end
  end
  a = a + 3 * n + 1
end

for _, s in ipairs(order) do
  if s.del then
    redis.call('DEL', s.key, s.ids)
  end
  local writes, w = {}, 0
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
    redis.call('HSET', s.key, unpack(writes))
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
