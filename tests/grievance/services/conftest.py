"""Fixtures of the pipeline tests (deadlines, notifications, review, sweeper).

Time is controlled by passing ``now``: the clock starts on Monday 2 March 2026 09:00 (no holiday in
the weeks after it), and the working-day calendar is the Mon–Fri fallback (no calendar rows).
Celery is never reached: ``queued`` records what would have been queued.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role, User
from grids.models import Unit, UnitKind, UnitRole
from grids.selectors.calendar import work_calendar_cache_clear
from grievance import tasks
from grievance.models import Complaint, ComplaintEvent
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import ComplaintFactory, UnitFactory, UserFactory, membership

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday


@dataclass
class World:
    lead: Unit
    co: Unit
    centre: Unit
    psych: Unit
    handler: User
    leader: User
    co_handler: User
    dispatcher: User
    operator: User
    supervisor: User
    citizen: User


def world_build() -> World:
    work_calendar_cache_clear()  # another test may have cached a calendar with loaded days
    lead = UnitFactory(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT)
    co = UnitFactory(code="PS-ZJ", name="住房和建设局", kind=UnitKind.DEPARTMENT)
    centre = UnitFactory(code="PS-ZHZX", name="指挥中心", kind=UnitKind.CENTRE)
    psych = UnitFactory(code="PS-XL", name="社会心理服务中心", kind=UnitKind.PSYCH_CENTRE)
    handler = UserFactory(username="cg-handler", role=Role.HANDLER, email="")
    leader = UserFactory(username="cg-leader", role=Role.LEADER, email="leader@cg.example")
    co_handler = UserFactory(username="zj-handler", role=Role.HANDLER)
    dispatcher = UserFactory(username="dispatcher", role=Role.DISPATCHER)
    membership(handler, lead, UnitRole.HANDLER)
    membership(leader, lead, UnitRole.LEADER)
    membership(co_handler, co, UnitRole.HANDLER)
    membership(dispatcher, centre, UnitRole.DISPATCHER)
    return World(
        lead=lead,
        co=co,
        centre=centre,
        psych=psych,
        handler=handler,
        leader=leader,
        co_handler=co_handler,
        dispatcher=dispatcher,
        operator=UserFactory(username="operator", role=Role.OPERATOR),
        supervisor=UserFactory(username="supervisor", role=Role.SUPERVISOR),
        citizen=UserFactory(username="citizen", role=Role.CITIZEN, phone="13900001111"),
    )


def complaint_dispatched(world: World, *, now: datetime = T0, co_units=(), **fields) -> Complaint:
    """A complaint received and dispatched by the system to ``world.lead`` at ``now``."""
    fields.setdefault("received_at", now)
    complaint = ComplaintFactory(**fields)
    return complaint_transition(
        complaint_id=complaint.pk,
        action="dispatch",
        params={"unit": world.lead.code, "co_units": list(co_units)},
        now=now,
    )


def last_event(complaint: Complaint, action: str) -> ComplaintEvent:
    return ComplaintEvent.objects.filter(complaint=complaint, action=action).latest("at", "pk")


def actions_of(complaint: Complaint) -> list[str]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def world(db) -> World:
    return world_build()


@pytest.fixture
def queued(monkeypatch) -> list[tuple[str, tuple, dict]]:
    """Records ``apply_async`` of every grievance task as (task name, args, options) instead of queueing."""
    calls: list[tuple[str, tuple, dict]] = []
    for name in dir(tasks):
        task = getattr(tasks, name)
        if hasattr(task, "apply_async") and getattr(task, "name", "").startswith("grievance."):

            def record(args=None, kwargs=None, _name=task.name, **options):
                calls.append((_name, tuple(args or ()), options))

            monkeypatch.setattr(task, "apply_async", record)
    return calls
