"""Clocks of a complaint: sign-off and handling deadlines from its matter rule, and when to look next.

The times come from ``grids.worktime.deadline_add`` with the lead unit's calendar; nothing here saves:
callers (the transition effects) set fields inside their own transaction.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from grids.selectors.calendar import work_calendar_get
from grids.worktime import deadline_add
from grievance.models.complaints import Complaint, Status, Urgency

DEFAULT_SIGN = (Decimal(1), "working_day")
DEFAULT_URGENT_SIGN = (Decimal("0.5"), "natural_hour")
DEFAULT_HANDLE = {
    "consult": (2, "working_day"),
    "help": (10, "working_day"),
    "suggestion": (10, "working_day"),
}
DEFAULT_HANDLE_OTHER = (15, "working_day")

# Rungs after the handling deadline (DOMAIN.md §2 ladder), as working days after the deadline:
# 2 催办 at the deadline, 3 催办通知书 the day after, 4 书面督办, 5 通报/提级办理.
LADDER_DEFAULT = {2: 0, 3: 1, 4: 3, 5: 5}
# Event of the sign-off reminder: recorded by grievance.services.supervision, no status change.
SIGN_OVERDUE_ACTION = "sign_overdue"
SUPERVISION_LABELS = {
    0: "正常",
    1: "临期预警（黄灯）",
    2: "超期催办",
    3: "催办通知书（单位负责人）",
    4: "书面督办",
    5: "通报/提级督办",
}


def ladder() -> dict[int, int]:
    return settings.GRIEVANCE.get("LADDER", LADDER_DEFAULT)


def warning_share() -> float:
    return float(settings.GRIEVANCE.get("WARNING_SHARE", 0.75))


def limits_for(complaint: Complaint) -> tuple[tuple, tuple]:
    """(sign limit, handle limit) as (amount, unit).

    Urgent overrides kind limits, which override the default."""
    rule = complaint.matter_rule
    urgent = complaint.urgency == Urgency.URGENT or (rule is not None and rule.urgency_grade != "normal")
    if rule is None:
        sign = DEFAULT_URGENT_SIGN if urgent else DEFAULT_SIGN
        handle = (24, "natural_hour") if urgent else DEFAULT_HANDLE.get(complaint.kind, DEFAULT_HANDLE_OTHER)
        return sign, handle
    if urgent:
        return (
            (rule.urgent_sign_limit_amount, rule.urgent_sign_limit_unit),
            (rule.urgent_handle_limit_amount, rule.urgent_handle_limit_unit),
        )
    handle = tuple(rule.kind_limits.get(complaint.kind) or (rule.handle_limit_amount, rule.handle_limit_unit))
    return (rule.sign_limit_amount, rule.sign_limit_unit), handle


def complaint_clock_start(*, complaint: Complaint, now: datetime) -> None:
    """Start both clocks at ``now`` (dispatch, re-dispatch, reopen). Sets fields; does not save.
    ``next_check_at`` is recomputed by the transition service once the new status is set."""
    calendar = work_calendar_get(unit=complaint.lead_unit)
    (sign_amount, sign_unit), (handle_amount, handle_unit) = limits_for(complaint)
    sign = deadline_add(now, Decimal(str(sign_amount)), sign_unit, calendar)
    handle = deadline_add(now, Decimal(str(handle_amount)), handle_unit, calendar)
    # A matter handled within hours (e.g. 8 working hours) cannot be signed for later than it is due.
    complaint.sign_deadline = min(sign.at, handle.at)
    complaint.handle_deadline = handle.at
    complaint.deadline_estimated = sign.estimated or handle.estimated
    complaint.clock_started_at = now
    complaint.warned_at = None
    complaint.supervision_level = 0


def complaint_deadline_extend(*, complaint: Complaint, days: int) -> None:
    """Move the handling deadline by ``days`` working days (approved extension). Does not save."""
    result = deadline_add(
        complaint.handle_deadline, days, "working_day", work_calendar_get(unit=complaint.lead_unit)
    )
    complaint.handle_deadline = result.at
    complaint.deadline_estimated = complaint.deadline_estimated or result.estimated
    complaint.warned_at = None
    complaint.supervision_level = 0


def rung_due_at(*, complaint: Complaint, level: int) -> datetime | None:
    """When supervision ``level`` becomes due for this complaint (None: never)."""
    if complaint.handle_deadline is None:
        return None
    if level == 1:
        start = complaint.clock_started_at or complaint.dispatched_at or complaint.received_at
        span = complaint.handle_deadline - start
        return start + timedelta(seconds=span.total_seconds() * warning_share())
    offset = ladder().get(level)
    if offset is None:
        return None
    if offset == 0:
        return complaint.handle_deadline
    return deadline_add(
        complaint.handle_deadline, offset, "working_day", work_calendar_get(unit=complaint.lead_unit)
    ).at


def complaint_sign_reminded(*, complaint: Complaint) -> bool:
    """Whether the sign-off reminder (催签) of the running clock has been recorded: an event
    ``SIGN_OVERDUE_ACTION`` since the clock (re)started. Once it has, the passed sign deadline is no
    longer a reason to look at the complaint (otherwise the sweep would select it every minute)."""
    started = complaint.clock_started_at or complaint.dispatched_at
    if complaint.pk is None or started is None:
        return False
    return complaint.events.filter(action=SIGN_OVERDUE_ACTION, at__gte=started).exists()


def complaint_next_check_at(*, complaint: Complaint) -> datetime | None:
    """The next moment the deadline sweep must look at this complaint, or None when no clock runs."""
    if complaint.status not in (Status.DISPATCHED, Status.IN_PROGRESS) or complaint.handle_deadline is None:
        return None
    candidates = []
    if (
        complaint.signed_at is None
        and complaint.sign_deadline
        and not complaint_sign_reminded(complaint=complaint)
    ):
        candidates.append(complaint.sign_deadline)
    for level in range(complaint.supervision_level + 1, 6):
        due = rung_due_at(complaint=complaint, level=level)
        if due is not None:
            candidates.append(due)
            break
    return min(candidates) if candidates else None


def complaint_overdue(complaint: Complaint, now: datetime) -> bool:
    return bool(
        complaint.handle_deadline
        and complaint.status in (Status.DISPATCHED, Status.IN_PROGRESS)
        and now > complaint.handle_deadline
    )
