-- facts.lua: prepended to every script. Re-checks, inside Redis, the facts a decision was made on.
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
-- check_facts() returns nil when all hold, else a description of the first that does not.
-- Script-specific arguments follow at ARGV[2 + 4N] (see facts_end()).

local function now_seconds()
  return tonumber(redis.call('TIME')[1])
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
    else
      return 'unknown check ' .. tostring(kind)
    end
  end
  return nil
end

-- Index of the first script-specific argument.
local function facts_end()
  return 2 + 4 * tonumber(ARGV[1])
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

