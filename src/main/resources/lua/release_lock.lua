-- release_lock.lua: releases a lock only if it still holds our token (compare-and-delete), so a lock that
-- expired and was taken by someone else (an RQ worker's maintenance) is never released by us.
--
-- KEYS[1] -> the lock key, e.g. rq:clean_registries:<queue>
-- ARGV[1] -> our token
-- ARGV[2] -> 'release' to delete it, or a TTL in seconds to renew it
-- Returns 1 when it was ours (released or renewed), 0 otherwise.

if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'release' then
  redis.call('DEL', KEYS[1])
else
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return 1
