"""Times as GeoReport v2 writes them: ISO 8601 with the offset, in the platform's time zone."""

import re
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

# "2026-05-06T09:30:00 08:00": a "+" sent unescaped in a query string arrives as a space.
_LOST_PLUS_RE = re.compile(r"^(\S+T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def open311_datetime_parse(text: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 (date-only means its midnight, naive means local); None if bad."""
    text = (text or "").strip()
    if not text:
        return None
    text = _LOST_PLUS_RE.sub(r"\1+\2", text)
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time()) if isinstance(day, date) else None
    except ValueError:  # well-formed but impossible, e.g. month 13
        return None
    if moment is None:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def open311_datetime_format(moment: datetime | None) -> str | None:
    """``2026-05-06T09:30:00+08:00``; None stays None."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")
