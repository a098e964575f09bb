#!/usr/bin/env bash
# Set up and run the platform with demo data: web (gunicorn) + Celery worker + beat on the embedded
# default (SQLite and a filesystem broker in var/) unless DATABASE_URL / REDIS_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
PY=.venv/bin/python
echo "==> migrating"
$PY manage.py migrate --noinput
echo "==> collecting static files"
$PY manage.py collectstatic --noinput -v 0
echo "==> loading demo data"
$PY manage.py load_demo --complaints 3000
# The text router learns from the shared messages; the worker trains the first version in the background.
$PY manage.py routing_train --queue-if-missing
echo "==> starting web, worker and beat on http://127.0.0.1:${PORT:-8000}/"
echo "    accounts: admin / dispatcher / operator / supervisor / citizen1 … (password demo-pass-2026)"
exec .venv/bin/honcho start -f Procfile
