"""The complaint API of API.md: submit (anonymous, staff-only fields), detail with masking, list,
actions with 400/403/404/409, attachments, duplicates, support, and the OpenAPI schema."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from grids.models import Unit, UnitKind
from grievance.models import Complaint, ComplaintEvent, Status
from grievance.services.routing import routing_index_clear
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import (
    MatterFactory,
    Territory,
    UnitFactory,
    UserFactory,
    membership,
    territory,
)

URL = "/api/v1/complaints/"
from tests.security.images import PNG  # noqa: E402  (a real image: uploads are re-encoded)

DETAIL_KEYS = {
    "id", "tracking_code", "status", "kind", "title", "description", "matter", "urgency", "channel",
    "grid", "community", "street", "lead_unit", "co_units", "received_at", "sign_deadline",
    "handle_deadline", "deadline_estimated", "supervision_level", "overdue", "satisfaction", "resolved",
    "events", "allowed_actions", "contact_name", "contact_phone",
}  # fmt: skip


@pytest.fixture(autouse=True)
def clean_state(settings, tmp_path):
    cache.clear()  # anonymous throttling counts per address across tests
    routing_index_clear()
    settings.MEDIA_ROOT = tmp_path


@dataclass
class World:
    place: Territory
    dept: Unit
    other_dept: Unit
    dispatcher: User
    operator: User
    supervisor: User
    citizen: User
    other_citizen: User
    street_handler: User
    district_handler: User
    other_handler: User


@pytest.fixture
def world(db) -> World:
    place = territory()
    dept = UnitFactory(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT)
    other = UnitFactory(code="PS-ZJ", name="住房和建设局", kind=UnitKind.DEPARTMENT)
    MatterFactory.leaf(name="路灯维修", keywords="路灯", unit=dept, code="L-LAMP")
    street_handler = UserFactory(username="h-street", role=Role.HANDLER)
    membership(street_handler, place.street_unit)
    district_handler = UserFactory(username="h-district", role=Role.HANDLER)
    membership(district_handler, place.district_unit)
    other_handler = UserFactory(username="h-other", role=Role.HANDLER)
    membership(other_handler, other)
    return World(
        place=place,
        dept=dept,
        other_dept=other,
        dispatcher=UserFactory(username="dispatcher", role=Role.DISPATCHER),
        operator=UserFactory(username="operator", role=Role.OPERATOR),
        supervisor=UserFactory(username="supervisor", role=Role.SUPERVISOR),
        citizen=UserFactory(username="citizen1", role=Role.CITIZEN),
        other_citizen=UserFactory(username="citizen2", role=Role.CITIZEN),
        street_handler=street_handler,
        district_handler=district_handler,
        other_handler=other_handler,
    )


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def body(world: World, **overrides) -> dict:
    lat, lng = world.place.inside
    data = {
        "title": "路灯不亮",
        "description": "六和社区门口路灯坏了",
        "kind": "complaint",
        "lat": lat,
        "lng": lng,
        "contact_name": "王小明",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def dispatched_to_street(world: World) -> Complaint:
    """The citizen's complaint, dispatched by the centre to the street office (copied to the district)."""
    response = client_for(world.citizen).post(URL, body(world), format="json")
    assert response.status_code == 201, response.json()
    return complaint_transition(
        complaint_id=response.json()["id"],
        action="dispatch",
        actor=world.dispatcher,
        params={"unit": "PS-PSJD"},
    )


# --- submit ----------------------------------------------------------------------------------------


def test_anonymous_submit_gets_201_with_tracking_code(world):
    response = client_for(None).post(URL, body(world, anonymous=False), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "submitted" and len(data["tracking_code"]) == 12
    complaint = Complaint.objects.get(pk=data["id"])
    assert complaint.tracking_code == data["tracking_code"] and complaint.citizen is None
    assert complaint.grid == world.place.grid and complaint.channel == "web"
    assert data["contact_phone"] == "138****5678"  # an anonymous caller reads nothing unmasked


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"description": "长" * 4001}, "description"),
        ({"kind": "rant"}, "kind"),
        ({"matter": "NOPE"}, "matter"),
        ({"lat": 95}, "lat"),
        ({"lat": None, "lng": None}, "location"),
        ({"contact_phone": "abc"}, "contact_phone"),
        ({"enterprise_credit_code": "91350100M000100Y44"}, "enterprise_credit_code"),
        ({"channel": "hotline"}, "channel"),
    ],
)
def test_bad_input_is_400_with_the_field_and_writes_nothing(world, overrides, field):
    response = client_for(None).post(URL, body(world, **overrides), format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["message"] and field in data["errors"], data
    assert Complaint.objects.count() == 0 and ComplaintEvent.objects.count() == 0


def test_non_object_body_is_400(world):
    response = client_for(None).post(URL, ["title"], format="json")
    assert response.status_code == 400


def test_received_at_only_for_operators(world):
    call = (timezone.now() - timedelta(days=2)).isoformat()
    refused = client_for(world.citizen).post(URL, body(world, received_at=call), format="json")
    assert refused.status_code == 400 and "received_at" in refused.json()["errors"]
    accepted = client_for(world.operator).post(URL, body(world, received_at=call), format="json")
    assert accepted.status_code == 201
    complaint = Complaint.objects.get(pk=accepted.json()["id"])
    assert complaint.received_at < timezone.now() - timedelta(days=1)
    assert complaint.channel == "hotline"


def test_channel_only_for_staff(world):
    refused = client_for(world.citizen).post(URL, body(world, channel="grid"), format="json")
    assert refused.status_code == 400 and "channel" in refused.json()["errors"]
    accepted = client_for(world.operator).post(URL, body(world, channel="wechat"), format="json")
    assert accepted.status_code == 201 and accepted.json()["channel"] == "wechat"


# --- detail and masking ----------------------------------------------------------------------------


def test_detail_has_the_api_md_shape(world):
    complaint = dispatched_to_street(world)
    response = client_for(world.street_handler).get(f"{URL}{complaint.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= DETAIL_KEYS
    assert data["lead_unit"] == "PS-PSJD" and data["street"] == world.place.street.code
    assert [e["action"] for e in data["events"]] == ["submit", "dispatch"]
    assert set(data["events"][0]) >= {"at", "actor", "action", "from_status", "to_status", "note"}
    assert "sign" in data["allowed_actions"]
    assert data["overdue"] is False and data["handle_deadline"]


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("street_handler", True),
        ("dispatcher", True),
        ("operator", True),
        ("district_handler", False),  # copied, not handling
        ("supervisor", False),
        ("citizen", False),
    ],
)
def test_contact_visible_only_to_handling_unit_and_centre(world, who, visible):
    complaint = dispatched_to_street(world)
    data = client_for(getattr(world, who)).get(f"{URL}{complaint.pk}/").json()
    expected = ("王小明", "13812345678") if visible else ("王**", "138****5678")
    assert (data["contact_name"], data["contact_phone"]) == expected


def test_outsiders_get_404_and_anonymous_401_or_403(world):
    complaint = dispatched_to_street(world)
    for outsider in (world.other_handler, world.other_citizen):
        response = client_for(outsider).get(f"{URL}{complaint.pk}/")
        assert response.status_code == 404 and response.json()["message"]
    assert client_for(None).get(f"{URL}{complaint.pk}/").status_code in (401, 403)
    assert client_for(world.dispatcher).get(f"{URL}abc/").status_code == 404


def test_citizen_sees_public_events_without_staff_names(world):
    complaint = dispatched_to_street(world)
    complaint_transition(complaint_id=complaint.pk, action="psych_refer", actor=world.dispatcher)
    data = client_for(world.citizen).get(f"{URL}{complaint.pk}/").json()
    assert [e["action"] for e in data["events"]] == ["submit", "dispatch"]
    assert all(e["actor"] != "用户dispatcher" for e in data["events"])
    assert data["psych_referral"] is None
    staff = client_for(world.dispatcher).get(f"{URL}{complaint.pk}/").json()
    assert "psych_refer" in [e["action"] for e in staff["events"]] and staff["psych_referral"] is True


# --- list ------------------------------------------------------------------------------------------


def test_list_shows_own_complaints_masked_and_paginated(world):
    mine = dispatched_to_street(world)
    client_for(world.other_citizen).post(URL, body(world, contact_phone="13987654321"), format="json")
    data = client_for(world.citizen).get(URL).json()
    assert set(data) >= {"count", "next", "previous", "results"}
    assert [row["id"] for row in data["results"]] == [mine.pk]
    centre = client_for(world.dispatcher).get(URL, {"status": "dispatched"}).json()
    assert [row["id"] for row in centre["results"]] == [mine.pk]
    assert centre["results"][0]["contact_phone"] == "138****5678"  # lists always mask
    assert client_for(world.dispatcher).get(URL, {"overdue": "true"}).json()["count"] == 0
    assert client_for(world.dispatcher).get(URL, {"unit": "PS-PSJD"}).json()["count"] == 1


def test_list_bad_filter_is_400(world):
    response = client_for(world.dispatcher).get(URL, {"status": "lost"})
    assert response.status_code == 400 and "status" in response.json()["errors"]


# --- actions ---------------------------------------------------------------------------------------


def test_action_paths_200_409_403_400_404(world):
    complaint = dispatched_to_street(world)
    url = f"{URL}{complaint.pk}/actions/"
    handler = client_for(world.street_handler)
    signed = handler.post(url, {"action": "sign"}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "in_progress"
    assert handler.post(url, {"action": "sign"}, format="json").status_code == 409
    assert client_for(world.dispatcher).post(url, {"action": "sign"}, format="json").status_code == 403
    assert client_for(world.supervisor).post(url, {"action": "close"}, format="json").status_code == 403
    missing = handler.post(url, {"action": "request_extension", "reason": "材料未齐"}, format="json")
    assert missing.status_code == 400 and "days" in missing.json()["errors"]
    assert handler.post(url, {"action": "fly"}, format="json").status_code == 400
    assert handler.post(url, {}, format="json").status_code == 400
    assert client_for(world.other_handler).post(url, {"action": "sign"}, format="json").status_code == 404


def test_return_answers_200_even_though_the_unit_no_longer_sees_it(world):
    complaint = dispatched_to_street(world)
    url = f"{URL}{complaint.pk}/actions/"
    response = client_for(world.street_handler).post(
        url, {"action": "return", "reason": "不属于本街道"}, format="json"
    )
    assert response.status_code == 200 and response.json()["id"] == complaint.pk
    complaint.refresh_from_db()
    assert complaint.status == Status.PENDING_DISPATCH


# --- attachments -----------------------------------------------------------------------------------


def test_upload_and_download_attachment(world):
    complaint = dispatched_to_street(world)
    url = f"{URL}{complaint.pk}/attachments/"
    uploaded = client_for(world.citizen).post(
        url, {"file": SimpleUploadedFile("现场.png", PNG, content_type="image/png")}, format="multipart"
    )
    assert uploaded.status_code == 201, uploaded.json()
    item = uploaded.json()
    assert item["content_type"] == "image/png" and item["name"] == "现场.png"
    download = client_for(world.street_handler).get(item["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\x89PNG\r\n\x1a\n")  # re-encoded on upload: a PNG, not the same bytes
    assert client_for(world.other_citizen).get(item["url"]).status_code == 404
    detail = client_for(world.street_handler).get(f"{URL}{complaint.pk}/").json()
    assert [a["id"] for a in detail["attachments"]] == [item["id"]]


def test_fake_png_upload_is_400(world):
    complaint = dispatched_to_street(world)
    fake = SimpleUploadedFile("photo.png", b"this is text", content_type="image/png")
    response = client_for(world.citizen).post(
        f"{URL}{complaint.pk}/attachments/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_upload_refused_to_readers_without_a_role(world):
    complaint = dispatched_to_street(world)
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    url = f"{URL}{complaint.pk}/attachments/"
    assert client_for(world.supervisor).post(url, {"file": photo}, format="multipart").status_code == 403


# --- duplicates, similar, support ------------------------------------------------------------------


def test_duplicates_for_the_centre_similar_and_support_for_citizens(world):
    first = client_for(world.citizen).post(URL, body(world, matter="L-LAMP"), format="json").json()
    second = (
        client_for(world.other_citizen)
        .post(URL, body(world, matter="L-LAMP", contact_phone="13987654321"), format="json")
        .json()
    )
    duplicates = client_for(world.dispatcher).get(f"{URL}{second['id']}/duplicates/")
    assert duplicates.status_code == 200
    assert [row["id"] for row in duplicates.json()["results"]] == [first["id"]]
    assert client_for(world.other_citizen).get(f"{URL}{second['id']}/duplicates/").status_code == 403

    lat, lng = world.place.inside
    similar = client_for(None).post(
        f"{URL}similar/",
        {
            "title": "路灯不亮",
            "description": "六和社区门口路灯坏了",
            "lat": lat,
            "lng": lng,
            "matter": "L-LAMP",
        },
        format="json",
    )
    assert similar.status_code == 200
    rows = similar.json()["results"]
    assert {row["id"] for row in rows} == {first["id"], second["id"]}
    assert "13812345678" not in similar.content.decode() and "tracking_code" not in rows[0]

    supported = client_for(None).post(
        f"{URL}{first['id']}/support/",
        {"contact_name": "路人", "contact_phone": "13655556666"},
        format="json",
    )
    assert supported.status_code == 201 and supported.json() == {"support_count": 1}
    again = client_for(None).post(
        f"{URL}{first['id']}/support/", {"contact_phone": "13655556666"}, format="json"
    )
    assert again.status_code == 409


def test_schema_documents_the_complaint_endpoints(world):
    response = client_for(None).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    for path in (
        "/api/v1/complaints/",
        "/api/v1/complaints/{complaint_id}/actions/",
        "/api/v1/track/{tracking_code}/",
    ):
        assert path in (paths or text)
    assert "/api/v1/routing/suggest/" in (paths or text)
