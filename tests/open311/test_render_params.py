"""Writing documents (XML conversion rules) and reading parameters (clients' habits)."""

import json
from xml.etree import ElementTree as ET

import pytest

from open311.render import document_xml
from open311.timefmt import open311_datetime_format, open311_datetime_parse
from tests.open311.conftest import stall_request

NESTED = {
    "service_code": "7",
    "attributes": [
        {
            "required": True,
            "variable": False,
            "order": 1,
            "datatype_description": None,
            "values": [{"key": "a"}],
        }
    ],
}


def test_xml_conversion_rules():
    root = ET.fromstring(document_xml(NESTED, root="service_definition"))
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("required") == "true" and attribute.findtext("variable") == "false"
    assert attribute.findtext("order") == "1"
    assert attribute.find("datatype_description").text is None  # None → empty element
    assert attribute.find("values/value/key").text == "a"
    listing = ET.fromstring(document_xml([{"lat": 22.605}], root="service_requests", item="request"))
    assert listing.find("request/lat").text == "22.605"
    assert ET.fromstring(document_xml([], root="services", item="service")).tag == "services"


def test_datetimes_keep_the_offset_and_survive_a_lost_plus():
    moment = open311_datetime_parse("2026-05-06T09:30:00 08:00")  # "+" decoded as a space
    assert open311_datetime_format(moment) == "2026-05-06T09:30:00+08:00"
    assert (
        open311_datetime_format(open311_datetime_parse("2026-05-06T01:30:00Z")) == "2026-05-06T09:30:00+08:00"
    )
    assert open311_datetime_format(open311_datetime_parse("2026-05-06")) == "2026-05-06T00:00:00+08:00"
    assert open311_datetime_parse("2026-13-45") is None and open311_datetime_parse("soon") is None


@pytest.mark.django_db
def test_json_body_is_read_too(world, api):
    body = json.dumps(stall_request(world))
    response = api.client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_reading_may_require_a_key(world, api, settings):
    settings.OPEN311 = {**settings.OPEN311, "READ_REQUIRES_KEY": True}
    assert api.get("requests.json").status_code == 403
    assert api.get("requests.json", api_key=world.revoked_raw).status_code == 403
    assert api.get("requests.json", api_key=world.raw_key).status_code == 200


def test_control_characters_never_break_the_xml():
    body = document_xml([{"description": "坏\x00字符\x1b"}], root="service_requests", item="request")
    assert ET.fromstring(body).findtext("request/description") == "坏字符"
