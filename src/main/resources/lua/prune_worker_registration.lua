-- prune_worker_registration.lua: removes a worker key from the worker registries when the worker hash is
-- gone, as RQ's own maintenance does (clean_worker_registry). Re-checks that the key is still gone.
--
-- KEYS[1] -> the registry set, rq:workers or rq:workers:<queue>
-- ARGV[1] -> the worker key (rq:worker:<name>) listed in it
-- Returns 1 when removed, 0 when the worker key exists again or was not listed.

if redis.call('EXISTS', ARGV[1]) == 1 then return 0 end
return redis.call('SREM', KEYS[1], ARGV[1])
