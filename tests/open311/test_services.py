"""Discovery, the service list and service definitions, in XML and JSON, against the spec's schemas."""

import json

import pytest

from grievance.models import Matter
from open311.services.definitions import service_definition_set
from tests.open311.conftest import LAMP, STALL
from tests.open311.schemas import (
    DISCOVERY,
    ERRORS,
    SERVICE_DEFINITION,
    SERVICES,
    check_json,
    check_xml_item,
    check_xml_list,
    xml_root,
    xml_value,
)

pytestmark = pytest.mark.django_db


def test_discovery_json_and_xml(world, api):
    response = api.get("discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    check_json(document, DISCOVERY)
    endpoint = document["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert document["key_service"] == "http://testserver/open311/"

    response = api.get("discovery.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = xml_root(response.content, "discovery")
    as_dict = xml_value(root)
    assert as_dict["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert as_dict["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    check_json(as_dict, DISCOVERY)  # the XML holds the same document


def test_services_list_matters_with_group_keywords_and_metadata(world, api):
    document = api.get("services.json").json()
    check_json(document, SERVICES)
    by_code = {s["service_code"]: s for s in document}
    assert set(by_code) == {STALL, LAMP}  # leaves only, codes as strings
    stall = by_code[STALL]
    assert stall["service_name"] == "占道经营"
    assert stall["group"] == "城乡建设"  # the top-level class
    assert stall["keywords"] == "摆摊,占道,流动摊贩"
    assert stall["metadata"] is True and by_code[LAMP]["metadata"] is False
    assert stall["type"] == "realtime"

    items = check_xml_list(api.get("services.xml").content, "services")
    xml_stall = next(i for i in items if i["service_code"] == STALL)
    assert xml_stall["metadata"] == "true" and xml_stall["group"] == "城乡建设"
    assert next(i for i in items if i["service_code"] == LAMP)["metadata"] == "false"


def test_inactive_matters_are_not_services(world, api):
    Matter.objects.filter(code=LAMP).update(is_active=False)
    codes = [s["service_code"] for s in api.get("services.json").json()]
    assert codes == [STALL]
    assert api.get(f"services/{LAMP}.json").status_code == 404


def test_empty_service_list(db, api):
    response = api.get("services.json")
    assert response.status_code == 200 and response.json() == []
    assert check_xml_list(api.get("services.xml").content, "services") == []


def test_service_definition_json_with_typed_attributes(world, api):
    document = api.get(f"services/{STALL}.json").json()
    check_json(document, SERVICE_DEFINITION)
    assert document["service_code"] == STALL
    attributes = document["attributes"]
    assert [a["order"] for a in attributes] == sorted(a["order"] for a in attributes)
    by_code = {a["code"]: a for a in attributes}
    assert {a["datatype"] for a in attributes} == {
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    }
    assert by_code["stall_type"]["required"] is True and by_code["stall_count"]["required"] is False
    assert by_code["notice"]["variable"] is False
    assert by_code["stall_type"]["values"] == [
        {"key": "mobile", "name": "流动摊贩"},
        {"key": "fixed", "name": "固定摊点占道"},
    ]
    assert by_code["plate"]["datatype_description"] == "如 粤B12345"
    assert by_code["stall_count"]["datatype_description"] is None


def test_service_definition_xml_and_the_singular_alias(world, api):
    plural = api.get(f"services/{STALL}.xml")
    singular = api.get(f"service/{STALL}.xml")  # the classic Python client's path
    assert plural.status_code == singular.status_code == 200
    assert plural.content == singular.content
    root = xml_root(plural.content, "service_definition")
    document = xml_value(root)
    assert document["service_code"] == STALL
    stall_type = next(a for a in document["attributes"] if a["code"] == "stall_type")
    check_xml_item(stall_type, SERVICE_DEFINITION["properties"]["attributes"]["items"])
    assert stall_type["required"] == "true" and stall_type["variable"] == "true"
    assert stall_type["values"][0] == {"key": "mobile", "name": "流动摊贩"}
    assert api.get(f"service/{STALL}.json").json() == api.get(f"services/{STALL}.json").json()


def test_definition_of_a_service_without_one_is_empty(world, api):
    document = api.get(f"services/{LAMP}.json").json()
    check_json(document, SERVICE_DEFINITION)
    assert document == {"service_code": LAMP, "attributes": []}
    root = xml_root(api.get(f"services/{LAMP}.xml").content, "service_definition")
    assert xml_value(root)["attributes"] == []


@pytest.mark.parametrize("path", ["services/NOPE", "service/NOPE"])
def test_unknown_service_is_404_in_both_formats(world, api, path):
    response = api.get(f"{path}.json")
    assert response.status_code == 404
    check_json(response.json(), ERRORS)
    assert response.json()[0]["code"] == 404
    response = api.get(f"{path}.xml")
    assert response.status_code == 404
    errors = check_xml_list(response.content, "errors")
    assert errors[0]["code"] == "404" and "NOPE" in errors[0]["description"]


def test_jurisdiction_empty_ours_or_unknown(world, api):
    assert api.get("services.json", jurisdiction_id="").status_code == 200  # empty counts as absent
    assert api.get("services.json", jurisdiction_id="pingshan.sz.gov.cn").status_code == 200
    response = api.get("services.xml", jurisdiction_id="chicago.gov")
    assert response.status_code == 404
    assert "jurisdiction_id" in check_xml_list(response.content, "errors")[0]["description"]


def test_definitions_replace_whole_and_reject_bad_specs(world):
    from common.exceptions import ApplicationError

    service_definition_set(
        matter=world.lamp, attributes=[{"code": "x", "datatype": "number", "description": "数"}]
    )
    assert world.lamp.open311_definition.attributes.count() == 1
    with pytest.raises(ApplicationError) as raised:
        service_definition_set(
            matter=world.lamp,
            attributes=[{"code": "kind", "datatype": "singlevaluelist", "description": "类", "values": []}],
        )
    assert "attributes[0]" in raised.value.errors
    assert world.lamp.open311_definition.attributes.get().code == "x"  # nothing changed


def test_unknown_resource_and_method(world, api):
    response = api.get("nothing.json")
    assert response.status_code == 404 and json.loads(response.content)[0]["code"] == 404
    response = api.client.post("/open311/v2/services.xml")
    assert response.status_code == 405
    assert check_xml_list(response.content, "errors")[0]["code"] == "405"
