"""A small world of people around one complaint, for permission, workflow and statistics tests.

``actors()`` builds on ``factories.territory()``: a department pair, the centre and a psychological
service centre, and one user per workflow role on a complaint located in ``territory.grid`` and
dispatched to the community workstation (lead) with department B as co-handler:

- ``dispatcher``, ``operator`` (centre), ``supervisor``, ``admin``;
- ``lead`` (handler of the community unit), ``leader`` (its leader), ``co`` (handler of department B);
- ``street_handler`` (street office), ``other_handler`` (department A: holds nothing);
- ``grid_worker`` (of ``territory.grid``), ``other_grid_worker`` (of the other grid);
- ``citizen`` (submits), ``other_citizen``.

``complaint_in(world, status)`` dispatches a fresh complaint through the transition service (so the
assignments and guardian rights are real) and then forces the status — acceptable in tests only, to
set up a source state for a transition.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from grids.models import Unit, UnitKind, UnitRole
from grids.selectors.calendar import work_calendar_cache_clear
from grievance.models import Attachment, Complaint, Status
from grievance.services.transitions import complaint_transition
from grievance.workflow import ActorRole
from tests.grievance.factories import (
    ComplaintFactory,
    Territory,
    UnitFactory,
    UserFactory,
    membership,
    territory,
)


@dataclass
class World:
    territory: Territory
    centre: Unit
    dept_a: Unit
    dept_b: Unit
    psych: Unit
    dispatcher: User
    operator: User
    supervisor: User
    admin: User
    lead: User
    leader: User
    co: User
    street_handler: User
    other_handler: User
    grid_worker: User
    other_grid_worker: User
    citizen: User
    other_citizen: User
    by_role: dict = field(default_factory=dict)

    @property
    def community(self) -> Unit:
        return self.territory.community_unit

    @property
    def street(self) -> Unit:
        return self.territory.street_unit


def actors() -> World:
    work_calendar_cache_clear()  # another test may have cached a calendar built from loaded days
    t = territory()
    centre = UnitFactory(code="PS-ZHZX", name="区指挥中心", kind=UnitKind.CENTRE)
    dept_a = UnitFactory(code="PS-CG", name="区城管局", kind=UnitKind.DEPARTMENT)
    dept_b = UnitFactory(code="PS-ZJ", name="区住建局", kind=UnitKind.DEPARTMENT)
    psych = UnitFactory(code="PS-XLZX", name="区社会心理服务中心", kind=UnitKind.PSYCH_CENTRE)

    def user(name: str, role: str) -> User:
        return UserFactory(username=name, role=role)

    lead = user("h-community", Role.HANDLER)
    membership(lead, t.community_unit)
    leader = user("lead-community", Role.LEADER)
    membership(leader, t.community_unit, UnitRole.LEADER)
    co = user("h-dept-b", Role.HANDLER)
    membership(co, dept_b)
    street_handler = user("h-street", Role.COMMUNITY_STAFF)
    membership(street_handler, t.street_unit)
    other_handler = user("h-dept-a", Role.HANDLER)
    membership(other_handler, dept_a)
    grid_worker = user("grid-1", Role.GRID_WORKER)
    t.grid.workers.add(grid_worker)
    other_grid_worker = user("grid-2", Role.GRID_WORKER)
    t.other_grid.workers.add(other_grid_worker)
    dispatcher = user("dispatcher", Role.DISPATCHER)
    membership(dispatcher, centre, UnitRole.DISPATCHER)
    world = World(
        territory=t,
        centre=centre,
        dept_a=dept_a,
        dept_b=dept_b,
        psych=psych,
        dispatcher=dispatcher,
        operator=user("operator", Role.OPERATOR),
        supervisor=user("supervisor", Role.SUPERVISOR),
        admin=user("admin", Role.ADMIN),
        lead=lead,
        leader=leader,
        co=co,
        street_handler=street_handler,
        other_handler=other_handler,
        grid_worker=grid_worker,
        other_grid_worker=other_grid_worker,
        citizen=user("citizen1", Role.CITIZEN),
        other_citizen=user("citizen2", Role.CITIZEN),
    )
    world.by_role = {
        ActorRole.SYSTEM: None,
        ActorRole.DISPATCHER: world.dispatcher,
        ActorRole.OPERATOR: world.operator,
        ActorRole.LEAD: world.lead,
        ActorRole.CO: world.co,
        ActorRole.GRID_WORKER: world.grid_worker,
        ActorRole.CITIZEN: world.citizen,
        ActorRole.SUPERVISOR: world.supervisor,
    }
    return world


def _local_midnight():
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def complaint_new(world: World, **fields) -> Complaint:
    """A bare ``submitted`` complaint of ``world.citizen`` in ``world.territory.grid``."""
    t = world.territory
    values = {
        "citizen": world.citizen,
        "grid": t.grid,
        "community": t.community,
        "street": t.street,
        "lat": t.inside[0],
        "lng": t.inside[1],
        # An hour ago, but never before today's local midnight: tests that count "today" must see it.
        "received_at": max(timezone.now() - timedelta(hours=1), _local_midnight()),
    }
    values.update(fields)
    return ComplaintFactory(**values)


# Fields that make a forced status coherent (what the transitions into it would have set).
_STATE_FIELDS = {
    Status.IN_PROGRESS: lambda now: {"signed_at": now},
    Status.HANDLED: lambda now: {"signed_at": now, "handled_at": now, "result": "已修复"},
    Status.REVIEWING: lambda now: {"signed_at": now, "handled_at": now, "result": "已修复"},
    Status.CLOSED: lambda now: {
        "signed_at": now,
        "handled_at": now,
        "closed_at": now,
        "result": "已修复",
        "resolved": True,
        "satisfaction": "satisfied",
    },
}


def complaint_in(
    world: World, status: str, *, lead: Unit | None = None, co_units=None, dispatch: bool = True, **fields
) -> Complaint:
    """A complaint dispatched (as the system) to ``lead`` (default: the community workstation) with
    ``co_units`` (default: department B), then forced into ``status`` with coherent fields."""
    complaint = complaint_new(world, **fields)
    if dispatch:
        lead = lead or world.community
        co_units = [world.dept_b] if co_units is None else co_units
        complaint_transition(
            complaint_id=complaint.pk,
            action="dispatch",
            params={"unit": lead.code, "co_units": [u.code for u in co_units]},
        )
    now = timezone.now()
    extra = _STATE_FIELDS.get(status, lambda now: {})(now)
    Complaint.objects.filter(pk=complaint.pk).update(status=status, **extra)
    complaint.refresh_from_db()
    return complaint


def photo_of(complaint: Complaint, *, content_type: str = "image/jpeg") -> Attachment:
    """An attachment row standing for an uploaded photo (no file content needed by the workflow)."""
    return Attachment.objects.create(
        complaint=complaint,
        file="attachments/test/photo.jpg",
        original_name="现场照片.jpg",
        content_type=content_type,
        size=1024,
    )
