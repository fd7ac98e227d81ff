-- fail_job.lua: resolves one abandoned job as RQ's own StartedJobRegistry.cleanup() would: retried when it
-- has retries left (requeued, or scheduled when it has a retry interval), otherwise failed. Runs only when
-- every fact the decision was made on still holds, and checks every key type before the first write, so
-- it either makes all of its writes or none.
--
-- KEYS[1] -> rq:wip:<queue>            the started registry holding the entry
-- KEYS[2] -> rq:job:<id>               the job hash
-- ARGV    -> facts and mode (see common.lua), then:
-- arg(1)  -> member as stored in KEYS[1] ('' for a job found in an intermediate list)
-- arg(2)  -> job id
-- arg(3)  -> execution id ('' for an RQ 1.x member)
-- arg(4)  -> queue the entry was found in (used when the job has no origin)
-- arg(5)  -> now as RQ timestamp text, for enqueued_at
-- arg(6)  -> zlib bytes of the failure text for exc_info ('' = do not write exc_info)
-- arg(7)  -> base64 of the zlib failure text for a results-stream entry ('' = no entry)
-- arg(8)  -> '1' = enqueue dependents that allow failure (RQ 2.x)
-- arg(9) -> default failure TTL in seconds (RQ: 31536000)
-- Returns result(code, detail): 'failed' (detail: dependents enqueued), 'retried' (retries left),
-- 'scheduled' (retries left), 'changed' or 'error' (nothing written).

local why, f = check_facts(KEYS[2], {'origin', 'retries_left', 'retry_intervals', 'failure_ttl', 'ttl',
  'enqueue_at_front_on_retry'})
if why then return result('changed', why) end

local member, job_id, exec_id, found_in = arg(1), arg(2), arg(3), arg(4)
local now_text, exc_info, exc_string = arg(5), arg(6), arg(7)
local release_dependents, default_failure_ttl = arg(8) == '1', tonumber(arg(9))

local wip, jk = KEYS[1], KEYS[2]
local origin = (f[1] and f[1] ~= '') and f[1] or found_in
local qkey = K.QUEUE .. origin
local dependents_key = jk .. ':dependents'
local dependencies_key = K.DEPS .. job_id .. K.DEPS_SUFFIX
local results_key = K.RESULTS .. job_id

local retries_left = tonumber(f[2] or '')
local retrying = retries_left and retries_left > 0
local esk = K.EXECUTIONS .. job_id

-- Everything that can refuse must refuse before the first write. (The job hash is one: HMGET said so.)
note_absent(results_key, dependents_key, dependencies_key)
local bad = wrong_type(K.FAILED .. origin, 'zset') or wrong_type(results_key, 'stream')
  or wrong_type(qkey .. ':intermediate', 'list') or wrong_type(esk, 'zset')
  or wrong_type(dependents_key, 'set') or wrong_type(dependencies_key, 'set')
  or (exec_id ~= '' and wrong_type(K.EXECUTION .. job_id .. ':' .. exec_id, 'hash'))
if retrying then
  bad = bad or wrong_type(qkey, 'list') or wrong_type(K.QUEUES, 'set') or wrong_type(K.SCHEDULED .. origin, 'zset')
end
if bad then return result('error', bad) end
local interval = 0
if retrying and f[3] and f[3] ~= '' then
  local ok, intervals = pcall(cjson.decode, f[3])
  if not ok or type(intervals) ~= 'table' then return result('error', 'retry_intervals is not a JSON list') end
  interval = tonumber(intervals[math.max(#intervals - retries_left, 0) + 1]) or 0
end
local failure_ttl = tonumber(f[4] or '')
local job_ttl = tonumber(f[5] or '')

-- The entry, and the execution it names (RQ 2.x leaves those to expire; removing them keeps job.delete() working).
local function drop_entry()
  -- The facts checked the entry is there.
  if member ~= '' then shared('ZREM', wip, member, member) end
  if list_has(qkey .. ':intermediate', job_id) then
    shared('LREM', qkey .. ':intermediate', job_id, 0, job_id)
  end
  if exec_id ~= '' then
    -- Their types were checked above (and are remembered): no write for a key that is not there.
    local ek = K.EXECUTION .. job_id .. ':' .. exec_id
    if type_of(ek) == 'hash' then own('DEL', ek) end
    if type_of(esk) == 'zset' then
      own_maybe(function() return redis.call('ZSCORE', esk, exec_id) ~= false end, 'ZREM', esk, exec_id)
    end
  end
end

local function reapply_ttl(key, ttl)
  if ttl and ttl > 0 then own('EXPIRE', key, ttl) end
end

if retrying then
  drop_entry()
  own('HSET', jk, 'retries_left', tostring(retries_left - 1))
  shared('SADD', K.QUEUES, qkey, qkey)
  if interval > 0 then
    local due = now_seconds() + interval
    own('HSET', jk, 'status', 'scheduled')
    shared('ZADD', K.SCHEDULED .. origin, job_id, due, job_id)
    reapply_ttl(jk, job_ttl)
    return result('scheduled', tostring(retries_left - 1))
  end
  own('HSET', jk, 'status', 'queued', 'enqueued_at', now_text)
  shared(f[6] == '1' and 'LPUSH' or 'RPUSH', qkey, job_id, job_id)
  reapply_ttl(jk, job_ttl)
  return result('retried', tostring(retries_left - 1))
end

drop_entry()
local ttl = failure_ttl or default_failure_ttl
if exc_info ~= '' then
  own('HSET', jk, 'status', 'failed', 'exc_info', exc_info)
else
  own('HSET', jk, 'status', 'failed')
end
shared('ZADD', K.FAILED .. origin, job_id, ttl >= 0 and (now_seconds() + ttl) or ttl, job_id)
if ttl > 0 then
  own('EXPIRE', jk, ttl)
  if type_of(dependents_key) ~= 'none' then own('EXPIRE', dependents_key, ttl) end
  if type_of(dependencies_key) ~= 'none' then own('EXPIRE', dependencies_key, ttl) end
end
if exc_string ~= '' then
  own('XADD', results_key, 'MAXLEN', '~', '10', '*', 'type', '2', 'worker_name', '', 'exc_string', exc_string)
  if failure_ttl == -1 then
    own('PERSIST', results_key)
  elseif failure_ttl then
    own('EXPIRE', results_key, failure_ttl)
  end
end

-- Dependents enqueued with allow_failure=True run once all their dependencies have ended (spec §6.5).
local enqueued = 0
if release_dependents and type_of(dependents_key) == 'set' then
  local deps, done = redis.call('SMEMBERS', dependents_key), {}
  for _, d in ipairs(deps) do
    local dh = K.JOB .. d
    if type_of(dh) == 'hash' then
      local st, allow, dorig, front, dttl = unpack(redis.call('HMGET', dh, 'status', 'allow_dependency_failures',
        'origin', 'enqueue_at_front', 'ttl'))
      if st and st ~= 'canceled' and allow == '1' and dorig and dorig ~= '' then
        local met = true
        for _, x in ipairs(redis.call('SMEMBERS', K.DEPS .. d .. K.DEPS_SUFFIX)) do
          if x ~= job_id then
            local xs = redis.call('HGET', K.JOB .. x, 'status')
            if xs and xs ~= 'finished' and xs ~= 'failed' then met = false end
          end
        end
        local dq = K.QUEUE .. dorig
        if met and not wrong_type(dq, 'list') and not wrong_type(K.DEFERRED .. dorig, 'zset') then
          other('ZREM', K.DEFERRED .. dorig, d)
          other('HSET', dh, 'status', 'queued', 'enqueued_at', now_text)
          other(front == '1' and 'LPUSH' or 'RPUSH', dq, d)
          other('SADD', K.QUEUES, dq)
          local dttl_n = tonumber(dttl or '')
          if dttl_n and dttl_n > 0 then other('EXPIRE', dh, dttl_n) end
          table.insert(done, d)
        end
      end
    end
  end
  if #done > 0 then
    if #done == #deps then own('DEL', dependents_key) else own('SREM', dependents_key, unpack(done)) end
  end
  enqueued = #done
end
return result('failed', tostring(enqueued))
