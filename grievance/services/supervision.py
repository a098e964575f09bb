"""The supervision ladder (督办, DOMAIN.md §2) applied as time passes.

Two paths reach ``complaint_check_deadline``: a per-complaint Celery task with ``eta`` at the next
check (queued on commit of events that move the clock) and the beat sweep over the indexed
``next_check_at`` column every minute (``complaints_sweep_deadlines_tick``: a few due rows are checked
in the tick, many are handed to the workers in chunks). Neither depends on the other: a lost eta task
delays nothing by more than a sweep period, and a duplicated one changes nothing.

Invariants:
- Each rung is one ``complaint_transition`` ("warn" for rung 1, "supervise" with ``level`` for 2–5),
  applied at most once per clock, in order, under the complaint's row lock.
- The sign-off reminder (催签) is one ``SIGN_OVERDUE_ACTION`` event per clock, without a status change.
- After a check, ``next_check_at`` is in the future or None, so the sweep never spins on a row.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.queue import enqueue
from grievance.models.complaints import Complaint, ComplaintEvent
from grievance.services.deadlines import (
    SIGN_OVERDUE_ACTION,
    complaint_next_check_at,
    complaint_sign_reminded,
    rung_due_at,
)
from grievance.services.transitions import complaint_transition
from grievance.workflow import CLOCKED

logger = logging.getLogger(__name__)

TOP_RUNG = 5
# The beat tick checks this many due complaints itself; above it, it only hands the ids to workers in
# chunks (a check costs ~10 ms, so 10,000 crossings in one minute would hold one tick for minutes).
SWEEP_INLINE_MAX = 50
FAN_OUT_CHUNK = 100


def _sign_reminder_due(complaint: Complaint, now: datetime) -> bool:
    return bool(
        complaint.signed_at is None
        and complaint.sign_deadline is not None
        and complaint.sign_deadline <= now
        and not complaint_sign_reminded(complaint=complaint)
    )


def _sign_reminder_record(complaint: Complaint, now: datetime) -> ComplaintEvent:
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=None,
        action=SIGN_OVERDUE_ACTION,
        from_status=complaint.status,
        to_status=complaint.status,
        note="超过签收期限尚未签收",
        payload={"sign_deadline": complaint.sign_deadline.isoformat()},
        public=False,
    )
    transaction.on_commit(lambda: _event_committed_enqueue(event.pk))
    return event


def _event_committed_enqueue(event_id: int) -> None:
    from common.queue import enqueue
    from grievance.tasks import complaint_event_committed

    enqueue(complaint_event_committed, event_id, True)


@transaction.atomic
def complaint_check_deadline(*, complaint_id: int, now: datetime | None = None) -> list[str]:
    """Apply whatever is due for the complaint at ``now``; returns what was applied, e.g.
    ``["sign_overdue", "warn", "supervise:2"]`` (empty when nothing was due, the complaint is gone,
    no clock runs, or another check holds the row right now — that one does the work)."""
    now = now or timezone.now()
    complaint = (
        Complaint.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=complaint_id).first()
    )
    if complaint is None:
        return []
    applied: list[str] = []
    if complaint.status in CLOCKED and complaint.handle_deadline is not None:
        if _sign_reminder_due(complaint, now):
            _sign_reminder_record(complaint, now)
            applied.append(SIGN_OVERDUE_ACTION)
        for level in range(complaint.supervision_level + 1, TOP_RUNG + 1):
            due = rung_due_at(complaint=complaint, level=level)
            if due is None:
                continue  # a rung the configured ladder leaves out
            if due > now:
                break
            if level == 1:
                complaint = complaint_transition(complaint_id=complaint.pk, action="warn", now=now)
                applied.append("warn")
            else:
                complaint = complaint_transition(
                    complaint_id=complaint.pk, action="supervise", params={"level": level}, now=now
                )
                applied.append(f"supervise:{level}")
    _next_check_repair(complaint)
    return applied


def _next_check_repair(complaint: Complaint) -> None:
    """Store the recomputed next check when it differs (e.g. after the sign reminder, which is not a
    transition, or after a settings change of the ladder). A derived scheduling column: no event."""
    expected = complaint_next_check_at(complaint=complaint)
    if expected != complaint.next_check_at:
        Complaint.objects.filter(pk=complaint.pk).update(next_check_at=expected)
        complaint.next_check_at = expected


def complaints_sweep_deadlines(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Check every complaint whose ``next_check_at`` has come, in this process. Returns how many
    complaints were checked."""
    now = now or timezone.now()
    return complaints_check_chunk(complaint_ids=complaints_due_ids(now=now, limit=limit), now=now)


def complaints_due_ids(*, now: datetime, limit: int) -> list[int]:
    """The complaints whose check has come, oldest first: one range scan of the partial index on
    ``next_check_at`` (its cost follows the due rows, not the open total)."""
    return list(
        Complaint.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def complaints_sweep_deadlines_tick(*, now: datetime | None = None, limit: int = 50000) -> int:
    """The beat tick: check a few due complaints inline, or queue the due ids in chunks for the
    workers (``complaint_check_deadlines_chunk``) so that the tick stays well under a second however
    many cross at once. Returns how many complaints were checked or queued. A chunk that cannot be
    queued is checked at the next tick (the rows stay due); a chunk queued twice checks nothing twice
    (the check is idempotent under the row lock)."""
    now = now or timezone.now()
    ids = complaints_due_ids(now=now, limit=limit)
    if len(ids) <= SWEEP_INLINE_MAX:
        return complaints_check_chunk(complaint_ids=ids, now=now)
    from grievance.tasks import complaint_check_deadlines_chunk

    queued = 0
    for start in range(0, len(ids), FAN_OUT_CHUNK):
        chunk = ids[start : start + FAN_OUT_CHUNK]
        if enqueue(complaint_check_deadlines_chunk, chunk):
            queued += len(chunk)
    return queued


def complaints_check_chunk(*, complaint_ids: list[int], now: datetime | None = None) -> int:
    """Check each complaint (a queued chunk, or the tick's few) at ``now`` (default: each check's own
    current time); returns how many were checked. Each check is its own transaction: one failing
    complaint is logged and does not hold up the others."""
    checked = 0
    for complaint_id in complaint_ids:
        try:
            complaint_check_deadline(complaint_id=complaint_id, now=now)
        except Exception:
            logger.exception("deadline check of complaint %s failed", complaint_id)
            continue
        checked += 1
    return checked


def eta_horizon() -> timedelta:
    return timedelta(seconds=settings.GRIEVANCE.get("DEADLINE_ETA_HORIZON_SECONDS", 1800))


def complaint_deadline_task_schedule(*, complaint_id: int, now: datetime | None = None) -> datetime | None:
    """Queue ``complaint_check_deadline_task`` with ``eta`` at the complaint's next check when that is
    within the horizon (later checks are left to the sweep). Returns the eta, or None when nothing
    was queued. Never raises for a broker failure: the sweep covers it."""
    now = now or timezone.now()
    next_check = Complaint.objects.filter(pk=complaint_id).values_list("next_check_at", flat=True).first()
    if next_check is None or next_check - now > eta_horizon():
        return None
    from grievance.tasks import complaint_check_deadline_task

    eta = max(next_check, now)
    # Broker down: the beat sweep finds the complaint within a minute.
    return eta if enqueue(complaint_check_deadline_task, complaint_id, options={"eta": eta}) else None
