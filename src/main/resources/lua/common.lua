-- common.lua: prepended to every script.
--
-- 1. Fact checks: re-check, inside Redis, the facts a decision was made on.
--
-- ARGV[1]            -> number of checks N
-- ARGV[2 .. 1+4N]    -> N checks of four arguments each: kind, key, field, expected
--   kind 'zscore'    : score of member <field> in zset <key> equals <expected> ('-' = absent)
--   kind 'lapsed'    : score of member <field> in zset <key> is below TIME - <expected> seconds
--   kind 'hget'      : hash field equals <expected> ('=' .. value, or '-' = absent)
--   kind 'hexists'   : hash field exists, <expected> '1' or '0'
--   kind 'exists'    : key exists, <expected> '1' or '0'
--   kind 'sismember' : <field> in set <key>, <expected> '1' or '0'
--   kind 'numsub'    : channel <key> has subscribers, <expected> '1' (some) or '0' (none)
--   kind 'lhas'      : list <key> holds <field>, <expected> '1' or '0'
-- check_facts() returns nil when all hold, else a description of the first that does not.
-- Then arg(0): the mode ('0' = write, '1' = plan only (dry run), 'f' = write and return the fingerprint of
-- what was left, for a backup); arg(1) …: the script's own arguments.
-- K holds RQ's key prefixes; LuaScript fills it in from RqKeys, the one place key names are built.
--
-- 2. Recorded writes: every write goes through own() (a key that belongs to the job alone) or shared() (a
--    job's membership in a shared key), so that a dry run plans exactly the writes a real run makes, and
--    every run reports which keys it changed. result() returns
--    {code, detail, fingerprint of the job's own keys after the writes, {{kind, key, member, structure}, ...}}
--    where structure is the shared key's type (zset, set, list) as its write command implies.

local NOW
local function now_seconds()
  NOW = NOW or tonumber(redis.call('TIME')[1])
  return NOW
end

-- Whether a list holds a value (LPOS from Redis 6.0.6; a scan before that).
local function list_has(key, value)
  if redis.call('EXISTS', key) == 0 then return false end
  local ok, pos = pcall(redis.call, 'LPOS', key, value)
  if ok then return pos ~= false and pos ~= nil end
  for _, v in ipairs(redis.call('LRANGE', key, 0, -1)) do
    if v == value then return true end
  end
  return false
end

local function check_facts()
  local n = tonumber(ARGV[1])
  for i = 0, n - 1 do
    local kind, key, field, expected = ARGV[2 + 4 * i], ARGV[3 + 4 * i], ARGV[4 + 4 * i], ARGV[5 + 4 * i]
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
    elseif kind == 'hget' then
      local v = redis.call('HGET', key, field)
      local actual = v and ('=' .. v) or '-'
      if actual ~= expected then return field .. ' of ' .. key .. ' changed' end
    elseif kind == 'hexists' then
      if tostring(redis.call('HEXISTS', key, field)) ~= expected then return field .. ' of ' .. key .. ' changed' end
    elseif kind == 'exists' then
      if tostring(redis.call('EXISTS', key)) ~= expected then return key .. (expected == '1' and ' gone' or ' appeared') end
    elseif kind == 'sismember' then
      if tostring(redis.call('SISMEMBER', key, field)) ~= expected then return 'membership in ' .. key .. ' changed' end
    elseif kind == 'numsub' then
      local subs = redis.call('PUBSUB', 'NUMSUB', key)[2]
      if ((subs > 0) and '1' or '0') ~= expected then return 'subscribers of ' .. key .. ' changed' end
    elseif kind == 'lhas' then
      if ((list_has(key, field)) and '1' or '0') ~= expected then return 'membership in ' .. key .. ' changed' end
    else
      return 'unknown check ' .. tostring(kind)
    end
  end
  return nil
end

-- Script-specific argument i (0 = dry-run flag).
local function arg(i)
  return ARGV[2 + 4 * tonumber(ARGV[1]) + i]
end

local DRY = arg(0) == '1'
local FINGERPRINT = arg(0) == 'f'
local K = {--[[RQ_KEY_PREFIXES]]}
local changed, changed_list = {}, {}

local STRUCTURE = {ZADD = 'zset', ZREM = 'zset', SADD = 'set', SREM = 'set', LPUSH = 'list', RPUSH = 'list',
  LREM = 'list', LINSERT = 'list'}

local function note(kind, key, member, cmd)
  local id = kind .. '|' .. key .. '|' .. (member or '')
  if not changed[id] then
    changed[id] = true
    table.insert(changed_list, {kind, key, member or '', STRUCTURE[cmd] or ''})
  end
end

-- A write to a key that belongs to the job alone: own('HSET', 'rq:job:1', 'status', 'failed').
local function own(cmd, key, ...)
  note('own', key)
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
  if n ~= 0 then note('own', key) end
  return n
end

-- A write to another job's keys (dependents released by a failure): reported, not part of this job's backup.
local function other(cmd, key, ...)
  note('other', key)
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
  for _, c in ipairs(changed_list) do
    if c[1] == 'own' then table.insert(keys, c[2]) end
  end
  return fingerprint_of(keys)
end

local function result(code, detail)
  return {code, detail or '', fingerprint(), changed_list}
end

-- Refuses to write into a key of the wrong type: a script that fails half-way is not rolled back.
local function wrong_type(key, ...)
  local t = redis.call('TYPE', key)['ok']
  if t == 'none' then return nil end
  for _, ok in ipairs({...}) do
    if t == ok then return nil end
  end
  return key .. ' is a ' .. t
end

