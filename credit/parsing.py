"""Lenient parsing of user input shared by services and selectors: bad input gives None, never raises."""

from datetime import date, datetime

from django.utils.dateparse import parse_date


def date_or_none(value) -> date | None:
    """A ``date`` from a date or a ``YYYY-MM-DD`` string; None for anything else (including 2026-13-01)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return parse_date(str(value).strip())
    except ValueError:
        return None
