-- delete_job.lua: deletes one job and everything RQ keeps for it (spec §6.4), plus the caller's extra keys
-- (--delete-key). Afterwards the id is in no key name and no set, zset or list member. Runs only when every
-- fact the decision was made on still holds; refuses before the first write on a wrong key type.
--
-- KEYS[1] -> rq:wip:<queue> of the queue the job was found in
-- KEYS[2] -> rq:job:<id>
-- KEYS[3…] -> extra keys to delete with it (--delete-key patterns with {id} replaced)
-- ARGV    -> facts and mode (see common.lua), then:
-- arg(1)  -> job id
-- arg(2)  -> queue the job was found in (also swept when the job's origin differs)
-- arg(3)  -> the started-registry member the sweep found ('' when deleting a dependent)
-- Returns result('deleted', dependents) where dependents is a space-separated list of the ids that waited
-- for this job (they would wait forever), or result('changed'|'error', why) with nothing written.

local why, f = check_facts(KEYS[2], {'origin', 'group_id'})
if why then return result('changed', why) end

local job_id, found_in, found_member = arg(1), arg(2), arg(3)
local jk = KEYS[2]
local origin = (f[1] and f[1] ~= '') and f[1] or found_in
local queues = {origin}
if found_in ~= origin then table.insert(queues, found_in) end
local dependents_key = jk .. ':dependents'
local dependencies_key = K.DEPS .. job_id .. K.DEPS_SUFFIX
local esk = K.EXECUTIONS .. job_id
local group_key = (f[2] and f[2] ~= '') and (K.GROUP .. f[2]) or nil

note_absent(dependents_key, dependencies_key, K.RESULTS .. job_id)
local bad = wrong_type(dependents_key, 'set') or wrong_type(dependencies_key, 'set') or wrong_type(esk, 'zset')
  or wrong_type(K.RESULTS .. job_id, 'stream') or (group_key and wrong_type(group_key, 'set'))
local executions = (not bad and type_of(esk) == 'zset') and redis.call('ZRANGE', esk, 0, -1) or {}
for _, e in ipairs(executions) do bad = bad or wrong_type(K.EXECUTION .. job_id .. ':' .. e, 'hash') end
for _, q in ipairs(queues) do
  bad = bad or wrong_type(K.QUEUE .. q, 'list') or wrong_type(K.QUEUE .. q .. ':intermediate', 'list')
    or wrong_type(K.QUEUE .. q .. ':intermediate:first_seen:' .. job_id, 'string')
  for _, r in ipairs({K.WIP, K.FAILED, K.FINISHED, K.DEFERRED, K.SCHEDULED, K.CANCELED}) do
    bad = bad or wrong_type(r .. q, 'zset')
  end
end
local parents = type_of(dependencies_key) == 'set' and redis.call('SMEMBERS', dependencies_key) or {}
local children = type_of(dependents_key) == 'set' and redis.call('SMEMBERS', dependents_key) or {}
for _, p in ipairs(parents) do bad = bad or wrong_type(K.JOB .. p .. ':dependents', 'set') end
for _, c in ipairs(children) do bad = bad or wrong_type(K.DEPS .. c .. K.DEPS_SUFFIX, 'set') end
if bad then return result('error', bad) end

-- Deletes a key of the job's that may be absent; a dry run asks whether it is there.
local function del_if_there(key)
  own_maybe(function() return redis.call('EXISTS', key) == 1 end, 'DEL', key)
end

for _, q in ipairs(queues) do
  local wip = K.WIP .. q
  if redis.call('ZSCORE', wip, job_id) then shared('ZREM', wip, job_id, job_id) end
  for _, e in ipairs(executions) do
    local m = job_id .. ':' .. e
    if redis.call('ZSCORE', wip, m) then shared('ZREM', wip, m, m) end
  end
  for _, r in ipairs({K.FAILED, K.FINISHED, K.DEFERRED, K.SCHEDULED, K.CANCELED}) do
    if redis.call('ZSCORE', r .. q, job_id) then shared('ZREM', r .. q, job_id, job_id) end
  end
  local qk = K.QUEUE .. q
  if list_has(qk, job_id) then shared('LREM', qk, job_id, 0, job_id) end
  if list_has(qk .. ':intermediate', job_id) then shared('LREM', qk .. ':intermediate', job_id, 0, job_id) end
  local first_seen = qk .. ':intermediate:first_seen:' .. job_id
  del_if_there(first_seen)
end
-- The member this sweep found goes too, even when its execution is no longer in the job's execution set.
if found_member ~= '' and redis.call('ZSCORE', KEYS[1], found_member) then
  shared('ZREM', KEYS[1], found_member, found_member)
end
for _, e in ipairs(executions) do
  del_if_there(K.EXECUTION .. job_id .. ':' .. e)
end
for _, p in ipairs(parents) do
  local pk = K.JOB .. p .. ':dependents'
  if redis.call('SISMEMBER', pk, job_id) == 1 then shared('SREM', pk, job_id, job_id) end
end
for _, c in ipairs(children) do
  local ck = K.DEPS .. c .. K.DEPS_SUFFIX
  if redis.call('SISMEMBER', ck, job_id) == 1 then shared('SREM', ck, job_id, job_id) end
end
if group_key and redis.call('SISMEMBER', group_key, job_id) == 1 then shared('SREM', group_key, job_id, job_id) end
for _, key in ipairs({jk, dependents_key, dependencies_key, K.RESULTS .. job_id, esk}) do
  if type_of(key) ~= 'none' then own('DEL', key) end
end
for i = 3, #KEYS do del_if_there(KEYS[i]) end
return result('deleted', table.concat(children, ' '))
