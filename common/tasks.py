"""Platform-level tasks."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "platform:worker-heartbeat"


@shared_task(name="common.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> str:
    """Record that a worker is consuming the queue (beat sends it every minute; /healthz can read it)."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=None)
    return stamp
