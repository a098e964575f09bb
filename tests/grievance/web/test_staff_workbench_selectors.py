"""The reads behind the workbenches (grievance.selectors.workbench): lights, who may open what, and
that no queue ever shows more than ``complaint_list_for_actor`` allows."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from shapely.geometry import Point, shape

from common.exceptions import PermissionDeniedError
from grievance.models import Status
from grievance.selectors.workbench import (
    GREEN,
    RED,
    YELLOW,
    caller_history,
    complaint_light,
    deadline_light,
    dispatch_tab_list,
    grid_cells_with_centre,
    inbox_tab_list,
    knowledge_search,
    workbenches_for,
)
from tests.grievance.actors import complaint_in, complaint_new

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 5, 6, 9, 0, tzinfo=TZ)
DEADLINE = START + timedelta(days=10)


@pytest.mark.parametrize(
    ("now", "light"),
    [
        (START + timedelta(days=1), GREEN),
        (START + timedelta(days=7, hours=11), GREEN),  # 74.6% used
        (START + timedelta(days=7, hours=12), YELLOW),  # 75%
        (DEADLINE, YELLOW),
        (DEADLINE + timedelta(seconds=1), RED),
    ],
)
def test_deadline_light(now, light):
    assert deadline_light(start=START, deadline=DEADLINE, now=now) == light


def test_no_deadline_no_light():
    assert deadline_light(start=START, deadline=None, now=START) == ""


@pytest.mark.django_db
def test_complaint_light_uses_the_sign_clock_before_sign_off(world):
    complaint = complaint_in(world, Status.DISPATCHED)
    complaint.clock_started_at = START
    complaint.sign_deadline = START + timedelta(hours=8)
    complaint.handle_deadline = DEADLINE

    assert complaint_light(complaint, START + timedelta(hours=1)) == GREEN
    assert complaint_light(complaint, START + timedelta(hours=9)) == RED  # sign-off late, handling not
    complaint.status = Status.CLOSED
    assert complaint_light(complaint, DEADLINE + timedelta(days=1)) == ""


@pytest.mark.django_db
def test_workbenches_by_role(world):
    assert workbenches_for(world.operator) >= {"operator", "dispatch", "complaints"}
    assert "inbox" not in workbenches_for(world.dispatcher)  # the centre's own unit is no inbox
    assert workbenches_for(world.leader) >= {"inbox", "leader"}
    assert "leader" not in workbenches_for(world.lead)
    assert "grid" in workbenches_for(world.grid_worker) and "inbox" not in workbenches_for(world.grid_worker)
    assert workbenches_for(world.citizen) == frozenset()


@pytest.mark.django_db
def test_queues_deny_by_default(world):
    with pytest.raises(PermissionDeniedError):
        dispatch_tab_list(user=world.lead, tab="queue")
    with pytest.raises(PermissionDeniedError):
        dispatch_tab_list(user=world.dispatcher, tab="no-such-tab")
    with pytest.raises(PermissionDeniedError):
        inbox_tab_list(user=world.dispatcher, tab="sign")
    with pytest.raises(PermissionDeniedError):
        caller_history(user=world.lead, phone="13812345678")
    with pytest.raises(PermissionDeniedError):
        knowledge_search(user=world.grid_worker, query="路灯")


@pytest.mark.django_db
def test_a_co_handler_sees_its_co_work_but_never_signs_it(world):
    complaint = complaint_in(world, Status.DISPATCHED)

    assert complaint in inbox_tab_list(user=world.lead, tab="sign")
    assert complaint not in inbox_tab_list(user=world.co, tab="sign")
    assert complaint in inbox_tab_list(user=world.co, tab="co")
    assert not inbox_tab_list(user=world.other_handler, tab="sign").exists()


@pytest.mark.django_db
def test_knowledge_ranks_title_matches_first(world):
    body = complaint_new(
        world, kind="consult", status=Status.ANSWERED, title="社保问题", answer="医保卡补办流程见社区"
    )
    title = complaint_new(
        world, kind="consult", status=Status.ANSWERED, title="医保卡怎么补办", answer="到社区办理"
    )
    complaint_new(world, status=Status.CLOSED, title="无结果的结案", result="")

    rows = knowledge_search(user=world.operator, query="医保卡补办")

    assert [r.pk for r in rows] == [title.pk, body.pk]
    assert rows[0].reply == "到社区办理"


@pytest.mark.django_db
def test_grid_centre_lies_inside_the_cell(world):
    cells = grid_cells_with_centre(user=world.grid_worker)

    assert [c.code for c in cells] == [world.territory.grid.code]
    assert shape(cells[0].boundary).contains(Point(cells[0].centre_lng, cells[0].centre_lat))
