"""rq-sweeper benchmark: seeds abandoned RQ 2.12 jobs into a private redis-server and times the contenders.

Run it through bench/run.sh, or directly with the RQ 2.12 virtualenv's python:

    .venvs/rq-2.12.0/bin/python bench/bench.py --n 100000 --q 10 --jar target/quarkus-app/quarkus-run.jar

See bench/README.md for what is measured.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import pickle
import random
import shutil
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_tasks  # noqa: E402
import rq  # noqa: E402
import rq.utils  # noqa: E402
from redis import Redis  # noqa: E402
from rq import Queue, Worker  # noqa: E402
from rq.executions import Execution  # noqa: E402
from rq.job import Job, JobStatus  # noqa: E402
from rq.registry import FailedJobRegistry, StartedJobRegistry  # noqa: E402

CONTENDERS = {
    "a": "rq-sweeper sweep --action fail",
    "b": "RQ StartedJobRegistry.cleanup()",
    "c": "old script (1 round trip/cmd)",
    "d": "rq-sweeper sweep --action delete",
    "e": "rq-sweeper sweep, empty Redis",
    "f": "same as (e), JDK 25 + AOT cache",
}
JAR_CONTENDERS = {"a", "d", "e", "f"}
DEFAULT_AOT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
SEED_CHUNK = 1000          # jobs per pipeline round trip while seeding
VERIFY_CHUNK = 5000        # commands per pipeline round trip while verifying
SLOWLOG_THRESHOLD_US = 20000
SLOWLOG_GET = 128


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------- redis-server

_servers: list["RedisServer"] = []
_current_child: dict = {"pid": None, "launcher": None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A private redis-server on 127.0.0.1, optionally loaded from a copy of an RDB file. Stopped by its PID."""

    def __init__(self, workdir: str, rdb: str | None = None):
        self.dir = workdir
        os.makedirs(workdir, exist_ok=True)
        if rdb:
            shutil.copyfile(rdb, os.path.join(workdir, "dump.rdb"))
        last_error = None
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", workdir, "--dbfilename", "dump.rdb",
                 "--logfile", os.path.join(workdir, "redis.log"), "--daemonize", "no"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.pid = self.proc.pid
            _servers.append(self)
            try:
                self._wait_ready()
                break
            except RuntimeError as e:
                last_error = e
                self.stop()
        else:
            raise RuntimeError(f"redis-server did not start: {last_error}")
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        r = Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}, see {self.dir}/redis.log")
            try:
                if r.ping() and int(r.info("persistence").get("loading", 0)) == 0:
                    r.close()
                    return
            except Exception:  # connection refused or LOADING
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server not ready in time")

    def client(self, **kw) -> Redis:
        return Redis(host="127.0.0.1", port=self.port, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait()
        if self in _servers:
            _servers.remove(self)


def stop_everything() -> None:
    launcher = _current_child.get("launcher")
    if launcher is not None and launcher.poll() is None:
        launcher.terminate()  # launch.py kills the contender by its PID, then exits
        try:
            launcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            launcher.kill()
    pid = _current_child.get("pid")
    if pid:  # the contender, if the launcher could not end it
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _current_child.update(pid=None, launcher=None)
    for server in list(_servers):
        with contextlib.suppress(Exception):
            server.stop()


# --------------------------------------------------------------------------------------------------- seeding

@contextlib.contextmanager
def rq_clock(offset_seconds: float):
    """Shift the clock RQ reads (rq.utils.now, and every rq module that imported it) by offset_seconds."""
    original = rq.utils.now

    def shifted():
        return original() + dt.timedelta(seconds=offset_seconds)

    patched = []
    for name, module in list(sys.modules.items()):
        if (name == "rq" or name.startswith("rq.")) and getattr(module, "now", None) is original:
            module.now = shifted
            patched.append(module)
    try:
        yield
    finally:
        for module in patched:
            module.now = original


def seed(server: RedisServer, n: int, nq: int, cfg) -> dict:
    """Seed n abandoned started jobs over queues q0..q{nq-1}, the way RQ 2.12 itself writes them."""
    r = server.client()
    scratch = server.client()  # Worker() sets a client name on its connection; keep that off r
    queues = [Queue(f"q{i}", connection=r) for i in range(nq)]
    # Each dead worker listened on one queue, as `rq worker q3` does (so it dequeued with LMOVE through the
    # intermediate list). Their rq:worker:<name> hashes do not exist: the workers were SIGKILLed long ago.
    workers = {q.name: [Worker([q], name=uuid.uuid4().hex, connection=scratch) for _ in range(cfg.workers_per_queue)]
               for q in queues}
    pipe = r.pipeline(transaction=False)
    for q in queues:
        for w in workers[q.name]:
            # What register_birth() wrote and a SIGKILL left behind.
            pipe.sadd("rq:workers", w.key)
            pipe.sadd(f"rq:workers:{q.name}", w.key)
    pipe.execute()

    started_ago = cfg.started_ago
    ids: list[tuple[str, str]] = []
    t0 = time.monotonic()
    next_report = 0.1
    for start in range(0, n, SEED_CHUNK):
        chunk = range(start, min(n, start + SEED_CHUNK))
        pipe = r.pipeline(transaction=False)
        # 1. Enqueue, a couple of seconds before the jobs started.
        per_queue: dict[str, list[Job]] = {}
        with rq_clock(-(started_ago + 2)):
            for qi, q in enumerate(queues):
                datas = [Queue.prepare_data(bench_tasks.work,
                                            args=(i, f"report-{i}", os.urandom(48)),
                                            kwargs={"scale": i % 7},
                                            meta={"user": f"user-{i % 5000}", "blob": os.urandom(32)})
                         for i in chunk if i % nq == qi]
                if datas:
                    per_queue[q.name] = q.enqueue_many(datas, pipeline=pipe)
        # 2. Start each job as a worker of its queue does, started_ago seconds ago.
        lmove_checks = []
        with rq_clock(-started_ago):
            for qi, q in enumerate(queues):
                for k, job in enumerate(per_queue.get(q.name, [])):
                    worker = workers[q.name][k % cfg.workers_per_queue]
                    # Queue.dequeue_any -> Queue.lmove: the job id moves to the intermediate list.
                    lmove_checks.append((len(pipe), job.id))
                    pipe.lmove(q.key, q.intermediate_queue_key)
                    # Worker.execute_job -> prepare_execution(worker, job): Execution.create writes
                    # rq:execution:<id>:<exec>, rq:executions:<id> and the rq:wip:<q> entry <id>:<exec> with
                    # score now + heartbeat ttl. Its worker.set_state(BUSY) writes the worker hash: left out, the
                    # worker is dead and its hash gone.
                    ttl = worker.get_heartbeat_ttl(job)
                    execution = Execution.create(job, ttl, pipeline=pipe, worker_name=worker.name)
                    # Horse: Worker.prepare_job_execution(job, remove_from_intermediate_queue=True). Its
                    # set_current_job_id / set_current_job_working_time / heartbeat write the worker hash: left out.
                    job.heartbeat(rq.utils.now(), ttl, pipeline=pipe)
                    job.prepare_for_execution(worker.name, pipeline=pipe)
                    pipe.lrem(q.intermediate_queue_key, 1, job.id)
                    # RQ gave the execution records the heartbeat ttl (~90 s). Keep them for the whole benchmark
                    # so that every contender starts from identical data (see README).
                    pipe.expire(execution.key, cfg.execution_ttl)
                    pipe.expire(f"rq:executions:{job.id}", cfg.execution_ttl)
                    # The application's own per-job key.
                    pipe.set(f"job_progress:{job.id}",
                             json.dumps({"pct": (start + k) % 100, "step": "rendering", "worker": worker.name}))
                    ids.append((job.id, q.name))
        results = pipe.execute()
        for index, job_id in lmove_checks:
            got = results[index].decode() if isinstance(results[index], bytes) else results[index]
            if got != job_id:
                raise RuntimeError(f"LMOVE returned {got!r}, expected {job_id!r}")
        done = min(n, start + SEED_CHUNK)
        if n >= 10000 and done / n >= next_report:
            log(f"  seeded {done}/{n} jobs ({time.monotonic() - t0:.1f}s)")
            next_report += 0.1
    seed_seconds = time.monotonic() - t0

    extra_seconds = 0.0
    if cfg.extra_keys:
        t1 = time.monotonic()
        pipe = r.pipeline(transaction=False)
        for i in range(cfg.extra_keys):
            if i % 2:
                pipe.hset(f"other:{i}", mapping={"name": f"item-{i}", "count": i})
            else:
                pipe.set(f"other:{i}", f"value-{i}")
            if len(pipe) >= 10000:
                pipe.execute()
        pipe.execute()
        extra_seconds = time.monotonic() - t1

    scratch.close()
    return {"ids": ids, "workers": {q: [w.name for w in ws] for q, ws in workers.items()},
            "seed_seconds": round(seed_seconds, 2), "extra_keys_seconds": round(extra_seconds, 2)}


def verify_seed(r: Redis, seeded: dict, n: int, nq: int, cfg) -> dict:
    """Check the seed with RQ's own API on a sample, and with counts over everything."""
    ids = seeded["ids"]
    dead = {name for names in seeded["workers"].values() for name in names}
    problems = []
    total_started = expired = 0
    for i in range(nq):
        reg = StartedJobRegistry(f"q{i}", connection=r)
        count = reg.get_job_count(cleanup=False)
        total_started += count
        expired += len(reg.get_expired_job_ids())  # what RQ's cleanup() would act on now
        q = Queue(f"q{i}", connection=r)
        if r.llen(q.key) or r.llen(q.intermediate_queue_key):
            problems.append(f"q{i}: queue or intermediate list not empty")
    if total_started != n:
        problems.append(f"started registries hold {total_started}, expected {n}")
    if expired != n:
        problems.append(f"RQ sees {expired} expired started entries, expected {n}")
    now = dt.datetime.now(dt.timezone.utc)
    sample = random.Random(1).sample(ids, min(cfg.sample, len(ids)))
    for job_id, qname in sample:
        job = Job.fetch(job_id, connection=r)
        if job.get_status() != JobStatus.STARTED:
            problems.append(f"{job_id}: status {job.get_status()}")
        if job_id not in StartedJobRegistry(qname, connection=r):
            problems.append(f"{job_id}: not in StartedJobRegistry({qname})")
        if job.worker_name not in dead or Worker.find_by_key(f"rq:worker:{job.worker_name}", connection=r):
            problems.append(f"{job_id}: worker {job.worker_name} not a dead worker")
        age = (now - job.started_at).total_seconds()
        if abs(age - cfg.started_ago) > 300 + cfg.started_ago * 0.1:
            problems.append(f"{job_id}: started {age:.0f}s ago")
        if job.func_name != "bench_tasks.work" or job.meta.get("user") is None:
            problems.append(f"{job_id}: func/meta wrong")
        func, _inst, args, _kw = pickle.loads(zlib.decompress(r.hget(job.key, "data")))
        if func != "bench_tasks.work" or len(args) != 3:
            problems.append(f"{job_id}: data is not the pickled call")
        if not r.exists(f"job_progress:{job_id}"):
            problems.append(f"{job_id}: job_progress key missing")
    return {"ok": not problems, "problems": problems[:10], "sample": len(sample), "dbsize": r.dbsize(),
            "used_memory_mb": round(r.info("memory")["used_memory"] / 1048576, 1)}


# --------------------------------------------------------------------------------------------------- measuring

class Probe(threading.Thread):
    """PING every ~1 ms on its own raw connection; records each round trip."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.samples: list[float] = []
        self.stop_event = threading.Event()
        for _ in range(20):  # warm up
            self._ping()

    def _ping(self) -> float:
        t0 = time.perf_counter()
        self.sock.sendall(b"PING\r\n")
        buf = b""
        while not buf.endswith(b"\r\n"):
            chunk = self.sock.recv(64)
            if not chunk:
                raise ConnectionError("probe connection closed")
            buf += chunk
        return time.perf_counter() - t0

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.samples.append(self._ping())
            time.sleep(0.001)

    def finish(self) -> dict:
        self.stop_event.set()
        self.join()
        self.sock.close()
        s = sorted(self.samples)
        if not s:
            return {"pings": 0, "max_ms": None, "p99_ms": None}
        return {"pings": len(s), "max_ms": round(s[-1] * 1000, 2),
                "p99_ms": round(s[min(len(s) - 1, int(len(s) * 0.99))] * 1000, 2),
                "median_ms": round(s[len(s) // 2] * 1000, 3)}


def slowlog_summary(r: Redis) -> dict:
    entries = r.execute_command("SLOWLOG", "GET", SLOWLOG_GET)
    worst = None
    for entry in entries:
        duration = int(entry[2])
        args = entry[3]
        if worst is None or duration > worst["us"]:
            name = args[0].decode(errors="replace") if args else "?"
            worst = {"command": name.lower(), "us": duration}
    return {"entries": len(entries), "full": len(entries) >= SLOWLOG_GET, "worst": worst}


def run_measured(argv: list[str], cwd: str, out_path: str, err_path: str, timeout: float, env=None) -> dict:
    """Run argv as one process through launch.py: wall seconds and its own peak RSS (os.wait4 ru_maxrss)."""
    launcher = subprocess.Popen(
        [sys.executable, "-S", "-E", os.path.join(HERE, "launch.py"), str(timeout), out_path, err_path, *argv],
        cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, env=env)
    _current_child["launcher"] = launcher
    lines = []
    for line in launcher.stdout:
        if line.startswith("pid "):
            _current_child["pid"] = int(line.split()[1])
        lines.append(line)
    launcher.wait()  # it has reaped the contender
    _current_child.update(pid=None, launcher=None)
    result = next((ln.split()[1:] for ln in lines if ln.startswith("result ")), None)
    if result is None:
        raise RuntimeError(f"launcher failed (exit {launcher.returncode}) for {argv[0]}")
    seconds, code, timed_out, maxrss, utime, stime = result
    return {"seconds": round(float(seconds), 3), "exit": int(code), "timed_out": timed_out == "1",
            "peak_rss_mib": round(int(maxrss) / 1024, 1), "cpu_seconds": round(float(utime) + float(stime), 2)}


# --------------------------------------------------------------------------------------------------- verifying

def chunked(seq, size):
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def pipelined(r: Redis, items, add) -> list:
    out = []
    for part in chunked(items, VERIFY_CHUNK):
        pipe = r.pipeline(transaction=False)
        for item in part:
            add(pipe, item)
        out.extend(pipe.execute())
    return out


def scan_count(r: Redis, pattern: str) -> list[bytes]:
    return list(r.scan_iter(match=pattern, count=10000))


def zcard_sum(r: Redis, pattern: str) -> int:
    keys = scan_count(r, pattern)
    return sum(r.zcard(k) for k in keys)


def sweeper_json(out_path: str) -> dict | None:
    try:
        with open(out_path, "rb") as f:
            data = json.load(f)
        return {k: data.get(k) for k in ("redis", "checked", "stuck", "cleaned", "errors",
                                         "workerRegistrationsRemoved")}
    except (ValueError, OSError):
        return None


def verify_failed(r: Redis, ids, n, cfg) -> dict:
    """All n jobs failed and in their FailedJobRegistry, started registries empty."""
    statuses = pipelined(r, ids, lambda p, it: p.hget(f"rq:job:{it[0]}", "status"))
    failed_status = sum(1 for s in statuses if s == b"failed")
    in_failed = sum(1 for s in pipelined(r, ids, lambda p, it: p.zscore(f"rq:failed:{it[1]}", it[0]))
                    if s is not None)
    wip = zcard_sum(r, "rq:wip:*")
    failed_total = zcard_sum(r, "rq:failed:*")
    problems = []
    for job_id, qname in random.Random(2).sample(ids, min(cfg.sample, len(ids))):
        job = Job.fetch(job_id, connection=r)
        if job.get_status() != JobStatus.FAILED:
            problems.append(f"{job_id}: status {job.get_status()}")
        if job_id not in FailedJobRegistry(qname, connection=r):
            problems.append(f"{job_id}: not in FailedJobRegistry")
        if job_id in StartedJobRegistry(qname, connection=r):
            problems.append(f"{job_id}: still in StartedJobRegistry")
    ok = failed_status == n and in_failed == n and wip == 0 and failed_total == n and not problems
    return {"ok": ok, "status_failed": failed_status, "in_failed_registry": in_failed,
            "zcard_wip": wip, "zcard_failed": failed_total, "problems": problems[:10]}


def verify_old_script(r: Redis, ids, n, cfg) -> dict:
    jobs_left = sum(pipelined(r, ids, lambda p, it: p.exists(f"rq:job:{it[0]}")))
    progress_left = sum(pipelined(r, ids, lambda p, it: p.exists(f"job_progress:{it[0]}")))
    wip = zcard_sum(r, "rq:wip:*")
    return {"ok": jobs_left == 0 and progress_left == 0 and wip == 0,
            "job_hashes_left": jobs_left, "progress_keys_left": progress_left, "zcard_wip": wip,
            "executions_left": len(scan_count(r, "rq:executions:*"))}


def verify_deleted(r: Redis, ids, n, cfg) -> dict:
    jobs_left = sum(pipelined(r, ids, lambda p, it: p.exists(f"rq:job:{it[0]}")))
    progress_left = len(scan_count(r, "job_progress:*"))
    executions_left = len(scan_count(r, "rq:executions:*"))
    execution_hashes_left = len(scan_count(r, "rq:execution:*"))
    wip = zcard_sum(r, "rq:wip:*")
    ok = jobs_left == 0 and progress_left == 0 and executions_left == 0 and execution_hashes_left == 0 and wip == 0
    return {"ok": ok, "job_hashes_left": jobs_left, "progress_keys_left": progress_left,
            "executions_sets_left": executions_left, "execution_hashes_left": execution_hashes_left,
            "zcard_wip": wip}


# --------------------------------------------------------------------------------------------------- contenders

def contender_argv(key: str, url: str, cfg) -> list[str]:
    jar = cfg.launcher + ["sweep", "--redis-url", url, "--max-jobs", "0"]
    if key == "a":
        return jar + ["--action", "fail", "--output", "json"]
    if key == "d":
        return jar + ["--action", "delete", "--delete-key", "job_progress:{id}", "--output", "json"]
    if key == "e":
        return jar + ["--output", "json"]
    if key == "f":
        return aot_launcher(cfg, "-XX:AOTCache=") + ["sweep", "--redis-url", url, "--max-jobs", "0", "--output", "json"]
    if key == "b":
        return [sys.executable, os.path.join(HERE, "contenders", "rq_cleanup.py"), url]
    if key == "c":
        return [sys.executable, os.path.join(HERE, "contenders", "old_script.py"), url]
    raise KeyError(key)


def aot_launcher(cfg, option: str) -> list[str]:
    """The jar on JDK 25 with the AOT cache next to it: option -XX:AOTCacheOutput= trains it, -XX:AOTCache= uses it."""
    jar = cfg.launcher[-1]
    return [cfg.aot_java, option + os.path.join(os.path.dirname(jar), "rq-sweeper.aot"), "-jar", jar]


def train_aot_cache(url: str, run_dir: str, cfg) -> None:
    """A real one-shot run (the same command as (e)) records the cache; JDK 25 writes it when the run exits."""
    argv = aot_launcher(cfg, "-XX:AOTCacheOutput=") + ["sweep", "--redis-url", url, "--output", "json"]
    with open(os.path.join(run_dir, "training.log"), "w") as log_file:
        subprocess.run(argv, stdout=log_file, stderr=subprocess.STDOUT, timeout=300, check=True)


def run_contender(key: str, label: str, n: int, rdb: str | None, ids, tmp: str, cfg) -> dict:
    run_dir = tempfile.mkdtemp(prefix=f"run-{key}-", dir=tmp)
    server = RedisServer(os.path.join(run_dir, "redis"), rdb)
    try:
        admin = server.client()
        admin.config_set("slowlog-log-slower-than", SLOWLOG_THRESHOLD_US)
        admin.config_set("slowlog-max-len", SLOWLOG_GET)
        admin.execute_command("SLOWLOG", "RESET")
        if key == "f":
            log("training the AOT cache on a one-shot run")
            train_aot_cache(server.url, run_dir, cfg)
        probe = Probe(server.port)
        out_path, err_path = os.path.join(run_dir, "stdout"), os.path.join(run_dir, "stderr")
        log(f"running ({key}) {label} on {n} jobs")
        env = dict(os.environ, PYTHONPATH=HERE)
        load_before = os.getloadavg()[0]
        probe.start()
        try:
            m = run_measured(contender_argv(key, server.url, cfg), run_dir, out_path, err_path, cfg.timeout, env)
        finally:
            latency = probe.finish()
        slow = slowlog_summary(admin)
        result = {"key": key, "contender": label, "n": n, **m, "probe": latency, "slowlog": slow,
                  "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
        if key in JAR_CONTENDERS:
            result["sweeper"] = sweeper_json(out_path)
        else:
            with contextlib.suppress(ValueError, OSError, IndexError):
                with open(out_path) as f:
                    result["output"] = json.loads(f.read().strip().splitlines()[-1])
        if m["timed_out"]:
            verification = {"ok": False, "problems": [f"killed after {cfg.timeout:.0f}s"]}
        elif m["exit"] != 0:
            with open(err_path, errors="replace") as f:
                tail = f.read()[-2000:]
            verification = {"ok": False, "problems": [f"exit {m['exit']}", tail]}
        else:
            log(f"  ({key}) {m['seconds']:.2f}s, verifying")
            verification = verify_run(key, admin, ids, n, result, cfg)
        result["verification"] = verification
        result["verified"] = bool(verification.get("ok"))
        admin.close()
        return result
    finally:
        server.stop()
        if not cfg.keep_tmp:
            shutil.rmtree(run_dir, ignore_errors=True)


def verify_run(key, r, ids, n, result, cfg) -> dict:
    if key in ("a", "d", "e", "f"):
        sj = result.get("sweeper")
        if sj is None:
            return {"ok": False, "problems": ["stdout is not one JSON object"]}
        expect_clean = 0 if key in ("e", "f") else n
        counts_ok = (sj.get("redis") == "ok" and sj.get("checked") == expect_clean
                     and sj.get("cleaned") == expect_clean and sj.get("errors") == 0)
        if key in ("e", "f"):
            return {"ok": counts_ok, "json": sj}
        v = verify_failed(r, ids, n, cfg) if key == "a" else verify_deleted(r, ids, n, cfg)
        v["json_counts_ok"] = counts_ok
        v["ok"] = v["ok"] and counts_ok
        return v
    if key == "b":
        return verify_failed(r, ids, n, cfg)
    if key == "c":
        return verify_old_script(r, ids, n, cfg)
    raise KeyError(key)


# --------------------------------------------------------------------------------------------------- datasets

def build_dataset(n: int, nq: int, tmp: str, cfg) -> dict:
    seed_dir = tempfile.mkdtemp(prefix=f"seed-{n}-", dir=tmp)
    server = RedisServer(os.path.join(seed_dir, "redis"))
    try:
        r = server.client()
        log(f"seeding {n} abandoned started jobs over {nq} queues"
            + (f" plus {cfg.extra_keys} unrelated keys" if cfg.extra_keys else ""))
        seeded = seed(server, n, nq, cfg)
        check = verify_seed(r, seeded, n, nq, cfg)
        if not check["ok"]:
            raise RuntimeError(f"seed verification failed: {check['problems']}")
        log(f"  seeded in {seeded['seed_seconds']}s; RQ API sample of {check['sample']} ok; "
            f"{check['dbsize']} keys, {check['used_memory_mb']} MB")
        r.save()
        r.close()
    finally:
        server.stop()
    rdb = os.path.join(seed_dir, "snapshot.rdb")
    os.replace(os.path.join(seed_dir, "redis", "dump.rdb"), rdb)
    return {"n": n, "rdb": rdb, "ids": seeded["ids"], "seed_seconds": seeded["seed_seconds"],
            "extra_keys_seconds": seeded["extra_keys_seconds"], "dbsize": check["dbsize"],
            "used_memory_mb": check["used_memory_mb"], "rdb_mb": round(os.path.getsize(rdb) / 1048576, 1)}


# --------------------------------------------------------------------------------------------------- report

def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(runs: list[dict]) -> None:
    header = ["contender", "N", "seconds", "jobs/s", "peak RSS MiB", "probe max ms", "probe p99 ms",
              "slowlog >20ms (worst)", "verified"]
    rows = []
    for r in runs:
        jobs_s = r["n"] / r["seconds"] if r["n"] and r["seconds"] else None
        slow = r["slowlog"]
        worst = f" ({slow['worst']['command']} {slow['worst']['us'] / 1000:.1f}ms)" if slow["worst"] else ""
        count = f"{slow['entries']}{'+' if slow['full'] else ''}"
        status = "yes" if r["verified"] else ("TIMEOUT" if r.get("timed_out") else "no")
        rows.append([f"({r['key']}) {r['contender']}", str(r["n"]), fmt(r["seconds"], ".2f"),
                     fmt(jobs_s, ",.0f"), fmt(r["peak_rss_mib"], ".1f"), fmt(r["probe"]["max_ms"], ".2f"),
                     fmt(r["probe"]["p99_ms"], ".2f"), count + worst, status])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 or i == 7 else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def ratios(runs: list[dict], n: int) -> dict:
    by_key = {r["key"]: r for r in runs if r["n"] == n and not r["key"].startswith("a@")}
    out = {}
    for num, den in (("b", "a"), ("c", "d")):
        if num in by_key and den in by_key and by_key[den]["seconds"]:
            out[f"{num}/{den}"] = {
                "seconds": round(by_key[num]["seconds"] / by_key[den]["seconds"], 2),
                "peak_rss": round(by_key[num]["peak_rss_mib"] / by_key[den]["peak_rss_mib"], 2),
                "both_verified": by_key[num]["verified"] and by_key[den]["verified"],
            }
    return out


def tool_versions(cfg) -> dict:
    def out(argv):
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
            return (p.stdout + p.stderr).strip().splitlines()[0]
        except Exception as e:  # noqa: BLE001
            return f"unavailable: {e}"
    v = {"rq": rq.__version__, "redis-server": out(["redis-server", "--version"]),
         "python": sys.version.split()[0], "cpus": os.cpu_count()}
    if cfg.launcher:
        if not cfg.binary:
            v["java"] = out([cfg.java, "-version"])
            v["java-options"] = cfg.java_opts
        v["rq-sweeper"] = out(cfg.launcher + ["--version"])
        v["rq-sweeper-launcher"] = "native binary" if cfg.binary else "jar"
    return v


# --------------------------------------------------------------------------------------------------- main

def parse_args() -> argparse.Namespace:
    env = os.environ
    p = argparse.ArgumentParser(description="rq-sweeper benchmark (see bench/README.md)")
    p.add_argument("--n", type=int, default=100000, help="abandoned started jobs to seed")
    p.add_argument("--q", type=int, default=10, help="queues q0..q{Q-1}")
    p.add_argument("--jar", default=env.get("BENCH_JAR", os.path.join(os.path.dirname(HERE), "target",
                                                                      "quarkus-app", "quarkus-run.jar")))
    p.add_argument("--java", default=env.get("BENCH_JAVA", "java"))
    p.add_argument("--java-opts", default=env.get("BENCH_JAVA_OPTS", ""),
                   help="JVM options for the jar, e.g. -XX:AOTCache=app.aot")
    p.add_argument("--binary", default=env.get("BENCH_BINARY", ""),
                   help="a native rq-sweeper executable to run instead of the jar")
    p.add_argument("--aot-java", default=env.get("BENCH_AOT_JAVA", DEFAULT_AOT_JAVA),
                   help="a JDK 25+ java for contender (f); (f) is left out when it does not exist")
    p.add_argument("--only", default=env.get("BENCH_ONLY", "a,b,c,d,e,f"),
                   help="contenders to run, e.g. a,e; 'none' runs only BENCH_N_LIST")
    p.add_argument("--n-list", default=env.get("BENCH_N_LIST", ""),
                   help="space-separated job counts at which to run contender (a) as well")
    p.add_argument("--extra-keys", type=int, default=int(env.get("BENCH_EXTRA_KEYS", "0") or 0))
    p.add_argument("--timeout", type=float, default=float(env.get("BENCH_TIMEOUT", "600")),
                   help="seconds before a contender is killed and reported as TIMEOUT")
    p.add_argument("--sample", type=int, default=200, help="jobs checked one by one with RQ's API")
    p.add_argument("--workers-per-queue", type=int, default=2, help="dead worker names per queue")
    p.add_argument("--started-ago", type=int, default=3600, help="seconds since the jobs started")
    p.add_argument("--execution-ttl", type=int, default=7 * 86400,
                   help="TTL given to the seeded execution records so they outlive the benchmark")
    p.add_argument("--results-dir", default=os.path.join(HERE, "results"))
    p.add_argument("--keep-tmp", action="store_true", default=env.get("BENCH_KEEP_TMP") == "1")
    cfg = p.parse_args()
    only = cfg.only.replace(" ", "").lower()
    cfg.only = [] if only == "none" else [k for k in only.split(",") if k]
    unknown = [k for k in cfg.only if k not in CONTENDERS]
    if unknown:
        p.error(f"unknown contender(s) {unknown}; choose from a,b,c,d,e,f")
    if "f" in cfg.only and (cfg.binary or not os.access(cfg.aot_java, os.X_OK)):
        if "BENCH_ONLY" in env:
            p.error("contender (f) needs the jar and a JDK 25 java (BENCH_AOT_JAVA)")
        cfg.only.remove("f")
    cfg.n_list = [int(x) for x in cfg.n_list.replace(",", " ").split()]
    if cfg.n < 1 or cfg.q < 1 or any(x < 1 for x in cfg.n_list):
        p.error("N, Q and BENCH_N_LIST entries must be positive")
    return cfg


def main() -> int:
    cfg = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    needs_jar = bool(JAR_CONTENDERS & set(cfg.only)) or bool(cfg.n_list)
    tmp = tempfile.mkdtemp(prefix="rq-sweeper-bench-")
    cfg.launcher = None
    runs: list[dict] = []
    datasets = []
    started = dt.datetime.now(dt.timezone.utc)
    try:
        if needs_jar and cfg.binary:
            if not os.access(cfg.binary, os.X_OK):
                log(f"native binary not found or not executable: {cfg.binary}")
                return 2
            os.makedirs(os.path.join(tmp, "app"))
            cfg.launcher = [shutil.copy(cfg.binary, os.path.join(tmp, "app"))]
        elif needs_jar:
            if not os.path.isfile(cfg.jar):
                log(f"jar not found: {cfg.jar} (build it, or set BENCH_JAR)")
                return 2
            # Run a private copy, so that a rebuild of target/ cannot change the jar half-way through.
            jar_dir = os.path.dirname(os.path.abspath(cfg.jar))
            if os.path.isdir(os.path.join(jar_dir, "lib")) and os.path.isdir(os.path.join(jar_dir, "quarkus")):
                shutil.copytree(jar_dir, os.path.join(tmp, "app"))
                jar_copy = os.path.join(tmp, "app", os.path.basename(cfg.jar))
            else:
                os.makedirs(os.path.join(tmp, "app"))
                jar_copy = shutil.copy(cfg.jar, os.path.join(tmp, "app"))
            cfg.launcher = [cfg.java, *shlex.split(cfg.java_opts), "-jar", jar_copy]
        versions = tool_versions(cfg)
        log(f"versions: {versions}")

        main_keys = [k for k in "abcdef" if k in cfg.only]
        seeded_keys = [k for k in main_keys if k not in ("e", "f")]
        main_ds = None
        if seeded_keys:
            main_ds = build_dataset(cfg.n, cfg.q, tmp, cfg)
            datasets.append(main_ds)
        for key in main_keys:
            if key in ("e", "f"):
                runs.append(run_contender(key, CONTENDERS[key], 0, None, [], tmp, cfg))
            else:
                runs.append(run_contender(key, CONTENDERS[key], cfg.n, main_ds["rdb"], main_ds["ids"], tmp, cfg))
        for n in cfg.n_list:
            existing = next((r for r in runs if r["key"] == "a" and r["n"] == n), None)
            if existing:
                runs.append(dict(existing, key=f"a@{n}", reused=True))
                continue
            ds = main_ds if main_ds and main_ds["n"] == n else build_dataset(n, cfg.q, tmp, cfg)
            if ds is not main_ds:
                datasets.append(ds)
            runs.append(dict(run_contender("a", CONTENDERS["a"], n, ds["rdb"], ds["ids"], tmp, cfg), key=f"a@{n}"))
            if ds is not main_ds and not cfg.keep_tmp:
                os.remove(ds["rdb"])
    finally:
        stop_everything()
        if cfg.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    rat = ratios(runs, cfg.n)
    print()
    print(f"rq-sweeper benchmark: N={cfg.n} Q={cfg.q} extra keys={cfg.extra_keys} "
          f"({versions.get('rq-sweeper', 'no jar')}, RQ {versions['rq']}, {versions['redis-server'].split()[2]}"
          f", {versions['cpus']} CPUs)")
    if runs:
        print_table([r for r in runs if not r.get("reused")])
    by_n = sorted((r["n"], r["peak_rss_mib"], r["seconds"]) for r in runs if r["key"].startswith("a@"))
    if by_n:
        print("(a) by N: " + ", ".join(f"N={n}: {rss:.1f} MiB peak RSS, {sec:.2f}s" for n, rss, sec in by_n))
    for name, v in rat.items():
        print(f"ratio {name}: {v['seconds']:.2f}x the seconds, {v['peak_rss']:.2f}x the peak RSS"
              + ("" if v["both_verified"] else "  (not both verified)"))
    for r in runs:
        if not r["verified"]:
            print(f"({r['key']}) not verified: {json.dumps(r['verification'])[:600]}")

    os.makedirs(cfg.results_dir, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(cfg.results_dir, f"{stamp}.json")
    with open(path, "w") as f:
        json.dump({"started": started.isoformat(), "n": cfg.n, "q": cfg.q, "extra_keys": cfg.extra_keys,
                   "only": cfg.only, "n_list": cfg.n_list, "jar": os.path.abspath(cfg.jar) if needs_jar and not cfg.binary else None,
                   "binary": os.path.abspath(cfg.binary) if cfg.binary else None, "java_opts": cfg.java_opts,
                   "versions": versions,
                   "datasets": [{k: v for k, v in d.items() if k not in ("ids", "rdb")} for d in datasets],
                   "runs": runs, "ratios": rat}, f, indent=2)
    print(f"results: {os.path.relpath(path)}")
    return 0 if all(r["verified"] for r in runs) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        stop_everything()
        sys.exit(130)
