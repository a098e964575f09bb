"""What an operator watches (docs/operations.md, "Monitoring"): one read for a probe or a cron job.

Counts come from the database (the truth) and the broker: complaints waiting for routing longer than
the sweeper's threshold (should be 0), events whose follow-up never ran, notifications not sent, the
overdue count, the Celery queue length and the age of the worker's last heartbeat.
"""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.queue import redis_queue_length
from common.tasks import HEARTBEAT_KEY
from grievance.models import Complaint, ComplaintEvent, Notification, NotificationStatus, Status
from grievance.selectors.stats import stats_overview
from grievance.services.sweeper import EVENT_WINDOW, FOLLOWED_UP_ACTIONS, stuck_cutoff


def _queue_length() -> int | None:
    """Messages waiting in the Celery queues (None: no Redis broker, or it is unreachable)."""
    if not settings.REDIS_URL:
        return None
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        return redis_queue_length(client)
    except Exception:
        return None


def _heartbeat_age(now: datetime) -> float | None:
    stamp = cache.get(HEARTBEAT_KEY)
    moment = parse_datetime(stamp) if isinstance(stamp, str) else None
    return round((now - moment).total_seconds(), 1) if moment else None


def operations_status(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    cutoff = stuck_cutoff(now)
    return {
        "at": now.isoformat(),
        "queue_length": _queue_length(),
        "worker_heartbeat_age_s": _heartbeat_age(now),
        "submitted_stuck": Complaint.objects.filter(status=Status.SUBMITTED, created_at__lte=cutoff).count(),
        "events_unprocessed": ComplaintEvent.objects.filter(
            action__in=FOLLOWED_UP_ACTIONS,
            processed__isnull=True,
            at__lte=cutoff,
            at__gte=now - EVENT_WINDOW,
        ).count(),
        "notifications_pending": Notification.objects.filter(
            status=NotificationStatus.PENDING, created_at__lte=cutoff
        ).count(),
        "overdue": stats_overview(now=now)["overdue"],
    }
