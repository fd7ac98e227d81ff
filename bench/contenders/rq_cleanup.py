"""Contender (b): RQ's own cleanup of abandoned jobs.

Calls StartedJobRegistry(<queue>, connection=r).cleanup() for every queue in rq:queues, as an RQ 2.x worker's
maintenance does. Run it with the RQ 2.12 virtualenv's python:  python rq_cleanup.py redis://127.0.0.1:PORT/0
"""
import json
import sys

from redis import Redis
from rq import Queue
from rq.registry import StartedJobRegistry

r = Redis.from_url(sys.argv[1])
queues = Queue.all(connection=r)
for queue in queues:
    StartedJobRegistry(queue.name, connection=r).cleanup()
print(json.dumps({"queues": len(queues)}))
