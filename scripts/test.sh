#!/usr/bin/env bash
# Set up and run the whole test suite: installs the dependencies, starts a throwaway PostgreSQL and
# Redis (installing them with apt when missing and running as root), runs pytest against them,
# and stops what it started. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
# shellcheck source=scripts/services.sh
source scripts/services.sh
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
