-- remove_entry.lua: removes one started-registry entry that names no running job: a dangling entry
-- (its job hash is gone) or a stale one (the job already has a final status). Nothing else of the job is
-- touched and no job hash is ever created.
--
-- KEYS[1] -> rq:wip:<queue>
-- ARGV    -> facts and mode (see common.lua), then:
-- arg(1)  -> the member as stored
-- arg(2)  -> job id
-- arg(3)  -> execution id ('' for an RQ 1.x member)
-- Returns result('removed') or result('changed', why) when a fact no longer holds (nothing written).

local why = check_facts()
if why then return result('changed', why) end
local member, job_id, exec_id = arg(1), arg(2), arg(3)
shared('ZREM', KEYS[1], member, member)
if exec_id ~= '' then
  local ek, esk = K.EXECUTION .. job_id .. ':' .. exec_id, K.EXECUTIONS .. job_id
  if redis.call('TYPE', ek)['ok'] == 'hash' then own('DEL', ek) end
  if redis.call('TYPE', esk)['ok'] == 'zset' and redis.call('ZSCORE', esk, exec_id) then
    own('ZREM', esk, exec_id)
  end
end
return result('removed')
