#!/usr/bin/env bash
# Installs the test dependencies (redis-server, RQ 1.13, RQ 2.x virtualenvs), then runs the whole suite
# against real redis-server and RQ workers.
#   scripts/test.sh            every RQ version (1.13, 2.10, 2.12)
#   scripts/test.sh --quick    RQ 2.12 only
# Any other argument is passed to Maven, e.g. scripts/test.sh -Dtest='Sweep*'
set -euo pipefail
cd "$(dirname "$0")/.."

maven_args=()
versions=""
for arg in "$@"; do
  if [ "$arg" = --quick ]; then
    versions=2.12
  elif [[ "$arg" == -Drq.versions=* ]]; then
    versions=${arg#-Drq.versions=}
  else
    maven_args+=("$arg")
  fi
done
if [ -n "$versions" ]; then
  maven_args=("-Drq.versions=$versions" "${maven_args[@]}")
fi

scripts/install-test-deps.sh
if [ -n "$versions" ]; then
  echo "Running tests against RQ versions: $versions"
else
  echo "Running tests against RQ versions: $(sed -n 's:.*<rq.versions>\([^$<]*\)</rq.versions>.*:\1:p' pom.xml | head -n 1)"
fi
exec ./mvnw -B --no-transfer-progress verify "${maven_args[@]}"
