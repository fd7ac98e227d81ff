-- fail_job.lua: resolves one abandoned job as RQ's own StartedJobRegistry.cleanup() would: retried when it
-- has retries left (requeued, or scheduled when it has a retry interval), otherwise failed. Runs only when
-- every fact the decision was made on still holds (facts.lua), and checks every key type before the
-- first write, so it either does all of its writes or none.
--
-- KEYS[1] -> rq:wip:<queue>            the started registry holding the entry
-- KEYS[2] -> rq:job:<id>               the job hash
-- ARGV    -> facts (see facts.lua), then, from e = facts_end():
-- ARGV[e]    -> member as stored in KEYS[1]
-- ARGV[e+1]  -> job id
-- ARGV[e+2]  -> execution id ('' for an RQ 1.x member)
-- ARGV[e+3]  -> queue the entry was found in (used when the job has no origin)
-- ARGV[e+4]  -> now as RQ timestamp text, for enqueued_at
-- ARGV[e+5]  -> zlib bytes of the failure text for exc_info ('' = do not write exc_info)
-- ARGV[e+6]  -> base64 of the zlib failure text for a results-stream entry ('' = no entry)
-- ARGV[e+7]  -> '1' = enqueue dependents that allow failure (RQ 2.x)
-- ARGV[e+8]  -> default failure TTL in seconds (RQ: 31536000)
-- ARGV[e+9]  -> key prefixes, '|'-separated: job|dependencies|dependencies suffix|queue|deferred|scheduled|
--               failed|results|execution|executions|queues set
-- Returns {'failed', n dependents enqueued}, {'retried', retries left}, {'scheduled', retries left, due epoch},
-- {'changed', why} (nothing written) or {'error', why} (nothing written).

local changed = check_facts()
if changed then return {'changed', changed} end

local e = facts_end()
local member, job_id, exec_id, found_in = ARGV[e], ARGV[e + 1], ARGV[e + 2], ARGV[e + 3]
local now_text, exc_info, exc_string = ARGV[e + 4], ARGV[e + 5], ARGV[e + 6]
local release_dependents, default_failure_ttl = ARGV[e + 7] == '1', tonumber(ARGV[e + 8])
local p = {}
for part in string.gmatch(ARGV[e + 9], '[^|]+') do table.insert(p, part) end
local JOB, DEPS, DEPS_SUFFIX, QUEUE, DEFERRED, SCHEDULED, FAILED, RESULTS, EXECUTION, EXECUTIONS, QUEUES =
  p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]

local wip, jk = KEYS[1], KEYS[2]
local f = redis.call('HMGET', jk, 'origin', 'retries_left', 'retry_intervals', 'failure_ttl', 'ttl',
  'enqueue_at_front_on_retry')
local origin = (f[1] and f[1] ~= '') and f[1] or found_in
local qkey = QUEUE .. origin
local dependents_key = jk .. ':dependents'
local dependencies_key = DEPS .. job_id .. DEPS_SUFFIX
local results_key = RESULTS .. job_id

-- Everything that can refuse must refuse before the first write.
local bad = wrong_type(jk, 'hash') or wrong_type(qkey, 'list') or wrong_type(qkey .. ':intermediate', 'list')
  or wrong_type(FAILED .. origin, 'zset') or wrong_type(SCHEDULED .. origin, 'zset') or wrong_type(QUEUES, 'set')
  or wrong_type(dependents_key, 'set') or wrong_type(dependencies_key, 'set') or wrong_type(results_key, 'stream')
if bad then return {'error', bad} end
local retries_left = tonumber(f[2] or '')
local interval = 0
if retries_left and retries_left > 0 and f[3] and f[3] ~= '' then
  local ok, intervals = pcall(cjson.decode, f[3])
  if not ok or type(intervals) ~= 'table' then return {'error', 'retry_intervals is not a JSON list'} end
  interval = tonumber(intervals[math.max(#intervals - retries_left, 0) + 1]) or 0
end
local failure_ttl = tonumber(f[4] or '')
local job_ttl = tonumber(f[5] or '')

-- The entry, and the execution it names (RQ 2.x leaves those to expire; removing them keeps job.delete() working).
local function drop_entry()
  redis.call('ZREM', wip, member)
  redis.call('LREM', qkey .. ':intermediate', 0, job_id)
  if exec_id ~= '' then
    local ek, esk = EXECUTION .. job_id .. ':' .. exec_id, EXECUTIONS .. job_id
    if redis.call('TYPE', ek)['ok'] == 'hash' then redis.call('DEL', ek) end
    if redis.call('TYPE', esk)['ok'] == 'zset' then redis.call('ZREM', esk, exec_id) end
  end
end

local function reapply_ttl(key, ttl)
  if ttl and ttl > 0 then redis.call('EXPIRE', key, ttl) end
end

if retries_left and retries_left > 0 then
  drop_entry()
  redis.call('HSET', jk, 'retries_left', tostring(retries_left - 1))
  redis.call('SADD', QUEUES, qkey)
  if interval > 0 then
    local due = now_seconds() + interval
    redis.call('HSET', jk, 'status', 'scheduled')
    redis.call('ZADD', SCHEDULED .. origin, due, job_id)
    reapply_ttl(jk, job_ttl)
    return {'scheduled', tostring(retries_left - 1), tostring(due)}
  end
  redis.call('HSET', jk, 'status', 'queued', 'enqueued_at', now_text)
  redis.call(f[6] == '1' and 'LPUSH' or 'RPUSH', qkey, job_id)
  reapply_ttl(jk, job_ttl)
  return {'retried', tostring(retries_left - 1)}
end

drop_entry()
local ttl = failure_ttl or default_failure_ttl
redis.call('HSET', jk, 'status', 'failed')
if exc_info ~= '' then redis.call('HSET', jk, 'exc_info', exc_info) end
redis.call('ZADD', FAILED .. origin, ttl >= 0 and (now_seconds() + ttl) or ttl, job_id)
if ttl > 0 then
  redis.call('EXPIRE', jk, ttl)
  redis.call('EXPIRE', dependents_key, ttl)
  redis.call('EXPIRE', dependencies_key, ttl)
end
if exc_string ~= '' then
  redis.call('XADD', results_key, 'MAXLEN', '~', '10', '*', 'type', '2', 'worker_name', '', 'exc_string', exc_string)
  if failure_ttl == -1 then
    redis.call('PERSIST', results_key)
  elseif failure_ttl then
    redis.call('EXPIRE', results_key, failure_ttl)
  end
end

-- Dependents enqueued with allow_failure=True run once all their dependencies have ended (spec §6.5).
local enqueued = 0
if release_dependents and redis.call('TYPE', dependents_key)['ok'] == 'set' then
  local deps, done = redis.call('SMEMBERS', dependents_key), {}
  for _, d in ipairs(deps) do
    local dh = JOB .. d
    if redis.call('TYPE', dh)['ok'] == 'hash' then
      local st, allow, dorig, front, dttl = unpack(redis.call('HMGET', dh, 'status', 'allow_dependency_failures',
        'origin', 'enqueue_at_front', 'ttl'))
      if st and st ~= 'canceled' and allow == '1' and dorig and dorig ~= '' then
        local met = true
        for _, x in ipairs(redis.call('SMEMBERS', DEPS .. d .. DEPS_SUFFIX)) do
          if x ~= job_id then
            local xs = redis.call('HGET', JOB .. x, 'status')
            if xs and xs ~= 'finished' and xs ~= 'failed' then met = false end
          end
        end
        local dq = QUEUE .. dorig
        if met and not wrong_type(dq, 'list') and not wrong_type(DEFERRED .. dorig, 'zset') then
          redis.call('ZREM', DEFERRED .. dorig, d)
          redis.call('HSET', dh, 'status', 'queued', 'enqueued_at', now_text)
          redis.call(front == '1' and 'LPUSH' or 'RPUSH', dq, d)
          redis.call('SADD', QUEUES, dq)
          reapply_ttl(dh, tonumber(dttl or ''))
          table.insert(done, d)
        end
      end
    end
  end
  if #done > 0 then
    if #done == #deps then redis.call('DEL', dependents_key) else redis.call('SREM', dependents_key, unpack(done)) end
  end
  enqueued = #done
end
return {'failed', tostring(enqueued)}
