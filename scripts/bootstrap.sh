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

# Front-end packages (htmx, Leaflet; axe-core for the accessibility test) come from the npm registry and
# are served straight from node_modules (STATICFILES_DIRS): reinstall when package-lock.json changed.
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed for the front-end packages (htmx, Leaflet): install Node.js 18 or newer with npm" >&2
  echo "(Debian: apt-get install nodejs npm) and run again." >&2
  exit 1
fi
npm_stamp="node_modules/.installed"
if [ -f package-lock.json ]; then
  npm_want="$(sha256sum package-lock.json | cut -d' ' -f1)"
else
  npm_want="no-lock"
fi
if [ ! -d node_modules ] || [ ! -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$npm_want" ]; then
  echo "==> installing front-end packages (npm)"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
    npm_want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  fi
  echo "$npm_want" > "$npm_stamp"
fi
