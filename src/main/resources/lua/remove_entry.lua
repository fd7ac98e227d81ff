-- remove_entry.lua: removes one started-registry entry that names no running job: a dangling entry
-- (its job hash is gone) or a stale one (the job already has a final status). Nothing else of the job is
-- touched and no job hash is ever created.
--
-- KEYS[1] -> rq:wip:<queue>
-- ARGV    -> facts (see facts.lua), then:
-- ARGV[e]   -> the member as stored
-- ARGV[e+1] -> rq:execution:<job>:<execution> ('' for an RQ 1.x member)
-- ARGV[e+2] -> rq:executions:<job> ('' for an RQ 1.x member)
-- ARGV[e+3] -> the execution id ('' for an RQ 1.x member)
-- Returns {'removed'} or {'changed', why} when a fact no longer holds (nothing written).

local changed = check_facts()
if changed then return {'changed', changed} end
local e = facts_end()
local member, exec_key, execs_key, exec_id = ARGV[e], ARGV[e + 1], ARGV[e + 2], ARGV[e + 3]
redis.call('ZREM', KEYS[1], member)
if exec_id ~= '' then
  if redis.call('TYPE', exec_key)['ok'] == 'hash' then redis.call('DEL', exec_key) end
  if redis.call('TYPE', execs_key)['ok'] == 'zset' then redis.call('ZREM', execs_key, exec_id) end
end
return {'removed'}
