-- common.lua: prepended to every job script; batch.lua follows the script's body and runs it once per job.
--
-- A call resolves one or more jobs (a batch), each job on its own facts:
-- ARGV[1]            -> the mode: '0' = write, '1' = plan only (dry run), 'f' = write and return the
--                       fingerprint of what was left, for a backup
-- ARGV[2]            -> number of jobs J
-- then per job       -> number of its keys, number of its arguments, then its arguments:
--   N                -> number of fact checks
--   4N arguments     -> N checks of four arguments each: kind, key, field, expected
--   arg(1) …         -> the script's own arguments
-- KEYS               -> every job's keys, in job order; the body sees its own as KEYS[1] …
--
-- 1. Fact checks: re-check, inside Redis, the facts a decision was made on.
--   kind 'zscore'    : score of member <field> in zset <key> equals <expected> ('-' = absent)
--   kind 'lapsed'    : score of member <field> in zset <key> is below TIME - <expected> seconds
--   kind 'hget'      : hash field equals <expected> ('=' .. value, or '-' = absent)
--   kind 'hexists'   : hash field exists, <expected> '1' or '0'
--   kind 'exists'    : key exists, <expected> '1' or '0'
--   kind 'sismember' : <field> in set <key>, <expected> '1' or '0'
--   kind 'numsub'    : channel <key> has subscribers, <expected> '1' (some) or '0' (none)
--   kind 'lhas'      : list <key> holds <field>, <expected> '1' or '0'
-- check_facts() returns nil when all hold (and, when asked, fields of the job hash), else a description of the first
-- that does not.
-- K holds RQ's key prefixes; LuaScript fills it in from RqKeys, the one place key names are built.
--
-- 2. Recorded writes: every write goes through own() (a key that belongs to the job alone) or shared() (a
--    job's membership in a shared key), so that a dry run plans exactly the writes a real run makes, and
--    every run reports which keys it changed. result() returns, flat (nested replies cost Redis more),
--    {code, detail, fingerprint of the job's own keys after the writes, kind, key, member, structure, ...}
--    with four entries per write, where structure is the shared key's type (zset, set, list) as its write
--    command implies.
--    A batch returns one such result per job, in order.

-- Where the current job's arguments start in ARGV (ARGV[AT + 1] is its number of fact checks), and where its
-- own arguments start (ARGV[OWN + 1] is arg(1)).
local AT, OWN = 0, 0

local NOW
local function now_seconds()
  NOW = NOW or tonumber(redis.call('TIME')[1])
  return NOW
end

local K = {--[[RQ_KEY_PREFIXES]]}

-- Key types seen in this call. Job scripts write only through own()/shared()/other(), which forget the type of
-- the key they write, so a remembered type is still the key's type; the jobs of a batch share most queue keys.
local TYPES = {}
local function type_of(key)
  local t = TYPES[key]
  if not t then
    t = redis.call('TYPE', key)['ok']
    TYPES[key] = t
  end
  return t
end

-- Remembers the keys as absent when none of them exists (the usual case for a job's optional keys): one EXISTS
-- instead of a TYPE each.
local function note_absent(a, b, c)
  if redis.call('EXISTS', a, b, c) == 0 then
    TYPES[a], TYPES[b], TYPES[c] = 'none', 'none', 'none'
  end
end

-- Whether a list holds a value (LPOS from Redis 6.0.6; a scan before that).
local function list_has(key, value)
  if type_of(key) == 'none' then return false end
  local ok, pos = pcall(redis.call, 'LPOS', key, value)
  if ok then return pos ~= false and pos ~= nil end
  for _, v in ipairs(redis.call('LRANGE', key, 0, -1)) do
    if v == value then return true end
  end
  return false
end

-- The value a check compares, as text: '=' .. value or '-' for 'hget', '1' or '0' for the others; nil for an
-- unknown kind.
local function read_fact(kind, key, field)
  if kind == 'hget' then
    local v = redis.call('HGET', key, field)
    return v and ('=' .. v) or '-'
  elseif kind == 'hexists' then
    return tostring(redis.call('HEXISTS', key, field))
  elseif kind == 'exists' then
    return tostring(redis.call('EXISTS', key))
  elseif kind == 'sismember' then
    return tostring(redis.call('SISMEMBER', key, field))
  elseif kind == 'numsub' then
    return redis.call('PUBSUB', 'NUMSUB', key)[2] > 0 and '1' or '0'
  elseif kind == 'lhas' then
    return list_has(key, field) and '1' or '0'
  end
  return nil
end

-- t[k], made an empty table first if absent: nested sets without building a joined key string per lookup.
local function child(t, k)
  local c = t[k]
  if not c then
    c = {}
    t[k] = c
  end
  return c
end

local function is_worker_key(key)
  return string.find(key, K.WORKER, 1, true) == 1
end

-- Worker keys and worker channels: what fact() reads once per call.
local function is_worker_fact(key)
  return is_worker_key(key) or string.find(key, K.PUBSUB, 1, true) == 1
end

-- Facts about a worker (its hash, its channel, the executions it claims) are read once per call: job scripts
-- never write a worker's keys, nobody subscribes while a script runs, and the jobs of a batch mostly share a
-- few workers.
local WORKER_FACTS = {}
local function fact(kind, key, field)
  if not is_worker_fact(key) then return read_fact(kind, key, field) end
  -- A dead worker's executions set is gone: one EXISTS per call answers for all of its jobs.
  if kind == 'sismember' and fact('exists', key, '') == '0' then return '0' end
  local of_kind = child(child(WORKER_FACTS, key), kind)
  local v = of_kind[field]
  if v == nil then
    v = read_fact(kind, key, field)
    of_kind[field] = v
  end
  return v
end

local function what_changed(kind, key, field, expected)
  if kind == 'hget' or kind == 'hexists' then return field .. ' of ' .. key .. ' changed' end
  if kind == 'exists' then return key .. (expected == '1' and ' gone' or ' appeared') end
  if kind == 'numsub' then return 'subscribers of ' .. key .. ' changed' end
  return 'membership in ' .. key .. ' changed'
end

-- want_key, want_fields (optional): fields of a hash the script reads after the checks. They come back as the
-- second result, read in the same HMGET as the checked fields of that hash when there are any.
local function check_facts(want_key, want_fields)
  local n = tonumber(ARGV[AT + 1])
  local i = 0
  local wanted
  while i < n do
    local b = AT + 4 * i
    local kind, key, field, expected = ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5]
    i = i + 1
    if kind == 'zscore' then
      local s = redis.call('ZSCORE', key, field)
      if expected == '-' then
        if s then return 'entry reappeared' end
      elseif not s then
        return 'entry gone'
      elseif tonumber(s) ~= tonumber(expected) then
        return 'heartbeat moved'
      end
    elseif kind == 'lapsed' then
      local s = redis.call('ZSCORE', key, field)
      if not s or tonumber(s) >= now_seconds() - tonumber(expected) then return 'heartbeat not lapsed' end
    elseif kind == 'hget' and i < n and ARGV[b + 6] == 'hget' and ARGV[b + 7] == key and not is_worker_key(key) then
      -- Consecutive fields of one hash: one HMGET.
      local first, fields = i - 1, {field}
      while i < n and ARGV[AT + 4 * i + 2] == 'hget' and ARGV[AT + 4 * i + 3] == key do
        fields[#fields + 1] = ARGV[AT + 4 * i + 4]
        i = i + 1
      end
      local checked = #fields
      if key == want_key and not wanted then
        for w = 1, #want_fields do fields[checked + w] = want_fields[w] end
      end
      local values = redis.call('HMGET', key, unpack(fields))
      for f = 1, checked do
        local v = values[f]
        if (v and ('=' .. v) or '-') ~= ARGV[AT + 4 * (first + f - 1) + 5] then
          return fields[f] .. ' of ' .. key .. ' changed'
        end
      end
      if #fields > checked then
        wanted = {}
        for w = 1, #want_fields do wanted[w] = values[checked + w] end
      end
    else
      local actual = fact(kind, key, field)
      if actual == nil then return 'unknown check ' .. tostring(kind) end
      if actual ~= expected then return what_changed(kind, key, field, expected) end
    end
  end
  if want_key and not wanted then wanted = redis.call('HMGET', want_key, unpack(want_fields)) end
  return nil, wanted
end

-- The current job's own argument i (from 1).
local function arg(i)
  return ARGV[OWN + i]
end

local DRY = ARGV[1] == '1'
local FINGERPRINT = ARGV[1] == 'f'
local own_seen, changed_list = {}, {false, false, false}

local STRUCTURE = {ZADD = 'zset', ZREM = 'zset', SADD = 'set', SREM = 'set', LPUSH = 'list', RPUSH = 'list',
  LREM = 'list', LINSERT = 'list'}
-- Writes after which the key surely exists with this type (the others may have removed it or changed its type).
local CREATES = {ZADD = 'zset', SADD = 'set', LPUSH = 'list', RPUSH = 'list'}

local function note(kind, key, member, cmd)
  TYPES[key] = not DRY and CREATES[cmd] or nil
  -- An own key is listed once however often it is written; a repeated membership or other write (one per dependent)
  -- is listed once by the reader (ScriptResult).
  if kind == 'own' then
    if own_seen[key] then return end
    own_seen[key] = true
  end
  local n = #changed_list
  changed_list[n + 1], changed_list[n + 2], changed_list[n + 3], changed_list[n + 4] =
    kind, key, member or '', STRUCTURE[cmd] or ''
end

-- A write to a key that belongs to the job alone: own('HSET', 'rq:job:1', 'status', 'failed').
local function own(cmd, key, ...)
  note('own', key, nil, cmd)
  if not DRY then return redis.call(cmd, key, ...) end
end

-- A write of the job's membership in a shared key: shared('ZREM', 'rq:wip:q', member, member).
local function shared(cmd, key, member, ...)
  note('shared', key, member, cmd)
  if not DRY then return redis.call(cmd, key, ...) end
end

-- A write to a key of the job alone that may change nothing (the key or member may be gone already): noted
-- only when it changed something, or in a dry run when would() says it would. Saves a read per write.
local function own_maybe(would, cmd, key, ...)
  if DRY then
    if would() then note('own', key) end
    return 0
  end
  local n = redis.call(cmd, key, ...)
  if n ~= 0 then note('own', key, nil, cmd) end
  return n
end

-- A write to another job's keys (dependents released by a failure): reported, not part of this job's backup.
local function other(cmd, key, ...)
  note('other', key, nil, cmd)
  if not DRY then return redis.call(cmd, key, ...) end
end

-- SHA1 over the DUMP of the given keys (absent ones included): what a sweep left, compared by restore.
local function fingerprint_of(keys)
  local parts = {}
  for _, key in ipairs(keys) do
    table.insert(parts, key .. '=' .. (redis.call('DUMP', key) or '-'))
  end
  table.sort(parts)
  return redis.sha1hex(table.concat(parts, ';'))
end

-- The fingerprint of every own key this run wrote ('' unless asked for: DUMP is not free).
local function fingerprint()
  if not FINGERPRINT then return '' end
  local keys = {}
  for i = 4, #changed_list, 4 do
    if changed_list[i] == 'own' then table.insert(keys, changed_list[i + 1]) end
  end
  return fingerprint_of(keys)
end

local function result(code, detail)
  -- changed_list keeps its first three entries free for these (see batch.lua).
  changed_list[1], changed_list[2], changed_list[3] = code, detail or '', fingerprint()
  return changed_list
end

-- Refuses to write into a key of the wrong type: a script that fails half-way is not rolled back.
local function wrong_type(key, expected)
  local t = type_of(key)
  if t == 'none' or t == expected then return nil end
  return key .. ' is a ' .. t
end
