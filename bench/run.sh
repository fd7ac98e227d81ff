#!/usr/bin/env bash
# rq-sweeper benchmark. Usage:
#
#   bench/run.sh [N] [Q]        N abandoned started RQ 2.12 jobs (default 100000) over Q queues (default 10)
#
# Environment:
#   BENCH_JAR=path          jar to run (default target/quarkus-app/quarkus-run.jar; build it first)
#   BENCH_JAVA_OPTS="..."   JVM options for the jar (e.g. -XX:AOTCache=target/rq-sweeper.aot)
#   BENCH_BINARY=path       run this native rq-sweeper executable instead of the jar
#   BENCH_EXTRA_KEYS=M      also seed M unrelated keys (other:<n>)
#   BENCH_ONLY=a,e          run only these contenders (a b c d e f; 'none' with BENCH_N_LIST)
#   BENCH_AOT_JAVA=path     JDK 25 java for (f), the jar with an AOT cache trained on a one-shot run
#   BENCH_N_LIST="10000 100000"   also run contender (a) at each of these N (peak RSS against N)
#   BENCH_TIMEOUT=600       seconds before a contender is killed and reported as TIMEOUT
#   BENCH_PYTHON=path       python with RQ 2.12 (default .venvs/rq-2.12.0/bin/python)
#   BENCH_KEEP_TMP=1        keep the temporary directory (RDB snapshot, contender output)
#
# Prints a table and writes bench/results/<timestamp>.json. See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

case "${1:-}" in
  -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

N=${1:-100000}
Q=${2:-10}
[[ $N =~ ^[0-9]+$ && $N -gt 0 && $Q =~ ^[0-9]+$ && $Q -gt 0 ]] || {
  echo "usage: bench/run.sh [N] [Q]   (positive integers)" >&2; exit 2; }

PY=${BENCH_PYTHON:-$root/.venvs/rq-2.12.0/bin/python}
if ! "$PY" -c 'import rq, sys; sys.exit(not rq.__version__.startswith("2.12"))' 2>/dev/null; then
  echo "bench: $PY does not have RQ 2.12; run scripts/install-test-deps.sh (or set BENCH_PYTHON)" >&2
  exit 2
fi
command -v redis-server >/dev/null || { echo "bench: redis-server not found; run scripts/install-test-deps.sh" >&2; exit 2; }

export BENCH_JAR=${BENCH_JAR:-$root/target/quarkus-app/quarkus-run.jar}
cd "$root"
# bench.py stops every redis-server it started (by PID) on exit, on SIGTERM/SIGHUP and on Ctrl-C.
exec "$PY" "$here/bench.py" --n "$N" --q "$Q"
