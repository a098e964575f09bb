"""End to end (issue 8, "Done when"): a request posted through Open311 is routed and dispatched in our
lifecycle, handled, verified and closed by a satisfied return visit, and Open311 then shows it closed
with notes — once with routing called directly, once with a real Celery worker routing it."""

import pytest

from accounts.models import Role
from grids.models import UnitKind, UnitRole
from grievance.models import Complaint, Status
from grievance.services.routing import complaint_route
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import UnitFactory, UserFactory, membership
from tests.integration.conftest import celery_worker_process, wait_until  # noqa: F401 (fixture)
from tests.open311.conftest import STALL, stall_request, world_build
from tests.open311.schemas import REQUESTS, UPDATES, check_json, check_xml_list


def people(world):
    handler = UserFactory(username="h-lhsq", role=Role.HANDLER)
    membership(handler, world.place.community_unit)
    centre = UnitFactory(code="PS-ZHZX", name="区指挥中心", kind=UnitKind.CENTRE)
    dispatcher = UserFactory(username="dispatcher", role=Role.DISPATCHER)
    membership(dispatcher, centre, UnitRole.DISPATCHER)
    return handler, dispatcher


def handle_and_close(complaint_id: int, handler, dispatcher) -> None:
    complaint_transition(complaint_id=complaint_id, action="sign", actor=handler)
    complaint_transition(
        complaint_id=complaint_id,
        action="submit_result",
        actor=handler,
        params={"result": "已劝离流动摊贩，并安排每日巡查，举报人电话13812345678"},
    )
    complaint_transition(
        complaint_id=complaint_id,
        action="verify",
        actor=dispatcher,
        params={"passed": True, "note": "已核实"},
    )
    complaint_transition(
        complaint_id=complaint_id,
        action="return_visit",
        actor=dispatcher,
        params={"resolved": True, "satisfaction": "satisfied", "note": "市民表示满意"},
    )


def assert_closed_with_notes(api, complaint_id: int) -> None:
    document = api.get(f"requests/{complaint_id}.json").json()
    check_json(document, REQUESTS)
    item = document[0]
    assert item["status"] == "closed"
    assert item["status_notes"] == "提交办理结果：已劝离流动摊贩，并安排每日巡查，举报人电话138****5678"
    assert item["agency_responsible"] == "六和社区工作站"
    assert item["expected_datetime"] is not None and item["updated_datetime"] is not None
    xml = check_xml_list(api.get(f"requests/{complaint_id}.xml").content, "requests")
    assert xml[0]["status"] == "closed" and xml[0]["status_notes"] == item["status_notes"]
    feed = api.get("servicerequestupdates.json").json()
    check_json(feed, UPDATES)
    mine = [u for u in feed if u["service_request_id"] == str(complaint_id)]
    assert [u["status"] for u in mine] == ["action_scheduled", "in_progress", "in_progress", "fixed", "fixed"]
    assert mine[0]["description"] == "派单：六和社区工作站"


@pytest.mark.django_db
def test_open311_request_through_the_lifecycle(world, api):
    handler, dispatcher = people(world)
    response = api.post("requests.json", stall_request(world))
    assert response.status_code == 200, response.content
    complaint_id = int(response.json()[0]["service_request_id"])
    complaint = Complaint.objects.get(pk=complaint_id)
    assert complaint.channel == "open311" and complaint.client_name == "随手拍"
    assert complaint.matter.code == STALL

    complaint_route(complaint_id=complaint_id)  # what the routing task does on commit
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPATCHED
    assert complaint.lead_unit == world.place.community_unit  # COMMUNITY rule at the posted point
    item = api.get(f"requests/{complaint_id}.json").json()[0]
    assert item["status"] == "open" and item["agency_responsible"] == "六和社区工作站"

    handle_and_close(complaint_id, handler, dispatcher)
    assert Complaint.objects.get(pk=complaint_id).status == Status.CLOSED
    assert_closed_with_notes(api, complaint_id)


@pytest.mark.integration
def test_open311_request_routed_by_a_real_worker(transactional_db, settings, celery_worker_process):  # noqa: F811
    from tests.open311.conftest import Api

    world = world_build()
    handler, dispatcher = people(world)
    api = Api()
    response = api.post("requests.json", stall_request(world))
    assert response.status_code == 200, response.content
    complaint_id = int(response.json()[0]["service_request_id"])
    wait_until(
        lambda: Complaint.objects.filter(pk=complaint_id, status=Status.DISPATCHED).exists(),
        timeout=30,
        message="the worker to dispatch the Open311 request",
    )
    handle_and_close(complaint_id, handler, dispatcher)
    assert_closed_with_notes(api, complaint_id)
