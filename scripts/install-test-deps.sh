#!/usr/bin/env bash
# Installs what the test suite needs on a Debian 12 machine:
#   redis-server (Debian), RQ 1.13 (Debian python3-rq), and one virtualenv per RQ 2.x version (PyPI).
# Idempotent: a second run only checks. Virtualenvs live in .venvs/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

RQ2_VERSIONS=${RQ2_VERSIONS:-"2.12.0 2.10.0"}

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v redis-cli >/dev/null || need_apt+=(redis-tools)
/usr/bin/python3 -c 'import rq' 2>/dev/null || need_apt+=(python3-rq)
/usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
if ((${#need_apt[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Debian's redis-server package starts a system instance on 6379; the tests never use it.
for v in $RQ2_VERSIONS; do
  venv=".venvs/rq-$v"
  if [ -x "$venv/bin/rq" ] && "$venv/bin/python" -c "import rq, sys; sys.exit(rq.__version__ != '$v')" 2>/dev/null; then
    continue
  fi
  echo "Creating $venv"
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q "rq==$v"
done
echo "Test dependencies ready: redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), rq $(/usr/bin/python3 -c 'import rq; print(rq.__version__)') (Debian), ${RQ2_VERSIONS// /, } (.venvs)"
