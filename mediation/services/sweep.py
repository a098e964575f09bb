"""The reminder sweep: finds what is due and applies the system's reminder actions of the workflow.

Each candidate gets its own transaction through ``mediation_case_transition`` (actor None = the
system); a candidate whose guard no longer holds (another sweep got there first, the case moved on) is
skipped. Candidates are found with indexed columns; the guards decide.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from common.exceptions import ApplicationError
from mediation.conf import mediation_setting
from mediation.models import (
    RUNNING_STATUSES,
    AgreementForm,
    CaseStatus,
    ConfirmationStatus,
    MediationCase,
    PerformanceStatus,
    Session,
    SessionStatus,
)
from mediation.services.transitions import mediation_case_transition

BATCH = 500


def _apply(case_id: int, action: str, now: datetime, params: dict | None = None) -> bool:
    try:
        mediation_case_transition(case_id=case_id, action=action, actor=None, params=params, now=now)
    except ApplicationError:
        return False
    return True


def mediation_reminders_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Apply every reminder that is due at ``now``; returns how many of each kind were applied."""
    now = now or timezone.now()
    counts = {"sessions": 0, "warnings": 0, "overdue": 0, "confirmation": 0, "performance": 0}

    horizon = now + timedelta(hours=int(mediation_setting("SESSION_REMINDER_HOURS")))
    sessions = Session.objects.filter(
        status=SessionStatus.SCHEDULED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=horizon,
        case__status__in=(CaseStatus.ACCEPTED, CaseStatus.MEDIATING),
    ).values_list("case_id", "pk")[:BATCH]
    for case_id, session_id in sessions:
        counts["sessions"] += _apply(case_id, "remind_session", now, {"session": session_id})

    running = MediationCase.objects.filter(status__in=RUNNING_STATUSES)
    warning = timedelta(days=int(mediation_setting("WARNING_DAYS")))
    for case_id in running.filter(
        warned_at__isnull=True, due_at__gt=now, due_at__lte=now + warning
    ).values_list("pk", flat=True)[:BATCH]:
        counts["warnings"] += _apply(case_id, "warn", now)
    for case_id in running.filter(overdue_noted_at__isnull=True, due_at__lte=now).values_list(
        "pk", flat=True
    )[:BATCH]:
        counts["overdue"] += _apply(case_id, "note_overdue", now)

    agreed = MediationCase.objects.filter(status=CaseStatus.AGREED)
    reminder = timedelta(days=int(mediation_setting("CONFIRMATION_REMINDER_DAYS")))
    for case_id in agreed.filter(
        agreement__form=AgreementForm.WRITTEN,
        agreement__confirmation_status=ConfirmationStatus.NONE,
        agreement__confirmation_reminded_at__isnull=True,
        agreement__confirmation_deadline__gte=now,
        agreement__confirmation_deadline__lte=now + reminder,
    ).values_list("pk", flat=True)[:BATCH]:
        counts["confirmation"] += _apply(case_id, "remind_confirmation", now)
    for case_id in agreed.filter(
        agreement__performance_status=PerformanceStatus.PENDING,
        agreement__performance_reminded_at__isnull=True,
        agreement__performance_deadline__lt=timezone.localdate(now),
    ).values_list("pk", flat=True)[:BATCH]:
        counts["performance"] += _apply(case_id, "remind_performance", now)
    return counts
