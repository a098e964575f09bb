"""Test settings. The test command provides DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)."""

from .base import *  # noqa: F403
from .base import GRIEVANCE, REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
# Throttles stay real; tests that need bursts raise them locally.
REST_FRAMEWORK = {**REST_FRAMEWORK}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Per-process caches must not leak between tests that roll back their data.
GRIEVANCE = {**GRIEVANCE, "CALENDAR_CACHE_SECONDS": 0}
