"""``POST /api/v1/routing/suggest/``: at least three suggestions with paths, units and scores."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from grids.models import UnitKind
from grievance.models import HandlerRule
from grievance.services.routing import routing_index_clear
from tests.grievance.factories import MatterFactory, UnitFactory, territory

URL = "/api/v1/routing/suggest/"


@pytest.fixture(autouse=True)
def clean_state():
    cache.clear()
    routing_index_clear()


@pytest.fixture
def catalogue(db):
    place = territory()
    cg = UnitFactory(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT)
    MatterFactory.leaf(name="路灯维修", keywords="路灯", unit=cg, code="L-LAMP")
    MatterFactory.leaf(name="占道经营", keywords="摆摊", handler_rule=HandlerRule.STREET, code="L-STALL")
    MatterFactory.leaf(name="噪音污染", keywords="噪音", top="环境保护", middle="污染防治", code="L-NOISE")
    MatterFactory.leaf(name="欠薪", keywords="工资", top="劳动和社会保障", middle="劳动关系", code="L-WAGE")
    return place


def test_suggestions_best_first_with_paths(catalogue):
    lat, lng = catalogue.inside
    response = APIClient().post(
        URL, {"title": "有人摆摊", "description": "路口摆摊占道", "lat": lat, "lng": lng}, format="json"
    )
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert len(suggestions) >= 3
    assert all(
        set(s) == {"matter", "path", "unit", "score", "why"} and len(s["path"]) == 3 for s in suggestions
    )
    assert suggestions[0]["matter"] == "L-STALL" and suggestions[0]["unit"] == "PS-PSJD"
    assert suggestions[0]["path"] == ["城乡建设", "城市建设和市政管理", "占道经营"]
    assert [s["score"] for s in suggestions] == sorted((s["score"] for s in suggestions), reverse=True)


def test_without_location_territorial_unit_is_null(catalogue):
    suggestions = (
        APIClient().post(URL, {"title": "摆摊", "description": ""}, format="json").json()["suggestions"]
    )
    assert suggestions[0]["matter"] == "L-STALL" and suggestions[0]["unit"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "description": ""}, "title"),
        ({"title": "噪音", "lat": 22.6}, "lat"),
        ({"title": "噪音", "lat": 100, "lng": 114}, "lat"),
        ({"title": "噪音", "lng": "east", "lat": 22}, "lng"),
    ],
)
def test_bad_input_is_400(catalogue, body, field):
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
