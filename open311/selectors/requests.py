"""Service requests as Open311 shows them: which complaints, which filters, which notes.

Published: complaints with a matter (a request needs a ``service_code``), except what must stay
private — complaints referred to psychological services, disposed as privacy or abusive, or whose
text showed crisis signals at intake. Personal data is never selected for output (see documents).

GET requests (GeoReport v2): ``service_request_id`` (comma list) overrides every other filter;
otherwise ``service_code`` (comma list), ``start_date``/``end_date`` on the requested time (at most
``WINDOW_DAYS`` apart; default the last ``WINDOW_DAYS``), ``status`` (open, closed or both) and the
``page``/``page_size`` extension (``MAX_ITEMS`` at most).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, NotFoundError
from grievance.models import OPEN_STATUSES, Complaint, ComplaintEvent, Disposition
from grievance.selectors.tracking import tracking_code_normalize
from open311.conf import open311_setting
from open311.timefmt import open311_datetime_parse

HIDDEN_DISPOSITIONS = (Disposition.PRIVACY, Disposition.ABUSIVE)
# Public events whose note explains the current state (result, answer, closing, reopening).
NOTE_ACTIONS = (
    "submit_result",
    "resolve_on_spot",
    "answer",
    "close",
    "dispose",
    "merge",
    "withdraw",
    "reopen",
)
STATUSES = ("open", "closed")


@dataclass(frozen=True)
class RequestQuery:
    ids: list[int] | None = None
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] = frozenset(STATUSES)
    page: int = 1
    page_size: int = 1000


def window_days() -> int:
    return int(open311_setting("WINDOW_DAYS"))


def max_items() -> int:
    return int(open311_setting("MAX_ITEMS"))


def open311_complaints() -> QuerySet[Complaint]:
    """Every complaint Open311 may show, with what the documents read (one query per relation)."""
    crisis = ComplaintEvent.objects.filter(
        complaint=OuterRef("pk"), action="submit", payload__has_key="crisis_signals"
    )
    notes = ComplaintEvent.objects.filter(public=True, action__in=NOTE_ACTIONS).order_by("-at", "-id")
    return (
        Complaint.objects.filter(matter__isnull=False, psych_referral=False)
        .exclude(disposition__in=HIDDEN_DISPOSITIONS)
        .exclude(Exists(crisis))
        .select_related("matter", "lead_unit", "grid", "open311_request")
        .prefetch_related(Prefetch("events", queryset=notes, to_attr="open311_notes"))
    )


def page_clean(params: dict) -> tuple[int, int]:
    """(page, page_size) from the ``page``/``page_size`` extension; 400 when not positive integers."""
    errors = {}
    values = {}
    for name, default in (("page", 1), ("page_size", max_items())):
        text = params.get(name)
        if text is None:
            values[name] = default
        elif not text.isdigit() or int(text) < 1:
            errors[name] = [_("应为正整数")]
        else:
            values[name] = int(text)
    if "page_size" in values and values["page_size"] > max_items():
        errors["page_size"] = [_("不能超过%(n)d") % {"n": max_items()}]
    if errors:
        raise ApplicationError(_("分页参数有误"), errors=errors)
    return values["page"], values["page_size"]


def window_clean(
    params: dict, *, now: datetime, default: timedelta, since: bool = False
) -> tuple[datetime, datetime]:
    """(start, end) from ``start_date``/``end_date``: none → the ``default`` span up to ``now``; one alone
    spans ``default`` from it (``since``: a start alone runs up to ``now``). 400 when a date is
    malformed, the end precedes the start, or they are more than ``WINDOW_DAYS`` apart."""
    errors = {}
    parsed = {}
    for name in ("start_date", "end_date"):
        if params.get(name) is not None:
            parsed[name] = open311_datetime_parse(params[name])
            if parsed[name] is None:
                errors[name] = [_("应为 ISO 8601 日期时间，如 2026-05-06T09:30:00+08:00")]
    if errors:
        raise ApplicationError(_("日期参数有误"), errors=errors)
    start, end = parsed.get("start_date"), parsed.get("end_date")
    if start is None and end is None:
        end = now
    if start is None:
        start = end - default
    if end is None:
        end = now if since else start + default
    if end < start:
        raise ApplicationError(_("日期参数有误"), errors={"end_date": [_("不能早于 start_date")]})
    if end - start > timedelta(days=window_days()):
        raise ApplicationError(
            _("日期参数有误"), errors={"end_date": [_("查询区间不能超过%(n)d天") % {"n": window_days()}]}
        )
    return start, end


def requests_query_clean(params: dict, *, now: datetime | None = None) -> RequestQuery:
    """The GET requests filters from the request parameters (empty ones already dropped)."""
    now = now or timezone.now()
    page, page_size = page_clean(params)
    if params.get("service_request_id") is not None:
        parts = [p.strip() for p in params["service_request_id"].split(",")]
        ids = list(dict.fromkeys(int(p) for p in parts if p.isdigit()))[: max_items()]
        return RequestQuery(ids=ids, page=page, page_size=page_size)
    statuses = frozenset(STATUSES)
    if params.get("status") is not None:
        statuses = frozenset(s.strip().lower() for s in params["status"].split(",") if s.strip())
        if not statuses or not statuses <= set(STATUSES):
            raise ApplicationError(_("状态参数有误"), errors={"status": [_("应为 open 或 closed")]})
    codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
    start, end = window_clean(params, now=now, default=timedelta(days=window_days()))
    return RequestQuery(
        service_codes=codes, start=start, end=end, statuses=statuses, page=page, page_size=page_size
    )


def service_request_list(*, query: RequestQuery) -> list[Complaint]:
    """One page of matching requests, newest first."""
    complaints = open311_complaints()
    if query.ids is not None:
        complaints = complaints.filter(pk__in=query.ids)
    else:
        complaints = complaints.filter(received_at__gte=query.start, received_at__lte=query.end)
        if query.service_codes:
            complaints = complaints.filter(matter__code__in=query.service_codes)
        if query.statuses == {"open"}:
            complaints = complaints.filter(status__in=OPEN_STATUSES)
        elif query.statuses == {"closed"}:
            complaints = complaints.exclude(status__in=OPEN_STATUSES)
    offset = (query.page - 1) * query.page_size
    return list(complaints.order_by("-received_at", "-id")[offset : offset + query.page_size])


def service_request_get(*, service_request_id: str) -> Complaint:
    """The published complaint ``service_request_id``; 404 for unknown, malformed or private ones."""
    complaint = None
    if service_request_id.isdigit():
        complaint = open311_complaints().filter(pk=int(service_request_id)).first()
    if complaint is None:
        raise NotFoundError(_("service_request_id 不存在：%(id)s") % {"id": service_request_id})
    return complaint


def service_request_by_token(*, token: str) -> Complaint:
    """The published complaint whose tracking code is ``token`` (the token a POST answered with)."""
    code = tracking_code_normalize(token)
    complaint = open311_complaints().filter(tracking_code=code).first() if code else None
    if complaint is None:
        raise NotFoundError(_("token 不存在：%(token)s") % {"token": token})
    return complaint


def service_request_notes(complaint: Complaint) -> list[ComplaintEvent]:
    """Note events newest first (prefetched by ``open311_complaints``; queried otherwise)."""
    notes = getattr(complaint, "open311_notes", None)
    if notes is None:
        notes = list(complaint.events.filter(public=True, action__in=NOTE_ACTIONS).order_by("-at", "-id"))
    return notes
