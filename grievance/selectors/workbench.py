"""Reads of the staff workbenches: each role's work queues, deadline lights, caller history and the
knowledge base of past answers.

Deny by default: every read checks which workbenches the user may open (``workbenches_for``) and
raises ``PermissionDeniedError`` otherwise. Every queue is a narrowing of ``complaint_list_for_actor``
(the one place visibility lives), so no queue ever shows a complaint its reader may not see, and the
rows carry the same annotations (active assignments, contact visibility) as the other lists.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from common.exceptions import PermissionDeniedError
from common.memo import user_memo
from grids.geo import boundary_geometry
from grids.models import GridCell, Unit, UnitKind, UnitRole
from grids.selectors.territory import grid_cells_for_worker
from grids.selectors.units import unit_list, units_of_user
from grids.worktime import elapsed_share
from grievance.models.complaints import Assignment, AssignmentRole, Complaint, ComplaintEvent, Status
from grievance.models.matters import ComplaintKind
from grievance.selectors.access import user_grid_ids, user_unit_ids
from grievance.selectors.complaints import complaint_list_for_actor
from grievance.selectors.review import complaint_return_visit_queue, complaint_verification_queue
from grievance.services.duplicates import complaint_duplicates
from grievance.services.routing import routing_suggest
from grievance.workflow import CLOCKED

OPERATOR, DISPATCH, INBOX, LEADER, GRID, COMPLAINTS = (
    "operator",
    "dispatch",
    "inbox",
    "leader",
    "grid",
    "complaints",
)
READ_ALL = (Role.SUPERVISOR, Role.ADMIN)
# Tabs of the dispatcher console and who may open each (the return-visit calls are the operators' too).
DISPATCH_TABS = {
    "queue": (Role.DISPATCHER,),
    "returned": (Role.DISPATCHER,),
    "extensions": (Role.DISPATCHER,),
    "verify": (Role.DISPATCHER,),
    "visits": (Role.DISPATCHER, Role.OPERATOR),
    "supervision": (Role.DISPATCHER, *READ_ALL),
}
INBOX_TABS = ("sign", "progress", "co", "unit")
SORTS = ("received", "-received", "deadline", "-deadline")
# Each list's order unless the user picks another: queues oldest first, running work by deadline
# (the sign-off tab by its sign-off deadline), searches newest first.
DEFAULT_SORT = (
    dict.fromkeys(("queue", "returned", "verify", "visits"), "received")
    | dict.fromkeys(("extensions", "supervision", "sign", "progress", "co", "unit"), "deadline")
    | dict.fromkeys(("grid", "complaints"), "-received")
)
OPEN_WORK = (Status.DISPATCHED, Status.IN_PROGRESS, Status.HANDLED)
GRID_ACTIONABLE = (Status.SUBMITTED, Status.PENDING_DISPATCH, Status.DISPATCHED, Status.IN_PROGRESS)
RED, YELLOW, GREEN = "red", "yellow", "green"


def _person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def leader_units(user) -> QuerySet[Unit]:
    """Units whose whole work ``user`` oversees: memberships as leader (or any unit of a leader)."""
    if not _person(user):
        return Unit.objects.none()
    if user.role == Role.LEADER:
        return units_of_user(user)
    return units_of_user(user).filter(memberships__user=user, memberships__role=UnitRole.LEADER)


def workbenches_for(user) -> frozenset[str]:
    """The workbenches ``user`` may open (empty for citizens and anonymous users)."""
    if not _person(user) or user.role == Role.CITIZEN:
        return frozenset()
    # Asked by the navigation, the page's own check and every tab: once per request.
    return user_memo(user, "workbenches", lambda: _workbenches(user))


def _workbenches(user) -> frozenset[str]:
    found = {COMPLAINTS}
    if user.role in (Role.OPERATOR, Role.DISPATCHER):
        found.add(OPERATOR)
    if any(user.role in roles for roles in DISPATCH_TABS.values()) or user.is_superuser:
        found.add(DISPATCH)
    if units_of_user(user).exclude(kind=UnitKind.CENTRE).exists():
        found.add(INBOX)
        if leader_units(user).exists():
            found.add(LEADER)
    if user.role == Role.GRID_WORKER or user_grid_ids(user):
        found.add(GRID)
    return frozenset(found)


def workbench_require(*, user, workbench: str) -> None:
    if workbench not in workbenches_for(user):
        raise PermissionDeniedError(_("您无权使用该工作台"))


def dispatch_tabs_for(user) -> list[str]:
    if not _person(user):
        return []
    read_all = user.is_superuser
    return [
        tab
        for tab, roles in DISPATCH_TABS.items()
        if user.role in roles or (read_all and tab == "supervision")
    ]


# --- lights ---------------------------------------------------------------------------------------------


def deadline_light(*, start: datetime | None, deadline: datetime | None, now: datetime) -> str:
    """red: the deadline has passed; yellow: at least the warning share (75%) of the time is used;
    green otherwise; "" without a deadline."""
    if deadline is None:
        return ""
    if now > deadline:
        return RED
    share = float(settings.GRIEVANCE.get("WARNING_SHARE", 0.75))
    if start is not None and elapsed_share(start, deadline, now) >= share:
        return YELLOW
    return GREEN


def complaint_light(complaint: Complaint, now: datetime) -> str:
    """The handling light while a clock runs: before sign-off the sign-off clock, then the handling one."""
    if complaint.status not in CLOCKED:
        return ""
    start = complaint.clock_started_at or complaint.dispatched_at or complaint.received_at
    if complaint.status == Status.DISPATCHED and complaint.signed_at is None and complaint.sign_deadline:
        sign = deadline_light(start=start, deadline=complaint.sign_deadline, now=now)
        handle = deadline_light(start=start, deadline=complaint.handle_deadline, now=now)
        return RED if RED in (sign, handle) else sign
    return deadline_light(start=start, deadline=complaint.handle_deadline, now=now)


# --- queues ---------------------------------------------------------------------------------------------


def _entered_queue():
    """The latest event that moved the complaint into the centre's queue (routing, return, escalation)."""
    return (
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"), to_status=Status.PENDING_DISPATCH)
        .exclude(from_status=F("to_status"))
        .order_by("-at", "-id")
    )


def _latest_note(action: str):
    events = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), action=action).order_by("-at", "-id")
    return Subquery(events.values("note")[:1])


def _sorted(qs: QuerySet, sort: str | None, default: str, *, deadline_field="handle_deadline", first=()):
    """Order by the chosen ``sort`` (else ``default``), after the fixed ``first`` keys (e.g. the rung)."""
    sort = sort if sort in SORTS else default
    if sort.endswith("deadline"):
        column = F(deadline_field)
        order = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
        return qs.order_by(*first, order, "received_at", "id")
    received = ("received_at", "id") if sort == "received" else ("-received_at", "-id")
    return qs.order_by(*first, *received)


def _visible(user, filters, *, fixed_status: bool, now) -> QuerySet[Complaint]:
    filters = {k: v for k, v in (filters or {}).items() if not (fixed_status and k == "status")}
    return complaint_list_for_actor(user=user, filters=filters, now=now)


def dispatch_tab_list(*, user, tab: str, filters=None, sort: str | None = None, now=None) -> QuerySet:
    """One tab of the dispatcher console (``DISPATCH_TABS``), filtered and sorted.

    queue: waiting for dispatch (not returned), ``queue_note`` says why routing stopped; returned:
    returned by the unit, ``return_reason``; extensions: pending extension requests,
    ``extension_reason``; verify / visits: the centre's review queues; supervision: open clocked
    complaints past their deadline or on a supervision rung ≥ 2, highest rung first."""
    now = now or timezone.now()
    if tab not in dispatch_tabs_for(user):
        raise PermissionDeniedError(_("您无权查看该队列"))
    if tab in ("queue", "returned"):
        entered = _entered_queue()
        qs = _visible(user, filters, fixed_status=True, now=now).filter(status=Status.PENDING_DISPATCH)
        qs = qs.annotate(
            queue_action=Subquery(entered.values("action")[:1]),
            queue_note=Subquery(entered.values("note")[:1]),
        )
        if tab == "returned":
            qs = qs.filter(queue_action="return").annotate(return_reason=F("queue_note"))
        else:
            qs = qs.filter(Q(queue_action__isnull=True) | ~Q(queue_action="return"))
        return _sorted(qs, sort, DEFAULT_SORT[tab])
    if tab == "extensions":
        qs = _visible(user, filters, fixed_status=True, now=now).filter(
            status=Status.IN_PROGRESS, pending_extension_days__gt=0
        )
        return _sorted(
            qs.annotate(extension_reason=_latest_note("request_extension")), sort, DEFAULT_SORT[tab]
        )
    if tab == "verify":
        queue = complaint_verification_queue(user=user).values("pk")
        qs = _visible(user, filters, fixed_status=True, now=now).filter(pk__in=queue)
        return _sorted(qs, sort, DEFAULT_SORT[tab])
    if tab == "visits":
        queue = complaint_return_visit_queue(user=user).values("pk")
        qs = _visible(user, filters, fixed_status=True, now=now).filter(pk__in=queue)
        return _sorted(qs, sort, DEFAULT_SORT[tab])
    qs = _visible(user, filters, fixed_status=False, now=now).filter(status__in=CLOCKED)
    qs = qs.filter(Q(handle_deadline__lt=now) | Q(supervision_level__gte=2))
    return _sorted(qs, sort, DEFAULT_SORT["supervision"], first=("-supervision_level",))


def dispatch_tab_counts(*, user, now=None) -> dict[str, int]:
    return {tab: dispatch_tab_list(user=user, tab=tab, now=now).count() for tab in dispatch_tabs_for(user)}


def _held(unit_ids: list[int], roles, **more) -> Q:
    """Held by one of ``unit_ids`` (a literal list) in one of ``roles``.

    Written as ``pk IN (assignments of these units)`` over literal ids so that PostgreSQL knows from its
    statistics how many rows each unit holds and drives the query from the index on
    Assignment(unit, active): a correlated EXISTS under a unit subquery made it walk every complaint in
    the status instead (1.6 s per inbox page for a unit holding 14,500 of 1 M; docs/benchmarks.md)."""
    held = Assignment.objects.filter(unit_id__in=unit_ids, active=True, role__in=roles, **more)
    return Q(pk__in=held.values("complaint_id"))


def _leader_unit_ids(user) -> list[int]:
    return user_memo(user, "leader_unit_ids", lambda: list(leader_units(user).values_list("pk", flat=True)))


def inbox_tabs_for(user) -> list[str]:
    benches = workbenches_for(user)
    if INBOX not in benches:
        return []
    return [tab for tab in INBOX_TABS if tab != "unit" or LEADER in benches]


def inbox_tab_list(*, user, tab: str, filters=None, sort: str | None = None, now=None) -> QuerySet:
    """One tab of a unit's inbox. sign: dispatched to the user's units as lead, by sign-off deadline;
    progress: being handled by them, by handling deadline; co: their co-handling assignments not yet
    answered; unit (leaders): everything their units hold, handled or still running."""
    now = now or timezone.now()
    if tab not in inbox_tabs_for(user):
        raise PermissionDeniedError(_("您无权查看该队列"))
    units = user_unit_ids(user)
    # ``lead_unit`` is the unit of the active lead assignment (the transition effects set both), so
    # ``lead_unit IN units`` changes no result; it lets the index on (lead_unit, status) find the rows.
    if tab == "sign":
        qs = _visible(user, filters, fixed_status=True, now=now).filter(
            _held(units, [AssignmentRole.LEAD]), lead_unit_id__in=units, status=Status.DISPATCHED
        )
        return _sorted(qs, sort, DEFAULT_SORT[tab], deadline_field="sign_deadline")
    if tab == "progress":
        qs = _visible(user, filters, fixed_status=True, now=now).filter(
            _held(units, [AssignmentRole.LEAD]), lead_unit_id__in=units, status=Status.IN_PROGRESS
        )
        return _sorted(qs, sort, DEFAULT_SORT[tab])
    if tab == "co":
        qs = _visible(user, filters, fixed_status=True, now=now).filter(
            _held(units, [AssignmentRole.CO], replied_at__isnull=True), status__in=CLOCKED
        )
        return _sorted(qs, sort, DEFAULT_SORT[tab])
    qs = _visible(user, filters, fixed_status=False, now=now).filter(
        _held(_leader_unit_ids(user), list(AssignmentRole)), status__in=OPEN_WORK
    )
    return _sorted(qs, sort, DEFAULT_SORT[tab])


def inbox_tab_counts(*, user, now=None) -> dict[str, int]:
    return {tab: inbox_tab_list(user=user, tab=tab, now=now).count() for tab in inbox_tabs_for(user)}


def unit_overdue_count(*, user, now=None) -> int:
    """Overdue complaints held by the leader's units (the leader's red number)."""
    now = now or timezone.now()
    rows = inbox_tab_list(user=user, tab="unit", now=now)
    return rows.filter(status__in=CLOCKED, handle_deadline__lt=now).count()


def grid_open_list(*, user, filters=None, sort: str | None = None, now=None) -> QuerySet:
    """Complaints located in the worker's grid cells that can still be handled on the spot or escalated."""
    workbench_require(user=user, workbench=GRID)
    cells = grid_cells_for_worker(user).values("pk")
    qs = _visible(user, filters, fixed_status=True, now=now or timezone.now())
    return _sorted(qs.filter(grid__in=cells, status__in=GRID_ACTIONABLE), sort, DEFAULT_SORT[GRID])


def grid_verification_list(*, user, filters=None, sort: str | None = None, now=None) -> QuerySet:
    """Handled results in the worker's grid cells waiting for the worker's on-site verification."""
    workbench_require(user=user, workbench=GRID)
    queue = complaint_verification_queue(user=user).values("pk")
    qs = _visible(user, filters, fixed_status=True, now=now or timezone.now()).filter(pk__in=queue)
    return _sorted(qs, sort, DEFAULT_SORT["verify"])


def grid_cells_with_centre(*, user) -> list[GridCell]:
    """The worker's cells, each with ``centre_lat`` / ``centre_lng``: a point inside the cell (the
    fallback location of a report when the device gives none)."""
    workbench_require(user=user, workbench=GRID)
    cells = list(grid_cells_for_worker(user))
    for cell in cells:
        geometry, _errors = boundary_geometry(cell.boundary)
        if geometry is not None:
            point = geometry.representative_point()
            cell.centre_lat, cell.centre_lng = round(point.y, 6), round(point.x, 6)
        else:
            cell.centre_lat = round((cell.min_lat + cell.max_lat) / 2, 6)
            cell.centre_lng = round((cell.min_lng + cell.max_lng) / 2, 6)
    return cells


def staff_complaint_list(*, user, filters=None, sort: str | None = None, now=None) -> QuerySet:
    """Every complaint the staff member may see (the general search list)."""
    workbench_require(user=user, workbench=COMPLAINTS)
    return _sorted(
        _visible(user, filters, fixed_status=False, now=now or timezone.now()), sort, DEFAULT_SORT[COMPLAINTS]
    )


# --- helpers of the operator and dispatcher ---------------------------------------------------------------


def _centre(user) -> None:
    if not _person(user) or user.role not in (Role.OPERATOR, Role.DISPATCHER):
        raise PermissionDeniedError(_("只有指挥中心工作人员可以查询"))


def phone_normalize(phone: str) -> str:
    return "".join(ch for ch in str(phone or "") if ch.isdigit())


def caller_history(*, user, phone: str, limit: int = 20) -> list[Complaint]:
    """The previous complaints of a phone number (as contact or as the citizen's account), newest
    first; empty for fewer than 7 digits (a number still being typed)."""
    _centre(user)
    digits = phone_normalize(phone)
    if len(digits) < 7:
        return []
    match = Q(contact_phone=digits) | Q(contact_phone=str(phone).strip()) | Q(citizen__phone=digits)
    qs = complaint_list_for_actor(user=user, filters={}).filter(match)
    return list(qs.order_by("-received_at", "-id")[:limit])


def _terms(query: str) -> list[str]:
    """Search terms: each word, and for Chinese words longer than two characters their bigrams too
    (Chinese has no spaces; "居住证办理" must find "办理居住证")."""
    terms = []
    for word in str(query or "").split()[:8]:
        terms.append(word)
        if len(word) > 2 and not word.isascii():
            terms.extend(word[i : i + 2] for i in range(len(word) - 1))
    return list(dict.fromkeys(terms))[:24]


KNOWLEDGE_CANDIDATES = 200


def knowledge_search(*, user, query: str, limit: int = 10) -> list[Complaint]:
    """Past answers to reuse: consultations answered directly and closed complaints with a result,
    best match first (words in the title count double), newest first on ties. Each row has ``score``
    and ``reply`` (the answer or the result). Empty query: the latest answered consultations."""
    _centre(user)
    answered = Q(status=Status.ANSWERED) & ~Q(answer="")
    closed = Q(status=Status.CLOSED) & ~Q(result="")
    qs = Complaint.objects.filter(answered | closed).select_related("matter").order_by("-received_at", "-id")
    terms = _terms(query)
    if not terms:
        rows = list(qs.filter(kind=ComplaintKind.CONSULT)[:limit])
        for row in rows:
            row.score, row.reply = 0, row.answer or row.result
        return rows
    fields = ("title", "description", "answer", "result")
    match = Q()
    for term in terms:
        for field in fields:
            match |= Q(**{f"{field}__icontains": term})
    rows = list(qs.filter(match)[:KNOWLEDGE_CANDIDATES])
    for row in rows:
        text = f"{row.description} {row.answer} {row.result}"
        row.score = sum(2 * (t in row.title) + (t in text) for t in terms)
        row.reply = row.answer or row.result
    rows.sort(key=lambda r: -r.score)  # stable: newest first among equal scores
    return rows[:limit]


def dispatch_units(*, user) -> list[Unit]:
    """Units a dispatcher can send a complaint to (active, not the centre itself), by code."""
    _centre(user)
    return list(unit_list().exclude(kind=UnitKind.CENTRE))


def dispatch_hints(*, user, complaint: Complaint, limit: int = 3) -> dict:
    """Routing suggestions (matter, unit, score) and possible duplicates of a queued complaint."""
    _centre(user)
    suggestions = routing_suggest(
        title=complaint.title, description=complaint.description, lat=complaint.lat, lng=complaint.lng
    )
    unit_names = dict(
        Unit.objects.filter(code__in=[s.unit for s in suggestions if s.unit]).values_list("code", "name")
    )
    hints = [
        {
            "matter": s.matter,
            "path": s.path,
            "unit": s.unit,
            "unit_name": unit_names.get(s.unit, ""),
            "score": s.score,
        }
        for s in suggestions[:limit]
    ]
    return {"suggestions": hints, "duplicates": complaint_duplicates(complaint=complaint)}
