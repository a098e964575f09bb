"""The mySociety servicerequestupdates extension: the feed of public progress events (GET) and a
partner's own updates (POST), which are stored and never change the complaint."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grievance.models import Complaint, ComplaintEvent, Status
from grievance.services.transitions import complaint_transition
from open311.models import PartnerUpdate
from open311.services.keys import api_key_create
from tests.open311.conftest import stall_request
from tests.open311.schemas import ERRORS, UPDATE_CREATED, UPDATES, check_json, check_xml_list

pytestmark = pytest.mark.django_db


def posted(world, api) -> Complaint:
    response = api.post("requests.json", stall_request(world))
    assert response.status_code == 200, response.content
    return Complaint.objects.get(pk=response.json()[0]["service_request_id"])


def test_feed_lists_public_progress_events(world, api):
    complaint = posted(world, api)
    complaint_transition(
        complaint_id=complaint.pk, action="dispatch", params={"unit": world.place.community_unit.code}
    )
    complaint_transition(complaint_id=complaint.pk, action="supervise", params={"level": 2})  # internal
    document = api.get("servicerequestupdates.json").json()
    check_json(document, UPDATES)
    assert len(document) == 1  # the submit and supervision events are not progress for partners
    update = document[0]
    event = ComplaintEvent.objects.get(complaint=complaint, action="dispatch")
    assert update == {
        "update_id": str(event.pk),
        "service_request_id": str(complaint.pk),
        "status": "action_scheduled",
        "external_status_code": "dispatched",
        "updated_datetime": timezone.localtime(event.at).isoformat(timespec="seconds"),
        "description": "派单：六和社区工作站",
        "media_url": "",
    }
    items = check_xml_list(api.get("servicerequestupdates.xml").content, "updates")
    assert items[0]["update_id"] == str(event.pk) and items[0]["media_url"] is None


def test_feed_window_since_start_date_and_empty_lists(world, api):
    complaint = posted(world, api)
    old = timezone.now() - timedelta(days=3)
    complaint_transition(
        complaint_id=complaint.pk,
        action="dispatch",
        params={"unit": world.place.community_unit.code},
        now=old,
    )
    assert api.get("servicerequestupdates.json").json() == []  # default: the last 24 hours
    assert check_xml_list(api.get("servicerequestupdates.xml").content, "updates") == []
    since = (timezone.now() - timedelta(days=4)).isoformat()
    assert len(api.get("servicerequestupdates.json", start_date=since).json()) == 1
    response = api.get("servicerequestupdates.json", start_date="2020-01-01T00:00:00+08:00")
    assert response.status_code == 400  # more than 90 days up to now
    check_json(response.json(), ERRORS)


def test_partner_update_is_stored_and_changes_nothing(world, api):
    complaint = posted(world, api)
    data = {
        "api_key": world.raw_key,
        "service_request_id": str(complaint.pk),
        "update_id": "fms-778",
        "status": "CLOSED",
        "description": "市民补充：摊贩晚上七点后又出现",
        "updated_datetime": "2026-05-07T10:00:00+08:00",
        "first_name": "小明",
    }
    response = api.post("servicerequestupdates.json", data)
    assert response.status_code == 200, response.content
    document = response.json()
    check_json(document, UPDATE_CREATED)
    stored = PartnerUpdate.objects.get()
    assert document == [{"update_id": f"p{stored.pk}"}]
    assert stored.status == "closed" and stored.request.complaint == complaint
    assert timezone.localtime(stored.reported_at).isoformat() == "2026-05-07T10:00:00+08:00"
    complaint.refresh_from_db()
    assert complaint.status == Status.SUBMITTED  # a partner never changes the status
    # A retry with the same update_id returns the same update.
    again = api.post("servicerequestupdates.xml", data)
    items = check_xml_list(again.content, "update_created")
    assert items == [{"update_id": f"p{stored.pk}"}] and PartnerUpdate.objects.count() == 1
    # Not in the public feed: partner text is not published.
    assert api.get("servicerequestupdates.json").json() == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_partner_update_errors(world, api, fmt):
    complaint = posted(world, api)
    _other, other_raw = api_key_create(name="别的系统")
    base = {
        "api_key": world.raw_key,
        "service_request_id": str(complaint.pk),
        "status": "OPEN",
        "description": "补充说明",
    }
    cases = [
        ({"api_key": None}, 403),
        ({"api_key": "bad"}, 403),
        ({"api_key": world.revoked_raw}, 403),
        ({"api_key": other_raw}, 404),  # another partner's request
        ({"service_request_id": "999999"}, 404),
        ({"service_request_id": None}, 400),
        ({"status": "burning"}, 400),
        ({"description": None}, 400),
        ({"description": "长" * 4001}, 400),
        ({"updated_datetime": "tomorrow"}, 400),
    ]
    for change, status in cases:
        data = {k: v for k, v in {**base, **change}.items() if v is not None}
        response = api.post(f"servicerequestupdates.{fmt}", data)
        assert response.status_code == status, (change, response.content)
        if fmt == "json":
            check_json(response.json(), ERRORS)
        else:
            assert check_xml_list(response.content, "errors")[0]["code"] == str(status)
    assert not PartnerUpdate.objects.exists()
