#!/usr/bin/env bash
# End-to-end demo: a real RQ worker is SIGKILLed in the middle of a job, leaving it "started" forever;
# rq-sweeper finds it and fails it exactly as RQ's own cleanup would. Uses a throwaway redis-server on a
# free port (never your Redis), Debian's RQ 1.13, and cleans up everything it started, by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Installing test dependencies (redis-server, RQ) if missing"
scripts/install-test-deps.sh

step "Building rq-sweeper"
command -v java >/dev/null || { echo "demo: needs Java 17 or later on PATH (e.g. apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
./mvnw -q -B package -DskipTests
JAR=target/quarkus-app/quarkus-run.jar

TMP=$(mktemp -d -t rq-sweeper-demo.XXXXXX)
REDIS_PID=""
WORKER_PID=""
HORSE_PID=""
cleanup() {
  local rc=$?
  for pid in $HORSE_PID $WORKER_PID $REDIS_PID; do
    kill -9 "$pid" 2>/dev/null || true
  done
  for pid in $HORSE_PID $WORKER_PID $REDIS_PID; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "demo: timed out waiting for $what" >&2
      for log in "$TMP"/*.log; do echo "--- $log" >&2; tail -n 20 "$log" >&2; done
      exit 1
    fi
    sleep 0.2
  done
}

PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="redis://127.0.0.1:$PORT/0"
rcli() { redis-cli -h 127.0.0.1 -p "$PORT" "$@"; }

step "Starting a throwaway redis-server on 127.0.0.1:$PORT"
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$TMP" \
  >"$TMP/redis.log" 2>&1 &
REDIS_PID=$!
wait_for 10 "redis-server to answer" bash -c "[ \"\$(redis-cli -h 127.0.0.1 -p $PORT ping 2>/dev/null)\" = PONG ]"
echo "redis-server running (pid $REDIS_PID)"

step "Enqueuing a 300 s job with RQ $(/usr/bin/python3 -c 'import rq; print(rq.__version__)') and starting a worker"
cat >"$TMP/demo_tasks.py" <<'EOF'
import time


def sleeper(seconds):
    time.sleep(seconds)
    return seconds
EOF
PYTHONPATH="$TMP" /usr/bin/python3 - "$PORT" <<'EOF'
import sys
from redis import Redis
from rq import Queue

job = Queue('default', connection=Redis(port=int(sys.argv[1]))).enqueue('demo_tasks.sleeper', 300, job_id='demo-job')
print(f"enqueued {job.id} on queue 'default'")
EOF
PYTHONPATH="$TMP" /usr/bin/rq worker -u "$URL" --name demo-worker default >"$TMP/worker.log" 2>&1 &
WORKER_PID=$!
job_started() { [ "$(rcli hget rq:job:demo-job status)" = started ]; }
wait_for 30 "the job to start" job_started
echo "worker demo-worker (pid $WORKER_PID) is running demo-job"

step "Simulating a deploy: SIGKILL the worker and its work horse"
HORSE_PID=$(pgrep -P "$WORKER_PID" | head -n 1 || true)
kill -9 "$WORKER_PID" ${HORSE_PID:+"$HORSE_PID"}
wait "$WORKER_PID" 2>/dev/null || true
echo "killed worker pid $WORKER_PID${HORSE_PID:+ and work horse pid $HORSE_PID}"
echo "job status is still: $(rcli hget rq:job:demo-job status)  (nobody will ever finish or fail it)"

step "Fast-forwarding ~90 s: what Redis looks like once the dead worker's heartbeat has lapsed"
echo "(instead of waiting, we age the registry entry and drop the worker key, as their TTLs would)"
run redis-cli -h 127.0.0.1 -p "$PORT" zadd rq:wip:default xx 1 demo-job
run redis-cli -h 127.0.0.1 -p "$PORT" del rq:worker:demo-worker
no_subscribers() { [ "$(rcli pubsub numsub rq:pubsub:demo-worker | tail -n 1)" = 0 ]; }
wait_for 10 "the dead worker's pub/sub connection to close" no_subscribers
echo "rq:pubsub:demo-worker has 0 subscribers: no process of that worker is left"
echo "rq:wip:default (member, score) now: $(rcli zrange rq:wip:default 0 -1 withscores | paste -sd ' ')  (score = heartbeat deadline, long past)"

SWEEP=(java -jar "$JAR" sweep --redis-url "$URL")

step "rq-sweeper: dry run (changes nothing)"
run "${SWEEP[@]}" --dry-run

step "rq-sweeper: the real sweep"
run "${SWEEP[@]}"

step "rq-sweeper: again, as JSON (nothing left to do)"
run "${SWEEP[@]}" --output json

step "RQ's own view of the job"
/usr/bin/python3 -c "
from redis import Redis
from rq.job import Job
from rq.registry import FailedJobRegistry
redis = Redis(port=$PORT)
print('Job.fetch(\'demo-job\').get_status():', Job.fetch('demo-job', connection=redis).get_status())
print('FailedJobRegistry(\'default\').get_job_ids():', FailedJobRegistry('default', connection=redis).get_job_ids())
"

step "Done: the killed worker's job is failed, as RQ would have failed it; cleaning up"
