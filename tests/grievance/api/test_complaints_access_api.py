"""Every complaint endpoint refuses those who should not reach it — a handler of another unit, another
citizen, an anonymous caller — and masks contact details as API.md says."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from grievance.models import Attachment, ComplaintEvent, Status
from tests.grievance.actors import actors, complaint_in

URL = "/api/v1/complaints/"
from tests.security.images import PNG  # noqa: E402  (a real image: uploads are re-encoded)

OUTSIDERS = ["other_handler", "other_citizen", "other_grid_worker", "street_handler"]


@pytest.fixture(autouse=True)
def clean_state(settings, tmp_path):
    cache.clear()  # anonymous throttling counts per address
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(db):
    return actors()


@pytest.fixture
def complaint(people):
    """citizen1's complaint in grid 1: the community leads (signed), department B co-handles."""
    return complaint_in(people, Status.IN_PROGRESS, contact_name="王小明", contact_phone="13812345678")


@pytest.fixture
def attachment(people, complaint) -> Attachment:
    response = client_for(people.lead).post(
        f"{URL}{complaint.pk}/attachments/", {"file": SimpleUploadedFile("现场.png", PNG)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    return Attachment.objects.get(pk=response.json()["id"])


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _requests(complaint, attachment):
    base = f"{URL}{complaint.pk}/"
    upload = {"file": SimpleUploadedFile("x.png", PNG)}
    return [
        ("get", base, None, None),
        ("post", f"{base}actions/", {"action": "submit_result", "result": "已办"}, "json"),
        ("post", f"{base}actions/", {"action": "sign"}, "json"),
        ("get", f"{base}attachments/", None, None),
        ("post", f"{base}attachments/", upload, "multipart"),
        ("get", f"{base}attachments/{attachment.pk}/", None, None),
        ("get", f"{base}duplicates/", None, None),
    ]


def _call(client, method, url, data, fmt):
    return (
        getattr(client, method)(url, data, format=fmt) if data is not None else getattr(client, method)(url)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_complaint_endpoint_and_change_nothing(people, complaint, attachment, who):
    client = client_for(getattr(people, who))
    events = ComplaintEvent.objects.filter(complaint=complaint).count()
    for method, url, data, fmt in _requests(complaint, attachment):
        response = _call(client, method, url, data, fmt)
        assert response.status_code == 404, (method, url, response.status_code)
        assert set(response.json()) == {"message", "errors"}
        assert "王小明" not in response.content.decode() and "13812345678" not in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events
    assert Attachment.objects.filter(complaint=complaint).count() == 1


@pytest.mark.django_db
def test_anonymous_callers_are_refused_on_every_complaint_endpoint(people, complaint, attachment):
    client = client_for(None)
    for method, url, data, fmt in [*_requests(complaint, attachment), ("get", URL, None, None)]:
        response = _call(client, method, url, data, fmt)
        assert response.status_code in (401, 403), (method, url, response.status_code)
        assert "王小明" not in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_lists_do_not_contain_it(people, complaint, who):
    response = client_for(getattr(people, who)).get(URL)
    assert response.status_code == 200
    assert complaint.pk not in [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_readers_without_a_role_on_the_action_get_403(people, complaint):
    for who, action in [
        ("supervisor", "close"),
        ("grid_worker", "submit_result"),
        ("citizen", "dispatch"),
        ("co", "submit_result"),
        ("leader", "approve_extension"),
    ]:
        response = client_for(getattr(people, who)).post(
            f"{URL}{complaint.pk}/actions/", {"action": action, "result": "x", "unit": "PS-CG"}, format="json"
        )
        assert response.status_code == 403, (who, action, response.json())
    response = client_for(people.lead).post(
        f"{URL}{complaint.pk}/actions/", {"action": "submit_result", "result": "已修复"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == Status.HANDLED


@pytest.mark.django_db
def test_insiders_reach_the_endpoints(people, complaint, attachment):
    # Uploads are re-encoded: everyone gets the stored image, a PNG, not the uploaded bytes.
    with attachment.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert stored.startswith(b"\x89PNG")
    for who in ("lead", "co", "grid_worker", "citizen", "supervisor", "dispatcher"):
        client = client_for(getattr(people, who))
        assert client.get(f"{URL}{complaint.pk}/").status_code == 200, who
        assert client.get(f"{URL}{complaint.pk}/attachments/").status_code == 200, who
        download = client.get(f"{URL}{complaint.pk}/attachments/{attachment.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == stored, who
        assert complaint.pk in [row["id"] for row in client.get(URL).json()["results"]], who


MASKED = ("王**", "138****5678")
PLAIN = ("王小明", "13812345678")
CONTACT = {
    "dispatcher": PLAIN,
    "operator": PLAIN,
    "lead": PLAIN,
    "leader": PLAIN,
    "co": PLAIN,
    "supervisor": MASKED,
    "admin": MASKED,
    "grid_worker": MASKED,
    "citizen": MASKED,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "expected"), sorted(CONTACT.items()))
def test_contact_is_masked_for_everyone_but_the_handling_units_and_the_centre(
    people, complaint, who, expected
):
    client = client_for(getattr(people, who))
    detail = client.get(f"{URL}{complaint.pk}/").json()
    assert (detail["contact_name"], detail["contact_phone"]) == expected
    rows = [r for r in client.get(URL).json()["results"] if r["id"] == complaint.pk]
    assert [(r["contact_name"], r["contact_phone"]) for r in rows] == [MASKED]  # lists: always masked


@pytest.mark.django_db
def test_allowed_actions_in_the_detail_follow_the_caller(people, complaint):
    def offered(who) -> list[str]:
        return client_for(getattr(people, who)).get(f"{URL}{complaint.pk}/").json()["allowed_actions"]

    assert offered("supervisor") == []
    assert offered("citizen") == ["withdraw"]
    assert "submit_result" in offered("lead") and "submit_result" not in offered("co")
    assert "warn" not in offered("dispatcher") and "approve_extension" in offered("dispatcher")
