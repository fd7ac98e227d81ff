-- permissions.lua: which of the commands a sweep may need the current Redis user is not allowed to run, asked
-- before the sweep changes anything, so that a user without a permission gets one clear error instead of a
-- script failing half-way through a page. Changes nothing. Redis 7+ (redis.acl_check_cmd); older servers
-- answer an empty list and the scripts' own errors stand.
--
-- ARGV[i] -> a command and its arguments, space-separated, e.g. "zrem rq:wip:q x"
-- Returns the ARGV entries the user may not run.

if redis.acl_check_cmd == nil then return {} end
local denied = {}
for i = 1, #ARGV do
  local parts = {}
  for word in string.gmatch(ARGV[i], '%S+') do table.insert(parts, word) end
  local ok, allowed = pcall(redis.acl_check_cmd, unpack(parts))
  if ok and not allowed then table.insert(denied, ARGV[i]) end
end
return denied
