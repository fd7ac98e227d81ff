-- requeue_job.lua: puts one abandoned job back on its own queue as a fresh attempt (spec §6.3a): status
-- 'queued', out of the started registry and every other registry, RQ 2.x execution leftovers removed,
-- started_at / ended_at / worker_name blanked, its TTL re-applied as RQ does at enqueue. Runs only when
-- every fact the decision was made on still holds; refuses before the first write on a wrong key type.
--
-- KEYS[1] -> rq:wip:<queue>
-- KEYS[2] -> rq:job:<id>
-- ARGV    -> facts and mode (see common.lua), then:
-- arg(1)  -> member as stored in KEYS[1] ('' for a job found in an intermediate list)
-- arg(2)  -> job id
-- arg(3)  -> execution id ('' for an RQ 1.x member)
-- arg(4)  -> queue the entry was found in (used when the job has no origin)
-- arg(5)  -> now as RQ timestamp text, for enqueued_at
-- Returns result('requeued'), result('changed', why) or result('error', why) (nothing written).

local why, f = check_facts(KEYS[2], {'origin', 'ttl'})
if why then return result('changed', why) end

local member, job_id, exec_id, found_in, now_text = arg(1), arg(2), arg(3), arg(4), arg(5)
local wip, jk = KEYS[1], KEYS[2]
local origin = (f[1] and f[1] ~= '') and f[1] or found_in
local qkey = K.QUEUE .. origin
local registries = {K.FAILED, K.FINISHED, K.DEFERRED, K.SCHEDULED, K.CANCELED}

-- Everything that can refuse must refuse before the first write. (The job hash is one: HMGET said so.)
local bad = wrong_type(qkey, 'list') or wrong_type(qkey .. ':intermediate', 'list')
  or wrong_type(K.QUEUES, 'set') or wrong_type(K.EXECUTIONS .. job_id, 'zset')
  or (exec_id ~= '' and wrong_type(K.EXECUTION .. job_id .. ':' .. exec_id, 'hash'))
for _, r in ipairs(registries) do bad = bad or wrong_type(r .. origin, 'zset') end
if bad then return result('error', bad) end

if member ~= '' and redis.call('ZSCORE', wip, member) then shared('ZREM', wip, member, member) end
if list_has(qkey .. ':intermediate', job_id) then shared('LREM', qkey .. ':intermediate', job_id, 0, job_id) end
for _, r in ipairs(registries) do
  if redis.call('ZSCORE', r .. origin, job_id) then shared('ZREM', r .. origin, job_id, job_id) end
end
-- The execution this entry names, and any other whose hash has already expired: leftovers of dead runs.
local esk = K.EXECUTIONS .. job_id
if exec_id ~= '' then
  local ek = K.EXECUTION .. job_id .. ':' .. exec_id
  if redis.call('EXISTS', ek) == 1 then own('DEL', ek) end
  if redis.call('ZSCORE', esk, exec_id) then own('ZREM', esk, exec_id) end
end
for _, e in ipairs(redis.call('ZRANGE', esk, 0, -1)) do
  if e ~= exec_id and redis.call('EXISTS', K.EXECUTION .. job_id .. ':' .. e) == 0 then own('ZREM', esk, e) end
end

own('HSET', jk, 'status', 'queued', 'enqueued_at', now_text, 'started_at', '', 'ended_at', '', 'worker_name', '')
if list_has(qkey, job_id) then shared('LREM', qkey, job_id, 0, job_id) end
shared('RPUSH', qkey, job_id, job_id)
shared('SADD', K.QUEUES, qkey, qkey)
local ttl = tonumber(f[2] or '')
if ttl and ttl > 0 then own('EXPIRE', jk, ttl) end
return result('requeued')
