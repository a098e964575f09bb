"""POST requests: a partner's request becomes a complaint (channel open311, client name = the key's
name); every error in both formats; the classic Python client's quirks; the per-key rate limit."""

import pytest

from grievance.models import Channel, Complaint, ComplaintEvent, Status
from open311.models import ApiKey, Open311Request
from tests.open311.conftest import INSIDE, LAMP, STALL, stall_request
from tests.open311.schemas import ERRORS, REQUESTS_CREATED, check_json, check_xml_list

pytestmark = pytest.mark.django_db


def test_post_json_creates_the_complaint(world, api):
    response = api.post("requests.json", stall_request(world, **{"attribute[stall_count]": "3"}))
    assert response.status_code == 200, response.content
    document = response.json()
    check_json(document, REQUESTS_CREATED)
    created = document[0]
    complaint = Complaint.objects.get(pk=int(created["service_request_id"]))
    assert created["token"] == complaint.tracking_code
    assert complaint.tracking_code in created["service_notice"]
    assert created["account_id"] is None

    assert complaint.channel == Channel.OPEN311 and complaint.client_name == "随手拍"
    assert complaint.status == Status.SUBMITTED and complaint.matter.code == STALL
    assert (complaint.lat, complaint.lng) == INSIDE
    assert complaint.grid.code == "440310001001001" and complaint.community.code == "440310001001"
    assert complaint.contact_name == "王小明" and complaint.contact_phone == "13812345678"
    assert not complaint.anonymous
    assert complaint.kind == "complaint" and complaint.title.startswith("占道经营：")
    # The handling unit reads the answers in the description; the partner's text is kept as sent.
    assert complaint.description.startswith("六和路口有流动摊贩占道经营，影响通行\n\n【Open311 补充信息】")
    assert "占道经营类型：流动摊贩" in complaint.description and "摊点数量：3" in complaint.description
    link = Open311Request.objects.get(complaint=complaint)
    assert link.api_key == world.key and link.description == "六和路口有流动摊贩占道经营，影响通行"
    assert link.attributes == {"stall_type": "mobile", "stall_count": 3.0}
    assert link.media_url == "https://img.example.org/p/1.jpg" and link.email == "xiaoming@example.org"
    submit = ComplaintEvent.objects.get(complaint=complaint, action="submit")
    assert submit.payload["channel"] == "open311"
    assert ApiKey.objects.get(pk=world.key.pk).last_used_at is not None


def test_post_xml_answer_shape(world, api):
    response = api.post("requests.xml", stall_request(world))
    assert response.status_code == 200
    items = check_xml_list(response.content, "created")
    assert len(items) == 1 and items[0]["service_request_id"].isdigit()
    assert items[0]["account_id"] is None  # empty element


def test_classic_client_quirks_key_and_empty_jurisdiction_in_the_query(world, api):
    body = stall_request(world, api_key=None)
    response = api.post("requests.json", body, query={"api_key": world.raw_key, "jurisdiction_id": ""})
    assert response.status_code == 200, response.content
    # An empty body value does not hide the query string's value.
    body = stall_request(world, api_key="")
    response = api.post("requests.json", body, query={"api_key": world.raw_key})
    assert response.status_code == 200, response.content
    # The client joins "…/v2/" and "/requests.xml".
    response = api.client.post(
        "/open311/v2//requests.xml?api_key=" + world.raw_key,
        {k: v for k, v in stall_request(world).items() if k != "api_key"},
    )
    assert response.status_code == 200, response.content


def test_location_by_address_string_or_grid_code(world, api):
    by_address = api.post(
        "requests.json", stall_request(world, lat=None, long=None, address_string="坪山区六和路12号")
    )
    assert by_address.status_code == 200, by_address.content
    complaint = Complaint.objects.get(pk=by_address.json()[0]["service_request_id"])
    assert complaint.address == "坪山区六和路12号" and complaint.lat is None

    by_grid = api.post(
        "requests.json", stall_request(world, lat=None, long=None, address_id="440310001001001")
    )
    assert by_grid.status_code == 200, by_grid.content
    complaint = Complaint.objects.get(pk=by_grid.json()[0]["service_request_id"])
    assert complaint.grid.code == "440310001001001"  # a point inside the cell
    assert complaint.address == "六和社区六和1网格"
    assert complaint.open311_request.address_id == "440310001001001"


def test_no_phone_files_an_anonymous_complaint(world, api):
    response = api.post("requests.json", stall_request(world, phone=None, first_name=None, last_name=None))
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get(pk=response.json()[0]["service_request_id"])
    assert complaint.anonymous and complaint.contact_phone == ""


def test_multivalue_and_typed_answers(world, api):
    data = [
        *stall_request(world).items(),
        ("attribute[goods][]", "fruit"),
        ("attribute[goods][]", "food"),
        ("attribute[seen_at]", "2026-05-06T09:30:00+08:00"),
        ("attribute[plate]", "粤B12345"),
        ("attribute[unknown_extra]", "ignored"),  # FixMyStreet sends its own attributes
    ]
    response = api.post("requests.json", data)
    assert response.status_code == 200, response.content
    link = Open311Request.objects.get(complaint_id=response.json()[0]["service_request_id"])
    assert link.attributes == {
        "stall_type": "mobile",
        "goods": ["fruit", "food"],
        "seen_at": "2026-05-06T09:30:00+08:00",
        "plate": "粤B12345",
    }
    assert "经营品类：水果、熟食" in link.complaint.description


def _error(response, status: int, field: str | None = None, fmt: str = "json") -> str:
    assert response.status_code == status, response.content
    if fmt == "json":
        document = response.json()
        check_json(document, ERRORS)
    else:
        document = check_xml_list(response.content, "errors")
    assert all(int(e["code"]) == status for e in document)
    text = " | ".join(e["description"] for e in document)
    if field:
        assert any(e["description"].startswith(f"{field}:") for e in document), text
    return text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_key_errors_are_403(world, api, fmt):
    _error(api.post(f"requests.{fmt}", stall_request(world, api_key=None)), 403, "api_key", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, api_key="not-a-key")), 403, "api_key", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, api_key=world.revoked_raw)), 403, "api_key", fmt)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_errors(world, api, fmt):
    _error(api.post(f"requests.{fmt}", stall_request(world, service_code="NOPE")), 404, None, fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, service_code=None)), 400, "service_code", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, lat=None, long=None)), 400, "location", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, long=None)), 400, "long", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, lat="north")), 400, "lat", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, address_id="999999999999999")), 400, None, fmt)
    bad_choice = stall_request(world, **{"attribute[stall_type]": "tank"})
    _error(api.post(f"requests.{fmt}", bad_choice), 400, "attribute[stall_type]", fmt)
    missing = stall_request(world, **{"attribute[stall_type]": None})
    _error(api.post(f"requests.{fmt}", missing), 400, "attribute[stall_type]", fmt)
    bad_number = stall_request(world, **{"attribute[stall_count]": "many"})
    _error(api.post(f"requests.{fmt}", bad_number), 400, "attribute[stall_count]", fmt)
    bad_time = stall_request(world, **{"attribute[seen_at]": "yesterday"})
    _error(api.post(f"requests.{fmt}", bad_time), 400, "attribute[seen_at]", fmt)
    too_long = stall_request(world, description="摊" * 4001)
    _error(api.post(f"requests.{fmt}", too_long), 400, "description", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, phone="电话abc")), 400, "phone", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, email="not-mail")), 400, "email", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, media_url="javascript:x")), 400, "media_url", fmt)
    _error(api.post(f"requests.{fmt}", stall_request(world, jurisdiction_id="other.gov")), 404, None, fmt)
    assert not Complaint.objects.exists()


def test_description_of_exactly_4000_characters_is_accepted(world, api):
    response = api.post("requests.json", stall_request(world, service_code=LAMP, description="灯" * 4000))
    assert response.status_code == 200, response.content
    assert len(Complaint.objects.get().description) == 4000


def test_rate_limit_per_key_answers_429_in_the_error_format(world, api, settings):
    settings.OPEN311 = {**settings.OPEN311, "RATE_LIMIT_PER_MINUTE": 2}
    for _ in range(2):
        assert api.post("requests.json", stall_request(world)).status_code == 200
    text = _error(api.post("requests.xml", stall_request(world)), 429, "api_key", "xml")
    assert "api_key" in text
    assert Complaint.objects.count() == 2
    # Another key has its own budget; a key's own limit overrides the default.
    ApiKey.objects.filter(pk=world.key.pk).update(rate_limit_per_minute=5)
    assert api.post("requests.json", stall_request(world)).status_code == 200
