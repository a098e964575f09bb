"""Complaint reads for interfaces: the ONE place visibility rules live (ARCHITECTURE.md §3, §8).

Visibility (``complaint_list_for_actor`` / ``complaint_get_for_actor``):
- anonymous, inactive or no user → nothing;
- command centre (dispatcher, operator), supervisor, administrator, superuser → everything;
- members (handlers and leaders alike) of a unit → complaints their unit holds an ACTIVE assignment on
  (lead, co-handling or copy); a re-dispatch or return deactivates the assignment and hides it again;
- grid workers → complaints located in their grid cells (plus the above through unit membership);
- everyone → the complaints they submitted themselves (``citizen``).
The unit rule is one indexed subquery on Assignment(unit, active) for the user's units, never per-row
permission checks, so a page costs the same few queries whatever its size.

Contact details (``complaint_contact_visible``) are shown only to the centre and to members of the
active lead or co-handling units (API.md); supervisors, copy recipients, grid workers and the citizen
see them masked.
"""

import copy
import operator
import re
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import STAFF_ROLES, Role
from common.exceptions import ApplicationError, NotFoundError
from grids.models import UnitKind, UnitMembership
from grievance.models.complaints import Assignment, AssignmentRole, Complaint, ComplaintEvent, Status
from grievance.models.matters import ComplaintKind
from grievance.selectors.access import complaint_actor_roles, user_grid_ids, user_reports, user_unit_ids
from grievance.workflow import CLOCKED, TRANSITIONS, ActorRole, allowed_actions

CENTRE_ROLES = frozenset({Role.DISPATCHER, Role.OPERATOR})
READ_ALL_ROLES = CENTRE_ROLES | {Role.SUPERVISOR, Role.ADMIN}
HANDLING_ROLES = (AssignmentRole.LEAD, AssignmentRole.CO)
# Actions only the system itself performs: never offered to a person.
SYSTEM_ONLY_ACTIONS = frozenset(t.action for t in TRANSITIONS if set(t.roles) == {ActorRole.SYSTEM})
# What a list row or a detail may print without another query (the pages: names, the citizen, the
# merged-into complaint). Each table joined costs the planner more than the lookup itself (eleven joins
# took ≈ 5 ms of planning per detail, five ≈ 0.7 ms), so the API, which prints codes only, asks for
# API_RELATED.
RELATED = ("matter", "grid", "community", "street", "lead_unit", "citizen", "merged_into")
API_RELATED = ("matter", "grid", "community", "street", "lead_unit")
# Query-string "+08:00" arrives as " 08:00" when the client did not encode the plus sign.
MOMENT_FORMAT_ERROR = _lazy("应为日期（YYYY-MM-DD）或 ISO 8601 时间")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNENCODED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def _is_person(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def complaint_reads_all(user) -> bool:
    """True for the centre, supervisors and administrators: they see every complaint."""
    return _is_person(user) and (user.is_superuser or user.role in READ_ALL_ROLES)


def _unit_assignments(user, roles=None) -> QuerySet[Assignment]:
    assignments = Assignment.objects.filter(
        complaint=OuterRef("pk"), active=True, unit__memberships__user=user
    )
    return assignments.filter(role__in=roles) if roles else assignments


def _visible(user) -> QuerySet[Complaint]:
    if not _is_person(user):
        return Complaint.objects.none()
    if complaint_reads_all(user):
        return Complaint.objects.all()
    # Only the branches that can match: a handler's list is then one semi-join through the index on
    # Assignment(unit, active), a citizen's one lookup of the citizen column — never a scan with an OR
    # of subqueries. One small query (``user_reach``, remembered for the request: a page builds several
    # lists) decides which branches apply.
    branches = []
    if user_reports(user):
        branches.append(Q(citizen=user))
    unit_ids = user_unit_ids(user)
    if unit_ids:
        held = Assignment.objects.filter(unit_id__in=unit_ids, active=True).values("complaint_id")
        branches.append(Q(pk__in=held))
    grid_ids = user_grid_ids(user)
    if grid_ids:
        branches.append(Q(grid_id__in=grid_ids))
    if not branches:
        return Complaint.objects.none()
    return Complaint.objects.filter(reduce(operator.or_, branches))


def _annotated(qs: QuerySet[Complaint], user, related: tuple[str, ...] = RELATED) -> QuerySet[Complaint]:
    """Join what lists and details print (``related``), and answer "may this user see the contact?" in
    the same query."""
    if not _is_person(user):
        visible = Value(False, output_field=BooleanField())
    elif user.role in CENTRE_ROLES:
        visible = Value(True, output_field=BooleanField())
    else:
        visible = Exists(_unit_assignments(user, HANDLING_ROLES))
    return (
        qs.select_related(*related)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(active=True).select_related("unit").order_by("id"),
                to_attr="active_assignments",
            )
        )
        .annotate(
            actor_contact_visible=visible,
            actor_user_id=Value(getattr(user, "pk", None) or 0),
        )
    )


def date_or_datetime_parse(value) -> date | datetime | None:
    """A date or datetime from a value or an ISO 8601 string (date-only strings give a date); None
    when it is neither. Tolerates a query-string "+" offset that arrived as a space."""
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = _UNENCODED_OFFSET.sub(r"\1+\2", value.strip())
    try:
        # A bare date must stay a date (the whole day): parse_datetime would read it as midnight.
        return parse_date(text) if _DATE_ONLY.fullmatch(text) else parse_datetime(text)
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        return None


def moment_parse(value, *, field: str, end: bool = False) -> tuple[datetime, bool]:
    """Parse a date or a datetime filter value into ``(moment, inclusive)``.

    A date means the whole day (Asia/Shanghai): as a start, its midnight (inclusive); as an ``end``,
    the next midnight (exclusive). A datetime is used as given (naive = local time), inclusive.
    Raises ApplicationError (400) with ``{field: [...]}`` for anything else.
    """
    parsed = date_or_datetime_parse(value)
    if isinstance(parsed, datetime):
        return (timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed), True
    if isinstance(parsed, date):
        start = timezone.make_aware(datetime.combine(parsed, time.min))
        return (start + timedelta(days=1), False) if end else (start, True)
    raise ApplicationError(_("参数有误"), errors={field: [str(MOMENT_FORMAT_ERROR)]})


def window_q(field: str, date_from=None, date_to=None, *, names=("from", "to")) -> Q:
    """``Q`` for ``field`` within [date_from, date_to] (each optional, date or datetime or string)."""
    q = Q()
    start = end = None
    if date_from not in (None, ""):
        start, _inclusive = moment_parse(date_from, field=names[0])
        q &= Q(**{f"{field}__gte": start})
    if date_to not in (None, ""):
        end, inclusive = moment_parse(date_to, field=names[1], end=True)
        q &= Q(**{f"{field}__lte" if inclusive else f"{field}__lt": end})
    if start is not None and end is not None and end < start:
        raise ApplicationError(_("参数有误"), errors={names[1]: [_("结束时间不能早于开始时间")]})
    return q


def _choices(value, allowed, field: str) -> list[str]:
    values = value if isinstance(value, (list, tuple)) else str(value).replace("，", ",").split(",")
    values = [str(v).strip() for v in values if str(v).strip()]
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise ApplicationError(
            _("参数有误"), errors={field: [_("未知取值：%(values)s") % {"values": ", ".join(wrong)}]}
        )
    return values


def _bool(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    raise ApplicationError(_("参数有误"), errors={field: [_("应为 true 或 false")]})


def _filtered(qs: QuerySet[Complaint], filters, now: datetime) -> QuerySet[Complaint]:
    get = filters.get
    if (value := get("status")) not in (None, ""):
        qs = qs.filter(status__in=_choices(value, Status.values, "status"))
    if (value := get("kind")) not in (None, ""):
        qs = qs.filter(kind__in=_choices(value, ComplaintKind.values, "kind"))
    if (value := get("unit")) not in (None, ""):
        held = Assignment.objects.filter(complaint=OuterRef("pk"), active=True, unit__code=str(value).strip())
        qs = qs.filter(Exists(held))
    if (value := get("grid")) not in (None, ""):
        qs = qs.filter(grid__code=str(value).strip())
    if (value := get("street")) not in (None, ""):
        qs = qs.filter(street__code=str(value).strip())
    if (value := get("overdue")) not in (None, ""):
        late = Q(status__in=CLOCKED, handle_deadline__lt=now)
        qs = qs.filter(late) if _bool(value, "overdue") else qs.exclude(late)
    date_from = get("from") if get("from") not in (None, "") else get("date_from")
    date_to = get("to") if get("to") not in (None, "") else get("date_to")
    return qs.filter(window_q("received_at", date_from, date_to))


def complaint_list_for_actor(
    *, user, filters: dict | None = None, now: datetime | None = None, related: tuple[str, ...] = RELATED
) -> QuerySet:
    """The complaints ``user`` may see, filtered, newest first (the ONLY list interfaces use).

    ``filters`` (a dict or a QueryDict; unknown keys such as ``page`` are ignored): ``status`` and
    ``kind`` (one value or comma-separated), ``unit`` (code of a unit holding an active assignment),
    ``grid`` and ``street`` (codes), ``overdue`` (bool: clock running and handling deadline passed —
    the same rule as the detail's ``overdue``), ``from``/``to`` (received_at; dates are whole days).
    Bad values raise ApplicationError (400). Each row carries ``active_assignments`` (prefetched, with
    units) and the contact-visibility answer for ``user``; a page is a constant number of queries.
    ``related``: the relations joined (``API_RELATED`` where only codes are printed).
    """
    qs = _filtered(_visible(user), filters or {}, now or timezone.now())
    return _annotated(qs, user, related).order_by("-received_at", "-id")


def complaint_get_for_actor(*, user, complaint_id, related: tuple[str, ...] = RELATED) -> Complaint:
    """One complaint with its events, or NotFoundError — also when it exists but ``user`` may not see it.
    ``related``: the relations joined (``API_RELATED`` where only codes are printed)."""
    try:
        pk = int(complaint_id)
    except (TypeError, ValueError):
        pk = None
    complaint = None
    if pk is not None and pk > 0:
        qs = _annotated(_visible(user).filter(pk=pk), user, related).prefetch_related(
            Prefetch("events", queryset=_detail_events())
        )
        complaint = qs.first()
    if complaint is None:
        raise NotFoundError(_("诉求不存在"))
    return complaint


def _detail_events() -> QuerySet[ComplaintEvent]:
    return ComplaintEvent.objects.select_related("actor", "actor_unit").order_by("at", "id")


def complaint_detail_prefetch(*, complaint: Complaint) -> Complaint:
    """Load what the detail prints (events with their actors, active assignments) onto a complaint
    already in hand, such as the one just submitted: two queries, no read-back of the row itself."""
    prefetch_related_objects(
        [complaint],
        Prefetch("events", queryset=_detail_events()),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(active=True).select_related("unit").order_by("id"),
            to_attr="active_assignments",
        ),
    )
    return complaint


def complaint_contact_visible(*, user, complaint: Complaint) -> bool:
    """May ``user`` read the contact name and phone unmasked? Centre and the active lead/co units only."""
    if not _is_person(user):
        return False
    if user.role in CENTRE_ROLES:
        return True
    if getattr(complaint, "actor_user_id", None) == user.pk and hasattr(complaint, "actor_contact_visible"):
        return bool(complaint.actor_contact_visible)
    return Assignment.objects.filter(
        complaint=complaint, active=True, role__in=HANDLING_ROLES, unit__memberships__user=user
    ).exists()


def complaint_allowed_actions_for(*, user, complaint: Complaint) -> list[str]:
    """Actions ``user`` may attempt on ``complaint`` now (table and roles; guards are checked on submit).

    System-only actions (queue, warn) are never offered; anonymous users get none.
    """
    if not _is_person(user):
        return []
    roles = complaint_actor_roles(complaint=complaint, user=user)
    return [
        action for action in allowed_actions(complaint.status, roles) if action not in SYSTEM_ONLY_ACTIONS
    ]


PSYCH_PRIVATE_NOTE = "（社会心理服务记录，仅心理服务中心可见）"


def complaint_events_for_actor(*, user, complaint: Complaint) -> list[ComplaintEvent]:
    """The complaint's events as ``user`` may read them.

    Citizens and anonymous callers see public events only. Staff see every event, except that what the
    psychological service centre records (its notes and payloads) stays with that centre: others see
    that it acted, not what it wrote. Returned events are unsaved copies; never save them.
    """
    events = list(complaint.events.all())
    staff = bool(getattr(user, "is_authenticated", False) and user.role in STAFF_ROLES)
    if not staff:
        return [e for e in events if e.public]
    if not any(e.actor_unit_id and e.actor_unit.kind == UnitKind.PSYCH_CENTRE for e in events):
        return events  # nothing the centre wrote: no need to ask whether the reader belongs to it
    psych_member = UnitMembership.objects.filter(user=user, unit__kind=UnitKind.PSYCH_CENTRE).exists()
    shown = []
    for event in events:
        if event.actor_unit_id and event.actor_unit.kind == UnitKind.PSYCH_CENTRE and not psych_member:
            event = copy.copy(event)
            event.note, event.payload = PSYCH_PRIVATE_NOTE, {}
        shown.append(event)
    return shown
