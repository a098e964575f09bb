"""API-level refusals (issue 3, "Done when"): a handler of another unit, another citizen, a grid worker
of another grid and an anonymous caller are refused on every complaint endpoint, with the error shape
and without a byte of the complaint; people who may read are refused the actions that are not theirs;
contact details are masked where API.md says.

The selectors' visibility rules are tested in tests/grievance/selectors/; this walks the endpoints.
No worker is needed: the complaint is dispatched through the API by the dispatcher, inside the test's
transaction (``db``), so no routing task is ever queued.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grievance.workflow import ACTIONS
from tests.integration.conftest import api_as, world_build

pytestmark = pytest.mark.integration

URL = "/api/v1/complaints/"
from tests.security.images import PNG  # noqa: E402  (a real image: uploads are re-encoded)

PHONE, MASKED_PHONE = "13812345678", "138****5678"
OUTSIDERS = ("lead", "street_handler", "other_grid_worker", "other_citizen")  # nothing on this complaint


@pytest.fixture
def case(db, settings, tmp_path):
    """The citizen's lamp complaint in ``territory.grid``, dispatched by the centre to PS-CG (lead,
    handler ``other_handler``) with PS-ZJ co-handling (``co``), with one photo uploaded by the lead."""
    w = world_build(settings, tmp_path)
    lat, lng = w.territory.inside
    body = {
        "title": "路灯不亮",
        "description": "门口路灯坏了",
        "kind": "complaint",
        "matter": "L-LAMP",
        "lat": lat,
        "lng": lng,
        "contact_name": "王小明",
        "contact_phone": PHONE,
    }
    created = api_as(w.citizen).post(URL, body)
    assert created.status_code == 201, created.json()
    complaint = created.json()
    dispatched = api_as(w.dispatcher).act(complaint["id"], "dispatch", unit="PS-CG", co_units=["PS-ZJ"])
    assert dispatched.status_code == 200, dispatched.json()
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    lead = api_as(w.other_handler)
    upload = lead.client.post(f"{URL}{complaint['id']}/attachments/", {"file": photo}, format="multipart")
    assert upload.status_code == 201, upload.json()
    return w, complaint, upload.json()


def endpoints(complaint: dict, attachment: dict) -> list[tuple[str, str, dict | None]]:
    base = f"{URL}{complaint['id']}"
    calls = [
        ("get", f"{base}/", None),
        ("get", f"{base}/attachments/", None),
        (
            "post",
            f"{base}/attachments/",
            {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")},
        ),
        ("get", attachment["url"], None),
        ("get", f"{base}/duplicates/", None),
    ]
    calls += [("post", f"{base}/actions/", {"action": action, "reason": "x"}) for action in ACTIONS]
    return calls


def call(session, method: str, path: str, data):
    if method == "get":
        return session.client.get(path)
    if data is not None and "file" in data:
        return session.client.post(path, data, format="multipart")
    return session.client.post(path, data, format="json")


def leaks(response, complaint: dict) -> bool:
    content = response.content.decode(errors="replace")
    return any(secret in content for secret in (complaint["tracking_code"], PHONE, MASKED_PHONE, "王"))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_endpoint_and_an_empty_list(case, who):
    w, complaint, attachment = case
    session = api_as(getattr(w, who))
    for method, path, data in endpoints(complaint, attachment):
        response = call(session, method, path, data)
        assert response.status_code == 404, (method, path, data, response.status_code)
        assert response.json()["message"] and not leaks(response, complaint), (path, response.content)
    listed = session.get(URL).json()
    assert complaint["id"] not in [row["id"] for row in listed["results"]]


def test_anonymous_callers_are_refused_everywhere_but_submission_and_tracking(case):
    _world, complaint, attachment = case
    anonymous = api_as(None)
    for method, path, data in [*endpoints(complaint, attachment), ("get", URL, None)]:
        response = call(anonymous, method, path, data)
        assert response.status_code in (401, 403), (method, path, data, response.status_code)
        assert response.json()["message"] and not leaks(response, complaint), (path, response.content)
    tracked = anonymous.get(f"/api/v1/track/{complaint['tracking_code']}/")
    assert tracked.status_code == 200
    content = tracked.content.decode()
    assert PHONE not in content and MASKED_PHONE not in content and "王小明" not in content


@pytest.mark.parametrize(
    ("who", "actions"),
    [
        ("supervisor", ACTIONS),  # reads everything, acts on nothing
        ("citizen", ("sign", "submit_result", "dispatch", "verify", "close", "return_visit")),
        ("co", ("sign", "return", "submit_result", "request_extension", "escalate")),
        ("grid_worker", ("sign", "dispatch", "submit_result", "return_visit", "close")),
        ("operator", ("sign", "dispatch", "approve_extension", "reopen", "close", "merge")),
        ("other_handler", ("dispatch", "approve_extension", "close", "merge", "verify", "co_reply")),
    ],
)
def test_readers_are_refused_actions_that_are_not_theirs(case, who, actions):
    w, complaint, _attachment = case
    session = api_as(getattr(w, who))
    assert session.detail(complaint["id"]).status_code == 200
    for action in actions:
        response = session.act(complaint["id"], action, reason="x", unit="PS-ZJ", into=complaint["id"])
        assert response.status_code == 403, (who, action, response.json())
        assert response.json()["message"]
    assert session.detail(complaint["id"]).json()["status"] == "dispatched"  # nothing happened


def test_only_the_centre_reads_merge_candidates(case):
    w, complaint, _attachment = case
    for who in ("other_handler", "co", "supervisor", "grid_worker", "citizen"):
        response = api_as(getattr(w, who)).get(f"{URL}{complaint['id']}/duplicates/")
        expected = 200 if who == "supervisor" else 403  # the supervisor reads all (read-only)
        assert response.status_code == expected, (who, response.json())


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("dispatcher", True),
        ("operator", True),
        ("other_handler", True),  # the lead unit
        ("co", True),  # a co-handling unit
        ("supervisor", False),
        ("grid_worker", False),
        ("citizen", False),  # even their own, as shown back
    ],
)
def test_contact_masked_except_for_the_centre_and_handling_units(case, who, visible):
    w, complaint, _attachment = case
    session = api_as(getattr(w, who))
    detail = session.detail(complaint["id"]).json()
    assert (detail["contact_name"], detail["contact_phone"]) == (
        ("王小明", PHONE) if visible else ("王**", MASKED_PHONE)
    )
    rows = session.get(URL).json()["results"]
    row = next(r for r in rows if r["id"] == complaint["id"])
    assert (row["contact_name"], row["contact_phone"]) == ("王**", MASKED_PHONE)  # lists always mask
