"""The mediator's workbench: my cases, my sessions (a calendar of the coming weeks), my deadlines
(time limits, confirmation windows, performance deadlines) and my reminders."""

from collections import OrderedDict
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from mediation.models import (
    RUNNING_STATUSES,
    Agreement,
    AgreementForm,
    CaseStatus,
    ConfirmationStatus,
    MediationCase,
    PerformanceStatus,
    Reminder,
    ReminderChannel,
    Session,
    SessionStatus,
)
from mediation.selectors.access import is_person
from mediation.selectors.cases import case_time_status

CALENDAR_DAYS = 28


def my_cases(*, user) -> QuerySet[MediationCase]:
    """Cases the user mediates (active on them) that are not finished: open or awaiting performance."""
    if not is_person(user):
        return MediationCase.objects.none()
    return (
        MediationCase.objects.filter(
            case_mediators__mediator__user=user,
            case_mediators__active=True,
            status__in=(*RUNNING_STATUSES, CaseStatus.AGREED),
        )
        .select_related("organisation")
        .distinct()
        .order_by("due_at", "id")
    )


def my_sessions(*, user, start: date, days: int = CALENDAR_DAYS) -> "OrderedDict[date, list[Session]]":
    """Scheduled and held sessions of the user's cases from ``start`` for ``days`` days, grouped by
    local date (every day present, so the page can draw a calendar)."""
    tz = timezone.get_current_timezone()
    begin = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    end = begin + timedelta(days=days)
    sessions = (
        Session.objects.filter(
            case__case_mediators__mediator__user=user,
            case__case_mediators__active=True,
            starts_at__gte=begin,
            starts_at__lt=end,
        )
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("case")
        .distinct()
        .order_by("starts_at")
    )
    calendar: OrderedDict[date, list[Session]] = OrderedDict(
        (start + timedelta(days=i), []) for i in range(days)
    )
    for session in sessions:
        calendar.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return calendar


def my_deadlines(*, user, now: datetime | None = None) -> list[dict]:
    """Everything with a date the user must watch, soonest first: time limits of open cases, windows for
    judicial confirmation, performance deadlines of agreements."""
    now = now or timezone.now()
    items = []
    for case in my_cases(user=user):
        if case.status in RUNNING_STATUSES:
            limit = case_time_status(case=case, now=now)
            kind = "arbitration" if limit["arbitration_open"] else "limit"
            items.append({"case": case, "kind": kind, "at": case.due_at, "overdue": limit["overdue"]})
    agreements = Agreement.objects.filter(
        case__in=my_cases(user=user), case__status=CaseStatus.AGREED
    ).select_related("case")
    for agreement in agreements:
        if (
            agreement.form == AgreementForm.WRITTEN
            and agreement.confirmation_status == ConfirmationStatus.NONE
            and agreement.confirmation_deadline
            and agreement.confirmation_deadline >= now
        ):
            items.append(
                {
                    "case": agreement.case,
                    "kind": "confirmation",
                    "at": agreement.confirmation_deadline,
                    "overdue": False,
                }
            )
        if agreement.performance_status == PerformanceStatus.PENDING:
            due = timezone.make_aware(datetime.combine(agreement.performance_deadline, time(23, 59, 59)))
            items.append({"case": agreement.case, "kind": "performance", "at": due, "overdue": due < now})
    return sorted(items, key=lambda item: item["at"])


def reminders_for_user(*, user, unread_only: bool = False, limit: int = 50) -> list[Reminder]:
    if not is_person(user):
        return []
    qs = Reminder.objects.filter(recipient=user, channel=ReminderChannel.IN_APP).select_related("case")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.order_by("-created_at", "-id")[:limit])
