# Sourced by scripts/demo and scripts/test: make .venv and install clearance into it when the
# project's dependencies changed since the last install. Needs only python3 (>= 3.11) and pip.
set -euo pipefail
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.clearance-installed
want=$(cat pyproject.toml | "$PY" -c 'import hashlib,sys;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing clearance and its dependencies into .venv ..." >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -e ".[test,bench]" >&2
  echo "$want" > "$stamp"
fi
