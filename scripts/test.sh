#!/usr/bin/env bash
# Set up and run the whole test suite: installs the dependencies, starts a throwaway PostgreSQL and
# Redis (installing them with apt when missing and running as root), runs pytest against them,
# and stops what it started. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
# shellcheck source=scripts/services.sh
source scripts/services.sh
# Browser tests drive Debian's Chromium (never a downloaded browser); a CJK font makes screenshots readable.
if ! command -v chromium >/dev/null 2>&1; then
  _svc_apt_install chromium
fi
if ! fc-list 2>/dev/null | grep -qiE 'wenquanyi|noto sans cjk|droid sans fallback'; then
  _svc_apt_install fonts-wqy-microhei || echo "warning: no CJK font; screenshots will show boxes" >&2
fi
export CHROMIUM_PATH="$(command -v chromium)"
trap services_stop EXIT
services_start
export DJANGO_SETTINGS_MODULE=config.settings.test
export REQUIRE_POSTGRES=1
mkdir -p test-artifacts
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
exit $status
