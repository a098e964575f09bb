#!/usr/bin/env bash
# Create .venv and install the project's dependencies (with test extras when asked). Idempotent:
# reinstalls only when pyproject.toml changed since the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${1:-}"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed${EXTRAS:+-$EXTRAS}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing dependencies${EXTRAS:+ ($EXTRAS)}"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q ".${EXTRAS:+[$EXTRAS]}"
  rm -rf build ./*.egg-info
  echo "$want" > "$stamp"
fi
