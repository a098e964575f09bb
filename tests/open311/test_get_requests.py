"""GET requests, one request and tokens: filters, the 90-day window, paging, empty lists, the field
mapping, and no personal data — in XML and JSON, against the spec's schemas."""

from datetime import timedelta

import pytest
from django.utils import timezone

from grievance.models import Complaint, ComplaintEvent, Status
from grievance.services.transitions import complaint_transition
from tests.grievance.factories import ComplaintFactory
from tests.open311.conftest import INSIDE, LAMP, STALL, stall_request
from tests.open311.schemas import (
    ERRORS,
    REQUESTS,
    TOKENS,
    check_json,
    check_xml_list,
)

pytestmark = pytest.mark.django_db
PERSONAL = ("王小明", "13812345678", "xiaoming@example.org", "张三", "13912345678")


def posted(world, api, **overrides) -> Complaint:
    response = api.post("requests.json", stall_request(world, **overrides))
    assert response.status_code == 200, response.content
    return Complaint.objects.get(pk=response.json()[0]["service_request_id"])


def hotline(world, *, days_ago: float = 1, **fields) -> Complaint:
    """A complaint received by the hotline ``days_ago`` days ago (not through Open311)."""
    values = {
        "matter": world.lamp,
        "channel": "hotline",
        "received_at": timezone.now() - timedelta(days=days_ago),
        "lat": INSIDE[0],
        "lng": INSIDE[1],
        "address": "六和路8号",
        "contact_name": "张三",
        "contact_phone": "13912345678",
        "description": "路灯不亮，请联系我13912345678，张三，邮箱 zs@example.org，身份证440310199001011234",
    }
    values.update(fields)
    return ComplaintFactory(**values)


def ids(document) -> list[str]:
    return [item["service_request_id"] for item in document]


def test_list_maps_fields_and_hides_personal_data(world, api):
    complaint = posted(world, api)
    other = hotline(world, title="路灯")
    response = api.get("requests.json")
    assert response.status_code == 200
    document = response.json()
    check_json(document, REQUESTS)
    assert ids(document) == [str(complaint.pk), str(other.pk)]  # newest first
    item = document[0]
    assert item["status"] == "open" and item["service_code"] == STALL and item["service_name"] == "占道经营"
    assert item["description"] == "六和路口有流动摊贩占道经营，影响通行"  # as the partner sent it
    assert item["media_url"] == "https://img.example.org/p/1.jpg"
    assert (item["lat"], item["long"]) == INSIDE
    assert item["address_id"] == "440310001001001"  # the grid cell
    assert item["requested_datetime"].endswith("+08:00")
    assert item["agency_responsible"] is None and item["expected_datetime"] is None  # not dispatched yet
    body = response.content.decode()
    for value in PERSONAL:
        assert value not in body
    hotline_item = document[1]
    assert "139****5678" in hotline_item["description"] and "张*" in hotline_item["description"]
    assert "440310********1234" in hotline_item["description"]
    assert "zs@example.org" not in hotline_item["description"]

    xml = api.get("requests.xml")
    items = check_xml_list(xml.content, "requests")
    assert [i["service_request_id"] for i in items] == ids(document)
    assert items[0]["lat"] == str(INSIDE[0]) and items[0]["status_notes"] is None
    for value in PERSONAL:
        assert value.encode() not in xml.content


def test_empty_lists_in_both_formats(world, api):
    response = api.get("requests.json")
    assert response.status_code == 200 and response.json() == []
    assert check_xml_list(api.get("requests.xml").content, "requests") == []


def test_filters_service_code_status_and_dates(world, api):
    stall = posted(world, api)
    lamp_old = hotline(world, days_ago=30)
    lamp_ancient = hotline(world, days_ago=120)
    closed = hotline(world, days_ago=2)
    Complaint.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())

    assert set(ids(api.get("requests.json").json())) == {str(stall.pk), str(lamp_old.pk), str(closed.pk)}
    assert ids(api.get("requests.json", service_code=STALL).json()) == [str(stall.pk)]
    assert set(ids(api.get("requests.json", service_code=f"{STALL},{LAMP}").json())) == {
        str(stall.pk),
        str(lamp_old.pk),
        str(closed.pk),
    }
    assert ids(api.get("requests.json", status="closed").json()) == [str(closed.pk)]
    assert str(closed.pk) not in ids(api.get("requests.json", status="open").json())
    start = (timezone.now() - timedelta(days=150)).isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert ids(api.get("requests.json", start_date=start, end_date=end).json()) == [str(lamp_ancient.pk)]
    # A "+" sent unescaped arrives as a space: still understood.
    unescaped = (timezone.localtime() - timedelta(days=10)).isoformat(timespec="seconds").replace("+", " ")
    assert str(lamp_old.pk) not in ids(api.get("requests.json", start_date=unescaped).json())


def test_service_request_id_list_overrides_the_other_filters(world, api):
    stall = posted(world, api)
    ancient = hotline(world, days_ago=400)
    document = api.get(
        "requests.json", service_request_id=f"{ancient.pk},{stall.pk},abc,999999", status="closed"
    ).json()
    check_json(document, REQUESTS)
    assert set(ids(document)) == {str(stall.pk), str(ancient.pk)}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},  # > 90 days
        {"start_date": "2026-05-02T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"},  # reversed
        {"start_date": "last week"},
        {"status": "pending"},
        {"page": "0"},
        {"page_size": "5000"},
    ],
)
def test_bad_list_parameters_are_400(world, api, params):
    response = api.get("requests.json", **params)
    assert response.status_code == 400
    check_json(response.json(), ERRORS)
    assert check_xml_list(api.get("requests.xml", **params).content, "errors")[0]["code"] == "400"


def test_paging_extension_and_item_cap(world, api, settings):
    made = [hotline(world, days_ago=d) for d in (1, 2, 3, 4, 5)]
    first = ids(api.get("requests.json", page_size="2").json())
    second = ids(api.get("requests.json", page_size="2", page="2").json())
    assert first == [str(made[0].pk), str(made[1].pk)] and second == [str(made[2].pk), str(made[3].pk)]
    assert api.get("requests.json", page_size="2", page="4").json() == []
    settings.OPEN311 = {**settings.OPEN311, "MAX_ITEMS": 3}
    assert len(api.get("requests.json").json()) == 3  # the default answer is capped


def test_private_complaints_are_not_published(world, api):
    shown = hotline(world)
    hotline(world, psych_referral=True)
    hotline(world, disposition="privacy", status=Status.REFERRED)
    hotline(world, matter=None)  # no service_code
    crisis = hotline(world)
    ComplaintEvent.objects.create(
        complaint=crisis, at=timezone.now(), action="submit", payload={"crisis_signals": ["不想活"]}
    )
    assert ids(api.get("requests.json").json()) == [str(shown.pk)]
    assert api.get(f"requests/{crisis.pk}.json").status_code == 404


def test_one_request_in_both_formats_and_404s(world, api):
    complaint = posted(world, api)
    document = api.get(f"requests/{complaint.pk}.json").json()
    check_json(document, REQUESTS)
    assert len(document) == 1 and document[0]["service_request_id"] == str(complaint.pk)
    items = check_xml_list(api.get(f"requests/{complaint.pk}.xml").content, "requests")
    assert items[0]["service_code"] == STALL
    for missing in ("999999", "abc"):
        response = api.get(f"requests/{missing}.json")
        assert response.status_code == 404
        check_json(response.json(), ERRORS)
        assert api.get(f"requests/{missing}.xml").status_code == 404


def test_dispatched_and_closed_mapping(world, api):
    complaint = hotline(world, received_at=timezone.now() - timedelta(hours=2))
    complaint_transition(complaint_id=complaint.pk, action="dispatch", params={"unit": world.dept.code})
    item = api.get(f"requests/{complaint.pk}.json").json()[0]
    complaint.refresh_from_db()
    assert item["agency_responsible"] == "城市管理局"
    assert item["expected_datetime"] == timezone.localtime(complaint.handle_deadline).isoformat()
    ComplaintEvent.objects.create(
        complaint=complaint, at=timezone.now(), action="submit_result", note="已更换灯泡，联系电话13912345678"
    )
    item = api.get(f"requests/{complaint.pk}.json").json()[0]
    assert item["status_notes"] == "提交办理结果：已更换灯泡，联系电话139****5678"


def test_token_resolves_to_the_request(world, api):
    response = api.post("requests.json", stall_request(world))
    created = response.json()[0]
    document = api.get(f"tokens/{created['token']}.json").json()
    check_json(document, TOKENS)
    assert document == [{"service_request_id": created["service_request_id"], "token": created["token"]}]
    items = check_xml_list(api.get(f"tokens/{created['token']}.xml").content, "tokens")
    assert items[0]["service_request_id"] == created["service_request_id"]
    for token in ("AAAAAAAAAAAA", "short"):
        response = api.get(f"tokens/{token}.json")
        assert response.status_code == 404
        check_json(response.json(), ERRORS)
