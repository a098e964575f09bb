"""Benchmark settings (``make bench``): production, plus only what a plain-HTTP run on localhost and
the baseline endpoint need. Everything else (DEBUG off, connection reuse, Redis broker and cache,
the middleware stack, logging) stays as in production."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

# gunicorn is reached over plain HTTP on 127.0.0.1 (no TLS-terminating proxy in front).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# The baseline app: one model and one DRF create view beside the platform's URLs.
INSTALLED_APPS = [*INSTALLED_APPS, "bench.baseline"]
ROOT_URLCONF = "bench.baseline.urls"
