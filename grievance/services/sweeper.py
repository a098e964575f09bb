"""The outbox sweeper (ARCHITECTURE.md §6): re-queue work whose task was lost.

The database is the outbox. A complaint still ``submitted`` after ``STUCK_AFTER_SECONDS`` was never
routed (broker down at intake, worker killed mid-task): routing is queued again; it is idempotent, so
a complaint whose first task is merely slow is routed once. Events whose follow-up task was lost (no
``EventProcessed`` mark) are processed again. Likewise pending notifications that never
had a delivery attempt get their send task again (sending is idempotent too).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from common.queue import enqueue
from grievance.models.complaints import Complaint, ComplaintEvent, Status
from grievance.models.notifications import Notification, NotificationStatus
from grievance.services.deadlines import SIGN_OVERDUE_ACTION
from grievance.services.notifications import notifications_enqueue
from grievance.workflow import ACTIONS, action_notifies

DEFAULT_STUCK_AFTER_SECONDS = 120
# Events whose commit queues ``complaint_event_committed``: every workflow action, the citizen's rating
# and the sign-off reminder. Others (submit, support, attach, merged_in) have no follow-up task.
FOLLOWED_UP_ACTIONS = (*ACTIONS, "rate", SIGN_OVERDUE_ACTION)
# Unprocessed events older than this are left alone (bounded sweep cost; an operator can replay them).
EVENT_WINDOW = timedelta(days=1)
SWEEP_LIMIT = 1000


def stuck_cutoff(now: datetime) -> datetime:
    seconds = settings.GRIEVANCE.get("STUCK_AFTER_SECONDS", DEFAULT_STUCK_AFTER_SECONDS)
    return now - timedelta(seconds=seconds)


def complaints_requeue_stuck(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Queue ``complaint_route`` again for complaints still ``submitted`` since before the cutoff
    (by the time the row was stored: operators may back-date ``received_at``). Returns how many
    were queued."""
    from grievance.tasks import complaint_route

    cutoff = stuck_cutoff(now or timezone.now())
    ids = list(
        Complaint.objects.filter(status=Status.SUBMITTED, created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if enqueue(complaint_route, pk))


def notifications_requeue_pending(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Queue ``notification_send`` again for notifications pending since before the cutoff without
    any delivery attempt (rows with attempts are in Celery's retry backoff). Returns how many."""
    cutoff = stuck_cutoff(now or timezone.now())
    ids = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, attempts=0, created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return notifications_enqueue(notification_ids=ids)


def events_requeue_unprocessed(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Queue ``complaint_event_committed`` again for events of the last day older than the cutoff
    that were never processed (their task was lost with a killed worker, or never queued because the
    broker was down). Processing is idempotent and marks the event. Returns how many were queued."""
    from grievance.tasks import complaint_event_committed

    now = now or timezone.now()
    rows = list(
        ComplaintEvent.objects.filter(
            at__lte=stuck_cutoff(now),
            at__gte=now - EVENT_WINDOW,
            action__in=FOLLOWED_UP_ACTIONS,
            processed__isnull=True,
        )
        .order_by("at", "pk")
        .values_list("pk", "action")[:limit]
    )
    return sum(1 for pk, action in rows if enqueue(complaint_event_committed, pk, action_notifies(action)))


def stuck_work_requeue(*, now: datetime | None = None) -> dict[str, int]:
    """All sweeps (the ``complaint_sweep_stuck`` beat task)."""
    now = now or timezone.now()
    return {
        "complaints": complaints_requeue_stuck(now=now),
        "events": events_requeue_unprocessed(now=now),
        "notifications": notifications_requeue_pending(now=now),
    }
