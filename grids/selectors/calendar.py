"""Reads of the working-day calendar: the in-memory WorkCalendar for deadlines, and loaded-year warnings."""

import dataclasses
import logging
import threading
import time as monotonic_clock
from datetime import date
from types import MappingProxyType
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import CalendarDay, CalendarYear
from grids.worktime import WorkCalendar, working_hours_parse

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SECONDS = 60

_cache_lock = threading.Lock()
_cache: dict[str, tuple[float, WorkCalendar]] = {}
# Bumped by every clear, so a calendar built from rows read before a write is never stored after it.
_cache_generation = [0]


def work_calendar_cache_clear() -> None:
    """Forget the process's calendar; the calendar services call this after every write."""
    with _cache_lock:
        _cache.clear()
        _cache_generation[0] += 1


def work_calendar_get(*, unit=None) -> WorkCalendar:
    """The calendar deadlines are computed with, built from the table and kept in process for a minute.

    With ``unit``, its own office hours (``Unit.working_hours``) replace the configured default; a unit
    with unusable hours keeps the default and is logged.
    """
    calendar = _base_calendar()
    if unit is None or not getattr(unit, "working_hours", None):
        return calendar
    try:
        hours = working_hours_parse(unit.working_hours)
    except ValueError as exc:
        logger.warning("unit %s has unusable working_hours %r: %s", unit.pk, unit.working_hours, exc)
        return calendar
    if hours == calendar.working_hours:
        return calendar
    return dataclasses.replace(calendar, working_hours=hours)


def calendar_missing_years(*, today: date | None = None) -> list[int]:
    """This year and next year, those of them whose schedule is not loaded (deadlines there are estimates)."""
    today = today or timezone.localdate()
    wanted = [today.year, today.year + 1]
    loaded = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in loaded]


def calendar_missing_warning(*, today: date | None = None) -> str:
    """The administrator warning for missing years, or "" when every needed year is loaded."""
    years = calendar_missing_years(today=today)
    if not years:
        return ""
    return _("%(years)s 年工作日历尚未载入，期限按周一至周五估算") % {
        "years": "、".join(str(year) for year in years)
    }


def _base_calendar() -> WorkCalendar:
    ttl = settings.GRIEVANCE.get("CALENDAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    now = monotonic_clock.monotonic()
    with _cache_lock:
        cached = _cache.get("base")
        if cached is not None and now - cached[0] < ttl:
            return cached[1]
        generation = _cache_generation[0]
    calendar = WorkCalendar(
        days=MappingProxyType(dict(CalendarDay.objects.values_list("date", "is_workday"))),
        loaded_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        working_hours=_default_working_hours(),
        tz=ZoneInfo(settings.TIME_ZONE),
    )
    with _cache_lock:
        if ttl > 0 and generation == _cache_generation[0]:
            _cache["base"] = (now, calendar)
    return calendar


def _default_working_hours():
    configured = settings.GRIEVANCE.get("WORKING_HOURS")
    try:
        return working_hours_parse(configured)
    except ValueError as exc:
        raise ImproperlyConfigured(f"GRIEVANCE['WORKING_HOURS'] = {configured!r}: {exc}") from exc
