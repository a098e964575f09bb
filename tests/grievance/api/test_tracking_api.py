"""Public tracking by code (no personal data, no people's names, same 404 for unknown and malformed
codes) and the citizen's rating (once, only after a result)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Role
from grids.models import UnitKind
from grievance.models import Complaint, Status
from grievance.services.routing import routing_index_clear
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import MatterFactory, UnitFactory, UserFactory, membership, territory

NAME, PHONE = "王小明", "13812345678"


@pytest.fixture(autouse=True)
def clean_state():
    cache.clear()
    routing_index_clear()


@pytest.fixture
def world(db):
    place = territory()
    dept = UnitFactory(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT)
    MatterFactory.leaf(name="路灯维修", unit=dept, code="L-LAMP")
    handler = UserFactory(username="h-cg-secret-name", role=Role.HANDLER, display_name="经办人老李")
    membership(handler, dept)
    return {"place": place, "dept": dept, "handler": handler}


@pytest.fixture
def submitted(world) -> dict:
    lat, lng = world["place"].inside
    response = APIClient().post(
        "/api/v1/complaints/",
        {
            "title": "路灯坏了",
            "description": f"我是{NAME}，电话{PHONE}，身份证440310199001011234",
            "kind": "complaint",
            "matter": "L-LAMP",
            "lat": lat,
            "lng": lng,
            "contact_name": NAME,
            "contact_phone": PHONE,
        },
        format="json",
    )
    assert response.status_code == 201
    return response.json()


def handled(complaint_id: int, handler) -> None:
    """Dispatch, sign and report a result (with the citizen's name and phone in the text)."""
    complaint_transition(complaint_id=complaint_id, action="dispatch", params={"unit": "PS-CG"})
    complaint_transition(complaint_id=complaint_id, action="sign", actor=handler)
    complaint_transition(
        complaint_id=complaint_id,
        action="submit_result",
        actor=handler,
        params={"result": f"已联系{NAME}（{PHONE}），路灯已修复"},
    )


def track(code: str):
    return APIClient().get(f"/api/v1/track/{code}/")


def test_tracking_shows_status_and_timeline_without_personal_data(world, submitted):
    handled(submitted["id"], world["handler"])
    response = track(submitted["tracking_code"])
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "handled" and data["kind"] == "complaint" and data["title"] == "路灯坏了"
    assert data["received_at"] and data["handle_deadline"]
    assert [e["action"] for e in data["timeline"]] == ["submit", "dispatch", "sign", "submit_result"]
    assert [e["unit"] for e in data["timeline"]][1:] == ["城市管理局"] * 3
    assert "路灯已修复" in data["result"]
    text = response.content.decode()
    for secret in (NAME, PHONE, "440310199001011234", "h-cg-secret-name", "经办人老李", "description"):
        assert secret not in text, secret


def test_unknown_and_malformed_codes_get_the_same_404(world, submitted):
    unknown, malformed = track("ZZZZZZZZZZZZ"), track("not-a-code!")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.json() == malformed.json()


def test_code_is_read_case_insensitively(world, submitted):
    assert track(submitted["tracking_code"].lower()).status_code == 200


def rate(code: str, **body):
    data = {"resolved": True, "satisfaction": "satisfied", "comment": "谢谢"} | body
    return APIClient().post(f"/api/v1/track/{code}/rate/", data, format="json")


def test_rating_only_after_a_result_and_only_once(world, submitted):
    code = submitted["tracking_code"]
    early = rate(code)
    assert early.status_code == 409
    handled(submitted["id"], world["handler"])
    assert rate(code, satisfaction="great").status_code == 400
    first = rate(code, resolved=False, satisfaction="unsatisfied")
    assert first.status_code == 200 and first.json()["rated"] is True and first.json()["can_rate"] is False
    assert rate(code).status_code == 409
    complaint = Complaint.objects.get(pk=submitted["id"])
    assert (complaint.resolved, complaint.satisfaction, complaint.status) == (
        False,
        "unsatisfied",
        Status.HANDLED,
    )
    assert complaint.citizen_rated_at is not None
    rate_event = complaint.events.get(action="rate")
    assert rate_event.from_status == rate_event.to_status == "handled"
    assert "rate" not in [e["action"] for e in track(code).json()["timeline"]]


def test_rating_an_unknown_code_is_404(db):
    assert rate("ZZZZZZZZZZZZ").status_code == 404
