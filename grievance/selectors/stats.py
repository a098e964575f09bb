"""The statistics overview (API.md "Statistics"; DOMAIN.md §2 "三率" + on-time).

Definitions (``B`` = complaints received in the window, narrowed by street and unit):
- ``received`` = |B|; ``dispatched`` = members of B a unit was ever made lead of (dispatch, re-dispatch
  or escalation to a parent unit: a lead ``Assignment``, active or not);
- ``in_progress`` = status in_progress; ``handled`` = status handled or reviewing (result submitted,
  review pending); ``closed`` = status closed — current statuses within B;
- ``overdue`` = clock running (dispatched/in_progress) and the handling deadline passed (the list
  filter ``overdue`` and the detail flag use the same rule);
- ``response_rate`` = dispatched and signed no later than the sign-off deadline ÷ dispatched;
- ``resolution_rate`` = rated resolved ÷ evaluated (``resolved`` recorded);
- ``satisfaction_rate`` = satisfied (+ basically satisfied unless
  ``settings.GRIEVANCE["SATISFACTION_INCLUDES_BASIC"]`` is False) ÷ evaluated (satisfaction recorded);
- ``on_time_rate`` = finished on time ÷ due to finish (应结案), over complaints with a handling clock
  (not B): due in the window = the handling deadline fell in the window (and has passed), or the
  complaint was finished in the window; finished = result submitted (``handled_at``) or closed; on
  time = ``handled_at`` (else ``closed_at``) ≤ the deadline. Complaints disposed of without handling
  (answered, transferred, merged, invalid, withdrawn...) are never due;
- ``return_rate`` = members of B returned (退单) at least once ÷ dispatched;
- ``rework_rate`` = members of B reopened (重办) ÷ members of B handled at least once.
With ``unit``, B holds the complaints that unit was ever lead of, and returns count only that unit's.
A rate is None when its denominator is 0. Two aggregate queries whatever the volume.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Count, DateTimeField, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from common.exceptions import ApplicationError, PermissionDeniedError
from grids.models import Division, DivisionLevel, Unit, UnitKind
from grids.selectors.units import units_manageable_by
from grievance.models.complaints import (
    Assignment,
    AssignmentRole,
    Complaint,
    ComplaintEvent,
    Satisfaction,
    Status,
)
from grievance.selectors.complaints import window_q
from grievance.workflow import CLOCKED

STATS_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
OVERVIEW_KEYS = (
    "received",
    "dispatched",
    "in_progress",
    "handled",
    "closed",
    "overdue",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "on_time_rate",
    "return_rate",
    "rework_rate",
)
# Ended without a unit handling them: never "due to close".
NOT_HANDLED = (
    Status.ANSWERED,
    Status.TRANSFERRED,
    Status.REFERRED,
    Status.DUPLICATE,
    Status.INVALID,
    Status.WITHDRAWN,
)
HANDLED_ACTIONS = ("submit_result", "resolve_on_spot")


def satisfied_values() -> list[str]:
    """Ratings that count as satisfied (configurable: 满意 alone, or 满意 + 基本满意 — the default)."""
    if settings.GRIEVANCE.get("SATISFACTION_INCLUDES_BASIC", True):
        return [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED]
    return [Satisfaction.SATISFIED]


def _street_resolve(street) -> Division:
    if isinstance(street, Division):
        return street
    code = str(street).strip()
    division = Division.objects.filter(code=code, level=DivisionLevel.STREET).first()
    if division is None:  # the street office's unit code names the same street
        unit = Unit.objects.filter(code=code, kind=UnitKind.STREET, division__isnull=False).first()
        division = unit.division if unit else None
    if division is None:
        raise ApplicationError(
            _("参数有误"), errors={"street": [_("街道编码不存在：%(code)s") % {"code": code}]}
        )
    return division


def _unit_resolve(unit) -> Unit:
    if isinstance(unit, Unit):
        return unit
    code = str(unit).strip()
    found = Unit.objects.filter(code=code).first()
    if found is None:
        raise ApplicationError(
            _("参数有误"), errors={"unit": [_("单位编码不存在：%(code)s") % {"code": code}]}
        )
    return found


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _event(actions, **extra) -> Exists:
    actions = (actions,) if isinstance(actions, str) else actions
    return Exists(ComplaintEvent.objects.filter(complaint=OuterRef("pk"), action__in=actions, **extra))


def stats_overview(
    *, date_from=None, date_to=None, street=None, unit=None, now: datetime | None = None
) -> dict:
    """The overview of API.md with the definitions of this module's docstring.

    ``date_from``/``date_to``: dates (whole days, Asia/Shanghai) or datetimes, inclusive; ``street``: a
    street division code (or its street office's unit code) or Division; ``unit``: a unit code or Unit.
    Unknown codes and bad dates raise ApplicationError (400) with field errors.
    """
    now = now or timezone.now()
    scope = Q()
    if street not in (None, ""):
        scope &= Q(street=_street_resolve(street))
    lead_of = Assignment.objects.filter(complaint=OuterRef("pk"), role=AssignmentRole.LEAD)
    returned = _event("return")
    if unit not in (None, ""):
        unit = _unit_resolve(unit)
        lead_of = lead_of.filter(unit=unit)
        scope &= Q(Exists(lead_of))
        returned = _event("return", payload__unit=unit.code)

    received = Complaint.objects.filter(scope, window_q("received_at", date_from, date_to)).annotate(
        was_dispatched=Exists(lead_of),
        was_returned=returned,
        was_handled=_event(HANDLED_ACTIONS),
    )
    dispatched = Q(was_dispatched=True)
    counts = received.aggregate(
        received=Count("pk"),
        dispatched=Count("pk", filter=dispatched),
        in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        handled=Count("pk", filter=Q(status__in=(Status.HANDLED, Status.REVIEWING))),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        overdue=Count("pk", filter=Q(status__in=CLOCKED, handle_deadline__lt=now)),
        responded=Count(
            "pk",
            filter=dispatched & Q(signed_at__isnull=False, signed_at__lte=F("sign_deadline")),
        ),
        rated_resolved=Count("pk", filter=Q(resolved__isnull=False)),
        resolved=Count("pk", filter=Q(resolved=True)),
        rated_satisfaction=Count("pk", filter=~Q(satisfaction="")),
        satisfied=Count("pk", filter=Q(satisfaction__in=satisfied_values())),
        returned=Count("pk", filter=dispatched & Q(was_returned=True)),
        handled_once=Count("pk", filter=Q(was_handled=True)),
        reworked=Count("pk", filter=Q(was_handled=True, reopen_count__gt=0)),
    )

    finished = Q(handled_at__isnull=False) | Q(status=Status.CLOSED)
    fell_due = Q(handle_deadline__lte=now) & window_q("handle_deadline", date_from, date_to)
    finished_in_window = finished & window_q("finished_at", date_from, date_to)
    due = (
        Complaint.objects.filter(scope, handle_deadline__isnull=False)
        .exclude(status__in=NOT_HANDLED)
        .annotate(finished_at=Coalesce("handled_at", "closed_at", output_field=DateTimeField()))
        .filter(fell_due | finished_in_window)
        .aggregate(
            due=Count("pk"),
            on_time=Count("pk", filter=finished & Q(finished_at__lte=F("handle_deadline"))),
        )
    )

    return {
        "received": counts["received"],
        "dispatched": counts["dispatched"],
        "in_progress": counts["in_progress"],
        "handled": counts["handled"],
        "closed": counts["closed"],
        "overdue": counts["overdue"],
        "response_rate": _rate(counts["responded"], counts["dispatched"]),
        "resolution_rate": _rate(counts["resolved"], counts["rated_resolved"]),
        "satisfaction_rate": _rate(counts["satisfied"], counts["rated_satisfaction"]),
        "on_time_rate": _rate(due["on_time"], due["due"]),
        "return_rate": _rate(counts["returned"], counts["dispatched"]),
        "rework_rate": _rate(counts["reworked"], counts["handled_once"]),
    }


def stats_overview_for_actor(
    *, user, date_from=None, date_to=None, street=None, unit=None, now: datetime | None = None
) -> dict:
    """``stats_overview`` for an interface user: the centre's dispatchers, supervisors and
    administrators see any scope; a unit leader only their own unit (``unit`` may be left out when
    they lead exactly one). Everyone else: PermissionDeniedError (403)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDeniedError(_("请先登录"))
    if not (user.is_superuser or user.role in STATS_ROLES):
        led = list(units_manageable_by(user))
        if unit in (None, "") and len(led) == 1:
            unit = led[0]
        code = unit.code if isinstance(unit, Unit) else str(unit or "").strip()
        if not code or code not in {u.code for u in led}:
            raise PermissionDeniedError(_("只能查看本单位的统计"))
    return stats_overview(date_from=date_from, date_to=date_to, street=street, unit=unit, now=now)
