"""Asks RQ's own API what it sees, for the tests. Works with RQ 1.13 (Debian) and RQ 2.x.

Usage: python rqctl.py URL COMMAND [JSON-ARGS]; prints one JSON document.
"""
import base64
import json
import sys
import zlib

from redis import Redis
from rq import Queue, Retry
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry, FinishedJobRegistry, DeferredJobRegistry, \
    ScheduledJobRegistry
from rq.exceptions import NoSuchJobError
import rq


def b64(v):
    return None if v is None else base64.b64encode(v).decode()


def enqueue(r, a):
    q = Queue(a['queue'], connection=r)
    kwargs = {}
    if a.get('job_id'):
        kwargs['job_id'] = a['job_id']
    if a.get('retry'):
        kwargs['retry'] = Retry(max=a['retry'], interval=a.get('intervals') or 0)
    if a.get('meta_binary'):
        kwargs['meta'] = {'blob': bytes(range(256)), 'text': 'caf\u00e9'}
    if a.get('depends_on'):
        if a.get('allow_failure'):
            from rq.job import Dependency
            kwargs['depends_on'] = Dependency(jobs=[a['depends_on']], allow_failure=True)
        else:
            kwargs['depends_on'] = a['depends_on']
    if a.get('timeout'):
        kwargs['job_timeout'] = a['timeout']
    if a.get('on_failure'):
        import rqtasks
        kwargs['on_failure'] = rqtasks.on_fail
    if a.get('failure_ttl'):
        kwargs['failure_ttl'] = a['failure_ttl']
    args = [bytes(x, 'latin-1') if isinstance(x, str) and x.startswith('bytes:') else x for x in a.get('args', [])]
    if a.get('in_seconds'):
        from datetime import timedelta
        job = q.enqueue_in(timedelta(seconds=a['in_seconds']), a['func'], *args, **kwargs)
    else:
        job = q.enqueue(a['func'], *args, **kwargs)
    if a.get('cancel'):
        job.cancel()
    return {'id': job.id}


def enqueue_many(r, a):
    """Several enqueues (each as `enqueue` takes them) in one process: ids in the same order."""
    return {'ids': [enqueue(r, spec)['id'] for spec in a['jobs']]}


def hset_b64(r, a):
    """Sets hash fields to raw bytes given as base64: values no text-only client can write."""
    r.hset(a['key'], mapping={k: base64.b64decode(v) for k, v in a['fields'].items()})
    return {'ok': True}


def job_view(r, a):
    jid, qn = a['id'], a['queue']
    try:
        job = Job.fetch(jid, connection=r)
    except NoSuchJobError:
        return {'exists': False}
    view = {
        'exists': True,
        'status': str(job.get_status(refresh=True).value if hasattr(job.get_status(), 'value') else job.get_status()),
        'retries_left': job.retries_left,
        'exc_info': job.exc_info,
        'in_failed': jid in FailedJobRegistry(qn, connection=r).get_job_ids(),
        'in_finished': jid in FinishedJobRegistry(qn, connection=r).get_job_ids(),
        'in_scheduled': jid in ScheduledJobRegistry(qn, connection=r).get_job_ids(),
        'in_deferred': jid in DeferredJobRegistry(qn, connection=r).get_job_ids(),
        'in_queue': jid in Queue(qn, connection=r).job_ids,
        'in_started': any(m == jid or m.startswith(jid + ':')
                          for m in (x.decode() for x in r.zrange('rq:wip:' + qn, 0, -1))),
        'meta': repr(job.meta),
    }
    if hasattr(job, 'latest_result'):
        res = job.latest_result()
        view['latest_result'] = None if res is None else {
            'type': int(res.type.value if hasattr(res.type, 'value') else res.type),
            'exc_string': res.exc_string,
        }
        view['results'] = len(job.results()) if hasattr(job, 'results') else None
    return view


def cleanup(r, a):
    StartedJobRegistry(a['queue'], connection=r).cleanup()
    return {'ok': True}


def requeue_failed(r, a):
    FailedJobRegistry(a['queue'], connection=r).requeue(a['id'])
    return {'ok': True}


def delete_job(r, a):
    Job.fetch(a['id'], connection=r).delete()
    return {'ok': True}


def copy_all(r, a):
    """DUMP/RESTORE every key into another Redis: an identical copy of the data for RQ's own cleanup."""
    dst = Redis.from_url(a['to'])
    dst.flushall()
    n = 0
    for k in r.scan_iter(count=1000):
        d = r.dump(k)
        if d is None:
            continue
        ttl = r.pttl(k)
        dst.restore(k, ttl if ttl > 0 else 0, d)
        n += 1
    return {'copied': n}


def dump_all(r, a):
    """Every key with its type, TTL and DUMP bytes: compares whole databases byte for byte."""
    out = {}
    for k in sorted(r.scan_iter(count=1000)):
        out[k.decode('latin-1')] = {'type': r.type(k).decode(), 'hasTtl': r.ttl(k) >= 0, 'dump': b64(r.dump(k))}
    return out


def state_all(r, a):
    """Every key's logical content and whether it has a TTL: equal states, whatever the internal encoding."""
    out = {}
    for k in sorted(r.scan_iter(count=1000)):
        t = r.type(k).decode()
        if t == 'hash':
            v = sorted([b64(f), b64(x)] for f, x in r.hgetall(k).items())
        elif t == 'set':
            v = sorted(b64(m) for m in r.smembers(k))
        elif t == 'zset':
            v = [[b64(m), s] for m, s in r.zrange(k, 0, -1, withscores=True)]
        elif t == 'list':
            v = [b64(m) for m in r.lrange(k, 0, -1)]
        elif t == 'stream':
            v = [[i.decode(), sorted([b64(f), b64(x)] for f, x in e.items())] for i, e in r.xrange(k)]
        else:
            v = b64(r.get(k))
        out[k.decode('latin-1')] = {'type': t, 'hasTtl': r.ttl(k) >= 0, 'value': v}
    return out


def hgetall(r, a):
    return {k.decode('latin-1'): b64(v) for k, v in r.hgetall(a['key']).items()}


def clone_job(r, a):
    """Copies an abandoned job under new ids (hash and started entry): many abandoned jobs from one real kill."""
    src, q, member = a['id'], a['queue'], a['member']
    suffix = member[len(src):]  # '' on RQ 1.x, ':<execution>' on 2.x
    dump = r.dump('rq:job:' + src)
    ids = []
    for i in range(a['count']):
        new = '%s-c%d' % (src, i)
        r.restore('rq:job:' + new, 0, dump, replace=True)
        r.zadd('rq:wip:' + q, {new + suffix: 1})
        ids.append(new)
    return {'ids': ids}


def counts(r, a):
    """Registry counts as RQ reports them (note: RQ's count() runs its own cleanup first)."""
    q = a['queue']
    return {'started': StartedJobRegistry(q, connection=r).count, 'failed': FailedJobRegistry(q, connection=r).count,
            'finished': FinishedJobRegistry(q, connection=r).count, 'deferred': DeferredJobRegistry(q, connection=r).count,
            'queued': Queue(q, connection=r).count}


def trace(r, a):
    """Every place an id still appears: key names, and members of sets, sorted sets and lists."""
    jid = a['id'].encode()
    places = []

    def mentions(v):
        return v == jid or v.startswith(jid + b':')

    for k in r.scan_iter(count=1000):
        if jid in k.split(b':'):
            places.append('key ' + k.decode('latin-1'))
            continue
        t = r.type(k)
        members = []
        if t == b'set':
            members = r.smembers(k)
        elif t == b'zset':
            members = r.zrange(k, 0, -1)
        elif t == b'list':
            members = r.lrange(k, 0, -1)
        for m in members:
            if mentions(m):
                places.append('member of ' + k.decode('latin-1'))
    return {'places': sorted(places)}


def version(r, a):
    return {'version': rq.__version__}


COMMANDS = {f.__name__: f for f in (enqueue, enqueue_many, hset_b64, job_view, cleanup, requeue_failed, delete_job, copy_all, dump_all,
                                    hgetall, clone_job, counts, trace, state_all, version)}

if __name__ == '__main__':
    url, command = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    print(json.dumps(COMMANDS[command](Redis.from_url(url), args)))
