"""GET servicerequestupdates (mySociety extension): public changes of published complaints in a window.

Only events that tell a partner something about progress are listed (dispatch, sign-off, result,
verification, return visit, reopening, closing...); internal ones (supervision, co-handler replies,
extension requests, referrals) are not. ``update_id`` is the event's id.
"""

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from grids.models import Unit
from grievance.models import ComplaintEvent
from open311.conf import open311_setting
from open311.selectors.requests import open311_complaints, page_clean, window_clean

FEED_ACTIONS = (
    "dispatch",
    "sign",
    "return",
    "approve_extension",
    "submit_result",
    "verify",
    "return_visit",
    "reopen",
    "close",
    "answer",
    "merge",
    "dispose",
    "escalate",
    "resolve_on_spot",
    "withdraw",
)


def updates_window_clean(params: dict, *, now: datetime | None = None) -> tuple[datetime, datetime, int, int]:
    """(start, end, page, page_size): updates since ``start_date`` (until ``end_date`` or now); without
    dates the last ``UPDATES_DEFAULT_HOURS``."""
    now = now or timezone.now()
    page, page_size = page_clean(params)
    default = timedelta(hours=int(open311_setting("UPDATES_DEFAULT_HOURS")))
    start, end = window_clean(params, now=now, default=default, since=True)
    return start, end, page, page_size


def service_request_updates_list(
    *, start: datetime, end: datetime, page: int = 1, page_size: int = 1000
) -> list[ComplaintEvent]:
    """Public progress events of published complaints with ``start <= at <= end``, oldest first."""
    events: QuerySet[ComplaintEvent] = (
        ComplaintEvent.objects.filter(
            public=True,
            action__in=FEED_ACTIONS,
            at__gte=start,
            at__lte=end,
            complaint__in=open311_complaints().values("pk"),
        )
        .select_related("complaint", "actor_unit")
        .order_by("at", "id")
    )
    offset = (page - 1) * page_size
    found = list(events[offset : offset + page_size])
    events_name_units(found)
    return found


def events_name_units(events: list[ComplaintEvent]) -> None:
    """Set ``unit_name`` on dispatch/escalate events: the name of the unit they sent the complaint to."""
    codes = {e.payload.get("to_unit") or e.payload.get("unit") for e in events}
    codes = {c for c in codes if isinstance(c, str)}
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    for event in events:
        code = event.payload.get("to_unit") or event.payload.get("unit")
        event.unit_name = names.get(code) if isinstance(code, str) else None
