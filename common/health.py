"""``GET /healthz``: the database must answer; the broker may be degraded (intake still works)."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _broker_status() -> str:
    if not settings.REDIS_URL:
        return "ok" if settings.CELERY_FS_DIR.exists() else "degraded"
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        client.ping()
    except Exception:
        return "degraded"
    return "ok"


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:
        database = "down"
    body = {"status": "ok" if database == "ok" else "error", "database": database, "broker": _broker_status()}
    return JsonResponse(body, status=200 if database == "ok" else 503)
