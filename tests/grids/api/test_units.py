import pytest
from rest_framework.test import APIClient

from grids.models import UnitKind
from grids.services.units import unit_upsert
from tests.accounts.factories import UserFactory

URL = "/api/v1/units/"


@pytest.fixture
def units(db):
    district, _ = unit_upsert(code="PS", name="坪山区人民政府", kind=UnitKind.DISTRICT)
    street, _ = unit_upsert(code="PS-PSJD", name="坪山街道办事处", kind=UnitKind.STREET, parent=district)
    unit_upsert(code="PS-PSJD-LHSQ", name="六和社区工作站", kind=UnitKind.COMMUNITY, parent=street)
    unit_upsert(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT, parent=district)
    return district


@pytest.fixture
def client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


def test_anonymous_is_refused_with_401_in_the_project_shape(db):
    response = APIClient().get(URL)

    assert response.status_code == 401
    assert set(response.json()) == {"message", "errors"}


def test_list_shape_and_parent_codes(client, units):
    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert body["results"][0] == {"code": "PS", "name": "坪山区人民政府", "kind": "district", "parent": None}
    by_code = {item["code"]: item for item in body["results"]}
    assert by_code["PS-PSJD-LHSQ"] == {
        "code": "PS-PSJD-LHSQ",
        "name": "六和社区工作站",
        "kind": "community",
        "parent": "PS-PSJD",
    }
    assert by_code["PS-CG"]["parent"] == "PS"


def test_filter_by_kind(client, units):
    body = client.get(URL, {"kind": "street"}).json()
    assert [item["code"] for item in body["results"]] == ["PS-PSJD"]


def test_filter_by_query_on_name_and_code(client, units):
    assert [i["code"] for i in client.get(URL, {"q": "城市管理"}).json()["results"]] == ["PS-CG"]
    assert [i["code"] for i in client.get(URL, {"q": "lhsq"}).json()["results"]] == ["PS-PSJD-LHSQ"]
    assert client.get(URL, {"q": "不存在的单位"}).json()["count"] == 0


def test_unknown_kind_is_400_not_500(client, units):
    response = client.get(URL, {"kind": "empire"})

    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_pagination(client, units):
    body = client.get(URL, {"page_size": 2}).json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"] is not None and body["previous"] is None


def test_query_count_does_not_grow_with_units(client, units, django_assert_max_num_queries):
    parent = units
    for i in range(60):
        unit_upsert(code=f"PS-D{i:02d}", name=f"部门{i}", kind=UnitKind.DEPARTMENT, parent=parent)

    with django_assert_max_num_queries(2):
        response = client.get(URL, {"page_size": 100})

    assert len(response.json()["results"]) == 64
