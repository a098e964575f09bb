"""Working-time arithmetic: deadlines in natural/working hours and days. Pure: no database, no settings.

Counting rules (DOMAIN.md §2): the start day is not counted; a day-based period ends at the end of office
hours of its last day; a natural-day period that ends on a rest day ends on the next working day; make-up
weekend days (调休) are working days. Days of a year the calendar has not loaded fall back to Mon–Fri and
the result is flagged ``estimated``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

NATURAL_HOUR = "natural_hour"
WORKING_HOUR = "working_hour"
WORKING_DAY = "working_day"
NATURAL_DAY = "natural_day"
# The same strings as grievance.models.TimeUnit; kept here so this module imports nothing from the apps.
TIME_UNITS = (NATURAL_HOUR, WORKING_HOUR, WORKING_DAY, NATURAL_DAY)

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_WORKING_HOURS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(14, 0), time(18, 0)),
)

# A calendar with no working day for this many consecutive days is broken; stop instead of looping forever.
MAX_REST_RUN_DAYS = 366


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked, which years are known, and the office hours of a working day.

    ``days`` overrides the Mon–Fri default per date (True = working day). ``loaded_years`` are the years
    whose State Council schedule is in ``days``; any other year is a Mon–Fri estimate.
    ``working_hours`` are sorted, non-overlapping (start, end) periods within one day.
    """

    days: Mapping[date, bool] = field(default_factory=dict)
    loaded_years: frozenset[int] = frozenset()
    working_hours: tuple[tuple[time, time], ...] = DEFAULT_WORKING_HOURS
    tz: ZoneInfo = DEFAULT_TZ

    def __post_init__(self) -> None:
        object.__setattr__(self, "working_hours", working_hours_validated(self.working_hours))
        object.__setattr__(self, "loaded_years", frozenset(self.loaded_years))

    def is_workday(self, d: date) -> bool:
        value = self.days.get(d)
        return d.weekday() < 5 if value is None else value

    def is_covered(self, d: date) -> bool:
        return d.year in self.loaded_years

    @property
    def office_close(self) -> time:
        """End of the last working period: where a day-based period ends."""
        return self.working_hours[-1][1]


@dataclass(frozen=True)
class Deadline:
    at: datetime
    estimated: bool


def working_hours_validated(periods) -> tuple[tuple[time, time], ...]:
    """Return ``periods`` as a tuple of (start, end) times; ValueError unless non-empty, sorted, disjoint."""
    result = tuple((start, end) for start, end in periods)
    if not result:
        raise ValueError("working_hours must contain at least one period")
    previous_end: time | None = None
    for start, end in result:
        if not (isinstance(start, time) and isinstance(end, time)):
            raise ValueError("working_hours periods must be (time, time) pairs")
        if start >= end:
            raise ValueError(f"working period {start}–{end} must start before it ends")
        if previous_end is not None and start < previous_end:
            raise ValueError("working_hours periods must be sorted and must not overlap")
        previous_end = end
    return result


def working_hours_parse(value) -> tuple[tuple[time, time], ...]:
    """Parse office hours given as ``[["08:30", "12:00"], ...]`` or ``["08:30-12:00", ...]``.

    Raises ValueError for anything else, or for periods that are empty, unsorted or overlapping.
    """
    if not isinstance(value, list | tuple) or not value:
        raise ValueError("working hours must be a non-empty list of periods")
    periods = []
    for item in value:
        pair = item.split("-") if isinstance(item, str) else item
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(f"working period {item!r} must be a [start, end] pair")
        try:
            periods.append(tuple(time.fromisoformat(str(part).strip()) for part in pair))
        except ValueError as exc:
            raise ValueError(f"working period {item!r} must use HH:MM times") from exc
    return working_hours_validated(periods)


def deadline_add(
    start: datetime, amount: Decimal | int | float, unit: str, calendar: WorkCalendar
) -> Deadline:
    """The moment a period of ``amount`` ``unit`` that begins at ``start`` ends, in the calendar's time zone.

    Day units take whole numbers; hour units take fractions (0.5 working hour = 30 minutes).
    Raises ValueError for a naive ``start``, a non-positive or non-finite amount, or an unknown unit.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be an aware datetime")
    unit = getattr(unit, "value", unit)  # accepts grievance.models.TimeUnit members too
    if unit not in TIME_UNITS:
        raise ValueError(f"unknown time unit {unit!r}; expected one of {', '.join(TIME_UNITS)}")
    quantity = _amount_validated(amount)
    local_start = start.astimezone(calendar.tz)

    if unit == NATURAL_HOUR:
        end = (start.astimezone(UTC) + _hours(quantity)).astimezone(calendar.tz)
        return Deadline(at=end, estimated=False)
    if unit == WORKING_HOUR:
        return _working_hours_add(local_start, _hours(quantity), calendar)
    if quantity != quantity.to_integral_value():
        raise ValueError(f"{unit} amounts must be whole numbers, got {quantity}")
    days = int(quantity)
    if unit == WORKING_DAY:
        return _working_days_add(local_start.date(), days, calendar)
    return _natural_days_add(local_start.date(), days, calendar)


def elapsed_share(start: datetime, deadline: datetime, now: datetime) -> float:
    """Share of the period start→deadline used at ``now``, in natural time.

    0.0 at or before ``start``; 1.0 at ``deadline``; above 1.0 once overdue. A period of zero length is
    fully used once it has started.
    """
    total = (deadline - start).total_seconds()
    used = (now - start).total_seconds()
    if total <= 0:
        return 1.0 if used >= 0 else 0.0
    return max(0.0, used / total)


def _amount_validated(amount) -> Decimal:
    if isinstance(amount, bool):
        raise ValueError("amount must be a number")
    try:
        quantity = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"amount must be a number, got {amount!r}") from exc
    if not quantity.is_finite() or quantity <= 0:
        raise ValueError(f"amount must be a positive number, got {amount!r}")
    return quantity


def _hours(quantity: Decimal) -> timedelta:
    microseconds = (quantity * 3_600_000_000).to_integral_value()
    return timedelta(microseconds=int(microseconds))


def _next_workday(d: date, calendar: WorkCalendar) -> tuple[date, bool]:
    """The first working day strictly after ``d``, and whether every day looked at was covered."""
    covered = True
    for _ in range(MAX_REST_RUN_DAYS):
        d += timedelta(days=1)
        covered = covered and calendar.is_covered(d)
        if calendar.is_workday(d):
            return d, covered
    raise ValueError(f"the calendar has no working day within {MAX_REST_RUN_DAYS} days after {d}")


def _office_close_at(d: date, calendar: WorkCalendar) -> datetime:
    return datetime.combine(d, calendar.office_close, tzinfo=calendar.tz)


def _working_days_add(start_day: date, days: int, calendar: WorkCalendar) -> Deadline:
    covered = True
    d = start_day
    for _ in range(days):
        d, step_covered = _next_workday(d, calendar)
        covered = covered and step_covered
    return Deadline(at=_office_close_at(d, calendar), estimated=not covered)


def _natural_days_add(start_day: date, days: int, calendar: WorkCalendar) -> Deadline:
    d = start_day + timedelta(days=days)
    covered = calendar.is_covered(d)
    if not calendar.is_workday(d):
        d, step_covered = _next_workday(d, calendar)
        covered = covered and step_covered
    return Deadline(at=_office_close_at(d, calendar), estimated=not covered)


def _working_hours_add(start: datetime, remaining: timedelta, calendar: WorkCalendar) -> Deadline:
    """Consume ``remaining`` only inside working periods of working days, beginning at ``start``."""
    d = start.date()
    cursor = start
    covered = True
    rest_run = 0
    # Bound the walk: each working day consumes at least one full day of office time.
    day_length = sum(
        (datetime.combine(d, end) - datetime.combine(d, begin) for begin, end in calendar.working_hours),
        timedelta(),
    )
    max_days = math.ceil(remaining / day_length) * 2 + MAX_REST_RUN_DAYS + 2
    for _ in range(max_days):
        covered = covered and calendar.is_covered(d)
        if calendar.is_workday(d):
            rest_run = 0
            for begin, end in calendar.working_hours:
                period_end = datetime.combine(d, end, tzinfo=calendar.tz)
                if period_end <= cursor:
                    continue
                period_begin = max(cursor, datetime.combine(d, begin, tzinfo=calendar.tz))
                available = period_end - period_begin
                if remaining <= available:
                    return Deadline(at=period_begin + remaining, estimated=not covered)
                remaining -= available
        else:
            rest_run += 1
            if rest_run >= MAX_REST_RUN_DAYS:
                break
        d += timedelta(days=1)
        cursor = datetime.combine(d, time.min, tzinfo=calendar.tz)
    raise ValueError(f"the calendar has no working day within {MAX_REST_RUN_DAYS} days after {d}")
