"""Contender (c): what the old launch-pipeline cleanup script did, with redis-py and no RQ.

For each queue: read the whole started registry, and for each entry HGET the job's created_at, one command per
round trip; an entry whose job was created more than 10 minutes ago is removed together with the job hash and its
job_progress key (ZREM, DEL, DEL, again one round trip each). Usage:  python old_script.py redis://127.0.0.1:PORT/0
"""
import datetime
import json
import sys

from redis import Redis

CUTOFF_MINUTES = 10

r = Redis.from_url(sys.argv[1], decode_responses=True)
cutoff = datetime.datetime.utcnow() - datetime.timedelta(minutes=CUTOFF_MINUTES)
checked = removed = 0
for queue_key in sorted(r.smembers("rq:queues")):
    queue = queue_key[len("rq:queue:"):]
    wip = f"rq:wip:{queue}"
    for member in r.zrange(wip, 0, -1):
        checked += 1
        job_id = member.rsplit(":", 1)[0]
        created_at = r.hget(f"rq:job:{job_id}", "created_at")
        if created_at is not None and \
                datetime.datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%S.%fZ") >= cutoff:
            continue
        r.zrem(wip, member)
        r.delete(f"rq:job:{job_id}")
        r.delete(f"job_progress:{job_id}")
        removed += 1
print(json.dumps({"checked": checked, "removed": removed}))
