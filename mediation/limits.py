"""Time limits of mediation cases. Pure: the calendar and the configuration are passed in.

Counting (the general rule for legal periods, as in grids.worktime): the day of the application is not
counted; a period ends at the close of office hours of its last day; a last day that is a rest day
(weekend or statutory holiday, by the working-day calendar) moves to the next working day. A month ends
on the same day of the next month (the month's last day when that day does not exist). Extension days
(agreed by both sides) are added to the period before the rest-day rule is applied.
"""

import calendar as month_calendar
from datetime import date, datetime, timedelta

from grids.worktime import NATURAL_DAY, Deadline, WorkCalendar, deadline_add

MONTH = "month"
LIMIT_UNITS = (NATURAL_DAY, MONTH)
MAX_REST_RUN_DAYS = 366


def time_limit_for(dispute_type: str, *, limits: dict, default: tuple[int, str]) -> tuple[int, str]:
    """``(amount, unit)`` for a dispute type from the configured ``limits`` (type → pair) or ``default``.
    Raises ValueError for a unit other than natural_day / month or a non-positive amount."""
    amount, unit = limits.get(dispute_type, default)
    if unit not in LIMIT_UNITS or int(amount) <= 0:
        raise ValueError(f"bad mediation time limit {amount!r} {unit!r} for {dispute_type}")
    return int(amount), unit


def months_add(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 January + 1 month = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def case_due(
    applied_at: datetime, amount: int, unit: str, *, extension_days: int = 0, calendar: WorkCalendar
) -> Deadline:
    """When the time limit of a case applied for at ``applied_at`` ends."""
    if unit == NATURAL_DAY:
        return deadline_add(applied_at, amount + extension_days, NATURAL_DAY, calendar)
    if unit != MONTH:
        raise ValueError(f"unknown mediation time-limit unit {unit!r}")
    if applied_at.tzinfo is None:
        raise ValueError("applied_at must be an aware datetime")
    last = months_add(applied_at.astimezone(calendar.tz).date(), amount) + timedelta(days=extension_days)
    covered = calendar.is_covered(last)
    for _ in range(MAX_REST_RUN_DAYS):
        if calendar.is_workday(last):
            break
        last += timedelta(days=1)
        covered = covered and calendar.is_covered(last)
    else:
        raise ValueError(f"the calendar has no working day within {MAX_REST_RUN_DAYS} days after {last}")
    at = datetime.combine(last, calendar.office_close, tzinfo=calendar.tz)
    return Deadline(at=at, estimated=not covered)


def limit_label(amount: int, unit: str) -> str:
    """``15日`` / ``1个月`` (used in documents and pages)."""
    return f"{amount}个月" if unit == MONTH else f"{amount}日"
