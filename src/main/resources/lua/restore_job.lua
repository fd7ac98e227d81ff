-- restore_job.lua: puts one job back as a backup line recorded it before a sweep changed it: its own keys
-- from their DUMP and TTL (or absent), and its membership in shared keys (registries, queues, parents'
-- dependents sets). Refuses, writing nothing, when the job's own keys are no longer what the sweep left
-- (someone changed or re-created the job since), unless told to replace.
--
-- KEYS    -> none (every key is named in the arguments: they come from the backup file)
-- ARGV    -> facts (none) and mode (see common.lua), then:
-- arg(1)  -> fingerprint the sweep left ('' = replace whatever is there now)
-- arg(2)  -> number N of own keys, then N triples: key, DUMP bytes ('' = the key did not exist), PTTL ms (0 = none)
-- then    -> number M of memberships, then M quintuples: type (zset|set|list), key, member, present ('1'|'0'),
--            score (zset) or index (list: the member goes back before whatever now stands at that index)
-- Returns result('restored'), result('changed', why) or result('error', why) with nothing written.

local expected = arg(1)
local n = tonumber(arg(2))
local own_keys, dumps, ttls = {}, {}, {}
for i = 0, n - 1 do
  table.insert(own_keys, arg(3 + 3 * i))
  table.insert(dumps, arg(4 + 3 * i))
  table.insert(ttls, tonumber(arg(5 + 3 * i)))
end
local base = 3 + 3 * n
local m = tonumber(arg(base))
local members = {}
for i = 0, m - 1 do
  local o = base + 1 + 5 * i
  table.insert(members, {arg(o), arg(o + 1), arg(o + 2), arg(o + 3) == '1', arg(o + 4)})
end

if expected ~= '' and fingerprint_of(own_keys) ~= expected then
  return result('changed', 'the job changed after the sweep')
end
for _, mb in ipairs(members) do
  local bad = wrong_type(mb[2], mb[1])
  if bad then return result('error', bad) end
end

for i, key in ipairs(own_keys) do
  if dumps[i] ~= '' then
    own('RESTORE', key, ttls[i] > 0 and ttls[i] or 0, dumps[i], 'REPLACE')
  elseif redis.call('EXISTS', key) == 1 then
    own('DEL', key)
  end
end
for _, mb in ipairs(members) do
  local t, key, member, present, score = mb[1], mb[2], mb[3], mb[4], mb[5]
  if t == 'zset' then
    local now = redis.call('ZSCORE', key, member)
    if present and (not now or tonumber(now) ~= tonumber(score)) then shared('ZADD', key, member, score, member) end
    if not present and now then shared('ZREM', key, member, member) end
  elseif t == 'set' then
    local now = redis.call('SISMEMBER', key, member) == 1
    if present and not now then shared('SADD', key, member, member) end
    if not present and now then shared('SREM', key, member, member) end
  elseif t == 'list' then
    local now = list_has(key, member)
    if present and not now then
      local index = tonumber(score) or -1
      local pivot = index >= 0 and redis.call('LINDEX', key, index) or false
      if pivot then
        shared('LINSERT', key, member, 'BEFORE', pivot, member)
      else
        shared('RPUSH', key, member, member)
      end
    end
    if not present and now then shared('LREM', key, member, 0, member) end
  end
end
return result('restored')
