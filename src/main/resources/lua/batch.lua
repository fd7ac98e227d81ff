
-- batch.lua: follows a job script's body, which LuaScript wraps as job(KEYS). Runs it once per job of the call
-- (layout in common.lua), each on its own facts, so one call resolves many jobs at a cost of one round trip.
-- A job whose body raises an error reports 'error' (its key-type checks come before its first write, so that
-- means nothing was written), and the next job goes on.
local results, at, first_key = {}, 2, 1
for j = 1, tonumber(ARGV[2]) do
  local nkeys, nargs = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  AT = at + 2
  OWN = AT + 1 + 4 * tonumber(ARGV[AT + 1])
  local keys = {}
  for i = 1, nkeys do keys[i] = KEYS[first_key + i - 1] end
  first_key = first_key + nkeys
  at = AT + nargs
  own_seen, changed_list = {}, {false, false, false}
  local ok, r = pcall(job, keys)
  if not ok then
    changed_list[1], changed_list[2] = 'error', type(r) == 'table' and tostring(r.err) or tostring(r)
    changed_list[3] = ''
    r = changed_list
  end
  results[j] = r
end
return results
