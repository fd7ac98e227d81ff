-- sweeper_lock.lua: rq-sweeper's own per-queue lock, so that two sweepers (replicas of `serve`, or `serve`
-- and a one-shot `sweep` from a pipeline) never sweep the same queue at the same moment. Also renews and
-- releases RQ's maintenance lock (rq:clean_registries:<queue>) when rq-sweeper took it. The value is the
-- owner's token; only the owner renews or releases it (compare-and-set, compare-and-delete), so a lock that
-- expired and was taken by another sweeper is never extended or deleted by us.
--
-- KEYS[1] -> the lock key, rq:sweeper-lock:<queue> (or rq:clean_registries:<queue>)
-- ARGV[1] -> 'acquire', 'renew' or 'release'
-- ARGV[2] -> our token (host, process and a random part: it names the owner in reports)
-- ARGV[3] -> TTL in milliseconds (acquire and renew)
-- Returns {1, our token} when the lock is ours (taken, renewed) or was ours and is released;
-- {0, holder} when it is not ours, holder being '' when nobody holds it.

local op, token = ARGV[1], ARGV[2]
local holder = redis.call('GET', KEYS[1])
if op == 'acquire' and not holder then
  redis.call('SET', KEYS[1], token, 'PX', tonumber(ARGV[3]))
  return {1, token}
end
if holder ~= token then return {0, holder or ''} end
if op == 'release' then
  redis.call('DEL', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return {1, token}
